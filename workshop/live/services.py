"""Running a live session: join codes, guests, entries, dots and the facilitator's controls.

Every change first bumps the session's counters with one UPDATE, which also queues
concurrent changes to the same session: budgets and double clicks are checked after it.
"""

import ipaddress
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from workshop.accounts import services as accounts
from workshop.accounts.models import Organisation, User, Workspace
from workshop.critical_points import ranking
from workshop.critical_points import services as points
from workshop.critical_points.models import (
    CriticalPoint,
    PointStatus,
    Report,
    ReporterRole,
    Vote,
)
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import TITLE_MAX as STEP_TITLE_MAX
from workshop.journeys.models import Journey, Lane, Stage, Step
from workshop.live.models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    MAX_BUDGET,
    MAX_TIMER_MINUTES,
    Admission,
    Dot,
    Entry,
    EntryKind,
    Guest,
    LiveSession,
    PresenterMode,
)
from workshop.models_base import utcnow
from workshop.sprints import services as sprints
from workshop.sprints.document import Participant
from workshop.sprints.models import Sprint, SprintPhase


class Refused(Exception):
    """The room does not allow this now; `reason` names why (views translate it)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- finding a session -------------------------------------------------------------------------


def normalise_code(text: str) -> str:
    """A typed code as stored: capitals, without spaces or dashes."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -")


def new_join_code() -> str:
    """Six characters nobody misreads, unused by any session before."""
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if db.session.scalar(select(LiveSession.id).where(LiveSession.join_code == code)) is None:
            return code


def session_for_code(code: str) -> LiveSession | None:
    """The session a code names, open or not; None for a code no session ever had."""
    code = normalise_code(code)
    if len(code) != JOIN_CODE_LENGTH or any(ch not in JOIN_CODE_ALPHABET for ch in code):
        return None
    return db.session.scalar(select(LiveSession).where(LiveSession.join_code == code))


def current_session(sprint: Sprint) -> LiveSession | None:
    """The sprint's session that has not ended, if any."""
    return db.session.scalar(
        select(LiveSession)
        .where(LiveSession.sprint_id == sprint.id, LiveSession.ended_at.is_(None))
        .order_by(LiveSession.id.desc())
    )


def get_live(session_id: int) -> LiveSession | None:
    """A session by id, with what every view of the room reads: its sprint (open?), its
    journey (version) and its phase, in one query."""
    return db.session.get(
        LiveSession,
        session_id,
        options=[
            joinedload(LiveSession.sprint),
            joinedload(LiveSession.journey),
            joinedload(LiveSession.phase),
        ],
    )


def get_entry(live: LiveSession, entry_id: int) -> Entry | None:
    """An entry of this session; None for another session's."""
    entry = db.session.get(Entry, entry_id)
    return entry if entry is not None and entry.session_id == live.id else None


def get_session(sprint: Sprint, session_id: int) -> LiveSession | None:
    """A session of this sprint; None for another sprint's."""
    live = db.session.get(LiveSession, session_id)
    return live if live is not None and live.sprint_id == sprint.id else None


@dataclass(frozen=True)
class PollState:
    """What a poll compares: the session's counters and its journey's."""

    controls: int
    tally: int
    entries: int
    journey: int

    @property
    def etag(self) -> str:
        return f"live-{self.controls}-{self.tally}-{self.entries}-{self.journey}"

    def as_args(self) -> dict:
        """The counters as a poll's query string names them."""
        return {"c": self.controls, "v": self.tally, "e": self.entries, "j": self.journey}


def poll_state(session_id: int) -> PollState | None:
    """The counters of a session and its journey, in one query."""
    row = db.session.execute(
        select(
            LiveSession.controls_version,
            LiveSession.version,
            LiveSession.entries_version,
            Journey.version,
        )
        .join(Journey, Journey.id == LiveSession.journey_id)
        .where(LiveSession.id == session_id)
    ).first()
    return PollState(*row) if row else None


def state_of(live: LiveSession) -> PollState:
    """The counters of a loaded session, as a page drawn from it has seen them."""
    return PollState(
        live.controls_version, live.version, live.entries_version, live.journey.version
    )


# --- starting, joining, ending -----------------------------------------------------------------


def start_session(
    sprint: Sprint, journey: Journey, user: User, hours: int, budget: int = 5
) -> LiveSession:
    """A new session for a running sprint; Refused if one is already going."""
    if not sprint.is_running:
        raise Refused("sprint_not_running")
    if journey not in sprint.journeys:
        raise Refused("journey_not_in_sprint")
    # Take the sprint's row, so two facilitators starting at once make one session.
    db.session.execute(select(Sprint.id).where(Sprint.id == sprint.id).with_for_update())
    existing = current_session(sprint)
    if existing is not None and existing.is_open(utcnow()):
        raise Refused("already_running")
    if existing is not None:
        existing.ended_at = utcnow()
    now = utcnow()
    live = LiveSession(
        sprint=sprint,
        journey=journey,
        join_code=new_join_code(),
        created_by_id=user.id,
        created_at=now,
        expires_at=now + timedelta(hours=hours),
        vote_budget=min(max(budget, 1), MAX_BUDGET),
        phase=sprint.phases[0] if sprint.phases else None,
    )
    db.session.add(live)
    db.session.flush()
    return live


