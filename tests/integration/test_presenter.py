"""Presenter mode: the projector shows what the facilitator chose on the console (the join
code, the journey with its badges, the ranking, one step with its quotes, a question, the
timer), without the app's chrome; a forged or foreign choice changes nothing; an ended room
shows no code; and a journey goes on the big screen from its board without a live session."""

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD, page, text_of
from tests.integration.test_live import (
    console_url,
    control,
    counters,
    join,
    send_point,
    steps,
)
from tests.integration.test_live import room as room  # noqa: F401 (fixtures)
from tests.integration.test_live import sprint as sprint  # noqa: F401
from tests.integration.test_live import team as team  # noqa: F401
from workshop.critical_points import services as points
from workshop.critical_points.models import CriticalPoint, ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.live.models import PresenterMode


def projector(client, team, sprint, room):
    response = client.get(f"{console_url(team, sprint)}{room.id}/projector")
    assert response.status_code == 200
    return page(response)


def present(client, team, sprint, room, **data):
    return control(client, team, sprint, room, "presenter", **data)


def shown(room) -> tuple:
    db.session.refresh(room)
    return room.presenting, room.presenting_step_id, room.presenting_text


def stage_text(client, team, sprint, room) -> str:
    return projector(client, team, sprint, room).select_one("#presenter-stage").get_text(" ")


def assert_no_chrome(html) -> None:
    """None of the app's navigation, language switcher, logout or footer."""
    assert html.select("nav, .site-header, .site-footer, footer, form.logout") == []
    assert html.select('form[action$="/logout"], .language-switcher') == []


@pytest.fixture
def point(client, team, sprint, room, app):
    """A critical point with a quote, reported from a phone on the journey's first step."""
    phone = app.test_client()
    join(phone, room)
    send_point(phone, room, steps(room)[0], text="Sopimus tulee liian myöhään")
    found = db.session.scalar(select(CriticalPoint))
    found.reports[0].quote = "Odotimme paperia kolme viikkoa."
    db.session.commit()
    return found


def test_a_new_room_shows_the_join_code_without_the_apps_chrome(client, team, sprint, room):
    html = projector(client, team, sprint, room)
    assert_no_chrome(html)
    assert html.select_one("html")["lang"] == "en" and html.title.get_text().startswith("Projector")
    assert html.select_one("figure.qr-figure svg") is not None
    assert html.select_one("#presenter-stage .join-code__value").get_text() == room.join_code
    assert html.select("script:not([src])") == [] and html.select("[style]") == []


def test_each_mode_shows_its_content(client, team, sprint, room, point):
    board = journeys.load_board(room.journey)
    assert present(client, team, sprint, room, mode="journey").status_code == 303
    html = projector(client, team, sprint, room)
    assert_no_chrome(html)
    headers = [th.get_text() for th in html.select("#live-map thead th")]
    assert headers == [stage.title for stage in board.stages] and len(headers) == 6
    assert len(html.select("#live-map tbody tr")) == len(board.lanes) >= 5
    assert "1 critical point" in html.select_one("#live-map .live-map__step--hot").get_text()
    assert room.join_code in html.select_one(".presenter__code").get_text()

    present(client, team, sprint, room, mode="ranking")
    ranked = projector(client, team, sprint, room).select("#live-ranked .ranked-list__title")
    assert [r.get_text() for r in ranked] == ["Sopimus tulee liian myöhään"]

    present(client, team, sprint, room, mode="step", step=point.step_id)
    text = stage_text(client, team, sprint, room)
    assert point.step.title in text and point.step.stage.title in text
    assert "Sopimus tulee liian myöhään" in text and "Odotimme paperia kolme viikkoa." in text

    present(client, team, sprint, room, mode="message", text="  Mikä yllätti eniten?  ")
    said = " ".join(stage_text(client, team, sprint, room).split())
    assert said == "A question or instruction Mikä yllätti eniten?"

    control(client, team, sprint, room, "timer", action="start", minutes=7)
    present(client, team, sprint, room, mode="timer")
    html = projector(client, team, sprint, room)
    assert html.select_one("#presenter-stage .timer__value").get_text() in ("7:00", "6:59")
    # One timer on the screen: the bar leaves it to the stage.
    assert "presenter__bar--timer" in html.select_one("#presenter-bar")["class"]

    present(client, team, sprint, room, mode="join")
    assert room.join_code in stage_text(client, team, sprint, room)


