"""The room holds: nobody outside a room learns that it exists, join codes cannot be guessed
at speed, nothing a guest types is lost, and the facilitator can undo ballot stuffing."""

import re

import pytest
from sqlalchemy import select

from tests.conftest import RequestClient, close_app, config_for_tests, text_of
from tests.integration import test_live as base
from tests.integration.test_live import console_url, count, join, send_point, steps
from workshop import create_app
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Step
from workshop.live.models import Entry, Guest

# The room of the live tests: a workspace, a running sprint, a started session, a phone.
team, sprint, room, guest_client = base.team, base.sprint, base.room, base.guest_client


def _body(response) -> str:
    """The page without what differs between any two answers (nonces, tokens)."""
    text = response.get_data(as_text=True)
    text = re.sub(r"hx-headers='[^']*'", "", text)
    return re.sub(r'(nonce|value|content)="[^"]*"', "", text)


# --- defect 5: polls and pages of a room answer its outsiders as if it did not exist ---------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/"),
        ("get", "/changes?c=1&v=1&e=1&j=1"),
        ("get", "/changes?c=1&v=1&e=1&j=1&proxy=1"),
        ("get", "/changes?proxy=1"),
        ("get", "/changes"),
        ("get", "/?proxy=1"),
        ("post", "/points"),
        ("post", "/steps"),
        ("post", "/comments"),
        ("post", "/dots"),
        ("post", "/dots/remove"),
        ("post", "/points?proxy=1"),
    ],
)
def test_an_outsider_gets_the_same_404_for_a_room_that_exists_and_one_that_does_not(
    app, room, method, path, make_user, make_workspace
):
    outsiders = [app.test_client(), app.test_client()]
    # Someone logged in to another workspace is an outsider too.
    other = make_user()
    make_workspace(owner=other, name="Toinen")
    logged_in = outsiders[1].post(
        "/login", data={"email": other.email, "password": "correct horse battery"}
    )
    assert logged_in.status_code == 303
    for outsider in outsiders:
        real = getattr(outsider, method)(f"/live/{room.id}{path}")
        missing = getattr(outsider, method)(f"/live/{room.id + 1000}{path}")
        assert real.status_code == missing.status_code == 404
        assert "ETag" not in real.headers and "ETag" not in missing.headers
        assert _body(real) == _body(missing)
        assert "You have not joined this session" in text_of(real)
    assert count(Entry) == 0


def test_a_guest_and_a_member_of_the_workspace_still_poll_their_room(client, room, guest_client):
    join(guest_client, room)
    query = "c=1&v=1&e=1&j=1"
    assert guest_client.get(f"/live/{room.id}/changes?{query}").status_code in (200, 304)
    assert guest_client.get(f"/live/{room.id}/").status_code == 200


# --- defect 2: wrong join codes are limited per client and per code, across app processes ----


def _wrong_codes(n):
    """n codes of the right shape that no room has."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return [f"ZZ{alphabet[i // 31]}{alphabet[i % 31]}ZZ" for i in range(n)]


def test_guessing_codes_is_refused_with_a_translated_429_and_retry_after(app, room):
    guesser = app.test_client()
    answers = [guesser.get(f"/j/{code}") for code in _wrong_codes(12)]
    assert [a.status_code for a in answers[:10]] == [404] * 10
    refused = answers[-1]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    finnish = guesser.get(f"/j/{_wrong_codes(13)[-1]}", headers={"Accept-Language": "fi"})
    assert finnish.status_code == 429
    assert "Liian monta väärää koodia" in text_of(finnish)
    # Typing the code into the form is guessing too.
    assert guesser.get("/j/?code=ZZZZZZ").status_code in (302, 429)
    # Another address is not held back by this one.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert other.get(f"/j/{room.join_code}").status_code == 200


def test_the_right_code_still_joins_under_the_limit_and_a_whole_room_joins_from_one_address(
    app, room
):
    phones = [app.test_client() for _ in range(60)]
    for code in _wrong_codes(5):
        assert phones[0].get(f"/j/{code}").status_code == 404
    for n, phone in enumerate(phones):
        joined = join(phone, room, name=f"Osallistuja {n}", organisation="")
        assert joined.status_code == 303, joined.status_code
    assert count(Guest) == 60


def test_one_code_guessed_from_many_addresses_is_limited_too(app, room):
    refused = []
    for n in range(12):
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"10.0.{n}.1"
        # Sent as the join form, which writes: the count is kept all the same.
        refused.append(guesser.post("/j/ZZZZZZ", data={"display_name": "X"}).status_code)
    assert refused[:10] == [404] * 10 and refused[-1] == 429


def test_the_limit_holds_across_two_app_processes_on_one_database(app, room, tmp_path):
    second = create_app(config_for_tests(tmp_path))
    second.test_client_class = RequestClient
    try:
        first_client, second_client = app.test_client(), second.test_client()
        codes = _wrong_codes(10)
        for n, code in enumerate(codes):
            client = first_client if n % 2 else second_client
            assert client.get(f"/j/{code}").status_code == 404
        assert first_client.get("/j/ZZ22ZZ").status_code == 429
        assert second_client.get("/j/ZZ23ZZ").status_code == 429
    finally:
        close_app(second)


# --- defect 7b: a long entry is kept whole --------------------------------------------------


LONG_TEXT = " ".join(
    ["Työpaikkaohjaaja ei tiedä, mitä oppilaitos odottaa näytöltä, eikä kukaan kerro sitä"] * 6
)[:500]


def test_a_500_character_point_keeps_every_word(room, guest_client):
    assert len(LONG_TEXT) == 500
    join(guest_client, room)
    assert send_point(guest_client, room, steps(room)[0], text=LONG_TEXT).status_code == 303
    point = db.session.scalar(select(CriticalPoint))
    assert len(point.title) <= 160 and point.title.endswith("…")
    shown = point.title[:-1]
    # Cut after a whole word, not in the middle of one.
    assert LONG_TEXT.startswith(shown) and LONG_TEXT[len(shown)] in " ,"
    assert point.description == LONG_TEXT
    assert point.reports[0].quote == LONG_TEXT


def test_a_short_point_is_its_own_title(room, guest_client):
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0], text="Sopimus  tulee liian myöhään")
    point = db.session.scalar(select(CriticalPoint))
    assert point.title == "Sopimus tulee liian myöhään" and point.description == ""


def test_a_long_suggested_step_keeps_every_word_when_accepted(
    client, team, sprint, room, guest_client
):
    # The form takes 160 characters; a step's title holds 120.
    text = LONG_TEXT[:160]
    join(guest_client, room)
    board = journeys.load_board(room.journey)
    sent = guest_client.post(
        f"/live/{room.id}/steps",
        data={
            "step-text": text,
            "step-stage": board.stages[0].id,
            "step-lane": board.lanes[0].id,
        },
    )
    assert sent.status_code == 303
    entry = db.session.scalar(select(Entry))
    accepted = client.post(f"{console_url(team, sprint)}{room.id}/entries/{entry.id}/accept")
    assert accepted.status_code == 303
    db.session.refresh(entry)
    step = db.session.get(Step, entry.added_step_id)
    assert len(step.title) <= 120 and step.title.endswith("…")
    assert text.startswith(step.title[:-1]) and step.description == text
