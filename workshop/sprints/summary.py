"""What the sprint summary shows, worked out from a sprint document for the print template."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, tzinfo

from flask import render_template, url_for
from flask_babel import force_locale

from workshop import filenames, pdf
from workshop.competence.beside import StaffItem, StaffView
from workshop.critical_points import ranking
from workshop.critical_points.labels import ROLE_LABELS, category_label
from workshop.critical_points.models import ReporterRole
from workshop.journeys.document import JourneyDocument, Lane, Point, Stage, Step
from workshop.journeys.emotion import MARGIN_LEFT, MARGIN_RIGHT, STEP_WIDTH, Curve, emotion_curve
from workshop.sprints import services, snapshot
from workshop.sprints.document import Decision, Experiment, SprintDocument, SprintInfo

STAGES_PER_PAGE = 4  # columns of a landscape A4 page that still read from a metre away
TOP_POINTS = 5
KEY_FINDINGS = 3  # the cover's: the first of the top points
# The printed emotion curve: one row per map page, all rows at one scale across the page.
CURVE_WIDTH = 1000  # SVG units across the page; its 12-unit labels print at about 9 pt
CURVE_ROW = 20  # SVG units per emotion point
CURVE_FONT = 11  # the step names', about 8 pt
CURVE_BAND = 115  # SVG units under the axis for the step names
CURVE_ANGLE = 90  # straight down: the densest, and PDF readers find the words


@dataclass(frozen=True)
class PlacedPoint:
    """A critical point of the document with its rank and the journey it is on."""

    point: Point
    rank: int
    journey: JourneyDocument

    @property
    def id(self) -> int:
        return self.point.id

    @property
    def language(self) -> str:
        """Of the journey's content, for hyphenation and screen readers."""
        return self.journey.language

    @property
    def step(self) -> Step:
        return self.journey.step(self.point.step)

    @property
    def stage(self) -> Stage:
        return self.journey.stage(self.step.stage)

    @property
    def category(self) -> str:
        return category_label(self.point.category)

    @property
    def by_role(self) -> list[tuple[ReporterRole, int]]:
        """How many reports came from each role, in the roles' order."""
        roles = Counter(ReporterRole(r.role) for r in self.point.reports)
        return [(role, roles[role]) for role in ReporterRole if roles[role]]


@dataclass
class MapPage:
    """Some of a journey's stages, all its lanes: one landscape page of the map."""

    stages: tuple[Stage, ...]
    lanes: tuple[Lane, ...]
    cells: dict[tuple[str, str], list[Step]]
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

    journey: JourneyDocument
    pages: list[MapPage]
    points: list[PlacedPoint]
    badges: dict[str, tuple[int, int]]  # step key → (points, worst severity)

    @property
    def has_scores(self) -> bool:
        return any(page.curve.has_scores for page in self.pages if page.curve)


@dataclass(frozen=True)
class StaffStep:
    """A step with critical points in the sprint, its points in the ranking and what staff
    said of the survey items linked to it."""

    key: str
    points: list[PlacedPoint]
    items: tuple[StaffItem, ...]

    @property
    def first(self) -> PlacedPoint:
        return self.points[0]


@dataclass
class Summary:
    """Everything the sprint summary prints, in the reader's language."""

    document: SprintDocument
    journeys: list[JourneyView]
    ranked_points: list[PlacedPoint]
    top_points: list[PlacedPoint]
    experiments: list[tuple[Experiment, list[PlacedPoint]]]
    decisions: tuple[Decision, ...]
    participants: list[tuple[str | None, list[tuple[str, int, list[str]]]]]
    organisations: list[str]
    show_names: bool
    previous: SprintInfo | None = None
    changes: list[snapshot.JourneyChanges] = field(default_factory=list)
    show_staff: bool = False  # the reader asked for the staff's self-assessment
    staff_steps: list[StaffStep] = field(default_factory=list)
    staff_unlinked: int = 0  # steps with critical points that no survey item is linked to

    @property
    def staff(self) -> StaffView | None:
        return self.document.staff

    @property
    def sprint(self) -> SprintInfo:
        return self.document.sprint

    @property
    def starts_on(self) -> date | None:
        return self.sprint.starts_on

    @property
    def ends_on(self) -> date | None:
        return self.sprint.ends_on

    @property
    def step_count(self) -> int:
        return self.document.step_count

    @property
    def key_findings(self) -> list[PlacedPoint]:
        """What the cover names: the first open points of the one ranking."""
        return self.top_points[:KEY_FINDINGS]