@dataclass(frozen=True)
class WorkshopPlan:
    """A workshop started from a journey: in a running sprint, or in a new one (`sprint` None)
    with this title and these phases, running from `today`."""

    journey: Journey
    sprint: Sprint | None
    title: str
    phases: list[str]
    today: date
    budget: int


def start_workshop(workspace: Workspace, user: User, plan: WorkshopPlan, hours: int) -> LiveSession:
    """A live session on a journey in one go: a new sprint is planned and started for it, or
    the running sprint chosen takes the journey into its scope first."""
    sprint = plan.sprint
    if sprint is None:
        data = sprints.SprintData(plan.title, "", plan.today, None, plan.phases, [plan.journey.id])
        sprint = sprints.create_sprint(workspace, user, data)
        sprints.start_sprint(sprint)
    elif not sprint.is_running:
        raise Refused("sprint_not_running")
    else:
        sprints.include_journey(sprint, plan.journey)
    return start_session(sprint, plan.journey, user, hours, plan.budget)


def open_sessions(workspace: Workspace) -> list[LiveSession]:
    """The workspace's live sessions whose code works now, newest first."""
    now = utcnow()
    found = db.session.scalars(
        select(LiveSession)
        .join(LiveSession.sprint)
        .where(
            Sprint.workspace_id == workspace.id,
            LiveSession.ended_at.is_(None),
            LiveSession.expires_at > now,
        )
        .options(joinedload(LiveSession.sprint), joinedload(LiveSession.journey))
        .order_by(LiveSession.id.desc())
    )
    return [live for live in found if live.is_open(now)]


def _touch(
    live: LiveSession, controls: bool = False, tally: bool = False, entries: bool = False
) -> None:
    """Count a change to the room's controls, dots and/or entries; the UPDATE also makes a
    concurrent change to the same session wait until this one has committed."""
    values = {"id": LiveSession.id}
    if controls:
        values["controls_version"] = LiveSession.controls_version + 1
    if tally:
        values["version"] = LiveSession.version + 1
    if entries:
        values["entries_version"] = LiveSession.entries_version + 1
    db.session.execute(
        update(LiveSession).where(LiveSession.id == live.id).values(**values),
        execution_options={"synchronize_session": False},
    )
    db.session.refresh(live)


def touch_entries(live: LiveSession) -> None:
    """Count an entry a higher layer added to the open room (a sparring capture), so every
    screen polling the entries fetches them; Refused("ended") once the room has closed."""
    _touch(live, entries=True)
    _ensure_open(live)


def _ensure_open(live: LiveSession) -> None:
    if not live.is_open(utcnow()):
        raise Refused("ended")


def _ensure_counts(guest: Guest) -> None:
    """Only a guest let in, and not removed, adds entries and dots."""
    if guest.removed_at is not None:
        raise Refused("guest_removed")
    if guest.admission != Admission.ADMITTED:
        raise Refused("not_admitted")


def counting_guest() -> tuple:
    """The conditions under which a guest's entries and dots count (for a query joined to
    Guest): admitted, and not removed by the facilitator."""
    return (Guest.removed_at.is_(None), Guest.admission == Admission.ADMITTED)


def join(
    live: LiveSession,
    name: str,
    role: ReporterRole,
    organisation_name: str,
    added_by: User | None = None,
    submission_key: str | None = None,
    network: str = "",
) -> Guest:
    """A new guest in an open session, unless its door is closed; one who joins while the
    facilitator admits each guest waits to be admitted.

    The same join form sent twice (same key) gives back the first guest. Phones show no one
    else's presence, so a join moves no counter (the console counts guests itself); the
    UPDATE still queues it behind other changes to the session.
    """
    _touch(live)
    _ensure_open(live)
    if submission_key:
        earlier = db.session.scalar(select(Guest).where(Guest.submission_key == submission_key))
        if earlier is not None:
            if earlier.session_id != live.id:
                raise Refused("unknown_submission")
            return earlier
    if live.door_closed and added_by is None:
        raise Refused("door_closed")
    # A typed organisation is the workspace's if it has one by that name; otherwise it stays
    # with the guest until a member accepts or merges it.
    typed = organisation_text(organisation_name)
    known = accounts.find_organisation(live.sprint.workspace, typed) if typed else None
    waiting = live.admit_each and added_by is None
    guest = Guest(
        session=live,
        display_name=name.strip(),
        role=role,
        organisation_id=known.id if known else None,
        organisation_name="" if known else typed,
        admission=Admission.WAITING if waiting else Admission.ADMITTED,
        network=network,
        added_by_id=added_by.id if added_by else None,
        submission_key=submission_key or None,
    )
    db.session.add(guest)
    db.session.flush()
    return guest


