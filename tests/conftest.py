"""Shared fixtures: the app on a rolled-back transaction per test, clients, and factories
(people, workspaces, teams, journeys)."""

import contextlib
import contextvars
import functools
import os
import shutil
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup
from flask import current_app, has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_sqlalchemy.session import Session
from sqlalchemy import create_engine, event, make_url
from sqlalchemy.pool import NullPool

from workshop import create_app, fragment_cache
from workshop.accounts import services as accounts
from workshop.accounts.models import Membership, Role
from workshop.extensions import db
from workshop.journey_templates.loader import load_template
from workshop.journeys import services as journeys
from workshop.journeys.models import JourneyKind
from workshop.ratelimit import DatabaseStorage

ROOT = Path(__file__).resolve().parent.parent
# The gettext functions the code and templates call, as `make messages` extracts them.
GETTEXT_KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "_l": None,
    "lazy_gettext": None,
    "pgettext": ((1, "c"), 2),
    "lazy_pgettext": ((1, "c"), 2),
}
VENDOR = ROOT / "static" / "vendor"
PASSWORD = "correct horse battery"
CHROMIUM = (
    os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
)


# --- password hashes ---------------------------------------------------------------------------
#
# scrypt takes a third of a second by design, and the suite makes and checks thousands of
# passwords: each distinct password is hashed once (a real scrypt hash), and each check of a
# given hash and password is worked out once. Both are pure functions, so answers are unchanged.

_generate_password_hash = functools.cache(accounts.generate_password_hash)
accounts.generate_password_hash = _generate_password_hash
accounts.check_password_hash = functools.cache(accounts.check_password_hash)


# --- databases -----------------------------------------------------------------------------
#
# Most tests share one database per pytest process (per xdist worker): its schema is built once,
# and each test runs inside a transaction on one connection that is rolled back at its end. The
# app's own commit() calls then release savepoints in that transaction (SQLAlchemy's "joining a
# session into an external transaction"). Tests that need a database of their own (migrations,
# two app instances, threads or a live server) get one through `fresh_app`, or mark themselves
# `own_database` to have `app` built that way; such a database is a copy of one built once.

POSTGRES_URL = os.environ.get("DATABASE_URL")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
JOINED = "polku_test_connection"


class Databases:
    """This process's databases: the shared one and a template for those of their own."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix=f"polku-tests-{WORKER}-"))
        self.own: dict[str, str] = {}
        self._template = None
        self._shared_engine = None
        self._admin = None

    # SQLite: files copied from a template file; PostgreSQL: databases cloned from a template.

    def _postgres(self, name: str) -> str:
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def _create_postgres(self, name: str, template: str | None = None) -> str:
        if self._admin is None:
            self._admin = create_engine(
                POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool
            )
        with self._admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            clone = f' TEMPLATE "{template}"' if template else ""
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"{clone}')
        return self._postgres(name)

    def template(self) -> str:
        """A database (SQLite file or PostgreSQL database name) holding the schema, no rows."""
        if self._template is None:
            base = make_url(POSTGRES_URL).database if POSTGRES_URL else None
            name = f"{base}_{WORKER}_template" if base else None
            url = (
                self._create_postgres(name)
                if name
                else f"sqlite:///{self.folder / 'template.sqlite'}"
            )
            # Through an app, so every model is imported and on the metadata.
            builder = create_app(
                {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url}
            )
            with builder.app_context():
                db.create_all()
                db.session.remove()
                db.engine.dispose()
            builder.extensions["polku_pdf"].close()
            self._template = name or str(self.folder / "template.sqlite")
        return self._template

    def copy(self, name: str, path: Path | None = None) -> str:
        """The URL of a new database `name` (PostgreSQL) or file `path` (SQLite) like the template."""
        template = self.template()
        if POSTGRES_URL:
            base = make_url(POSTGRES_URL).database
            return self._create_postgres(f"{base}_{WORKER}_{name}", template=template)
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"

    def own_url(self, tmp_path: Path) -> str:
        """The database of its own a test's tmp_path stands for, made on first use."""
        key = str(tmp_path)
        if key not in self.own:
            path = tmp_path / "test.sqlite"
            if POSTGRES_URL:
                self.own[key] = self.copy(f"own{len(self.own) + 1}")
            elif path.exists():
                self.own[key] = f"sqlite:///{path}"  # someone made it before: used as it is
            else:
                self.own[key] = self.copy("", path)
        return self.own[key]

    def shared_engine(self):
        """The engine of the database the transactional tests share."""
        if self._shared_engine is None:
            url = self.copy("shared", self.folder / "shared.sqlite")
            self._shared_engine = create_engine(url)
        return self._shared_engine

    def shared_url(self) -> str:
        return self.shared_engine().url.render_as_string(hide_password=False)

    def close(self) -> None:
        if self._shared_engine is not None:
            self._shared_engine.dispose()
        if self._admin is not None:
            self._admin.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)


