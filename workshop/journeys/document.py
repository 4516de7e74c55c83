"""A journey as one typed, versioned document: what its JSON export, its copies and a sprint's
frozen snapshot all carry.

Pure data. Stages and lanes have ids local to the document ("s1", "l1"); steps are named by
their keys, which stay the same across copies, so two documents compare step by step. A critical
point is plain values (its role, status and category as text), because critical points sit
above journeys; its `id` and tallies are there when the document records a moment (a snapshot,
an export) and absent when it is only a shape to build from.

`to_dict` is the JSON form of the current SCHEMA_VERSION; `upgrade` brings any older form to it
first, so `from_dict(upgrade(data))` reads everything Polku ever wrote.
"""

from dataclasses import dataclass, field, replace
from datetime import date

from workshop.journeys.models import Channel, JourneyKind, LaneKind

FORMAT = "polku.journey"
# 1: the JSON export before the typed document (no tallies), and the journeys of version-1 sprint
#    snapshots (database ids for stages and lanes, points' votes and dots summed as "votes").
# 2: points carry their id (when recorded), votes and dots apart, in the ranking's order.
SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Stage:
    """A column; `id` is local to the document."""

    id: str
    title: str


@dataclass(frozen=True)
class Lane:
    """A row; `id` is local to the document."""

    id: str
    title: str
    kind: LaneKind = LaneKind.FRONTSTAGE

    @property
    def is_backstage(self) -> bool:
        return self.kind == LaneKind.BACKSTAGE


@dataclass(frozen=True)
class Suggestion:
    """A typical critical point that came with a template."""

    text: str
    basis: str
    source_title: str = ""
    source_url: str = ""
    handled: bool = False


@dataclass(frozen=True)
class Step:
    """A step in one stage and lane; `stage` and `lane` are the document's ids."""

    key: str
    stage: str
    lane: str
    title: str
    description: str = ""
    channel: Channel | None = None
    emotion_student: int | None = None
    emotion_employer: int | None = None
    suggestions: tuple[Suggestion, ...] = ()


@dataclass(frozen=True)
class Category:
    """A point's category: a default one by its key, a workspace's own by its name."""

    key: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class Report:
    """One report of a point; `role` is a reporter role's value, `organisation` a name."""

    role: str
    organisation: str | None = None
    quote: str = ""
    source: str = ""
    reported_on: date | None = None


@dataclass(frozen=True)
class Point:
    """A critical point on the step with key `step`; `status` is a point status's value."""

    step: str
    title: str
    severity: int
    description: str = ""
    status: str = "open"
    category: Category | None = None
    suggestion_source: str = ""
    reports: tuple[Report, ...] = ()
    id: int | None = None
    votes: int = 0
    dots: int = 0

    @property
    def support(self) -> int:
        """Votes on the board and dots in live sessions: what the ranking counts."""
        return self.votes + self.dots

    @property
    def report_count(self) -> int:
        return len(self.reports)


@dataclass(frozen=True)
class JourneyDocument:
    """A journey: its stages, lanes, live steps in reading order and critical points.

    `id` and `version` are the journey's in the database when the document records it (a
    sprint's snapshot); an export leaves them out, since they mean nothing elsewhere.
    """

    name: str
    kind: JourneyKind
    language: str
    stages: tuple[Stage, ...]
    lanes: tuple[Lane, ...]
    steps: tuple[Step, ...] = ()
    points: tuple[Point, ...] = ()
    description: str = ""
    template_id: str | None = None
    id: int | None = None
    version: int | None = None
    _cells: dict = field(default=None, init=False, repr=False, compare=False)

    def steps_in(self, stage: Stage, lane: Lane) -> list[Step]:
        """The steps of one cell, top to bottom (the board's and the emotion curve's question)."""
        if self._cells is None:
            cells: dict[tuple[str, str], list[Step]] = {}
            for step in self.steps:
                cells.setdefault((step.stage, step.lane), []).append(step)
            object.__setattr__(self, "_cells", cells)
        return self._cells.get((stage.id, lane.id), [])

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def stage(self, stage_id: str) -> Stage | None:
        return next((s for s in self.stages if s.id == stage_id), None)

    def lane(self, lane_id: str) -> Lane | None:
        return next((lane for lane in self.lanes if lane.id == lane_id), None)

    def with_stages(self, stages) -> "JourneyDocument":
        """The same journey showing only some of its stages (a page of the printed map)."""
        return replace(self, stages=tuple(stages))

    # --- the JSON form ---------------------------------------------------------------------

    def to_dict(self) -> dict:
        """The document as JSON values, in the current schema version."""
        journey = {
            "name": self.name,
            "kind": self.kind.value,
            "description": self.description,
            "language": self.language,
            "template_id": self.template_id,
        }
        if self.id is not None:
            journey["id"] = self.id
        if self.version is not None:
            journey["version"] = self.version
        return {
            "format": FORMAT,
            "version": SCHEMA_VERSION,
            "journey": journey,
            "stages": [{"id": s.id, "title": s.title} for s in self.stages],
            "lanes": [
                {"id": lane.id, "title": lane.title, "kind": lane.kind.value} for lane in self.lanes
            ],
            "steps": [_step_dict(s) for s in self.steps],
            "critical_points": [_point_dict(p) for p in self.points],
        }

    @classmethod
    def from_dict(cls, data: dict) -> "JourneyDocument":
        """The document from its JSON form in the current version (`upgrade` it first).

        Trusts its input: files from outside are checked field by field by the importer.
        """
        journey = data["journey"]
        return cls(
            name=journey["name"],
            kind=JourneyKind(journey["kind"]),
            language=journey["language"],
            description=journey.get("description", ""),
            template_id=journey.get("template_id"),
            id=journey.get("id"),
            version=journey.get("version"),
            stages=tuple(Stage(s["id"], s["title"]) for s in data["stages"]),
            lanes=tuple(Lane(x["id"], x["title"], LaneKind(x["kind"])) for x in data["lanes"]),
            steps=tuple(_step_of(s) for s in data["steps"]),
            points=tuple(_point_of(p) for p in data.get("critical_points", [])),
        )


