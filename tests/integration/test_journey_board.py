"""The journey board over HTTP: plain forms (303) and htmx fragments, access, conflicts."""

import pytest
from sqlalchemy import event, func, select

from tests.conftest import page, template_journey, text_of
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journeys import services
from workshop.journeys.models import Journey, JourneyKind, Step
from workshop.sprints import services as sprints

HX = {"HX-Request": "true"}


def url(journey, path=""):
    return f"/w/{journey.workspace_id}/journeys/{journey.id}/{path}"


def test_journey_is_created_from_a_template_through_the_form(client, team, login):
    login(team["participant"])
    workspace_id = team["workspace"].id
    response = client.post(
        f"/w/{workspace_id}/journeys/new",
        data={
            "name": "Koulutussopimus 2026",
            "template": "training_agreement",
            "kind": "custom",
            "language": "sv",
            "description": "",
        },
    )
    assert response.status_code == 303
    journey = db.session.scalar(select(Journey).where(Journey.name == "Koulutussopimus 2026"))
    assert journey.kind == JourneyKind.TRAINING_AGREEMENT and journey.language == "sv"
    board = page(client.get(response.headers["Location"]))
    stages = [
        th.get_text(" ", strip=True) for th in board.select("table.blueprint thead th[scope=col]")
    ]
    assert len(stages) == 6 and stages[0].startswith("1")
    listing = text_of(client.get(f"/w/{workspace_id}/journeys/"))
    assert "Koulutussopimus 2026" in listing and "Paavo" in listing


def test_blank_journey_needs_a_name(client, team, login):
    login(team["participant"])
    response = client.post(
        f"/w/{team['workspace'].id}/journeys/new",
        data={"name": "", "template": "", "kind": "custom", "language": "fi"},
    )
    assert response.status_code == 422
    assert "This field is required." in text_of(response)
    assert db.session.scalar(select(func.count(Journey.id))) == 0


def cell(journey, stage_index=1, lane_index=0):
    board = services.load_board(journey)
    return board.stages[stage_index], board.lanes[lane_index]


def test_step_is_added_with_a_plain_form(client, team, journey, login):
    login(team["participant"])
    stage, lane = cell(journey)
    form = client.get(url(journey, f"steps/new?stage={stage.id}&lane={lane.id}"))
    assert page(form).select_one("#stage option[selected]")["value"] == str(stage.id)
    response = client.post(
        url(journey, "steps/new"),
        data={
            "title": "Ilmoitus työpaikalle",
            "description": "",
            "channel": "email",
            "stage": stage.id,
            "lane": lane.id,
        },
    )
    assert response.status_code == 303
    step_id = db.session.scalar(select(Step.id).where(Step.title == "Ilmoitus työpaikalle"))
    assert response.headers["Location"].endswith(f"/#step-{step_id}")
    board = client.get(url(journey))
    assert "Step “Ilmoitus työpaikalle” added." in text_of(board)


def test_step_is_added_with_htmx_as_a_board_fragment(client, team, journey, login):
    login(team["participant"])
    stage, lane = cell(journey)
    form = client.get(url(journey, f"steps/new?stage={stage.id}&lane={lane.id}"), headers=HX)
    assert "<html" not in form.get_data(as_text=True)
    assert page(form).select_one("form")["data-hx-post"].endswith("/steps/new")
    response = client.post(
        url(journey, "steps/new"),
        headers=HX,
        data={"title": "Tervetuloa", "stage": stage.id, "lane": lane.id, "channel": ""},
    )
    assert response.status_code == 200
    fragment = page(response)
    assert fragment.select_one("section#board") is not None
    assert "<html" not in response.get_data(as_text=True)
    assert "Tervetuloa" in fragment.select_one("table.blueprint").get_text()
    assert "Paavo added the step “Tervetuloa”" in fragment.select_one(".activity").get_text()


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_new_step_keeps_everything_its_form_asked_for(client, team, journey, login, headers):
    login(team["participant"])
    stage, lane = cell(journey)
    response = client.post(
        url(journey, "steps/new"),
        headers=headers,
        data={
            "title": "Aloituspalaveri",
            "description": "Opiskelija, ohjaaja ja opettaja yhdessä",
            "channel": "meeting",
            "stage": stage.id,
            "lane": lane.id,
            "emotion_student": "-1",
            "emotion_employer": "2",
        },
    )
    assert response.status_code == (200 if headers else 303)
    step = db.session.scalar(select(Step).where(Step.title == "Aloituspalaveri"))
    assert (step.description, step.channel.value, step.stage_id, step.lane_id) == (
        "Opiskelija, ohjaaja ja opettaja yhdessä",
        "meeting",
        stage.id,
        lane.id,
    )
    assert (step.emotion_student, step.emotion_employer) == (-1, 2)
    form = page(client.get(url(journey, f"steps/{step.id}/edit")))
    assert form.select_one("#emotion_student option[selected]")["value"] == "-1"
    assert form.select_one("#emotion_employer option[selected]")["value"] == "2"
    rows = page(client.get(url(journey))).select(".emotion-table tbody tr")
    assert any("Aloituspalaveri" in r.get_text() and "−1" in r.get_text() for r in rows)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"title": "x" * 121}, "At most 120 characters."),
        ({"title": "ok", "emotion_student": "3"}, "Not a valid choice."),
        ({"title": "ok", "channel": "pigeon"}, "Not a valid choice."),
    ],
)
def test_bad_step_input_is_refused(client, team, journey, login, data, message):
    login(team["participant"])
    stage, lane = cell(journey)
    before = services.step_count(journey)
    response = client.post(
        url(journey, "steps/new"), data={"stage": stage.id, "lane": lane.id, **data}
    )
    assert response.status_code == 422
    assert message in text_of(response)
    assert services.step_count(journey) == before


