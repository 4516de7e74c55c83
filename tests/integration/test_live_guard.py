"""The room holds: nobody outside a room learns that it exists, join codes cannot be guessed
at speed, nothing a guest types is lost, and the facilitator can undo ballot stuffing."""

import re

import pytest
from limits import parse_many
from sqlalchemy import select

from tests.conftest import RequestClient, close_app, config_for_tests, page, text_of
from tests.integration import test_live as base
from tests.integration.test_live import console_url, control, count, dot, join, send_point, steps
from workshop import create_app
from workshop.accounts import services as accounts
from workshop.accounts.models import Organisation, OrganisationKind
from workshop.critical_points.models import CriticalPoint, Report
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Step
from workshop.live import services as live_services
from workshop.live.models import Entry, Guest
from workshop.sprints import services as sprints

# The room of the live tests: a workspace, a running sprint, a started session, a phone.
team, sprint, room, guest_client = base.team, base.sprint, base.room, base.guest_client


def _body(response) -> str:
    """The page without what differs between any two answers (nonces, tokens)."""
    text = response.get_data(as_text=True)
    text = re.sub(r"data-hx-headers='[^']*'", "", text)
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


def per_minute(app, setting="JOIN_LIMIT_PER_ADDRESS"):
    """How many wrong codes a setting allows in a minute."""
    return next(
        item.amount for item in parse_many(app.config[setting]) if item.GRANULARITY.name == "minute"
    )


def _wrong_codes(n):
    """n codes of the right shape that no room has."""
    alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
    return [f"ZZ{alphabet[i // 31]}{alphabet[i % 31]}ZZ" for i in range(n)]


def test_guessing_codes_is_refused_with_a_translated_429_and_retry_after(app, room):
    guesser = app.test_client()
    allowed = per_minute(app)
    answers = [guesser.get(f"/j/{code}") for code in _wrong_codes(allowed + 2)]
    assert [a.status_code for a in answers[:allowed]] == [404] * allowed
    refused = answers[-1]
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    finnish = guesser.get(f"/j/{_wrong_codes(allowed + 3)[-1]}", headers={"Accept-Language": "fi"})
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
    allowed = per_minute(app, "JOIN_LIMIT_PER_CODE")
    for n in range(allowed + 2):
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = f"10.0.{n}.1"
        # Sent as the join form, which writes: the count is kept all the same.
        refused.append(guesser.post("/j/ZZZZZZ", data={"display_name": "X"}).status_code)
    assert refused[:allowed] == [404] * allowed and refused[-1] == 429


@pytest.mark.own_database  # a second app reads what the first one committed
def test_the_limit_holds_across_two_app_processes_on_one_database(app, room, tmp_path):
    second = create_app(config_for_tests(tmp_path))
    second.test_client_class = RequestClient
    try:
        first_client, second_client = app.test_client(), second.test_client()
        codes = _wrong_codes(per_minute(app))
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


# --- defect 3: the roster; removing, restoring, the door, admitting, crowds from one network -


def _phone(app, remote_addr="198.51.100.7"):
    phone = app.test_client()
    phone.environ_base["REMOTE_ADDR"] = remote_addr
    return phone


def _guest_named(name) -> Guest:
    return db.session.scalar(select(Guest).where(Guest.display_name == name))


def _summary_votes(sprint) -> dict:
    document = sprints.document_of(sprint)
    return {p.title: p.support for j in document.journeys for p in j.points}


def _ranked(room) -> dict:
    return {r.point.title: r.dots for r in live_services.ranked_points(room)}


