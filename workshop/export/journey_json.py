"""A journey as a versioned JSON document: export one, and import one into a workspace.

The document names stages and lanes by ids local to it ("s1", "l1") and steps by their keys,
so a journey imported from an export compares step by step with the one it came from.
Critical points (with their reports) name their step by its key, their category by its default
key or its name, and each report's organisation by its name, so they fit any workspace. Each
point carries its votes, dots and rank (critical_points.ranking) for the reader; importing reads
none of them: they belong to the people of the room, not to the journey.
Importing checks the whole document before writing anything and never commits.
"""

import json
import re
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.accounts import services as accounts
from workshop.accounts.models import Organisation, OrganisationKind, User, Workspace
from workshop.config import LANGUAGES
from workshop.critical_points import ranking
from workshop.critical_points import services as critical_points
from workshop.critical_points.models import (
    DEFAULT_CATEGORIES,
    SEVERITY_MAX,
    SEVERITY_MIN,
    TEXT_MAX,
    Category,
    CriticalPoint,
    PointStatus,
    Report,
    ReporterRole,
)
from workshop.extensions import db
from workshop.journey_templates.loader import BASES
from workshop.journeys import services
from workshop.journeys.models import (
    DESCRIPTION_MAX,
    EMOTION_MAX,
    EMOTION_MIN,
    NAME_MAX,
    TITLE_MAX,
    Channel,
    Journey,
    JourneyKind,
    Lane,
    LaneKind,
    Stage,
    Step,
    StepSuggestion,
)
from workshop.models_base import utcnow

FORMAT = "polku.journey"
VERSION = 1


def _length(column) -> int:
    """The length of a String column, so the limits here follow the models."""
    return column.property.columns[0].type.length


KEY_MAX = _length(Step.key)
TEMPLATE_ID_MAX = _length(Journey.template_id)
SUGGESTION_TEXT_MAX = _length(StepSuggestion.text)
SOURCE_TITLE_MAX = _length(StepSuggestion.source_title)
SOURCE_URL_MAX = _length(StepSuggestion.source_url)
POINT_TITLE_MAX = _length(CriticalPoint.title)
SUGGESTION_SOURCE_MAX = _length(CriticalPoint.suggestion_source)
CATEGORY_NAME_MAX = _length(Category.name)
ORGANISATION_NAME_MAX = _length(Organisation.name)
REPORT_SOURCE_MAX = _length(Report.source)
# A point's description and a report's quote are Text columns; the forms' limit holds here too.
POINT_TEXT_MAX = TEXT_MAX
# The most one file may hold; far more than a workshop makes, few enough to write in one go.
MAX_CRITICAL_POINTS = 5_000
MAX_REPORTS = 20_000
TALLY_KEYS = ("votes", "dots", "rank")  # exported with each point, never imported
TALLY_MAX = 1_000_000
# Stage and lane ids live only inside the document; the limit just keeps them sane.
LOCAL_ID_MAX = 60
EXPORTED_AT_MAX = 40

# NUL cannot be stored in PostgreSQL text, and lone surrogates (valid as JSON escapes) cannot be
# encoded for any database: refused here instead of failing on commit.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_ISO_DATE = re.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _shown(text: str) -> str:
    """Text from the file as a message may quote it: what no page can encode becomes U+FFFD."""
    return _UNSTORABLE.sub("\ufffd", text)


class ImportProblem(Exception):
    """The document cannot be imported; `field` is its path, e.g. `steps[3].emotion_student`.

    Indexes count from 0, as in the JSON arrays. An empty field means the file as a whole.
    """

    def __init__(self, field: str, message):
        field = _shown(field)
        super().__init__(field)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else str(self.message)


# --- export ------------------------------------------------------------------------------------


