"""The board refreshes itself: it polls "changed since version N?" and gets 304 and nothing
while nobody has changed the journey, or the board as it is now when someone has."""

import pytest

from tests.conftest import page, queries_sent
from workshop.accounts.models import Role
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journeys import services
from workshop.journeys.models import Journey

HX = {"HX-Request": "true"}


@pytest.fixture
def team(make_team):
    return make_team(participant=None)


def poll_url(journey, since) -> str:
    return f"/w/{journey.workspace_id}/journeys/{journey.id}/changes?since={since}"


def version_of(journey) -> int:
    return db.session.get(Journey, journey.id).version


def add_step(team, journey, title):
    board = services.load_board(journey)
    step = services.add_step(
        journey, team["facilitator"], board.stages[0].id, board.lanes[0].id, title
    )
    db.session.commit()
    return step


def test_the_board_page_polls_from_its_own_version(client, login, team, journey):
    login(team["observer"])
    poller = page(client.get(f"/w/{journey.workspace_id}/journeys/{journey.id}/")).select_one(
        "[data-live-board]"
    )
    assert poller["data-hx-get"].endswith(f"since={version_of(journey)}")
    assert poller["data-hx-trigger"] == "every 2s"


def test_unchanged_is_304_with_an_empty_body(client, login, team, journey):
    login(team["observer"])
    version = version_of(journey)
    response = client.get(poll_url(journey, version), headers=HX)
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == f'W/"journey-{journey.id}-{version}"'
    # A client that keeps the ETag gets the same answer whatever `since` says.
    stale = client.get(
        poll_url(journey, 0), headers=HX | {"If-None-Match": response.headers["ETag"]}
    )
    assert stale.status_code == 304


def test_a_change_brings_the_new_board_with_a_poller_from_the_new_version(
    client, login, team, journey
):
    login(team["observer"])
    before = version_of(journey)
    add_step(team, journey, "Uusi askel työpaikalla")
    response = client.get(poll_url(journey, before), headers=HX)
    assert response.status_code == 200
    fragment = page(response)
    assert fragment.select_one("#board") and not fragment.select_one("html")
    assert "Uusi askel työpaikalla" in fragment.get_text()
    assert fragment.select_one("[data-live-board]")["data-hx-get"].endswith(
        f"since={version_of(journey)}"
    )
    assert response.headers["ETag"] == f'W/"journey-{journey.id}-{version_of(journey)}"'
    assert response.headers["Cache-Control"] == "no-store"


def test_the_poll_keeps_the_boards_filters(client, login, team, journey):
    login(team["observer"])
    board = page(client.get(f"/w/{journey.workspace_id}/journeys/{journey.id}/?view=heat"))
    assert "view=heat" in board.select_one("[data-live-board]")["data-hx-get"]


@pytest.mark.parametrize("since", ["", "abc", "-1", "1.5", "9" * 13])
def test_a_malformed_version_is_400(client, login, team, journey, since):
    login(team["observer"])
    assert client.get(poll_url(journey, since), headers=HX).status_code == 400


def test_other_workspaces_and_visitors_get_nothing(client, login, team, journey, make_user):
    assert client.get(poll_url(journey, 1), headers=HX).status_code == 401
    login(make_user())
    assert client.get(poll_url(journey, 1), headers=HX).status_code == 404


def test_an_unchanged_poll_renders_nothing_and_asks_little(app, client, login, team, journey):
    login(team["observer"])
    version = version_of(journey)
    with queries_sent() as statements:
        assert client.get(poll_url(journey, version), headers=HX).status_code == 304
    # One query: the journey's version joined with the session user's membership; not the
    # user, workspace or role.
    assert len(statements) <= 1, statements


def test_a_refresh_does_not_use_up_the_undo_offered_after_a_delete(client, login, team, journey):
    login(team["facilitator"])
    step = add_step(team, journey, "Poistettava")
    version = version_of(journey)
    assert client.post(f"/w/{journey.workspace_id}/journeys/{journey.id}/steps/{step.id}/delete")
    assert client.get(poll_url(journey, version), headers=HX).status_code == 200
    board = page(client.get(f"/w/{journey.workspace_id}/journeys/{journey.id}/"))
    assert board.select_one(".undo form")


def log_in_with_csrf(client, user):
    form = page(client.get("/login")).select_one("#login-form")
    token = form.select_one("input[name=csrf_token]")["value"]
    data = {"csrf_token": token, "email": user.email, "password": "correct horse battery"}
    assert client.post("/login", data=data).status_code == 303


def test_a_board_shared_from_the_cache_carries_each_persons_own_working_token(
    app, team, journey, make_user, add_member
):
    app.config["WTF_CSRF_ENABLED"] = True
    other = make_user(name="Pirjo")
    add_member(team["workspace"], other, Role.PARTICIPANT)
    step = add_step(team, journey, "Siirrettävä")
    board_url = f"/w/{journey.workspace_id}/journeys/{journey.id}/"
    first, second = app.test_client(), app.test_client()
    log_in_with_csrf(first, team["facilitator"])
    log_in_with_csrf(second, other)
    pages = [page(client.get(board_url)) for client in (first, second)]
    # The shared board holds no form of anyone's: a card's actions come with the editor,
    # rendered for the person who opens it.
    assert [p.select("#board form[method=post]") for p in pages] == [[], []]
    edit_url = f"{board_url}steps/{step.id}/edit"
    editors = [
        page(client.get(edit_url, headers={"HX-Request": "true"})) for client in (first, second)
    ]
    tokens = [e.select_one(".move-form input[name=csrf_token]")["value"] for e in editors]
    assert tokens[0] != tokens[1]
    move = editors[1].select_one(".move-form")
    data = {"csrf_token": tokens[1], "direction": "down"}
    assert second.post(move["action"], data=data).status_code == 303
    # The first person's token is refused for the second person's session.
    data = {"csrf_token": tokens[0], "direction": "down"}
    assert second.post(move["action"], data=data).status_code == 400


def test_the_board_shows_a_category_renamed_since_it_was_cached(client, login, team, journey):
    from workshop.critical_points import services as points

    step = add_step(team, journey, "Lomake")
    points.report_point(
        team["workspace"], journey, team["facilitator"],
        points.NewPoint(
            step=step, title="Liikaa lomakkeita", severity=2, category="key:paperwork",
            report=points.ReportData(ReporterRole.EMPLOYER, None, "", "", None),
        ),
    )  # fmt: skip
    db.session.commit()
    login(team["facilitator"])
    board_url = f"/w/{journey.workspace_id}/journeys/{journey.id}/"
    assert "Paperwork" in page(client.get(board_url)).select_one("#board").get_text()
    points.rename_category(team["workspace"], "key:paperwork", "Lomakkeet")
    db.session.commit()
    text = page(client.get(board_url)).select_one("#board").get_text()
    assert "Lomakkeet" in text and "Paperwork" not in text