def organisation_text(typed: str | None) -> str:
    """A typed organisation name with its spaces tidied: "  acme   oy " is "acme oy"."""
    return " ".join((typed or "").split())


def network_of(address: str | None) -> str:
    """The network an address joins from (/24 for IPv4, /64 for IPv6); the address itself is
    not kept. Empty for anything that is not an address."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 64
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def get_guest(live: LiveSession, guest_id: int | None) -> Guest | None:
    """A guest of this session; None for another session's."""
    if guest_id is None:
        return None
    guest = db.session.get(Guest, guest_id)
    return guest if guest is not None and guest.session_id == live.id else None


def end_session(live: LiveSession) -> None:
    """The code stops working and guests can only look."""
    _touch(live, controls=True, tally=True, entries=True)
    if live.ended_at is None:
        live.ended_at = utcnow()
        live.voting_open = False
        live.timer_ends_at = live.timer_left_s = None
        db.session.flush()


# --- the facilitator's controls ----------------------------------------------------------------


def set_activity(live: LiveSession, phase_id: int | None, activity: str) -> None:
    """What the room is doing now: a phase of the sprint and a line of text."""
    _touch(live, controls=True)
    _ensure_open(live)
    phase = db.session.get(SprintPhase, phase_id) if phase_id else None
    if phase is not None and phase.sprint_id != live.sprint_id:
        raise Refused("unknown_phase")
    live.phase = phase
    live.activity = activity.strip()
    db.session.flush()


def present(live: LiveSession, mode: str, step_id: int | None = None, text: str = "") -> None:
    """Put something on the projector; the step and the text are kept for their own mode."""
    try:
        mode = PresenterMode(mode)
    except ValueError:
        raise Refused("unknown_presenter_mode") from None
    _touch(live, controls=True)
    _ensure_open(live)
    if mode == PresenterMode.STEP:
        step = _live_step(live, step_id)
        if step is None:
            raise Refused("unknown_step")
        live.presenting_step = step
    if mode == PresenterMode.MESSAGE:
        text = text.strip()
        if not text:
            raise Refused("no_message")
        live.presenting_text = text
    live.presenting = mode
    db.session.flush()


def presented_step(live: LiveSession) -> Step | None:
    """The step the projector zooms in on, while it is still on the journey."""
    step = live.presenting_step
    return step if step is not None and step.deleted_at is None else None


TIMER_ACTIONS = ("start", "pause", "resume", "extend", "stop")


def seconds_left(live: LiveSession, now: datetime) -> int | None:
    """What the timer shows: None when no timer is set."""
    if live.timer_ends_at is not None:
        return max(0, int((live.timer_ends_at - now).total_seconds() + 0.999))
    return live.timer_left_s


def timer(live: LiveSession, action: str, minutes: int = 0) -> None:
    """Start, pause, resume, extend or stop the room's timer, on the server's clock."""
    if action not in TIMER_ACTIONS or not 0 <= minutes <= MAX_TIMER_MINUTES:
        raise Refused("timer")
    _touch(live, controls=True)
    _ensure_open(live)
    now = utcnow()
    running = live.timer_ends_at is not None
    if action == "start" and minutes:
        live.timer_ends_at, live.timer_left_s = now + timedelta(minutes=minutes), None
    elif action == "pause" and running:
        live.timer_left_s, live.timer_ends_at = seconds_left(live, now), None
    elif action == "resume" and live.timer_left_s is not None:
        live.timer_ends_at = now + timedelta(seconds=live.timer_left_s)
        live.timer_left_s = None
    elif action == "extend" and minutes:
        if running:
            # Time that ran out is not owed: extending at zero gives the full extension.
            live.timer_ends_at = max(live.timer_ends_at, now) + timedelta(minutes=minutes)
        elif live.timer_left_s is not None:
            live.timer_left_s += minutes * 60
        else:
            live.timer_ends_at = now + timedelta(minutes=minutes)
    elif action == "stop":
        live.timer_ends_at = live.timer_left_s = None
    db.session.flush()


def set_voting(live: LiveSession, voting_open: bool, budget: int, stacking: bool) -> None:
    """Open or close dot voting, with each guest's budget and whether dots may stack."""
    if not 1 <= budget <= MAX_BUDGET:
        raise Refused("budget")
    _touch(live, controls=True, tally=True)
    _ensure_open(live)
    live.voting_open, live.vote_budget, live.stacking = voting_open, budget, stacking
    db.session.flush()


