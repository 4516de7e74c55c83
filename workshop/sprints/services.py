"""Design sprints: planning, participants, experiments, decisions, closing and share links."""

import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.accounts import services as accounts
from workshop.accounts.models import User, Workspace
from workshop.critical_points import services as points
from workshop.critical_points.models import CriticalPoint, PointStatus, ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey
from workshop.models_base import utcnow
from workshop.sprints import document as sprint_document
from workshop.sprints import snapshot
from workshop.sprints.models import (
    MAX_PHASES,
    Decision,
    DecisionStatus,
    Experiment,
    ExperimentStatus,
    Participant,
    ShareLink,
    Snapshot,
    Sprint,
    SprintPhase,
    SprintStatus,
)
from workshop.tokens import hash_token

MAX_PARTICIPANTS = 300
MAX_EXPERIMENTS = 100
MAX_DECISIONS = 200
MAX_SHARE_LINKS = 50


class SprintError(Exception):
    """A sprint change that cannot be made."""


class SprintClosed(SprintError):
    """The sprint is closed: it and everything in it is read-only."""


class WrongStatus(SprintError):
    """The sprint is not in the status this step needs (start a planned one, close a running one)."""


class Conflict(SprintError):
    """Someone saved a newer version while this one was being edited."""


class TooMany(SprintError):
    """A sprint holds at most a set number of these."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


class ComparedLater(SprintError):
    """A sprint closed later on the same journeys is compared with this one's snapshot."""


class ShareLinkGone(SprintError):
    """The share link was revoked or has expired."""


# --- reading -----------------------------------------------------------------------------------


def sprints_of(workspace: Workspace) -> list[Sprint]:
    """The workspace's sprints, newest first, with their journeys."""
    return list(
        db.session.scalars(
            select(Sprint)
            .where(Sprint.workspace_id == workspace.id)
            .options(selectinload(Sprint.journeys))
            .order_by(Sprint.created_at.desc(), Sprint.id.desc())
        )
    )


def running_sprints(workspace: Workspace) -> list[Sprint]:
    """The workspace's running sprints, newest first, with their journeys."""
    return [s for s in sprints_of(workspace) if s.is_running]


def get_sprint(workspace: Workspace, sprint_id: int) -> Sprint | None:
    """A sprint of this workspace; None for another workspace's."""
    return db.session.scalar(
        select(Sprint)
        .where(Sprint.id == sprint_id, Sprint.workspace_id == workspace.id)
        .options(
            selectinload(Sprint.journeys),
            selectinload(Sprint.phases),
            selectinload(Sprint.participants).selectinload(Participant.organisation),
            selectinload(Sprint.experiments).selectinload(Experiment.points),
            selectinload(Sprint.decisions).selectinload(Decision.owner_user),
            selectinload(Sprint.decisions).selectinload(Decision.owner_organisation),
        )
    )


def get_sprint_by_id(sprint_id: int) -> Sprint | None:
    """Any sprint, whatever its workspace: for the command line, which has no visitor to check."""
    return db.session.get(Sprint, sprint_id)


def get_experiment(sprint: Sprint, experiment_id: int) -> Experiment | None:
    """An experiment of this sprint."""
    return next((e for e in sprint.experiments if e.id == experiment_id), None)


def get_decision(sprint: Sprint, decision_id: int) -> Decision | None:
    """A decision of this sprint."""
    return next((d for d in sprint.decisions if d.id == decision_id), None)


def points_in_scope(sprint: Sprint) -> list[CriticalPoint]:
    """The critical points of the sprint's journeys that an experiment can address."""
    if not sprint.journeys:
        return []
    return list(
        db.session.scalars(
            select(CriticalPoint)
            .where(CriticalPoint.journey_id.in_([j.id for j in sprint.journeys]))
            .options(selectinload(CriticalPoint.journey))
            .order_by(CriticalPoint.journey_id, CriticalPoint.id)
        )
    )


