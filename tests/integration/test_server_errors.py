"""The three server errors found by trying the app as an attacker would, each as it was met."""

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from tests.conftest import template_journey, text_of
from workshop.extensions import db, login_manager
from workshop.journeys import services as journeys
from workshop.journeys.models import Lane, Stage, Step
from workshop.live import services as live_services
from workshop.live.models import Dot, Entry
from workshop.sprints import services as sprints

HX = {"HX-Request": "true"}
BIG = "9" * 25
NUL_FI = "Lähettämäsi teksti sisältää merkin, jota Polku ei voi tallentaa"


@pytest.fixture
def team(make_team):
    return make_team(workspace="Opisto", observer=None)


@pytest.fixture
def room(client, login, team):
    """A running sprint whose facilitator, logged in on `client`, started a live session."""
    journey = template_journey(team["workspace"], team["facilitator"], "Polku", "fi")
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData("Työpaja", "", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    db.session.commit()
    login(team["facilitator"])
    response = client.post(
        f"/w/{team['workspace'].id}/sprints/{sprint.id}/live/start",
        data={"journey": journey.id, "budget": 3},
    )
    assert response.status_code == 303
    return live_services.current_session(sprint)


@pytest.fixture
def journey(team):
    journey = template_journey(team["workspace"], team["facilitator"], "Oppisopimus", "en")
    db.session.commit()
    return journey


def board_url(journey, path=""):
    return f"/w/{journey.workspace_id}/journeys/{journey.id}/{path}"


# --- the board's htmx edits of stages and lanes -------------------------------------------------


def test_renaming_a_stage_or_lane_with_htmx_answers_the_updated_list(client, login, team, journey):
    login(team["participant"])
    board = journeys.load_board(journey)
    stage, lane = board.stages[0], board.lanes[0]

    renamed = client.post(
        board_url(journey, f"stage/{stage.id}"),
        data={"title": "Hakeutuminen", "version": stage.version},
        headers=HX,
    )
    assert renamed.status_code == 200
    assert "Renamed to “Hakeutuminen”." in text_of(renamed)
    assert 'id="structure"' in renamed.text and "<html" not in renamed.text

    renamed = client.post(
        board_url(journey, f"lane/{lane.id}"),
        data={"title": "Opiskelija", "version": lane.version, "kind": "backstage"},
        headers=HX,
    )
    assert renamed.status_code == 200
    assert "Renamed to “Opiskelija”." in text_of(renamed)
    assert db.session.get(Stage, stage.id).title == "Hakeutuminen"
    assert db.session.get(Lane, lane.id).title == "Opiskelija"


@pytest.mark.parametrize("kind", ["stages", "lanes"])
def test_adding_a_column_shows_the_typed_form_again_or_refuses_a_full_journey(
    client, login, team, journey, monkeypatch, kind
):
    login(team["participant"])
    too_long = "x" * 500
    wrong = client.post(board_url(journey, kind), data={"title": too_long, "kind": "frontstage"})
    assert wrong.status_code == 422 and too_long in wrong.get_data(as_text=True)
    monkeypatch.setattr(journeys, "MAX_COLUMNS", 1)
    full = client.post(board_url(journey, kind), data={"title": "Uusi", "kind": "frontstage"})
    assert full.status_code == 422 and "at most 1 stages and 1 lanes" in text_of(full)
    board = journeys.load_board(journey)
    assert "Uusi" not in [c.title for c in board.stages + board.lanes]


def test_moving_adding_and_refusing_columns_with_htmx_answer_fragments(
    client, login, team, journey
):
    login(team["participant"])
    stage = journeys.load_board(journey).stages[0]
    moved = client.post(
        board_url(journey, f"stage/{stage.id}/move"), data={"direction": "right"}, headers=HX
    )
    assert moved.status_code == 200 and "moved." in text_of(moved)
    added = client.post(board_url(journey, "stages"), data={"title": "Jälkihoito"}, headers=HX)
    assert added.status_code == 200 and "Stage “Jälkihoito” added." in text_of(added)
    blank = client.post(
        board_url(journey, f"stage/{stage.id}"),
        data={"title": "   ", "version": stage.version},
        headers=HX,
    )
    assert blank.status_code == 422
    assert "Check the name: This field is required." in text_of(blank)


# --- NUL bytes, and the error page after a database failure -------------------------------------


def test_a_nul_byte_in_a_step_title_is_refused_in_finnish_and_nothing_is_saved(
    client, login, team, journey
):
    login(team["participant"])
    board = journeys.load_board(journey)
    steps = db.session.scalar(select(func.count(Step.id)))
    response = client.post(
        board_url(journey, "steps/new"),
        data={"title": "Sopimus\x00", "stage": board.stages[0].id, "lane": board.lanes[0].id},
        headers={"Accept-Language": "fi"},
    )
    assert response.status_code == 400
    assert NUL_FI in text_of(response)
    assert db.session.scalar(select(func.count(Step.id))) == steps


def test_a_nul_byte_in_a_query_or_an_address_is_refused(client, login, team, journey):
    login(team["participant"])
    assert client.get(board_url(journey, "points/?category=%00")).status_code == 400
    assert client.get("/j/AB%00CD").status_code == 400


@pytest.fixture
def failing_app(make_app):
    """An app with a page whose query fails in the database, as a NUL byte did on PostgreSQL."""
    app = make_app()

    def broken():
        db.session.execute(text("SELECT no_such_column FROM no_such_table"))
        return "not reached"

    app.add_url_rule("/broken", "broken", broken)
    return app


def test_a_database_error_answers_the_translated_500_page_after_rolling_back(failing_app):
    with failing_app.app_context():
        from workshop.accounts import services as accounts

        accounts.create_user("fi@example.fi", "Fiia", "correct horse battery", language="fi")
        db.session.commit()
        client = failing_app.test_client()
        assert (
            client.post(
                "/login", data={"email": "fi@example.fi", "password": "correct horse battery"}
            ).status_code
            == 303
        )
        # The account's language is read from the database after the failure: it must have
        # been rolled back first (PostgreSQL refuses anything in an aborted transaction).
        response = client.get("/broken", headers={"Accept-Language": "en"})
        assert response.status_code == 500
        assert "Jokin meni vikaan" in text_of(response)
        assert "Fiia" in text_of(response)  # still logged in, as the page shows
        assert client.get("/").status_code == 200


def test_the_500_page_renders_when_the_database_cannot_be_reached(failing_app, monkeypatch):
    with failing_app.app_context():
        from workshop.accounts import services as accounts

        accounts.create_user("fi@example.fi", "Fiia", "correct horse battery", language="fi")
        db.session.commit()
        client = failing_app.test_client()
        client.post("/login", data={"email": "fi@example.fi", "password": "correct horse battery"})

        def unreachable(user_id):
            raise OperationalError("SELECT", {}, Exception("connection refused"))

        monkeypatch.setattr(login_manager, "_user_callback", unreachable)
        response = client.get("/broken", headers={"Accept-Language": "sv"})
        assert response.status_code == 500
        assert "Något gick fel" in text_of(response)


# --- ids beyond 64 bits -----------------------------------------------------------------------


def test_ids_of_25_digits_in_addresses_are_not_found(client, team, journey, room):
    workspace = team["workspace"].id
    step = journeys.load_board(journey).steps[0]
    for path in (
        f"/live/{BIG}/",
        f"/live/{BIG}/changes?c=0&v=0&e=0&j=0",
        f"/w/{BIG}/journeys/",
        f"/w/{workspace}/journeys/{BIG}/",
        f"/w/{workspace}/journeys/{journey.id}/steps/{BIG}/edit",
        f"/w/{workspace}/journeys/{journey.id}/points/{BIG}",
        f"/w/{workspace}/sprints/{BIG}/live/{room.id}/projector",
        f"/live/{room.id}/?proxy={BIG}",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "There is nothing here" in text_of(response), path
    assert client.post(f"/live/{BIG}/dots", data={"point": "1"}).status_code == 404
    step_url = f"/w/{workspace}/journeys/{journey.id}/steps/{step.id}/edit"
    assert client.get(step_url).status_code == 200


def test_ids_of_25_digits_in_a_guests_forms_are_refused(app, room):
    guest_client = app.test_client()
    joined = guest_client.post(
        f"/j/{room.join_code}", data={"display_name": "Eija", "role": "employer"}
    )
    assert joined.status_code == 303
    entries = db.session.scalar(select(func.count(Entry.id)))
    for path, data in (
        ("dots", {"point": BIG}),
        ("dots/remove", {"point": BIG}),
        ("points", {"point-step": BIG, "point-text": "Liian myöhään", "point-severity": "3"}),
        ("steps", {"step-stage": BIG, "step-lane": BIG, "step-text": "Uusi vaihe"}),
        ("comments", {"comment-step": BIG, "comment-text": "Hyvä"}),
    ):
        response = guest_client.post(f"/live/{room.id}/{path}", data=data, headers=HX)
        assert response.status_code in (409, 422), path
    assert db.session.scalar(select(func.count(Entry.id))) == entries
    assert db.session.scalar(select(func.count(Dot.id))) == 0


def test_ids_of_25_digits_in_member_forms_are_field_errors(client, login, team, journey):
    login(team["participant"])
    board = journeys.load_board(journey)
    response = client.post(
        board_url(journey, "steps/new"),
        data={"title": "Uusi", "stage": BIG, "lane": board.lanes[0].id},
        headers={"Accept-Language": "fi"},
    )
    assert response.status_code == 422
    assert "Virheellinen valinta" in text_of(response)
    stage = board.stages[0]
    response = client.post(
        board_url(journey, f"stage/{stage.id}"), data={"title": "Uusi", "version": BIG}
    )
    assert response.status_code == 422
    assert db.session.get(Stage, stage.id).title == stage.title


def test_a_facilitator_entering_for_someone_with_a_25_digit_id_gets_404(client, room):
    response = client.post(
        f"/live/{room.id}/points",
        data={"proxy": BIG, "point-step": "1", "point-text": "x", "point-severity": "2"},
    )
    assert response.status_code == 404
