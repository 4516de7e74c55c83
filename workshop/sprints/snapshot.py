"""The sprint as a versioned document, and what changed between two of them.

The same document serves a closed sprint (frozen in the database) and an open one (built from
the live state on demand), so the summary page and the PDF have one source of truth.
"""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.critical_points import ranking
from workshop.critical_points.models import CriticalPoint, PointStatus, Report
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.live import services as live_services
from workshop.live.models import Guest, LiveSession
from workshop.models_base import utcnow

FORMAT = "polku.sprint-snapshot"
VERSION = 1
STEP_FIELDS = ("title", "description", "channel", "emotion_student", "emotion_employer")
CLOSED_STATUSES = {PointStatus.RESOLVED.value, PointStatus.WONT_FIX.value}


def _room_guests(sprint, listed: set[str]) -> list[dict]:
    """Who joined the sprint's live sessions by code and is not listed as a participant
    already (by name); people entered by a facilitator count too."""
    guests = db.session.scalars(
        select(Guest)
        .join(LiveSession, LiveSession.id == Guest.session_id)
        .where(LiveSession.sprint_id == sprint.id, *live_services.counting_guest())
        .options(selectinload(Guest.organisation))
        .order_by(Guest.id)
    )
    found = []
    for guest in guests:
        if guest.display_name.casefold() in listed:
            continue
        listed.add(guest.display_name.casefold())
        found.append(
            {
                "name": guest.display_name,
                "role": guest.role.value,
                "organisation": guest.organisation_label or None,
                "facilitator": False,
                "member": False,
            }
        )
    return found


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _journey(
    journey, votes: dict[int, int], found: list[CriticalPoint], typed: dict[int, str]
) -> dict:
    board = journeys.load_board(journey)
    steps = board.steps
    keys = {s.id: s.key for s in steps}
    return {
        "id": journey.id,
        "name": journey.name,
        "kind": journey.kind.value,
        "language": journey.language,
        "version": journey.version,
        "stages": [{"id": s.id, "title": s.title} for s in board.stages],
        "lanes": [
            {"id": lane.id, "title": lane.title, "kind": lane.kind.value} for lane in board.lanes
        ],
        "steps": [
            {
                "key": s.key,
                "stage": s.stage_id,
                "lane": s.lane_id,
                "title": s.title,
                "description": s.description,
                "channel": s.channel.value if s.channel else None,
                "emotion_student": s.emotion_student,
                "emotion_employer": s.emotion_employer,
            }
            for s in steps
        ],
        "points": [
            {
                "id": p.id,
                "step": keys[p.step_id],
                "title": p.title,
                "description": p.description,
                "severity": p.severity,
                "status": p.status.value,
                "category": (
                    None if p.category is None else {"key": p.category.key, "name": p.category.name}
                ),
                "votes": votes.get(p.id, 0),
                "reports": [
                    {
                        "role": r.reporter_role.value,
                        # A guest's organisation not yet in the workspace: as they typed it.
                        "organisation": (
                            r.organisation.name if r.organisation else typed.get(r.id)
                        ),
                        "quote": r.quote,
                        "source": r.source,
                        "reported_on": _iso(r.reported_on),
                    }
                    for r in p.reports
                ],
            }
            for p in found
            if p.journey_id == journey.id and p.step_id in keys
        ],
    }


def build(sprint) -> dict:
    """The sprint, its journeys (steps and critical points with votes and reports), experiments
    and decisions, as they are now."""
    journey_ids = [j.id for j in sprint.journeys]
    found = list(
        db.session.scalars(
            select(CriticalPoint)
            .where(CriticalPoint.journey_id.in_(journey_ids))
            .options(
                selectinload(CriticalPoint.category),
                selectinload(CriticalPoint.reports).selectinload(Report.organisation),
            )
            .order_by(CriticalPoint.id)
        )
    )
    # A point's "votes" are its support in the ranking: board votes and live sessions' dots.
    votes = {i: t.support for i, t in ranking.tallies(p.id for p in found).items()}
    typed = live_services.typed_organisations(
        [r.id for p in found for r in p.reports if r.organisation_id is None]
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "taken_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sprint": {
            "id": sprint.id,
            "title": sprint.title,
            "challenge": sprint.challenge,
            "starts_on": _iso(sprint.starts_on),
            "ends_on": _iso(sprint.ends_on),
            "status": sprint.status.value,
            "closed_at": sprint.closed_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if sprint.closed_at
            else None,
            "workspace": sprint.workspace.name,
            "phases": [p.name for p in sprint.phases],
        },
        "participants": [
            {
                "name": p.name,
                "role": p.role.value,
                "organisation": p.organisation.name if p.organisation else None,
                "facilitator": p.is_facilitator,
                "member": p.user_id is not None,
            }
            for p in sprint.participants
        ]
        + _room_guests(sprint, {p.name.casefold() for p in sprint.participants}),
        "journeys": [_journey(j, votes, found, typed) for j in sprint.journeys],
        "experiments": [
            {
                "id": e.id,
                "title": e.title,
                "hypothesis": e.hypothesis,
                "change": e.change,
                "owner": e.owner,
                "starts_on": _iso(e.starts_on),
                "ends_on": _iso(e.ends_on),
                "success_measure": e.success_measure,
                "result": e.result,
                "status": e.status.value,
                "points": [p.id for p in e.points],
            }
            for e in sprint.experiments
        ],
        "decisions": [
            {
                "id": d.id,
                "text": d.text,
                "owner": d.owner_label,
                "owner_organisation": d.owner_organisation.name if d.owner_organisation else None,
                "due_on": _iso(d.due_on),
                "status": d.status.value,
            }
            for d in sprint.decisions
        ],
    }


