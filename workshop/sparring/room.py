"""The session in a room: a live session (join code, guests' phones, projector, timer) of a
sprint made for it, the agenda item under way, and what is captured there.

The room reuses live's machinery: a capture moves the live session's entries counter, so the
projector and the scribe's page, which poll it, fetch the captures as they come.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from workshop import clock
from workshop.accounts.models import User
from workshop.critical_points import ranking
from workshop.critical_points.models import CriticalPoint, PointStatus, ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Step
from workshop.live import services as live_services
from workshop.live.models import Guest, LiveSession
from workshop.models_base import utcnow
from workshop.personal_data import is_removed_name
from workshop.sparring import evidence, evidence_pdf
from workshop.sparring.models import (
    CAPTURE_MAX,
    AgendaItem,
    AuthorRole,
    Capture,
    CaptureType,
    Sparrer,
    SparrerRole,
    SparringSession,
)
from workshop.sparring.services import SparringError

# A room stays open for the day: a session lasts 2–3 hours, with room to start late.
ROOM_HOURS = 8
# A guest's role in the room, as the author role a capture starts with.
GUEST_AUTHOR_ROLES = {
    ReporterRole.EMPLOYER: AuthorRole.EMPLOYER,
    ReporterRole.WORKPLACE_INSTRUCTOR: AuthorRole.EMPLOYER,
    ReporterRole.INSTITUTION_STAFF: AuthorRole.MANAGEMENT,
    ReporterRole.TEACHER: AuthorRole.MANAGEMENT,
}
SPARRER_AUTHOR_ROLES = {
    SparrerRole.EMPLOYER: AuthorRole.EMPLOYER,
    SparrerRole.GROWTH_COMPANY: AuthorRole.GROWTH_COMPANY,
}


def room_of(live: LiveSession) -> SparringSession | None:
    """The sparring session this live session is the room of, if any."""
    return db.session.scalar(
        select(SparringSession).where(SparringSession.live_session_id == live.id)
    )


def room_is_open(session: SparringSession) -> bool:
    """True while the session's room takes captures."""
    live = session.live_session
    return live is not None and live.is_open(utcnow())


def open_room(
    session: SparringSession, user: User, title: str, phase_names: list[str], today: date
) -> LiveSession:
    """A sprint for the session (the agenda's items as its phases, the host's first journey)
    with a live session started in it; the session keeps both. An open room is returned as is.
    A pack not yet frozen is frozen now: the room discusses what it holds."""
    if room_is_open(session):
        return session.live_session
    if session.held_at is not None:
        raise SparringError("held")
    workspace = session.series.workspace
    found = sorted(journeys.journeys_of(workspace), key=lambda journey: journey.id)
    if not found:
        raise SparringError("no_journey")
    plan = live_services.WorkshopPlan(
        journey=found[0], sprint=None, title=title, phases=phase_names, today=today, budget=5
    )
    live = live_services.start_workshop(workspace, user, plan, ROOM_HOURS)
    session.sprint_id, session.live_session = live.sprint_id, live
    session.current_position = None
    if session.pack is None:
        evidence.freeze(session, evidence_pdf.pages_of)
    db.session.flush()
    return live


def close_room(session: SparringSession) -> None:
    """The join code stops working and phones can only look; the session has been held."""
    if session.live_session is not None:
        live_services.end_session(session.live_session)
    session.current_position = None
    session.held_at = session.held_at or clock.now()
    db.session.flush()


def current_item(session: SparringSession) -> AgendaItem | None:
    """The agenda item under way, if one is."""
    return next((i for i in session.agenda if i.position == session.current_position), None)


def start_item(session: SparringSession, position: int, item_name: str) -> AgendaItem:
    """Move the room to this agenda item: the live session's phase and activity follow it and
    its timer starts with the item's minutes."""
    item = next((i for i in session.agenda if i.position == position), None)
    if item is None:
        raise SparringError("unknown_item")
    live = session.live_session
    if not room_is_open(session):
        raise SparringError("room_closed")
    phases = live.sprint.phases
    index = session.agenda.index(item)
    phase = phases[index] if index < len(phases) else None
    live_services.set_activity(live, phase.id if phase else None, item_name)
    live_services.timer(live, "start", min(item.minutes, 180))
    session.current_position = item.position
    db.session.flush()
    return item


@dataclass(frozen=True)
class CaptureData:
    """What a capture form says."""

    type: CaptureType
    text: str
    author_role: AuthorRole
    organisation: str
    quotable: bool
    about: str = ""  # "step-<id>", "point-<id>" or empty
    author_name: str = ""


