"""A room without internet keeps the interactive board: when htmx's CDN cannot be reached, the
page loads the same pinned copy from static/vendor/ by itself (no inline script)."""

import threading

import pytest
from playwright.sync_api import Page, Route, expect
from werkzeug.serving import make_server

from tests.browser.conftest import (
    DESKTOP,
    HTMX_FILE,
    LOCALE,
    Seed,
    _QuietHandler,
    assert_marker_survived,
    log_in,
    set_marker,
)
from tests.browser.test_journeys import (
    card_titles,
    cell,
    expect_notice,
    facilitator_with_space,
    make_journey,
)
from tests.conftest import close_app, fresh_app
from workshop.config import HTMX_CDN_URL

CDN = "https://unpkg.com/**"
LOCAL_HTMX = "/static/vendor/htmx.min.js"


@pytest.fixture(scope="module")
def cdn_app_url(vendor_files, tmp_path_factory):
    """The app as `make run` has it, with htmx on the CDN, served on a port of its own."""
    app = fresh_app(
        tmp_path_factory.mktemp("cdn"),
        WTF_CSRF_ENABLED=True,
        SERVER_NAME=None,
        HTMX_URL=HTMX_CDN_URL,
    )
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="cdn-server", daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        close_app(app)


def cdn_down(route: Route) -> None:
    route.abort("internetdisconnected")


def cdn_up(route: Route) -> None:
    """The CDN answers with the pinned file (and the CORS header a checked script needs)."""
    route.fulfill(
        status=200,
        body=HTMX_FILE.read_bytes(),
        headers={
            "content-type": "application/javascript; charset=utf-8",
            "access-control-allow-origin": "*",
        },
    )


@pytest.mark.parametrize(("cdn", "from_local"), [(cdn_down, True), (cdn_up, False)])
def test_a_step_is_edited_in_place_with_or_without_the_cdn(
    request, browser, cdn_app_url, cdn, from_local
):
    app, url = cdn_app_url
    seed = Seed(app)
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    old, new = f"Step offline {tag}", f"Renamed offline {tag}"
    journey = make_journey(app, space, facilitator, f"Offline journey {tag}", steps=((0, 0, old),))

    context = browser.new_context(base_url=url, viewport=DESKTOP, locale=LOCALE)
    request.addfinalizer(context.close)
    page: Page = context.new_page()
    page.route(CDN, cdn)
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    log_in(page, facilitator)
    page.goto(journey.url)
    page.wait_for_function("() => typeof window.htmx === 'object'")
    assert HTMX_CDN_URL in scripts
    assert (url + LOCAL_HTMX in scripts) is from_local

    set_marker(page)
    page.get_by_role("link", name=f"Actions: {old}").click()
    form = page.locator("form.step-form--inline")
    form.get_by_label("Title", exact=True).fill(new)
    form.get_by_label("Title", exact=True).press("Enter")
    expect(card_titles(cell(page, 0, journey.lanes[0]))).to_have_text([new])
    expect_notice(page, f"Step “{new}” saved.")
    assert_marker_survived(page)
    # A blocked CDN logs its failed load; nothing else may go wrong.
    assert [p for p in problems if "net::ERR_INTERNET_DISCONNECTED" not in p] == []
