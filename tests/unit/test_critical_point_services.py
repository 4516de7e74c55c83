"""Critical points through their services and a real database: reports, merges, votes,
suggestions, categories, summaries for the board and where it hurts most."""

import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT
from workshop.critical_points import services
from workshop.critical_points.models import (
    DEFAULT_CATEGORIES,
    CriticalPoint,
    PointStatus,
    Report,
    ReporterRole,
    Vote,
)
from workshop.critical_points.services import PointFilter, ReportData
from workshop.extensions import db
from workshop.journey_templates.loader import load_template
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey, JourneyKind, Step

TEMPLATE = ROOT / "journeys" / "apprenticeship.toml"


@pytest.fixture
def owner(make_user):
    return make_user(name="Aino")


@pytest.fixture
def workspace(make_workspace, owner):
    return make_workspace(owner=owner)


def new_journey(workspace, owner, name="Oppisopimus", kind=JourneyKind.APPRENTICESHIP):
    journey = journeys.create_journey(
        workspace, owner, name, kind, "en", template=load_template(TEMPLATE)
    )
    db.session.commit()
    return journey


@pytest.fixture
def journey(workspace, owner):
    return new_journey(workspace, owner)


def version_of(journey) -> int:
    return db.session.scalar(select(Journey.version).where(Journey.id == journey.id))


def step_of(journey, key: str) -> Step:
    return db.session.scalar(
        select(Step).where(Step.journey_id == journey.id, Step.key == f"apprenticeship.{key}")
    )


def point_count() -> int:
    return db.session.scalar(select(func.count(CriticalPoint.id)))


def report(
    workspace,
    journey,
    user,
    key="assess_workplace",
    title="Lomake hukassa",
    severity=2,
    role=ReporterRole.EMPLOYER,
    category=None,
    submission_key=None,
    **report_fields,
):
    point = services.report_point(
        workspace,
        journey,
        user,
        services.NewPoint(
            step=step_of(journey, key),
            title=title,
            severity=severity,
            category=category,
            report=ReportData(role=role, **report_fields),
            submission_key=submission_key,
        ),
    )
    db.session.commit()
    return point


# --- reporting ---------------------------------------------------------------------------------


def test_report_creates_the_point_with_its_first_report_and_counts_one_change(
    workspace, journey, owner
):
    before = version_of(journey)
    point = report(
        workspace,
        journey,
        owner,
        title="  Kukaan ei vastaa puhelimeen  ",
        severity=3,
        category="key:communication",
        quote="Soitin kolme kertaa.",
        source="työpaja 12.3.",
    )
    assert version_of(journey) == before + 1
    saved = db.session.get(CriticalPoint, point.id)
    assert saved.title == "Kukaan ei vastaa puhelimeen"
    assert saved.severity == 3 and saved.status == PointStatus.OPEN
    assert saved.step.key == "apprenticeship.assess_workplace"
    assert saved.category.key == "communication" and saved.category.workspace_id == workspace.id
    assert [(r.reporter_role, r.quote, r.source) for r in saved.reports] == [
        (ReporterRole.EMPLOYER, "Soitin kolme kertaa.", "työpaja 12.3.")
    ]
    assert saved.reports[0].created_by_id == owner.id


def test_the_same_submission_key_twice_gives_one_point(workspace, journey, owner):
    key = services.new_submission_key()
    first = report(workspace, journey, owner, submission_key=key)
    second = report(workspace, journey, owner, submission_key=key)
    assert second.id == first.id
    assert point_count() == 1
    assert db.session.scalar(select(func.count(Report.id))) == 1


def test_a_trashed_step_takes_no_points(workspace, journey, owner):
    step = step_of(journey, "assess_workplace")
    journeys.trash_step(journey, owner, step)
    db.session.commit()
    with pytest.raises(services.NotFound):
        report(workspace, journey, owner)
    db.session.rollback()
    assert point_count() == 0


