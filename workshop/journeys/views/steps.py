"""Steps on the board: adding, editing (a save over a newer one shows both), moving, the trash."""

from flask import abort, flash, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.ids import parse_id
from workshop.journeys import services
from workshop.journeys.forms import MoveForm, StepForm
from workshop.journeys.views.blueprint import bp
from workshop.journeys.views.board import (
    UNDO_KEY,
    board_changed,
    board_page,
    board_url,
    journey_or_404,
    step_or_404,
)


def _saved_step_form(journey, step) -> StepForm:
    """The edit form: the step as saved, or on POST what was typed over it.

    Built from plain values, not `obj=step`: WTForms would take `step.stage` (the Stage
    object) over the id, select no option, and the browser would send the first stage.
    """
    saved = {
        "title": step.title,
        "description": step.description,
        "channel": step.channel.value if step.channel else "",
        "stage": step.stage_id,
        "lane": step.lane_id,
        "emotion_student": step.emotion_student,
        "emotion_employer": step.emotion_employer,
        "version": step.version,
    }
    return _step_form(journey, services.load_board(journey), data=saved)


def _step_form(journey, board, **kwargs) -> StepForm:
    form = StepForm(**kwargs)
    form.set_places(board.stages, board.lanes)
    return form


@bp.route("/<int:journey_id>/steps/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def add_step(workspace, membership, journey_id):
    """Add a step to a cell of the board."""
    journey = journey_or_404(workspace, journey_id)
    board = services.load_board(journey)
    form = _step_form(
        journey,
        board,
        stage=parse_id(request.args.get("stage")),
        lane=parse_id(request.args.get("lane")),
    )
    if form.validate_on_submit():
        try:
            step = _add_step_from(journey, form)
        except services.NotInJourney:
            abort(404)
        except services.TooLarge:
            db.session.rollback()
            form.form_errors.append(
                _("A journey can have at most %(max)d steps.", max=services.MAX_STEPS)
            )
        else:
            message = _("Step “%(title)s” added.", title=step.title)
            return board_changed(workspace, membership, journey, message, f"step-{step.id}")
    return _step_form_page(workspace, membership, journey, form, None)


def _add_step_from(journey, form: StepForm):
    """Add the step the valid form describes."""
    return services.add_step(
        journey,
        current_user,
        form.stage.data,
        form.lane.data,
        form.title.data,
        form.description.data or "",
        form.channel_value(),
        form.emotion_student.data,
        form.emotion_employer.data,
    )


@bp.route("/<int:journey_id>/steps/<int:step_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit_step(workspace, membership, journey_id, step_id):
    """Edit a step; a save over someone else's newer save shows both versions."""
    journey = journey_or_404(workspace, journey_id)
    step = step_or_404(journey, step_id)
    form = _saved_step_form(journey, step)
    if form.validate_on_submit():
        change = _step_change(form)
        try:
            services.update_step(journey, current_user, step, form.version.data or 0, change)
        except services.NotInJourney:
            abort(404)
        except services.Conflict:
            db.session.rollback()
            return _conflict(workspace, membership, journey, step, form)
        return board_changed(
            workspace,
            membership,
            journey,
            _("Step “%(title)s” saved.", title=step.title),
            f"step-{step.id}",
        )
    return _step_form_page(workspace, membership, journey, form, step)


def _step_change(form: StepForm) -> services.StepChange:
    """What the valid edit form says the step is now."""
    return services.StepChange(
        form.title.data,
        form.description.data or "",
        form.channel_value(),
        form.stage.data,
        form.lane.data,
        form.emotion_student.data,
        form.emotion_employer.data,
    )


def _step_form_page(workspace, membership, journey, form, step):
    """The step form: a page of its own, or for htmx the board's editor filled with it."""
    response = render_page(
        "journeys/step_form.html",
        block="step_form",
        status=422 if form.is_submitted() else 200,
        workspace=workspace,
        membership=membership,
        journey=journey,
        form=form,
        step=step,
        inline=wants_fragment(),
    )
    # A form with errors stays in the editor; a saved one swaps the board (the form's target).
    response.headers["HX-Retarget"] = "#step-editor-body"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def _conflict(workspace, membership, journey, step, mine: StepForm):
    """409: the saved step beside what this person typed, to keep either or merge."""
    return render_page(
        "journeys/conflict.html",
        block="board",
        status=409,
        workspace=workspace,
        membership=membership,
        journey=journey,
        step=step,
        mine=mine,
        deleted=step.deleted_at is not None,
    )


@bp.post("/<int:journey_id>/steps/<int:step_id>/move")
@workspace_role(Role.PARTICIPANT)
def move_step(workspace, membership, journey_id, step_id):
    """Move a step up or down in its cell, or to the stage before or after."""
    journey = journey_or_404(workspace, journey_id)
    step = step_or_404(journey, step_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return board_page(workspace, membership, journey, 422)
    try:
        services.move_step(journey, current_user, step, form.direction.data)
    except services.Conflict:
        db.session.rollback()
        return board_page(
            workspace, membership, journey, 409, notice=_("That step was deleted meanwhile.")
        )
    return board_changed(
        workspace,
        membership,
        journey,
        _("Step “%(title)s” moved.", title=step.title),
        f"step-{step.id}",
    )


@bp.post("/<int:journey_id>/steps/<int:step_id>/delete")
@workspace_role(Role.PARTICIPANT)
def delete_step(workspace, membership, journey_id, step_id):
    """Put a step in the trash; the confirmation offers to undo."""
    journey = journey_or_404(workspace, journey_id)
    step = step_or_404(journey, step_id)
    if not EmptyForm().validate_on_submit():
        return board_page(workspace, membership, journey, 422)
    services.trash_step(journey, current_user, step)
    db.session.commit()
    if wants_fragment():
        return board_page(workspace, membership, journey, undo=step)
    session[UNDO_KEY] = step.id
    return redirect_page(board_url(journey))


@bp.post("/<int:journey_id>/steps/<int:step_id>/restore")
@workspace_role(Role.PARTICIPANT)
def restore_step(workspace, membership, journey_id, step_id):
    """Bring a step back from the trash."""
    journey = journey_or_404(workspace, journey_id)
    step = step_or_404(journey, step_id)
    if not EmptyForm().validate_on_submit():
        return board_page(workspace, membership, journey, 422)
    services.restore_step(journey, current_user, step)
    return board_changed(
        workspace,
        membership,
        journey,
        _("Step “%(title)s” restored.", title=step.title),
        f"step-{step.id}",
    )


@bp.get("/<int:journey_id>/trash")
@workspace_role(Role.OBSERVER)
def trash(workspace, membership, journey_id):
    """Deleted steps, to restore or, for facilitators, to delete for good."""
    journey = journey_or_404(workspace, journey_id)
    return render_page(
        "journeys/trash.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        steps=services.trashed_steps(journey),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        can_manage=membership.role.allows(Role.FACILITATOR),
        action_form=EmptyForm(),
    )


@bp.post("/<int:journey_id>/trash/empty")
@workspace_role(Role.FACILITATOR)
def empty_trash(workspace, membership, journey_id):
    """Delete every step in the trash for good."""
    journey = journey_or_404(workspace, journey_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = services.empty_trash(journey, current_user)
    db.session.commit()
    flash(
        ngettext("%(num)d step deleted for good.", "%(num)d steps deleted for good.", count),
        "success",
    )
    return redirect_page(
        url_for("journeys.trash", workspace_id=workspace.id, journey_id=journey.id)
    )
