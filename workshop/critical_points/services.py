"""Critical points: reporting, merging, voting, categories and where it hurts most.

Every change also counts as a change of the point's journey (journeys.services.record_change),
so live views of the journey see it and the journey's activity log tells who did what.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import selectinload

from workshop.accounts.models import Organisation, OrganisationKind, User, Workspace
from workshop.critical_points import ranking
from workshop.critical_points.models import (
    DEFAULT_CATEGORIES,
    SUGGESTION_SOURCE_MAX,
    TITLE_MAX,
    Category,
    CriticalPoint,
    PointStatus,
    Report,
    ReporterRole,
    Vote,
)
from workshop.extensions import db
from workshop.ids import parse_id
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey, JourneyKind, Stage, Step, StepSuggestion
from workshop.models_base import utcnow


class PointError(Exception):
    """A rule about critical points was broken."""


class NotFound(PointError):
    """The category, organisation or point named belongs elsewhere or does not exist."""


class Conflict(PointError):
    """Someone saved the point after the version being edited."""


def organisation_kind_for(role: ReporterRole) -> OrganisationKind:
    """What an organisation first named by someone in this role most likely is."""
    employer = role in (ReporterRole.EMPLOYER, ReporterRole.WORKPLACE_INSTRUCTOR)
    return OrganisationKind.EMPLOYER if employer else OrganisationKind.OTHER


def new_submission_key() -> str:
    """A one-time key for a report form, so a double click saves one point."""
    return uuid.uuid4().hex


# --- categories --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryChoice:
    """A category as offered in forms: defaults by key until renamed, custom ones by id."""

    value: str
    key: str | None
    name: str | None
    retired: bool


def category_choices(workspace: Workspace, include_retired: bool = False) -> list[CategoryChoice]:
    """The default taxonomy (as the workspace renamed or retired it) and the workspace's own."""
    rows = db.session.scalars(select(Category).where(Category.workspace_id == workspace.id)).all()
    by_key = {row.key: row for row in rows if row.key}
    choices = []
    for key in DEFAULT_CATEGORIES:
        row = by_key.get(key)
        choices.append(
            CategoryChoice(
                value=f"key:{key}",
                key=key,
                name=row.name if row else None,
                retired=bool(row and row.retired_at),
            )
        )
    for row in sorted((r for r in rows if not r.key), key=lambda r: (r.name or "").lower()):
        choices.append(CategoryChoice(f"id:{row.id}", None, row.name, bool(row.retired_at)))
    return [c for c in choices if include_retired or not c.retired]


def resolve_category(workspace: Workspace, value: str) -> Category:
    """The category a form value names, creating the row of a default on first use."""
    kind, _, ident = value.partition(":")
    if kind == "key" and ident in DEFAULT_CATEGORIES:
        row = db.session.scalar(
            select(Category).where(Category.workspace_id == workspace.id, Category.key == ident)
        )
        if row is None:
            row = Category(workspace_id=workspace.id, key=ident)
            db.session.add(row)
            db.session.flush()
        return row
    category_id = parse_id(ident) if kind == "id" else None
    if category_id is not None:
        row = db.session.scalar(
            select(Category).where(
                Category.workspace_id == workspace.id, Category.id == category_id
            )
        )
        if row is not None:
            return row
    raise NotFound("category")


class NameTaken(PointError):
    """Another category of the workspace already has this name."""


def _check_name_free(workspace: Workspace, name: str, value: str | None = None) -> None:
    """Category names differ by more than case, so nobody picks the wrong twin."""
    for choice in category_choices(workspace, include_retired=True):
        shown = choice.name or (str(DEFAULT_CATEGORIES.get(choice.key, "")) if choice.key else "")
        if choice.value != value and shown.casefold() == name.strip().casefold():
            raise NameTaken(name)


def _default_names(key: str) -> set[str]:
    """A default category's name in every language Polku speaks, folded."""
    names = set()
    for language in current_app.config["LANGUAGES"]:
        with force_locale(language):
            names.add(str(DEFAULT_CATEGORIES[key]).casefold())
    return names


def find_category(workspace: Workspace, name: str) -> Category | None:
    """The category called so (a default one in any language too), ignoring case."""
    wanted = name.strip().casefold()
    for choice in category_choices(workspace, include_retired=True):
        if choice.name:
            names = {choice.name.casefold()}
        else:
            names = _default_names(choice.key) if choice.key else set()
        if wanted in names:
            return resolve_category(workspace, choice.value)
    return None