def export_journey(journey: Journey) -> dict:
    """The journey with its stages, lanes, live steps and their critical points as a document."""
    board = services.load_board(journey)
    stage_ids = {stage.id: f"s{n}" for n, stage in enumerate(board.stages, 1)}
    lane_ids = {lane.id: f"l{n}" for n, lane in enumerate(board.lanes, 1)}
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "journey": {
            "name": journey.name,
            "kind": journey.kind.value,
            "description": journey.description,
            "language": journey.language,
            "template_id": journey.template_id,
        },
        "stages": [{"id": stage_ids[s.id], "title": s.title} for s in board.stages],
        "lanes": [
            {"id": lane_ids[lane.id], "title": lane.title, "kind": lane.kind.value}
            for lane in board.lanes
        ],
        "steps": [
            {
                "id": step.key,
                "stage": stage_ids[step.stage_id],
                "lane": lane_ids[step.lane_id],
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
                        "handled": s.handled_at is not None,
                    }
                    for s in step.suggestions
                ],
            }
            for step in board.steps
        ],
        "critical_points": _export_points(journey, board.steps),
    }


def _export_points(journey: Journey, steps: list[Step]) -> list[dict]:
    """The points on the live steps, in the steps' reading order and then as they were made."""
    order = {step.id: n for n, step in enumerate(steps)}
    keys = {step.id: step.key for step in steps}
    found = db.session.scalars(
        select(CriticalPoint)
        .join(Step, Step.id == CriticalPoint.step_id)
        .where(CriticalPoint.journey_id == journey.id, Step.deleted_at.is_(None))
        .options(
            selectinload(CriticalPoint.category),
            selectinload(CriticalPoint.reports).selectinload(Report.organisation),
        )
    )
    points = sorted(
        (p for p in found if p.step_id in order), key=lambda p: (order[p.step_id], p.id)
    )
    tallies = ranking.tallies(p.id for p in points)
    ranks = {
        standing.id: n
        for n, standing in enumerate(
            ranking.ranked(
                ranking.Standing(p.id, p.severity, tallies[p.id].support, len(p.reports))
                for p in points
            ),
            1,
        )
    }
    return [
        {
            "step": keys[point.step_id],
            "title": point.title,
            "description": point.description,
            "severity": point.severity,
            "category": (
                None
                if point.category is None
                else {"key": point.category.key, "name": point.category.name}
            ),
            "status": point.status.value,
            "suggestion_source": point.suggestion_source,
            "votes": tallies[point.id].votes,
            "dots": tallies[point.id].dots,
            "rank": ranks[point.id],
            "reports": [
                {
                    "role": report.reporter_role.value,
                    "organisation": report.organisation.name if report.organisation else None,
                    "quote": report.quote,
                    "source": report.source,
                    "reported_on": report.reported_on.isoformat() if report.reported_on else None,
                }
                for report in point.reports
            ],
        }
        for point in points
    ]


def to_json(document: dict) -> str:
    """The document as people can read it: UTF-8 characters as they are, indented."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- reading and checking ----------------------------------------------------------------------


def read_document(raw: bytes) -> dict:
    """The JSON object in an uploaded file; ImportProblem if it is not UTF-8 JSON or no object."""
    try:
        # utf-8-sig: editors on Windows like to start the file with a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem("", _l("The file is not UTF-8 text.")) from None
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise ImportProblem(
            "",
            _l(
                "The file is not valid JSON (line %(line)d, column %(column)d).",
                line=error.lineno,
                column=error.colno,
            ),
        ) from None
    except _DuplicateKey as duplicate:
        raise ImportProblem(
            "", _l("The file names “%(key)s” twice in one object.", key=duplicate.key)
        ) from None
    except (ValueError, RecursionError):
        # NaN or Infinity, a number too long to read, or nesting deeper than any journey needs.
        raise ImportProblem("", _l("The file is not valid JSON.")) from None
    if not isinstance(data, dict):
        raise ImportProblem("", _l("The file must hold one JSON object, not a list or a value."))
    return data


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    """Refuse objects that name a key twice, where JSON readers disagree on which one wins."""
    result = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(_shown(key[:60]))
        result[key] = value
    return result


def _no_constant(name: str):
    raise ValueError(name)


@dataclass(frozen=True)
class SuggestionData:
    """A suggested critical point of an imported step."""

    text: str
    basis: str
    source_title: str
    source_url: str
    handled: bool = False


@dataclass(frozen=True)
class StepData:
    """An imported step; `stage` and `lane` are the document's ids."""

    key: str
    stage: str
    lane: str
    title: str
    description: str
    channel: Channel | None
    emotion_student: int | None
    emotion_employer: int | None
    suggestions: list[SuggestionData]