def test_step_edit_sets_emotions_and_draws_the_curve(client, team, journey, login):
    login(team["participant"])
    step = services.load_board(journey).steps[0]
    response = client.post(
        url(journey, f"steps/{step.id}/edit"),
        data={
            "title": step.title,
            "description": step.description,
            "channel": "phone",
            "stage": step.stage_id,
            "lane": step.lane_id,
            "emotion_student": "-2",
            "emotion_employer": "1",
            "version": step.version,
        },
    )
    assert response.status_code == 303
    board = page(client.get(url(journey)))
    chart = board.select_one("svg.emotion-curve__chart")
    assert chart is not None and chart.select("circle.dot--student")
    assert chart.select("rect.dot--employer")
    rows = board.select(".emotion-table tbody tr")
    assert any("−2 very negative" in r.get_text() for r in rows)


def test_stale_edit_answers_409_with_both_versions(client, team, journey, login):
    login(team["participant"])
    step = services.load_board(journey).steps[0]
    seen = step.version
    services.update_step(
        journey,
        team["facilitator"],
        step,
        seen,
        services.StepChange("Fiian otsikko", "", None, step.stage_id, step.lane_id, None, None),
    )
    db.session.commit()
    response = client.post(
        url(journey, f"steps/{step.id}/edit"),
        headers=HX,
        data={
            "title": "Paavon otsikko",
            "description": "Paavon teksti",
            "stage": step.stage_id,
            "lane": step.lane_id,
            "channel": "",
            "version": seen,
        },
    )
    assert response.status_code == 409
    conflict = page(response)
    assert "Fiian otsikko" in conflict.select_one(".conflict__values").get_text()
    assert conflict.select_one("#title")["value"] == "Paavon otsikko"
    assert conflict.select_one("input[name=version]")["value"] == str(step.version)
    assert db.session.get(Step, step.id).title == "Fiian otsikko"
    again = client.post(
        url(journey, f"steps/{step.id}/edit"),
        data={
            "title": "Paavon otsikko",
            "stage": step.stage_id,
            "lane": step.lane_id,
            "version": conflict.select_one("input[name=version]")["value"],
        },
    )
    assert again.status_code == 303
    assert db.session.get(Step, step.id).title == "Paavon otsikko"


def test_move_and_delete_with_undo(client, team, journey, login):
    login(team["participant"])
    stage, lane = cell(journey, 1, 0)
    a = services.add_step(journey, team["participant"], stage.id, lane.id, "A")
    b = services.add_step(journey, team["participant"], stage.id, lane.id, "B")
    db.session.commit()
    response = client.post(url(journey, f"steps/{b.id}/move"), data={"direction": "up"}, headers=HX)
    assert response.status_code == 200
    assert [s.title for s in services.load_board(journey).steps_in(stage, lane)] == ["B", "A"]
    response = client.post(url(journey, f"steps/{a.id}/delete"))
    assert response.status_code == 303
    board = page(client.get(url(journey)))
    undo = board.select_one(".undo form")
    assert "moved to the trash" in board.select_one(".undo").get_text()
    response = client.post(undo["action"])
    assert response.status_code == 303
    assert [s.title for s in services.load_board(journey).steps_in(stage, lane)] == ["B", "A"]


def test_observer_reads_but_cannot_change(client, team, journey, login):
    login(team["observer"])
    board = client.get(url(journey))
    assert board.status_code == 200
    assert page(board).select(".step-card__actions") == []
    step = services.load_board(journey).steps[0]
    assert client.post(url(journey, f"steps/{step.id}/delete")).status_code == 403
    assert db.session.get(Step, step.id).deleted_at is None


