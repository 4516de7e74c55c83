"""Reading the journey template files in journeys/ into frozen, validated objects.

A file with a problem is left out with a message naming the file and the field; the other
templates stay usable, so one broken file never takes the app down.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from workshop.data_files import LANGUAGES, Text  # noqa: F401 (LANGUAGES: read from here too)
from workshop.data_files import Invalid as _Invalid
from workshop.data_files import array as _array
from workshop.data_files import choice as _choice
from workshop.data_files import string as _string
from workshop.data_files import table as _table
from workshop.data_files import text as _text

SCHEMA_VERSION = 1
KINDS = ("apprenticeship", "training_agreement")
LANE_KINDS = ("frontstage", "backstage")
CHANNELS = (
    "face_to_face",
    "phone",
    "email",
    "online_service",
    "document",
    "meeting",
    "workplace_visit",
    "video_call",
)
BASES = (
    "finding",
    "org_position",
    "survey_item",
    "project_goal",
    "reform_aim",
    "rule",
    "inferred",
    "hypothesis",
)
# Critical points may rest on no document: the practitioners' hypothesis or our own inference.
UNSOURCED = ("hypothesis", "inferred")
TITLE_MAX = 120
DESCRIPTION_MAX = 600
POINT_MAX = 300
SOURCE_TITLE_MAX = 200
_ID = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_SOURCE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{0,59}$")


@dataclass(frozen=True)
class Source:
    """A document a typical critical point rests on; its title in each language (the same
    words in every language when the file gives only one)."""

    key: str
    title: Text
    url: str


@dataclass(frozen=True)
class CriticalPointSuggestion:
    """A critical point that is typical at this step, with what it rests on."""

    text: Text
    source: str
    basis: str


@dataclass(frozen=True)
class Lane:
    """A row of the journey: an actor (frontstage) or work they do not see (backstage)."""

    id: str
    kind: str
    title: Text

    @property
    def is_backstage(self) -> bool:
        return self.kind == "backstage"


@dataclass(frozen=True)
class Stage:
    """A column of the journey."""

    id: str
    title: Text


@dataclass(frozen=True)
class Step:
    """A touchpoint in one stage and lane."""

    id: str
    stage: str
    lane: str
    channel: str
    title: Text
    description: Text
    critical_points: tuple[CriticalPointSuggestion, ...]


@dataclass(frozen=True)
class JourneyTemplate:
    """One template file, validated."""

    id: str
    kind: str
    content_version: str
    title: Text
    description: Text
    sources: tuple[Source, ...]
    lanes: tuple[Lane, ...]
    stages: tuple[Stage, ...]
    steps: tuple[Step, ...]
    path: Path

    def steps_in(self, stage_id: str, lane_id: str) -> list[Step]:
        """The steps of one cell, in file order."""
        return [s for s in self.steps if s.stage == stage_id and s.lane == lane_id]

    def source(self, key: str) -> Source | None:
        """The source with this key, None for unsourced points."""
        return next((s for s in self.sources if s.key == key), None)

    @property
    def critical_point_count(self) -> int:
        return sum(len(step.critical_points) for step in self.steps)


@dataclass(frozen=True)
class TemplateProblem:
    """Why a template file was left out: which file, which field, what is wrong."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


def _source_title(data, field: str) -> Text:
    """A source's title: a table with fi, sv and en, or one text for every language."""
    if isinstance(data, str):
        title = _string(data, field, SOURCE_TITLE_MAX)
        return Text(title, title, title)
    return _text(data, field, SOURCE_TITLE_MAX)


def _ident(data, field: str, seen: set[str], pattern=_ID) -> str:
    if not isinstance(data, str) or not pattern.match(data):
        raise _Invalid(field, "is not a valid id")
    if data in seen:
        raise _Invalid(field, f"duplicate id {data!r}")
    seen.add(data)
    return data