@dataclass(frozen=True)
class JourneyDocument:
    """A checked document, ready to be written."""

    name: str
    kind: JourneyKind
    description: str
    language: str
    template_id: str | None
    stages: list[tuple[str, str]]
    lanes: list[tuple[str, str, LaneKind]]
    steps: list[StepData]
    critical_points: list["PointData"]


@dataclass(frozen=True)
class CategoryData:
    """A point's category: a default one by its key, a workspace's own by its name."""

    key: str | None
    name: str | None


@dataclass(frozen=True)
class ReportEntry:
    """One report of an imported point; `organisation` is a name."""

    role: ReporterRole
    organisation: str | None
    quote: str
    source: str
    reported_on: date | None


@dataclass(frozen=True)
class PointData:
    """An imported critical point; `step` is the key of a step in the document."""

    step: str
    title: str
    description: str
    severity: int
    category: CategoryData | None
    status: PointStatus
    suggestion_source: str
    reports: list[ReportEntry]


def validate_document(data) -> JourneyDocument:
    """Check every field of a version-1 document; the first problem raises ImportProblem."""
    if not isinstance(data, dict):
        raise ImportProblem("", _l("The file must hold one JSON object, not a list or a value."))
    # Format and version first: the rest of a document means something only in a known version.
    if data.get("format") != FORMAT:
        message = (
            _l("is missing.")
            if "format" not in data
            else _l("is not “%(format)s”, so this is not a Polku journey file.", format=FORMAT)
        )
        raise ImportProblem("format", message)
    if "version" not in data:
        raise ImportProblem("version", _l("is missing."))
    version = data["version"]
    if not _is_int(version) or version != VERSION:
        raise ImportProblem(
            "version",
            _l(
                "“%(version)s” is not a version this Polku reads; it reads version %(known)d.",
                version=_shown(str(version)[:20]),
                known=VERSION,
            ),
        )
    _object(
        data,
        "",
        required=("format", "version", "journey", "stages", "lanes", "steps"),
        optional=("exported_at", "critical_points"),
    )
    if "exported_at" in data:
        _text(data["exported_at"], "exported_at", EXPORTED_AT_MAX, allow_empty=True)

    journey = _object(
        data["journey"],
        "journey",
        required=("name", "kind", "language"),
        optional=("description", "template_id"),
    )
    name = _text(journey["name"], "journey.name", NAME_MAX)
    kind = _choice(journey["kind"], "journey.kind", JourneyKind)
    description = _text(
        journey.get("description", ""), "journey.description", DESCRIPTION_MAX, allow_empty=True
    )
    language = _choice(journey["language"], "journey.language", LANGUAGES)
    template_id = journey.get("template_id")
    if template_id is not None:
        template_id = _text(template_id, "journey.template_id", TEMPLATE_ID_MAX)

    stage_list = _list(data["stages"], "stages", minimum=1)
    if len(stage_list) > services.MAX_COLUMNS:
        raise ImportProblem(
            "stages", _l("has more than %(max)d entries.", max=services.MAX_COLUMNS)
        )
    stages: list[tuple[str, str]] = []
    stage_ids: set[str] = set()
    for i, raw in enumerate(stage_list):
        field = f"stages[{i}]"
        entry = _object(raw, field, required=("id", "title"))
        stage_id = _local_id(entry["id"], f"{field}.id", stage_ids)
        stages.append((stage_id, _text(entry["title"], f"{field}.title", TITLE_MAX)))

    lane_list = _list(data["lanes"], "lanes", minimum=1)
    if len(lane_list) > services.MAX_COLUMNS:
        raise ImportProblem("lanes", _l("has more than %(max)d entries.", max=services.MAX_COLUMNS))
    lanes: list[tuple[str, str, LaneKind]] = []
    lane_ids: set[str] = set()
    for i, raw in enumerate(lane_list):
        field = f"lanes[{i}]"
        entry = _object(raw, field, required=("id", "title", "kind"))
        lane_id = _local_id(entry["id"], f"{field}.id", lane_ids)
        title = _text(entry["title"], f"{field}.title", TITLE_MAX)
        lanes.append((lane_id, title, _choice(entry["kind"], f"{field}.kind", LaneKind)))

    step_list = _list(data["steps"], "steps")
    if len(step_list) > services.MAX_STEPS:
        raise ImportProblem(
            "steps",
            _l("has more than %(max)d steps, the most a journey can have.", max=services.MAX_STEPS),
        )
    keys: set[str] = set()
    steps = [
        _step(raw, f"steps[{i}]", stage_ids, lane_ids, keys) for i, raw in enumerate(step_list)
    ]

    point_list = _list(data.get("critical_points", []), "critical_points")
    if len(point_list) > MAX_CRITICAL_POINTS:
        raise ImportProblem(
            "critical_points",
            _l(
                "has more than %(max)d critical points, the most one file can hold.",
                max=MAX_CRITICAL_POINTS,
            ),
        )
    points: list[PointData] = []
    report_count = 0
    for i, raw in enumerate(point_list):
        point = _point(raw, f"critical_points[{i}]", keys, MAX_REPORTS - report_count)
        report_count += len(point.reports)
        points.append(point)

    return JourneyDocument(
        name, kind, description, language, template_id, stages, lanes, steps, points
    )