def set_private(live: LiveSession, private: bool) -> None:
    """While on, what guests enter is seen only by them and the facilitators."""
    _touch(live, controls=True)
    _ensure_open(live)
    live.private_input = private
    db.session.flush()


def set_locked(live: LiveSession, locked: bool) -> None:
    """While locked, guests can look but not add anything."""
    _touch(live, controls=True)
    _ensure_open(live)
    live.locked = locked
    db.session.flush()


def reveal(live: LiveSession) -> int:
    """Show every private entry to the room and end private input; how many were shown."""
    _touch(live, controls=True, entries=True)
    _ensure_open(live)
    waiting = db.session.scalars(
        select(Entry)
        .join(Guest, Guest.id == Entry.guest_id)
        .where(
            Entry.session_id == live.id,
            Entry.private.is_(True),
            Entry.removed_at.is_(None),
            *counting_guest(),
        )
        .order_by(Entry.id)
    ).all()
    for entry in waiting:
        _publish(live, entry)
    live.private_input = False
    db.session.flush()
    return len(waiting)


# --- what the room enters ----------------------------------------------------------------------


@dataclass(frozen=True)
class EntryData:
    """What a guest sent: the kind, its text and where on the journey it belongs."""

    kind: EntryKind
    text: str
    step_id: int | None = None
    stage_id: int | None = None
    lane_id: int | None = None
    severity: int | None = None
    category_value: str | None = None


def _live_step(live: LiveSession, step_id: int | None) -> Step | None:
    if step_id is None:
        return None
    step = db.session.get(Step, step_id)
    if step is None or step.journey_id != live.journey_id or step.deleted_at is not None:
        raise Refused("unknown_step")
    return step


def _entry_by_key(key: str | None) -> Entry | None:
    if not key:
        return None
    return db.session.scalar(select(Entry).where(Entry.submission_key == key))


def add_entry(
    live: LiveSession,
    guest: Guest,
    data: EntryData,
    submission_key: str | None,
    entered_by: User | None = None,
) -> Entry:
    """A guest's point, step suggestion or comment; public at once unless input is private.

    The same form sent twice (same key) gives back the first entry.
    """
    earlier = _entry_by_key(submission_key)
    if earlier is not None and earlier.guest_id == guest.id:
        return earlier
    _touch(live, entries=True)
    _ensure_open(live)
    _ensure_counts(guest)
    if live.locked:
        raise Refused("locked")
    earlier = _entry_by_key(submission_key)
    if earlier is not None:
        if earlier.guest_id != guest.id:
            raise Refused("unknown_submission")
        return earlier
    step = _live_step(live, data.step_id)
    if data.kind == EntryKind.POINT and step is None:
        raise Refused("unknown_step")
    if data.kind == EntryKind.STEP:
        # Checked now, so a suggestion the facilitator accepts later has a real place.
        try:
            journeys.stage_and_lane(live.journey, data.stage_id, data.lane_id)
        except journeys.NotInJourney:
            raise Refused("unknown_place") from None
    category = None
    if data.category_value:
        try:
            category = points.resolve_category(live.sprint.workspace, data.category_value)
        except points.PointError:
            raise Refused("unknown_category") from None
    entry = Entry(
        session_id=live.id,
        guest=guest,
        entered_by_id=entered_by.id if entered_by else None,
        kind=data.kind,
        text=data.text.strip(),
        step=step,
        stage_id=data.stage_id if data.kind == EntryKind.STEP else None,
        lane_id=data.lane_id if data.kind == EntryKind.STEP else None,
        severity=data.severity if data.kind == EntryKind.POINT else None,
        category=category if data.kind == EntryKind.POINT else None,
        private=live.private_input,
        submission_key=submission_key or None,
    )
    db.session.add(entry)
    db.session.flush()
    if not entry.private:
        _publish(live, entry)
    return entry


