"""Planning a session: its agreement, sparrers and questions, its agenda, and the sparrers'
links. Every change checks the version the page was loaded with, so a stale edit is refused."""

from dataclasses import dataclass
from datetime import date

from workshop.models_base import utcnow
from workshop.sparring.models import (
    MAX_AGENDA_ITEMS,
    MAX_QUESTIONS,
    MAX_SPARRERS,
    MIN_QUESTIONS,
    AgendaItem,
    AgendaKind,
    HostQuestion,
    Sparrer,
    SparringSession,
)
from workshop.sparring.services import SparringError


@dataclass(frozen=True)
class SessionPlan:
    """What the session form says."""

    held_on: date
    place: str
    themes: str
    confidentiality: str
    recipients: str
    deciders: str
    sparrer_ids: tuple[int, ...]
    questions: tuple[str, ...]


def check_version(session: SparringSession, version: int | None) -> None:
    """Refuse a change made on a page older than the session's last save."""
    if version != session.version:
        raise SparringError("stale")


def _touch(session: SparringSession) -> None:
    session.version += 1


def apply_plan(session: SparringSession, plan: SessionPlan, version: int | None) -> None:
    """Save the form's plan on the session (a new one passes its own version)."""
    check_version(session, version)
    if not MIN_QUESTIONS <= len(plan.questions) <= MAX_QUESTIONS:
        raise SparringError("questions")
    usable = {s.id: s for s in session.series.sparrers if s.revoked_at is None}
    # A sparrer already taking part stays choosable after their link was revoked.
    usable.update({s.id: s for s in session.sparrers})
    if any(sparrer_id not in usable for sparrer_id in plan.sparrer_ids):
        raise SparringError("sparrers")
    if len(set(plan.sparrer_ids)) > MAX_SPARRERS:
        raise SparringError("too_many_sparrers")
    session.held_on = plan.held_on
    session.place = plan.place.strip()
    session.themes = plan.themes.strip()
    session.confidentiality = plan.confidentiality.strip()
    session.recipients = plan.recipients.strip()
    session.deciders = plan.deciders.strip()
    session.sparrers = [usable[i] for i in sorted(set(plan.sparrer_ids))]
    old = [q.text for q in session.questions]
    if old != list(plan.questions):
        session.questions = [
            HostQuestion(position=position, text=text)
            for position, text in enumerate(plan.questions)
        ]
    _touch(session)


def revoke_sparrer(sparrer: Sparrer) -> None:
    """The sparrer's personal link stops working."""
    if sparrer.revoked_at is None:
        sparrer.revoked_at = utcnow()


# --- the agenda ------------------------------------------------------------------------------


def agenda_item(session: SparringSession, item_id: int) -> AgendaItem | None:
    """The session's agenda item by id, or None."""
    return next((item for item in session.agenda if item.id == item_id), None)


def _renumber(session: SparringSession, items: list[AgendaItem]) -> None:
    for position, item in enumerate(items):
        item.position = position
    session.agenda = items


def edit_item(
    session: SparringSession, item: AgendaItem, version: int | None, title: str, minutes: int
) -> None:
    """A part's title (empty: its kind's name) and minutes."""
    check_version(session, version)
    if item.kind == AgendaKind.OTHER and not title.strip():
        raise SparringError("title")
    item.title = title.strip()
    item.minutes = minutes
    _touch(session)


def add_item(session: SparringSession, version: int | None, title: str, minutes: int) -> None:
    """A part of the host's own at the end of the agenda."""
    check_version(session, version)
    if len(session.agenda) >= MAX_AGENDA_ITEMS:
        raise SparringError("agenda_full")
    if not title.strip():
        raise SparringError("title")
    items = list(session.agenda)
    items.append(AgendaItem(kind=AgendaKind.OTHER, title=title.strip(), minutes=minutes))
    _renumber(session, items)
    _touch(session)


def remove_item(session: SparringSession, item: AgendaItem, version: int | None) -> None:
    """Take a part off the agenda; the open commitments stay."""
    check_version(session, version)
    if item.kind == AgendaKind.OPEN_COMMITMENTS:
        raise SparringError("fixed_item")
    _renumber(session, [other for other in session.agenda if other is not item])
    _touch(session)


def move_item(session: SparringSession, item: AgendaItem, version: int | None, step: int) -> None:
    """Move a part one place up (-1) or down (+1); nothing goes above the open commitments."""
    check_version(session, version)
    items = list(session.agenda)
    index = items.index(item)
    target = index + step
    if (
        item.kind == AgendaKind.OPEN_COMMITMENTS
        or step not in (-1, 1)
        or not 0 <= target < len(items)
        or items[target].kind == AgendaKind.OPEN_COMMITMENTS
    ):
        raise SparringError("fixed_item")
    items[index], items[target] = items[target], items[index]
    _renumber(session, items)
    _touch(session)


def upcoming(sessions: list[SparringSession], today: date) -> list[SparringSession]:
    """Sessions from today on, soonest first, then the held ones, latest first."""
    ahead = sorted((s for s in sessions if s.held_on >= today), key=lambda s: s.held_on)
    past = sorted((s for s in sessions if s.held_on < today), key=lambda s: s.held_on, reverse=True)
    return ahead + past


def next_session(sessions: list[SparringSession], today: date) -> SparringSession | None:
    """The first session from today on, or None."""
    ahead = [s for s in sessions if s.held_on >= today]
    return min(ahead, key=lambda s: s.held_on) if ahead else None