def test_the_poll_brings_the_new_mode(client, team, sprint, room):
    before = counters(room)
    present(client, team, sprint, room, mode="message", text="Kirjoittakaa lapulle")
    poll = client.get(
        f"{console_url(team, sprint)}{room.id}/projector/changes", query_string=before
    )
    assert poll.status_code == 200
    html = page(poll)
    assert html.select_one("#presenter-stage")["data-hx-swap-oob"] == "true"
    assert "Kirjoittakaa lapulle" in html.select_one("#presenter-stage").get_text()
    # The code leaves the stage for the bar.
    assert room.join_code in html.select_one("#presenter-bar .presenter__code").get_text()
    again = client.get(
        f"{console_url(team, sprint)}{room.id}/projector/changes", query_string=counters(room)
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("data", "status", "says"),
    [
        ({"mode": "everything"}, 422, "Not a valid choice"),
        ({}, 422, "This field is required."),
        ({"mode": "step"}, 422, "Choose the step to show."),
        ({"mode": "step", "step": "99999999999999999999999"}, 422, ""),
        ({"mode": "step", "step": "abc"}, 422, ""),
        ({"mode": "step", "step": "2147483647"}, 422, "That step is no longer on the journey"),
        ({"mode": "message", "text": "   "}, 422, "Type the question or instruction to show."),
        ({"mode": "message", "text": "x" * 201}, 422, "At most 200 characters."),
        ({"mode": "message", "text": "a\x00b"}, 400, ""),
    ],
)
def test_a_wrong_choice_changes_nothing_and_says_why(
    client, team, sprint, room, data, status, says
):
    present(client, team, sprint, room, mode="message", text="Ennallaan")
    before = shown(room)
    response = present(client, team, sprint, room, **data)
    assert response.status_code == status
    if says:
        assert says in text_of(response)
    assert shown(room) == before


def test_a_step_of_another_journey_is_refused(client, team, sprint, room, make_journey, make_team):
    other_team = make_team("Otto", "Toinen työtila", None, None)
    foreign = journeys.load_board(make_journey(other_team, "Vieras")).steps[0]
    response = present(client, team, sprint, room, mode="step", step=foreign.id)
    assert response.status_code == 422
    assert "That step is no longer on the journey" in text_of(response)
    assert shown(room)[0] == PresenterMode.JOIN


def logged_in(app, user):
    other = app.test_client()
    credentials = {"email": user.email, "password": PASSWORD}
    assert other.post("/login", data=credentials).status_code in (302, 303)
    return other


def test_only_the_rooms_own_facilitators_switch_it(app, team, sprint, room, make_team):
    stranger = make_team("Otto", "Toinen työtila", None, None)
    outsider = logged_in(app, stranger["facilitator"])
    assert present(outsider, team, sprint, room, mode="journey").status_code == 404
    participant = logged_in(app, team["participant"])
    assert present(participant, team, sprint, room, mode="journey").status_code == 403
    assert shown(room)[0] == PresenterMode.JOIN


def test_switching_needs_the_csrf_token(app, client, team, sprint, room):
    app.config["WTF_CSRF_ENABLED"] = True
    forged = present(client, team, sprint, room, mode="journey", csrf_token="forged")
    assert forged.status_code == 400
    assert shown(room)[0] == PresenterMode.JOIN
    console = page(client.get(console_url(team, sprint)))
    form = console.select_one("#presenter-control form")
    token = form.select_one("input[name=csrf_token]")["value"]
    assert present(client, team, sprint, room, mode="journey", csrf_token=token).status_code == 303
    assert shown(room)[0] == PresenterMode.JOURNEY