def headline(text: str, limit: int) -> str:
    """The text as a title of at most `limit` characters: whole if it fits, else cut after
    a whole word with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:.-–—") + "…"


def _publish(live: LiveSession, entry: Entry) -> None:
    """Make a private or new entry public: a point entry becomes a critical point."""
    entry.private = False
    step = entry.step
    if step is not None and step.deleted_at is not None:
        # The step went to the trash while the entry waited for the reveal: the entry is
        # shown as said, and the facilitator can report it on another step.
        step = None
    if entry.kind == EntryKind.POINT and entry.point_id is None and step is not None:
        category = entry.category
        title = headline(entry.text, points.TITLE_MAX)
        point = points.report_point(
            live.sprint.workspace,
            live.journey,
            None,
            points.NewPoint(
                step=step,
                title=title,
                # Nothing said is lost: a title cut short keeps the whole text beside it.
                description=entry.text if title != " ".join(entry.text.split()) else "",
                severity=entry.severity or 2,
                category=f"id:{category.id}" if category else None,
                report=points.ReportData(
                    role=entry.guest.role,
                    organisation_id=entry.guest.organisation_id,
                    quote=entry.text if len(entry.text) > points.TITLE_MAX else "",
                    source=live.sprint.title,
                    reported_on=utcnow().date(),
                ),
            ),
        )
        entry.point, entry.report = point, point.reports[0]
    db.session.flush()


def remove_entry(live: LiveSession, entry: Entry, user: User, reason: str) -> None:
    """Take an inappropriate entry away, with what it made; the removal is logged on it."""
    if entry.session_id != live.id:
        raise Refused("unknown_entry")
    _touch(live, entries=True)
    if entry.removed_at is not None:
        return
    _take_back_point(live, entry, user)
    entry.removed_at, entry.removed_by_id, entry.removed_reason = utcnow(), user.id, reason.strip()
    db.session.flush()


def _take_back_point(live: LiveSession, entry: Entry, user: User) -> None:
    """The critical point an entry made leaves the journey (its report, if others reported
    the same point)."""
    if entry.point is not None:
        point = entry.point
        journeys.record_change(live.journey, user, "point_removed", point.title)
        if len(point.reports) <= 1:
            db.session.delete(point)
        elif entry.report is not None:
            db.session.delete(entry.report)
    entry.point, entry.report = None, None


# --- the roster: who is in the room --------------------------------------------------------------


@dataclass(frozen=True)
class RosterLine:
    """A guest as the facilitator's roster shows them."""

    guest: Guest
    entries: int
    dots: int


def roster(live: LiveSession) -> list[RosterLine]:
    """Everyone who joined, in the order they came, with their entries and dots."""
    entries = dict(
        db.session.execute(
            select(Entry.guest_id, func.count(Entry.id))
            .where(Entry.session_id == live.id, Entry.removed_at.is_(None))
            .group_by(Entry.guest_id)
        ).all()
    )
    dots = dict(
        db.session.execute(
            select(Dot.guest_id, func.count(Dot.id))
            .where(Dot.session_id == live.id)
            .group_by(Dot.guest_id)
        ).all()
    )
    guests = db.session.scalars(
        select(Guest)
        .where(Guest.session_id == live.id)
        .options(selectinload(Guest.organisation), selectinload(Guest.removed_by))
        .order_by(Guest.id)
    )
    return [RosterLine(g, entries.get(g.id, 0), dots.get(g.id, 0)) for g in guests]


def remove_guest(live: LiveSession, guest: Guest, user: User, reason: str) -> None:
    """Take a guest out of every count: their entries leave the screens (with the critical
    points they made) and their dots leave the tallies, until the guest is restored."""
    if guest.session_id != live.id:
        raise Refused("unknown_guest")
    _touch(live, tally=True, entries=True)
    if guest.removed_at is not None:
        return
    for entry in _entries_of_guest(live, guest):
        _take_back_point(live, entry, user)
    guest.removed_at, guest.removed_by_id, guest.removed_reason = utcnow(), user.id, reason.strip()
    db.session.flush()


def votes_lost_with(live: LiveSession, guest: Guest) -> int:
    """Others' dots and votes on the critical points only this guest reported: removing the
    guest takes those points off the journey, and restoring brings the points back without them."""
    point_ids = [
        entry.point_id
        for entry in _entries_of_guest(live, guest)
        if entry.point is not None and len(entry.point.reports) <= 1
    ]
    if not point_ids:
        return 0
    dots = db.session.scalar(
        select(func.count(Dot.id)).where(Dot.point_id.in_(point_ids), Dot.guest_id != guest.id)
    )
    votes = db.session.scalar(select(func.count(Vote.id)).where(Vote.point_id.in_(point_ids)))
    return dots + votes


def restore_guest(live: LiveSession, guest: Guest) -> None:
    """Undo a removal: the guest's entries, critical points and dots count again."""
    if guest.session_id != live.id:
        raise Refused("unknown_guest")
    _touch(live, tally=True, entries=True)
    if guest.removed_at is None:
        return
    guest.removed_at, guest.removed_by_id, guest.removed_reason = None, None, ""
    db.session.flush()
    _publish_again(live, guest)


def _guest_entries(live: LiveSession, guest: Guest) -> Select:
    """The query for what the guest entered in this session and is not removed."""
    return select(Entry).where(
        Entry.session_id == live.id, Entry.guest_id == guest.id, Entry.removed_at.is_(None)
    )


