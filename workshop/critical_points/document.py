"""A journey's critical points in its document: read from the database in the ranking's order
with their votes and dots, and written back as new points of a journey.

The live domain sits above this one; it hands down how to find the organisation a guest typed
(for reports the workspace has no organisation for yet) through `init_app`, called in create_app.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import suppress
from dataclasses import replace

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.accounts import services as accounts
from workshop.accounts.models import Organisation, OrganisationKind, User, Workspace
from workshop.critical_points import ranking, services
from workshop.critical_points.models import (
    Category,
    CriticalPoint,
    PointStatus,
    Report,
    ReporterRole,
)
from workshop.extensions import db
from workshop.journeys import document
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey, Step

TypedOrganisations = Callable[[Sequence[int]], Mapping[int, str]]
_TYPED_ORGANISATIONS = "polku.typed_organisations"


def init_app(app, typed_organisations: TypedOrganisations) -> None:
    """Take the live domain's lookup: report id → the organisation its guest typed."""
    app.extensions[_TYPED_ORGANISATIONS] = typed_organisations


def _typed(report_ids: list[int]) -> Mapping[int, str]:
    lookup = current_app.extensions.get(_TYPED_ORGANISATIONS)
    return lookup(report_ids) if lookup is not None and report_ids else {}


def journey_document(
    journey: Journey, typed_organisations: bool = False
) -> document.JourneyDocument:
    """The whole journey: its structure and the critical points on its live steps.

    With `typed_organisations`, a report from a guest whose organisation the workspace does not
    have yet names it as the guest typed it (a snapshot keeps what the room said); without, such
    a report has no organisation (an export names only the workspace's organisations).
    """
    structure = journeys.structure_document(journey)
    return replace(structure, points=points_of(journey, structure, typed_organisations))


def points_of(
    journey: Journey, structure: document.JourneyDocument, typed_organisations: bool = False
) -> tuple[document.Point, ...]:
    """The points on the document's steps, with votes and dots, in the ranking's order."""
    keys = {step.key for step in structure.steps}
    found = [
        p
        for p in db.session.scalars(
            services.points_on_live_steps(journey.id).options(
                selectinload(CriticalPoint.step),
                selectinload(CriticalPoint.category),
                selectinload(CriticalPoint.reports).selectinload(Report.organisation),
            )
        )
        if p.step.key in keys
    ]
    tallies = ranking.tallies(p.id for p in found)
    typed = (
        _typed([r.id for p in found for r in p.reports if r.organisation_id is None])
        if typed_organisations
        else {}
    )
    return tuple(ranking.ranked(_point(p, tallies[p.id], typed) for p in found))


def _point(point: CriticalPoint, tally: ranking.Tally, typed: Mapping[int, str]) -> document.Point:
    return document.Point(
        id=point.id,
        step=point.step.key,
        title=point.title,
        description=point.description,
        severity=point.severity,
        status=point.status.value,
        category=(
            None
            if point.category is None
            else document.Category(point.category.key, point.category.name)
        ),
        suggestion_source=point.suggestion_source,
        votes=tally.votes,
        dots=tally.dots,
        reports=tuple(
            document.Report(
                role=r.reporter_role.value,
                organisation=r.organisation.name if r.organisation else typed.get(r.id),
                quote=r.quote,
                source=r.source,
                reported_on=r.reported_on,
            )
            for r in point.reports
        ),
    )


def write_points(
    workspace: Workspace,
    user: User,
    journey: Journey,
    steps: Mapping[str, Step],
    entries: Iterable[document.Point],
) -> None:
    """The document's points and reports as new points of the journey, made by `user`.

    Ids, votes and dots stay behind: votes belong to the members of the room they were given in.
    Status changes keep no time or person: the document does not carry them.
    """
    entries = list(entries)
    categories = _categories(workspace, [e.category for e in entries if e.category])
    organisations = _organisations(
        workspace,
        [
            (r.organisation, ReporterRole(r.role))
            for e in entries
            for r in e.reports
            if r.organisation
        ],
    )
    for entry in entries:
        point = CriticalPoint(
            journey=journey,
            step=steps[entry.step],
            title=entry.title,
            description=entry.description,
            severity=entry.severity,
            category=categories[entry.category] if entry.category else None,
            status=PointStatus(entry.status),
            suggestion_source=entry.suggestion_source,
            created_by_id=user.id,
        )
        point.reports = [
            Report(
                reporter_role=ReporterRole(r.role),
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


def _categories(
    workspace: Workspace, wanted: list[document.Category]
) -> dict[document.Category, Category]:
    """The workspace's category for each one the document names, made where it has none.

    A default category the workspace already has keeps its name: writing renames nothing.
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
    found: dict[document.Category, Category] = {}
    for data in wanted:
        if data in found:
            continue
        if data.key:
            row = services.resolve_category(workspace, f"key:{data.key}")
            if data.key not in known_keys:
                known_keys.add(data.key)
                if data.name is not None:
                    # The document's name for a default the workspace never used, unless another
                    # category of the workspace is already called so.
                    with suppress(services.NameTaken):
                        services.rename_category(workspace, f"key:{data.key}", data.name)
        else:
            row = own.get(_fold(data.name)) or services.find_category(workspace, data.name)
            if row is None:
                row = own[_fold(data.name)] = services.add_category(workspace, data.name)
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
