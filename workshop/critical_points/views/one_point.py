"""One critical point: editing it, adding reports, its status, votes, and merging another into
it."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.critical_points import services
from workshop.critical_points.forms import (
    STATUS_LABELS,
    MergeForm,
    PointEditForm,
    ReportForm,
    StatusForm,
)
from workshop.critical_points.models import PointStatus
from workshop.critical_points.views.blueprint import bp
from workshop.critical_points.views.common import (
    category_value,
    journey_or_404,
    point_or_404,
    prepare,
    report_data,
)
from workshop.extensions import db
from workshop.forms_common import EmptyForm, safe_next
from workshop.htmx import redirect_page, render_page


def _point_page(workspace, membership, journey, point, status=200, edit_version=None, **forms):
    """A point's page; `forms` brings those sent back as typed, or an error."""
    edit_form = forms.get("edit_form") or _saved_point_form(workspace, point)
    return render_page(
        "critical_points/point.html",
        status=status,
        workspace=workspace,
        membership=membership,
        journey=journey,
        point=point,
        row=_row_of(journey, point),
        report_form=forms.get("report_form") or prepare(ReportForm(formdata=None), workspace),
        edit_form=edit_form,
        status_form=StatusForm(formdata=None, status=point.status.value),
        merge_form=_merge_form(journey, point, forms.get("merge_form")),
        action_form=EmptyForm(),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        error=forms.get("error"),
        # The version the edit form saves over: the one it was loaded with, or after a
        # conflict the one just shown as saved.
        edit_version=edit_version if edit_version is not None else edit_form.version.data,
    )


def _saved_point_form(workspace, point) -> PointEditForm:
    """The edit form with the point as saved."""
    saved = {
        "title": point.title,
        "description": point.description,
        "severity": point.severity,
        "category": category_value(point),
        "version": point.version,
    }
    return prepare(PointEditForm(formdata=None, data=saved), workspace, point)


def _merge_form(journey, point, form: MergeForm | None) -> MergeForm:
    """The merge form offering the journey's other points, oldest first."""
    others = [
        r.point
        for r in services.list_points(journey, current_user, sort="age")
        if r.point.id != point.id
    ]
    form = form or MergeForm(formdata=None)
    form.other.choices = [SelectChoice("", "—")] + [SelectChoice(p.id, p.title) for p in others]
    return form


def _row_of(journey, point):
    """The point's row as the lists show it: votes, reports, organisations."""
    return next(
        r
        for r in services.list_points(journey, current_user, step=point.step)
        if r.point.id == point.id
    )


def _point_url(workspace, journey, point) -> str:
    return url_for(
        "critical_points.point", workspace_id=workspace.id, journey_id=journey.id, point_id=point.id
    )


def _back_to_point(workspace, journey, point, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(_point_url(workspace, journey, point))


@bp.get("/journeys/<int:journey_id>/points/<int:point_id>")
@workspace_role(Role.OBSERVER)
def point(workspace, membership, journey_id, point_id):
    """A critical point with every report, its status and votes."""
    journey = journey_or_404(workspace, journey_id)
    return _point_page(workspace, membership, journey, point_or_404(journey, point_id))


POINT_CONFLICT = _l(
    "Someone saved this point while you were editing. The saved version is shown "
    "above; your text is in the form below. Save again to keep yours."
)


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/edit")
@workspace_role(Role.PARTICIPANT)
def edit(workspace, membership, journey_id, point_id):
    """Change a point's title, details, severity or category."""
    journey = journey_or_404(workspace, journey_id)
    point = point_or_404(journey, point_id)
    form = prepare(PointEditForm(), workspace, point)
    if not form.validate_on_submit():
        return _point_page(workspace, membership, journey, point, 422, edit_form=form)
    try:
        _update_point(workspace, point, form)
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
            error=POINT_CONFLICT,
        )
    except services.NotFound:
        abort(404)
    return _back_to_point(workspace, journey, point, _("Critical point saved."))


def _update_point(workspace, point, form: PointEditForm) -> None:
    """Save what the valid edit form says, over the version it was loaded with."""
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


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/reports")
@workspace_role(Role.PARTICIPANT)
def add_report(workspace, membership, journey_id, point_id):
    """Add another person's report of the same problem."""
    journey = journey_or_404(workspace, journey_id)
    point = point_or_404(journey, point_id)
    form = prepare(ReportForm(), workspace)
    if not form.validate_on_submit():
        return _point_page(workspace, membership, journey, point, 422, report_form=form)
    try:
        services.add_report(workspace, point, current_user, report_data(workspace, form))
    except services.NotFound:
        abort(404)
    return _back_to_point(workspace, journey, point, _("Report added."))


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/status")
@workspace_role(Role.PARTICIPANT)
def set_status(workspace, membership, journey_id, point_id):
    """Move the point to another status."""
    journey = journey_or_404(workspace, journey_id)
    point = point_or_404(journey, point_id)
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
    journey = journey_or_404(workspace, journey_id)
    point = point_or_404(journey, point_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    voted = services.toggle_vote(point, current_user)
    db.session.commit()
    message = _("Vote given.") if voted else _("Vote taken back.")
    flash(message, "success")
    back = safe_next(request.form.get("next")) or _point_url(workspace, journey, point)
    return redirect_page(back)


@bp.post("/journeys/<int:journey_id>/points/<int:point_id>/merge")
@workspace_role(Role.PARTICIPANT)
def merge(workspace, membership, journey_id, point_id):
    """Fold another point of the same problem into this one, keeping every report."""
    journey = journey_or_404(workspace, journey_id)
    point = point_or_404(journey, point_id)
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
    other = point_or_404(journey, form.other.data)
    services.merge_points(point, other, current_user)
    return _back_to_point(workspace, journey, point, _("Merged: every report is kept here."))