def add_category(workspace: Workspace, name: str) -> Category:
    """A workspace's own category."""
    _check_name_free(workspace, name)
    row = Category(workspace_id=workspace.id, name=name.strip())
    db.session.add(row)
    db.session.flush()
    return row


def rename_category(workspace: Workspace, value: str, name: str) -> None:
    """Give a category (a default one too) the workspace's own name."""
    _check_name_free(workspace, name, value)
    resolve_category(workspace, value).name = name.strip()


def retire_category(workspace: Workspace, value: str, retired: bool) -> None:
    """Stop offering a category for new points, or offer it again; old points keep it."""
    resolve_category(workspace, value).retired_at = utcnow() if retired else None


# --- reading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PointFilter:
    """What the board and the list show; None means any."""

    role: ReporterRole | None = None
    category_id: int | None = None
    status: PointStatus | None = None
    severity: int | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.role, self.category_id, self.status, self.severity))


def _filtered(query, filters: PointFilter):
    if filters.category_id is not None:
        query = query.where(CriticalPoint.category_id == filters.category_id)
    if filters.status is not None:
        query = query.where(CriticalPoint.status == filters.status)
    if filters.severity is not None:
        query = query.where(CriticalPoint.severity == filters.severity)
    if filters.role is not None:
        query = query.where(
            CriticalPoint.id.in_(
                select(Report.point_id).where(Report.reporter_role == filters.role)
            )
        )
    return query


@dataclass
class StepSummary:
    """A step's critical points as the board badge shows them."""

    count: int = 0
    highest: int = 0
    load: int = 0


def step_summaries(
    journey: Journey, filters: PointFilter = PointFilter()
) -> dict[int, StepSummary]:
    """Per step: how many points (of those the filter keeps), the highest severity, the load."""
    query = _filtered(
        select(
            CriticalPoint.step_id,
            func.count(CriticalPoint.id),
            func.max(CriticalPoint.severity),
            func.sum(CriticalPoint.severity),
        )
        .join(Step, Step.id == CriticalPoint.step_id)
        .where(CriticalPoint.journey_id == journey.id, Step.deleted_at.is_(None))
        .group_by(CriticalPoint.step_id),
        filters,
    )
    return {
        step_id: StepSummary(count, highest or 0, load or 0)
        for step_id, count, highest, load in db.session.execute(query)
    }


SORTS = tuple(ranking.SORT_KEYS)


@dataclass(frozen=True)
class PointRow(ranking.TalliedPoint):
    """A point with its tally and the other numbers the list shows and sorts by."""

    reports: int
    organisations: int
    employers: int
    voted: bool


def list_points(
    journey: Journey,
    user: User,
    filters: PointFilter = PointFilter(),
    sort: str = "votes",
    step: Step | None = None,
) -> list[PointRow]:
    """The journey's points (or one step's) with votes, dots and reports counted, sorted."""
    query = _filtered(
        points_on_live_steps(journey.id).options(
            selectinload(CriticalPoint.reports),
            selectinload(CriticalPoint.votes),
            selectinload(CriticalPoint.category),
            selectinload(CriticalPoint.step),
        ),
        filters,
    )
    if step is not None:
        query = query.where(CriticalPoint.step_id == step.id)
    found = list(db.session.scalars(query))
    tallies = ranking.tallies(p.id for p in found)
    rows = []
    for point in found:
        organisations = {r.organisation_id for r in point.reports if r.organisation_id}
        employer_orgs = {
            r.organisation_id
            for r in point.reports
            if r.organisation_id and r.reporter_role == ReporterRole.EMPLOYER
        }
        rows.append(
            PointRow(
                point=point,
                tally=tallies[point.id],
                reports=len(point.reports),
                organisations=len(organisations),
                employers=len(employer_orgs),
                voted=any(v.user_id == user.id for v in point.votes),
            )
        )
    return ranking.sorted_by(rows, sort)


def points_on_live_steps(journey_id: int) -> Select:
    """The query for a journey's points on its live steps: a step in the trash hides its
    points too."""
    return (
        select(CriticalPoint)
        .join(Step, Step.id == CriticalPoint.step_id)
        .where(CriticalPoint.journey_id == journey_id, Step.deleted_at.is_(None))
    )


