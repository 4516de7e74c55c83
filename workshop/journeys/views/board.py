"""The board: stages across, lanes down, steps in the cells; served whole or as htmx's block,
from the cache while nothing changed, and polled for changes. The other journey views answer
a change with board_changed()."""

from functools import partial

from flask import (
    abort,
    flash,
    get_flashed_messages,
    make_response,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2_fragments.flask import render_block
from markupsafe import Markup

from workshop.access import ask_to_log_in, public, session_user_id, workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.fragment_cache import fragment_cache
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.journeys import board_points, services
from workshop.journeys.emotion import emotion_curve
from workshop.journeys.views.blueprint import bp
from workshop.journeys.views.cards import card_renderer

UNDO_KEY = "undo_step"


def journey_or_404(workspace, journey_id):
    return services.get_journey(workspace, journey_id) or abort(404)


def step_or_404(journey, step_id):
    return services.get_step(journey, step_id) or abort(404)


def board_url(journey, anchor=None):
    return url_for(
        "journeys.board", workspace_id=journey.workspace_id, journey_id=journey.id, _anchor=anchor
    )


def board_page(
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
    undo = _undo_offered(journey, undo, live)
    if notice is None and not live and wants_fragment():
        # A change made elsewhere (a critical point from the board's editor) redirects here;
        # the page around the board, which shows flashed messages, is not rendered.
        notice = " ".join(get_flashed_messages()) or None
    page = _page_context(workspace, membership, journey)
    render = partial(
        _board_block, journey, points, page | dict(notice=notice, focus=focus, undo=undo)
    )
    if notice or undo or focus:
        board_html = render()
    else:
        # One render per change and process, however many pollers ask at that moment.
        key = _board_key(journey, membership, points)
        board_html = fragment_cache("boards").get_or_render(key, generate_csrf(), "", render)
    return render_page(
        "journeys/board.html", block="board", status=status, board_html=Markup(board_html), **page
    )


def _page_context(workspace, membership, journey) -> dict:
    """What the page around the board shows, and the board too."""
    return dict(
        workspace=workspace,
        membership=membership,
        can_edit=membership.role.allows(Role.PARTICIPANT),
        can_manage=membership.role.allows(Role.FACILITATOR),
        journey=journey,
    )


def _undo_offered(journey, undo, live: bool):
    """The step just put in the trash that this board offers to restore, if any: the one
    given, or the one the session keeps for the next page (not used up by polling)."""
    undo_id = None if live else session.pop(UNDO_KEY, None)
    if undo is None and undo_id is not None:
        undo = services.get_step(journey, undo_id)
    return undo if undo is not None and undo.deleted_at is not None else None


def _board_key(journey, membership, points: board_points.BoardPoints) -> tuple:
    """What makes one board differ from another: the version, role, language and filters."""
    return (
        journey.id,
        journey.version,
        membership.role.value,
        str(get_locale()),
        tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "since")),
        points.cache_key,
    )


def _board_block(journey, points: board_points.BoardPoints, context: dict) -> str:
    """The board block: the map with its curve, points, filters and activity."""
    board = services.load_board(journey)
    return render_block(
        "journeys/board.html",
        "board",
        **context,
        board=board,
        curve=emotion_curve(board, language=journey.language),
        activity=services.recent_activity(journey),
        action_form=EmptyForm(),
        **points.template_context(),
        live_url=_live_url(journey),
        step_card=card_renderer(),
    )


def _live_url(journey) -> str:
    """Where the board asks whether it changed: the same filters, and the version shown."""
    return url_for(
        "journeys.changes",
        workspace_id=journey.workspace_id,
        journey_id=journey.id,
        **{k: v for k, v in request.args.to_dict(flat=False).items() if k != "since"},
        since=journey.version,
    )


def board_changed(workspace, membership, journey, message, anchor=None):
    """After a change: the updated board for htmx, a redirect to it otherwise."""
    db.session.commit()
    if wants_fragment():
        return board_page(workspace, membership, journey, notice=message, focus=anchor)
    flash(message, "success")
    return redirect_page(board_url(journey, anchor))


@bp.get("/<int:journey_id>/")
@workspace_role(Role.OBSERVER)
def board(workspace, membership, journey_id):
    """The journey as stages across and lanes down."""
    return board_page(workspace, membership, journey_or_404(workspace, journey_id))


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
    # Weak: the same version, whether sent compressed or not (an If-None-Match compares so).
    tag = f"journey-{journey_id}-{version}"
    return since == version or request.if_none_match.contains_weak(tag)


def _not_modified(journey_id: int, version: int):
    response = make_response("", 304)
    response.set_etag(f"journey-{journey_id}-{version}", weak=True)
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
    response = board_page(workspace, membership, journey_or_404(workspace, journey_id), live=True)
    response.set_etag(f"journey-{journey_id}-{version}", weak=True)
    response.headers["Cache-Control"] = "no-store"
    return response
