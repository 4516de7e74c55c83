"""What the critical-point views share: finding the journey, step and point, and filling the
forms' choices and values."""

from flask import abort
from flask_login import current_user

from workshop.accounts import services as accounts
from workshop.critical_points import services
from workshop.critical_points.labels import category_label
from workshop.critical_points.models import ReporterRole
from workshop.journeys import services as journeys


def journey_or_404(workspace, journey_id):
    return journeys.get_journey(workspace, journey_id) or abort(404)


def live_step_or_404(journey, step_id):
    step = journeys.get_step(journey, step_id)
    if step is None or step.deleted_at is not None:
        abort(404)
    return step


def point_or_404(journey, point_id):
    return services.get_point(journey, point_id) or abort(404)


def report_data(workspace, form) -> services.ReportData:
    return services.ReportData(
        role=ReporterRole(form.role.data),
        organisation_id=accounts.chosen_or_new_organisation(
            workspace,
            form.organisation.data,
            form.new_organisation.data,
            services.organisation_kind_for(ReporterRole(form.role.data)),
        ),
        quote=form.quote.data or "",
        source=form.source.data or "",
        reported_on=form.reported_on.data,
    )


def report_from_form(workspace, journey, step, form):
    """Report the critical point a valid PointForm describes on a step, as the signed-in user."""
    return services.report_point(
        workspace,
        journey,
        current_user,
        services.NewPoint(
            step=step,
            title=form.title.data,
            description=form.description.data or "",
            severity=form.severity.data,
            category=form.category.data or None,
            report=report_data(workspace, form),
            submission_key=form.submission_key.data,
        ),
    )


def prepare(form, workspace, point=None):
    """Offer the workspace's organisations and categories (and the point's own, if retired)."""
    if hasattr(form, "set_organisations"):
        form.set_organisations(accounts.organisations_of(workspace))
    if hasattr(form, "set_categories"):
        current = category_value(point) if point is not None else ""
        choices = [
            c
            for c in services.category_choices(workspace, include_retired=True)
            if not c.retired or c.value == current
        ]
        form.set_categories(choices, category_label)
    return form


def category_value(point) -> str:
    if point.category is None:
        return ""
    return f"key:{point.category.key}" if point.category.key else f"id:{point.category.id}"