def _step(raw, field: str, stage_ids: set[str], lane_ids: set[str], keys: set[str]) -> StepData:
    entry = _object(
        raw,
        field,
        required=("id", "stage", "lane", "title"),
        optional=(
            "description",
            "channel",
            "emotion_student",
            "emotion_employer",
            "suggestions",
        ),
    )
    key = _text(entry["id"], f"{field}.id", KEY_MAX)
    if key in keys:
        raise ImportProblem(f"{field}.id", _l("repeats the id “%(id)s” of another step.", id=key))
    keys.add(key)
    stage = _text(entry["stage"], f"{field}.stage", LOCAL_ID_MAX)
    if stage not in stage_ids:
        raise ImportProblem(
            f"{field}.stage", _l("names no stage of the document: “%(id)s”.", id=stage)
        )
    lane = _text(entry["lane"], f"{field}.lane", LOCAL_ID_MAX)
    if lane not in lane_ids:
        raise ImportProblem(
            f"{field}.lane", _l("names no lane of the document: “%(id)s”.", id=lane)
        )
    channel = entry.get("channel")
    suggestions = []
    for i, point in enumerate(_list(entry.get("suggestions", []), f"{field}.suggestions")):
        suggestions.append(_suggestion(point, f"{field}.suggestions[{i}]"))
    return StepData(
        key=key,
        stage=stage,
        lane=lane,
        title=_text(entry["title"], f"{field}.title", TITLE_MAX),
        description=_text(
            entry.get("description", ""), f"{field}.description", DESCRIPTION_MAX, allow_empty=True
        ),
        channel=None if channel is None else _choice(channel, f"{field}.channel", Channel),
        emotion_student=_emotion(entry.get("emotion_student"), f"{field}.emotion_student"),
        emotion_employer=_emotion(entry.get("emotion_employer"), f"{field}.emotion_employer"),
        suggestions=suggestions,
    )


def _suggestion(raw, field: str) -> SuggestionData:
    entry = _object(
        raw, field, required=("text", "basis"), optional=("source_title", "source_url", "handled")
    )
    url = _text(
        entry.get("source_url", ""), f"{field}.source_url", SOURCE_URL_MAX, allow_empty=True
    )
    if url and not _is_web_address(url):
        raise ImportProblem(
            f"{field}.source_url", _l("must be an http or https address, or empty.")
        )
    return SuggestionData(
        text=_text(entry["text"], f"{field}.text", SUGGESTION_TEXT_MAX),
        # The known bases only: pages show each with a translated label.
        basis=_choice(entry["basis"], f"{field}.basis", BASES),
        source_title=_text(
            entry.get("source_title", ""),
            f"{field}.source_title",
            SOURCE_TITLE_MAX,
            allow_empty=True,
        ),
        source_url=url,
        handled=_flag(entry.get("handled", False), f"{field}.handled"),
    )