def test_an_organisation_of_another_workspace_is_not_found(
    workspace, journey, owner, make_workspace, make_user
):
    from workshop.accounts import services as accounts
    from workshop.accounts.models import OrganisationKind

    other = make_workspace(owner=make_user())
    theirs = accounts.add_organisation(other, "Vieras Oy", OrganisationKind.EMPLOYER)
    db.session.commit()
    with pytest.raises(services.NotFound):
        report(workspace, journey, owner, organisation_id=theirs.id)
    db.session.rollback()
    assert point_count() == 0


# --- merging, voting, status -------------------------------------------------------------------


def test_merge_moves_reports_and_votes_and_a_double_voter_keeps_one_vote(
    workspace, journey, owner, make_user
):
    both, only_other = make_user(), make_user()
    target = report(workspace, journey, owner, title="A", role=ReporterRole.EMPLOYER)
    other = report(workspace, journey, owner, title="B", role=ReporterRole.TEACHER)
    services.add_report(workspace, other, owner, ReportData(role=ReporterRole.STUDENT))
    services.toggle_vote(target, both)
    services.toggle_vote(other, both)
    services.toggle_vote(other, only_other)
    db.session.commit()
    other_id = other.id

    services.merge_points(target, other, owner)
    db.session.commit()

    assert db.session.get(CriticalPoint, other_id) is None
    assert point_count() == 1
    merged = db.session.get(CriticalPoint, target.id)
    db.session.refresh(merged)
    assert sorted(r.reporter_role.value for r in merged.reports) == [
        "employer",
        "student",
        "teacher",
    ]
    assert sorted(v.user_id for v in merged.votes) == sorted([both.id, only_other.id])
    assert db.session.scalar(select(func.count(Vote.id))) == 2


def test_merge_refuses_itself_and_another_journey(workspace, journey, owner):
    point = report(workspace, journey, owner, title="A")
    second = new_journey(workspace, owner, name="Tavoitetila")
    foreign = report(workspace, second, owner, title="B")
    before = version_of(journey)
    with pytest.raises(services.PointError):
        services.merge_points(point, point, owner)
    with pytest.raises(services.PointError):
        services.merge_points(point, foreign, owner)
    db.session.rollback()
    assert point_count() == 2
    assert len(db.session.get(CriticalPoint, point.id).reports) == 1
    assert len(db.session.get(CriticalPoint, foreign.id).reports) == 1
    assert version_of(journey) == before


def test_toggle_vote_gives_and_takes_back(workspace, journey, owner):
    point = report(workspace, journey, owner)
    assert services.toggle_vote(point, owner) is True
    db.session.commit()
    assert [v.user_id for v in db.session.get(CriticalPoint, point.id).votes] == [owner.id]
    assert services.toggle_vote(point, owner) is False
    db.session.commit()
    assert db.session.get(CriticalPoint, point.id).votes == []
    assert db.session.scalar(select(func.count(Vote.id))) == 0


def test_set_status_records_who_and_when(workspace, journey, owner, make_user):
    mover = make_user(name="Mikko")
    point = report(workspace, journey, owner)
    assert point.status_changed_at is None
    before = version_of(journey)
    services.set_status(point, mover, PointStatus.TESTING)
    db.session.commit()
    saved = db.session.get(CriticalPoint, point.id)
    assert saved.status == PointStatus.TESTING
    assert saved.status_changed_by_id == mover.id and saved.status_changed_by.name == "Mikko"
    assert saved.status_changed_at is not None
    assert version_of(journey) == before + 1
    # The same status again is no change at all.
    services.set_status(saved, owner, PointStatus.TESTING)
    db.session.commit()
    assert version_of(journey) == before + 1
    assert db.session.get(CriticalPoint, point.id).status_changed_by_id == mover.id


# --- template suggestions ----------------------------------------------------------------------


def test_confirm_suggestion_makes_a_point_that_keeps_its_source(workspace, journey, owner):
    step = step_of(journey, "assess_workplace")
    suggestion = services.open_suggestions(step)[0]
    assert suggestion.source_title
    before = version_of(journey)
    point = services.confirm_suggestion(
        workspace, journey, suggestion, owner, severity=3, category_value="key:assessment"
    )
    db.session.commit()
    saved = db.session.get(CriticalPoint, point.id)
    assert saved.step_id == step.id and saved.severity == 3
    assert saved.title == suggestion.text or (len(saved.title) == 160 and saved.title.endswith("…"))
    assert suggestion.source_title in saved.suggestion_source
    assert saved.category.key == "assessment"
    assert saved.reports == []
    assert suggestion.id not in [s.id for s in services.open_suggestions(step)]
    assert len(services.open_suggestions(step)) == 1
    assert services.open_suggestion_counts(journey)[step.id] == 1
    assert version_of(journey) == before + 1
    with pytest.raises(services.NotFound):
        services.confirm_suggestion(workspace, journey, suggestion, owner)
    db.session.rollback()
    assert point_count() == 1


