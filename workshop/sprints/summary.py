"""What the sprint summary shows, worked out from a sprint document for the print template."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from flask import render_template, url_for
from flask_babel import force_locale

from workshop import pdf
from workshop.critical_points.labels import CATEGORY_LABELS, ROLE_LABELS
from workshop.critical_points.models import ReporterRole
from workshop.journeys.emotion import MARGIN_LEFT, MARGIN_RIGHT, STEP_WIDTH, Curve, emotion_curve
from workshop.sprints import services, snapshot

STAGES_PER_PAGE = 4  # columns of a landscape A4 page that still read from a metre away
TOP_POINTS = 5
# The printed emotion curve: one row per map page, all rows at one scale across the page.
CURVE_WIDTH = 1000  # SVG units across the page; its 12-unit labels print at about 9 pt
CURVE_ROW = 22  # SVG units per emotion point


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@dataclass
class PointView:
    """A critical point with where it is and who reported it."""

    point: dict
    rank: int
    journey: str
    step: str
    stage: str
    category: str
    by_role: list[tuple[ReporterRole, int]]
    language: str | None = None  # of the journey's content, for hyphenation and screen readers

    @property
    def id(self) -> int:
        return self.point["id"]


@dataclass
class MapPage:
    """Some of a journey's stages, all its lanes: one landscape page of the map."""

    stages: list[dict]
    lanes: list[dict]
    cells: dict[tuple[int, int], list[dict]]
    first_stage_number: int
    part: int
    parts: int
    curve: Curve | None = None  # the emotion curve of these stages' steps

    @property
    def last_stage_number(self) -> int:
        return self.first_stage_number + len(self.stages) - 1

    @property
    def curve_width(self) -> int:
        return CURVE_WIDTH


@dataclass
class JourneyView:
    """A journey of the sprint: its map in pages, each with its part of the emotion curve,
    and its ranked points."""

    journey: dict
    pages: list[MapPage]
    points: list[PointView]
    badges: dict[str, tuple[int, int]]  # step key → (points, worst severity)

    @property
    def has_scores(self) -> bool:
        return any(page.curve.has_scores for page in self.pages if page.curve)


@dataclass
class Summary:
    """Everything the sprint summary prints, in the reader's language."""

    document: dict
    journeys: list[JourneyView]
    ranked_points: list[PointView]
    top_points: list[PointView]
    experiments: list[tuple[dict, list[PointView]]]
    decisions: list[dict]
    participants: list[tuple[str | None, list[tuple[str, int, list[str]]]]]
    organisations: list[str]
    show_names: bool
    previous: dict | None = None
    changes: list[snapshot.JourneyChanges] = field(default_factory=list)

    @property
    def sprint(self) -> dict:
        return self.document["sprint"]

    @property
    def starts_on(self) -> date | None:
        return _date(self.sprint["starts_on"])

    @property
    def ends_on(self) -> date | None:
        return _date(self.sprint["ends_on"])

    @property
    def step_count(self) -> int:
        return sum(len(j["steps"]) for j in self.document["journeys"])


def category_name(category: dict | None) -> str:
    """The workspace's own name for a category, or the translated default."""
    if category is None:
        return ""
    return category.get("name") or str(CATEGORY_LABELS.get(category.get("key"), ""))


def _map_pages(journey: dict) -> list[MapPage]:
    """The map in landscape pages of a few stages each, and the emotion curve in the same parts,
    so a wide journey's curve stays readable instead of shrinking to a line."""
    stages = journey["stages"]
    cells: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for step in journey["steps"]:
        cells[(step["stage"], step["lane"])].append(step)
    parts = max(1, math.ceil(len(stages) / STAGES_PER_PAGE))
    size = max(1, math.ceil(len(stages) / parts))  # even pages: 6 stages print as 3 + 3
    pages = [
        MapPage(stages[i : i + size], journey["lanes"], cells, i + 1, n, parts)
        for n, i in enumerate(range(0, max(len(stages), 1), size), 1)
    ]
    lanes = [SimpleNamespace(**lane) for lane in journey["lanes"]]
    steps = {key: [SimpleNamespace(**step) for step in found] for key, found in cells.items()}
    widest = max(
        sum(len(cells.get((s["id"], lane.id), ())) for s in page.stages for lane in lanes)
        for page in pages
    )
    step_width = min(STEP_WIDTH, (CURVE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT) / max(widest, 1))
    for page in pages:
        board = SimpleNamespace(
            stages=[SimpleNamespace(**s) for s in page.stages],
            lanes=lanes,
            steps_in=lambda stage, lane: steps.get((stage.id, lane.id), []),
        )
        page.curve = emotion_curve(board, step_width, CURVE_ROW, page.first_stage_number)
    return pages


