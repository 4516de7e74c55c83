"""Critical points: per step, per journey, per point, the categories, and where it hurts most."""

import csv
import io

from flask import Blueprint, Response, abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.critical_points import services
from workshop.critical_points.forms import (
    CategoryForm,
    MergeForm,
    PointEditForm,
    PointForm,
    ReportForm,
    StatusForm,
    SuggestionForm,
    enum_or_none,
    read_filters,
)
from workshop.critical_points.labels import ROLE_LABELS, STATUS_LABELS, category_label
from workshop.critical_points.models import PointStatus, ReporterRole
from workshop.extensions import db
from workshop.forms_common import EmptyForm, safe_next
from workshop.htmx import redirect_page, render_page
from workshop.journeys import services as journeys
from workshop.journeys.models import JourneyKind

bp = Blueprint("critical_points", __name__)


# --- helpers -----------------------------------------------------------------------------------


def _journey(workspace, journey_id):
    return journeys.get_journey(workspace, journey_id) or abort(404)


def _live_step(journey, step_id):
    step = journeys.get_step(journey, step_id)
    if step is None or step.deleted_at is not None:
        abort(404)
    return step


def _point(journey, point_id):
    return services.get_point(journey, point_id) or abort(404)


def _report_data(workspace, form) -> services.ReportData:
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


def _prepare(form, workspace, point=None):
    """Offer the workspace's organisations and categories (and the point's own, if retired)."""
    if hasattr(form, "set_organisations"):
        form.set_organisations(accounts.organisations_of(workspace))
    if hasattr(form, "set_categories"):
        current = _category_value(point) if point is not None else ""
        choices = [
            c
            for c in services.category_choices(workspace, include_retired=True)
            if not c.retired or c.value == current
        ]
        form.set_categories(choices, category_label)
    return form


# --- a step's points ---------------------------------------------------------------------------


def _step_page(workspace, membership, journey, step, status=200, form=None):
    return render_page(
        "critical_points/step.html",
        status=status,
        workspace=workspace,
        membership=membership,
        journey=journey,
        step=step,
        rows=services.list_points(journey, current_user, step=step, sort="severity"),
        suggestions=services.open_suggestions(step),
        suggestion_form=SuggestionForm(formdata=None),
        form=form
        or _prepare(
            PointForm(formdata=None, submission_key=services.new_submission_key()), workspace
        ),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        action_form=EmptyForm(),
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
    journey = _journey(workspace, journey_id)
    return _step_page(workspace, membership, journey, _live_step(journey, step_id))


@bp.post("/journeys/<int:journey_id>/steps/<int:step_id>/points")
@workspace_role(Role.PARTICIPANT)
def report(workspace, membership, journey_id, step_id):
    """Report a critical point on a step."""
    journey = _journey(workspace, journey_id)
    step = _live_step(journey, step_id)
    form = _prepare(PointForm(), workspace)
    if not form.validate_on_submit():
        return _step_page(workspace, membership, journey, step, 422, form)
    try:
        point = services.report_point(
            workspace,
            journey,
            current_user,
            services.NewPoint(
                step=step,
                title=form.title.data,
                description=form.description.data or "",
                severity=form.severity.data,
                category=form.category.data or None,
                report=_report_data(workspace, form),
                submission_key=form.submission_key.data,
            ),
        )
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
    journey = _journey(workspace, journey_id)
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


# --- the journey's points ----------------------------------------------------------------------


@bp.get("/journeys/<int:journey_id>/points/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership, journey_id):
    """All critical points of a journey, filtered and sorted."""
    journey = _journey(workspace, journey_id)
    filters_form, filters = read_filters(workspace)
    rows = services.list_points(journey, current_user, filters, filters_form.sort.data or "votes")
    return render_page(
        "critical_points/index.html",
        block="point_list",
        workspace=workspace,
        membership=membership,
        journey=journey,
        rows=rows,
        filters_form=filters_form,
        filters=filters,
        places=journeys.place_names(journeys.load_board(journey)),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        action_form=EmptyForm(),
    )


# Cells starting with these are formulas to a spreadsheet program.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """Text for a CSV cell that a spreadsheet shows as typed and never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


CSV_COLUMNS = (
    _l("Stage"),
    _l("Lane"),
    _l("Step"),
    _l("Critical point"),
    _l("Details"),
    _l("Severity"),
    _l("Category"),
    _l("Status"),
    _l("Votes"),
    _l("Reports"),
    _l("Organisations"),
    _l("Reported by"),
)


@bp.get("/journeys/<int:journey_id>/points.csv")
@workspace_role(Role.OBSERVER)
def export_csv(workspace, membership, journey_id):
    """The list as CSV for a spreadsheet, with the same filters and order."""
    journey = _journey(workspace, journey_id)
    filters_form, filters = read_filters(workspace)
    rows = services.list_points(journey, current_user, filters, filters_form.sort.data or "votes")
    places = journeys.place_names(journeys.load_board(journey))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c) for c in CSV_COLUMNS])
    for row in rows:
        point = row.point
        stage, lane = places.get(point.step_id, ("", ""))
        roles = sorted({str(ROLE_LABELS[r.reporter_role]) for r in point.reports})
        writer.writerow(
            [
                csv_cell(v)
                for v in (
                    stage,
                    lane,
                    point.step.title,
                    point.title,
                    point.description,
                    point.severity,
                    category_label(point.category),
                    STATUS_LABELS[point.status],
                    row.votes,
                    row.reports,
                    row.organisations,
                    ", ".join(roles),
                )
            ]
        )
    # A byte-order mark lets spreadsheet programs open the file as UTF-8 (ä, ö, å intact).
    body = "\ufeff" + out.getvalue()
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="critical-points-{journey.id}.csv"'
    )
    return response