def test_the_roster_shows_who_joined_with_their_entries_and_dots(
    client, team, sprint, room, guest_client
):
    join(guest_client, room, name="Eija", organisation="Konepaja Oy")
    send_point(guest_client, room, steps(room)[0], text="Eijan kohta")
    point = db.session.scalar(select(CriticalPoint))
    control(client, team, sprint, room, "voting", action="open", budget=3, stacking="y")
    dot(guest_client, room, point)
    dot(guest_client, room, point)
    console = page(client.get(console_url(team, sprint)))
    row = next(tr for tr in console.select("table.roster tbody tr") if "Eija" in tr.get_text())
    text = " ".join(row.get_text(" ").split())
    assert "Employer" in text and "Konepaja Oy" in text
    assert "1 entry" in text and "2 dots" in text
    assert row.select("time, td")[1].get_text(strip=True)  # when they joined


def test_removing_a_guest_takes_their_entries_and_dots_out_of_every_count_until_restored(
    app, client, team, sprint, room
):
    honest, stuffer = _phone(app), _phone(app)
    join(honest, room, name="Eija")
    join(stuffer, room, name="Tuplaaja")
    send_point(honest, room, steps(room)[0], text="Oikea ongelma")
    send_point(stuffer, room, steps(room)[1], text="Keksitty ongelma")
    real = db.session.scalar(select(CriticalPoint).where(CriticalPoint.title == "Oikea ongelma"))
    control(client, team, sprint, room, "voting", action="open", budget=3, stacking="y")
    dot(honest, room, real)
    for _ in range(3):
        dot(stuffer, room, real)
    assert _summary_votes(sprint)["Oikea ongelma"] == 4
    tuplaaja = _guest_named("Tuplaaja")
    url = f"{console_url(team, sprint)}{room.id}/people/{tuplaaja.id}/remove"
    assert client.get(url).status_code == 200
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "Sama ihminen monta kertaa"}).status_code == 303

    # Gone from the journey, the tallies, the summary, the projector and the phones.
    assert _summary_votes(sprint) == {"Oikea ongelma": 1}
    assert _ranked(room) == {"Oikea ongelma": 1}
    projector = text_of(client.get(f"{console_url(team, sprint)}{room.id}/projector"))
    assert "Keksitty ongelma" not in projector
    assert "Keksitty ongelma" not in text_of(honest.get(f"/live/{room.id}/"))
    participants = [p.name for p in sprints.document_of(sprint).participants]
    assert "Tuplaaja" not in participants
    console = text_of(client.get(console_url(team, sprint)))
    assert "Sama ihminen monta kertaa" in console and "Keksitty ongelma" not in console
    # The removed phone can look at nothing more and add nothing.
    removed_phone = stuffer.get(f"/live/{room.id}/")
    assert removed_phone.status_code == 403
    assert "removed you from this session" in text_of(removed_phone)
    assert dot(stuffer, room, real).status_code == 403
    assert _ranked(room) == {"Oikea ongelma": 1}
    assert join(stuffer, room, name="Uusi nimi").status_code == 303
    assert count(Guest) == 2

    restore = f"{console_url(team, sprint)}{room.id}/people/{tuplaaja.id}/restore"
    assert client.post(restore).status_code == 303
    assert _summary_votes(sprint) == {"Oikea ongelma": 4, "Keksitty ongelma": 0}
    assert "Keksitty ongelma" in text_of(honest.get(f"/live/{room.id}/"))
    assert stuffer.get(f"/live/{room.id}/").status_code == 200


def test_removing_a_guest_says_first_whose_dots_on_their_points_would_be_lost(
    app, client, team, sprint, room
):
    reporter, voter = _phone(app), _phone(app)
    join(reporter, room, name="Raportoija")
    join(voter, room, name="Äänestäjä")
    send_point(reporter, room, steps(room)[0], text="Ongelma, jota muut tukivat")
    point = db.session.scalar(select(CriticalPoint))
    control(client, team, sprint, room, "voting", action="open", budget=3, stacking="y")
    url = f"{console_url(team, sprint)}{room.id}/people/{_guest_named('Raportoija').id}/remove"
    assert "dot or vote" not in text_of(client.get(url))
    dot(voter, room, point)
    dot(voter, room, point)
    assert "Others gave 2 dots and votes" in text_of(client.get(url))
    # The voter's own page asks nothing of the kind: no one else is on their points.
    other = f"{console_url(team, sprint)}{room.id}/people/{_guest_named('Äänestäjä').id}/remove"
    assert "Others gave" not in text_of(client.get(other))