def _entries_of_guest(live: LiveSession, guest: Guest) -> list[Entry]:
    return list(db.session.scalars(_guest_entries(live, guest).order_by(Entry.id)))


def _publish_again(live: LiveSession, guest: Guest) -> None:
    """The guest's public points go back on the journey."""
    for entry in _entries_of_guest(live, guest):
        if not entry.private and entry.kind == EntryKind.POINT and entry.point_id is None:
            _publish(live, entry)


def typed_organisations(report_ids: list[int]) -> dict[int, str]:
    """The organisation each report's guest typed, for reports without a workspace's one."""
    if not report_ids:
        return {}
    rows = db.session.execute(
        select(Entry.report_id, Guest.organisation_name)
        .join(Guest, Guest.id == Entry.guest_id)
        .where(Entry.report_id.in_(report_ids), Guest.organisation_name != "")
    )
    return dict(rows.all())


def room_participants(sprint_id: int) -> list[Participant]:
    """Everyone who joined the sprint's live sessions and counts (admitted, not removed),
    people a facilitator entered included, as the sprint's document lists participants."""
    guests = db.session.scalars(
        select(Guest)
        .join(LiveSession, LiveSession.id == Guest.session_id)
        .where(LiveSession.sprint_id == sprint_id, *counting_guest())
        .options(selectinload(Guest.organisation))
        .order_by(Guest.id)
    )
    return [
        Participant(
            name=guest.display_name,
            role=guest.role.value,
            organisation=guest.organisation_label or None,
        )
        for guest in guests
    ]


@dataclass(frozen=True)
class TypedOrganisation:
    """An organisation guests typed that the workspace does not have yet; spellings that
    differ only in case and spaces are one."""

    key: str
    name: str
    guests: int
    role: ReporterRole


def typed_organisation_list(live: LiveSession) -> list[TypedOrganisation]:
    """The room's typed organisations waiting for a member to accept or merge them."""
    found: dict[str, TypedOrganisation] = {}
    for guest in live.guests:
        if guest.organisation_id is None and guest.organisation_name:
            key = guest.organisation_name.casefold()
            seen = found.get(key)
            found[key] = TypedOrganisation(
                key,
                seen.name if seen else guest.organisation_name,
                (seen.guests if seen else 0) + 1,
                seen.role if seen else guest.role,
            )
    return sorted(found.values(), key=lambda typed: typed.key)


def settle_organisation(live: LiveSession, key: str, organisation_id: int | None) -> Organisation:
    """Accept a typed organisation into the workspace (`organisation_id` None) or merge it
    into one of its organisations: every guest who typed it, and their reports, get it."""
    typed = next((t for t in typed_organisation_list(live) if t.key == key), None)
    if typed is None:
        raise Refused("unknown_organisation")
    workspace = live.sprint.workspace
    _touch(live, entries=True)
    if organisation_id is None:
        organisation = accounts.find_organisation(workspace, typed.name)
        if organisation is None:
            kind = points.organisation_kind_for(typed.role)
            organisation = accounts.add_organisation(workspace, typed.name, kind)
    else:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None or organisation.workspace_id != workspace.id:
            raise Refused("unknown_organisation")
    for guest in live.guests:
        if guest.organisation_id is None and guest.organisation_name.casefold() == key:
            guest.organisation_id, guest.organisation_name = organisation.id, ""
            report_ids = select(Entry.report_id).where(
                Entry.guest_id == guest.id, Entry.report_id.is_not(None)
            )
            db.session.execute(
                update(Report)
                .where(Report.id.in_(report_ids), Report.organisation_id.is_(None))
                .values(organisation_id=organisation.id),
                execution_options={"synchronize_session": False},
            )
    db.session.flush()
    return organisation


def admit_guest(live: LiveSession, guest: Guest, admitted: bool) -> None:
    """Let a waiting guest in, or turn them away (a refused guest can be let in later)."""
    if guest.session_id != live.id:
        raise Refused("unknown_guest")
    _touch(live, tally=True, entries=True)
    guest.admission = Admission.ADMITTED if admitted else Admission.REFUSED
    db.session.flush()
    if admitted:
        _publish_again(live, guest)


def set_door(live: LiveSession, closed: bool, admit_each: bool) -> None:
    """Close the door (no one new joins) and/or admit each newcomer; guests in the room go on."""
    _touch(live, controls=True)
    _ensure_open(live)
    live.door_closed, live.admit_each = closed, admit_each
    db.session.flush()


CROWD_JOINS = 8
CROWD_MINUTES = 5