def test_dismiss_suggestion_sets_it_aside_without_a_point(workspace, journey, owner):
    step = step_of(journey, "assess_workplace")
    suggestion = services.open_suggestions(step)[0]
    services.dismiss_suggestion(journey, suggestion, owner)
    db.session.commit()
    assert suggestion.id not in [s.id for s in services.open_suggestions(step)]
    assert point_count() == 0
    with pytest.raises(services.NotFound):
        services.dismiss_suggestion(journey, suggestion, owner)
    db.session.rollback()


def test_a_suggestion_of_another_journey_is_not_handled(workspace, journey, owner):
    second = new_journey(workspace, owner, name="Tavoitetila")
    theirs = services.open_suggestions(step_of(second, "assess_workplace"))[0]
    assert services.get_suggestion(journey, theirs.id) is None
    with pytest.raises(services.NotFound):
        services.confirm_suggestion(workspace, journey, theirs, owner)
    db.session.rollback()
    assert point_count() == 0


# --- board summaries ---------------------------------------------------------------------------


def test_step_summaries_count_highest_and_load_and_honour_filters(workspace, journey, owner):
    first, second = step_of(journey, "assess_workplace"), step_of(journey, "draft_hoks")
    report(workspace, journey, owner, "assess_workplace", "a", 1, ReporterRole.EMPLOYER)
    report(workspace, journey, owner, "assess_workplace", "b", 3, ReporterRole.TEACHER)
    report(workspace, journey, owner, "draft_hoks", "c", 2, ReporterRole.EMPLOYER)

    def summary(filters=None):
        return {
            step_id: (s.count, s.highest, s.load)
            for step_id, s in services.step_summaries(journey, filters or PointFilter()).items()
        }

    assert summary() == {first.id: (2, 3, 4), second.id: (1, 2, 2)}
    assert summary(PointFilter(role=ReporterRole.EMPLOYER)) == {
        first.id: (1, 1, 1),
        second.id: (1, 2, 2),
    }
    assert summary(PointFilter(severity=3)) == {first.id: (1, 3, 3)}
    assert summary(PointFilter(role=ReporterRole.EMPLOYER, severity=3)) == {}
    assert summary(PointFilter(role=ReporterRole.STUDENT)) == {}
    journeys.trash_step(journey, owner, step_of(journey, "draft_hoks"))
    db.session.commit()
    assert summary() == {first.id: (2, 3, 4)}


def test_list_points_sorts_by_votes_severity_reports_and_age(workspace, journey, owner, make_user):
    voters = [make_user(), make_user()]
    a = report(workspace, journey, owner, title="a", severity=1)
    services.add_report(workspace, a, owner, ReportData(role=ReporterRole.TEACHER))
    b = report(workspace, journey, owner, title="b", severity=3)
    c = report(workspace, journey, owner, title="c", severity=2)
    services.toggle_vote(b, voters[0])
    services.toggle_vote(c, voters[0])
    services.toggle_vote(c, voters[1])
    db.session.commit()

    def order(sort):
        return [row.point.title for row in services.list_points(journey, voters[0], sort=sort)]

    assert order("votes") == ["c", "b", "a"]
    assert order("severity") == ["b", "c", "a"]
    # Equal reports fall back on the ranking: c's two votes before b's one, severity after.
    assert order("reports") == ["a", "c", "b"]
    assert order("age") == ["a", "b", "c"]
    assert order("nonsense") == order("votes")
    rows = {r.point.title: r for r in services.list_points(journey, voters[0])}
    assert (rows["a"].reports, rows["a"].votes, rows["a"].voted) == (2, 0, False)
    assert (rows["c"].reports, rows["c"].votes, rows["c"].voted) == (1, 2, True)