# --- one point ---------------------------------------------------------------------------------


def _point_page(workspace, membership, journey, point, status=200, edit_version=None, **forms):
    others = [
        r.point
        for r in services.list_points(journey, current_user, sort="age")
        if r.point.id != point.id
    ]
    merge_form = forms.get("merge_form") or MergeForm(formdata=None)
    merge_form.other.choices = [SelectChoice("", "—")] + [
        SelectChoice(p.id, p.title) for p in others
    ]
    edit_form = forms.get("edit_form") or _prepare(
        PointEditForm(
            formdata=None,
            data={
                "title": point.title,
                "description": point.description,
                "severity": point.severity,
                "category": _category_value(point),
                "version": point.version,
            },
        ),
        workspace,
        point,
    )
    return render_page(
        "critical_points/point.html",
        status=status,
        workspace=workspace,
        membership=membership,
        journey=journey,
        point=point,
        row=next(
            r
            for r in services.list_points(journey, current_user, step=point.step)
            if r.point.id == point.id
        ),
        report_form=forms.get("report_form") or _prepare(ReportForm(formdata=None), workspace),
        edit_form=edit_form,
        status_form=StatusForm(formdata=None, status=point.status.value),
        merge_form=merge_form,
        action_form=EmptyForm(),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        error=forms.get("error"),
        # The version the edit form saves over: the one it was loaded with, or after a
        # conflict the one just shown as saved.
        edit_version=edit_version if edit_version is not None else edit_form.version.data,
    )


def _category_value(point) -> str:
    if point.category is None:
        return ""
    return f"key:{point.category.key}" if point.category.key else f"id:{point.category.id}"