def crowded_networks(live: LiveSession) -> list[tuple[str, int]]:
    """Networks from which many joined in a short time (CROWD_JOINS within CROWD_MINUTES):
    a room behind one address, or someone joining again and again with fresh cookies."""
    rows = db.session.execute(
        select(Guest.network, Guest.created_at)
        .where(Guest.session_id == live.id, Guest.network != "")
        .order_by(Guest.network, Guest.created_at)
    ).all()
    window = timedelta(minutes=CROWD_MINUTES)
    found: dict[str, int] = {}
    # The most joins any CROWD_MINUTES held, per network.
    by_network: dict[str, list[datetime]] = {}
    for network, created in rows:
        by_network.setdefault(network, []).append(created)
    for network, times in by_network.items():
        start, most = 0, 0
        for end, moment in enumerate(times):
            while moment - times[start] > window:
                start += 1
            most = max(most, end - start + 1)
        if most >= CROWD_JOINS:
            found[network] = most
    return sorted(found.items(), key=lambda item: -item[1])


def accept_step(live: LiveSession, entry: Entry, user: User) -> Step:
    """Put a suggested step on the journey, where the guest suggested it."""
    if entry.session_id != live.id or entry.kind != EntryKind.STEP or entry.removed_at:
        raise Refused("unknown_entry")
    if entry.private:
        raise Refused("not_revealed")
    _touch(live, entries=True)
    if entry.added_step_id is not None:
        return db.session.get(Step, entry.added_step_id)
    if entry.stage_id is None or entry.lane_id is None:
        raise Refused("unknown_place")  # its stage or lane was deleted since
    try:
        title = headline(entry.text, STEP_TITLE_MAX)
        description = entry.text if title != " ".join(entry.text.split()) else ""
        step = journeys.add_step(
            live.journey, user, entry.stage_id, entry.lane_id, title, description
        )
    except journeys.NotInJourney:
        raise Refused("unknown_place") from None
    entry.added_step_id = step.id
    db.session.flush()
    return step


def entries_of(live: LiveSession, public_only: bool = False) -> list[Entry]:
    """The session's entries not removed, newest first; only those everyone sees if asked."""
    query = (
        select(Entry)
        .join(Guest, Guest.id == Entry.guest_id)
        .where(Entry.session_id == live.id, Entry.removed_at.is_(None), *counting_guest())
        .options(
            selectinload(Entry.guest).selectinload(Guest.organisation),
            selectinload(Entry.step),
            selectinload(Entry.category),
        )
        .order_by(Entry.id.desc())
    )
    if public_only:
        query = query.where(Entry.private.is_(False))
    return list(db.session.scalars(query))


def private_entries_of(live: LiveSession, guest: Guest) -> list[Entry]:
    """What the guest entered that waits for the reveal, newest first."""
    query = _guest_entries(live, guest).where(Entry.private.is_(True)).order_by(Entry.id.desc())
    return list(db.session.scalars(query))


def removed_entries(live: LiveSession) -> list[Entry]:
    """The moderation log: what was removed, by whom, why."""
    return list(
        db.session.scalars(
            select(Entry)
            .where(Entry.session_id == live.id, Entry.removed_at.is_not(None))
            .options(selectinload(Entry.guest), selectinload(Entry.removed_by))
            .order_by(Entry.removed_at.desc())
        )
    )


def private_count(live: LiveSession) -> int:
    """How many entries wait for the reveal."""
    return db.session.scalar(
        select(func.count(Entry.id))
        .join(Guest, Guest.id == Entry.guest_id)
        .where(
            Entry.session_id == live.id,
            Entry.private.is_(True),
            Entry.removed_at.is_(None),
            *counting_guest(),
        )
    )


# --- dots --------------------------------------------------------------------------------------


def _votable(live: LiveSession, point_id: int) -> CriticalPoint:
    point = db.session.get(CriticalPoint, point_id)
    if point is None or point.journey_id != live.journey_id:
        raise Refused("unknown_point")
    if point.status not in (PointStatus.OPEN, PointStatus.TESTING):
        raise Refused("point_closed")
    return point


def add_dot(live: LiveSession, guest: Guest, point_id: int, submission_key: str | None) -> Dot:
    """One more of the guest's dots on a point, within the budget and while voting is open."""
    _touch(live, tally=True)
    _ensure_open(live)
    _ensure_counts(guest)
    if submission_key:
        earlier = db.session.scalar(select(Dot).where(Dot.submission_key == submission_key))
        if earlier is not None and earlier.guest_id == guest.id:
            return earlier
    if not live.voting_open:
        raise Refused("voting_closed")
    if live.locked:
        raise Refused("locked")
    point = _votable(live, point_id)
    mine = dots_of(live, guest)
    if sum(mine.values()) >= live.vote_budget:
        raise Refused("budget_spent")
    if not live.stacking and mine[point.id]:
        raise Refused("one_per_point")
    dot = Dot(
        session_id=live.id,
        guest_id=guest.id,
        point_id=point.id,
        submission_key=submission_key or None,
    )
    db.session.add(dot)
    db.session.flush()
    return dot


