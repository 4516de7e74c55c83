"""A step's critical points: reporting one, and confirming or dismissing a template's
suggestion."""

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.critical_points import services, staff_view
from workshop.critical_points.forms import PointForm, SuggestionForm
from workshop.critical_points.views.blueprint import bp
from workshop.critical_points.views.common import (
    journey_or_404,
    live_step_or_404,
    prepare,
    report_from_form,
)
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page


def _step_page(workspace, membership, journey, step, status=200, form=None):
    rows = services.list_points(journey, current_user, step=step, sort="severity")
    return render_page(
        "critical_points/step.html",
        status=status,
        workspace=workspace,
        membership=membership,
        journey=journey,
        step=step,
        rows=rows,
        suggestions=services.open_suggestions(step),
        suggestion_form=SuggestionForm(formdata=None),
        form=form
        or prepare(
            PointForm(formdata=None, submission_key=services.new_submission_key()), workspace
        ),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        action_form=EmptyForm(),
        staff=staff_view.for_steps(workspace, [step.key], {step.key: services.category_keys(rows)}),
    )


def _to_step(workspace, journey, step):
    """After a change on a step's page: back to it (post/redirect/get)."""
    return redirect_page(
        url_for(
            "critical_points.step_points",
            workspace_id=workspace.id,
            journey_id=journey.id,
            step_id=step.id,
        )
    )


@bp.get("/journeys/<int:journey_id>/steps/<int:step_id>/points")
@workspace_role(Role.OBSERVER)
def step_points(workspace, membership, journey_id, step_id):
    """A step's critical points, its open template suggestions, and a form to report one."""
    journey = journey_or_404(workspace, journey_id)
    return _step_page(workspace, membership, journey, live_step_or_404(journey, step_id))


@bp.post("/journeys/<int:journey_id>/steps/<int:step_id>/points")
@workspace_role(Role.PARTICIPANT)
def report(workspace, membership, journey_id, step_id):
    """Report a critical point on a step."""
    journey = journey_or_404(workspace, journey_id)
    step = live_step_or_404(journey, step_id)
    form = prepare(PointForm(), workspace)
    if not form.validate_on_submit():
        return _step_page(workspace, membership, journey, step, 422, form)
    try:
        point = report_from_form(workspace, journey, step, form)
    except services.NotFound:
        abort(404)
    db.session.commit()
    flash(_("Critical point “%(title)s” reported.", title=point.title), "success")
    return _to_step(workspace, journey, step)


@bp.post(
    "/journeys/<int:journey_id>/suggestions/<int:suggestion_id>/<any(confirm, dismiss):action>"
)
@workspace_role(Role.PARTICIPANT)
def handle_suggestion(workspace, membership, journey_id, suggestion_id, action):
    """Confirm a template suggestion as a critical point, or dismiss it."""
    journey = journey_or_404(workspace, journey_id)
    suggestion = services.get_suggestion(journey, suggestion_id) or abort(404)
    step = suggestion.step
    form = SuggestionForm()
    if not form.validate_on_submit():
        return _step_page(workspace, membership, journey, step, 422)
    try:
        if action == "confirm":
            services.confirm_suggestion(
                workspace, journey, suggestion, current_user, form.severity.data
            )
            message = _("The suggestion is now a critical point.")
        else:
            services.dismiss_suggestion(journey, suggestion, current_user)
            message = _("Suggestion dismissed.")
    except services.NotFound:
        db.session.rollback()
        message = _("Someone handled that suggestion already.")
    db.session.commit()
    flash(message, "success")
    return _to_step(workspace, journey, step)