# --- ranking and comparing ---------------------------------------------------------------------


def rank_key(point: dict) -> tuple:
    """The ranking's key (critical_points.ranking) of a document's point."""
    return ranking.rank_key(
        ranking.Standing(point["id"], point["severity"], point["votes"], len(point["reports"]))
    )


def ranked(points: list[dict]) -> list[dict]:
    """Points in the order the room put them."""
    return sorted(points, key=rank_key)


@dataclass
class PointChange:
    """A critical point that is new, resolved, or moved in priority since the last sprint."""

    point: dict
    before: dict | None = None
    rank_before: int | None = None
    rank_after: int | None = None


@dataclass
class JourneyChanges:
    """What changed on one journey between two sprints."""

    journey: dict
    steps_added: list[dict] = field(default_factory=list)
    steps_removed: list[dict] = field(default_factory=list)
    steps_changed: list[tuple[dict, dict, list[str]]] = field(default_factory=list)
    points_new: list[PointChange] = field(default_factory=list)
    points_resolved: list[PointChange] = field(default_factory=list)
    points_reprioritised: list[PointChange] = field(default_factory=list)
    points_removed: list[dict] = field(default_factory=list)  # deleted, or merged into another

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


def _places(journey: dict) -> dict[str, tuple[str, str]]:
    stages = {s["id"]: s["title"] for s in journey["stages"]}
    lanes = {lane["id"]: lane["title"] for lane in journey["lanes"]}
    return {s["key"]: (stages[s["stage"]], lanes[s["lane"]]) for s in journey["steps"]}


def _compare_journey(old: dict, new: dict) -> JourneyChanges:
    result = JourneyChanges(new)
    old_steps = {s["key"]: s for s in old["steps"]}
    new_steps = {s["key"]: s for s in new["steps"]}
    old_places, new_places = _places(old), _places(new)
    result.steps_added = [s for k, s in new_steps.items() if k not in old_steps]
    result.steps_removed = [s for k, s in old_steps.items() if k not in new_steps]
    for key, step in new_steps.items():
        if key in old_steps:
            changed = [f for f in STEP_FIELDS if old_steps[key][f] != step[f]]
            if old_places[key] != new_places[key]:
                changed.append("place")
            if changed:
                result.steps_changed.append((old_steps[key], step, changed))

    old_points = {p["id"]: p for p in old["points"]}
    new_ids = {p["id"] for p in new["points"]}
    # Ranks among the points both sprints had, so a new point above does not count as everyone
    # below it moving down.
    old_rank = _ranks(p for p in old["points"] if p["id"] in new_ids)
    new_rank = _ranks(p for p in new["points"] if p["id"] in old_points)
    for point in ranked(new["points"]):
        before = old_points.get(point["id"])
        if before is None:
            result.points_new.append(PointChange(point))
        elif point["status"] in CLOSED_STATUSES and before["status"] not in CLOSED_STATUSES:
            result.points_resolved.append(PointChange(point, before))
        elif (
            before["severity"] != point["severity"]
            or old_rank[point["id"]] != new_rank[point["id"]]
        ):
            result.points_reprioritised.append(
                PointChange(point, before, old_rank[point["id"]], new_rank[point["id"]])
            )
    result.points_removed = [p for p in old["points"] if p["id"] not in new_ids]
    return result


def _ranks(points) -> dict[int, int]:
    return {p["id"]: n for n, p in enumerate(ranked(list(points)), 1)}


def changes(before: dict, after: dict) -> list[JourneyChanges]:
    """For each journey in both documents: steps added, removed and changed; critical points
    new, resolved and re-prioritised."""
    old = {j["id"]: j for j in before["journeys"]}
    return [_compare_journey(old[j["id"]], j) for j in after["journeys"] if j["id"] in old]
