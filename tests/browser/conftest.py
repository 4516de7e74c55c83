"""Browser fixtures: one live server per session, Debian's Chromium, seeded data, axe and screenshots.

The app runs with CSRF on, in a real werkzeug server on 127.0.0.1, on a database of its own
(PostgreSQL when DATABASE_URL is set). The server and the database are shared by every test of
the session, so each test creates its own people and workspaces with unique e-mail addresses and
asserts only on what it created itself.
"""

import os
import re
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import CHROMIUM, PASSWORD, ROOT, VENDOR, fresh_app
from workshop import demo
from workshop.accounts import services
from workshop.accounts.models import OrganisationKind, Role, User, Workspace
from workshop.extensions import db

# CI runs the SQLite and the PostgreSQL suites side by side on two cores, each with its own
# Chromium and live server: a page may take longer than Playwright's 5 s to come true there.
# Every check must still come true; only the patience grows.
expect.set_options(timeout=15_000)

HTMX_FILE = VENDOR / "htmx.min.js"
AXE_FILE = VENDOR / "axe.min.js"
# pytest-playwright empties its --output folder, test-results/, when a session starts: the
# screenshots there are always those of the latest run.
SCREENSHOTS = ROOT / "test-results" / "screenshots"

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCALE = "en-GB"

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_BLOCKING = {"serious", "critical"}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


# --- the browser -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a browser downloaded by `playwright install`."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# --- the live server ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def vendor_files() -> None:
    """The pinned htmx and axe-core, which scripts/fetch_vendor.py puts in static/vendor/."""
    missing = [p.relative_to(ROOT).as_posix() for p in (HTMX_FILE, AXE_FILE) if not p.is_file()]
    if missing:
        pytest.fail(
            f"{', '.join(missing)} missing: the browser tests need the pinned htmx and axe-core. "
            "Run `make test`, or `.venv/bin/python scripts/fetch_vendor.py`, then run the tests again.",
            pytrace=False,
        )


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


class _QuietHandler(WSGIRequestHandler):
    """No line per request in the test output; errors and tracebacks are still logged."""

    def log_request(self, code="-", size="-"):
        pass


@pytest.fixture(scope="session")
def live_server(vendor_files, tmp_path_factory):
    """The app with CSRF on, served by werkzeug on a free port in a daemon thread."""
    app = fresh_app(tmp_path_factory.mktemp("live"), WTF_CSRF_ENABLED=True, SERVER_NAME=None)
    assert app.config["HTMX_URL"] == "/static/vendor/htmx.min.js", "tests must never load the CDN"
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app)
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        app.extensions["polku_pdf"].close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- data, written straight into the live server's database ------------------------------------


@dataclass(frozen=True)
class Person:
    id: int
    email: str
    name: str
    password: str = PASSWORD


@dataclass(frozen=True)
class Space:
    id: int
    name: str

    @property
    def path(self) -> str:
        return f"/w/{self.id}/"

    @property
    def people_path(self) -> str:
        return f"/w/{self.id}/people"


class Seed:
    """Creates accounts, workspaces, members and invitations through the account services."""

    def __init__(self, app: Flask):
        self.app = app

    @staticmethod
    def tag() -> str:
        return uuid.uuid4().hex[:10]

    def user(self, name: str | None = None, language: str | None = None) -> Person:
        tag = self.tag()
        email = f"user-{tag}@example.fi"
        name = name or f"Person {tag}"
        with self.app.app_context():
            user = services.create_user(email, name, PASSWORD, language)
            db.session.commit()
            return Person(id=user.id, email=email, name=name)

    def workspace(self, owner: Person, name: str | None = None) -> Space:
        """A workspace whose facilitator is `owner`."""
        name = name or f"Workspace {self.tag()}"
        with self.app.app_context():
            workspace = services.create_workspace(db.session.get(User, owner.id), name)
            db.session.commit()
            return Space(id=workspace.id, name=name)

    def invitation(self, space: Space, role: Role, by: Person, note: str = "") -> str:
        """A fresh invitation's token."""
        with self.app.app_context():
            _, token = services.create_invitation(
                db.session.get(Workspace, space.id), role, db.session.get(User, by.id), 7, note
            )
            db.session.commit()
            return token

    def member(self, space: Space, person: Person, role: Role, by: Person) -> int:
        """Put a person in a workspace the way an accepted invitation does; the membership id."""
        token = self.invitation(space, role, by)
        with self.app.app_context():
            invitation = services.find_invitation(token)
            membership = services.accept_invitation(invitation, db.session.get(User, person.id))
            db.session.commit()
            return membership.id

    def organisation(self, space: Space, name: str, kind=OrganisationKind.EMPLOYER) -> None:
        with self.app.app_context():
            services.add_organisation(db.session.get(Workspace, space.id), name, kind)
            db.session.commit()


