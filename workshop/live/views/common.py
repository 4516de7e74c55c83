"""What the phone, console, roster and projector views share: the room's state and timer,
the join address and QR code, polling answers, refusals in words, and the 404s that tell
nobody outside a room that it exists."""

from datetime import datetime

import segno
from flask import Response, abort, make_response, request
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from workshop import addresses
from workshop.critical_points.models import ReporterRole
from workshop.errors import render_error
from workshop.live import services
from workshop.live.guests import GUESTS_KEY, joined_guest_id  # noqa: F401
from workshop.live.models import Guest, LiveSession
from workshop.models_base import utcnow
from workshop.sprints import services as sprints

REFUSALS = {
    "ended": _l("This session has ended: you can still look, but nothing new can be added."),
    "locked": _l("The facilitator has locked editing for now. Nothing was added."),
    "voting_closed": _l("Voting is closed, so the dot was not counted."),
    "budget_spent": _l("You have used all your dots. Take one back to move it."),
    "one_per_point": _l("In this vote each point takes at most one dot from you."),
    "unknown_step": _l("That step is no longer on the journey. Choose another one."),
    "unknown_place": _l("Choose a stage and a lane of this journey."),
    "unknown_category": _l("That category is not in use any more. Choose another one."),
    "unknown_point": _l("That critical point is not on this journey."),
    "point_closed": _l("That critical point is resolved or set aside, so it takes no dots."),
    "unknown_submission": _l("That form could not be matched. Reload the page and send it again."),
    "unknown_entry": _l("That entry is not in this session."),
    "not_revealed": _l("Reveal the private entries before adding this step to the journey."),
    "sprint_not_running": _l("Start the sprint before starting a live session."),
    "journey_not_in_sprint": _l("Choose one of the sprint's journeys."),
    "already_running": _l("A live session of this sprint is already going."),
    "timer": _l("The timer could not be set to that."),
    "budget": _l("Give each participant between 1 and 20 dots."),
    "unknown_phase": _l("Choose one of the sprint's phases."),
    "door_closed": _l("The facilitator has closed the door: no new participants can join now."),
    "guest_removed": _l("The facilitator has removed you from this session. Nothing was added."),
    "not_admitted": _l("Wait until the facilitator lets you in. Nothing was added yet."),
    "unknown_guest": _l("That participant is not in this session."),
    "unknown_organisation": _l("Choose one of the workspace's organisations."),
    "unknown_presenter_mode": _l("Choose one of the things the projector can show."),
    "no_message": _l("Type the question or instruction to show."),
}
# Refusals caused by what was sent answer 422; the rest are the room's state (409).
INPUT_REFUSALS = {
    "unknown_step",
    "unknown_place",
    "unknown_category",
    "unknown_point",
    "journey_not_in_sprint",
    "timer",
    "budget",
    "unknown_phase",
    "unknown_guest",
    "unknown_organisation",
    "unknown_presenter_mode",
    "no_message",
}


def refusal_status(refusal: services.Refused) -> int:
    """422 for a bad request, 409 for one the room's state does not allow."""
    return 422 if refusal.reason in INPUT_REFUSALS else 409


def refusal_text(refusal: services.Refused) -> str:
    """The translated reason."""
    return str(REFUSALS.get(refusal.reason, REFUSALS["unknown_submission"]))


def join_with(live: LiveSession, form, **how) -> Guest:
    """Join as the guest a join form names (name, role, organisation); `how` says who
    joins them, or from which browser and network."""
    return services.join(
        live,
        form.display_name.data,
        ReporterRole(form.role.data),
        form.organisation.data or "",
        **how,
    )


def epoch_ms(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def room_context(live: LiveSession, for_phone: bool = False) -> dict:
    """What every view of the room shows: its state, the timer on the server's clock."""
    now = utcnow()
    # Read before anything the page shows: a screen may be behind its counters, never ahead.
    state = services.state_of(live)
    return {
        "state": state,
        "live": live,
        "now": now,
        "now_ms": epoch_ms(now),
        "is_open": live.is_open(now),
        "seconds_left": services.seconds_left(live, now),
        "timer_ends_ms": epoch_ms(live.timer_ends_at),
        # Phones do not show how many private entries wait; the console and projector do.
        "private_waiting": 0 if for_phone else services.private_count(live),
    }


def steps_by_stage(board) -> list[tuple]:
    """(stage, [(step, lane)]) for the step choices, in the board's order."""
    grouped = []
    for stage in board.stages:
        steps = [(step, lane) for lane in board.lanes for step in board.steps_in(stage, lane)]
        grouped.append((stage, steps))
    return grouped


def join_url(live: LiveSession) -> str:
    """The address in the QR code: one a phone in the room can open."""
    return addresses.external_url("live.join", code=live.join_code)


def enter_code_url() -> str:
    """Where a phone types the code, on the same address as join_url()."""
    return addresses.external_url("live.enter_code")


def qr_svg(live: LiveSession) -> Markup:
    """The join address as a QR code, drawn on the server as SVG."""
    code = segno.make(join_url(live), error="m")
    svg = code.svg_inline(scale=6, dark="#111", light="#fff", svgclass="qr", omitsize=True)
    return Markup(svg)


def known_versions() -> services.PollState:
    """The counters a poll says it has seen; 400 unless all four are small whole numbers."""
    values = []
    for name in ("c", "v", "e", "j"):
        text = request.args.get(name, "")
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            abort(400)
        values.append(int(text))
    return services.PollState(*values)


def poll_answer(state: services.PollState | None, known: services.PollState, render) -> Response:
    """304 with an empty body when nothing moved; the changed regions otherwise."""
    if state is None:
        not_in_room()
    # Weak: the same counters, whether sent compressed or not (an If-None-Match compares so).
    if state == known or request.if_none_match.contains_weak(state.etag):
        response = make_response("", 304)
    else:
        response = make_response(render(state))
    response.set_etag(state.etag, weak=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def changed_regions(state: services.PollState, known: services.PollState) -> dict:
    return {
        "controls_changed": state.controls != known.controls,
        "tally_changed": state.tally != known.tally,
        "entries_changed": state.entries != known.entries,
        "journey_changed": state.journey != known.journey,
    }


NOT_IN_ROOM = _l("You have not joined this session. Join with the code on the screen.")


def not_in_room():
    """One answer for a room that does not exist and one the caller does not belong to, so
    that nobody outside a room learns that it exists."""
    abort(make_response(*render_error(404, str(NOT_IN_ROOM))))


def live_or_404(session_id: int) -> LiveSession:
    return services.get_live(session_id) or not_in_room()


def sprint_or_404(workspace, sprint_id):
    return sprints.get_sprint(workspace, sprint_id) or abort(404)


def session_or_404(sprint, session_id) -> LiveSession:
    return services.get_session(sprint, session_id) or abort(404)