def summary_step_count(sprint: Sprint) -> int:
    """How many steps the sprint's summary shows: frozen in the snapshot, or live."""
    if sprint.snapshot is not None:
        return sprint_document.load(sprint.snapshot.document).step_count
    return step_total(sprint)


def step_total(sprint: Sprint) -> int:
    """How many live steps the sprint's journeys have together."""
    return sum(journeys.step_count(j) for j in sprint.journeys)


# --- the sprint itself -------------------------------------------------------------------------


@dataclass(frozen=True)
class SprintData:
    """What a facilitator sets when planning a sprint."""

    title: str
    challenge: str
    starts_on: date | None
    ends_on: date | None
    phases: list[str]
    journey_ids: list[int]


def _ensure_open(sprint: Sprint) -> None:
    if sprint.is_closed:
        raise SprintClosed()


def _journeys(workspace: Workspace, journey_ids: list[int]):
    found = [journeys.get_journey(workspace, journey_id) for journey_id in journey_ids]
    if any(j is None for j in found):
        raise SprintError("journey")
    return found


def _set_phases(sprint: Sprint, names: list[str]) -> None:
    names = [n.strip() for n in names if n.strip()][:MAX_PHASES]
    if [p.name for p in sprint.phases] == names:
        return
    sprint.phases.clear()
    db.session.flush()  # the old positions go before the new ones take them
    sprint.phases.extend(SprintPhase(position=n, name=name) for n, name in enumerate(names, 1))


def create_sprint(workspace: Workspace, user: User, data: SprintData) -> Sprint:
    """A planned sprint, with the person who made it as its first facilitator."""
    sprint = Sprint(
        workspace_id=workspace.id,
        title=data.title,
        challenge=data.challenge,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        created_by_id=user.id,
        journeys=_journeys(workspace, data.journey_ids),
    )
    db.session.add(sprint)
    _set_phases(sprint, data.phases)
    membership = accounts.membership_for(user, workspace)
    sprint.participants.append(
        Participant(
            user_id=user.id,
            name=user.name,
            role=ReporterRole.INSTITUTION_STAFF,
            organisation_id=membership.organisation_id if membership else None,
            is_facilitator=True,
        )
    )
    db.session.flush()
    return sprint


def update_sprint(sprint: Sprint, version: int | None, data: SprintData) -> None:
    """Change what the sprint is about, refusing a save made over a newer one."""
    _ensure_open(sprint)
    if version != sprint.version:
        raise Conflict()
    sprint.title, sprint.challenge = data.title, data.challenge
    sprint.starts_on, sprint.ends_on = data.starts_on, data.ends_on
    sprint.journeys = _journeys(sprint.workspace, data.journey_ids)
    _set_phases(sprint, data.phases)
    sprint.version += 1
    db.session.flush()


def include_journey(sprint: Sprint, journey: Journey) -> bool:
    """Take a journey of the sprint's workspace into its scope; False if it was there already."""
    _ensure_open(sprint)
    if journey.workspace_id != sprint.workspace_id:
        raise SprintError("journey")
    if journey in sprint.journeys:
        return False
    sprint.journeys.append(journey)
    sprint.version += 1
    db.session.flush()
    return True


def start_sprint(sprint: Sprint) -> None:
    """Planned → running."""
    _ensure_open(sprint)
    if sprint.status != SprintStatus.PLANNED:
        raise WrongStatus()
    sprint.status = SprintStatus.RUNNING
    db.session.flush()


