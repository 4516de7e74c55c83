"""Stages and lanes: adding, renaming, reordering and deleting them (steps in one go elsewhere
first)."""

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.journeys import services
from workshop.journeys.forms import DeleteColumnForm, LaneForm, MoveForm, StageForm
from workshop.journeys.models import LaneKind, Stage
from workshop.journeys.views.blueprint import bp
from workshop.journeys.views.board import journey_or_404


def _structure_page(workspace, membership, journey, status=200, **forms):
    board = services.load_board(journey)
    return render_page(
        "journeys/structure.html",
        block="structure",
        status=status,
        workspace=workspace,
        membership=membership,
        journey=journey,
        board=board,
        action_form=EmptyForm(),
        stage_form=forms.get("stage_form") or StageForm(formdata=None),
        lane_form=forms.get("lane_form") or LaneForm(formdata=None, kind=LaneKind.FRONTSTAGE.value),
        error=forms.get("error"),
        notice=forms.get("notice"),
    )


def _too_many_columns(workspace, membership, journey):
    db.session.rollback()
    error = _(
        "A journey can have at most %(max)d stages and %(max)d lanes.", max=services.MAX_COLUMNS
    )
    return _structure_page(workspace, membership, journey, 422, error=error)


def _column(journey, kind: str, item_id: int):
    item = (services.get_stage if kind == "stage" else services.get_lane)(journey, item_id)
    return item or abort(404)


def _structure_changed(workspace, membership, journey, message):
    db.session.commit()
    if wants_fragment():
        return _structure_page(workspace, membership, journey, notice=message)
    flash(message, "success")
    return redirect_page(
        url_for("journeys.structure", workspace_id=workspace.id, journey_id=journey.id)
    )


@bp.get("/<int:journey_id>/structure")
@workspace_role(Role.PARTICIPANT)
def structure(workspace, membership, journey_id):
    """Stages and lanes: add, rename, reorder, delete."""
    return _structure_page(workspace, membership, journey_or_404(workspace, journey_id))


def _add_column(workspace, membership, journey, kind: str, form, add):
    """Add a stage or lane through `add`, which says what it added; a wrong form comes back
    as typed (as `stage_form` or `lane_form`), a full journey is refused."""
    if not form.validate_on_submit():
        return _structure_page(workspace, membership, journey, 422, **{f"{kind}_form": form})
    try:
        message = add()
    except services.TooLarge:
        return _too_many_columns(workspace, membership, journey)
    return _structure_changed(workspace, membership, journey, message)


@bp.post("/<int:journey_id>/stages")
@workspace_role(Role.PARTICIPANT)
def add_stage(workspace, membership, journey_id):
    """Add a stage at the right end."""
    journey = journey_or_404(workspace, journey_id)
    form = StageForm()

    def add():
        stage = services.add_stage(journey, current_user, form.title.data)
        return _("Stage “%(title)s” added.", title=stage.title)

    return _add_column(workspace, membership, journey, "stage", form, add)


@bp.post("/<int:journey_id>/lanes")
@workspace_role(Role.PARTICIPANT)
def add_lane(workspace, membership, journey_id):
    """Add a lane at the bottom."""
    journey = journey_or_404(workspace, journey_id)
    form = LaneForm()

    def add():
        lane = services.add_lane(journey, current_user, form.title.data, LaneKind(form.kind.data))
        return _("Lane “%(title)s” added.", title=lane.title)

    return _add_column(workspace, membership, journey, "lane", form, add)


RENAME_CONFLICT = _l(
    "Someone renamed “%(title)s” while you were editing; their name is shown. "
    "Rename it again if needed."
)


@bp.post("/<int:journey_id>/<any(stage, lane):kind>/<int:item_id>")
@workspace_role(Role.PARTICIPANT)
def rename_column(workspace, membership, journey_id, kind, item_id):
    """Rename a stage, or rename a lane and set its kind."""
    journey = journey_or_404(workspace, journey_id)
    item = _column(journey, kind, item_id)
    form = StageForm() if kind == "stage" else LaneForm()
    if not form.validate_on_submit():
        errors = " ".join(str(e) for es in form.errors.values() for e in es)
        error = _("Check the name: %(errors)s", errors=errors)
        return _structure_page(workspace, membership, journey, 422, error=error)
    try:
        services.rename(
            journey,
            current_user,
            item,
            form.version.data or 0,
            form.title.data,
            LaneKind(form.kind.data) if kind == "lane" else None,
        )
    except services.Conflict:
        db.session.rollback()
        error = RENAME_CONFLICT % {"title": item.title}
        return _structure_page(workspace, membership, journey, 409, error=error)
    return _structure_changed(
        workspace, membership, journey, _("Renamed to “%(title)s”.", title=item.title)
    )


@bp.post("/<int:journey_id>/<any(stage, lane):kind>/<int:item_id>/move")
@workspace_role(Role.PARTICIPANT)
def move_column(workspace, membership, journey_id, kind, item_id):
    """Move a stage left or right, or a lane up or down."""
    journey = journey_or_404(workspace, journey_id)
    item = _column(journey, kind, item_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _structure_page(workspace, membership, journey, 422)
    services.move_column(journey, current_user, item, form.direction.data)
    return _structure_changed(
        workspace, membership, journey, _("“%(title)s” moved.", title=item.title)
    )


@bp.route("/<int:journey_id>/<any(stage, lane):kind>/<int:item_id>/delete", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def delete_column(workspace, membership, journey_id, kind, item_id):
    """Delete a stage or lane; one with steps asks where they go first."""
    journey = journey_or_404(workspace, journey_id)
    item = _column(journey, kind, item_id)
    board = services.load_board(journey)
    others = [o for o in (board.stages if kind == "stage" else board.lanes) if o.id != item.id]
    form = DeleteColumnForm()
    form.move_to.choices = [SelectChoice("", "—")] + [SelectChoice(o.id, o.title) for o in others]
    if form.validate_on_submit():
        target = next((o for o in others if o.id == form.move_to.data), None)
        try:
            services.delete_column(journey, current_user, item, target)
        except services.JourneyError:
            db.session.rollback()
            if not others:
                form.form_errors.append(_("A journey needs at least one stage and one lane."))
            else:
                form.move_to.errors.append(_("Choose where its steps go."))
        else:
            return _structure_changed(
                workspace, membership, journey, _("“%(title)s” deleted.", title=item.title)
            )
    return _delete_column_page(workspace, membership, journey, board, kind, item, form)


def _delete_column_page(workspace, membership, journey, board, kind, item, form):
    """The question before deleting a stage or lane: where its steps go, if it has any."""
    return render_page(
        "journeys/delete_column.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        item=item,
        kind=kind,
        form=form,
        has_steps=_has_steps(journey, board, kind, item),
        status=422 if form.is_submitted() else 200,
        is_stage=isinstance(item, Stage),
    )


def _has_steps(journey, board, kind: str, item) -> bool:
    """Whether any step, on the board or in the trash, is in this stage or lane."""
    column_of = (lambda s: s.stage_id) if kind == "stage" else (lambda s: s.lane_id)
    return any(column_of(s) == item.id for s in board.steps) or any(
        column_of(s) == item.id for s in services.trashed_steps(journey)
    )
