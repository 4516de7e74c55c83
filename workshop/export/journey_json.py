"""A journey as a versioned JSON document: export one, and import one into a workspace.

The document names stages and lanes by ids local to it ("s1", "l1") and steps by their keys,
so a journey imported from an export compares step by step with the one it came from.
Critical points (with their reports) name their step by its key, their category by its default
key or its name, and each report's organisation by its name, so they fit any workspace. They
come in the ranking's order with their votes and dots; an import reads those but makes no votes:
votes belong to the members of the room, not to the journey.
The file is the journey document's JSON form (workshop/journeys/document.py); an older version
is upgraded first. Importing checks the whole document before writing anything and never commits.
"""

import json
import re
from dataclasses import replace
from datetime import date
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l

from workshop.accounts.models import Organisation, User, Workspace
from workshop.config import LANGUAGES
from workshop.critical_points import document as points_document
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
from workshop.journey_templates.loader import BASES
from workshop.journeys import document, services
from workshop.journeys.models import (
    DESCRIPTION_MAX,
    EMOTION_MAX,
    EMOTION_MIN,
    NAME_MAX,
    TITLE_MAX,
    Channel,
    Journey,
    JourneyKind,
    LaneKind,
    Step,
    StepSuggestion,
)
from workshop.models_base import utcnow

FORMAT = document.FORMAT
VERSION = document.SCHEMA_VERSION


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
    found = points_document.journey_document(journey)
    # Database ids mean nothing in another workspace: the file leaves them out.
    found = replace(
        found, id=None, version=None, points=tuple(replace(p, id=None) for p in found.points)
    )
    data = found.to_dict()
    return {
        "format": data.pop("format"),
        "version": data.pop("version"),
        "exported_at": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        **data,
    }


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


def validate_document(data) -> document.JourneyDocument:
    """Check every field of a document of any version Polku wrote, and give it in the current
    version; the first problem raises ImportProblem."""
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
    if not _is_int(version) or not 1 <= version <= VERSION:
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
    stages: list[document.Stage] = []
    stage_ids: set[str] = set()
    for i, raw in enumerate(stage_list):
        field = f"stages[{i}]"
        entry = _object(raw, field, required=("id", "title"))
        stage_id = _local_id(entry["id"], f"{field}.id", stage_ids)
        stages.append(document.Stage(stage_id, _text(entry["title"], f"{field}.title", TITLE_MAX)))

    lane_list = _list(data["lanes"], "lanes", minimum=1)
    if len(lane_list) > services.MAX_COLUMNS:
        raise ImportProblem("lanes", _l("has more than %(max)d entries.", max=services.MAX_COLUMNS))
    lanes: list[document.Lane] = []
    lane_ids: set[str] = set()
    for i, raw in enumerate(lane_list):
        field = f"lanes[{i}]"
        entry = _object(raw, field, required=("id", "title", "kind"))
        lane_id = _local_id(entry["id"], f"{field}.id", lane_ids)
        title = _text(entry["title"], f"{field}.title", TITLE_MAX)
        lanes.append(
            document.Lane(lane_id, title, _choice(entry["kind"], f"{field}.kind", LaneKind))
        )

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
    points: list[document.Point] = []
    report_count = 0
    for i, raw in enumerate(point_list):
        point = _point(raw, f"critical_points[{i}]", keys, MAX_REPORTS - report_count, version)
        report_count += len(point.reports)
        points.append(point)

    return document.JourneyDocument(
        name=name,
        kind=kind,
        language=language,
        description=description,
        template_id=template_id,
        stages=tuple(stages),
        lanes=tuple(lanes),
        steps=tuple(steps),
        points=tuple(points),
    )


def _step(
    raw, field: str, stage_ids: set[str], lane_ids: set[str], keys: set[str]
) -> document.Step:
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
    return document.Step(
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
        suggestions=tuple(suggestions),
    )


def _suggestion(raw, field: str) -> document.Suggestion:
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
    return document.Suggestion(
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


def _point(raw, field: str, step_keys: set[str], reports_room: int, version: int) -> document.Point:
    """A critical point; `reports_room` is how many reports the file may still hold.

    Version 2 added the point's votes and dots: read, and left behind by the import.
    """
    optional = ("description", "category", "status", "suggestion_source", "reports")
    entry = _object(
        raw,
        field,
        required=("step", "title", "severity"),
        optional=optional + (("votes", "dots") if version >= 2 else ()),
    )
    tallies = {key: _count(entry.get(key, 0), f"{field}.{key}") for key in ("votes", "dots")}
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
    return document.Point(
        step=step,
        title=title,
        description=description,
        severity=severity,
        category=category,
        status=status.value,
        suggestion_source=suggestion_source,
        reports=tuple(reports),
        **tallies,
    )


def _category(value, field: str) -> document.Category | None:
    if value is None:
        return None
    entry = _object(value, field, required=(), optional=("key", "name"))
    key, name = entry.get("key"), entry.get("name")
    if key is None and name is None:
        raise ImportProblem(field, _l("must have a key, a name or both."))
    return document.Category(
        key=None if key is None else _choice(key, f"{field}.key", DEFAULT_CATEGORIES),
        name=None if name is None else _text(name, f"{field}.name", CATEGORY_NAME_MAX),
    )


def _report(raw, field: str) -> document.Report:
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
    return document.Report(
        role=role.value,
        organisation=organisation,
        quote=_text(entry.get("quote", ""), f"{field}.quote", POINT_TEXT_MAX, allow_empty=True),
        source=_text(
            entry.get("source", ""), f"{field}.source", REPORT_SOURCE_MAX, allow_empty=True
        ),
        reported_on=_date(entry.get("reported_on"), f"{field}.reported_on"),
    )


def _count(value, field: str) -> int:
    if not _is_int(value) or value < 0:
        raise ImportProblem(field, _l("must be a whole number, 0 or more."))
    return value


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
    found = validate_document(data)
    name = _text(name.strip(), "name", NAME_MAX) if name and name.strip() else found.name
    journey, steps = services.new_journey(workspace.id, user, replace(found, name=name))
    points_document.write_points(workspace, user, journey, steps, found.points)
    # One entry in the journey's log for the whole import, points included.
    services.record_change(journey, user, "journey_imported", journey.name)
    return journey