def _point(raw, field: str, step_keys: set[str], reports_room: int) -> PointData:
    """A critical point; `reports_room` is how many reports the file may still hold."""
    entry = _object(
        raw,
        field,
        required=("step", "title", "severity"),
        optional=("description", "category", "status", "suggestion_source", "reports", *TALLY_KEYS),
    )
    for key in TALLY_KEYS:
        # What the room said travels along for the reader, but an import starts with none.
        if key in entry and not (_is_int(entry[key]) and 0 <= entry[key] <= TALLY_MAX):
            raise ImportProblem(
                f"{field}.{key}",
                _l("must be a whole number from %(min)d to %(max)d.", min=0, max=TALLY_MAX),
            )
    step = _text(entry["step"], f"{field}.step", KEY_MAX)
    if step not in step_keys:
        raise ImportProblem(
            f"{field}.step", _l("names no step of the document: “%(id)s”.", id=step)
        )
    title = _text(entry["title"], f"{field}.title", POINT_TITLE_MAX)
    description = _text(
        entry.get("description", ""), f"{field}.description", POINT_TEXT_MAX, allow_empty=True
    )
    severity = entry["severity"]
    if not _is_int(severity) or not SEVERITY_MIN <= severity <= SEVERITY_MAX:
        raise ImportProblem(
            f"{field}.severity",
            _l(
                "must be a whole number from %(min)d to %(max)d.",
                min=SEVERITY_MIN,
                max=SEVERITY_MAX,
            ),
        )
    category = _category(entry.get("category"), f"{field}.category")
    status = _choice(entry.get("status", PointStatus.OPEN.value), f"{field}.status", PointStatus)
    suggestion_source = _text(
        entry.get("suggestion_source", ""),
        f"{field}.suggestion_source",
        SUGGESTION_SOURCE_MAX,
        allow_empty=True,
    )
    report_list = _list(entry.get("reports", []), f"{field}.reports")
    if len(report_list) > reports_room:
        raise ImportProblem(
            f"{field}.reports",
            _l(
                "takes the file over %(max)d reports, the most one file can hold.",
                max=MAX_REPORTS,
            ),
        )
    reports = [_report(r, f"{field}.reports[{i}]") for i, r in enumerate(report_list)]
    return PointData(
        step, title, description, severity, category, status, suggestion_source, reports
    )


def _category(value, field: str) -> CategoryData | None:
    if value is None:
        return None
    entry = _object(value, field, required=(), optional=("key", "name"))
    key, name = entry.get("key"), entry.get("name")
    if key is None and name is None:
        raise ImportProblem(field, _l("must have a key, a name or both."))
    return CategoryData(
        key=None if key is None else _choice(key, f"{field}.key", DEFAULT_CATEGORIES),
        name=None if name is None else _text(name, f"{field}.name", CATEGORY_NAME_MAX),
    )


def _report(raw, field: str) -> ReportEntry:
    entry = _object(
        raw,
        field,
        required=("role",),
        optional=("organisation", "quote", "source", "reported_on"),
    )
    role = _choice(entry["role"], f"{field}.role", ReporterRole)
    organisation = entry.get("organisation")
    if organisation is not None:
        organisation = _text(organisation, f"{field}.organisation", ORGANISATION_NAME_MAX)
    return ReportEntry(
        role=role,
        organisation=organisation,
        quote=_text(entry.get("quote", ""), f"{field}.quote", POINT_TEXT_MAX, allow_empty=True),
        source=_text(
            entry.get("source", ""), f"{field}.source", REPORT_SOURCE_MAX, allow_empty=True
        ),
        reported_on=_date(entry.get("reported_on"), f"{field}.reported_on"),
    )