def test_removing_a_guest_needs_the_facilitator_and_a_csrf_token(
    app, client, team, sprint, room, guest_client
):
    join(guest_client, room)
    eija = _guest_named("Eija")
    url = f"{console_url(team, sprint)}{room.id}/people/{eija.id}/remove"
    assert guest_client.post(url, data={"reason": "x"}).status_code in (302, 303, 403)
    app.config["WTF_CSRF_ENABLED"] = True
    assert client.post(url, data={"reason": "x"}).status_code == 400
    restore = f"{console_url(team, sprint)}{room.id}/people/{eija.id}/restore"
    assert client.post(restore).status_code == 400
    db.session.refresh(eija)
    assert eija.removed_at is None


def test_a_closed_door_lets_no_one_new_in_and_those_inside_go_on(
    app, client, team, sprint, room, guest_client
):
    join(guest_client, room)
    assert control(client, team, sprint, room, "door", door="close").status_code == 303
    latecomer = app.test_client()
    refused = latecomer.get(f"/j/{room.join_code}", headers={"Accept-Language": "fi"})
    assert refused.status_code == 403
    assert "sulkenut oven" in text_of(refused)
    assert join(latecomer, room, name="Myöhäinen").status_code == 403
    assert count(Guest) == 1
    assert send_point(guest_client, room, steps(room)[0]).status_code == 303
    control(client, team, sprint, room, "door", door="open")
    assert join(latecomer, room, name="Myöhäinen").status_code == 303
    assert count(Guest) == 2


def test_with_admitting_on_a_newcomer_waits_and_adds_nothing_until_let_in(
    app, client, team, sprint, room
):
    assert control(client, team, sprint, room, "door", admit="on").status_code == 303
    newcomer, other = app.test_client(), app.test_client()
    assert join(newcomer, room, name="Uusi").status_code == 303
    join(other, room, name="Torjuttu")
    waiting = newcomer.get(f"/live/{room.id}/")
    assert waiting.status_code == 200 and "Waiting to be let in" in text_of(waiting)
    # The waiting page asks by itself: nothing yet (204) while waiting.
    asking = page(waiting).select_one("[data-hx-trigger^=every]")["data-hx-get"]
    assert newcomer.get(asking, headers={"HX-Request": "true"}).status_code == 204
    send_point(newcomer, room, steps(room)[0], text="Odottajan kohta")
    assert count(Entry) == 0 and count(CriticalPoint) == 0
    assert "Waiting to be let in" in text_of(client.get(console_url(team, sprint)))

    uusi, torjuttu = _guest_named("Uusi"), _guest_named("Torjuttu")
    admit = f"{console_url(team, sprint)}{room.id}/people/{uusi.id}/admit"
    assert client.post(admit, data={"decision": "admit"}).status_code == 303
    refuse = f"{console_url(team, sprint)}{room.id}/people/{torjuttu.id}/admit"
    assert client.post(refuse, data={"decision": "refuse"}).status_code == 303
    let_in = newcomer.get(asking, headers={"HX-Request": "true"})
    assert let_in.status_code == 200 and let_in.headers["HX-Refresh"] == "true"
    assert newcomer.get(f"/live/{room.id}/").status_code == 200
    assert send_point(newcomer, room, steps(room)[0], text="Nyt sisällä").status_code == 303
    assert count(CriticalPoint) == 1
    turned_away = other.get(f"/live/{room.id}/")
    assert turned_away.status_code == 403 and "did not let you in" in text_of(turned_away)