@pytest.fixture
def seed(live_server) -> Seed:
    return Seed(live_server.app)


# --- browser contexts --------------------------------------------------------------------------

_JS_OFF_CONTEXTS: "weakref.WeakSet[BrowserContext]" = weakref.WeakSet()


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args, live_server):
    """Every context talks to the live server; relative URLs in goto() resolve against it."""
    return {**browser_context_args, "base_url": live_server.url}


@pytest.fixture
def open_page(new_context) -> Callable[..., Page]:
    """A page in a new, empty context: open_page(js=True, viewport=…, locale=…, …).

    Each call is a separate browser profile (own cookies), so it can stand for another person.
    pytest-playwright closes the contexts after the test.
    """

    def open_(
        js: bool = True, viewport: dict | None = None, locale: str = LOCALE, **kwargs
    ) -> Page:
        # Reduced motion, as polku.css honours it: axe and the measurements never catch an
        # element halfway through a fade on a slow machine.
        kwargs.setdefault("reduced_motion", "reduce")
        context = new_context(
            java_script_enabled=js, viewport=viewport or DESKTOP, locale=locale, **kwargs
        )
        if not js:
            _JS_OFF_CONTEXTS.add(context)
        return context.new_page()

    return open_


@pytest.fixture
def js_page(open_page) -> Page:
    return open_page(js=True)


@pytest.fixture
def nojs_page(open_page) -> Page:
    return open_page(js=False)


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def js(request) -> bool:
    """Run a flow twice: with JavaScript (htmx) and without (plain forms and redirects)."""
    return request.param


@pytest.fixture
def page(open_page, js) -> Page:
    """The main page of a flow, with JavaScript on or off as the `js` parameter says.

    Overrides pytest-playwright's `page` so that tests which ask for it get both variants.
    """
    return open_page(js=js)


def js_enabled(page: Page) -> bool:
    """Whether the page's context runs scripts (Playwright's own evaluate works either way)."""
    return page.context not in _JS_OFF_CONTEXTS


# --- accessibility -----------------------------------------------------------------------------

AXE_URL = "/static/vendor/axe.min.js"


def _axe_violations(page: Page) -> list[dict]:
    # The app's Content-Security-Policy (script-src 'self') blocks inline scripts, which is
    # what add_script_tag(path=…) creates; the same file served by the app from static/vendor/
    # is "self", so load it by URL and leave the policy in force for the page under test.
    # A page still being parsed has no <head> yet to add the script to: wait for its load.
    page.wait_for_load_state("load")
    if page.evaluate("typeof window.axe") != "object":
        page.add_script_tag(url=AXE_URL)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )


