"""The live session over HTTP: joining by code, what guests send, dots, private input and
reveal, the facilitator's controls, polls that answer 304 or only the changed regions, and
everything that must be refused."""

import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import page, template_journey, text_of
from workshop.critical_points.models import CriticalPoint, Report, ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Step
from workshop.live import services as live_services
from workshop.live.models import JOIN_CODE_ALPHABET, Dot, Entry, Guest
from workshop.models_base import utcnow
from workshop.sprints import services as sprints
from workshop.sprints.document import Participant


@pytest.fixture
def team(make_team):
    return make_team("Fiia Fasilitaattori", "Opisto", observer=None)


@pytest.fixture
def sprint(team):
    journey = template_journey(team["workspace"], team["facilitator"], "Oppisopimuspolku", "fi")
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData("Työpaja", "", None, None, ["Ymmärrä", "Äänestä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    db.session.commit()
    return sprint


@pytest.fixture
def room(client, login, team, sprint):
    """A facilitator logged in on `client` has started a session."""
    login(team["facilitator"])
    response = client.post(
        console_url(team, sprint) + "start",
        data={"journey": sprint.journeys[0].id, "budget": 3},
    )
    assert response.status_code == 303
    return live_services.current_session(sprint)


@pytest.fixture
def guest_client(app):
    """A phone: its own cookies, no account."""
    return app.test_client()


def console_url(team, sprint) -> str:
    return f"/w/{team['workspace'].id}/sprints/{sprint.id}/live/"


def control(client, team, sprint, live, path, **data):
    return client.post(f"{console_url(team, sprint)}{live.id}/{path}", data=data)


def join(guest_client, live, name="Eija", role="employer", organisation="Konepaja Oy"):
    return guest_client.post(
        f"/j/{live.join_code}",
        data={"display_name": name, "role": role, "organisation": organisation},
    )


def steps(live, n=3) -> list[Step]:
    return journeys.load_board(live.journey).steps[:n]


def send_point(guest_client, live, step, text="Sopimus tulee liian myöhään", **extra):
    data = {"point-step": step.id, "point-text": text, "point-severity": 3} | extra
    return guest_client.post(f"/live/{live.id}/points", data=data)


def dot(guest_client, live, point, key=None, remove=False):
    url = f"/live/{live.id}/dots" + ("/remove" if remove else "")
    data = {"point": point.id} | ({"submission_key": key} if key else {})
    return guest_client.post(url, data=data)


def counters(live) -> dict:
    state = live_services.poll_state(live.id)
    return state.as_args()


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


# --- joining -----------------------------------------------------------------------------------


def test_a_guest_joins_by_code_without_an_account_and_is_the_same_guest_on_a_second_join(
    room, guest_client
):
    code = room.join_code
    assert len(code) == 6 and set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set(code) & set("01OIL")

    form = guest_client.get(f"/j/{code.lower()[:3]}-{code.lower()[3:]}")
    assert form.status_code == 200
    assert "No account and no e-mail address are needed" in text_of(form)

    joined = join(guest_client, room)
    assert joined.status_code == 303
    assert joined.headers["Location"].endswith(f"/live/{room.id}/")
    phone = guest_client.get(joined.headers["Location"])
    assert "You: Eija, Employer, Konepaja Oy" in text_of(phone)

    again = join(guest_client, room, name="Eija toinen")
    assert again.status_code == 303
    assert count(Guest) == 1


def test_a_double_tap_on_join_makes_one_guest(room, app):
    phones = app.test_client(), app.test_client()
    for phone in phones:
        phone.post(
            f"/j/{room.join_code}",
            data={"display_name": "Eija", "role": "employer", "submission_key": "k" * 32},
        )
    assert count(Guest) == 1


def test_wrong_ended_and_expired_codes_get_a_clear_page_and_create_nothing(
    client, team, sprint, room, guest_client
):
    wrong = guest_client.post("/j/ABCDEF", data={"display_name": "X", "role": "student"})
    assert wrong.status_code == 404
    assert "No workshop has the code ABCDEF" in text_of(wrong)
    malformed = guest_client.get("/j/%3Cscript%3E")
    assert malformed.status_code == 404
    assert "<script>" not in malformed.get_data(as_text=True)

    room.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = join(guest_client, room)
    assert expired.status_code == 410
    assert "no longer works" in text_of(expired)

    room.expires_at = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert control(client, team, sprint, room, "end", confirmed="yes").status_code == 303
    ended = join(guest_client, room)
    assert ended.status_code == 410
    assert count(Guest) == 0


def test_oversized_names_are_refused_with_the_limit_and_markup_is_escaped(room, guest_client):
    long = join(guest_client, room, name="N" * 61)
    assert long.status_code == 422
    assert "At most 60 characters" in text_of(long)
    assert count(Guest) == 0

    join(guest_client, room, name="<script>alert(1)</script>")
    phone = guest_client.get(f"/live/{room.id}/")
    assert "<script>alert(1)</script>" not in phone.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in phone.get_data(as_text=True)


# --- what guests send --------------------------------------------------------------------------


def test_a_guests_critical_point_lands_on_the_journey_with_their_role_and_organisation(
    room, guest_client
):
    join(guest_client, room)
    step = steps(room)[1]
    sent = send_point(guest_client, room, step, **{"point-category": "key:paperwork"})
    assert sent.status_code == 303
    point = db.session.scalar(select(CriticalPoint).where(CriticalPoint.step_id == step.id))
    assert point.title == "Sopimus tulee liian myöhään"
    assert point.severity == 3 and point.category.key == "paperwork"
    report = point.reports[0]
    assert report.reporter_role == ReporterRole.EMPLOYER
    # Typed by a guest, it waits for a member to accept it (test_live_guard.py).
    assert report.organisation is None
    assert report.source == "Työpaja"
    phone = guest_client.get(sent.headers["Location"])
    assert "Thank you: the critical point is on the journey." in text_of(phone)
    # Under the Send button, where the redirect leads, not among the flashes at the top.
    assert sent.headers["Location"].endswith("#point-said")
    assert "on the journey" in page(phone).select_one("#point-said").get_text()
    assert page(phone).select_one(".flashes") is None


def test_a_double_submission_makes_one_point(room, guest_client):
    join(guest_client, room)
    step = steps(room)[0]
    for _ in range(2):
        send_point(guest_client, room, step, **{"point-submission_key": "same-key-123"})
    assert count(Entry) == 1
    assert count(CriticalPoint) == 1


def test_a_refused_entry_comes_back_with_the_text_as_typed_and_saves_nothing(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    too_long = send_point(guest_client, room, steps(room)[0], text="x" * 501)
    assert too_long.status_code == 422
    assert "At most 500 characters" in text_of(too_long)
    assert "x" * 501 in page(too_long).select_one("#point-text").get_text()

    control(client, team, sprint, room, "lock", on="1")
    locked = send_point(guest_client, room, steps(room)[0], text="Kirjoitettu teksti", headers=None)
    assert locked.status_code == 409
    assert "locked editing" in text_of(locked)
    assert "Kirjoitettu teksti" in page(locked).select_one("#point-text").get_text()
    assert count(Entry) == 0


def test_an_htmx_send_answers_with_a_fresh_form_and_the_changed_regions(room, guest_client):
    join(guest_client, room)
    sent = guest_client.post(
        f"/live/{room.id}/comments",
        data={"comment-text": "Hyvä alku"},
        headers={"HX-Request": "true"},
    )
    assert sent.status_code == 200
    html = page(sent)
    assert html.select_one("#comment-form #comment-text").get_text().strip() == ""
    said = html.select_one('#comment-said[data-hx-swap-oob="innerHTML"][role="status"]')
    assert said.get_text() == "Thank you: your comment is in."
    assert html.select_one('#live-entries[data-hx-swap-oob="true"]') is not None
    assert "Hyvä alku" in html.select_one("#live-entries").get_text()


def test_a_suggested_step_goes_on_the_journey_when_the_facilitator_accepts_it(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    board = journeys.load_board(room.journey)
    guest_client.post(
        f"/live/{room.id}/steps",
        data={
            "step-text": "Perehdytys työmaalla",
            "step-stage": board.stages[1].id,
            "step-lane": board.lanes[0].id,
        },
    )
    entry = db.session.scalar(select(Entry))
    accepted = client.post(f"{console_url(team, sprint)}{room.id}/entries/{entry.id}/accept")
    assert accepted.status_code == 303
    added = journeys.load_board(room.journey).steps_in(board.stages[1], board.lanes[0])
    assert added[-1].title == "Perehdytys työmaalla"


# --- dots --------------------------------------------------------------------------------------


def test_dots_are_counted_within_the_budget_and_refused_beyond_it(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    first, second = steps(room, 2)
    send_point(guest_client, room, first, text="Eka")
    send_point(guest_client, room, second, text="Toka")
    one, two = db.session.scalars(select(CriticalPoint).order_by(CriticalPoint.id)).all()

    closed = dot(guest_client, room, one)
    assert closed.status_code == 409
    assert "Voting is closed" in text_of(closed)

    control(client, team, sprint, room, "voting", action="open", budget=3, stacking="y")
    assert dot(guest_client, room, one).status_code == 303
    assert dot(guest_client, room, one).status_code == 303
    assert dot(guest_client, room, two).status_code == 303
    beyond = dot(guest_client, room, two)
    assert beyond.status_code == 409
    assert "You have used all your dots" in text_of(beyond)
    assert count(Dot) == 3

    ranked = live_services.ranked_points(room)
    assert [(r.point.title, r.dots) for r in ranked[:2]] == [("Eka", 2), ("Toka", 1)]

    assert dot(guest_client, room, one, remove=True).status_code == 303
    assert count(Dot) == 2


def test_without_stacking_a_point_takes_one_dot_from_each_guest(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0])
    point = db.session.scalar(select(CriticalPoint))
    control(client, team, sprint, room, "voting", action="open", budget=3)
    assert dot(guest_client, room, point).status_code == 303
    second = dot(guest_client, room, point)
    assert second.status_code == 409
    assert "at most one dot" in text_of(second)


def test_a_double_tapped_dot_counts_once(client, team, sprint, room, guest_client):
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0])
    point = db.session.scalar(select(CriticalPoint))
    control(client, team, sprint, room, "voting", action="open", budget=5, stacking="y")
    dot(guest_client, room, point, key="tap-1")
    dot(guest_client, room, point, key="tap-1")
    assert count(Dot) == 1


# --- private input and reveal ------------------------------------------------------------------


def test_private_entries_stay_hidden_from_others_until_the_reveal(client, team, sprint, room, app):
    eija, pekka = app.test_client(), app.test_client()
    join(eija, room)
    join(pekka, room, name="Pekka", role="student", organisation="")
    control(client, team, sprint, room, "private", on="1")
    control(client, team, sprint, room, "presenter", mode="ranking")
    before = counters(room)
    send_point(eija, room, steps(room)[0], text="Salainen huoli")

    assert "Salainen huoli" in text_of(eija.get(f"/live/{room.id}/"))
    assert "Salainen huoli" not in text_of(pekka.get(f"/live/{room.id}/"))
    projector = client.get(f"{console_url(team, sprint)}{room.id}/projector")
    assert "Salainen huoli" not in text_of(projector)
    assert "1 private entry waits for the reveal" in text_of(projector)
    assert count(CriticalPoint) == 0
    poll = client.get(
        f"{console_url(team, sprint)}{room.id}/projector/changes", query_string=before
    )
    assert "Salainen huoli" not in poll.get_data(as_text=True)

    assert control(client, team, sprint, room, "reveal").status_code == 303
    assert "Salainen huoli" in text_of(pekka.get(f"/live/{room.id}/"))
    assert count(CriticalPoint) == 1
    assert "Salainen huoli" in text_of(
        client.get(f"{console_url(team, sprint)}{room.id}/projector")
    )


# --- polls -------------------------------------------------------------------------------------


def test_a_poll_answers_304_when_nothing_moved_and_only_the_changed_regions_otherwise(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    poll_url = f"/live/{room.id}/changes"
    known = counters(room)
    unchanged = guest_client.get(poll_url, query_string=known)
    assert unchanged.status_code == 304 and unchanged.data == b""
    etag = unchanged.headers["ETag"]
    assert (
        guest_client.get(
            poll_url, query_string={"c": 0, "v": 0, "e": 0, "j": 0}, headers={"If-None-Match": etag}
        ).status_code
        == 304
    )

    control(client, team, sprint, room, "timer", action="start", minutes=5)
    timer_only = page(guest_client.get(poll_url, query_string=known))
    assert timer_only.select_one("#live-controls") is not None
    assert timer_only.select_one("#live-points") is None
    assert timer_only.select_one(".timer__value").get_text().strip() in ("5:00", "4:59")

    known = counters(room)
    send_point(guest_client, room, steps(room)[0], text="Uusi kohta")
    new_point = page(guest_client.get(poll_url, query_string=known))
    assert new_point.select_one("#live-controls") is None
    assert "Uusi kohta" in new_point.select_one("#live-points").get_text()
    assert "Uusi kohta" in new_point.select_one("#live-entries").get_text()
    poller = new_point.select_one('#live-poll[data-hx-swap-oob="true"]')
    assert f"v={counters(room)['v']}&e={counters(room)['e']}" in poller["data-hx-get"]

    # A dot moves only the counts: no list, no entries, just the numbers and the guest's own.
    control(client, team, sprint, room, "voting", action="open", budget=3, stacking="y")
    known = counters(room)
    point = db.session.scalar(select(CriticalPoint))
    dot(guest_client, room, point)
    counts = page(guest_client.get(poll_url, query_string=known))
    assert counts.select_one("#live-points") is None and counts.select_one("#live-entries") is None
    assert counts.select_one(f"#dots-{point.id}").get_text() == "1 dot"
    assert "You have 2 dots left" in counts.select_one("#live-budget").get_text()


@pytest.mark.parametrize(
    "query", ["c=1&v=x&e=1&j=1", "c=1&v=1&e=1", "c=-1&v=1&e=1&j=1", "c=1&v=1&e=1&j=" + "9" * 13]
)
def test_a_malformed_poll_is_refused_with_400(room, guest_client, query):
    join(guest_client, room)
    assert guest_client.get(f"/live/{room.id}/changes?{query}").status_code == 400


# --- who may do what ---------------------------------------------------------------------------


def test_a_guest_cannot_reach_facilitator_actions_or_another_sessions_pages(
    app, team, sprint, room, guest_client
):
    join(guest_client, room)
    for action in ("end", "reveal", "lock"):
        refused = guest_client.post(f"{console_url(team, sprint)}{room.id}/{action}")
        assert refused.status_code == 403
    db.session.refresh(room)
    assert room.ended_at is None and not room.locked

    stranger = app.test_client()
    assert stranger.get(f"/live/{room.id}/").status_code == 404
    assert stranger.get(f"/live/{room.id}/changes?c=1&v=1&e=1&j=1").status_code == 404
    assert send_point(stranger, room, steps(room)[0]).status_code == 404
    assert count(Entry) == 0


def test_only_a_facilitator_enters_for_someone_without_a_device(
    client, login, team, sprint, room, app
):
    added = client.post(
        f"{console_url(team, sprint)}{room.id}/guests",
        data={"display_name": "Raili", "role": "workplace_instructor", "organisation": ""},
    )
    assert added.status_code == 303
    raili = db.session.scalar(select(Guest).where(Guest.display_name == "Raili"))
    assert f"proxy={raili.id}" in added.headers["Location"]
    sent = client.post(
        f"/live/{room.id}/points?proxy={raili.id}",
        data={
            "point-step": steps(room)[0].id,
            "point-text": "Ei aikaa ohjata",
            "point-severity": 2,
        },
    )
    assert sent.status_code == 303
    entry = db.session.scalar(select(Entry))
    assert entry.guest_id == raili.id and entry.entered_by_id == team["facilitator"].id
    assert entry.point.reports[0].reporter_role == ReporterRole.WORKPLACE_INSTRUCTOR

    other = app.test_client()
    login_as = other.post(
        "/login", data={"email": team["participant"].email, "password": "correct horse battery"}
    )
    assert login_as.status_code in (302, 303)
    refused = other.post(
        f"/live/{room.id}/points?proxy={raili.id}",
        data={"point-step": steps(room)[0].id, "point-text": "Ei", "point-severity": 2},
    )
    assert refused.status_code == 403
    assert count(Entry) == 1


def test_removing_an_entry_takes_its_point_away_and_logs_why(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0], text="Asiaton teksti")
    entry = db.session.scalar(select(Entry))
    url = f"{console_url(team, sprint)}{room.id}/entries/{entry.id}/remove"
    assert client.post(url, data={"reason": ""}).status_code == 422
    assert client.post(url, data={"reason": "Asiaton"}).status_code == 303
    assert count(CriticalPoint) == 0 and count(Report) == 0
    console = text_of(client.get(console_url(team, sprint)))
    assert "removed by Fiia Fasilitaattori" in console and "Asiaton" in console
    assert "Asiaton teksti" not in text_of(guest_client.get(f"/live/{room.id}/"))


def test_after_the_end_guests_can_look_but_not_add(client, team, sprint, room, guest_client):
    join(guest_client, room)
    control(client, team, sprint, room, "end", confirmed="yes")
    phone = guest_client.get(f"/live/{room.id}/")
    assert phone.status_code == 200
    assert "The session has ended" in text_of(phone)
    assert page(phone).select_one("#point-form .live-form__fields[disabled]") is not None
    refused = send_point(guest_client, room, steps(room)[0])
    assert refused.status_code == 409
    assert count(Entry) == 0
    # A new session gets a new code.
    client.post(console_url(team, sprint) + "start", data={"journey": room.journey_id, "budget": 5})
    fresh = live_services.current_session(sprint)
    assert fresh.id != room.id and fresh.join_code != room.join_code


# --- the facilitator's controls ----------------------------------------------------------------


def test_the_timer_runs_on_the_servers_clock(client, team, sprint, room):
    control(client, team, sprint, room, "timer", action="start", minutes=10)
    db.session.refresh(room)
    left = live_services.seconds_left(room, utcnow())
    assert 595 <= left <= 600
    control(client, team, sprint, room, "timer", action="pause")
    db.session.refresh(room)
    assert room.timer_ends_at is None and 595 <= room.timer_left_s <= 600
    control(client, team, sprint, room, "timer", action="extend", minutes=2)
    db.session.refresh(room)
    assert 715 <= room.timer_left_s <= 720
    control(client, team, sprint, room, "timer", action="resume")
    db.session.refresh(room)
    assert room.timer_ends_at is not None
    too_long = control(client, team, sprint, room, "timer", action="start", minutes=999)
    assert too_long.status_code == 422


def test_phase_and_activity_show_on_the_phone(client, team, sprint, room, guest_client):
    join(guest_client, room)
    phase = sprint.phases[1]
    control(client, team, sprint, room, "activity", phase=phase.id, activity="Äänestäkää kolme")
    phone = page(guest_client.get(f"/live/{room.id}/"))
    controls = phone.select_one("#live-controls").get_text(" ")
    assert "Äänestä" in controls and "Äänestäkää kolme" in controls


def test_the_console_shows_the_join_code_and_a_qr_code_of_the_join_address(
    client, team, sprint, room
):
    console = page(client.get(console_url(team, sprint)))
    assert console.select_one(".join-code__value").get_text() == room.join_code
    svg = console.select_one("figure.qr-figure svg")
    assert svg is not None and svg.select_one("path")["d"]
    assert re.search(rf"/j/{room.join_code}$", console.select_one(".copy-field a")["href"])


def test_an_expired_session_gives_way_to_a_new_one(client, team, sprint, room):
    room.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    console = page(client.get(console_url(team, sprint)))
    assert console.select_one('form[action$="/live/start"]') is not None
    client.post(console_url(team, sprint) + "start", data={"journey": room.journey_id, "budget": 5})
    assert live_services.current_session(sprint).id != room.id
    db.session.refresh(room)
    assert room.ended_at is not None


def test_guests_need_the_csrf_token_of_their_own_session(app, room):
    app.config["WTF_CSRF_ENABLED"] = True
    phone = app.test_client()
    form = page(phone.get(f"/j/{room.join_code}"))
    token = form.select_one("input[name=csrf_token]")["value"]
    fields = {"display_name": "Eija", "role": "employer"}
    assert phone.post(f"/j/{room.join_code}", data=fields).status_code == 400
    forged = phone.post(f"/j/{room.join_code}", data=fields | {"csrf_token": "forged"})
    assert forged.status_code == 400
    assert "Nothing was changed" in text_of(forged)
    assert (
        phone.post(f"/j/{room.join_code}", data=fields | {"csrf_token": token}).status_code == 303
    )
    other_phone = app.test_client()
    stolen = other_phone.post(
        f"/live/{room.id}/comments", data={"comment-text": "x", "csrf_token": token}
    )
    assert stolen.status_code == 400
    assert count(Guest) == 1 and count(Entry) == 0


def test_the_rooms_dots_count_as_votes_in_the_sprint_summary(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0], text="Eniten ääniä")
    send_point(guest_client, room, steps(room)[1], text="Vähemmän ääniä")
    most, fewer = db.session.scalars(select(CriticalPoint).order_by(CriticalPoint.id)).all()
    control(client, team, sprint, room, "voting", action="open", budget=3, stacking="y")
    dot(guest_client, room, most)
    dot(guest_client, room, most)
    dot(guest_client, room, fewer)
    document = sprints.document_of(sprint)
    points = {p.title: p for j in document.journeys for p in j.points}
    assert (points["Eniten ääniä"].votes, points["Eniten ääniä"].dots) == (0, 2)
    assert (points["Vähemmän ääniä"].votes, points["Vähemmän ääniä"].dots) == (0, 1)


def test_a_form_loaded_nine_hours_ago_can_still_be_sent(app, room, monkeypatch):
    app.config["WTF_CSRF_ENABLED"] = True
    phone = app.test_client()
    now = time.time
    monkeypatch.setattr(time, "time", lambda: now() - 9 * 3600)
    token = page(phone.get(f"/j/{room.join_code}")).select_one("input[name=csrf_token]")["value"]
    monkeypatch.setattr(time, "time", now)
    fields = {"display_name": "Eija", "role": "employer", "csrf_token": token}
    assert phone.post(f"/j/{room.join_code}", data=fields).status_code == 303
    # The limit is a day's workshop (12 h), not forever.
    late = app.test_client()
    monkeypatch.setattr(time, "time", lambda: now() - 13 * 3600)
    token = page(late.get(f"/j/{room.join_code}")).select_one("input[name=csrf_token]")["value"]
    monkeypatch.setattr(time, "time", now)
    expired = late.post(f"/j/{room.join_code}", data=fields | {"csrf_token": token})
    assert expired.status_code == 400


def test_a_private_point_whose_step_was_trashed_is_still_revealed_as_said(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    control(client, team, sprint, room, "private", on="1")
    step = steps(room)[0]
    send_point(guest_client, room, step, text="Askel katosi")
    journeys.trash_step(room.journey, team["facilitator"], step)
    db.session.commit()
    assert control(client, team, sprint, room, "reveal").status_code == 303
    assert count(CriticalPoint) == 0
    assert "Askel katosi" in text_of(guest_client.get(f"/live/{room.id}/"))


def test_what_a_guest_said_outlives_the_step_it_was_about(room, guest_client, team):
    join(guest_client, room)
    step = steps(room)[0]
    guest_client.post(
        f"/live/{room.id}/comments", data={"comment-text": "Tämä jää", "comment-step": step.id}
    )
    journeys.trash_step(room.journey, team["facilitator"], step)
    journeys.empty_trash(room.journey, team["facilitator"])
    db.session.commit()
    entry = db.session.scalar(select(Entry))
    assert entry.text == "Tämä jää" and entry.step_id is None
    assert "Tämä jää" in text_of(guest_client.get(f"/live/{room.id}/"))


def test_the_people_in_the_room_are_the_sprints_participants_in_its_summary(
    room, sprint, guest_client
):
    join(guest_client, room)
    document = sprints.document_of(sprint)
    assert Participant("Eija", "employer", "Konepaja Oy") in document.participants


def test_ending_a_session_asks_first(client, team, sprint, room, guest_client):
    join(guest_client, room)
    end = f"{console_url(team, sprint)}{room.id}/end"
    for asked in (control(client, team, sprint, room, "end"), client.get(end)):
        assert asked.status_code == 200
        html = page(asked)
        assert html.select_one("h1").get_text(strip=True) == (
            f"End the live session with the code {room.join_code}?"
        )
        assert "The 1 person who joined can still look" in text_of(asked)
        form = html.select_one("section.confirm form[method=post]")
        assert form["action"] == end
        assert form.select_one("input[name=confirmed]")["value"] == "yes"
    db.session.refresh(room)
    assert room.ended_at is None
    assert (
        "data-hx-confirm"
        in page(client.get(console_url(team, sprint))).select_one(f"form[action='{end}']").attrs
    )
    assert control(client, team, sprint, room, "end", confirmed="yes").status_code == 303
    db.session.refresh(room)
    assert room.ended_at is not None