def remove_dot(live: LiveSession, guest: Guest, point_id: int) -> None:
    """Take one of the guest's dots back from a point, while voting is open."""
    _touch(live, tally=True)
    _ensure_open(live)
    _ensure_counts(guest)
    if not live.voting_open:
        raise Refused("voting_closed")
    dot_id = db.session.scalar(
        select(Dot.id)
        .where(Dot.session_id == live.id, Dot.guest_id == guest.id, Dot.point_id == point_id)
        .order_by(Dot.id.desc())
        .limit(1)
    )
    if dot_id is not None:
        db.session.execute(delete(Dot).where(Dot.id == dot_id))
        db.session.flush()


def points_with_dots(live: LiveSession, dots: Counter) -> list[tuple[CriticalPoint, int]]:
    """The points a guest's dots are on, with how many, most first."""
    if not dots:
        return []
    found = db.session.scalars(select(CriticalPoint).where(CriticalPoint.id.in_(list(dots))))
    return sorted(((p, dots[p.id]) for p in found), key=lambda pair: (-pair[1], pair[0].id))


def dots_of(live: LiveSession, guest: Guest) -> Counter:
    """The guest's dots per point."""
    rows = db.session.execute(
        select(Dot.point_id, func.count(Dot.id))
        .where(Dot.session_id == live.id, Dot.guest_id == guest.id)
        .group_by(Dot.point_id)
    )
    return Counter(dict(rows.all()))


def dot_counts(point_ids: Sequence[int]) -> dict[int, int]:
    """Per point, the dots of every live session that count (see counting_guest); the ranking
    of critical points adds them to the board's votes."""
    if not point_ids:
        return {}
    return dict(
        db.session.execute(
            select(Dot.point_id, func.count(Dot.id))
            .join(Guest, Guest.id == Dot.guest_id)
            .where(Dot.point_id.in_(list(point_ids)), *counting_guest())
            .group_by(Dot.point_id)
        ).all()
    )


def move_dots(from_point_id: int, to_point_id: int) -> None:
    """Every dot on one point onto another: merging two points keeps what the room gave both."""
    db.session.execute(
        update(Dot).where(Dot.point_id == from_point_id).values(point_id=to_point_id),
        execution_options={"synchronize_session": False},
    )


# A critical point as the room ranks it: its row with votes on the board and dots in sessions.
RankedPoint = ranking.TalliedPoint


def _open_points(live: LiveSession) -> list[RankedPoint]:
    """The journey's open critical points on its live steps, with their tallies."""
    found = list(
        db.session.scalars(
            points.points_on_live_steps(live.journey_id)
            .where(CriticalPoint.status.in_((PointStatus.OPEN, PointStatus.TESTING)))
            .options(
                selectinload(CriticalPoint.step),
                selectinload(CriticalPoint.category),
                selectinload(CriticalPoint.reports),
            )
        )
    )
    tallies = ranking.tallies(p.id for p in found)
    return [RankedPoint(p, tallies[p.id]) for p in found]


def ranked_points(live: LiveSession) -> list[RankedPoint]:
    """The journey's open critical points in the ranking the board, the list and the sprint
    summary use: votes and dots together, then severity, reports, age."""
    return ranking.ranked(_open_points(live))


def points_in_order(live: LiveSession) -> list[RankedPoint]:
    """The journey's open critical points with their tallies, in the journey's reading order:
    a phone's list stays put while the room votes."""
    ranked = {r.point.id: r for r in _open_points(live)}
    order = db.session.scalars(
        select(CriticalPoint.id)
        .join(Step, Step.id == CriticalPoint.step_id)
        .join(Stage, Stage.id == Step.stage_id)
        .join(Lane, Lane.id == Step.lane_id)
        .where(CriticalPoint.id.in_(list(ranked)))
        .order_by(Stage.position, Lane.position, Step.position, CriticalPoint.id)
    )
    return [ranked[point_id] for point_id in order]


def point_counts(live: LiveSession) -> dict[int, tuple[int, int]]:
    """Per step: how many open critical points, and the highest severity among them."""
    return journey_point_counts(live.journey_id)


def journey_point_counts(journey_id: int) -> dict[int, tuple[int, int]]:
    """point_counts() of a journey, with or without a room."""
    rows = db.session.execute(
        select(
            CriticalPoint.step_id, func.count(CriticalPoint.id), func.max(CriticalPoint.severity)
        )
        .where(
            CriticalPoint.journey_id == journey_id,
            CriticalPoint.status.in_((PointStatus.OPEN, PointStatus.TESTING)),
        )
        .group_by(CriticalPoint.step_id)
    )
    return {step_id: (count, severity) for step_id, count, severity in rows}
