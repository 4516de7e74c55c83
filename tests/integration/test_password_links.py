"""Password reset links: an administrator makes one to copy, or the person has one e-mailed
(through a real SMTP server on 127.0.0.1); each works once, for a day, and ends the others."""

import re
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.integration.test_followup_reminders import Inbox, _free_port
from workshop import clock
from workshop.accounts import reset
from workshop.accounts.signin_models import PasswordReset
from workshop.extensions import db

NEW_PASSWORD = "uusi salasana joka toimii"


@pytest.fixture
def smtp(app):
    """A real SMTP server on 127.0.0.1 that the app sends through; what it received."""
    inbox, port = Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="polku@example.fi")
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def admin(make_user):
    return make_user(email="yllapito@example.fi", name="Ylläpitäjä", is_admin=True)


def made_link(client, email: str) -> str:
    """Make a link as the logged-in administrator; its path, as the page shows it once."""
    response = client.post("/admin/password-links", data={"email": email})
    assert response.status_code == 303, response.text
    page = BeautifulSoup(client.get("/admin/password-links").text, "html.parser")
    link = page.select_one("#new-password-link")["value"]
    return re.sub(r"^https?://[^/]+", "", link)


def logs_in(client, email: str, password: str) -> bool:
    response = client.post("/login", data={"email": email, "password": password})
    client.post("/logout")
    return response.status_code == 303


def test_an_administrator_makes_a_link_that_sets_a_new_password_once(
    app, client, login, admin, make_user
):
    user = make_user(email="kadonnut@example.fi", name="Kaisa Kadonnut")
    login(admin)
    earlier = made_link(client, "Kadonnut@Example.fi")
    path = made_link(client, "kadonnut@example.fi")
    listing = client.get("/admin/password-links").text
    rows = BeautifulSoup(listing, "html.parser").select("tbody tr")
    assert [row.th.get_text(" ", strip=True) for row in rows] == [
        "Kaisa Kadonnut kadonnut@example.fi"
    ] * 2
    assert "shown only now" not in listing  # the link itself is shown once
    client.post("/logout")

    page = client.get(path)
    assert page.status_code == 200 and "kadonnut@example.fi" in page.text
    mismatch = client.post(path, data={"password": NEW_PASSWORD, "confirm": "toinen salasana"})
    assert mismatch.status_code == 422
    assert "The passwords do not match." in mismatch.text
    short = client.post(path, data={"password": "lyhyt", "confirm": "lyhyt"})
    assert short.status_code == 422
    assert logs_in(client, user.email, PASSWORD)

    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    assert "Your new password is saved." in client.get("/").text
    client.post("/logout")
    assert logs_in(client, user.email, NEW_PASSWORD)
    assert not logs_in(client, user.email, PASSWORD)

    again = client.post(path, data={"password": "kolmas salasana tässä", "confirm": "kolmas"})
    assert again.status_code == 410
    assert "This password link does not work" in again.text
    assert client.get(earlier).status_code == 410  # the other link ended with the first use
    assert logs_in(client, user.email, NEW_PASSWORD)