def close_sprint(sprint: Sprint, user: User) -> Snapshot:
    """Running → closed: freeze the journeys, points, experiments and decisions as they are now."""
    _ensure_open(sprint)
    if sprint.status != SprintStatus.RUNNING:
        raise WrongStatus()
    # Take the sprint's row first, so two people closing at once make one snapshot.
    db.session.execute(
        select(Sprint.id).where(Sprint.id == sprint.id).with_for_update()
    ).scalar_one()
    db.session.refresh(sprint, ["status"])
    _ensure_open(sprint)
    sprint.status = SprintStatus.CLOSED
    sprint.closed_at, sprint.closed_by_id = utcnow(), user.id
    db.session.flush()
    shot = Snapshot(
        sprint=sprint, taken_at=sprint.closed_at, document=snapshot.build(sprint).to_dict()
    )
    db.session.add(shot)
    db.session.flush()
    return shot


def closed_after(sprint: Sprint) -> Sprint | None:
    """A sprint closed after this one on one of its journeys: its "changes since" rest on this
    sprint's snapshot, so this one cannot be reopened."""
    journey_ids = {j.id for j in sprint.journeys}
    if sprint.closed_at is None or not journey_ids:
        return None
    later = db.session.scalars(
        select(Sprint)
        .where(
            Sprint.workspace_id == sprint.workspace_id,
            Sprint.id != sprint.id,
            Sprint.status == SprintStatus.CLOSED,
            Sprint.closed_at > sprint.closed_at,
        )
        .options(selectinload(Sprint.journeys))
    )
    return next((s for s in later if journey_ids & {j.id for j in s.journeys}), None)


def reopen_sprint(sprint: Sprint) -> None:
    """Closed → running again, the undo of closing: the snapshot goes, and closing again freezes
    a new one. Refused once a later sprint on the same journeys has closed (ComparedLater)."""
    if not sprint.is_closed:
        raise WrongStatus()
    db.session.execute(
        select(Sprint.id).where(Sprint.id == sprint.id).with_for_update()
    ).scalar_one()
    if closed_after(sprint) is not None:
        raise ComparedLater()
    sprint.snapshot = None
    sprint.status = SprintStatus.RUNNING
    sprint.closed_at = sprint.closed_by_id = None
    db.session.flush()


def delete_sprint(sprint: Sprint) -> None:
    """Remove a sprint that has not closed; closed sprints are the record and stay."""
    _ensure_open(sprint)
    db.session.delete(sprint)
    db.session.flush()


# --- what the summary shows --------------------------------------------------------------------


def document_of(sprint: Sprint) -> sprint_document.SprintDocument:
    """The frozen snapshot of a closed sprint (of any schema version, upgraded), or the live
    state of an open one, as a document."""
    if sprint.snapshot is not None:
        return sprint_document.load(sprint.snapshot.document)
    return snapshot.build(sprint)


def previous_sprint(sprint: Sprint) -> Sprint | None:
    """The last sprint closed before this one that looked at one of the same journeys."""
    journey_ids = {j.id for j in sprint.journeys}
    if not journey_ids:
        return None
    query = (
        select(Sprint)
        .where(
            Sprint.workspace_id == sprint.workspace_id,
            Sprint.id != sprint.id,
            Sprint.status == SprintStatus.CLOSED,
        )
        .options(selectinload(Sprint.journeys), selectinload(Sprint.snapshot))
        .order_by(Sprint.closed_at.desc(), Sprint.id.desc())
    )
    if sprint.closed_at is not None:
        query = query.where(Sprint.closed_at < sprint.closed_at)
    for candidate in db.session.scalars(query):
        if journey_ids & {j.id for j in candidate.journeys} and candidate.snapshot:
            return candidate
    return None


# --- participants ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParticipantData:
    """A member (user_id) or a guest (name), their role and organisation."""

    user_id: int | None
    name: str
    role: ReporterRole
    organisation_id: int | None
    is_facilitator: bool


