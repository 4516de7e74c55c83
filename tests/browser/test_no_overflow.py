"""No page of the app is wider than the screen: every page a facilitator and a participant of
the demo reach, on a 390×844 phone and a 1366×768 laptop. Long words, addresses and e-mails
wrap; wide tables scroll in their own labelled region."""

import re
from urllib.parse import urldefrag, urlsplit

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from workshop import demo
from workshop.accounts import services as accounts
from workshop.extensions import db
from workshop.sprints import services as sprints

LAPTOP = {"width": 1366, "height": 768}
SIZES = [PHONE, LAPTOP, {"width": 1280, "height": 720}, {"width": 1920, "height": 1080}]
# Not pages: downloads, and links that act.
NOT_PAGES = re.compile(r"\.(pdf|csv|json|png|svg|ics|zip|gz)$|/export|/download|/static/|/logout")
WIDER_THAN_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > width + 1)
        .filter(e => !e.closest(".table-scroll, .blueprint-scroll, .live-map__scroll, [role=region]"))
        .slice(0, 5)
        .map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + "." + e.className);
    return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, wide};
}"""


def _shape(url: str) -> str:
    """One page per kind: /w/3/journeys/12/ and /w/3/journeys/14/ are the same page."""
    parts = urlsplit(url)
    return re.sub(r"\d+", "N", parts.path) + (
        "?" + re.sub(r"\d+", "N", parts.query) if parts.query else ""
    )


def crawl(
    page: Page,
    start: list[str],
    origin: str,
    limit: int = 120,
    within: str = "",
    found: dict | None = None,
    viewports=SIZES,
) -> list[str]:
    """Every kind of page reachable by links from `start`, on this origin (under `within`);
    with `found`, each page is measured as it is reached (one load, not two)."""
    seen, queue, pages = set(), list(start), []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        shape = _shape(url)
        if shape in seen or NOT_PAGES.search(urlsplit(url).path):
            continue
        seen.add(shape)
        response = page.goto(url)
        if (
            response is None
            or response.status >= 400
            or "text/html" not in response.headers.get("content-type", "")
        ):
            continue
        pages.append(url)
        links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
        if found is not None:
            found.update(_measure(page, url, viewports))
        for href in links:
            href = urldefrag(href)[0]
            if href.startswith(origin + within) and _shape(href) not in seen:
                queue.append(href)
    return pages


def _measure(page: Page, url: str, viewports) -> dict[str, dict]:
    """The open page at every screen size: where it is wider than the screen."""
    # Measured with the web fonts in, not a first frame in the fallback font.
    page.evaluate("() => document.fonts.ready.then(() => true)")
    found = {}
    for viewport in viewports:
        page.set_viewport_size(viewport)
        measure = page.evaluate(WIDER_THAN_SCREEN)
        if measure["scroll"] > measure["inner"]:
            found[f"{urlsplit(url).path} at {viewport['width']}x{viewport['height']}"] = measure
    return found


def overflowing(page: Page, urls: list[str], viewports=SIZES) -> dict[str, dict]:
    """Each page opened once and measured at every screen size: those wider than the screen."""
    found = {}
    for url in urls:
        page.goto(url)
        found.update(_measure(page, url, viewports))
    return found


def log_in_demo(page: Page, demo_room) -> None:
    email, password, _code = demo_room
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".user-name")).to_be_visible()


def test_no_page_a_facilitator_reaches_is_wider_than_the_screen(open_page, live_server, demo_room):
    page = open_page(viewport=PHONE, locale="fi-FI")
    log_in_demo(page, demo_room)
    found = {}
    urls = crawl(page, [live_server.url + "/"], live_server.url, found=found)
    assert len(urls) > 20, urls
    assert found == {}


def test_no_page_a_participant_reaches_is_wider_than_the_screen(open_page, live_server, demo_room):
    _email, _password, code = demo_room
    page = open_page(viewport=PHONE, locale="fi-FI")
    page.goto("/j/")
    page.goto(f"/j/{code}")
    page.locator("input[name=display_name]").fill("Ulla Ulkopuolinen-Pitkäsukunimi-Esimerkki")
    page.locator("input[name=role]").first.check()
    page.locator("form button[type=submit]").last.click()
    expect(page.locator(".live-phone")).to_be_visible()
    found = {}
    crawl(page, [page.url], live_server.url, limit=20, found=found)
    urls = [live_server.url + p for p in ("/j/", f"/j/{code}", "/j/NOCODE", "/login")]
    found.update(overflowing(page, urls))
    assert found == {}


def test_where_it_hurts_most_shows_its_whole_table_on_a_laptop(open_page, demo_room):
    page = open_page(viewport=LAPTOP, locale="fi-FI")
    log_in_demo(page, demo_room)
    page.get_by_role("link", name=demo.DEMO_WORKSPACE).first.click()
    page.get_by_role("link", name="Missä kenkä puristaa").click()
    table = page.locator(".table-scroll")
    expect(table.locator("tbody tr").first).to_be_visible()
    # Every column in view: nothing to scroll sideways, not even inside the table's own box.
    assert table.evaluate("box => box.scrollWidth <= box.clientWidth")


def test_the_summary_a_partner_opens_by_its_share_link_is_not_wider_than_the_screen(
    open_page, live_server, demo_room
):
    with live_server.app.app_context():
        live = demo.demo_live_session()
        facilitator = accounts.get_user_by_email(demo_room[0])
        _link, token = sprints.create_share_link(live.sprint, facilitator, "Kumppanit", None)
        db.session.commit()
    page = open_page(viewport=PHONE, locale="fi-FI")
    url = f"{live_server.url}/shared/{token}"
    assert page.goto(url).status == 200
    assert overflowing(page, [url]) == {}


def test_no_sparring_page_of_the_demo_is_wider_than_a_phone(open_page, live_server, demo_room):
    # The evidence pack's tables scroll in their own region; a summary entry's critical point wraps.
    page = open_page(viewport=PHONE, locale="fi-FI")
    log_in_demo(page, demo_room)
    page.get_by_role("link", name=demo.DEMO_WORKSPACE).first.click()
    page.get_by_role("link", name="Sparraus").first.click()
    # Only the sparring pages: the header and footer lead everywhere else first.
    found = {}
    within = urlsplit(page.url).path
    urls = crawl(page, [page.url], live_server.url, 40, within, found, viewports=[PHONE])
    assert any(url.endswith("/pack") for url in urls), urls
    assert any(url.endswith("/summary") for url in urls), urls
    assert found == {}


def test_a_stacked_table_on_a_phone_says_what_each_cell_holds(open_page, demo_room):
    page = open_page(viewport=PHONE, locale="fi-FI")
    log_in_demo(page, demo_room)
    page.get_by_role("link", name=demo.DEMO_WORKSPACE).first.click()
    page.get_by_role("link", name="Seuranta").first.click()
    # The labels come from the stylesheet: read them once the new page has loaded it.
    expect(page).to_have_url(re.compile(r"/follow-up/$"))
    page.wait_for_load_state("load")
    labels = page.locator("main .table tbody tr").first.evaluate(
        "row => [...row.cells].map(c => getComputedStyle(c, '::before').content)"
    )
    assert '"Vastuuhenkilö: "' in labels and '"Määräpäivä: "' in labels, labels