def test_with_htmx_the_console_swaps_its_projector_section(client, team, sprint, room):
    response = client.post(
        f"{console_url(team, sprint)}{room.id}/presenter",
        data={"mode": "ranking"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    section = page(response).select_one("#presenter-control")
    assert "The projector now shows: The ranking of critical points." in section.get_text()
    assert section.select_one('input[value="ranking"]').has_attr("checked")
    refused = client.post(
        f"{console_url(team, sprint)}{room.id}/presenter",
        data={"mode": "message", "text": ""},
        headers={"HX-Request": "true"},
    )
    assert refused.status_code == 422
    errors = page(refused).select_one("#presenter-control .field__errors").get_text()
    assert "Type the question or instruction to show." in errors


def test_an_ended_room_shows_no_code_and_says_it_has_ended(client, team, sprint, room):
    present(client, team, sprint, room, mode="journey")
    assert control(client, team, sprint, room, "end", confirmed="yes").status_code == 303
    html = projector(client, team, sprint, room)
    assert room.join_code not in html.get_text() and html.select(".qr-figure, .qr") == []
    assert "The session has ended" in html.select_one("#presenter-bar").get_text()
    room.presenting = PresenterMode.JOIN  # as it was before the end
    db.session.commit()
    html = projector(client, team, sprint, room)
    assert room.join_code not in html.get_text() and html.select(".qr-figure, .qr") == []
    assert "The workshop has ended." in html.select_one("#presenter-stage").get_text()
    assert present(client, team, sprint, room, mode="join").status_code == 409


def test_the_presenter_shows_the_public_address(app, client, team, sprint, room):
    app.config["PUBLIC_URL"] = "https://polku.koulu.fi"
    laptop = {"environ_overrides": {"HTTP_HOST": "127.0.0.1:5000"}}
    credentials = {"email": team["facilitator"].email, "password": PASSWORD}
    assert client.post("/login", data=credentials, **laptop).status_code in (302, 303)
    html = client.get(f"{console_url(team, sprint)}{room.id}/projector", **laptop).get_data(
        as_text=True
    )
    assert "https://polku.koulu.fi/j/" in html and "127.0.0.1" not in html


def test_the_boards_projector_view_shows_the_journey_without_a_session(
    app, client, login, team, make_journey, make_team
):
    journey = make_journey(team, "Oppisopimus", "fi")
    step = journeys.load_board(journey).steps[4]
    points.report_point(
        team["workspace"],
        journey,
        team["facilitator"],
        points.NewPoint(step, "Palkka viivästyy", 3, points.ReportData(ReporterRole.EMPLOYER)),
    )
    db.session.commit()
    login(team["participant"])
    board = page(client.get(f"/w/{team['workspace'].id}/journeys/{journey.id}/"))
    link = board.select_one('a[href$="/presenter"]')
    assert link.get_text() == "Projector view"
    link = link["href"]
    assert link == f"/w/{team['workspace'].id}/journeys/{journey.id}/presenter"
    html = page(client.get(link))
    assert_no_chrome(html)
    stages = [s.title for s in journeys.load_board(journey).stages]
    assert [th.get_text() for th in html.select("#live-map thead th")] == stages
    [hot] = html.select(".live-map__step--hot")
    assert step.title in hot.get_text() and "1 critical point" in hot.get_text()
    stranger = make_team("Otto", "Toinen työtila", None, None)
    assert logged_in(app, stranger["facilitator"]).get(link).status_code == 404


def test_ids_beyond_64_bits_are_not_found(client, team, sprint, room):
    big = "9" * 25
    workspace = team["workspace"].id
    assert client.get(f"/w/{workspace}/journeys/{big}/presenter").status_code == 404
    posted = client.post(f"{console_url(team, sprint)}{big}/presenter", data={"mode": "journey"})
    assert posted.status_code == 404
    assert shown(room)[0] == PresenterMode.JOIN
