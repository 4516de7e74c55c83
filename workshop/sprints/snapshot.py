"""The sprint's document built from the database, and what changed between two of them.

The same document (workshop/sprints/document.py) serves a closed sprint (frozen in the database)
and an open one (built from the live state on demand), so the summary page and the PDF have one
source of truth.

Live sessions sit above sprints: the live domain hands down who joined the sprint's sessions
through `init_app`, called in create_app.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from flask import current_app

from workshop.competence import beside
from workshop.critical_points import document as points_document
from workshop.critical_points import ranking
from workshop.critical_points.models import PointStatus
from workshop.journeys.document import JourneyDocument, Point, Step
from workshop.models_base import utcnow
from workshop.sprints.document import (
    Decision,
    Experiment,
    Participant,
    SprintDocument,
    SprintInfo,
)

STEP_FIELDS = ("title", "description", "channel", "emotion_student", "emotion_employer")
CLOSED_STATUSES = {PointStatus.RESOLVED.value, PointStatus.WONT_FIX.value}

RoomGuests = Callable[[int], Sequence[Participant]]
_ROOM_GUESTS = "polku.room_guests"


def init_app(app, room_guests: RoomGuests) -> None:
    """Take the live domain's list of who joined a sprint's live sessions (by sprint id)."""
    app.extensions[_ROOM_GUESTS] = room_guests


def _room_guests(sprint, listed: set[str]) -> list[Participant]:
    """Who joined the sprint's live sessions and is not listed as a participant already (by
    name); people entered by a facilitator count too."""
    lookup = current_app.extensions.get(_ROOM_GUESTS)
    found = []
    for guest in lookup(sprint.id) if lookup is not None else ():
        if guest.name.casefold() not in listed:
            listed.add(guest.name.casefold())
            found.append(guest)
    return found


def _categories(journeys) -> dict[str, set[str]]:
    """The default categories' keys of the critical points on each step, by step key."""
    found: dict[str, set[str]] = {}
    for journey in journeys:
        for point in journey.points:
            if point.category is not None and point.category.key:
                found.setdefault(point.step, set()).add(point.category.key)
    return found


def build(sprint) -> SprintDocument:
    """The sprint, its journeys (steps and critical points with votes, dots and reports, in the
    ranking's order), experiments and decisions, as they are now."""
    now = utcnow().replace(microsecond=0)
    journeys = tuple(
        points_document.journey_document(j, typed_organisations=True) for j in sprint.journeys
    )
    return SprintDocument(
        taken_at=now,
        sprint=SprintInfo(
            id=sprint.id,
            title=sprint.title,
            challenge=sprint.challenge,
            starts_on=sprint.starts_on,
            ends_on=sprint.ends_on,
            status=sprint.status.value,
            closed_at=sprint.closed_at.replace(microsecond=0) if sprint.closed_at else None,
            workspace=sprint.workspace.name,
            phases=tuple(p.name for p in sprint.phases),
        ),
        participants=tuple(
            [
                Participant(
                    name=p.name,
                    role=p.role.value,
                    organisation=p.organisation.name if p.organisation else None,
                    facilitator=p.is_facilitator,
                    member=p.user_id is not None,
                )
                for p in sprint.participants
            ]
            + _room_guests(sprint, {p.name.casefold() for p in sprint.participants})
        ),
        journeys=journeys,
        experiments=tuple(
            Experiment(
                id=e.id,
                title=e.title,
                hypothesis=e.hypothesis,
                change=e.change,
                owner=e.owner,
                starts_on=e.starts_on,
                ends_on=e.ends_on,
                success_measure=e.success_measure,
                result=e.result,
                status=e.status.value,
                points=tuple(p.id for p in e.points),
            )
            for e in sprint.experiments
        ),
        decisions=tuple(
            Decision(
                id=d.id,
                text=d.text,
                owner=d.owner_label,
                owner_organisation=d.owner_organisation.name if d.owner_organisation else None,
                due_on=d.due_on,
                status=d.status.value,
            )
            for d in sprint.decisions
        ),
        # Frozen with the rest when the sprint closes, rather than read live: the summary is the
        # record of what the sprint saw, and a later round (or a changed coaching threshold)
        # must not rewrite what its PDF said then. An open sprint shows today's round.
        staff=beside.staff_view(
            sprint.workspace, {p.step for j in journeys for p in j.points}, _categories(journeys)
        ),
    )