# --- categories --------------------------------------------------------------------------------


def test_category_choices_show_defaults_renames_retirements_and_own(workspace):
    choices = services.category_choices(workspace)
    assert [c.value for c in choices] == [f"key:{k}" for k in DEFAULT_CATEGORIES]
    assert all(c.name is None and not c.retired for c in choices)

    services.rename_category(workspace, "key:paperwork", "  Paperit  ")
    services.retire_category(workspace, "key:timing", True)
    own = services.add_category(workspace, "Oma kategoria")
    db.session.commit()

    choices = {c.value: c for c in services.category_choices(workspace)}
    assert choices["key:paperwork"].name == "Paperit"
    assert "key:timing" not in choices
    assert choices[f"id:{own.id}"].name == "Oma kategoria" and choices[f"id:{own.id}"].key is None
    everything = {c.value: c for c in services.category_choices(workspace, include_retired=True)}
    assert everything["key:timing"].retired is True
    assert len(everything) == len(DEFAULT_CATEGORIES) + 1

    services.retire_category(workspace, "key:timing", False)
    db.session.commit()
    assert "key:timing" in {c.value for c in services.category_choices(workspace)}


def test_categories_are_per_workspace(workspace, make_workspace, make_user):
    other = make_workspace(owner=make_user(), name="Toinen")
    theirs = services.add_category(other, "Heidän")
    services.rename_category(other, "key:paperwork", "Heidän paperit")
    db.session.commit()
    with pytest.raises(services.NotFound):
        services.resolve_category(workspace, f"id:{theirs.id}")
    with pytest.raises(services.NotFound):
        services.resolve_category(workspace, "key:no_such_default")
    with pytest.raises(services.NotFound):
        services.resolve_category(workspace, "id:abc")
    mine = {c.value: c for c in services.category_choices(workspace)}
    assert mine["key:paperwork"].name is None
    assert f"id:{theirs.id}" not in mine


# --- where it hurts most -----------------------------------------------------------------------


def test_hot_spots_count_a_template_step_once_across_journeys_of_a_kind(
    workspace, journey, owner, make_workspace, make_user
):
    to_be = new_journey(workspace, owner, name="Tavoitetila")
    custom = new_journey(workspace, owner, name="Muu", kind=JourneyKind.CUSTOM)
    report(workspace, journey, owner, "assess_workplace", "a", 2, ReporterRole.EMPLOYER)
    b = report(workspace, to_be, owner, "assess_workplace", "b", 3, ReporterRole.TEACHER)
    services.add_report(workspace, b, owner, ReportData(role=ReporterRole.EMPLOYER))
    report(workspace, journey, owner, "draft_hoks", "c", 1, ReporterRole.STUDENT)
    # Another kind of journey does not count, however many points it has.
    for title in ("x", "y", "z"):
        report(workspace, custom, owner, "draft_hoks", title, 3, ReporterRole.OTHER)
    # Nor does another workspace's journey of the same kind.
    stranger = make_user()
    elsewhere = make_workspace(owner=stranger, name="Muualla")
    theirs = new_journey(elsewhere, stranger, name="Heidän")
    for title in ("p", "q", "r"):
        report(elsewhere, theirs, stranger, "draft_hoks", title, 3, ReporterRole.OTHER)

    spots = services.hot_spots([workspace], JourneyKind.APPRENTICESHIP)

    assert [s.key for s in spots] == [
        "apprenticeship.assess_workplace",
        "apprenticeship.draft_hoks",
    ]
    top = spots[0]
    assert top.title == "Checking the workplace as a learning environment"
    assert (top.points, top.load) == (2, 5)
    assert top.journeys == {journey.id, to_be.id}
    assert dict(top.by_role) == {"employer": 2, "teacher": 1}
    assert (spots[1].points, dict(spots[1].by_role)) == (1, {"student": 1})
    custom_spots = services.hot_spots([workspace], JourneyKind.CUSTOM)
    assert [(s.key, s.points) for s in custom_spots] == [("apprenticeship.draft_hoks", 3)]