def test_only_facilitators_empty_the_trash(client, team, journey, login):
    step = services.load_board(journey).steps[0]
    step_id = step.id
    services.trash_step(journey, team["facilitator"], step)
    db.session.commit()
    login(team["participant"])
    assert client.post(url(journey, "trash/empty")).status_code == 403
    client.post("/logout")
    login(team["facilitator"])
    assert client.post(url(journey, "trash/empty")).status_code == 303
    assert db.session.scalar(select(Step).where(Step.id == step_id)) is None


def test_other_workspaces_journeys_and_steps_are_404(
    client, team, journey, make_workspace, make_user, login
):
    outsider = make_user()
    other_ws = make_workspace(owner=outsider)
    other = services.create_journey(other_ws, outsider, "Vieras", JourneyKind.CUSTOM, "fi")
    db.session.commit()
    foreign_stage = services.load_board(other).stages[0]
    login(team["participant"])
    assert client.get(f"/w/{team['workspace'].id}/journeys/{other.id}/").status_code == 404
    assert client.get(f"/w/{other_ws.id}/journeys/{other.id}/").status_code == 404
    step = services.load_board(journey).steps[0]
    other_step = services.add_step(
        other, outsider, foreign_stage.id, services.load_board(other).lanes[0].id, "Vieras askel"
    )
    db.session.commit()
    assert client.post(url(journey, f"steps/{other_step.id}/delete")).status_code == 404
    moved = client.post(
        url(journey, f"steps/{step.id}/edit"),
        data={
            "title": "X",
            "stage": foreign_stage.id,
            "lane": step.lane_id,
            "version": step.version,
        },
    )
    assert moved.status_code == 422
    assert db.session.get(Step, step.id).stage_id == step.stage_id


def test_script_in_a_title_is_stored_as_typed_and_shown_escaped(client, team, journey, login):
    login(team["participant"])
    stage, lane = cell(journey)
    evil = '<img src=x onerror="alert(1)">'
    client.post(url(journey, "steps/new"), data={"title": evil, "stage": stage.id, "lane": lane.id})
    body = client.get(url(journey)).get_data(as_text=True)
    assert '<img src=x onerror="alert(1)">' not in body
    assert db.session.scalar(select(Step.title).where(Step.title == evil)) == evil


def test_stage_with_steps_is_deleted_only_after_choosing_a_target(client, team, journey, login):
    login(team["participant"])
    board = services.load_board(journey)
    first, second = board.stages[0], board.stages[1]
    response = client.post(url(journey, f"stage/{first.id}/delete"), data={"move_to": ""})
    assert response.status_code == 422
    assert "Choose where its steps go." in text_of(response)
    response = client.post(
        url(journey, f"stage/{first.id}/delete"), data={"move_to": str(second.id)}
    )
    assert response.status_code == 303
    assert len(services.load_board(journey).stages) == len(board.stages) - 1


def test_duplicate_and_compare(client, team, journey, login):
    login(team["participant"])
    response = client.post(url(journey, "duplicate"), data={"name": "Tavoite"})
    assert response.status_code == 303
    copy = db.session.scalar(select(Journey).where(Journey.name == "Tavoite"))
    stage, lane = cell(copy, 0, 0)
    client.post(
        f"/w/{copy.workspace_id}/journeys/{copy.id}/steps/new",
        data={"title": "Uusi vaihe", "stage": stage.id, "lane": lane.id},
    )
    comparison = client.get(f"/w/{copy.workspace_id}/journeys/{copy.id}/compare")
    assert comparison.status_code == 200
    added = page(comparison).select_one(".diff--added")
    assert "1 step added" in added.get_text() and "Uusi vaihe" in added.get_text()


def test_board_of_150_steps_takes_a_fixed_number_of_queries(app, client, team, journey, login):
    login(team["participant"])
    board = services.load_board(journey)

    def count_board_queries() -> int:
        statements = []

        def count(*_args):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(url(journey)).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    small = count_board_queries()
    for i in range(150 - len(board.steps)):
        services.add_step(
            journey,
            team["participant"],
            board.stages[i % 6].id,
            board.lanes[i % 5].id,
            f"Askel {i}",
        )
    db.session.commit()
    assert services.step_count(journey) == 150
    assert count_board_queries() == small
    # user, workspace, membership, journey, stages, lanes, steps, suggestions, categories,
    # point summaries, open suggestions, activity and its users: a fixed set.
    assert small <= 16