def _map_pages(journey: JourneyDocument) -> list[MapPage]:
    """The map in landscape pages of a few stages each, and the emotion curve in the same parts,
    so a wide journey's curve stays readable instead of shrinking to a line."""
    stages = journey.stages
    cells: dict[tuple[str, str], list[Step]] = defaultdict(list)
    for step in journey.steps:
        cells[(step.stage, step.lane)].append(step)
    parts = max(1, math.ceil(len(stages) / STAGES_PER_PAGE))
    size = max(1, math.ceil(len(stages) / parts))  # even pages: 6 stages print as 3 + 3
    pages = [
        MapPage(stages[i : i + size], journey.lanes, cells, i + 1, n, parts)
        for n, i in enumerate(range(0, max(len(stages), 1), size), 1)
    ]
    widest = max(
        sum(len(cells.get((s.id, lane.id), ())) for s in page.stages for lane in journey.lanes)
        for page in pages
    )
    room = CURVE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    step_width = min(STEP_WIDTH, room / max(widest, 1))
    for page in pages:
        # The journey with this page's stages only is the board the curve is drawn from.
        page.curve = emotion_curve(
            journey.with_stages(page.stages),
            step_width,
            CURVE_ROW,
            page.first_stage_number,
            band=CURVE_BAND,
            font=CURVE_FONT,
            angle=CURVE_ANGLE,
            language=journey.language,
        )
    return pages


def _placed(journey: JourneyDocument) -> list[PlacedPoint]:
    return [
        PlacedPoint(point, rank, journey)
        for rank, point in enumerate(ranking.ranked(journey.points), 1)
    ]