def _about(session: SparringSession, about: str) -> tuple[Step | None, CriticalPoint | None]:
    """The step or critical point of the room's journey a capture is about."""
    if not about:
        return None, None
    kind, _dash, number = about.partition("-")
    journey_id = session.live_session.journey_id
    if kind in ("step", "point") and number.isascii() and number.isdigit() and len(number) < 19:
        model = Step if kind == "step" else CriticalPoint
        found = db.session.get(model, int(number))
        usable = found is not None and getattr(found, "deleted_at", None) is None
        if usable and found.journey_id == journey_id:
            return (found, None) if kind == "step" else (found.step, found)
    raise SparringError("unknown_about")


def add_capture(
    session: SparringSession,
    data: CaptureData,
    submission_key: str | None,
    guest: Guest | None = None,
    entered_by: User | None = None,
    sparrer: Sparrer | None = None,
) -> Capture:
    """A capture in the open room, by a guest or entered by the scribe (for `sparrer`, if a
    sparrer said it); the same form sent twice (same key) is the first capture."""
    live = session.live_session
    if live is None:
        raise SparringError("room_closed")
    try:
        live_services.touch_entries(live)
    except live_services.Refused:
        raise SparringError("room_closed") from None
    if submission_key:
        earlier = db.session.scalar(select(Capture).where(Capture.submission_key == submission_key))
        if earlier is not None:
            if earlier.session_id != session.id:
                raise SparringError("unknown_submission")
            return earlier
    text = data.text.strip()
    if not text or len(text) > CAPTURE_MAX:
        raise SparringError("capture_text")
    step, point = _about(session, data.about)
    sparrer = sparrer or _sparrer_of(session, guest)
    capture = Capture(
        session=session,
        type=data.type,
        text=text,
        author_role=data.author_role,
        organisation=" ".join(data.organisation.split()),
        author_name=data.author_name or (guest.display_name if guest else ""),
        sparrer=sparrer,
        guest=guest,
        entered_by_id=entered_by.id if entered_by else None,
        step=step,
        point=point,
        agenda_position=session.current_position,
        quotable=data.quotable,
        submission_key=submission_key or None,
    )
    db.session.add(capture)
    db.session.flush()
    return capture


def _sparrer_of(session: SparringSession, guest: Guest | None):
    """The session's sparrer a guest is, matched by name, if one is."""
    if guest is None or is_removed_name(guest.display_name):
        return None
    for sparrer in session.sparrers:
        if sparrer.name.casefold() == guest.display_name.strip().casefold():
            return sparrer
    return None


def get_capture(session: SparringSession, capture_id: int | None) -> Capture | None:
    """A capture of this session; None for another's."""
    capture = db.session.get(Capture, capture_id) if capture_id is not None else None
    return capture if capture is not None and capture.session_id == session.id else None


def remove_capture(session: SparringSession, capture: Capture) -> None:
    """Take a capture out of the session's record (kept, marked removed)."""
    if capture.removed_at is None:
        capture.removed_at = utcnow()
        if session.live_session is not None and room_is_open(session):
            live_services.touch_entries(session.live_session)
        db.session.flush()


def captures_of(session: SparringSession) -> list[Capture]:
    """The session's captures that stand, newest first."""
    return [c for c in reversed(session.captures) if c.removed_at is None]


@dataclass(frozen=True)
class Evidence:
    """What the room discusses now: the step and critical point of the latest capture about
    one, with the point's ranking figures."""

    step: Step | None
    point: CriticalPoint | None
    votes: int = 0
    dots: int = 0


def evidence_now(session: SparringSession) -> Evidence | None:
    """The evidence the latest capture about a step or point is about; None before any."""
    latest = next((c for c in captures_of(session) if c.step or c.point), None)
    if latest is None:
        return None
    if latest.point is None:
        return Evidence(step=latest.step, point=None)
    tally = ranking.tallies([latest.point.id]).get(latest.point.id, ranking.Tally())
    return Evidence(step=latest.point.step, point=latest.point, votes=tally.votes, dots=tally.dots)


def author_role_for(guest: Guest, session: SparringSession) -> AuthorRole:
    """The author role a guest's capture form starts with."""
    sparrer = _sparrer_of(session, guest)
    if sparrer is not None:
        return SPARRER_AUTHOR_ROLES[sparrer.role]
    return GUEST_AUTHOR_ROLES.get(guest.role, AuthorRole.EMPLOYER)


def about_choices(session: SparringSession, label: Callable[[str], str]) -> list[tuple]:
    """("step-<id>" | "point-<id>", label) for the room journey's steps and open points."""
    live = session.live_session
    if live is None:
        return []
    board = journeys.load_board(live.journey)
    choices = []
    for step in board.steps:
        choices.append((f"step-{step.id}", label(step.title)))
        for point in _open_points(step):
            choices.append((f"point-{point.id}", "— " + point.title))
    return choices


def _open_points(step: Step) -> list:
    found = db.session.scalars(
        select(CriticalPoint)
        .where(CriticalPoint.step_id == step.id, CriticalPoint.status == PointStatus.OPEN)
        .order_by(CriticalPoint.id)
    )
    return list(found)
