"""Starting a workshop from a journey in one form: a sprint made and started with the session
by default, or a running one chosen; refused input changes nothing."""

from datetime import date, datetime

import pytest
from flask_babel import force_locale, format_date
from sqlalchemy import func, select

from tests.conftest import page, template_journey, text_of
from workshop.extensions import db
from workshop.live import services as live_services
from workshop.live.models import LiveSession
from workshop.live.views.workshops import default_title
from workshop.sprints import services as sprints
from workshop.sprints.models import TITLE_MAX, Sprint, SprintStatus


@pytest.fixture
def team(make_team):
    return make_team("Fiia Fasilitaattori", "Opisto")


@pytest.fixture
def journey(team):
    made = template_journey(team.workspace, team.facilitator, "Oppisopimuspolku", "fi")
    db.session.commit()
    return made


def start_url(team, journey=None) -> str:
    url = f"/w/{team.workspace.id}/workshops/new"
    return f"{url}?journey={journey.id}" if journey else url


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Sprint)),
        db.session.scalar(select(func.count()).select_from(LiveSession)),
    )


def start(client, team, **data):
    return client.post(start_url(team), data={"sprint": "", "budget": "5"} | data)


def test_one_submit_makes_a_running_sprint_and_session_and_lands_on_the_console(
    client, login, team, journey
):
    login(team.facilitator)
    form = page(client.get(start_url(team, journey), headers={"Accept-Language": "fi"}))
    assert form.select_one("#journey option[selected]")["value"] == str(journey.id)
    assert form.select_one("#sprint option[selected]").get("value") == ""  # a new sprint
    assert form.select_one("#budget")["value"] == "5"
    assert not form.select("select[required]")

    response = start(client, team, journey=journey.id)
    assert response.status_code == 303
    (sprint,) = sprints.sprints_of(team.workspace)
    assert response.headers["Location"].endswith(f"/sprints/{sprint.id}/live/")
    today = datetime.now(sprints.time_zone(team.workspace)).date()
    assert sprint.status == SprintStatus.RUNNING
    assert (sprint.starts_on, sprint.ends_on) == (today, None)
    assert sprint.journeys == [journey]
    assert [p.name for p in sprint.phases][0] == "Understand"
    assert sprint.participants[0].user_id == team.facilitator.id
    with force_locale("en"):
        assert sprint.title == f"Oppisopimuspolku {format_date(today, 'medium')}"
    live = live_services.current_session(sprint)
    assert (live.journey, live.vote_budget, live.phase.name) == (journey, 5, "Understand")

    console = client.get(response.headers["Location"])
    assert live.join_code in text_of(console)
    assert "The live session has started." in text_of(console)


def test_a_typed_title_and_budget_are_used(client, login, team, journey):
    login(team.facilitator)
    assert (
        start(client, team, journey=journey.id, title="  Kevään työpaja ", budget="3").status_code
        == 303
    )
    (sprint,) = sprints.sprints_of(team.workspace)
    assert sprint.title == "Kevään työpaja"
    assert live_services.current_session(sprint).vote_budget == 3


def test_the_default_title_fits_a_long_journey_name(app, team):
    journey = template_journey(team.workspace, team.facilitator, "Polku" * 32, "fi")  # 160
    with app.test_request_context(), force_locale("fi"):
        title = default_title(journey, date(2026, 12, 6))
    assert len(title) <= TITLE_MAX and title.endswith(" 6.12.2026")


def test_a_running_sprint_can_be_chosen_and_takes_the_journey_into_its_scope(
    client, login, team, journey
):
    other = template_journey(team.workspace, team.facilitator, "Koulutussopimus", "fi")
    running = sprints.create_sprint(
        team.workspace,
        team.facilitator,
        sprints.SprintData("Syksy", "", None, None, [], [other.id]),
    )
    sprints.start_sprint(running)
    planned = sprints.create_sprint(
        team.workspace, team.facilitator, sprints.SprintData("Ensi vuosi", "", None, None, [], [])
    )
    db.session.commit()
    login(team.facilitator)
    offered = page(client.get(start_url(team, journey))).select("#sprint option")
    assert [o.text for o in offered] == ["A new sprint", "Syksy"]  # not the planned one

    response = start(client, team, journey=journey.id, sprint=running.id)
    assert response.status_code == 303
    db.session.expire_all()
    assert {j.id for j in running.journeys} == {other.id, journey.id}
    assert live_services.current_session(running).journey_id == journey.id
    assert counts() == (2, 1)  # no new sprint

    # The planned sprint is not offered, and sent anyway it is refused.
    again = start(client, team, journey=journey.id, sprint=planned.id)
    assert again.status_code == 422
    assert counts() == (2, 1)