def _back_to_point(workspace, journey, point, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(
        url_for(
            "critical_points.point",
            workspace_id=workspace.id,
            journey_id=journey.id,
            point_id=point.id,
        )
    )


@bp.get("/journeys/<int:journey_id>/points/<int:point_id>")
@workspace_role(Role.OBSERVER)
def point(workspace, membership, journey_id, point_id):
    """A critical point with every report, its status and votes."""
    journey = _journey(workspace, journey_id)
    return _point_page(workspace, membership, journey, _point(journey, point_id))


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/edit")
@workspace_role(Role.PARTICIPANT)
def edit(workspace, membership, journey_id, point_id):
    """Change a point's title, details, severity or category."""
    journey = _journey(workspace, journey_id)
    point = _point(journey, point_id)
    form = _prepare(PointEditForm(), workspace, point)
    if not form.validate_on_submit():
        return _point_page(workspace, membership, journey, point, 422, edit_form=form)
    try:
        services.update_point(
            workspace,
            point,
            current_user,
            form.version.data,
            form.title.data,
            form.description.data or "",
            form.severity.data,
            form.category.data or None,
        )
    except services.Conflict:
        db.session.rollback()
        # Keep what this person typed in the form, on top of the version now saved, and
        # show the saved one above it: saving again is then a choice, nothing is lost.
        return _point_page(
            workspace,
            membership,
            journey,
            point,
            409,
            edit_form=form,
            edit_version=point.version,
            error=_(
                "Someone saved this point while you were editing. The saved version is shown "
                "above; your text is in the form below. Save again to keep yours."
            ),
        )
    except services.NotFound:
        abort(404)
    return _back_to_point(workspace, journey, point, _("Critical point saved."))


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/reports")
@workspace_role(Role.PARTICIPANT)
def add_report(workspace, membership, journey_id, point_id):
    """Add another person's report of the same problem."""
    journey = _journey(workspace, journey_id)
    point = _point(journey, point_id)
    form = _prepare(ReportForm(), workspace)
    if not form.validate_on_submit():
        return _point_page(workspace, membership, journey, point, 422, report_form=form)
    try:
        services.add_report(workspace, point, current_user, _report_data(workspace, form))
    except services.NotFound:
        abort(404)
    return _back_to_point(workspace, journey, point, _("Report added."))


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/status")
@workspace_role(Role.PARTICIPANT)
def set_status(workspace, membership, journey_id, point_id):
    """Move the point to another status."""
    journey = _journey(workspace, journey_id)
    point = _point(journey, point_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _point_page(workspace, membership, journey, point, 422)
    services.set_status(point, current_user, PointStatus(form.status.data))
    return _back_to_point(
        workspace, journey, point, _("Status: %(status)s.", status=STATUS_LABELS[point.status])
    )


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/vote")
@workspace_role(Role.PARTICIPANT)
def vote(workspace, membership, journey_id, point_id):
    """Vote for the point, or take the vote back."""
    journey = _journey(workspace, journey_id)
    point = _point(journey, point_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    voted = services.toggle_vote(point, current_user)
    db.session.commit()
    message = _("Vote given.") if voted else _("Vote taken back.")
    flash(message, "success")
    back = safe_next(request.form.get("next")) or url_for(
        "critical_points.point", workspace_id=workspace.id, journey_id=journey.id, point_id=point.id
    )
    return redirect_page(back)


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/merge")
@workspace_role(Role.PARTICIPANT)
def merge(workspace, membership, journey_id, point_id):
    """Fold another point of the same problem into this one, keeping every report."""
    journey = _journey(workspace, journey_id)
    point = _point(journey, point_id)
    form = MergeForm()
    form.other.choices = [
        SelectChoice(r.point.id, r.point.title) for r in services.list_points(journey, current_user)
    ]
    if not form.validate_on_submit() or form.other.data == point.id:
        return _point_page(
            workspace,
            membership,
            journey,
            point,
            422,
            error=_("Choose another critical point of this journey to merge."),
        )
    other = _point(journey, form.other.data)
    services.merge_points(point, other, current_user)
    return _back_to_point(workspace, journey, point, _("Merged: every report is kept here."))


# --- categories and insights -------------------------------------------------------------------


def _categories_page(workspace, membership, status=200, form=None, error=None):
    return render_page(
        "critical_points/categories.html",
        status=status,
        workspace=workspace,
        membership=membership,
        choices=services.category_choices(workspace, include_retired=True),
        form=form or CategoryForm(formdata=None),
        can_manage=membership.role.allows(Role.FACILITATOR),
        action_form=EmptyForm(),
        error=error,
    )


@bp.get("/categories")
@workspace_role(Role.OBSERVER)
def categories(workspace, membership):
    """The workspace's categories of critical points."""
    return _categories_page(workspace, membership)


@bp.post("/categories")
@workspace_role(Role.FACILITATOR)
def add_category(workspace, membership):
    """Add a category of the workspace's own."""
    form = CategoryForm()
    if not form.validate_on_submit():
        return _categories_page(workspace, membership, 422, form)
    try:
        services.add_category(workspace, form.name.data)
    except services.NameTaken:
        form.name.errors.append(_("The workspace has a category of that name already."))
        return _categories_page(workspace, membership, 422, form)
    db.session.commit()
    flash(_("Category added."), "success")
    return redirect_page(url_for("critical_points.categories", workspace_id=workspace.id))


@bp.post("/categories/<value>/<any(rename, retire, restore):action>")
@workspace_role(Role.FACILITATOR)
def change_category(workspace, membership, value, action):
    """Rename, retire or restore a category."""
    form = CategoryForm() if action == "rename" else EmptyForm()
    if not form.validate_on_submit():
        return _categories_page(workspace, membership, 422)
    try:
        if action == "rename":
            services.rename_category(workspace, value, form.name.data)
        else:
            services.retire_category(workspace, value, action == "retire")
    except services.NameTaken:
        db.session.rollback()
        error = _("The workspace has a category of that name already.")
        return _categories_page(workspace, membership, 422, error=error)
    except services.NotFound:
        abort(404)
    db.session.commit()
    flash(_("Categories saved."), "success")
    return redirect_page(url_for("critical_points.categories", workspace_id=workspace.id))


@bp.get("/insights")
@workspace_role(Role.OBSERVER)
def insights(workspace, membership):
    """Which steps of a process collect the most critical points, across the journeys."""
    kind = enum_or_none(JourneyKind, request.args.get("kind", JourneyKind.APPRENTICESHIP.value))
    if kind is None:
        abort(404)
    # An instance administrator may look across every workspace of the installation.
    everywhere = current_user.is_admin and request.args.get("scope") == "all"
    workspaces = accounts.all_workspaces() if everywhere else [workspace]
    spots = services.hot_spots(workspaces, kind)
    categories = {c.id: c for w in workspaces for c in services.used_categories(w)}
    return render_page(
        "critical_points/insights.html",
        workspace=workspace,
        membership=membership,
        kind=kind,
        spots=spots,
        roles=list(ReporterRole),
        categories=categories,
        most=max((s.points for s in spots), default=0),
        everywhere=everywhere,
    )