def _is_int(value) -> bool:
    # bool is a subclass of int, but `true` is no number in a journey file.
    return isinstance(value, int) and not isinstance(value, bool)


def _object(value, field: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
    if not isinstance(value, dict):
        raise ImportProblem(field, _l("must be an object."))
    for key in value:
        if key not in required and key not in optional:
            raise ImportProblem(_join(field, key[:60]), _l("is not part of a journey document."))
    for key in required:
        if key not in value:
            raise ImportProblem(_join(field, key), _l("is missing."))
    return value


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _list(value, field: str, minimum: int = 0) -> list:
    if not isinstance(value, list):
        raise ImportProblem(field, _l("must be a list."))
    if len(value) < minimum:
        raise ImportProblem(field, _l("must have at least one entry."))
    return value


def _text(value, field: str, limit: int, allow_empty: bool = False) -> str:
    if not isinstance(value, str):
        raise ImportProblem(field, _l("must be text."))
    if not allow_empty and not value.strip():
        raise ImportProblem(field, _l("must not be empty."))
    if len(value) > limit:
        raise ImportProblem(field, _l("must be at most %(max)d characters.", max=limit))
    if _UNSTORABLE.search(value):
        raise ImportProblem(field, _l("contains characters that cannot be stored."))
    return value


def _local_id(value, field: str, seen: set[str]) -> str:
    local_id = _text(value, field, LOCAL_ID_MAX)
    if local_id in seen:
        raise ImportProblem(field, _l("repeats the id “%(id)s”.", id=local_id))
    seen.add(local_id)
    return local_id


def _choice(value, field: str, allowed):
    """One of the allowed values (an enum's values, or a tuple of strings)."""
    values = [str(item) for item in allowed]
    if not isinstance(value, str) or value not in values:
        raise ImportProblem(field, _l("must be one of: %(values)s.", values=", ".join(values)))
    return allowed(value) if isinstance(allowed, type) else value


def _emotion(value, field: str) -> int | None:
    if value is None:
        return None
    if not _is_int(value) or not EMOTION_MIN <= value <= EMOTION_MAX:
        raise ImportProblem(field, _l("must be a whole number from −2 to 2, or null."))
    return value


def _flag(value, field: str) -> bool:
    if not isinstance(value, bool):
        raise ImportProblem(field, _l("must be true or false."))
    return value


def _date(value, field: str) -> date | None:
    if value is None:
        return None
    # fromisoformat alone would also take "20260131" and week dates.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ImportProblem(field, _l("must be a date as YYYY-MM-DD, or null."))


def _is_web_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not re.search(r"\s", url)


# --- import ------------------------------------------------------------------------------------


def import_journey(workspace: Workspace, user: User, data, name: str | None = None) -> Journey:
    """A new journey in the workspace made from a checked document; `name` replaces its name."""
    document = validate_document(data)
    name = _text(name.strip(), "name", NAME_MAX) if name and name.strip() else document.name
    journey = Journey(
        workspace=workspace,
        name=name,
        kind=document.kind,
        description=document.description,
        language=document.language,
        template_id=document.template_id,
        created_by_id=user.id,
        updated_by_id=user.id,
    )
    db.session.add(journey)
    stages = {sid: Stage(position=i, title=title) for i, (sid, title) in enumerate(document.stages)}
    lanes = {
        lid: Lane(position=i, title=title, kind=kind)
        for i, (lid, title, kind) in enumerate(document.lanes)
    }
    journey.stages.extend(stages.values())
    journey.lanes.extend(lanes.values())
    counters: dict[tuple[str, str], int] = defaultdict(int)
    steps: dict[str, Step] = {}
    # A document tells only whether a suggestion was handled, not when: an imported one counts
    # as handled at the time of the import.
    now = utcnow()
    for source in document.steps:
        cell = (source.stage, source.lane)
        step = Step(
            journey=journey,
            stage=stages[source.stage],
            lane=lanes[source.lane],
            position=counters[cell],
            # The document's id, so the import compares with the journey it was exported from.
            key=source.key,
            title=source.title,
            description=source.description,
            channel=source.channel,
            emotion_student=source.emotion_student,
            emotion_employer=source.emotion_employer,
        )
        counters[cell] += 1
        step.suggestions = [
            StepSuggestion(
                text=s.text,
                basis=s.basis,
                source_title=s.source_title,
                source_url=s.source_url,
                handled_at=now if s.handled else None,
            )
            for s in source.suggestions
        ]
        db.session.add(step)
        steps[source.key] = step
    db.session.flush()
    _write_points(workspace, user, journey, steps, document.critical_points)
    # One entry in the journey's log for the whole import, points included.
    services.record_change(journey, user, "journey_imported", journey.name)
    return journey


def _write_points(
    workspace: Workspace,
    user: User,
    journey: Journey,
    steps: dict[str, Step],
    entries: list[PointData],
) -> None:
    """The document's points and reports, as made by the importing user.

    Status changes keep no time or person: the document does not carry them.
    """
    categories = _categories(workspace, [e.category for e in entries if e.category])
    organisations = _organisations(
        workspace, [(r.organisation, r.role) for e in entries for r in e.reports if r.organisation]
    )
    for entry in entries:
        point = CriticalPoint(
            journey=journey,
            step=steps[entry.step],
            title=entry.title,
            description=entry.description,
            severity=entry.severity,
            category=categories[entry.category] if entry.category else None,
            status=entry.status,
            suggestion_source=entry.suggestion_source,
            created_by_id=user.id,
        )
        point.reports = [
            Report(
                reporter_role=r.role,
                organisation=organisations[_fold(r.organisation)] if r.organisation else None,
                quote=r.quote,
                source=r.source,
                reported_on=r.reported_on,
                created_by_id=user.id,
            )
            for r in entry.reports
        ]
        db.session.add(point)
    db.session.flush()


def _fold(name: str) -> str:
    """A name as it compares: without surrounding spaces or case, as the report form does."""
    return name.strip().casefold()


def _categories(workspace: Workspace, wanted: list[CategoryData]) -> dict[CategoryData, Category]:
    """The workspace's category for each one the document names, made where it has none.

    A default category the workspace already has keeps its name: an import renames nothing.
    A category of the workspace's own is found by its name, ignoring case.
    """
    rows = db.session.scalars(
        select(Category).where(Category.workspace_id == workspace.id).order_by(Category.id)
    ).all()
    known_keys = {row.key for row in rows if row.key}
    own: dict[str, Category] = {}
    for row in rows:
        if not row.key and row.name:
            own.setdefault(_fold(row.name), row)
    found: dict[CategoryData, Category] = {}
    for data in wanted:
        if data in found:
            continue
        if data.key:
            row = critical_points.resolve_category(workspace, f"key:{data.key}")
            if data.key not in known_keys:
                known_keys.add(data.key)
                if data.name is not None:
                    # The file's name for a default the workspace never used, unless another
                    # category of the workspace is already called so.
                    with suppress(critical_points.NameTaken):
                        critical_points.rename_category(workspace, f"key:{data.key}", data.name)
        else:
            row = own.get(_fold(data.name)) or critical_points.find_category(workspace, data.name)
            if row is None:
                row = own[_fold(data.name)] = critical_points.add_category(workspace, data.name)
        found[data] = row
    return found


def _organisations(
    workspace: Workspace, wanted: list[tuple[str, ReporterRole]]
) -> dict[str, Organisation]:
    """The workspace's organisations by folded name, with those the document adds.

    A new organisation is an employer when its first report comes from an employer or a
    workplace instructor, as on the report form.
    """
    found: dict[str, Organisation] = {}
    for organisation in accounts.organisations_of(workspace):
        found.setdefault(_fold(organisation.name), organisation)
    for name, role in wanted:
        if _fold(name) not in found:
            kind = (
                OrganisationKind.EMPLOYER
                if role in (ReporterRole.EMPLOYER, ReporterRole.WORKPLACE_INSTRUCTOR)
                else OrganisationKind.OTHER
            )
            found[_fold(name)] = accounts.add_organisation(workspace, name, kind)
    return found
