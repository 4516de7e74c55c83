"""A sprint as one typed, versioned document: what a closed sprint freezes, and what the summary
page, its PDF and the comparison with the next sprint read.

Pure data, like the journey document it holds one of per journey in scope. `to_dict` is the
JSON form of the current SCHEMA_VERSION kept in the database; `load` reads any version Polku has
written, upgrading older ones first, so an archived sprint's summary still renders.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from workshop.competence.beside import StaffView
from workshop.journeys import document as journey_document
from workshop.journeys.document import JourneyDocument

FORMAT = "polku.sprint-snapshot"
# 1: the snapshot before the typed document (journeys in their own shape, votes and dots summed).
# 2: journeys are journey documents (workshop/journeys/document.py).
# 3: the staff's self-assessment beside the critical points (workshop/competence/beside.py) is
#    recorded too, so a closed sprint shows what its staff had said when it closed.
SCHEMA_VERSION = 3
_MOMENT = "%Y-%m-%dT%H:%M:%SZ"


@dataclass(frozen=True)
class SprintInfo:
    """The sprint's own fields; `status` is a sprint status's value."""

    id: int
    title: str
    challenge: str
    starts_on: date | None
    ends_on: date | None
    status: str
    closed_at: datetime | None
    workspace: str
    phases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Participant:
    """Someone in the sprint: listed, or a guest who joined its live session; `role` is a
    reporter role's value."""

    name: str
    role: str
    organisation: str | None = None
    facilitator: bool = False
    member: bool = False


@dataclass(frozen=True)
class Experiment:
    """A rapid experiment and the ids of the critical points it addresses."""

    id: int
    title: str
    hypothesis: str
    change: str
    owner: str
    starts_on: date | None
    ends_on: date | None
    success_measure: str
    result: str
    status: str
    points: tuple[int, ...] = ()
    owner_organisation: str | None = None  # only when names are hidden: the owner's, if known


@dataclass(frozen=True)
class Decision:
    """An agreed action with its owner."""

    id: int
    text: str
    owner: str
    owner_organisation: str | None
    due_on: date | None
    status: str