DATABASES = Databases()


def database_url(tmp_path: Path) -> str:
    """A database of the test's own (tmp_path's): an SQLite file, or PostgreSQL when
    DATABASE_URL is set (CI's second run); each starts with the schema and no rows."""
    return DATABASES.own_url(tmp_path)


def config_for_tests(tmp_path: Path | None, **overrides) -> dict:
    """Settings for an app under test; CSRF is off except where a test turns it on.

    With tmp_path the app gets a database of its own; without it, the shared test database.
    """
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": (database_url(tmp_path) if tmp_path else DATABASES.shared_url()),
        "WTF_CSRF_ENABLED": False,
        "HTMX_URL": "/static/vendor/htmx.min.js",
        "SERVER_NAME": "polku.test",
        # Render workers of apps a test forgot to close end soon by themselves.
        "PDF_WORKER_IDLE": 20,
        # scrypt's 0.1 s per hash and per check, times every account and login of the suite,
        # was minutes of CI; the hashing itself is the same code (test_app_basics checks the
        # app's own default stays scrypt).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
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


class JoinedSession(Session):
    """A session that, in an app joined to a test's connection, works inside its transaction."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and has_app_context():
            connection = current_app.extensions.get(JOINED)
            if connection is not None:
                return connection
        return super().get_bind(mapper, clause, bind, **kwargs)


# Every session, in every app: only those of joined apps behave differently. A commit() there
# releases a savepoint, a rollback() returns to it: the test's transaction goes on either way.
db.session.session_factory.class_ = JoinedSession
db.session.session_factory.configure(join_transaction_mode="create_savepoint")


class JoinedEngine:
    """The rate limiter's engine in a joined app: its transactions become savepoints too."""

    def execution_options(self, **options):
        return self

    @contextlib.contextmanager
    def connect(self):
        yield current_app.extensions[JOINED]

    @contextlib.contextmanager
    def begin(self):
        connection = current_app.extensions[JOINED]
        with connection.begin_nested():
            yield connection


def joinable_app(**overrides):
    """An app on the shared test database, to be joined to one test's connection at a time."""
    app = create_app(config_for_tests(None, **overrides))
    app.test_client_class = RequestClient
    with app.app_context():
        own_engine = db.engine
    # db.engine is the shared engine (tests listen to its events); the app's own is never used.
    db._app_engines[app][None] = DATABASES.shared_engine()
    own_engine.dispose()
    limiter = app.extensions["polku_limiter"]
    if isinstance(limiter.storage, DatabaseStorage):
        limiter.storage.engine = JoinedEngine()
    return app


def fresh_app(tmp_path: Path, **overrides):
    """An app on a database of its own (tmp_path's), holding the schema and nothing else."""
    app = create_app(config_for_tests(tmp_path, **overrides))
    app.test_client_class = RequestClient
    return app


def close_app(app) -> None:
    """Close the app's database connections and PDF workers, so none is left behind."""
    app.extensions["polku_pdf"].close()
    with app.app_context():
        db.session.remove()
        if JOINED not in app.extensions and db.engine is not DATABASES.shared_engine():
            db.engine.dispose()


@pytest.fixture(scope="session", autouse=True)
def _databases():
    yield DATABASES
    DATABASES.close()


@pytest.fixture(scope="session")
def shared_app():
    """The app most tests use: built once, its settings and caches put back after each test."""
    app = joinable_app()
    yield app
    close_app(app)


@pytest.fixture
def db_connection():
    """The test's connection to the shared database, in a transaction rolled back at the end."""
    with DATABASES.shared_engine().connect() as connection:
        transaction = connection.begin()
        yield connection
        if transaction.is_active:
            transaction.rollback()


class Joined:
    """Apps joined to one test's connection; each is let go of after the test."""

    def __init__(self, connection):
        self.connection = connection
        self.apps = []

    def join(self, app):
        app.extensions[JOINED] = self.connection
        self.apps.append(app)
        return app

    def release(self) -> None:
        for app in self.apps:
            with app.app_context():
                db.session.remove()
            app.extensions.pop(JOINED, None)


@pytest.fixture
def joined_apps(db_connection):
    joined = Joined(db_connection)
    yield joined
    joined.release()


@pytest.fixture
def make_app(request, tmp_path):
    """Build more apps with other settings: make_app(DEFAULT_LANGUAGE="sv", …).

    They share the test's database with `app` (one given SQLALCHEMY_DATABASE_URI gets that one).
    """
    apps = []
    own = request.node.get_closest_marker("own_database")

    def make(**overrides):
        if own or "SQLALCHEMY_DATABASE_URI" in overrides:
            made = fresh_app(tmp_path, **overrides)
            if "SQLALCHEMY_DATABASE_URI" in overrides:
                with made.app_context():
                    db.create_all()
        else:
            made = request.getfixturevalue("joined_apps").join(joinable_app(**overrides))
        apps.append(made)
        return made

    yield make
    for made in apps:
        close_app(made)