def test_a_revoked_link_and_an_expired_one_change_nothing(
    app, client, login, admin, make_user, monkeypatch
):
    user = make_user(email="vanhenee@example.fi")
    login(admin)
    revoked = made_link(client, user.email)
    expiring = made_link(client, user.email)
    link = db.session.scalar(
        select(PasswordReset).where(PasswordReset.user_id == user.id).order_by(PasswordReset.id)
    )
    response = client.post(f"/admin/password-links/{link.id}/revoke")
    assert response.status_code == 303
    assert client.get(revoked).status_code == 410
    client.post("/logout")

    later = clock.now() + timedelta(hours=24, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    response = client.post(expiring, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    assert "Nothing was changed." in response.text
    assert logs_in(client, user.email, PASSWORD)
    assert not logs_in(client, user.email, NEW_PASSWORD)


@pytest.mark.parametrize("token", ["x", "not a token!", "A" * 32, "A" * 101])
def test_malformed_and_unknown_links_are_not_found(app, client, token):
    response = client.get(f"/password/{token}")
    assert response.status_code == 404
    assert "This password link does not work" in response.text


def test_only_administrators_make_links(app, client, login, make_user):
    member = make_user()
    login(member)
    assert client.get("/admin/password-links").status_code == 404
    assert client.post("/admin/password-links", data={"email": member.email}).status_code == 404
    assert db.session.scalar(select(PasswordReset)) is None


def test_a_link_for_no_account_is_refused(app, client, login, admin):
    login(admin)
    response = client.post("/admin/password-links", data={"email": "ei.ketaan@example.fi"})
    assert response.status_code == 422
    assert "No account uses this e-mail address." in response.text
    assert db.session.scalar(select(PasswordReset)) is None
    assert client.post("/admin/password-links/999999/revoke").status_code == 404


def test_without_smtp_there_is_no_forgotten_password_page(app, client):
    assert "Forgot your password?" not in client.get("/login").text
    assert client.get("/password/forgotten").status_code == 404


def test_a_forgotten_password_link_comes_by_email_in_the_persons_language(
    app,
    client,
    smtp,
    make_user,
):
    user = make_user(email="ruotsi@example.fi", name="Sara", language="sv")
    assert "Forgot your password?" in client.get("/login").text

    response = client.post("/password/forgotten", data={"email": "Ruotsi@Example.fi"})

    assert response.status_code == 200
    assert "If an account uses that address" in response.text
    # The link is stored and mailed once the answer is out: no wait tells the account exists.
    assert smtp.messages == [] and reset.open_links() == []
    response.close()
    [(recipients, message)] = smtp.messages
    assert recipients == ["ruotsi@example.fi"]
    assert message["Content-Language"] == "sv"
    body = message.get_content()
    assert "Hej Sara," in body
    path = re.search(r"https?://[^/\s]+(/password/\S+)", body).group(1)
    done = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303
    client.post("/logout")
    assert logs_in(client, user.email, NEW_PASSWORD)


def _unsigned(html: str) -> str:
    """The page without its CSRF tokens, which carry the second they were made in."""
    html = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)
    return re.sub(r'"X-CSRFToken": "[^"]*"', '"X-CSRFToken": ""', html)


def test_the_answer_does_not_tell_whether_an_account_exists(app, client, smtp, make_user):
    make_user(email="olemassa@example.fi")
    known = client.post("/password/forgotten", data={"email": "olemassa@example.fi"})
    unknown = client.post("/password/forgotten", data={"email": "eiole@example.fi"})
    known.close()
    unknown.close()
    assert known.status_code == unknown.status_code == 200
    assert _unsigned(known.text).replace("olemassa", "eiole") == _unsigned(unknown.text)
    assert len(smtp.messages) == 1
    assert db.session.scalar(select(PasswordReset).where(PasswordReset.user_id.is_(None))) is None


def test_asking_for_links_is_rate_limited(app, client, smtp, make_user):
    make_user(email="toistuva@example.fi")
    answers = []
    for _ in range(6):
        with client.post("/password/forgotten", data={"email": "toistuva@example.fi"}) as answer:
            answers.append(answer.status_code)
    assert answers == [200] * 5 + [429]
    assert len(smtp.messages) == 5
    assert len(reset.open_links()) == 5


def test_a_mail_server_that_fails_leaves_no_working_link(app, client, make_user):
    user = make_user(email="postiton@example.fi")
    # A port nothing listens on: the server cannot be reached.
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_FROM="p@example.fi")
    with client.post("/password/forgotten", data={"email": user.email}) as response:
        assert response.status_code == 200
        assert "If an account uses that address" in response.text
    assert reset.open_links() == []
    [link] = db.session.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id))
    assert link.revoked_at is not None
