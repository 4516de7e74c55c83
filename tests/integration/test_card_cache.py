"""The board keeps each step's card by what it shows: a change shows at once, everywhere."""

from tests.conftest import page
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys


def test_a_kept_card_gives_way_to_a_rename_and_a_new_badge(client, login, team, journey):
    board_url = f"/w/{team.workspace.id}/journeys/{journey.id}/"
    login(team.facilitator)
    step = journeys.load_board(journey).steps[0]
    before = page(client.get(board_url)).select_one(f"#step-{step.id}")
    assert before.select_one(".badge--point") is None
    journeys.update_step(
        journey,
        team.facilitator,
        step,
        step.version,
        journeys.StepChange("Uusi nimi", "", step.channel, step.stage_id, step.lane_id, 2, -1),
    )
    report = points.ReportData(ReporterRole.EMPLOYER, None, "", "työpaja", None)
    points.report_point(
        team.workspace,
        journey,
        team.facilitator,
        points.NewPoint(step=step, title="Lomake katosi", severity=3, category=None, report=report),
    )
    db.session.commit()
    card = page(client.get(board_url)).select_one(f"#step-{step.id}")
    assert "Uusi nimi" in card.get_text() and "+2" in card.get_text()
    assert card.select_one(".badge--point") is not None
