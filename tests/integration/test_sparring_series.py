"""Sparring series over HTTP: the list and a new series, sparrers and their personal links,
planning a session (agreement, sparrers, 3–5 questions), the agenda's rules, stale edits, and
what must be refused with nothing changed."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import page, text_of
from workshop import clock, demo
from workshop.extensions import db
from workshop.followup import services as followup
from workshop.followup.models import FollowStatus
from workshop.sparring import services as sparring
from workshop.sparring.demo import DEMO_SERIES
from workshop.sparring.models import (
    AgendaItem,
    AgendaKind,
    CaptureType,
    Commitment,
    HostQuestion,
    Sparrer,
    SparrerRole,
    SparringSeries,
    SparringSession,
)

EN = {"Accept-Language": "en"}
FI = {"Accept-Language": "fi"}
TODAY = date(2027, 3, 1)
QUESTIONS = "Mitä teemme väärin?\nMitä kasvuyritykset tarvitsevat?\nMistä luovumme?"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)


def a_series(team) -> SparringSeries:
    series = sparring.create_series(
        team.workspace, team.facilitator, "Johtoryhmän sparraus", "Johtoryhmä", "fi"
    )
    for name, role in (("Eeva", SparrerRole.GROWTH_COMPANY), ("Jari", SparrerRole.EMPLOYER)):
        sparring.add_sparrer(series, name, f"{name} Oy", role)
    db.session.commit()
    return series


def a_session(series, team, held_on=TODAY + timedelta(days=21)) -> SparringSession:
    session = sparring.plan_session(series, team.facilitator, held_on)
    session.questions = [HostQuestion(position=i, text=f"Q{i}") for i in range(3)]
    db.session.commit()
    return session


def session_fields(series, **fields) -> dict:
    return {
        "held_on": (TODAY + timedelta(days=21)).isoformat(),
        "place": "Neuvotteluhuone 2",
        "themes": "Työelämäyhteistyö",
        "confidentiality": "Chatham House",
        "recipients": "Johtoryhmä ja sparraajat",
        "deciders": "Rehtori",
        "sparrers": [str(s.id) for s in series.sparrers],
        "questions": QUESTIONS,
    } | fields


def base(team) -> str:
    return f"/w/{team.workspace.id}/sparring"


def counts() -> list[int]:
    return [
        db.session.scalar(select(func.count()).select_from(model))
        for model in (SparringSeries, Sparrer, SparringSession, HostQuestion, AgendaItem)
    ]


def test_a_facilitator_starts_a_series_adds_sparrers_and_the_nav_leads_there(client, login, team):
    login(team.facilitator)
    workspace_page = client.get(f"/w/{team.workspace.id}/journeys/", headers=FI)
    assert page(workspace_page).find("a", string="Sparraus")["href"] == base(team) + "/"
    response = client.post(
        f"{base(team)}/new", data={"title": "Sparraus 2027", "host": "Johtoryhmä", "language": "sv"}
    )
    assert response.status_code == 303
    series = db.session.scalar(select(SparringSeries))
    assert (series.title, series.host, series.language) == ("Sparraus 2027", "Johtoryhmä", "sv")
    response = client.post(
        f"{base(team)}/series/{series.id}/sparrers",
        data={
            "name": "Eeva",
            "organisation": "Kasvu Oy",
            "role": "growth_company",
            "email": "eeva@kasvu.fi",
            "named_consent": "y",
        },
    )
    assert response.status_code == 303
    sparrer = series.sparrers[0]
    assert (sparrer.role, sparrer.named_consent) == (SparrerRole.GROWTH_COMPANY, True)
    shown = page(client.get(response.location, headers=EN))
    link = shown.find("input", id=f"sparrer-link-{sparrer.id}")["value"]
    assert link.endswith("/sp/" + sparring.sparrer_token(sparrer))
    assert shown.find("svg", class_="qr") is not None
    assert "Sparraus 2027" in text_of(client.get(base(team) + "/", headers=EN))


def test_an_observer_sees_the_series_but_no_links_and_cannot_add(client, login, team):
    series = a_series(team)
    login(team.observer)
    shown = client.get(f"{base(team)}/series/{series.id}", headers=EN)
    assert shown.status_code == 200
    assert "Eeva" in text_of(shown)
    assert page(shown).find("input", class_="copy-field") is None
    before = counts()
    assert (
        client.post(
            f"{base(team)}/series/{series.id}/sparrers",
            data={"name": "X", "organisation": "Y", "role": "employer"},
        ).status_code
        == 403
    )
    assert counts() == before


def test_a_session_is_planned_with_its_agreement_sparrers_and_questions(client, login, team):
    series = a_series(team)
    login(team.facilitator)
    response = client.post(
        f"{base(team)}/series/{series.id}/sessions/new", data=session_fields(series)
    )
    assert response.status_code == 303
    session = db.session.scalar(select(SparringSession))
    assert [q.text for q in session.questions] == QUESTIONS.splitlines()
    assert [s.name for s in session.sparrers] == ["Eeva", "Jari"]
    assert session.agenda[0].kind == AgendaKind.OPEN_COMMITMENTS
    shown = text_of(client.get(response.location, headers=EN))
    for words in (
        "Chatham House",
        "Rehtori",
        "Mistä luovumme?",
        "Open commitments",
        "155 minutes in all",
    ):
        assert words in shown


@pytest.mark.parametrize("questions", ["Yksi\nKaksi", "1\n2\n3\n4\n5\n6", "\n\n"])
def test_fewer_than_three_or_more_than_five_questions_are_refused_with_the_text_kept(
    client, login, team, questions
):
    series = a_series(team)
    login(team.facilitator)
    before = counts()
    response = client.post(
        f"{base(team)}/series/{series.id}/sessions/new",
        data=session_fields(series, questions=questions, themes="Oma teksti"),
        headers=EN,
    )
    assert response.status_code == 422
    assert "Write 3 to 5 questions, one per line" in text_of(response)
    assert page(response).find("textarea", id="themes").string.strip() == "Oma teksti"
    assert counts() == before


def test_a_stale_edit_is_refused_and_the_typed_text_kept(client, login, team):
    series = a_series(team)
    session = a_session(series, team)
    login(team.facilitator)
    old_version = session.version
    first = client.post(
        f"{base(team)}/sessions/{session.id}/edit",
        data=session_fields(series, version=str(old_version), themes="Ensimmäinen"),
    )
    assert first.status_code == 303
    second = client.post(
        f"{base(team)}/sessions/{session.id}/edit",
        data=session_fields(series, version=str(old_version), themes="Toinen"),
        headers=EN,
    )
    assert second.status_code == 409
    assert "Someone saved this session while you were editing" in text_of(second)
    assert page(second).find("textarea", id="themes").string.strip() == "Toinen"
    db.session.refresh(session)
    assert session.themes == "Ensimmäinen"
    # The form came back with the saved version: sending it again keeps the second text.
    version = page(second).find("input", attrs={"name": "version"})["value"]
    again = client.post(
        f"{base(team)}/sessions/{session.id}/edit",
        data=session_fields(series, version=version, themes="Toinen"),
    )
    assert again.status_code == 303
    db.session.refresh(session)
    assert session.themes == "Toinen"


def test_nul_or_oversized_text_is_refused_with_nothing_changed(client, login, team):
    series = a_series(team)
    session = a_session(series, team)
    login(team.facilitator)
    before = counts()
    nul = client.post(
        f"{base(team)}/sessions/{session.id}/edit",
        data=session_fields(series, version=str(session.version), themes="a\x00b"),
    )
    assert nul.status_code == 400
    huge = client.post(
        f"{base(team)}/sessions/{session.id}/edit",
        data=session_fields(series, version=str(session.version), themes="x" * 2001),
        headers=EN,
    )
    assert huge.status_code == 422
    assert "At most 2000 characters." in text_of(huge)
    long_question = client.post(
        f"{base(team)}/series/{series.id}/sessions/new",
        data=session_fields(series, questions="a\nb\n" + "c" * 301),
        headers=EN,
    )
    assert long_question.status_code == 422
    big_name = client.post(
        f"{base(team)}/series/{series.id}/sparrers",
        data={"name": "n" * 121, "organisation": "Y", "role": "employer"},
        headers=EN,
    )
    assert big_name.status_code == 422
    assert page(big_name).find("input", id="name")["value"] == "n" * 121
    db.session.refresh(session)
    assert session.themes == "" and counts() == before


def test_more_than_four_sparrers_or_a_foreign_one_are_refused(client, login, team, make_team):
    series = a_series(team)
    for name in ("A", "B", "C"):
        sparring.add_sparrer(series, name, "Org", SparrerRole.EMPLOYER)
    other = make_team(facilitator="Kaisa", workspace="Muu")
    foreign = a_series(other).sparrers[0]
    db.session.commit()
    login(team.facilitator)
    before = counts()
    url = f"{base(team)}/series/{series.id}/sessions/new"
    five = client.post(url, data=session_fields(series), headers=EN)
    assert five.status_code == 422
    assert "At most 4 sparring partners" in text_of(five)
    stranger = client.post(url, data=session_fields(series, sparrers=[str(foreign.id)]), headers=EN)
    assert stranger.status_code == 422
    assert counts() == before


def agenda_post(client, team, session, path, **data):
    return client.post(
        f"{base(team)}/sessions/{session.id}/agenda{path}",
        data={"version": str(session.version)} | data,
        headers=EN,
    )


def kinds(session):
    db.session.refresh(session)
    return [item.kind for item in session.agenda]


def test_the_agenda_is_edited_but_open_commitments_stay_first(client, login, team):
    series = a_series(team)
    session = a_session(series, team)
    login(team.facilitator)
    first, evidence, questions = session.agenda[:3]
    before = kinds(session)
    # Open commitments: never removed, never moved, nothing moved above them.
    for path in (f"/{first.id}/remove", f"/{first.id}/down", f"/{evidence.id}/up"):
        refused = agenda_post(client, team, session, path)
        assert refused.status_code == 422, path
        assert "open commitments always come first" in text_of(refused)
        assert kinds(session) == before
    assert agenda_post(client, team, session, f"/{questions.id}/up").status_code == 303
    assert kinds(session)[:3] == [
        AgendaKind.OPEN_COMMITMENTS,
        AgendaKind.QUESTIONS,
        AgendaKind.EVIDENCE,
    ]
    assert agenda_post(client, team, session, f"/{evidence.id}/remove").status_code == 303
    assert AgendaKind.EVIDENCE not in kinds(session)
    assert agenda_post(client, team, session, "", title="Kahvi", minutes="15").status_code == 303
    assert (
        session.agenda[-1].title == "Kahvi"
        and session.agenda[-1].position == len(session.agenda) - 1
    )
    assert (
        agenda_post(client, team, session, f"/{first.id}", title="", minutes="20").status_code
        == 303
    )
    db.session.refresh(session)
    assert session.agenda[0].minutes == 20
    shown = text_of(client.get(f"{base(team)}/sessions/{session.id}", headers=EN))
    assert "Kahvi" in shown and "Open commitments 20 minutes" in shown


def test_a_bad_or_stale_agenda_change_keeps_what_was_typed_and_changes_nothing(client, login, team):
    series = a_series(team)
    session = a_session(series, team)
    login(team.facilitator)
    before = [(i.kind, i.title, i.minutes) for i in session.agenda]
    no_title = agenda_post(client, team, session, "", title="", minutes="15")
    assert no_title.status_code == 422
    too_long = agenda_post(
        client, team, session, f"/{session.agenda[1].id}", title="t", minutes="999"
    )
    assert too_long.status_code == 422
    assert "Between 1 and 240." in text_of(too_long)
    stale = client.post(
        f"{base(team)}/sessions/{session.id}/agenda",
        data={"version": str(session.version - 1), "title": "Oma osio", "minutes": "10"},
        headers=EN,
    )
    assert stale.status_code == 409
    assert page(stale).find("input", id="new-title")["value"] == "Oma osio"
    forged = client.post(
        f"{base(team)}/sessions/{session.id}/agenda/{session.agenda[1].id}/remove",
        data={"version": "abc"},
    )
    assert forged.status_code == 409
    db.session.refresh(session)
    assert [(i.kind, i.title, i.minutes) for i in session.agenda] == before


def test_the_session_page_lists_the_open_commitments_of_earlier_sessions(client, login, team):
    series = a_series(team)
    held = a_session(series, team, TODAY - timedelta(days=60))
    upcoming = a_session(series, team)
    for position, (title, status) in enumerate(
        (("Harjoittelupaikat", FollowStatus.IN_PROGRESS), ("Valmis asia", FollowStatus.DONE))
    ):
        follow_up = followup.create_follow_up(team.workspace, team.facilitator, title, held.held_on)
        follow_up.status = status
        held.commitments.append(
            Commitment(position=position, follow_up=follow_up, first_when="a", first_then="b")
        )
    db.session.commit()
    login(team.observer)
    shown = page(client.get(f"{base(team)}/sessions/{upcoming.id}", headers=EN))
    first = shown.find("li", class_="agenda__item")
    assert "Harjoittelupaikat" in first.get_text() and "In progress" in first.get_text()
    assert "Valmis asia" not in shown.get_text()


def test_a_sparrer_link_shows_their_sessions_until_revoked(client, login, team):
    series = a_series(team)
    session = a_session(series, team)
    eeva = series.sparrers[0]
    session.sparrers = [eeva]
    session.themes = "Työpaikkaohjaus"
    not_hers = a_session(series, team, TODAY + timedelta(days=90))
    not_hers.place = "Toinen paikka"
    db.session.commit()
    token = sparring.sparrer_token(eeva)
    shown = client.get(f"/sp/{token}", headers=EN)
    assert shown.status_code == 200
    text = text_of(shown)
    assert "Työpaikkaohjaus" in text and "Q2" in text and "Toinen paikka" not in text
    login(team.facilitator)
    url = f"{base(team)}/series/{series.id}/sparrers/{eeva.id}/revoke"
    asked = client.post(url, headers=EN)
    assert asked.status_code == 200 and "Revoke the personal link of Eeva?" in text_of(asked)
    assert eeva.revoked_at is None
    assert client.post(url, data={"confirmed": "yes"}).status_code == 303
    client.post("/logout")
    gone = client.get(f"/sp/{token}", headers=EN)
    assert gone.status_code == 404
    assert "This sparring link is not valid, or it was revoked" in text_of(gone)


@pytest.mark.parametrize("token", ["x", "A" * 43, "a" * 5000, "<script>"])
def test_forged_or_malformed_sparrer_links_are_a_translated_404(client, token):
    response = client.get(f"/sp/{token}", headers=FI)
    assert response.status_code == 404
    assert "Tämä sparrauslinkki ei ole voimassa" in text_of(response)


def test_another_workspaces_series_and_sparrers_are_not_reachable(client, login, team, make_team):
    other = make_team(facilitator="Kaisa", workspace="Muu")
    series = a_series(other)
    session = a_session(series, other)
    login(team.facilitator)
    before = counts()
    for url in (
        f"{base(team)}/series/{series.id}",
        f"{base(team)}/sessions/{session.id}",
        f"{base(team)}/sessions/{session.id}/edit",
    ):
        assert client.get(url).status_code == 404
    sparrer = series.sparrers[0]
    assert (
        client.post(
            f"{base(team)}/series/{series.id}/sparrers/{sparrer.id}/revoke",
            data={"confirmed": "yes"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"{base(team)}/sessions/{session.id}/agenda/{session.agenda[1].id}/remove",
            data={"version": str(session.version)},
        ).status_code
        == 404
    )
    db.session.refresh(sparrer)
    assert sparrer.revoked_at is None and counts() == before


def test_the_demo_has_a_held_and_an_upcoming_session_opened_by_the_open_commitments(
    app, client, tmp_path
):
    email, password = demo.load_demo(tmp_path / "instance")
    demo.load_demo(tmp_path / "instance")  # loading again adds nothing
    db.session.commit()
    series = db.session.scalar(select(SparringSeries).where(SparringSeries.title == DEMO_SERIES))
    assert db.session.scalar(select(func.count()).select_from(SparringSeries)) == 1
    held, upcoming = series.sessions
    assert held.held_on == TODAY - timedelta(days=61) and upcoming.held_on == TODAY + timedelta(
        days=21
    )
    assert {c.type for c in held.captures} == set(CaptureType)
    assert any(c.quotable for c in held.captures) and any(not c.quotable for c in held.captures)
    assert any(c.point is not None for c in held.captures)
    statuses = [c.follow_up.status for c in held.commitments]
    assert statuses == [FollowStatus.OPEN, FollowStatus.IN_PROGRESS, FollowStatus.DONE]
    overdue = [
        c.follow_up.title
        for c in held.commitments
        for check_in in c.follow_up.check_ins
        if followup.is_overdue(check_in, TODAY)
    ]
    assert overdue == [held.commitments[0].follow_up.title]
    done = held.commitments[2]
    assert done.said_did and done.answers and all(c.witness for c in held.commitments)
    client.post("/login", data={"email": email, "password": password})
    shown = page(client.get(f"/w/{series.workspace_id}/sparring/series/{series.id}", headers=EN))
    assert "Eeva Virtanen" in shown.get_text()
    session_page = page(
        client.get(f"/w/{series.workspace_id}/sparring/sessions/{upcoming.id}", headers=EN)
    )
    first = session_page.find("li", class_="agenda__item").get_text(" ")
    assert held.commitments[0].follow_up.title in first
    assert held.commitments[1].follow_up.title in first
    assert done.follow_up.title not in first
