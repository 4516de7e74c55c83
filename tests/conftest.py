"""Shared fixtures: an app on its own fresh database per test, clients, and factories."""

import contextvars
import os
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient

from workshop import create_app
from workshop.accounts import services as accounts
from workshop.accounts.models import Membership, Role
from workshop.extensions import db
from workshop.journey_templates.loader import load_template
from workshop.journeys import services as journeys
from workshop.journeys.models import JourneyKind

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "static" / "vendor"
PASSWORD = "correct horse battery"
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
)


def database_url(tmp_path: Path) -> str:
    """PostgreSQL when DATABASE_URL is set (CI's second run), else a new SQLite file."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite'}"


def config_for_tests(tmp_path: Path, **overrides) -> dict:
    """Settings for an app under test; CSRF is off except where a test turns it on."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        "WTF_CSRF_ENABLED": False,
        "HTMX_URL": "/static/vendor/htmx.min.js",
        "SERVER_NAME": "polku.test",
        # Render workers of apps a test forgot to close end soon by themselves.
        "PDF_WORKER_IDLE": 20,
    }
    config.update(overrides)
    return config


class RequestClient(FlaskClient):
    """Sends each request as a server would, in an app context of its own.

    The tests keep an app context open to use the database; without this, requests would
    share its `g`, its database session and its cached locale, which no real request does.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # English unless a test asks otherwise, so assertions read like the source strings.
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args, **kwargs):
        if has_app_context():
            db.session.commit()  # what the test wrote is visible, and no stale snapshot stays open
        return contextvars.copy_context().run(self._open_alone, *args, **kwargs)

    def _open_alone(self, *args, **kwargs):
        _cv_app.set(None)
        return super().open(*args, **kwargs)


def fresh_app(tmp_path: Path, **overrides):
    """An app whose database holds the current schema and nothing else."""
    app = create_app(config_for_tests(tmp_path, **overrides))
    app.test_client_class = RequestClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    return app


def close_app(app) -> None:
    """Close the app's database connections and PDF workers, so none is left behind."""
    app.extensions["polku_pdf"].close()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path):
    """Build more apps with other settings: make_app(DEFAULT_LANGUAGE="sv", …)."""
    apps = []

    def make(**overrides):
        apps.append(fresh_app(tmp_path, **overrides))
        return apps[-1]

    yield make
    for made in apps:
        close_app(made)


@pytest.fixture
def app(tmp_path):
    app = fresh_app(tmp_path)
    with app.app_context():
        yield app
        db.session.remove()
    close_app(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make_user(app):
    """Create an account: make_user(email=…, name=…, password=…, language=…, is_admin=…)."""
    counter = iter(range(1, 10_000))

    def make(email=None, name=None, password=PASSWORD, language=None, is_admin=False):
        n = next(counter)
        user = accounts.create_user(
            email or f"person{n}@example.fi", name or f"Person {n}", password, language, is_admin
        )
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_workspace(app, make_user):
    """Create a workspace with a facilitator: make_workspace(owner=…, name=…)."""

    def make(owner=None, name="Test workspace"):
        workspace = accounts.create_workspace(owner or make_user(), name)
        db.session.commit()
        return workspace

    return make


@pytest.fixture
def add_member(app):
    """Put a user in a workspace with a role."""

    def add(workspace, user, role=Role.PARTICIPANT, organisation=None):
        membership = Membership(
            workspace=workspace, user=user, role=role, organisation=organisation
        )
        db.session.add(membership)
        db.session.commit()
        return membership

    return add


@pytest.fixture
def login(client):
    """Log the test client in as a user."""

    def log_in(user, password=PASSWORD):
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 303, response.text
        return response

    return log_in


def template_journey(workspace, user, name: str, language: str = "fi"):
    """A journey made from the apprenticeship template (journeys/apprenticeship.toml)."""
    return journeys.create_journey(
        workspace,
        user,
        name,
        JourneyKind.APPRENTICESHIP,
        language,
        template=load_template(ROOT / "journeys" / "apprenticeship.toml"),
    )


def page(response) -> BeautifulSoup:
    """The response body parsed as HTML."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    """The visible text of a response, whitespace folded."""
    return " ".join(page(response).get_text(" ").split())


# --- browser tests: Debian's Chromium, skipped loudly where it is missing, never under CI ---


def pytest_collection_modifyitems(config, items):
    browser_dir = ROOT / "tests" / "browser"
    browser_items = [i for i in items if browser_dir in Path(str(i.path)).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if CHROMIUM or not browser_items:
        return
    if os.environ.get("CI") == "true":
        raise pytest.UsageError(
            "CI=true but no Chromium was found: install Debian's chromium (apt-get install "
            "chromium) or set CHROMIUM_PATH. Browser tests may not be skipped in CI."
        )
    skip = pytest.mark.skip(reason="no Chromium installed: browser tests NOT run")
    for item in browser_items:
        item.add_marker(skip)
    config._polku_browser_skipped = len(browser_items)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = getattr(config, "_polku_browser_skipped", 0)
    if skipped:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"{skipped} browser tests were skipped because Chromium is not installed. "
            "Install it with `apt-get install chromium` (or set CHROMIUM_PATH) to run them.",
            red=True,
            bold=True,
        )