def test_edit_form_shows_where_the_step_is(client, team, journey, login):
    login(team["participant"])
    board = services.load_board(journey)
    step = next(s for s in board.steps if s.stage_id != board.stages[0].id)
    form = page(client.get(url(journey, f"steps/{step.id}/edit")))
    assert form.select_one("#stage option[selected]")["value"] == str(step.stage_id)
    assert form.select_one("#lane option[selected]")["value"] == str(step.lane_id)
    assert form.select_one("input[name=version]")["value"] == str(step.version)


def test_journey_is_renamed_after_other_changes(client, team, journey, login):
    login(team["participant"])
    stage, lane = cell(journey)
    services.add_step(journey, team["facilitator"], stage.id, lane.id, "Muutos")
    db.session.commit()
    form = page(client.get(url(journey, "edit")))
    version = form.select_one("input[name=version]")["value"]
    response = client.post(
        url(journey, "edit"), data={"name": "Uusi nimi", "description": "", "version": version}
    )
    assert response.status_code == 303
    assert db.session.get(Journey, journey.id).name == "Uusi nimi"
    stale = client.post(
        url(journey, "edit"), data={"name": "Vanha", "description": "", "version": version}
    )
    assert stale.status_code == 409
    assert page(stale).select_one("#name")["value"] == "Uusi nimi"


def test_deleting_a_journey_asks_first_and_can_be_undone(client, team, journey, login):
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData("Kevät", "", None, None, [], [journey.id]),
    )
    points.report_point(
        team["workspace"],
        journey,
        team["facilitator"],
        points.NewPoint(
            step=services.load_board(journey).steps[0],
            title="Sopimus myöhässä",
            severity=2,
            report=points.ReportData(ReporterRole.EMPLOYER),
        ),
    )
    db.session.commit()
    steps_before = services.step_count(journey)
    login(team["facilitator"])
    journeys_url = f"/w/{journey.workspace_id}/journeys/"
    sprint_url = f"/w/{journey.workspace_id}/sprints/{sprint.id}"
    insights_url = f"/w/{journey.workspace_id}/insights?kind=apprenticeship"
    assert page(client.get(insights_url)).select("tbody tr")

    for asked in (client.post(url(journey, "delete")), client.get(url(journey, "delete"))):
        assert asked.status_code == 200
        question = page(asked)
        assert question.select_one("h1").get_text() == "Delete “Oppisopimus”?"
        assert "For 14 days a facilitator can restore it" in text_of(asked)
        form = question.select_one("section.confirm form[method=post]")
        assert form.select_one("input[name=confirmed]")["value"] == "yes"
    assert client.get(url(journey)).status_code == 200

    response = client.post(url(journey, "delete"), data={"confirmed": "yes"})
    assert response.status_code == 303 and response.headers["Location"].endswith(journeys_url)
    assert client.get(url(journey)).status_code == 404
    assert client.get(url(journey, f"changes?since={journey.version}")).status_code == 404
    assert "Oppisopimus" not in text_of(client.get(sprint_url))
    assert not page(client.get(insights_url)).select("tbody tr")
    listing = page(client.get(journeys_url))
    assert "“Oppisopimus” was deleted." in listing.select_one(".undo").get_text()
    undo = listing.select_one(".undo form")
    assert undo["action"] == url(journey, "restore")
    # "Undo" shows once; the deleted journeys stay listed with "Restore".
    listing = page(client.get(journeys_url))
    assert listing.select_one(".undo") is None
    assert "Oppisopimus" in listing.select_one(".deleted-journeys").get_text()

    restored = client.post(undo["action"])
    assert restored.status_code == 303 and restored.headers["Location"].endswith(url(journey))
    assert client.get(url(journey)).status_code == 200
    assert services.step_count(db.session.get(Journey, journey.id)) == steps_before
    assert "Oppisopimus" in text_of(client.get(sprint_url))
    assert page(client.get(insights_url)).select("tbody tr")
    assert page(client.get(journeys_url)).select_one(".deleted-journeys") is None


def test_a_deleted_journey_goes_for_good_after_its_days(client, team, journey, login):
    login(team["facilitator"])
    client.post(url(journey, "delete"), data={"confirmed": "yes"})
    client.post("/logout")
    login(team["participant"])
    assert client.post(url(journey, "restore")).status_code == 403
    deleted = db.session.get(Journey, journey.id)
    deleted.deleted_at -= services.KEEP_DELETED
    db.session.commit()
    client.post("/logout")
    login(team["facilitator"])
    assert client.post(url(journey, "restore")).status_code == 404
    assert "Oppisopimus" not in text_of(client.get(f"/w/{journey.workspace_id}/journeys/"))
    other = template_journey(team["workspace"], team["facilitator"], "Toinen", "en")
    db.session.commit()
    gone, kept = journey.id, other.id
    client.post(url(other, "delete"), data={"confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Journey, gone) is None
    assert db.session.get(Journey, kept).deleted_at is not None