def test_a_second_session_in_a_sprint_with_one_going_is_refused_and_linked(
    client, login, team, journey
):
    login(team.facilitator)
    start(client, team, journey=journey.id)
    (sprint,) = sprints.sprints_of(team.workspace)
    live = live_services.current_session(sprint)
    response = start(client, team, journey=journey.id, sprint=sprint.id)
    assert response.status_code == 409
    assert "A live session of this sprint is already going." in text_of(response)
    links = page(response).select(".running-workshops a")
    assert [a["href"] for a in links] == [f"/w/{team.workspace.id}/sprints/{sprint.id}/live/"]
    assert live.join_code in links[0].text
    assert counts() == (1, 1)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"budget": "0"}, "budget", "Between 1 and 20."),
        ({"budget": "many"}, "budget", "Not a valid integer value."),
        ({"budget": ""}, "budget", "This field is required."),
        ({"title": "x" * (TITLE_MAX + 1)}, "title", f"At most {TITLE_MAX} characters."),
        ({"sprint": "99999"}, "sprint", "Not a valid choice."),
        ({"journey": ""}, "journey", "Not a valid choice."),
        ({"journey": "abc"}, "journey", "Not a valid choice."),
    ],
)
def test_bad_input_is_named_beside_its_field_and_creates_nothing(
    client, login, team, journey, data, field, message
):
    login(team.facilitator)
    response = start(client, team, **({"journey": journey.id} | data))
    assert response.status_code == 422
    errors = page(response).select_one(f"#{field}-error")
    assert errors is not None and message in errors.text
    assert counts() == (0, 0)


def test_errors_are_in_the_readers_language(client, login, team, journey):
    login(team.facilitator)
    response = client.post(
        start_url(team),
        data={"journey": journey.id, "sprint": "", "budget": "0"},
        headers={"Accept-Language": "fi"},
    )
    assert response.status_code == 422
    assert "Vähintään 1 ja enintään 20." in page(response).select_one("#budget-error").text
    sv = client.post(
        start_url(team),
        data={"journey": "", "sprint": "", "budget": "5"},
        headers={"Accept-Language": "sv"},
    )
    assert page(sv).select_one("#journey-error").text.strip() != "Not a valid choice."
    assert counts() == (0, 0)


def test_another_workspaces_journey_is_refused(client, login, team, journey, make_team):
    others = make_team("Oona", "Toinen opisto", participant=None, observer=None)
    foreign = template_journey(others.workspace, others.facilitator, "Vieras polku", "fi")
    db.session.commit()
    login(team.facilitator)
    assert client.get(start_url(team, foreign)).status_code == 404
    assert start(client, team, journey=foreign.id).status_code == 422
    # Nor can the journey be started in the other workspace, which this facilitator is not in.
    assert client.get(start_url(others, foreign)).status_code == 404
    assert start(client, others, journey=foreign.id).status_code == 404
    assert counts() == (0, 0)


@pytest.mark.parametrize("role", ["participant", "observer"])
def test_only_facilitators_start_a_workshop_or_see_the_link(client, login, team, journey, role):
    login(team[role])
    assert client.get(start_url(team, journey)).status_code == 403
    assert start(client, team, journey=journey.id).status_code == 403
    assert counts() == (0, 0)
    for url in (
        f"/w/{team.workspace.id}/journeys/",
        f"/w/{team.workspace.id}/journeys/{journey.id}/",
    ):
        assert "/workshops/new" not in client.get(url).text


def test_the_journeys_list_and_the_board_link_to_the_form(client, login, team, journey):
    login(team.facilitator)
    listed = page(client.get(f"/w/{team.workspace.id}/journeys/"))
    assert listed.find("a", string="Start a workshop")["href"] == start_url(team)
    board = page(client.get(f"/w/{team.workspace.id}/journeys/{journey.id}/"))
    assert board.find("a", string="Start a workshop")["href"] == start_url(team, journey)


def test_a_workspace_without_journeys_says_so(client, login, team):
    login(team.facilitator)
    response = client.get(start_url(team))
    assert response.status_code == 200
    assert "this workspace has none yet" in text_of(response)
    assert start(client, team, journey="1").status_code == 422
    assert counts() == (0, 0)