def _step_dict(step: Step) -> dict:
    return {
        "id": step.key,
        "stage": step.stage,
        "lane": step.lane,
        "title": step.title,
        "description": step.description,
        "channel": step.channel.value if step.channel else None,
        "emotion_student": step.emotion_student,
        "emotion_employer": step.emotion_employer,
        "suggestions": [
            {
                "text": s.text,
                "basis": s.basis,
                "source_title": s.source_title,
                "source_url": s.source_url,
                "handled": s.handled,
            }
            for s in step.suggestions
        ],
    }


def _step_of(data: dict) -> Step:
    channel = data.get("channel")
    return Step(
        key=data["id"],
        stage=data["stage"],
        lane=data["lane"],
        title=data["title"],
        description=data.get("description", ""),
        channel=Channel(channel) if channel else None,
        emotion_student=data.get("emotion_student"),
        emotion_employer=data.get("emotion_employer"),
        suggestions=tuple(
            Suggestion(
                text=s["text"],
                basis=s["basis"],
                source_title=s.get("source_title", ""),
                source_url=s.get("source_url", ""),
                handled=s.get("handled", False),
            )
            for s in data.get("suggestions", [])
        ),
    )


def _point_dict(point: Point) -> dict:
    data = {} if point.id is None else {"id": point.id}
    data.update(
        {
            "step": point.step,
            "title": point.title,
            "description": point.description,
            "severity": point.severity,
            "category": (
                None
                if point.category is None
                else {"key": point.category.key, "name": point.category.name}
            ),
            "status": point.status,
            "suggestion_source": point.suggestion_source,
            "votes": point.votes,
            "dots": point.dots,
            "reports": [
                {
                    "role": r.role,
                    "organisation": r.organisation,
                    "quote": r.quote,
                    "source": r.source,
                    "reported_on": r.reported_on.isoformat() if r.reported_on else None,
                }
                for r in point.reports
            ],
        }
    )
    return data


def _point_of(data: dict) -> Point:
    category = data.get("category")
    return Point(
        id=data.get("id"),
        step=data["step"],
        title=data["title"],
        description=data.get("description", ""),
        severity=data["severity"],
        status=data.get("status", "open"),
        category=None if category is None else Category(category.get("key"), category.get("name")),
        suggestion_source=data.get("suggestion_source", ""),
        votes=data.get("votes", 0),
        dots=data.get("dots", 0),
        reports=tuple(
            Report(
                role=r["role"],
                organisation=r.get("organisation"),
                quote=r.get("quote", ""),
                source=r.get("source", ""),
                reported_on=date.fromisoformat(r["reported_on"]) if r.get("reported_on") else None,
            )
            for r in data.get("reports", [])
        ),
    )


# --- older versions ----------------------------------------------------------------------------


class UnknownVersion(ValueError):
    """The data is in a schema version this Polku does not know (a newer one, or none)."""


def upgrade(data: dict) -> dict:
    """A journey document of any version Polku has written, in the current version's form.

    Returns a new dict; the input is left as it was. Raises UnknownVersion for other versions.
    """
    version = data.get("version")
    if version == SCHEMA_VERSION:
        return data
    if version == 1:
        return _export_1_to_2(data)
    raise UnknownVersion(version)


def _export_1_to_2(data: dict) -> dict:
    """Version 1's export had neither ids nor tallies: its points had no votes to carry."""
    return {**data, "version": 2}


def from_snapshot_1(journey: dict) -> dict:
    """A journey as a version-1 sprint snapshot kept it, in the current version's form.

    That journey named stages and lanes by their database ids, had no suggestions, template or
    description, and counted a point's votes and dots together as its votes: they stay votes.
    """
    stage_ids = {s["id"]: f"s{n}" for n, s in enumerate(journey["stages"], 1)}
    lane_ids = {lane["id"]: f"l{n}" for n, lane in enumerate(journey["lanes"], 1)}
    return {
        "format": FORMAT,
        "version": SCHEMA_VERSION,
        "journey": {
            "id": journey["id"],
            "version": journey.get("version"),
            "name": journey["name"],
            "kind": journey["kind"],
            "language": journey.get("language") or "fi",
            "description": "",
            "template_id": None,
        },
        "stages": [{"id": stage_ids[s["id"]], "title": s["title"]} for s in journey["stages"]],
        "lanes": [
            {"id": lane_ids[lane["id"]], "title": lane["title"], "kind": lane["kind"]}
            for lane in journey["lanes"]
        ],
        "steps": [
            {
                **{k: v for k, v in step.items() if k != "key"},
                "id": step["key"],
                "stage": stage_ids[step["stage"]],
                "lane": lane_ids[step["lane"]],
            }
            for step in journey["steps"]
        ],
        "critical_points": [{**p, "dots": 0} for p in journey["points"]],
    }