def _participants(
    document: SprintDocument,
) -> list[tuple[str | None, list[tuple[str, int, list[str]]]]]:
    """By organisation (those without one last), then by role: how many, and their names."""
    grouped: dict[str | None, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for person in document.participants:
        grouped[person.organisation][person.role].append(person.name)
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


def _without_names(document: SprintDocument) -> SprintDocument:
    """The document with no personal name in it: participants, guests and facilitators lose
    theirs, and owners of decisions and experiments are shown by role and organisation (as far
    as the participants tell them) instead. Translates roles, so call it in the reader's locale."""
    people = {}
    for person in document.participants:
        people.setdefault(person.name.strip().casefold(), person)

    def owner(name: str):
        name = (name or "").strip().casefold()
        known = people.get(name) if name else None
        role = str(ROLE_LABELS[ReporterRole(known.role)]) if known else ""
        return role, known.organisation if known else None

    decisions = []
    for decision in document.decisions:
        role, organisation = owner(decision.owner)
        decisions.append(
            replace(
                decision,
                owner=role,
                owner_organisation=decision.owner_organisation or organisation,
            )
        )
    experiments = []
    for experiment in document.experiments:
        role, organisation = owner(experiment.owner)
        if role and organisation:
            role += ", " + organisation
        experiments.append(replace(experiment, owner=role, owner_organisation=organisation))
    return replace(
        document,
        participants=tuple(replace(p, name="") for p in document.participants),
        decisions=tuple(decisions),
        experiments=tuple(experiments),
    )


def _staff_steps(staff: StaffView | None, ranked: list[PlacedPoint]) -> tuple[list, int]:
    """The steps with critical points, the one with the highest-ranked point first, each with
    the survey items linked to it; and how many such steps have no linked item."""
    by_step: dict[str, list[PlacedPoint]] = {}
    for placed in ranked:
        by_step.setdefault(placed.point.step, []).append(placed)
    steps = [
        StaffStep(key, points, staff.all_for(key) if staff else ())
        for key, points in by_step.items()
    ]
    linked = [step for step in steps if step.items]
    return linked, len(steps) - len(linked)


def build_summary(
    document: SprintDocument,
    previous: SprintDocument | None,
    show_names: bool,
    show_staff: bool = False,
) -> Summary:
    """The summary of one sprint document, compared with the previous sprint's if there is one."""
    if not show_names:
        document = _without_names(document)
    journeys = []
    for journey in document.journeys:
        badges = {}
        for point in journey.points:
            count, worst = badges.get(point.step, (0, 0))
            badges[point.step] = (count + 1, max(worst, point.severity))
        journeys.append(JourneyView(journey, _map_pages(journey), _placed(journey), badges))
    everything = [p for j in journeys for p in j.points]
    ranked = sorted(everything, key=lambda placed: ranking.rank_key(placed.point))
    open_points = [p for p in ranked if p.point.status not in snapshot.CLOSED_STATUSES]
    by_id = {p.id: p for p in everything}
    organisations = sorted(
        {p.organisation for p in document.participants if p.organisation}, key=str.casefold
    )
    staff_steps, staff_unlinked = _staff_steps(document.staff, ranked) if show_staff else ([], 0)
    return Summary(
        document=document,
        journeys=journeys,
        ranked_points=ranked,
        top_points=open_points[:TOP_POINTS],
        experiments=[(e, [by_id[i] for i in e.points if i in by_id]) for e in document.experiments],
        decisions=document.decisions,
        participants=_participants(document),
        organisations=organisations,
        show_names=show_names,
        previous=previous.sprint if previous else None,
        changes=snapshot.changes(previous, document) if previous else [],
        show_staff=show_staff,
        staff_steps=staff_steps,
        staff_unlinked=staff_unlinked,
    )


def file_name(document: SprintDocument, ascii_only: bool, zone: tzinfo) -> str:
    """The PDF's file name: journeys, sprint and the day of the state it shows, e.g.
    `oppisopimuskoulutus-nykytila_tyopaikkaohjaajan-tuki_2026-12-06.pdf`."""
    journeys = "-".join(
        part for part in (filenames.slug(j.name, ascii_only) for j in document.journeys) if part
    )
    taken_on = document.taken_at.astimezone(zone).date()
    parts = (journeys[:80].strip("-"), filenames.slug(document.sprint.title, ascii_only))
    return "_".join([part for part in parts if part] + [taken_on.isoformat()]) + ".pdf"


@dataclass(frozen=True)
class SummaryPdfSource:
    """What a PDF of the summary is made from, and the names to save it under."""

    html: str
    file_name: str  # ASCII
    file_name_utf8: str


def render_summary(
    sprint, language: str, show_names: bool, links: dict, for_pdf: bool, show_staff: bool = False
) -> str:
    """The summary of a sprint as HTML in one language: the page, or what the PDF is made from."""
    document = services.document_of(sprint)
    return _render(document, sprint, language, show_names, links, for_pdf, show_staff)


def summary_pdf_source(
    sprint, language: str, show_names: bool, links: dict, show_staff: bool = False
) -> SummaryPdfSource:
    """The HTML the sprint's PDF is made from, with its file names."""
    document = services.document_of(sprint)
    zone = services.time_zone(sprint.workspace)
    return SummaryPdfSource(
        _render(document, sprint, language, show_names, links, True, show_staff),
        file_name(document, ascii_only=True, zone=zone),
        file_name(document, ascii_only=False, zone=zone),
    )


def _render(
    document, sprint, language: str, show_names: bool, links: dict, for_pdf: bool, show_staff: bool
) -> str:
    """The summary template filled from the document, in one language."""
    previous = services.previous_sprint(sprint)
    stylesheet = (
        pdf.static_url("css/print.css") if for_pdf else url_for("static", filename="css/print.css")
    )
    with force_locale(language):
        summary = build_summary(
            document, services.document_of(previous) if previous else None, show_names, show_staff
        )
        return render_template(
            "export/sprint.html",
            summary=summary,
            language=language,
            preview=not for_pdf,
            links=links,
            stylesheet=stylesheet,
        )