def test_many_joins_from_one_network_show_a_warning_on_the_console(app, client, team, sprint, room):
    for n in range(7):
        join(_phone(app, f"192.0.2.{n + 10}"), room, name=f"Puhelin {n}")
    assert "joined from one network" not in text_of(client.get(console_url(team, sprint)))
    join(_phone(app, "192.0.2.200"), room, name="Puhelin 8")
    console = text_of(client.get(console_url(team, sprint)))
    assert "8 people joined from one network (192.0.2.0/24) within 5 minutes" in console
    # The network is kept, never the address.
    assert {g.network for g in db.session.scalars(select(Guest))} == {"192.0.2.0/24"}


def test_a_joins_network_is_its_slash_24_or_slash_64():
    assert live_services.network_of("203.0.113.77") == "203.0.113.0/24"
    assert live_services.network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert live_services.network_of("::ffff:203.0.113.77") == "203.0.113.0/24"
    assert live_services.network_of("not an address") == ""


# --- defect 4: typed organisations stay with the room until a member accepts or merges them --


def test_a_typed_organisation_stays_with_the_room_until_accepted(client, team, sprint, room, app):
    before = count(Organisation)
    first, second = app.test_client(), app.test_client()
    join(first, room, name="Eija", organisation="  acme   oy ")
    join(second, room, name="Olli", organisation="Acme Oy")
    send_point(first, room, steps(room)[0], text="Acmen kohta")
    assert count(Organisation) == before
    assert "Eija, Employer, acme oy" in text_of(first.get(f"/live/{room.id}/"))
    document = sprints.document_of(sprint)
    assert {p.name: p.organisation for p in document.participants}["Olli"] == "Acme Oy"
    report = next(p for j in document.journeys for p in j.points).reports[0]
    assert report.organisation == "acme oy"
    console = page(client.get(console_url(team, sprint)))
    offered = console.select("form.roster__organisation")
    assert len(offered) == 1  # the two spellings are one
    assert "2 participants" in offered[0].get_text()

    typed = offered[0].select_one("input[name=typed]")["value"]
    url = f"{console_url(team, sprint)}{room.id}/organisations"
    assert client.post(url, data={"typed": typed, "organisation": "new"}).status_code == 303
    assert count(Organisation) == before + 1
    acme = db.session.scalar(select(Organisation).where(Organisation.name == "acme oy"))
    assert {g.organisation_id for g in db.session.scalars(select(Guest))} == {acme.id}
    assert db.session.scalar(select(Report)).organisation_id == acme.id
    console = page(client.get(console_url(team, sprint)))
    assert console.select("form.roster__organisation") == []


def test_a_typed_organisation_can_be_merged_into_the_workspaces_own(
    client, team, sprint, room, guest_client, app
):
    konepaja = accounts.add_organisation(
        team["workspace"], "Konepaja Oy", OrganisationKind.EMPLOYER
    )
    db.session.commit()
    before = count(Organisation)
    # A spelling that differs only in case and spaces is the workspace's own at once.
    same = app.test_client()
    join(same, room, name="Sama", organisation=" KONEPAJA  oy")
    assert _guest_named("Sama").organisation_id == konepaja.id
    join(guest_client, room, name="Eija", organisation="Konepaja")
    url = f"{console_url(team, sprint)}{room.id}/organisations"
    merged = client.post(url, data={"typed": "konepaja", "organisation": konepaja.id})
    assert merged.status_code == 303
    assert _guest_named("Eija").organisation_id == konepaja.id
    assert count(Organisation) == before
    refused = client.post(url, data={"typed": "ei ole", "organisation": "new"})
    assert refused.status_code == 422


def test_an_overlong_or_strange_code_is_counted_without_an_error(app, room):
    guesser = app.test_client()
    for code in ("Z" * 5000, "ä" * 300, "--"):
        answer = guesser.get(f"/j/{code}")
        assert answer.status_code == 404
        # The page names what was typed, but not a whole 5,000-character address of it.
        assert code[:12] in text_of(answer)
        assert len(code) <= 12 or code[:13] not in text_of(answer)
    # NUL bytes are refused at the door, before any view or counter.
    assert guesser.get("/j/%00%00").status_code == 400
