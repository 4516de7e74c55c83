"""Health check, error pages, request limits and the SQLite settings."""

import pytest
from sqlalchemy import text

from tests.conftest import close_app, page, text_of
from workshop import create_app
from workshop.config import ConfigError
from workshop.extensions import db


def test_health_check_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_check_answers_503_without_a_database(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing-dir/nothing.sqlite",
        }
    )
    response = app.test_client().get("/healthz")
    close_app(app)
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "error"}


@pytest.mark.parametrize(
    ("lang", "title"),
    [("en", "Not found"), ("fi", "Ei löytynyt"), ("sv", "Hittades inte")],
)
def test_not_found_page_is_translated(client, make_user, login, lang, title):
    login(make_user())
    response = client.get("/no/such/page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert page(response).select_one("h1").get_text(strip=True) == title


def test_oversized_body_is_refused_with_413(app, client, make_workspace, login):
    login(make_workspace().memberships[0].user)
    big = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/workspaces/new", data={"name": "Iso", "description": big})
    assert response.status_code == 413
    assert "larger than Polku accepts" in text_of(response)


@pytest.mark.own_database  # adds a route: an app of its own
def test_server_error_page_is_translated_and_logged(app, client, make_user, login, caplog):
    @app.get("/boom")
    def boom():
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    login(make_user())
    response = client.get("/boom", headers={"Accept-Language": "fi"})
    assert response.status_code == 500
    assert page(response).select_one("h1").get_text(strip=True) == "Jokin meni vikaan"
    assert "kaboom" not in response.get_data(as_text=True)
    assert any("kaboom" in str(r.exc_info) for r in caplog.records if r.exc_info)


def test_htmx_error_is_a_fragment(client, make_user, make_workspace, login):
    login(make_user())
    other = make_workspace()
    response = client.get(f"/w/{other.id}/people", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)
    assert page(response).select_one("[role=alert]") is not None


def test_htmx_is_pinned_with_integrity(client):
    script = page(client.get("/login")).find("script", src=lambda s: s and "htmx" in s)
    assert script["integrity"].startswith("sha384-")
    assert script["crossorigin"] == "anonymous"


def test_htmx_comes_from_the_cdn_by_default(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    app = create_app()
    assert app.config["HTMX_URL"] == "https://unpkg.com/htmx.org@2.0.11/dist/htmx.min.js"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/env.sqlite"


def test_settings_come_from_prefixed_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/polku")
    monkeypatch.setenv("POLKU_HTMX_URL", "/static/vendor/htmx.min.js")
    monkeypatch.setenv("POLKU_DEFAULT_LANGUAGE", "sv")
    app = create_app()
    assert app.config["HTMX_URL"] == "/static/vendor/htmx.min.js"
    assert app.config["DEFAULT_LANGUAGE"] == "sv"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/polku"


def test_app_refuses_to_start_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/none.sqlite")
    monkeypatch.setattr("workshop.PROJECT_ROOT", tmp_path)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_app_refuses_an_unknown_time_zone(tmp_path):
    from tests.conftest import config_for_tests

    with pytest.raises(ConfigError, match="time zone"):
        create_app(config_for_tests(tmp_path, BABEL_DEFAULT_TIMEZONE="Europe/Nowhere"))


def test_the_key_make_install_writes_is_read(tmp_path):
    from workshop.config import _read_instance_secret

    (tmp_path / "secret_key").write_text("from-the-instance-folder\n")
    assert _read_instance_secret(str(tmp_path)) == "from-the-instance-folder"


def test_sqlite_connections_use_wal_timeout_and_foreign_keys(make_app, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'pragmas.sqlite'}")
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_responses_vary_on_htmx(client):
    assert "HX-Request" in client.get("/login").headers["Vary"]


def test_pages_carry_security_headers(client):
    headers = client.get("/login").headers
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy


def test_content_policy_allows_the_htmx_cdn_when_used():
    from workshop.security_headers import content_security_policy

    policy = content_security_policy("https://unpkg.com/htmx.org@2.0.11/dist/htmx.min.js")
    assert "script-src 'self' https://unpkg.com;" in policy


def test_only_administrators_reach_the_administration_page(client, make_user, login):
    login(make_user(email="member@example.fi"))
    assert client.get("/admin").status_code == 404
    assert "/admin" not in client.get("/").text
    client.post("/logout")
    login(make_user(email="admin@example.fi", is_admin=True))
    page = client.get("/admin")
    assert page.status_code == 200
    assert 'href="/admin"' in client.get("/").text
    assert 'href="/admin" aria-current="page"' not in client.get("/").text
    # Every page under it shows where the administrator is.
    for path in ("/admin", "/admin/people", "/admin/audit/", "/admin/accessibility"):
        assert 'href="/admin" aria-current="page"' in client.get(path).text, path


def test_passwords_are_hashed_with_scrypt_unless_told_otherwise(app, monkeypatch, tmp_path):
    from workshop import config
    from workshop.accounts import services as accounts

    # The suite hashes cheaply (tests/conftest.py); a deployment gets the app's own default.
    assert config.defaults(str(tmp_path))["PASSWORD_HASH_METHOD"] == "scrypt"
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt")
    with app.app_context():
        user = accounts.create_user("scrypt@example.fi", "Salattu", "a long enough secret")
        assert user.password_hash.startswith("scrypt:")
        assert accounts.authenticate(
            "scrypt@example.fi", "a long enough secret", "1.2.3.4", (5, 15)
        )
        assert (
            accounts.authenticate("nobody@example.fi", "a long enough secret", "1.2.3.4", (5, 15))
            is None
        )
        db.session.rollback()
