"""A sparring session in a room: opening it makes a sprint and a live session, guests join by
code and capture from their phones, the scribe runs the agenda and the projector shows what
is said by role and organisation, never by name; and everything that must be refused."""

from datetime import date

import pytest
from bs4 import BeautifulSoup
from flask import render_template
from sqlalchemy import select

from tests.conftest import PASSWORD, page, template_journey, text_of
from workshop.accounts.services import membership_for
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db
from workshop.followup import services as followup
from workshop.journeys import services as journeys
from workshop.live import services as live_services
from workshop.personal_data import removed_name
from workshop.sparring import room
from workshop.sparring import services as sparring
from workshop.sparring.models import (
    AuthorRole,
    Capture,
    CaptureType,
    Commitment,
    SparrerRole,
)
from workshop.sprints import services as sprints


@pytest.fixture
def team(make_team):
    return make_team("Fiia Fasilitaattori", "Opisto", observer=None)


@pytest.fixture
def held(team):
    """A series with a sparrer, a held session with an open commitment, and today's session."""
    template_journey(team.workspace, team.facilitator, "Oppisopimuspolku", "fi")
    series = sparring.create_series(
        team.workspace, team.facilitator, "Sparraus", "Johtoryhmä", "fi"
    )
    sparrer = sparring.add_sparrer(series, "Eeva Esimerkki", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
    earlier = sparring.plan_session(series, team.facilitator, date(2026, 9, 1))
    follow_up = followup.create_follow_up(
        team.workspace, team.facilitator, "Työpaikkaohjaajien valmennus", earlier.held_on
    )
    earlier.commitments.append(
        Commitment(position=0, follow_up=follow_up, first_when="kun", first_then="niin")
    )
    session = sparring.plan_session(series, team.facilitator, date(2026, 12, 7))
    session.sparrers.append(sparrer)
    db.session.commit()
    return session


@pytest.fixture
def opened(client, login, team, held):
    """The facilitator, logged in on `client`, has opened today's room."""
    login(team.facilitator)
    response = client.post(base(team, held) + "/room/open")
    assert response.status_code == 303, response.text
    db.session.refresh(held)
    return held


@pytest.fixture
def phone(app):
    """A guest's phone: its own cookies, no account."""
    return app.test_client()


def base(team, session) -> str:
    return f"/w/{team.workspace.id}/sparring/sessions/{session.id}"


def join(phone, live, name="Eeva Esimerkki", role="employer", organisation="Kasvu Oy"):
    response = phone.post(
        f"/j/{live.join_code}",
        data={"display_name": name, "role": role, "organisation": organisation},
    )
    assert response.status_code == 303, response.text
    return response


def capture(phone, live, text="Miksi harjoittelupaikkoja ei tarjota kesällä?", **extra):
    data = {
        "capture-type": "question",
        "capture-text": text,
        "capture-author_role": "growth_company",
        "capture-organisation": "Kasvu Oy",
    } | extra
    return phone.post(f"/sp/room/{live.id}/captures", data=data)


def captures() -> list[Capture]:
    return list(db.session.scalars(select(Capture).order_by(Capture.id)))


def test_opening_the_room_makes_a_sprint_of_the_agenda_and_a_live_session(client, team, opened):
    live = opened.live_session
    assert live is not None and live.is_open(live.created_at)
    assert opened.sprint_id == live.sprint_id
    assert live.sprint.title.startswith("Sparraus: ")
    assert len(live.sprint.phases) == len(opened.agenda)
    assert live.sprint.phases[0].name == "Avoimet sitoumukset"
    run = client.get(base(team, opened) + "/room")
    assert run.status_code == 200
    assert live.join_code in text_of(run)
    # Opening again keeps the one room.
    assert client.post(base(team, opened) + "/room/open").status_code == 303
    db.session.refresh(opened)
    assert opened.live_session_id == live.id


def test_a_guest_joins_by_code_and_captures_from_the_phone_and_the_scribe_sees_it(
    client, team, opened, phone
):
    live = opened.live_session
    join(phone, live)
    shown = phone.get(f"/live/{live.id}/")
    form = page(shown).find(id="capture-form")
    assert form is not None
    assert form.find(id="capture-organisation")["value"] == "Kasvu Oy"
    version = live_services.poll_state(live.id).entries
    point_step = journeys.load_board(live.journey).steps[0]
    response = capture(
        phone, live, **{"capture-about": f"step-{point_step.id}", "capture-quotable": "y"}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/live/{live.id}/#capture-form")
    assert "Thank you: your entry is in." in text_of(phone.get(f"/live/{live.id}/"))
    [saved] = captures()
    assert (saved.type, saved.author_role, saved.organisation) == (
        CaptureType.QUESTION,
        AuthorRole.GROWTH_COMPANY,
        "Kasvu Oy",
    )
    assert saved.step_id == point_step.id and saved.quotable
    assert saved.sparrer is not None and saved.sparrer.name == "Eeva Esimerkki"
    assert live_services.poll_state(live.id).entries > version
    assert "Miksi harjoittelupaikkoja" in text_of(client.get(base(team, opened) + "/room"))
    # The scribe's poll brings the list when the counter moved, nothing when it did not.
    now = live_services.poll_state(live.id).entries
    assert client.get(base(team, opened) + f"/room/captures?e={now}").status_code == 204
    assert "Miksi" in client.get(base(team, opened) + f"/room/captures?e={version}").text


def test_a_capture_with_htmx_answers_the_form_with_thanks_and_a_fresh_key(opened, phone):
    live = opened.live_session
    join(phone, live)
    response = phone.post(
        f"/sp/room/{live.id}/captures",
        data={
            "capture-type": "idea",
            "capture-text": "Kesätyöt harjoitteluksi",
            "capture-author_role": "employer",
            "capture-submission_key": "a" * 32,
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    form = page(response).find(id="capture-form")
    assert "Thank you: your entry is in." in form.get_text()
    assert form.find(id="capture-submission_key")["value"] != "a" * 32
    assert form.find(id="capture-text").get_text().strip() == ""


def test_the_same_form_sent_twice_is_one_capture(opened, phone):
    live = opened.live_session
    join(phone, live)
    for _ in range(2):
        assert capture(phone, live, **{"capture-submission_key": "b" * 32}).status_code == 303
    assert len(captures()) == 1


def test_a_closed_room_refuses_a_capture_and_keeps_the_text(client, team, opened, phone):
    live = opened.live_session
    join(phone, live)
    assert client.post(base(team, opened) + "/room/close").status_code == 303
    response = capture(phone, live, text="Tämä ei saa kadota")
    assert response.status_code == 409
    assert "The room is closed" in text_of(response)
    assert page(response).find(id="capture-text").get_text().strip() == "Tämä ei saa kadota"
    assert captures() == []


def test_nul_and_oversized_text_are_refused_and_change_nothing(opened, phone):
    live = opened.live_session
    join(phone, live)
    assert capture(phone, live, text="a\x00b").status_code == 400
    long_text = "x" * 1001
    response = capture(phone, live, text=long_text)
    assert response.status_code == 422
    assert page(response).find(id="capture-text").get_text().strip() == long_text
    assert "1000" in text_of(response)
    assert capture(phone, live, **{"capture-about": "point-999999"}).status_code == 422
    assert capture(phone, live, **{"capture-type": "rumour"}).status_code == 422
    assert captures() == []


def test_a_guest_of_another_session_cannot_capture_in_this_room(
    app, opened, phone, team, sprint_room
):
    join(phone, sprint_room)
    response = capture(phone, opened.live_session)
    assert response.status_code == 404
    # Nor can a workshop's guest capture in the workshop: it is no sparring room.
    assert capture(phone, sprint_room).status_code == 404
    assert page(phone.get(f"/live/{sprint_room.id}/")).find(id="capture-form") is None
    assert captures() == []


@pytest.fixture
def sprint_room(team, opened):
    """A workshop's live session in the same workspace, not a sparring room."""
    journey = journeys.journeys_of(team.workspace)[0]
    data = sprints.SprintData("Työpaja", "", None, None, ["Ymmärrä"], [journey.id])
    sprint = sprints.create_sprint(team.workspace, team.facilitator, data)
    sprints.start_sprint(sprint)
    live = live_services.start_session(sprint, journey, team.facilitator, 2)
    db.session.commit()
    return live


def test_the_projector_shows_captures_by_role_and_organisation_never_by_name(
    client, team, opened, phone
):
    live = opened.live_session
    join(phone, live, name="Eeva Esimerkki")
    step = journeys.load_board(live.journey).steps[0]
    sent = phone.post(
        f"/live/{live.id}/points",
        data={"point-step": step.id, "point-text": "Ohjaaja puuttuu", "point-severity": 3},
    )
    assert sent.status_code == 303, sent.text
    point = db.session.scalar(select(CriticalPoint).order_by(CriticalPoint.id.desc()))
    assert capture(phone, live, **{"capture-about": f"point-{point.id}"}).status_code == 303
    url = f"/w/{team.workspace.id}/sprints/{live.sprint_id}/live/{live.id}/projector"
    shown = text_of(client.get(url))
    assert "Miksi harjoittelupaikkoja" in shown
    assert "Growth company" in shown and "Kasvu Oy" in shown
    assert "Ohjaaja puuttuu" in shown
    assert "Eeva" not in shown


def test_the_scribe_moves_the_agenda_and_the_first_item_lists_the_open_commitments(
    client, team, opened
):
    first = opened.agenda[0]
    response = client.post(base(team, opened) + "/room/item", data={"position": first.position})
    assert response.status_code == 303
    db.session.refresh(opened)
    live = opened.live_session
    db.session.refresh(live)
    assert opened.current_position == first.position
    assert live.activity == "Avoimet sitoumukset"
    assert live.timer_ends_at is not None
    assert live.phase_id == live.sprint.phases[0].id
    run = text_of(client.get(base(team, opened) + "/room"))
    assert "Työpaikkaohjaajien valmennus" in run
    second = opened.agenda[1]
    client.post(base(team, opened) + "/room/item", data={"position": second.position})
    assert "Työpaikkaohjaajien valmennus" not in text_of(client.get(base(team, opened) + "/room"))
    assert client.post(base(team, opened) + "/room/item", data={"position": 99}).status_code == 303
    db.session.refresh(opened)
    assert opened.current_position == second.position


def test_the_scribe_captures_for_a_sparrer_and_removes_a_capture(client, team, opened):
    sparrer = opened.sparrers[0]
    response = client.post(
        base(team, opened) + "/room/captures",
        data={
            "scribe-type": "expectation",
            "scribe-text": "Vastaukset viikossa",
            "scribe-author": str(sparrer.id),
            "scribe-author_role": "growth_company",
            "scribe-organisation": "Kasvu Oy",
        },
    )
    assert response.status_code == 303, response.text
    [saved] = captures()
    assert saved.sparrer_id == sparrer.id and saved.entered_by_id == team.facilitator.id
    refused = client.post(base(team, opened) + "/room/captures", data={"scribe-type": "idea"})
    assert refused.status_code == 422
    assert client.post(base(team, opened) + f"/room/captures/{saved.id}/remove").status_code == 303
    db.session.refresh(saved)
    assert saved.removed_at is not None
    assert "Vastaukset viikossa" not in text_of(client.get(base(team, opened) + "/room"))


def test_a_sparrers_link_leads_to_the_join_page_with_the_code_once_the_room_is_open(
    app, team, held
):
    token = sparring.sparrer_token(held.sparrers[0])
    phone = app.test_client()
    assert phone.get(f"/sp/{token}/room").status_code == 200
    room.open_room(held, team.facilitator, "Sparraus", ["A"], date(2026, 12, 7))
    db.session.commit()
    response = phone.get(f"/sp/{token}/room")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/j/{held.live_session.join_code}")
    assert phone.get("/sp/not-a-token/room").status_code == 404


def test_another_workspaces_member_cannot_open_or_run_the_room(app, make_team, held):
    other = make_team("Olli Muu", "Toinen")
    client = app.test_client()
    client.post("/login", data={"email": other.facilitator.email, "password": PASSWORD})
    assert client.post(base(other, held) + "/room/open").status_code == 404
    assert client.get(base(other, held) + "/room").status_code == 404
    db.session.refresh(held)
    assert held.live_session_id is None


def test_the_projectors_poll_brings_a_new_capture(client, team, opened, phone):
    live = opened.live_session
    join(phone, live)
    known = live_services.poll_state(live.id).as_args()
    url = f"/w/{team.workspace.id}/sprints/{live.sprint_id}/live/{live.id}/projector/changes"
    assert client.get(url, query_string=known).status_code == 304
    capture(phone, live, text="Entä kesäharjoittelu?")
    changed = client.get(url, query_string=known)
    assert changed.status_code == 200
    panel = page(changed).find(id="room-panel")
    assert panel is not None and "Entä kesäharjoittelu?" in panel.get_text()


def test_a_removed_guest_cannot_capture_and_keeps_the_text(team, opened, phone):
    live = opened.live_session
    join(phone, live)
    guest = live.guests[0]
    live_services.remove_guest(live, guest, team.facilitator, "")
    db.session.commit()
    response = capture(phone, live, text="Vielä yksi kysymys")
    assert response.status_code == 403
    assert page(response).find(id="capture-text").get_text().strip() == "Vielä yksi kysymys"
    assert captures() == []


def test_the_session_pages_room_section_opens_the_room_or_leads_to_the_run_page(app, team, held):
    membership = membership_for(team.facilitator, team.workspace)

    def section():
        with app.test_request_context("/", headers={"Accept-Language": "en"}):
            html = render_template(
                "sparring/sections/_room.html",
                session=held,
                workspace=team.workspace,
                membership=membership,
                today=date(2026, 12, 7),
            )
        return BeautifulSoup(html, "html.parser")

    opening = section().find("form")
    assert opening["action"].endswith(f"/sparring/sessions/{held.id}/room/open")
    room.open_room(held, team.facilitator, "Sparraus", ["A"], date(2026, 12, 7))
    db.session.commit()
    shown = section()
    assert held.live_session.join_code in shown.get_text()
    assert shown.find("form") is None
    assert shown.find("a")["href"].endswith(f"/sparring/sessions/{held.id}/room")


def test_the_scribes_page_links_back_to_its_session_and_says_workshop_in_finnish(
    client, team, opened
):
    run = client.get(base(team, opened) + "/room", headers={"Accept-Language": "fi"})
    hrefs = [a["href"] for a in page(run).select(".breadcrumb a")]
    assert base(team, opened) in hrefs
    assert "Lopeta työpaja" in text_of(run) and "huone" not in text_of(run).lower()
    section = text_of(client.get(base(team, opened), headers={"Accept-Language": "fi"}))
    assert "Työpaja on käynnissä" in section and "Huone" not in section


def test_opening_the_room_freezes_the_pack_and_closing_it_marks_the_session_held(
    client, team, opened
):
    assert opened.pack is not None and opened.pack_frozen_at is not None
    assert opened.held_at is None
    assert client.post(base(team, opened) + "/room/close").status_code == 303
    db.session.refresh(opened)
    assert opened.held_at is not None
    # A held session's workshop cannot start again, and its page no longer offers it.
    again = client.post(base(team, opened) + "/room/open")
    assert again.status_code == 409
    assert "has been held" in text_of(again)
    session_page = client.get(base(team, opened))
    assert "has ended" in text_of(session_page)
    assert not page(session_page).select(f"form[action$='/sessions/{opened.id}/room/open']")


def test_a_phone_cannot_speak_as_the_facilitator(opened, phone):
    live = opened.live_session
    join(phone, live)
    form = page(phone.get(f"/live/{live.id}/")).find(id="capture-author_role")
    assert "facilitator" not in [option["value"] for option in form.find_all("option")]
    response = capture(phone, live, **{"capture-author_role": "facilitator"})
    assert response.status_code == 422
    assert captures() == []


def test_a_sparrers_phone_folds_the_journeys_points_and_dots_under_the_capture_form(opened, phone):
    live = opened.live_session
    join(phone, live)
    phone_page = page(phone.get(f"/live/{live.id}/"))
    folded = phone_page.select_one("details.live-more--journey")
    assert folded is not None and not folded.has_attr("open")
    assert folded.select_one("#live-vote") is not None
    assert phone_page.find(id="capture-text") is not None


def test_an_erased_guest_is_never_taken_for_an_erased_sparrer(team, opened, phone):
    # Erasure leaves the same placeholder for everyone, so it must not match one to the other.
    opened.sparrers[0].name = removed_name("fi")
    db.session.commit()
    live = opened.live_session
    join(phone, live, name=removed_name("fi"))
    assert capture(phone, live).status_code == 303
    [saved] = captures()
    assert saved.sparrer is None
