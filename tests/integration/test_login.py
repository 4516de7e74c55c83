"""Logging in and out, as a person at the login page would."""

from sqlalchemy import func, select

from tests.conftest import PASSWORD, page, text_of
from workshop.accounts.models import LoginFailure
from workshop.extensions import db

EN = {"Accept-Language": "en"}


def test_login_lands_on_the_users_workspaces(client, make_user, make_workspace):
    user = make_user(email="aino@example.fi", name="Aino")
    make_workspace(owner=user, name="Esimerkkiopisto")
    response = client.post("/login", data={"email": "aino@example.fi", "password": PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    front = client.get("/", headers=EN)
    assert "Esimerkkiopisto" in text_of(front)
    assert page(front).select_one(".user-name").get_text() == "Aino"


def test_login_returns_to_the_page_asked_for(client, make_user):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "/templates/"}
    )
    assert response.headers["Location"] == "/templates/"


def test_login_never_redirects_off_site(client, make_user):
    user = make_user()
    response = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "next": "//evil.example/"}
    )
    assert response.headers["Location"] == "/"


def test_wrong_password_and_unknown_email_look_the_same(client, make_user):
    user = make_user()
    wrong_password = client.post(
        "/login", data={"email": user.email, "password": "not it at all"}, headers=EN
    )
    unknown = client.post(
        "/login", data={"email": "nobody@example.fi", "password": "not it at all"}, headers=EN
    )
    assert wrong_password.status_code == unknown.status_code == 422
    errors = [
        page(r).select_one(".form-errors").get_text(strip=True) for r in (wrong_password, unknown)
    ]
    assert errors[0] == errors[1] == "The e-mail address or the password is wrong."
    assert client.get("/").status_code == 302


def test_repeated_failures_are_slowed_down(app, client, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        client.post("/login", data={"email": user.email, "password": "wrong guess"})
    response = client.post("/login", data={"email": user.email, "password": PASSWORD}, headers=EN)
    assert response.status_code == 429
    assert "Too many failed attempts. Wait 15 minutes" in text_of(response)
    assert client.get("/").status_code == 302


def test_empty_and_oversized_fields_are_refused(client, make_user):
    response = client.post("/login", data={"email": "", "password": ""}, headers=EN)
    assert response.status_code == 422
    assert "This field is required." in text_of(response)
    response = client.post(
        "/login", data={"email": "a" * 300 + "@example.fi", "password": "x"}, headers=EN
    )
    assert response.status_code == 422
    assert "At most 254 characters." in text_of(response)
    assert db.session.scalar(select(func.count(LoginFailure.id))) == 0


def test_logout_ends_the_session(client, make_user, login):
    login(make_user())
    assert client.get("/").status_code == 200
    assert client.post("/logout").status_code == 303
    assert client.get("/").status_code == 302