def get_point(journey: Journey, point_id: int) -> CriticalPoint | None:
    """A point of this journey on a live step."""
    return db.session.scalar(
        points_on_live_steps(journey.id)
        .options(selectinload(CriticalPoint.reports).selectinload(Report.organisation))
        .where(CriticalPoint.id == point_id)
    )


def open_suggestions(step: Step) -> list[StepSuggestion]:
    """The step's template suggestions nobody has confirmed or dismissed yet."""
    return list(
        db.session.scalars(
            select(StepSuggestion)
            .where(StepSuggestion.step_id == step.id, StepSuggestion.handled_at.is_(None))
            .order_by(StepSuggestion.id)
        )
    )


def open_suggestion_counts(journey: Journey) -> dict[int, int]:
    """Per step: how many template suggestions wait for the team."""
    rows = db.session.execute(
        select(StepSuggestion.step_id, func.count(StepSuggestion.id))
        .join(Step, Step.id == StepSuggestion.step_id)
        .where(Step.journey_id == journey.id, StepSuggestion.handled_at.is_(None))
        .group_by(StepSuggestion.step_id)
    )
    return dict(rows.all())


# --- changes -----------------------------------------------------------------------------------


def _organisation(workspace: Workspace, organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = db.session.scalar(
        select(Organisation).where(
            Organisation.id == organisation_id, Organisation.workspace_id == workspace.id
        )
    )
    if organisation is None:
        raise NotFound("organisation")
    return organisation


@dataclass(frozen=True)
class ReportData:
    """Who reported, from where, and the evidence."""

    role: ReporterRole
    organisation_id: int | None = None
    quote: str = ""
    source: str = ""
    reported_on: date | None = None


def _report(workspace, user: User | None, data: ReportData) -> Report:
    return Report(
        reporter_role=data.role,
        organisation=_organisation(workspace, data.organisation_id),
        quote=data.quote.strip(),
        source=data.source.strip(),
        reported_on=data.reported_on,
        created_by_id=user.id if user else None,
    )


@dataclass(frozen=True)
class NewPoint:
    """A critical point as it is reported: on which step, what, how bad, and the first report.

    `category` is a category choice ("key:…" or "id:…", see `resolve_category`); a form's
    `submission_key` makes a second submission of the same form return the first one's point.
    """

    step: Step
    title: str
    severity: int
    report: ReportData
    description: str = ""
    category: str | None = None
    submission_key: str | None = None


def report_point(
    workspace: Workspace, journey: Journey, user: User | None, new: NewPoint
) -> CriticalPoint:
    """A new critical point on a live step, with its first report (user None: a guest's).

    A second submission of the same form (same key) returns the point the first one made.
    """
    step, title, description, severity = new.step, new.title, new.description, new.severity
    category_value, report, submission_key = new.category, new.report, new.submission_key
    if step.journey_id != journey.id or step.deleted_at is not None:
        raise NotFound("step")
    if submission_key:
        earlier = db.session.scalar(
            select(CriticalPoint).where(CriticalPoint.submission_key == submission_key)
        )
        if earlier is not None:
            if earlier.journey_id != journey.id:
                raise NotFound("submission")
            return earlier
    journeys.record_change(journey, user, "point_reported", title.strip())
    # Two clicks at the same instant both got past the check above; the journey row they
    # queue on lets only the first through, and the second finds its point here.
    if submission_key:
        earlier = db.session.scalar(
            select(CriticalPoint).where(CriticalPoint.submission_key == submission_key)
        )
        if earlier is not None:
            return earlier
    category = resolve_category(workspace, category_value) if category_value else None
    point = CriticalPoint(
        journey=journey,
        step=step,
        title=title.strip(),
        description=description.strip(),
        severity=severity,
        category=category,
        submission_key=submission_key or None,
        created_by_id=user.id if user else None,
    )
    point.reports.append(_report(workspace, user, report))
    db.session.add(point)
    db.session.flush()
    return point


def add_report(workspace: Workspace, point: CriticalPoint, user: User, data: ReportData) -> Report:
    """Another person's report of the same problem."""
    journeys.record_change(point.journey, user, "report_added", point.title)
    report = _report(workspace, user, data)
    point.reports.append(report)
    db.session.flush()
    return report


def update_point(
    workspace: Workspace,
    point: CriticalPoint,
    user: User,
    expected_version: int,
    title: str,
    description: str,
    severity: int,
    category_value: str | None,
) -> None:
    """Edit a point; Conflict if someone saved it after `expected_version`."""
    journeys.record_change(point.journey, user, "point_edited", title.strip())
    db.session.refresh(point)
    if point.version != expected_version:
        raise Conflict()
    point.title, point.description = title.strip(), description.strip()
    point.severity = severity
    point.category = resolve_category(workspace, category_value) if category_value else None
    point.version += 1
    db.session.flush()


def set_status(point: CriticalPoint, user: User, status: PointStatus) -> None:
    """Move a point along open → being tested → resolved / won't fix, noting who and when."""
    if point.status == status:
        return
    journeys.record_change(point.journey, user, "point_status", point.title)
    point.status = status
    point.status_changed_at, point.status_changed_by_id = utcnow(), user.id
    db.session.flush()


def merge_points(target: CriticalPoint, other: CriticalPoint, user: User) -> None:
    """Fold `other` into `target`: every report, vote and live dot moves over, `other` goes."""
    if target.id == other.id or target.journey_id != other.journey_id:
        raise PointError("merge")
    journeys.record_change(target.journey, user, "points_merged", target.title)
    for report in list(other.reports):
        report.point = target
    voters = {v.user_id for v in target.votes}
    for vote in list(other.votes):
        if vote.user_id not in voters:
            vote.point = target
    ranking.move_dots(other.id, target.id)
    db.session.flush()
    db.session.delete(other)
    db.session.flush()


def toggle_vote(point: CriticalPoint, user: User) -> bool:
    """Vote for the point, or take the vote back; True if the user now votes for it."""
    journeys.record_change(point.journey, user, "point_voted", point.title)
    removed = db.session.execute(
        delete(Vote).where(Vote.point_id == point.id, Vote.user_id == user.id)
    ).rowcount
    if removed:
        db.session.flush()
        db.session.expire(point, ["votes"])
        return False
    db.session.add(Vote(point_id=point.id, user_id=user.id))
    db.session.flush()
    db.session.expire(point, ["votes"])
    return True


def confirm_suggestion(
    workspace: Workspace,
    journey: Journey,
    suggestion: StepSuggestion,
    user: User,
    severity: int = 2,
    category_value: str | None = None,
) -> CriticalPoint:
    """Turn a template suggestion into a real point, keeping where it came from."""
    step = suggestion.step
    if step.journey_id != journey.id or step.deleted_at is not None or suggestion.handled_at:
        raise NotFound("suggestion")
    journeys.record_change(journey, user, "suggestion_confirmed", suggestion.text[:120])
    title = (
        suggestion.text
        if len(suggestion.text) <= TITLE_MAX
        else suggestion.text[: TITLE_MAX - 1] + "…"
    )
    point = CriticalPoint(
        journey=journey,
        step=step,
        title=title,
        description=suggestion.text if title != suggestion.text else "",
        severity=severity,
        category=resolve_category(workspace, category_value) if category_value else None,
        suggestion_source=_source_line(suggestion),
        created_by_id=user.id,
    )
    db.session.add(point)
    suggestion.handled_at = utcnow()
    db.session.flush()
    return point


def _source_line(suggestion: StepSuggestion) -> str:
    """ "Title – address" of the suggestion's source, or its basis; a title too long for the
    column is shortened, never the address (a source in Finnish can be long)."""
    title, url = suggestion.source_title, suggestion.source_url
    line = " – ".join(p for p in (title, url) if p) or suggestion.basis
    if len(line) <= SUGGESTION_SOURCE_MAX:
        return line
    room = SUGGESTION_SOURCE_MAX - len(url) - len(" – ") - 1
    if room < 10:
        return url[:SUGGESTION_SOURCE_MAX]
    return f"{title[:room].rstrip()}… – {url}"


def dismiss_suggestion(journey: Journey, suggestion: StepSuggestion, user: User) -> None:
    """Set a template suggestion aside: it does not apply here."""
    step = suggestion.step
    if step.journey_id != journey.id or step.deleted_at is not None or suggestion.handled_at:
        raise NotFound("suggestion")
    journeys.record_change(journey, user, "suggestion_dismissed", suggestion.text[:120])
    suggestion.handled_at = utcnow()
    db.session.flush()


def get_suggestion(journey: Journey, suggestion_id: int) -> StepSuggestion | None:
    """A suggestion on a live step of this journey."""
    return db.session.scalar(
        select(StepSuggestion)
        .join(Step, Step.id == StepSuggestion.step_id)
        .where(
            StepSuggestion.id == suggestion_id,
            Step.journey_id == journey.id,
            Step.deleted_at.is_(None),
        )
    )


# --- where it hurts most -----------------------------------------------------------------------


SPOT_POINTS = 5  # of a step's points, how many the page names


@dataclass(frozen=True)
class SpotPoint:
    """A critical point of a hot spot: what the ranking needs and the page shows."""

    id: int
    title: str
    severity: int
    report_count: int
    tally: ranking.Tally

    @property
    def support(self) -> int:
        return self.tally.support


@dataclass
class HotSpot:
    """One step (matched across journeys by its key) and the points reported on it."""

    key: str
    title: str
    stage: str
    points: int = 0
    load: int = 0
    support: int = 0
    journeys: set[int] = field(default_factory=set)
    by_role: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    by_category: dict[int | None, int] = field(default_factory=lambda: defaultdict(int))
    ranked: list[SpotPoint] = field(default_factory=list)  # all its points, in the ranking

    @property
    def dots(self) -> int:
        return sum(p.tally.dots for p in self.ranked)

    @property
    def votes(self) -> int:
        return sum(p.tally.votes for p in self.ranked)

    @property
    def named(self) -> list[SpotPoint]:
        """The points the page names: the first few in the ranking."""
        return self.ranked[:SPOT_POINTS]


def hot_spots(workspaces: list[Workspace], kind: JourneyKind, limit: int = 15) -> list[HotSpot]:
    """Across all journeys of one kind: the steps with the most critical points, broken down,
    each with its points in the ranking (votes and dots).

    Steps made from the same template step share a key, so one step of the process counts
    once however many journeys (as-is, to-be, per sprint) it appears in.
    """
    rows = db.session.execute(
        select(CriticalPoint, Step, Stage.title)
        .join(Step, Step.id == CriticalPoint.step_id)
        .join(Stage, Stage.id == Step.stage_id)
        .join(Journey, Journey.id == CriticalPoint.journey_id)
        .where(
            Journey.workspace_id.in_([w.id for w in workspaces]),
            Journey.kind == kind,
            Journey.deleted_at.is_(None),
            Step.deleted_at.is_(None),
        )
        .options(selectinload(CriticalPoint.reports))
    ).all()
    tallies = ranking.tallies(point.id for point, _step, _stage in rows)
    spots: dict[str, HotSpot] = {}
    for point, step, stage_title in rows:
        spot = spots.setdefault(step.key, HotSpot(step.key, step.title, stage_title))
        spot.points += 1
        spot.load += point.severity
        spot.support += tallies[point.id].support
        spot.journeys.add(point.journey_id)
        spot.by_category[point.category_id] += 1
        for report in point.reports:
            spot.by_role[report.reporter_role.value] += 1
        spot.ranked.append(
            SpotPoint(point.id, point.title, point.severity, len(point.reports), tallies[point.id])
        )
    for spot in spots.values():
        spot.ranked = ranking.ranked(spot.ranked)
    return sorted(spots.values(), key=lambda s: (-s.points, -s.load, -s.support, s.title))[:limit]


def category_keys(rows) -> list[str]:
    """The default categories' keys among some points' rows (a workspace's own category has
    no key): what the competence survey's items are linked to."""
    return sorted({r.point.category.key for r in rows if r.point.category and r.point.category.key})


def spot_category_keys(spot: HotSpot, categories: dict[int, Category]) -> list[str]:
    """The default categories' keys among a hot spot's points, given the categories by id."""
    return sorted(
        {categories[c].key for c in spot.by_category if c in categories and categories[c].key}
    )


def used_categories(workspace: Workspace) -> list[Category]:
    """The workspace's category rows: its own, and the defaults it has used or renamed."""
    return list(db.session.scalars(select(Category).where(Category.workspace_id == workspace.id)))