def add_participant(sprint: Sprint, data: ParticipantData) -> Participant:
    """Add someone taking part; a member already in the sprint is updated instead."""
    _ensure_open(sprint)
    workspace = sprint.workspace
    name = data.name
    if data.organisation_id is not None and not accounts.get_organisation(
        workspace, data.organisation_id
    ):
        raise SprintError("organisation")
    if data.user_id is not None:
        member = next(
            (m for m in accounts.members_of(workspace) if m.user_id == data.user_id), None
        )
        if member is None:
            raise SprintError("member")
        name = member.user.name
        existing = next((p for p in sprint.participants if p.user_id == data.user_id), None)
        if existing is not None:
            existing.role, existing.organisation_id = data.role, data.organisation_id
            existing.is_facilitator = data.is_facilitator
            db.session.flush()
            return existing
    if len(sprint.participants) >= MAX_PARTICIPANTS:
        raise TooMany(MAX_PARTICIPANTS)
    participant = Participant(
        user_id=data.user_id,
        name=name,
        role=data.role,
        organisation_id=data.organisation_id,
        is_facilitator=data.is_facilitator,
    )
    sprint.participants.append(participant)
    db.session.flush()
    return participant


def remove_participant(sprint: Sprint, participant_id: int) -> None:
    """Take someone off the sprint."""
    _ensure_open(sprint)
    participant = next((p for p in sprint.participants if p.id == participant_id), None)
    if participant is None:
        raise SprintError("participant")
    sprint.participants.remove(participant)
    db.session.flush()


# --- experiments -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExperimentData:
    """A rapid trial as the form gives it."""

    title: str
    hypothesis: str
    change: str
    owner: str
    starts_on: date | None
    ends_on: date | None
    success_measure: str
    result: str
    status: ExperimentStatus
    point_ids: list[int]


def _apply_experiment(sprint: Sprint, experiment: Experiment, data: ExperimentData, user) -> None:
    in_scope = {p.id: p for p in points_in_scope(sprint)}
    if any(point_id not in in_scope for point_id in data.point_ids):
        raise SprintError("point")
    for name in ExperimentData.__dataclass_fields__:
        if name != "point_ids":
            setattr(experiment, name, getattr(data, name))
    experiment.status = ExperimentStatus(data.status)
    experiment.points = [in_scope[point_id] for point_id in data.point_ids]
    if experiment.status == ExperimentStatus.RUNNING:
        # A trial under way means its points are being tested, unless already past that.
        for point in experiment.points:
            if point.status == PointStatus.OPEN:
                points.set_status(point, user, PointStatus.TESTING)
    db.session.flush()


def add_experiment(sprint: Sprint, user: User, data: ExperimentData) -> Experiment:
    """Plan a rapid trial against some of the sprint's critical points."""
    _ensure_open(sprint)
    if len(sprint.experiments) >= MAX_EXPERIMENTS:
        raise TooMany(MAX_EXPERIMENTS)
    experiment = Experiment()
    _apply_experiment(
        sprint, experiment, data, user
    )  # before it joins the session: it checks first
    sprint.experiments.append(experiment)
    db.session.flush()
    return experiment


def update_experiment(
    sprint: Sprint, experiment: Experiment, user: User, version: int | None, data: ExperimentData
) -> None:
    """Change a trial, refusing a save made over a newer one."""
    _ensure_open(sprint)
    if version != experiment.version:
        raise Conflict()
    _apply_experiment(sprint, experiment, data, user)
    experiment.version += 1
    db.session.flush()


def delete_experiment(sprint: Sprint, experiment: Experiment) -> None:
    """Remove a trial (its points keep their status)."""
    _ensure_open(sprint)
    sprint.experiments.remove(experiment)
    db.session.flush()


# --- decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DecisionData:
    """An agreed action as the form gives it."""

    text: str
    owner_user_id: int | None
    owner_name: str
    owner_organisation_id: int | None
    due_on: date | None
    status: DecisionStatus


