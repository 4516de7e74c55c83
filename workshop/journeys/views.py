"""Journey pages: the list, the board, and every change to stages, lanes and steps."""

from flask import Blueprint, abort, flash, make_response, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2_fragments.flask import render_block
from markupsafe import Markup
from wtforms import SelectChoice

from workshop.access import ask_to_log_in, public, session_user_id, workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.fragment_cache import fragment_cache
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.i18n import current_language
from workshop.ids import parse_id
from workshop.journey_templates import services as templates
from workshop.journeys import board_points, services
from workshop.journeys.emotion import emotion_curve
from workshop.journeys.forms import (
    DeleteColumnForm,
    DuplicateForm,
    JourneyEditForm,
    JourneyForm,
    LaneForm,
    MoveForm,
    StageForm,
    StepForm,
)
from workshop.journeys.labels import COMPARED_FIELD_LABELS
from workshop.journeys.models import JourneyKind, LaneKind, Stage

bp = Blueprint("journeys", __name__)

UNDO_KEY = "undo_step"
UNDO_JOURNEY_KEY = "undo_journey"


def _journey_or_404(workspace, journey_id):
    return services.get_journey(workspace, journey_id) or abort(404)


def _step_or_404(journey, step_id):
    return services.get_step(journey, step_id) or abort(404)


def _board_url(journey, anchor=None):
    return url_for(
        "journeys.board", workspace_id=journey.workspace_id, journey_id=journey.id, _anchor=anchor
    )


def _board_page(
    workspace, membership, journey, status=200, notice=None, undo=None, focus=None, live=False
):
    """The board page, or its board block for htmx.

    `undo` is a step just put in the trash; `focus` the id of the card that keyboard focus
    should return to after htmx swaps the board in; `live` marks a refresh asked for by the
    board's own polling, which must not use up the undo offered to this person. A board with
    none of these is the same for everyone with the same role, so it comes from the cache
    when this version of it was rendered already.
    """
    points = board_points.for_board(workspace, journey)
    undo_id = None if live else session.pop(UNDO_KEY, None)
    if undo is None and undo_id is not None:
        undo = services.get_step(journey, undo_id)
    undo = undo if undo is not None and undo.deleted_at is not None else None
    projector = request.args.get("projector") == "1"
    page = dict(
        workspace=workspace,
        membership=membership,
        can_edit=membership.role.allows(Role.PARTICIPANT),
        can_manage=membership.role.allows(Role.FACILITATOR),
        journey=journey,
        projector=projector,
    )
    key = None
    if not (notice or undo or focus):
        key = (
            journey.id,
            journey.version,
            membership.role.value,
            str(get_locale()),
            tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "since")),
            points.cache_key,
        )

    def render() -> str:
        board = services.load_board(journey)
        return render_block(
            "journeys/board.html",
            "board",
            **page,
            board=board,
            curve=emotion_curve(board),
            activity=services.recent_activity(journey),
            action_form=EmptyForm(),
            notice=notice,
            focus=focus,
            **points.template_context(),
            undo=undo,
            live_url=url_for(
                "journeys.changes",
                workspace_id=workspace.id,
                journey_id=journey.id,
                **{k: v for k, v in request.args.to_dict(flat=False).items() if k != "since"},
                since=journey.version,
            ),
        )

    if key is None:
        board_html = render()
    else:
        # One render per change and process, however many pollers ask at that moment.
        board_html = fragment_cache("boards").get_or_render(key, generate_csrf(), "", render)
    return render_page(
        "journeys/board.html", block="board", status=status, board_html=Markup(board_html), **page
    )


def _changed(workspace, membership, journey, message, anchor=None):
    """After a change: the updated board for htmx, a redirect to it otherwise."""
    db.session.commit()
    if wants_fragment():
        return _board_page(workspace, membership, journey, notice=message, focus=anchor)
    flash(message, "success")
    return redirect_page(_board_url(journey, anchor))