def assert_accessible(page: Page, inspector: Page | None = None) -> None:
    """Run axe-core (WCAG 2.1 A/AA rules) and fail on every serious or critical violation.

    axe is JavaScript, and a context with JavaScript disabled runs none: an injected <script>
    never executes, and axe.run() evaluated through Playwright hangs because timers do not fire.
    So for a JS-off page pass `inspector`, a page with JavaScript on: it loads the same URL, but
    Playwright answers that request with the JS-off page's current HTML, so axe checks exactly
    the document the JS-off visitor got (same URL, so the same CSS and colours).
    """
    target = page
    if inspector is None and not js_enabled(page):
        pytest.fail(
            f"axe cannot run on {page.url} without JavaScript: use check_page, which brings an "
            "inspector page",
            pytrace=False,
        )
    if inspector is not None:
        html = page.content()
        url = page.url.split("#")[0]

        def same_url(candidate: str) -> bool:
            return candidate.split("#")[0] == url

        def serve_snapshot(route):
            route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html)

        inspector.route(same_url, serve_snapshot)
        try:
            inspector.goto(url)
        finally:
            inspector.unroute(same_url, serve_snapshot)
        target = inspector
    violations = [v for v in _axe_violations(target) if v["impact"] in AXE_BLOCKING]
    if violations:
        lines = [f"axe found {len(violations)} serious/critical violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
            lines.extend(f"    at {t}" for t in v["targets"])
        pytest.fail("\n".join(lines), pytrace=False)


# --- screenshots and the per-page check --------------------------------------------------------


def _file_part(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


@pytest.fixture
def screenshot(request) -> Callable[[Page, str], Path]:
    """screenshot(page, step): test-results/screenshots/<test-name>-<step>.png, the whole page."""

    def take(page: Page, step: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        # test_x[js-on-chromium] -> test_x-js-on; the browser is always Chromium here.
        name = re.sub(r"-?chromium(?=\]|-)", "", request.node.name)
        path = SCREENSHOTS / f"{_file_part(name)}-{_file_part(step)}.png"
        # POLKU_SCREENSHOTS=0: a run nobody looks at (CI) keeps every check but the pictures.
        if os.environ.get("POLKU_SCREENSHOTS") != "0":
            page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def check_page(open_page, screenshot) -> Callable[[Page, str], None]:
    """check_page(page, step) after every navigation or swap: htmx pin, axe, screenshot.

    With JavaScript on, htmx must have loaded from static/vendor/ with the pinned SRI hash
    (Chromium refuses a script whose hash differs, so `typeof htmx` shows a broken pin).
    With JavaScript off, axe runs on a snapshot of the page in a JS-on "inspector" page of
    the same size (see assert_accessible), opened once per test.
    """
    inspectors: list[Page] = []

    def check(page: Page, step: str) -> None:
        page.wait_for_load_state("load")
        if js_enabled(page):
            assert page.evaluate("typeof htmx") == "object", (
                f"htmx did not load on {page.url}: the file in static/vendor/ does not match "
                "HTMX_SRI in workshop/config.py (run `python scripts/fetch_vendor.py`)"
            )
            inspector = None
        else:
            if not inspectors:
                size = page.viewport_size
                inspectors.append(open_page(js=True, viewport=size))
            inspector = inspectors[0]
        screenshot(page, step)
        assert_accessible(page, inspector)

    return check


def assert_fits_sideways(page: Page) -> None:
    """The page is no wider than the screen, measured once it has loaded and its web fonts
    are in (a loaded machine otherwise measures a first frame without the stylesheet)."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page scrolls sideways on {page.url}: {widths}"


# --- steps many flows share --------------------------------------------------------------------


def log_in(page: Page, person: Person) -> None:
    """Log in through the form at /login and wait for the front page."""
    page.goto("/login")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill(person.password)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".user-name")).to_have_text(person.name)


def set_marker(page: Page) -> None:
    """A window variable that only survives if the page is not reloaded."""
    # Before the page's load, htmx may not have taken over its links and forms yet: a click then
    # is an ordinary navigation, which would look like the reload this marker exists to catch.
    page.wait_for_load_state("load")
    page.wait_for_function("() => window.htmx !== undefined")
    page.evaluate("() => { window.__polkuMarker = 'no reload' }")


def assert_marker_survived(page: Page) -> None:
    assert page.evaluate("() => window.__polkuMarker") == "no reload", "the page was reloaded"


# --- the demo, for the pages as a new user first sees them -------------------------------------


@pytest.fixture(scope="session")
def demo_room(live_server, tmp_path_factory):
    """The demo content in the live server's database: (e-mail, password, join code)."""
    with live_server.app.app_context():
        email, password = demo.load_demo(tmp_path_factory.mktemp("demo") / "instance")
        live = demo.demo_live_session()
        db.session.commit()
        return email, password, live.join_code
