"""The session summary (page, PDF, share link) with names hidden in what is shared, and "you
said, we did" for the sparrers whose entries a done commitment answers."""

import re
import subprocess
from datetime import UTC, date, datetime

import pytest
from aiosmtpd.controller import Controller

from tests.integration.test_followup_reminders import Inbox, _free_port
from workshop import clock
from workshop.extensions import db
from workshop.followup import services as followup
from workshop.followup.models import FollowStatus
from workshop.sparring import services as sparring
from workshop.sparring.models import (
    AuthorRole,
    Capture,
    CaptureType,
    Commitment,
    SparrerRole,
)

HELD = date(2027, 2, 1)
SECRET = "Meillä on liian vähän harjoittelupaikkoja, mutta tätä ei saa lainata"


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True)
    return " ".join(out.stdout.decode().split())


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def held(team):
    """A held session: two sparrers (one consenting to her name), entries quotable and not,
    one by the scribe with a name typed, and a commitment owned by Paavo answering two."""
    series = sparring.create_series(
        team.workspace, team.facilitator, "Johtoryhmän sparraus", "Johtoryhmä", "fi"
    )
    eeva = sparring.add_sparrer(series, "Eeva Esimerkki", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
    eeva.named_consent = True
    eeva.email = "eeva@kasvu.example"
    matti = sparring.add_sparrer(series, "Matti Meikäläinen", "Rakennus Oy", SparrerRole.EMPLOYER)
    matti.email = "matti@rakennus.example"
    session = sparring.plan_session(series, team.facilitator, HELD)
    session.sparrers = [eeva, matti]
    session.recipients = "Johtoryhmä ja työelämätoimikunta"
    captures = [
        Capture(
            type=CaptureType.OBSERVATION,
            text="Ohjaajat eivät tiedä kenelle soittaa",
            author_role=AuthorRole.GROWTH_COMPANY,
            organisation="Kasvu Oy",
            author_name="Eeva Esimerkki",
            sparrer=eeva,
            quotable=True,
        ),
        Capture(
            type=CaptureType.QUESTION,
            text="Kuka vastaa arvioinnista?",
            author_role=AuthorRole.EMPLOYER,
            organisation="Rakennus Oy",
            author_name="Matti Meikäläinen",
            sparrer=matti,
            quotable=True,
        ),
        Capture(
            type=CaptureType.OBSERVATION,
            text=SECRET,
            author_role=AuthorRole.EMPLOYER,
            organisation="Rakennus Oy",
            author_name="Matti Meikäläinen",
            sparrer=matti,
            quotable=False,
        ),
        Capture(
            type=CaptureType.IDEA,
            text="Yhteinen puhelinnumero",
            quotable=True,
            author_role=AuthorRole.MANAGEMENT,
            author_name="Reija Rehtori",
        ),
    ]
    session.captures = captures
    follow_up = followup.create_follow_up(
        team.workspace,
        team.facilitator,
        "Yksi yhteysnumero",
        HELD,
        due_on=date(2027, 6, 1),
        owner_user=team.participant,
    )
    commitment = Commitment(
        position=0,
        follow_up=follow_up,
        first_when="kevät alkaa",
        first_then="avaamme numeron",
        indicator="soittojen määrä",
        target="50 kuussa",
        witness=matti,
        answers=[captures[0], captures[2]],
    )
    session.commitments = [commitment]
    db.session.commit()
    return session


NAMES = ("Eeva Esimerkki", "Matti Meikäläinen", "Reija Rehtori", "Paavo", "Fiia")


def test_members_see_names_on_the_summary_page(client, login, team, held):
    login(team.observer)
    page = _text(client.get(f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary").text)
    for name in ("Eeva Esimerkki", "Matti Meikäläinen", "Reija Rehtori", "Paavo"):
        assert name in page
    assert SECRET in page


def _assert_names_hidden(text: str):
    # Eeva consented and her entry may be quoted: hers is the only name.
    assert "Eeva Esimerkki" in text
    for name in NAMES[1:]:
        assert name not in text, name
    assert SECRET not in text
    assert "Rakennus Oy" in text  # role and organisation instead of the name
    assert "Ohjaajat eivät tiedä kenelle soittaa" in text


def test_the_pdf_hides_names_and_words_not_for_quoting(client, login, team, held):
    login(team.facilitator)
    response = client.get(f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    _assert_names_hidden(text)
    assert "Yksi yhteysnumero" in text
    assert "Kun kevät alkaa, niin avaamme numeron." in text
    assert "1 merkintä lisää, ei lainattavissa (Työnantaja 1)" in text


def test_a_share_link_shows_the_summary_without_names_until_withdrawn(client, login, team, held):
    login(team.facilitator)
    base = f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary"
    response = client.post(base + "/share", data={})
    assert response.status_code == 303
    page = client.get(base).text
    link = re.search(r'id="new-share-link"[^>]*value="([^"]+)"', page).group(1)
    path = link.removeprefix("http://localhost")
    assert link not in client.get(base).text  # shown once
    client.post("/logout")

    shared = client.get(path)
    assert shared.status_code == 200
    assert shared.headers["Cache-Control"] == "private, no-store"
    _assert_names_hidden(_text(shared.text))
    _assert_names_hidden(pdf_text(client.get(path + "/summary.pdf").data))

    login(team.facilitator)
    share_id = held.shares[0].id
    response = client.post(f"{base}/share/{share_id}/revoke", data={"confirmed": "yes"})
    assert response.status_code == 303
    client.post("/logout")
    assert client.get(path).status_code == 410
    assert client.get(path + "/summary.pdf").status_code == 410
    assert client.get("/sp/summary/abcdefghijklmnopqrstuvwx").status_code == 404


def test_only_facilitators_manage_the_summary(client, login, team, held):
    login(team.observer)
    base = f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary"
    assert client.post(base + "/share", data={}).status_code == 403
    assert client.post(base + "/publish", data={}).status_code == 403


def test_oral_feedback_too_long_comes_back_with_the_text_and_changes_nothing(
    client, login, team, held
):
    login(team.facilitator)
    base = f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary"
    long_text = "Hyvä keskustelu. " * 300
    response = client.post(base + "/feedback", data={"oral_feedback": long_text})
    assert response.status_code == 422
    assert "Enintään 4000 merkkiä" in response.text
    assert "Hyvä keskustelu. Hyvä keskustelu." in response.text
    db.session.expire_all()
    assert held.oral_feedback == ""
    response = client.post(base + "/feedback", data={"oral_feedback": "Rohkea johtoryhmä."})
    assert response.status_code == 303
    assert "Rohkea johtoryhmä." in client.get(base).text


def test_the_section_tells_whether_the_summary_came_within_the_week(
    app, client, login, team, held, monkeypatch
):
    from flask import render_template

    def section(today):
        with app.test_request_context():
            return _text(
                render_template(
                    "sparring/sections/_summary.html",
                    session=held,
                    workspace=team.workspace,
                    membership=None,
                    today=today,
                )
            )

    assert "7. helmikuuta 2027" in section(date(2027, 2, 3)) or "8. helmikuuta" in section(
        date(2027, 2, 3)
    )
    assert "viikko on kulunut" in section(date(2027, 2, 20))
    held.summary_published_at = datetime(2027, 2, 5, 10, tzinfo=UTC)
    assert "Julkaistu viikon sisällä" in section(date(2027, 2, 20))
    held.summary_published_at = datetime(2027, 2, 12, 10, tzinfo=UTC)
    assert "Julkaistu myöhässä" in section(date(2027, 2, 20))


def test_publishing_before_the_session_is_refused(client, login, team, held, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2027, 1, 20))
    login(team.facilitator)
    base = f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary"
    client.post(base + "/publish", data={})
    db.session.expire_all()
    assert held.summary_published_at is None
    monkeypatch.setattr(clock, "today", lambda: date(2027, 2, 3))
    client.post(base + "/publish", data={})
    db.session.expire_all()
    assert held.summary_published_at is not None


# --- you said, we did --------------------------------------------------------------------


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_FROM="p@example.fi")
    try:
        yield inbox
    finally:
        controller.stop()


def test_a_note_is_refused_until_the_commitment_is_done_and_keeps_the_text(
    client, login, team, held
):
    login(team.participant)
    commitment = held.commitments[0]
    url = f"/w/{team.workspace.id}/sparring/commitments/{commitment.id}/said-did"
    response = client.post(url, data={"said_did": "Numero 0800 avattiin"})
    assert response.status_code == 409
    assert "Numero 0800 avattiin" in response.text
    db.session.expire_all()
    assert commitment.said_did == ""


def test_a_done_commitment_note_reaches_the_sparrers_it_answers(client, login, team, held, smtp):
    commitment = held.commitments[0]
    commitment.follow_up.status = FollowStatus.DONE
    outcome = commitment.follow_up.check_ins[2]
    outcome.done_at, outcome.note = datetime(2027, 8, 1, tzinfo=UTC), "62 soittoa kuussa"
    db.session.commit()
    login(team.participant)
    url = f"/w/{team.workspace.id}/sparring/commitments/{commitment.id}/said-did"
    response = client.post(url, data={"said_did": "Numero 0800 avattiin maaliskuussa"})
    assert response.status_code == 303
    # Both sparrers whose entries it answers get it by e-mail, with their own link.
    recipients = sorted(r[0] for r, _message in smtp.messages)
    assert recipients == ["eeva@kasvu.example", "matti@rakennus.example"]
    eeva, matti = held.series.sparrers
    for rcpt, message in smtp.messages:
        sparrer = eeva if rcpt[0] == eeva.email else matti
        assert f"/sp/{sparring.sparrer_token(sparrer)}/said-did" in message.get_content()
        assert "Yksi yhteysnumero" in message["Subject"]
    client.post("/logout")

    # Matti sees his own words, even those not for quoting; Eeva sees only that he raised one.
    matti_page = _text(client.get(f"/sp/{sparring.sparrer_token(matti)}/said-did").text)
    assert SECRET in matti_page and "Numero 0800 avattiin maaliskuussa" in matti_page
    assert "62 soittoa kuussa" in matti_page
    assert re.search(r"Kirjoitettu \d", matti_page)  # the date says what it is
    eeva_page = _text(client.get(f"/sp/{sparring.sparrer_token(eeva)}/said-did").text)
    assert SECRET not in eeva_page
    assert "Työnantaja, Rakennus Oy" in eeva_page
    assert "Matti" not in eeva_page
    text = pdf_text(client.get(f"/sp/{sparring.sparrer_token(eeva)}/said-did.pdf").data)
    assert "Numero 0800 avattiin maaliskuussa" in text and SECRET not in text
    assert "Matti" not in text
    # The note leads back to the sparrer's own page.
    landing = f"/sp/{sparring.sparrer_token(eeva)}"
    assert f'href="{landing}"' in client.get(f"{landing}/said-did").text
    assert client.get("/sp/abcdefghijklmnopqrstuvwx/said-did").status_code == 404


def test_another_workspace_cannot_reach_the_summary_or_the_note(
    client, login, make_team, team, held
):
    other = make_team(facilitator="Vieras", workspace="Toinen", participant=None, observer=None)
    login(other.facilitator)
    ws = other.workspace.id
    assert client.get(f"/w/{ws}/sparring/sessions/{held.id}/summary").status_code == 404
    assert client.get(f"/w/{ws}/sparring/sessions/{held.id}/summary.pdf").status_code == 404
    commitment = held.commitments[0]
    url = f"/w/{ws}/sparring/commitments/{commitment.id}/said-did"
    assert client.post(url, data={"said_did": "x"}).status_code == 404
    own = f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary"
    assert client.post(own + "/feedback", data={"oral_feedback": "x"}).status_code == 404


def test_an_oversized_note_comes_back_with_the_text_and_changes_nothing(client, login, team, held):
    commitment = held.commitments[0]
    commitment.follow_up.status = FollowStatus.DONE
    db.session.commit()
    login(team.participant)
    url = f"/w/{team.workspace.id}/sparring/commitments/{commitment.id}/said-did"
    response = client.post(url, data={"said_did": "Teimme paljon. " * 200})
    assert response.status_code == 422
    assert "Teimme paljon. Teimme paljon." in response.text
    db.session.expire_all()
    assert commitment.said_did == ""


def test_withdrawing_a_share_of_another_session_is_not_found(client, login, team, held):
    login(team.facilitator)
    base = f"/w/{team.workspace.id}/sparring/sessions/{held.id}/summary"
    assert client.get(base + "/share/999/revoke").status_code == 404
    assert client.post(base + "/share/999/revoke", data={"confirmed": "yes"}).status_code == 404


def test_the_sparrer_page_include_links_to_the_notes(app, team, held):
    from flask import render_template

    matti = held.series.sparrers[1]
    token = sparring.sparrer_token(matti)
    with app.test_request_context():
        html = render_template("sparring/summary/_sparrer_notes.html", sparrer=matti, token=token)
    assert f'href="/sp/{token}/said-did"' in html