@pytest.fixture
def app(request, tmp_path):
    """The app under test, in an app context, on the test's transaction (see above); a test
    marked `own_database` gets an app on a database of its own instead."""
    if request.node.get_closest_marker("own_database"):
        app = fresh_app(tmp_path)
        with app.app_context():
            yield app
            db.session.remove()
        close_app(app)
        return
    app = request.getfixturevalue("shared_app")
    request.getfixturevalue("joined_apps").join(app)
    config = dict(app.config)
    fragment_cache.init_app(app)  # nothing rendered for an earlier test's rows is kept
    # What a test hands down in app.extensions (its own dot counter, say) must not reach the
    # next test on this shared app.
    extensions = dict(app.extensions)
    try:
        with app.app_context():
            yield app
            db.session.remove()
    finally:
        app.config.clear()
        app.config.update(config)
        app.extensions.clear()
        app.extensions.update(extensions)


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


class Team(SimpleNamespace):
    """The people and places of a test: `team.workspace` and `team["workspace"]` alike."""

    def __getitem__(self, name: str):
        return getattr(self, name)


@pytest.fixture
def make_team(make_user, make_workspace, add_member):
    """A workspace with its facilitator and members, by name; None leaves a member out:
    make_team(facilitator="Fiia", workspace="Test workspace", participant="Paavo",
    observer="Olli"). Members are users; team.memberships[role word] are their memberships."""

    def make(facilitator="Fiia", workspace="Test workspace", participant="Paavo", observer="Olli"):
        lead = make_user(name=facilitator)
        team = Team(
            workspace=make_workspace(owner=lead, name=workspace), facilitator=lead, memberships={}
        )
        for word, name, role in (
            ("participant", participant, Role.PARTICIPANT),
            ("observer", observer, Role.OBSERVER),
        ):
            if name is not None:
                setattr(team, word, make_user(name=name))
                team.memberships[word] = add_member(team.workspace, team[word], role)
        return team

    return make


@pytest.fixture
def team(make_team):
    """Fiia facilitating "Test workspace", Paavo participating and Olli observing."""
    return make_team()


@pytest.fixture
def make_journey(app):
    """A journey from the apprenticeship template, committed: make_journey(team, name, language)."""

    def make(team, name: str = "Oppisopimus", language: str = "en"):
        journey = template_journey(team["workspace"], team["facilitator"], name, language)
        db.session.commit()
        return journey

    return make


@pytest.fixture
def journey(team, make_journey):
    """The team's apprenticeship journey "Oppisopimus", in English."""
    return make_journey(team)


@contextlib.contextmanager
def queries_sent():
    """The SQL statements sent while the block runs, without transaction control (BEGIN,
    SAVEPOINT, RELEASE, ROLLBACK, COMMIT), of which a test's own transaction adds some."""
    statements = []

    def note(_connection, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(CONTROL):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", note)


CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


def page(response) -> BeautifulSoup:
    """The response body parsed as HTML."""
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def text_of(response) -> str:
    """The visible text of a response, whitespace folded."""
    return " ".join(page(response).get_text(" ").split())


# --- browser tests: Debian's Chromium, skipped loudly where it is missing, never under CI ---


NO_CHROMIUM = "no Chromium installed: browser tests NOT run"
NO_CHROMIUM_IN_CI = (
    "CI=true but no Chromium was found: install Debian's chromium (apt-get install "
    "chromium) or set CHROMIUM_PATH. Browser tests may not be skipped in CI."
)

CHROMIUM_REQUIRED = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    if item.config.stash.get(CHROMIUM_REQUIRED, False) and item.get_closest_marker("browser"):
        pytest.fail(NO_CHROMIUM_IN_CI, pytrace=False)


def pytest_collection_modifyitems(config, items):
    browser_dir = ROOT / "tests" / "browser"
    browser_items = [i for i in items if browser_dir in Path(str(i.path)).parents]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if CHROMIUM or not browser_items:
        return
    if os.environ.get("CI") == "true":
        if hasattr(config, "workerinput"):
            # In a pytest-xdist worker a usage error would only show as an internal error.
            config.stash[CHROMIUM_REQUIRED] = True
            return
        raise pytest.UsageError(NO_CHROMIUM_IN_CI)
    skip = pytest.mark.skip(reason=NO_CHROMIUM)
    for item in browser_items:
        item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    # Counted from the reports, which reach the main process from pytest-xdist's workers too.
    skipped = sum(
        NO_CHROMIUM in str(report.longrepr) for report in terminalreporter.stats.get("skipped", [])
    )
    if skipped:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        terminalreporter.write_line(
            f"{skipped} browser tests were skipped because Chromium is not installed. "
            "Install it with `apt-get install chromium` (or set CHROMIUM_PATH) to run them.",
            red=True,
            bold=True,
        )
