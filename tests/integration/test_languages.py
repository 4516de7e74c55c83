"""The interface speaks Finnish, Swedish and English."""

import pytest

from tests.conftest import page


def heading(response) -> str:
    return page(response).select_one("h1").get_text(strip=True)


@pytest.mark.parametrize(
    ("accept", "lang", "title"),
    [
        ("fi-FI,fi;q=0.9", "fi", "Kirjaudu Polku-palveluun"),
        ("sv-FI,sv;q=0.9,en;q=0.5", "sv", "Logga in på Polku"),
        ("en-GB,en;q=0.9", "en", "Log in to Polku"),
        ("de-DE,de;q=0.9", "fi", "Kirjaudu Polku-palveluun"),
        ("", "fi", "Kirjaudu Polku-palveluun"),
    ],
)
def test_browser_language_is_followed(client, accept, lang, title):
    response = client.get("/login", headers={"Accept-Language": accept})
    assert page(response).html["lang"] == lang
    assert heading(response) == title


def test_default_language_is_configurable(make_app):
    app = make_app(DEFAULT_LANGUAGE="sv")
    response = app.test_client().get("/login", headers={"Accept-Language": "de"})
    assert page(response).html["lang"] == "sv"


def test_switcher_choice_beats_the_browser(client):
    response = client.post("/language", data={"lang": "sv", "next": "/login"})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    swedish = client.get("/login", headers={"Accept-Language": "fi"})
    assert heading(swedish) == "Logga in på Polku"
    pressed = page(swedish).select_one('.language-switcher button[aria-pressed="true"]')
    assert pressed["value"] == "sv"


def test_unknown_language_code_falls_back(client):
    client.post("/language", data={"lang": "sv"})
    client.post("/language", data={"lang": "xx"})
    assert page(client.get("/login", headers={"Accept-Language": ""})).html["lang"] == "fi"


def test_logged_in_choice_is_remembered_for_next_time(app, client, make_user, login):
    user = make_user()
    login(user)
    client.post("/language", data={"lang": "sv"})
    assert user.preferred_language == "sv"
    later = app.test_client()
    later.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert page(later.get("/")).html["lang"] == "sv"


def test_every_language_has_the_same_pages(client, make_user, login, make_workspace):
    user = make_user()
    workspace = make_workspace(owner=user)
    login(user)
    for lang, nav in (
        ("fi", "Palvelupolkujen pohjat"),
        ("sv", "Mallar för servicestigar"),
        ("en", "Journey templates"),
    ):
        client.post("/language", data={"lang": lang})
        for url in (
            "/",
            f"/w/{workspace.id}/",
            f"/w/{workspace.id}/people",
            "/templates/",
            "/templates/apprenticeship",
            "/templates/training_agreement",
        ):
            response = client.get(url)
            assert response.status_code == 200, (lang, url)
            assert page(response).html["lang"] == lang
        assert nav in page(response).select_one(".site-nav").get_text()