def _apply_decision(sprint: Sprint, decision: Decision, data: DecisionData) -> None:
    workspace = sprint.workspace
    if data.owner_user_id is not None and data.owner_user_id not in {
        m.user_id for m in accounts.members_of(workspace)
    }:
        raise SprintError("member")
    if data.owner_organisation_id is not None and not accounts.get_organisation(
        workspace, data.owner_organisation_id
    ):
        raise SprintError("organisation")
    for name in DecisionData.__dataclass_fields__:
        setattr(decision, name, getattr(data, name))
    decision.status = DecisionStatus(data.status)
    if data.owner_user_id is not None:
        decision.owner_name = ""
    db.session.flush()


def add_decision(sprint: Sprint, data: DecisionData) -> Decision:
    """Record what the team agreed."""
    _ensure_open(sprint)
    if len(sprint.decisions) >= MAX_DECISIONS:
        raise TooMany(MAX_DECISIONS)
    decision = Decision()
    _apply_decision(sprint, decision, data)  # before it joins the session: it checks first
    sprint.decisions.append(decision)
    db.session.flush()
    return decision


def update_decision(
    sprint: Sprint, decision: Decision, version: int | None, data: DecisionData
) -> None:
    """Change a decision, refusing a save made over a newer one."""
    _ensure_open(sprint)
    if version != decision.version:
        raise Conflict()
    _apply_decision(sprint, decision, data)
    decision.version += 1
    db.session.flush()


def delete_decision(sprint: Sprint, decision: Decision) -> None:
    """Remove a decision."""
    _ensure_open(sprint)
    sprint.decisions.remove(decision)
    db.session.flush()


# --- share links -------------------------------------------------------------------------------


def create_share_link(
    sprint: Sprint, user: User, label: str, expires_on: date | None
) -> tuple[ShareLink, str]:
    """A new read-only link; the token is returned once and only its hash is kept."""
    if len(sprint.share_links) >= MAX_SHARE_LINKS:
        raise TooMany(MAX_SHARE_LINKS)
    token = secrets.token_urlsafe(24)
    expires_at = None
    if expires_on is not None:
        # The end date is inclusive: the link works until the last moment of that day in the
        # workspace's time zone, which is also the zone dates are shown in.
        expires_at = datetime.combine(expires_on, time.max, time_zone(sprint.workspace))
    link = ShareLink(
        token_hash=hash_token(token), label=label, created_by_id=user.id, expires_at=expires_at
    )
    sprint.share_links.append(link)
    db.session.flush()
    return link, token


def get_share_link(sprint: Sprint, link_id: int) -> ShareLink | None:
    """A share link of this sprint."""
    return next((s for s in sprint.share_links if s.id == link_id), None)


def revoke_share_link(sprint: Sprint, link_id: int) -> None:
    """Stop a link from working; it stays listed as revoked, and can be restored."""
    link = get_share_link(sprint, link_id)
    if link is None:
        raise SprintError("link")
    if link.revoked_at is None:
        link.revoked_at = utcnow()
    db.session.flush()


def restore_share_link(sprint: Sprint, link_id: int) -> None:
    """Make a revoked link work again, at the same address; refused once it has expired."""
    link = get_share_link(sprint, link_id)
    if link is None:
        raise SprintError("link")
    if is_expired(link):
        raise ShareLinkGone()
    link.revoked_at = None
    db.session.flush()


def find_share_link(token: str) -> ShareLink | None:
    """The link with this token; raises ShareLinkGone if it was revoked or has expired."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalar(select(ShareLink).where(ShareLink.token_hash == hash_token(token)))
    if link is None:
        return None
    if link.revoked_at is not None or is_expired(link):
        raise ShareLinkGone()
    return link


def is_expired(link: ShareLink) -> bool:
    """True once the link's last day has ended."""
    return link.expires_at is not None and link.expires_at < utcnow()


def time_zone(workspace: Workspace) -> ZoneInfo:
    """The zone a workspace's dates are meant in: BABEL_DEFAULT_TIMEZONE (Europe/Helsinki
    unless set), the zone every page shows dates and times in."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
