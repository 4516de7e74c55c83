"""Journeys through their services and a real database: templates, positions, versions."""

import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT
from workshop.extensions import db
from workshop.journey_templates.loader import load_template
from workshop.journeys import services
from workshop.journeys.models import Activity, Journey, JourneyKind, LaneKind, Step

TEMPLATE = ROOT / "journeys" / "apprenticeship.toml"


@pytest.fixture
def owner(make_user):
    return make_user(name="Aino")


@pytest.fixture
def workspace(make_workspace, owner):
    return make_workspace(owner=owner)


@pytest.fixture
def journey(workspace, owner):
    journey = services.create_journey(
        workspace,
        owner,
        "Oppisopimus",
        JourneyKind.APPRENTICESHIP,
        "fi",
        template=load_template(TEMPLATE),
    )
    db.session.commit()
    return journey


def version_of(journey) -> int:
    return db.session.scalar(select(Journey.version).where(Journey.id == journey.id))


def positions(stage_id, lane_id) -> list[int]:
    return list(
        db.session.scalars(
            select(Step.position)
            .where(Step.stage_id == stage_id, Step.lane_id == lane_id, Step.position.is_not(None))
            .order_by(Step.position)
        )
    )


def test_template_is_copied_in_the_chosen_language(workspace, owner):
    template = load_template(TEMPLATE)
    journey = services.create_journey(
        workspace, owner, "På svenska", JourneyKind.APPRENTICESHIP, "sv", template=template
    )
    board = services.load_board(journey)
    assert [s.title for s in board.stages] == [s.title.sv for s in template.stages]
    assert [lane.title for lane in board.lanes] == [lane.title.sv for lane in template.lanes]
    assert [lane.kind for lane in board.lanes][-1] == LaneKind.BACKSTAGE
    assert len(board.steps) == len(template.steps)
    first = next(s for s in board.steps if s.key == f"apprenticeship.{template.steps[0].id}")
    assert first.title == template.steps[0].title.sv
    suggested = sum(len(s.suggestions) for s in board.steps)
    assert suggested == template.critical_point_count
    assert first.suggestions[0].text == template.steps[0].critical_points[0].text.sv


def test_blank_journey_has_a_stage_and_the_five_actors(workspace, owner):
    journey = services.create_journey(workspace, owner, "Tyhjä", JourneyKind.CUSTOM, "fi")
    board = services.load_board(journey)
    assert len(board.stages) == 1
    assert [lane.title for lane in board.lanes][:2] == ["Opiskelija", "Työnantaja"]
    assert board.steps == []


def test_every_change_bumps_the_version_by_one_and_is_logged(journey, owner):
    board = services.load_board(journey)
    stage, lane = board.stages[1], board.lanes[0]
    start = version_of(journey)
    step = services.add_step(journey, owner, stage.id, lane.id, "Uusi askel")
    services.move_step(journey, owner, step, "right")
    services.trash_step(journey, owner, step)
    services.restore_step(journey, owner, step)
    db.session.commit()
    assert version_of(journey) == start + 4
    actions = db.session.scalars(
        select(Activity.action).where(Activity.journey_id == journey.id).order_by(Activity.id)
    ).all()
    assert actions[-4:] == ["step_added", "step_moved", "step_deleted", "step_restored"]


def test_new_steps_go_last_and_moves_keep_positions_contiguous(journey, owner):
    board = services.load_board(journey)
    stage, lane = board.stages[1], board.lanes[0]
    a = services.add_step(journey, owner, stage.id, lane.id, "A")
    b = services.add_step(journey, owner, stage.id, lane.id, "B")
    c = services.add_step(journey, owner, stage.id, lane.id, "C")
    services.move_step(journey, owner, c, "up")
    services.move_step(journey, owner, a, "up")  # already first: nothing moves
    titles = [s.title for s in services.load_board(journey).steps_in(stage, lane)]
    assert titles == ["A", "C", "B"]
    services.move_step(journey, owner, a, "right")
    services.trash_step(journey, owner, c)
    assert positions(stage.id, lane.id) == [0]
    assert [s.title for s in services.load_board(journey).steps_in(stage, lane)] == ["B"]
    assert b.position == 0


def test_stale_edit_is_refused_and_changes_nothing(journey, owner):
    step = services.load_board(journey).steps[0]
    seen = step.version
    change = services.StepChange("Minun", "", None, step.stage_id, step.lane_id, 1, -1)
    services.update_step(journey, owner, step, seen, change)
    db.session.commit()
    late = services.StepChange("Toisen", "", None, step.stage_id, step.lane_id, 0, 0)
    with pytest.raises(services.Conflict):
        services.update_step(journey, owner, step, seen, late)
    db.session.rollback()
    assert db.session.get(Step, step.id).title == "Minun"


def test_deleting_a_stage_with_steps_needs_a_target(journey, owner):
    board = services.load_board(journey)
    first, second = board.stages[0], board.stages[1]
    count = len([s for s in board.steps if s.stage_id == first.id])
    with pytest.raises(services.JourneyError):
        services.delete_column(journey, owner, first)
    services.delete_column(journey, owner, first, second)
    board = services.load_board(journey)
    assert first.id not in [s.id for s in board.stages]
    assert [s.position for s in board.stages] == list(range(len(board.stages)))
    assert len([s for s in board.steps if s.stage_id == second.id]) >= count
    for lane in board.lanes:
        assert positions(second.id, lane.id) == list(range(len(positions(second.id, lane.id))))


def test_the_last_stage_stays(workspace, owner):
    journey = services.create_journey(workspace, owner, "Tyhjä", JourneyKind.CUSTOM, "fi")
    with pytest.raises(services.JourneyError):
        services.delete_column(journey, owner, services.load_board(journey).stages[0])


def test_duplicate_compares_as_equal_until_changed(journey, owner):
    copy = services.duplicate_journey(journey, owner, "Tavoitetila")
    assert services.compare_journeys(journey, copy).empty
    board = services.load_board(copy)
    step = board.steps[0]
    services.update_step(
        copy,
        owner,
        step,
        step.version,
        services.StepChange(
            "Uusi nimi", step.description, step.channel, step.stage_id, step.lane_id, 2, None
        ),
    )
    services.trash_step(copy, owner, board.steps[1])
    added = services.add_step(copy, owner, board.stages[0].id, board.lanes[0].id, "Lisätty")
    diff = services.compare_journeys(journey, copy)
    assert [d.after.title for d in diff.added] == [added.title]
    assert len(diff.removed) == 1
    assert diff.changed[0].changed == ["title", "emotion_student"]


def test_trash_is_emptied_for_good(journey, owner):
    step = services.load_board(journey).steps[0]
    services.trash_step(journey, owner, step)
    assert services.empty_trash(journey, owner) == 1
    assert db.session.get(Step, step.id) is None


def test_step_limit(journey, owner, monkeypatch):
    monkeypatch.setattr(services, "MAX_STEPS", services.step_count(journey))
    board = services.load_board(journey)
    with pytest.raises(services.TooLarge):
        services.add_step(journey, owner, board.stages[0].id, board.lanes[0].id, "Liikaa")


def test_stage_of_another_journey_is_refused(journey, workspace, owner):
    other = services.create_journey(workspace, owner, "Toinen", JourneyKind.CUSTOM, "fi")
    foreign = services.load_board(other)
    with pytest.raises(services.NotInJourney):
        services.add_step(journey, owner, foreign.stages[0].id, foreign.lanes[0].id, "X")
    assert db.session.scalar(select(func.count(Step.id)).where(Step.journey_id == other.id)) == 0