# --- comparing ---------------------------------------------------------------------------------


@dataclass
class PointChange:
    """A critical point that is new, resolved, or moved in priority since the last sprint."""

    point: Point
    before: Point | None = None
    rank_before: int | None = None
    rank_after: int | None = None


@dataclass
class JourneyChanges:
    """What changed on one journey between two sprints."""

    journey: JourneyDocument
    steps_added: list[Step] = field(default_factory=list)
    steps_removed: list[Step] = field(default_factory=list)
    steps_changed: list[tuple[Step, Step, list[str]]] = field(default_factory=list)
    points_new: list[PointChange] = field(default_factory=list)
    points_resolved: list[PointChange] = field(default_factory=list)
    points_reprioritised: list[PointChange] = field(default_factory=list)
    points_removed: list[Point] = field(default_factory=list)  # deleted, or merged into another

    @property
    def empty(self) -> bool:
        return not (
            self.steps_added
            or self.steps_removed
            or self.steps_changed
            or self.points_new
            or self.points_resolved
            or self.points_reprioritised
            or self.points_removed
        )


def _places(journey: JourneyDocument) -> dict[str, tuple[str, str]]:
    stages = {s.id: s.title for s in journey.stages}
    lanes = {lane.id: lane.title for lane in journey.lanes}
    return {s.key: (stages[s.stage], lanes[s.lane]) for s in journey.steps}


def _compare_journey(old: JourneyDocument, new: JourneyDocument) -> JourneyChanges:
    result = JourneyChanges(new)
    old_steps = {s.key: s for s in old.steps}
    new_steps = {s.key: s for s in new.steps}
    old_places, new_places = _places(old), _places(new)
    result.steps_added = [s for k, s in new_steps.items() if k not in old_steps]
    result.steps_removed = [s for k, s in old_steps.items() if k not in new_steps]
    for key, step in new_steps.items():
        if key in old_steps:
            changed = [f for f in STEP_FIELDS if getattr(old_steps[key], f) != getattr(step, f)]
            if old_places[key] != new_places[key]:
                changed.append("place")
            if changed:
                result.steps_changed.append((old_steps[key], step, changed))

    old_points = {p.id: p for p in old.points}
    new_ids = {p.id for p in new.points}
    # Ranks among the points both sprints had, so a new point above does not count as everyone
    # below it moving down.
    old_rank = _ranks(p for p in old.points if p.id in new_ids)
    new_rank = _ranks(p for p in new.points if p.id in old_points)
    for point in ranking.ranked(new.points):
        before = old_points.get(point.id)
        if before is None:
            result.points_new.append(PointChange(point))
        elif point.status in CLOSED_STATUSES and before.status not in CLOSED_STATUSES:
            result.points_resolved.append(PointChange(point, before))
        elif before.severity != point.severity or old_rank[point.id] != new_rank[point.id]:
            result.points_reprioritised.append(
                PointChange(point, before, old_rank[point.id], new_rank[point.id])
            )
    result.points_removed = [p for p in old.points if p.id not in new_ids]
    return result


def _ranks(points) -> dict[int, int]:
    return {p.id: n for n, p in enumerate(ranking.ranked(points), 1)}


def changes(before: SprintDocument, after: SprintDocument) -> list[JourneyChanges]:
    """For each journey in both documents: steps added, removed and changed; critical points
    new, resolved and re-prioritised."""
    old = {j.id: j for j in before.journeys}
    return [_compare_journey(old[j.id], j) for j in after.journeys if j.id in old]