def _point_views(journey: dict) -> list[PointView]:
    stages = {s["id"]: s["title"] for s in journey["stages"]}
    steps = {s["key"]: s for s in journey["steps"]}
    views = []
    for rank, point in enumerate(snapshot.ranked(journey["points"]), 1):
        step = steps[point["step"]]
        roles = Counter(ReporterRole(r["role"]) for r in point["reports"])
        views.append(
            PointView(
                point=point,
                rank=rank,
                journey=journey["name"],
                step=step["title"],
                stage=stages[step["stage"]],
                category=category_name(point["category"]),
                by_role=[(role, roles[role]) for role in ReporterRole if roles[role]],
                language=journey.get("language"),
            )
        )
    return views


def _participants(document: dict) -> list[tuple[str | None, list[tuple[str, int, list[str]]]]]:
    """By organisation (those without one last), then by role: how many, and their names."""
    grouped: dict[str | None, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for person in document["participants"]:
        grouped[person["organisation"]][person["role"]].append(person["name"])
    order = sorted(grouped, key=lambda name: (name is None, (name or "").casefold()))
    return [
        (
            organisation,
            [
                (
                    role.value,
                    len(grouped[organisation][role.value]),
                    grouped[organisation][role.value],
                )
                for role in ReporterRole
                if grouped[organisation].get(role.value)
            ],
        )
        for organisation in order
    ]


def _without_names(document: dict) -> dict:
    """The document with no personal name in it: participants, guests and facilitators lose
    theirs, and owners of decisions and experiments are shown by role and organisation (as far
    as the participants tell them) instead. Translates roles, so call it in the reader's locale."""
    # Copies of the parts that change: the journeys (large) are shared, and carry no names.
    document = dict(document)
    for key in ("participants", "decisions", "experiments"):
        document[key] = [dict(item) for item in document[key]]
    people = {}
    for person in document["participants"]:
        people.setdefault(person["name"].strip().casefold(), dict(person))
        person["name"] = ""

    def hide(item: dict) -> None:
        name = (item.get("owner") or "").strip().casefold()
        known = people.get(name) if name else None
        item["owner"] = str(ROLE_LABELS[ReporterRole(known["role"])]) if known else ""
        if known and not item.get("owner_organisation"):
            item["owner_organisation"] = known["organisation"]

    for decision in document["decisions"]:
        hide(decision)
    for experiment in document["experiments"]:
        hide(experiment)
        if experiment.get("owner") and experiment.get("owner_organisation"):
            experiment["owner"] += ", " + experiment["owner_organisation"]
    return document


def build_summary(document: dict, previous: dict | None, show_names: bool) -> Summary:
    """The summary of one sprint document, compared with the previous sprint's if there is one."""
    if not show_names:
        document = _without_names(document)
    journeys = []
    for journey in document["journeys"]:
        views = _point_views(journey)
        badges = {}
        for point in journey["points"]:
            count, worst = badges.get(point["step"], (0, 0))
            badges[point["step"]] = (count + 1, max(worst, point["severity"]))
        journeys.append(JourneyView(journey, _map_pages(journey), views, badges))
    everything = [p for j in journeys for p in j.points]
    ranked = sorted(everything, key=lambda v: snapshot.rank_key(v.point))
    open_points = [v for v in ranked if v.point["status"] not in snapshot.CLOSED_STATUSES]
    by_id = {v.id: v for v in everything}
    organisations = sorted(
        {p["organisation"] for p in document["participants"] if p["organisation"]},
        key=str.casefold,
    )
    return Summary(
        document=document,
        journeys=journeys,
        ranked_points=ranked,
        top_points=open_points[:TOP_POINTS],
        experiments=[
            (e, [by_id[i] for i in e["points"] if i in by_id]) for e in document["experiments"]
        ],
        decisions=document["decisions"],
        participants=_participants(document),
        organisations=organisations,
        show_names=show_names,
        previous=previous["sprint"] if previous else None,
        changes=snapshot.changes(previous, document) if previous else [],
    )


def render_summary(sprint, language: str, show_names: bool, links: dict, for_pdf: bool) -> str:
    """The summary of a sprint as HTML in one language: the page, or what the PDF is made from."""
    document = services.document_of(sprint)
    previous = services.previous_sprint(sprint)
    stylesheet = (
        pdf.static_url("css/print.css") if for_pdf else url_for("static", filename="css/print.css")
    )
    with force_locale(language):
        summary = build_summary(
            document, services.document_of(previous) if previous else None, show_names
        )
        return render_template(
            "export/sprint.html",
            summary=summary,
            language=language,
            preview=not for_pdf,
            links=links,
            stylesheet=stylesheet,
        )