def _parse(data: dict, path: Path) -> JourneyTemplate:
    top = _table(
        data,
        "",
        {
            "schema",
            "id",
            "kind",
            "content_version",
            "title",
            "description",
            "sources",
            "lanes",
            "stages",
            "steps",
        },
        {"schema", "id", "kind", "title", "description", "lanes", "stages", "steps"},
    )
    if top["schema"] != SCHEMA_VERSION:
        raise _Invalid("schema", f"must be {SCHEMA_VERSION}")
    template_id = _ident(top["id"], "id", set())
    if template_id != path.stem:
        raise _Invalid("id", f"must equal the file name {path.stem!r}")

    sources, source_keys = [], set()
    raw_sources = _table(top.get("sources", {}), "sources", set(top.get("sources", {})), set())
    for key, value in raw_sources.items():
        field = f"sources.{key}"
        _ident(key, field, source_keys, _SOURCE_KEY)
        entry = _table(value, field, {"title", "url"}, {"title", "url"})
        url = _string(entry["url"], f"{field}.url", 500)
        if not url.startswith(("https://", "http://")):
            raise _Invalid(f"{field}.url", "must be an http(s) address")
        sources.append(Source(key, _source_title(entry["title"], f"{field}.title"), url))

    lanes, lane_ids = [], set()
    for i, raw in enumerate(_array(top["lanes"], "lanes")):
        field = f"lanes[{i}]"
        entry = _table(raw, field, {"id", "kind", "title"}, {"id", "kind", "title"})
        lanes.append(
            Lane(
                _ident(entry["id"], f"{field}.id", lane_ids),
                _choice(entry["kind"], f"{field}.kind", LANE_KINDS),
                _text(entry["title"], f"{field}.title", TITLE_MAX),
            )
        )

    stages, stage_ids = [], set()
    for i, raw in enumerate(_array(top["stages"], "stages")):
        field = f"stages[{i}]"
        entry = _table(raw, field, {"id", "title"}, {"id", "title"})
        stages.append(
            Stage(
                _ident(entry["id"], f"{field}.id", stage_ids),
                _text(entry["title"], f"{field}.title", TITLE_MAX),
            )
        )

    steps, step_ids = [], set()
    step_keys = {"id", "stage", "lane", "channel", "title", "description", "critical_points"}
    for i, raw in enumerate(_array(top["steps"], "steps")):
        field = f"steps[{i}]"
        entry = _table(raw, field, step_keys, step_keys - {"critical_points"})
        points = []
        for j, raw_point in enumerate(entry.get("critical_points", [])):
            pfield = f"{field}.critical_points[{j}]"
            point = _table(
                raw_point, pfield, {"text", "source", "basis"}, {"text", "source", "basis"}
            )
            source = point["source"]
            if source not in UNSOURCED and source not in source_keys:
                raise _Invalid(f"{pfield}.source", f"unknown source {source!r}")
            points.append(
                CriticalPointSuggestion(
                    _text(point["text"], f"{pfield}.text", POINT_MAX),
                    source,
                    _choice(point["basis"], f"{pfield}.basis", BASES),
                )
            )
        step = Step(
            _ident(entry["id"], f"{field}.id", step_ids),
            _choice(entry["stage"], f"{field}.stage", tuple(s.id for s in stages)),
            _choice(entry["lane"], f"{field}.lane", tuple(lane.id for lane in lanes)),
            _choice(entry["channel"], f"{field}.channel", CHANNELS),
            _text(entry["title"], f"{field}.title", TITLE_MAX),
            _text(entry["description"], f"{field}.description", DESCRIPTION_MAX),
            tuple(points),
        )
        steps.append(step)
    for i, stage in enumerate(stages):
        if not any(step.stage == stage.id for step in steps):
            raise _Invalid(f"stages[{i}]", f"stage {stage.id!r} has no steps")

    return JourneyTemplate(
        id=template_id,
        kind=_choice(top["kind"], "kind", KINDS),
        content_version=str(top.get("content_version", "")),
        title=_text(top["title"], "title", TITLE_MAX),
        description=_text(top["description"], "description", DESCRIPTION_MAX),
        sources=tuple(sources),
        lanes=tuple(lanes),
        stages=tuple(stages),
        steps=tuple(steps),
        path=path,
    )


def load_template(path: Path) -> JourneyTemplate:
    """Read and validate one file; raises TemplateError naming the field that is wrong."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(TemplateProblem(path.name, "(syntax)", str(error))) from error
    except OSError as error:
        raise TemplateError(
            TemplateProblem(path.name, "(file)", error.strerror or str(error))
        ) from error
    try:
        return _parse(data, path)
    except _Invalid as invalid:
        raise TemplateError(TemplateProblem(path.name, invalid.field, invalid.message)) from None


class TemplateError(Exception):
    """A template file that cannot be used."""

    def __init__(self, problem: TemplateProblem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class TemplateSet:
    """The templates that loaded, by id, and the problems of the files that did not."""

    templates: dict[str, JourneyTemplate]
    problems: tuple[TemplateProblem, ...]


_cache: dict[tuple, TemplateSet] = {}


def load_directory(directory: str | Path) -> TemplateSet:
    """Every *.toml in the directory, re-read only when a file changes."""
    paths = sorted(Path(directory).glob("*.toml"))
    key = (str(directory), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    if key not in _cache:
        templates, problems = {}, []
        for path in paths:
            try:
                template = load_template(path)
            except TemplateError as error:
                problems.append(error.problem)
            else:
                templates[template.id] = template
        _cache.clear()
        _cache[key] = TemplateSet(templates, tuple(problems))
    return _cache[key]
