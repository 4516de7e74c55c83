"""A session's commitments: at most three, each with a named owner, a due date not before the
session, an if-then first step, an indicator and target, an external witness reached by a
link, and what it addresses and answers. Each is followed up (workshop.followup): its title,
owner, due date, status and history live there. Services never commit."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from workshop.accounts.models import Membership, User
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db
from workshop.followup import links
from workshop.followup import services as followup
from workshop.followup.models import FollowUp, LinkRole
from workshop.journeys.models import Journey
from workshop.sparring.models import (
    MAX_COMMITMENTS,
    Capture,
    Commitment,
    Sparrer,
    SparringSession,
)
from workshop.sparring.services import SparringError


@dataclass
class CommitmentData:
    """What the commitment form says."""

    title: str
    due_on: date
    first_when: str
    first_then: str
    owner_user_id: int | None = None
    owner_name: str = ""
    indicator: str = ""
    target: str = ""
    witness_id: int | None = None
    point_ids: list[int] = field(default_factory=list)
    capture_ids: list[int] = field(default_factory=list)


def room_left(session: SparringSession) -> int:
    """How many more commitments the session can take."""
    return max(0, MAX_COMMITMENTS - len(session.commitments))


def witness_choices(session: SparringSession) -> list[Sparrer]:
    """Who can witness: the session's sparrers (the series' when none were named yet),
    without revoked ones."""
    sparrers = session.sparrers or session.series.sparrers
    return [s for s in sparrers if s.revoked_at is None]


def point_choices(session: SparringSession) -> list[CriticalPoint]:
    """The critical points of the workspace's journeys."""
    return list(
        db.session.scalars(
            select(CriticalPoint)
            .join(Journey, Journey.id == CriticalPoint.journey_id)
            .where(Journey.workspace_id == session.series.workspace_id)
            .order_by(Journey.name, CriticalPoint.title, CriticalPoint.id)
        )
    )


def capture_choices(session: SparringSession) -> list[Capture]:
    """The session's captures a commitment can answer."""
    return [c for c in session.captures if c.removed_at is None]


def owner_choices(session: SparringSession) -> list[Membership]:
    """The workspace's members (the management team's people among them)."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == session.series.workspace_id)
            .order_by(User.name, User.id)
        )
    )


def add_commitment(session: SparringSession, user: User, data: CommitmentData) -> Commitment:
    """A new commitment with its follow-up and, for a witness, the witness's link."""
    if room_left(session) == 0:
        raise SparringError("too_many_commitments", MAX_COMMITMENTS)
    if data.due_on < session.held_on:
        raise SparringError("due_before_session", session.held_on)
    owner = None
    if data.owner_user_id is not None:
        member = next((m for m in owner_choices(session) if m.user_id == data.owner_user_id), None)
        if member is None:
            raise SparringError("unknown_owner")
        owner = member.user
    elif not data.owner_name.strip():
        raise SparringError("owner_required")
    witness = None
    if data.witness_id is not None:
        witness = next((s for s in witness_choices(session) if s.id == data.witness_id), None)
        if witness is None:
            raise SparringError("unknown_witness")
    points = {p.id: p for p in point_choices(session)}
    captures = {c.id: c for c in capture_choices(session)}
    if any(i not in points for i in data.point_ids) or any(
        i not in captures for i in data.capture_ids
    ):
        raise SparringError("unknown_choice")
    follow_up = followup.create_follow_up(
        session.series.workspace,
        user,
        data.title,
        agreed_on=session.held_on,
        due_on=data.due_on,
        owner_user=owner,
        owner_name=data.owner_name,
    )
    commitment = Commitment(
        session=session,
        position=max((c.position for c in session.commitments), default=-1) + 1,
        follow_up=follow_up,
        first_when=data.first_when.strip(),
        first_then=data.first_then.strip(),
        indicator=data.indicator.strip(),
        target=data.target.strip(),
        witness=witness,
        points=[points[i] for i in data.point_ids],
        answers=[captures[i] for i in data.capture_ids],
    )
    db.session.add(commitment)
    if witness is not None:
        links.create_link(
            follow_up, LinkRole.WITNESS, witness.name, witness.organisation, witness.email, user
        )
    db.session.flush()
    return commitment


def get_commitment(session: SparringSession, commitment_id: int) -> Commitment | None:
    """A commitment of this session by id."""
    return next((c for c in session.commitments if c.id == commitment_id), None)


def commitment_of(follow_up: FollowUp) -> Commitment | None:
    """The commitment a follow-up was made for (handed down to follow-up's pages)."""
    return db.session.scalar(select(Commitment).where(Commitment.follow_up_id == follow_up.id))


def witnessed_by(sparrer: Sparrer) -> list[tuple[Commitment, str]]:
    """The commitments a sparrer witnesses, each with the token of their witness link (the
    newest one not withdrawn); a commitment whose link was withdrawn is left out."""
    found = []
    for session in sparrer.series.sessions:
        for commitment in session.commitments:
            link = links.live_link(commitment.follow_up, LinkRole.WITNESS)
            if commitment.witness_id == sparrer.id and link is not None:
                found.append((commitment, links.link_token(link)))
    return found