@dataclass(frozen=True)
class SprintDocument:
    """The sprint, its people, its journeys, experiments and decisions at one moment."""

    taken_at: datetime
    sprint: SprintInfo
    participants: tuple[Participant, ...]
    journeys: tuple[JourneyDocument, ...]
    experiments: tuple[Experiment, ...]
    decisions: tuple[Decision, ...]
    # The competence survey's latest shown round on the steps with critical points (only
    # figures that passed its threshold), None when none showed anything; `staff_recorded` is
    # False for a document upgraded from before version 3, which never looked.
    staff: StaffView | None = None
    staff_recorded: bool = True

    @property
    def step_count(self) -> int:
        return sum(len(j.steps) for j in self.journeys)

    def to_dict(self) -> dict:
        """The document as JSON values, in the current schema version."""
        sprint = self.sprint
        return {
            "format": FORMAT,
            "version": SCHEMA_VERSION,
            "taken_at": _moment(self.taken_at),
            "sprint": {
                "id": sprint.id,
                "title": sprint.title,
                "challenge": sprint.challenge,
                "starts_on": _day(sprint.starts_on),
                "ends_on": _day(sprint.ends_on),
                "status": sprint.status,
                "closed_at": _moment(sprint.closed_at),
                "workspace": sprint.workspace,
                "phases": list(sprint.phases),
            },
            "participants": [
                {
                    "name": p.name,
                    "role": p.role,
                    "organisation": p.organisation,
                    "facilitator": p.facilitator,
                    "member": p.member,
                }
                for p in self.participants
            ],
            "journeys": [j.to_dict() for j in self.journeys],
            "experiments": [
                {
                    "id": e.id,
                    "title": e.title,
                    "hypothesis": e.hypothesis,
                    "change": e.change,
                    "owner": e.owner,
                    "starts_on": _day(e.starts_on),
                    "ends_on": _day(e.ends_on),
                    "success_measure": e.success_measure,
                    "result": e.result,
                    "status": e.status,
                    "points": list(e.points),
                }
                for e in self.experiments
            ],
            "decisions": [
                {
                    "id": d.id,
                    "text": d.text,
                    "owner": d.owner,
                    "owner_organisation": d.owner_organisation,
                    "due_on": _day(d.due_on),
                    "status": d.status,
                }
                for d in self.decisions
            ],
            "staff": self.staff.to_dict() if self.staff is not None else None,
            "staff_recorded": self.staff_recorded,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "SprintDocument":
        """The document from its JSON form in the current version (`upgrade` it first)."""
        sprint = data["sprint"]
        return cls(
            taken_at=_parse_moment(data["taken_at"]),
            sprint=SprintInfo(
                id=sprint["id"],
                title=sprint["title"],
                challenge=sprint.get("challenge", ""),
                starts_on=_parse_day(sprint.get("starts_on")),
                ends_on=_parse_day(sprint.get("ends_on")),
                status=sprint["status"],
                closed_at=_parse_moment(sprint.get("closed_at")),
                workspace=sprint["workspace"],
                phases=tuple(sprint.get("phases", ())),
            ),
            participants=tuple(
                Participant(
                    name=p["name"],
                    role=p["role"],
                    organisation=p.get("organisation"),
                    facilitator=p.get("facilitator", False),
                    member=p.get("member", False),
                )
                for p in data["participants"]
            ),
            journeys=tuple(JourneyDocument.from_dict(j) for j in data["journeys"]),
            experiments=tuple(
                Experiment(
                    id=e["id"],
                    title=e["title"],
                    hypothesis=e.get("hypothesis", ""),
                    change=e.get("change", ""),
                    owner=e.get("owner", ""),
                    starts_on=_parse_day(e.get("starts_on")),
                    ends_on=_parse_day(e.get("ends_on")),
                    success_measure=e.get("success_measure", ""),
                    result=e.get("result", ""),
                    status=e["status"],
                    points=tuple(e.get("points", ())),
                )
                for e in data["experiments"]
            ),
            decisions=tuple(
                Decision(
                    id=d["id"],
                    text=d["text"],
                    owner=d.get("owner", ""),
                    owner_organisation=d.get("owner_organisation"),
                    due_on=_parse_day(d.get("due_on")),
                    status=d["status"],
                )
                for d in data["decisions"]
            ),
            staff=StaffView.from_dict(data["staff"]) if data.get("staff") else None,
            staff_recorded=data.get("staff_recorded", True),
        )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _parse_day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _moment(value: datetime | None) -> str | None:
    return value.astimezone(UTC).strftime(_MOMENT) if value is not None else None


def _parse_moment(value: str | None) -> datetime | None:
    return datetime.strptime(value, _MOMENT).replace(tzinfo=UTC) if value else None


# --- older versions ----------------------------------------------------------------------------


class UnknownVersion(ValueError):
    """The data is in a schema version this Polku does not know."""


def upgrade(data: dict) -> dict:
    """A sprint document of any version Polku has written, in the current version's form.

    Returns a new dict; the stored one is left as it was.
    """
    version = data.get("version")
    if version == SCHEMA_VERSION:
        return data
    if version == 1:
        return _snapshot_2_to_3(_snapshot_1_to_2(data))
    if version == 2:
        return _snapshot_2_to_3(data)
    raise UnknownVersion(version)


def _snapshot_1_to_2(data: dict) -> dict:
    """Version 1 kept each journey in a shape of its own: now a journey document."""
    return {
        **data,
        "version": 2,
        "journeys": [journey_document.from_snapshot_1(j) for j in data["journeys"]],
    }


def _snapshot_2_to_3(data: dict) -> dict:
    """Version 2 did not look at the competence survey: nothing recorded, and it says so."""
    return {**data, "version": 3, "staff": None, "staff_recorded": False}


def load(data: dict) -> SprintDocument:
    """The document from a stored dict of any known version."""
    return SprintDocument.from_dict(upgrade(data))