# --- journeys ----------------------------------------------------------------------------------


@bp.get("/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership):
    """The workspace's journeys, last changed first."""
    can_manage = membership.role.allows(Role.FACILITATOR)
    deleted = services.deleted_journeys(workspace) if can_manage else []
    undo_id = session.pop(UNDO_JOURNEY_KEY, None)
    return render_page(
        "journeys/index.html",
        workspace=workspace,
        membership=membership,
        journeys=services.journeys_of(workspace),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        deleted=deleted,
        undo=next((j for j in deleted if j.id == undo_id), None),
        keep_until={j.id: j.deleted_at + services.KEEP_DELETED for j in deleted},
        action_form=EmptyForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def create(workspace, membership):
    """Create a journey from a template or blank."""
    available = templates.list_templates()
    form = JourneyForm(language=current_language(), template=request.args.get("template", ""))
    lang = current_language()
    form.template.choices = [SelectChoice("", _("A blank journey"))] + [
        SelectChoice(t.id, _("Template: %(title)s", title=t.title.get(lang))) for t in available
    ]
    if form.validate_on_submit():
        template = templates.get_template(form.template.data) if form.template.data else None
        kind = JourneyKind(template.kind) if template else JourneyKind(form.kind.data)
        journey = services.create_journey(
            workspace,
            current_user,
            form.name.data,
            kind,
            form.language.data,
            form.description.data or "",
            template,
        )
        db.session.commit()
        flash(_("Journey created."), "success")
        return redirect_page(_board_url(journey))
    status = 422 if form.is_submitted() else 200
    return render_page(
        "journeys/new.html", workspace=workspace, membership=membership, form=form, status=status
    )


@bp.get("/<int:journey_id>/")
@workspace_role(Role.OBSERVER)
def board(workspace, membership, journey_id):
    """The journey as stages across and lanes down."""
    return _board_page(workspace, membership, _journey_or_404(workspace, journey_id))


@bp.get("/<int:journey_id>/changes")
@public
def changes(workspace_id, journey_id):
    """Changed since version N? 304 with nothing if not; the board as it is now if so.

    The board polls this every couple of seconds. "Unchanged" is answered for a member from
    the signed session and one query, without loading the user, the workspace or the role;
    nothing is kept in the app process, so any number of processes can answer. A change, or
    anyone the query does not know as a member, takes the full path with its checks.
    """
    since = request.args.get("since", "")
    if not (since.isascii() and since.isdigit()) or len(since) > 12:
        abort(400)
    user_id = session_user_id()
    version = (
        services.member_journey_version(user_id, workspace_id, journey_id) if user_id else None
    )
    if version is not None and _unchanged(journey_id, version, int(since)):
        return _not_modified(journey_id, version)
    if not current_user.is_authenticated:
        return ask_to_log_in()
    return _changed_board(workspace_id=workspace_id, journey_id=journey_id, since=int(since))


def _unchanged(journey_id: int, version: int, since: int) -> bool:
    return since == version or request.if_none_match.contains(f"journey-{journey_id}-{version}")


def _not_modified(journey_id: int, version: int):
    response = make_response("", 304)
    response.set_etag(f"journey-{journey_id}-{version}")
    # Every poll asks the server; the version, not a cache, decides.
    response.headers["Cache-Control"] = "no-store"
    return response


@workspace_role(Role.OBSERVER)
def _changed_board(workspace, membership, journey_id, since):
    version = services.journey_version(workspace, journey_id)
    if version is None:
        abort(404)
    if _unchanged(journey_id, version, since):
        return _not_modified(journey_id, version)
    response = _board_page(workspace, membership, _journey_or_404(workspace, journey_id), live=True)
    response.set_etag(f"journey-{journey_id}-{version}")
    response.headers["Cache-Control"] = "no-store"
    return response


def _journey_form(journey, **kwargs) -> JourneyEditForm:
    """The rename form with the journey as saved (not `obj=`: Journey.version is the counter)."""
    saved = {
        "name": journey.name,
        "description": journey.description,
        "version": journey.edit_version,
    }
    return JourneyEditForm(data=saved, **kwargs)


@bp.route("/<int:journey_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit(workspace, membership, journey_id):
    """Rename a journey or change its description."""
    journey = _journey_or_404(workspace, journey_id)
    form = _journey_form(journey)
    if form.validate_on_submit():
        try:
            services.update_journey(
                journey,
                current_user,
                form.version.data,
                form.name.data,
                form.description.data or "",
            )
        except services.Conflict:
            db.session.rollback()
            form = _journey_form(journey, formdata=None)
            form.form_errors.append(
                _(
                    "Someone saved this journey while you were editing. "
                    "Their version is shown; make your change again."
                )
            )
            return render_page(
                "journeys/edit.html",
                workspace=workspace,
                membership=membership,
                journey=journey,
                form=form,
                status=409,
            )
        db.session.commit()
        flash(_("Journey saved."), "success")
        return redirect_page(_board_url(journey))
    status = 422 if form.is_submitted() else 200
    return render_page(
        "journeys/edit.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        form=form,
        status=status,
    )


@bp.route("/<int:journey_id>/delete", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def delete(workspace, membership, journey_id):
    """Delete a journey, after asking; it can be restored for a while."""
    journey = _journey_or_404(workspace, journey_id)
    form = ConfirmForm()
    if not form.is_confirmed():
        return render_page(
            "journeys/delete.html",
            workspace=workspace,
            membership=membership,
            journey=journey,
            steps=services.step_count(journey),
            days=services.KEEP_DELETED.days,
            expired=bool(form.errors),
            status=422 if form.errors else 200,
        )
    services.delete_journey(journey, current_user)
    db.session.commit()
    # The list says so, with "Undo", once.
    session[UNDO_JOURNEY_KEY] = journey.id
    return redirect_page(url_for("journeys.index", workspace_id=workspace.id))


@bp.post("/<int:journey_id>/restore")
@workspace_role(Role.FACILITATOR)
def restore(workspace, membership, journey_id):
    """Bring a deleted journey back, as it was."""
    journey = services.get_deleted_journey(workspace, journey_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.restore_journey(journey, current_user)
    db.session.commit()
    flash(_("Journey “%(name)s” restored.", name=journey.name), "success")
    return redirect_page(_board_url(journey))


@bp.route("/<int:journey_id>/duplicate", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def duplicate(workspace, membership, journey_id):
    """Copy a journey, e.g. the as-is map into a to-be map."""
    journey = _journey_or_404(workspace, journey_id)
    form = DuplicateForm(name=_("%(name)s (to-be)", name=journey.name)[:160])
    if form.validate_on_submit():
        copy = services.duplicate_journey(journey, current_user, form.name.data)
        db.session.commit()
        flash(_("Copy created. Compare it with the original at any time."), "success")
        return redirect_page(_board_url(copy))
    status = 422 if form.is_submitted() else 200
    return render_page(
        "journeys/duplicate.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        form=form,
        status=status,
    )


# --- steps -------------------------------------------------------------------------------------


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
    journey = _journey_or_404(workspace, journey_id)
    board = services.load_board(journey)
    form = _step_form(
        journey,
        board,
        stage=parse_id(request.args.get("stage")),
        lane=parse_id(request.args.get("lane")),
    )
    if form.validate_on_submit():
        try:
            step = services.add_step(
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
        except services.NotInJourney:
            abort(404)
        except services.TooLarge:
            db.session.rollback()
            form.form_errors.append(
                _("A journey can have at most %(max)d steps.", max=services.MAX_STEPS)
            )
        else:
            return _changed(
                workspace,
                membership,
                journey,
                _("Step “%(title)s” added.", title=step.title),
                f"step-{step.id}",
            )
    return _step_form_page(workspace, membership, journey, form, None)


@bp.route("/<int:journey_id>/steps/<int:step_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit_step(workspace, membership, journey_id, step_id):
    """Edit a step; a save over someone else's newer save shows both versions."""
    journey = _journey_or_404(workspace, journey_id)
    step = _step_or_404(journey, step_id)
    form = _saved_step_form(journey, step)
    if form.validate_on_submit():
        change = services.StepChange(
            form.title.data,
            form.description.data or "",
            form.channel_value(),
            form.stage.data,
            form.lane.data,
            form.emotion_student.data,
            form.emotion_employer.data,
        )
        try:
            services.update_step(journey, current_user, step, form.version.data or 0, change)
        except services.NotInJourney:
            abort(404)
        except services.Conflict:
            db.session.rollback()
            return _conflict(workspace, membership, journey, step, form)
        return _changed(
            workspace,
            membership,
            journey,
            _("Step “%(title)s” saved.", title=step.title),
            f"step-{step.id}",
        )
    return _step_form_page(workspace, membership, journey, form, step)


def _step_form_page(workspace, membership, journey, form, step):
    """The step form: a page of its own, or for htmx the form alone, in place of a card."""
    return render_page(
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
    journey = _journey_or_404(workspace, journey_id)
    step = _step_or_404(journey, step_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _board_page(workspace, membership, journey, 422)
    try:
        services.move_step(journey, current_user, step, form.direction.data)
    except services.Conflict:
        db.session.rollback()
        return _board_page(
            workspace, membership, journey, 409, notice=_("That step was deleted meanwhile.")
        )
    return _changed(
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
    journey = _journey_or_404(workspace, journey_id)
    step = _step_or_404(journey, step_id)
    if not EmptyForm().validate_on_submit():
        return _board_page(workspace, membership, journey, 422)
    services.trash_step(journey, current_user, step)
    db.session.commit()
    if wants_fragment():
        return _board_page(workspace, membership, journey, undo=step)
    session[UNDO_KEY] = step.id
    return redirect_page(_board_url(journey))


@bp.post("/<int:journey_id>/steps/<int:step_id>/restore")
@workspace_role(Role.PARTICIPANT)
def restore_step(workspace, membership, journey_id, step_id):
    """Bring a step back from the trash."""
    journey = _journey_or_404(workspace, journey_id)
    step = _step_or_404(journey, step_id)
    if not EmptyForm().validate_on_submit():
        return _board_page(workspace, membership, journey, 422)
    services.restore_step(journey, current_user, step)
    return _changed(
        workspace,
        membership,
        journey,
        _("Step “%(title)s” restored.", title=step.title),
        f"step-{step.id}",
    )


@bp.get("/<int:journey_id>/compare")
@workspace_role(Role.OBSERVER)
def compare(workspace, membership, journey_id):
    """What differs between this journey and another of the workspace."""
    journey = _journey_or_404(workspace, journey_id)
    others = [j for j in services.journeys_of(workspace) if j.id != journey.id]
    other_id = parse_id(request.args.get("with"))
    if other_id is None and any(j.id == journey.source_journey_id for j in others):
        other_id = journey.source_journey_id  # unless the original was deleted
    other = next((j for j in others if j.id == other_id), None)
    if other_id is not None and other is None:
        abort(404)
    diff = services.compare_journeys(other, journey) if other else None
    return render_page(
        "journeys/compare.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        others=others,
        other=other,
        diff=diff,
        field_labels=COMPARED_FIELD_LABELS,
    )


@bp.get("/<int:journey_id>/trash")
@workspace_role(Role.OBSERVER)
def trash(workspace, membership, journey_id):
    """Deleted steps, to restore or, for facilitators, to delete for good."""
    journey = _journey_or_404(workspace, journey_id)
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
    journey = _journey_or_404(workspace, journey_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = services.empty_trash(journey, current_user)
    db.session.commit()
    flash(_("%(num)d steps deleted for good.", num=count), "success")
    return redirect_page(
        url_for("journeys.trash", workspace_id=workspace.id, journey_id=journey.id)
    )


# --- stages and lanes --------------------------------------------------------------------------


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
    return _structure_page(workspace, membership, _journey_or_404(workspace, journey_id))


@bp.post("/<int:journey_id>/stages")
@workspace_role(Role.PARTICIPANT)
def add_stage(workspace, membership, journey_id):
    """Add a stage at the right end."""
    journey = _journey_or_404(workspace, journey_id)
    form = StageForm()
    if not form.validate_on_submit():
        return _structure_page(workspace, membership, journey, 422, stage_form=form)
    try:
        stage = services.add_stage(journey, current_user, form.title.data)
    except services.TooLarge:
        return _too_many_columns(workspace, membership, journey)
    return _structure_changed(
        workspace, membership, journey, _("Stage “%(title)s” added.", title=stage.title)
    )


@bp.post("/<int:journey_id>/lanes")
@workspace_role(Role.PARTICIPANT)
def add_lane(workspace, membership, journey_id):
    """Add a lane at the bottom."""
    journey = _journey_or_404(workspace, journey_id)
    form = LaneForm()
    if not form.validate_on_submit():
        return _structure_page(workspace, membership, journey, 422, lane_form=form)
    try:
        lane = services.add_lane(journey, current_user, form.title.data, LaneKind(form.kind.data))
    except services.TooLarge:
        return _too_many_columns(workspace, membership, journey)
    return _structure_changed(
        workspace, membership, journey, _("Lane “%(title)s” added.", title=lane.title)
    )


@bp.post("/<int:journey_id>/<any(stage, lane):kind>/<int:item_id>")
@workspace_role(Role.PARTICIPANT)
def rename_column(workspace, membership, journey_id, kind, item_id):
    """Rename a stage, or rename a lane and set its kind."""
    journey = _journey_or_404(workspace, journey_id)
    item = _column(journey, kind, item_id)
    form = StageForm() if kind == "stage" else LaneForm()
    if not form.validate_on_submit():
        return _structure_page(
            workspace,
            membership,
            journey,
            422,
            error=_(
                "Check the name: %(errors)s",
                errors=" ".join(str(e) for es in form.errors.values() for e in es),
            ),
        )
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
        return _structure_page(
            workspace,
            membership,
            journey,
            409,
            error=_(
                "Someone renamed “%(title)s” while you were editing; their name is shown. "
                "Rename it again if needed.",
                title=item.title,
            ),
        )
    return _structure_changed(
        workspace, membership, journey, _("Renamed to “%(title)s”.", title=item.title)
    )


@bp.post("/<int:journey_id>/<any(stage, lane):kind>/<int:item_id>/move")
@workspace_role(Role.PARTICIPANT)
def move_column(workspace, membership, journey_id, kind, item_id):
    """Move a stage left or right, or a lane up or down."""
    journey = _journey_or_404(workspace, journey_id)
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
    journey = _journey_or_404(workspace, journey_id)
    item = _column(journey, kind, item_id)
    board = services.load_board(journey)
    others = [o for o in (board.stages if kind == "stage" else board.lanes) if o.id != item.id]
    form = DeleteColumnForm()
    form.move_to.choices = [SelectChoice("", "—")] + [SelectChoice(o.id, o.title) for o in others]
    has_steps = any(
        (s.stage_id if kind == "stage" else s.lane_id) == item.id for s in board.steps
    ) or any(
        (s.stage_id if kind == "stage" else s.lane_id) == item.id
        for s in services.trashed_steps(journey)
    )
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
    status = 422 if form.is_submitted() else 200
    return render_page(
        "journeys/delete_column.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        item=item,
        kind=kind,
        form=form,
        has_steps=has_steps,
        status=status,
        is_stage=isinstance(item, Stage),
    )
