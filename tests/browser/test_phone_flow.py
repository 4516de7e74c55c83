"""A phone in the demo's room at 390×844, with and without JavaScript: the vote comes first
while it is open, the answer to a dot and to a report shows where the thumb is, the report
form's Send button is within two screens, and nothing is wider than the screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE

# Two screens of a 390×844 phone, from the top of the page to the bottom of "Lähetä".
TWO_SCREENS = 2 * PHONE["height"]


def settled(page: Page, check) -> bool:
    """True once the check holds, waiting up to 3 s for the page to settle (web fonts, the
    scroll to an anchor): on a loaded machine the first frame can come before them."""
    for _attempt in range(30):
        if check():
            return True
        page.wait_for_timeout(100)
    return check()


def in_viewport(page: Page, selector: str) -> bool:
    """Wholly on the screen, not just somewhere on the page."""
    script = """e => { const r = e.getBoundingClientRect();
                       return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }"""
    return settled(page, lambda: page.eval_on_selector(selector, script))


def bottom_on_page(page: Page, selector: str) -> float:
    return page.eval_on_selector(selector, "e => e.getBoundingClientRect().bottom + scrollY")


def not_wider_than_the_screen(page: Page) -> bool:
    script = "document.documentElement.scrollWidth <= window.innerWidth"
    return settled(page, lambda: page.evaluate(script))


def test_a_phone_votes_then_reports_with_the_answers_in_view(open_page, demo_room, js, check_page):
    _email, _password, code = demo_room
    phone = open_page(js=js, viewport=PHONE, locale="fi-FI", has_touch=js, is_mobile=js)
    phone.goto(f"/j/{code}")
    phone.get_by_label("Nimesi, jonka muut näkevät").fill("Ulla")
    phone.locator("input[name=role]").first.check()
    phone.get_by_role("button", name="Liity").click()
    expect(phone.locator(".live-phone__head")).to_contain_text("Sinä: Ulla")
    check_page(phone, "1-joined")

    # Voting is open in the demo: the points and their buttons come before the report form.
    blocks = phone.locator("#live-actions > div")
    expect(blocks.first).to_have_id("live-vote")
    assert bottom_on_page(phone, "#point-form button[type=submit]") <= TWO_SCREENS
    assert not_wider_than_the_screen(phone)

    # A dot on the third point: the answer shows while that point is on the screen.
    row = phone.locator("#live-points .vote-row").nth(2)
    row.get_by_role("button", name="Anna ääni").click()
    expect(phone.locator("#live-said")).to_have_text("Ääni annettu. 4 ääntä jäljellä.")
    assert in_viewport(phone, "#live-said")
    assert in_viewport(phone, f"#{row.locator('strong').get_attribute('id')}")
    check_page(phone, "2-voted")

    # A report: the thanks is under the Send button, on the screen.
    form = phone.locator("#point-form")
    form.get_by_label("Askel").select_option(index=2)
    form.get_by_label("Mikä menee vikaan?").fill(
        "Ohjaajan nimi puuttuu sopimuksesta, katso https://www.example.fi/"
        + "hyvin-pitkä-osoite-ilman-välejä-" * 6
    )
    form.get_by_role("button", name="Lähetä").click()
    expect(phone.locator("#point-said")).to_have_text(
        "Kiitos: kriittinen kohta on nyt palvelupolulla."
    )
    assert in_viewport(phone, "#point-said")
    assert not_wider_than_the_screen(phone)
    check_page(phone, "3-reported")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_phone_page_fits_two_screens_in_every_language(open_page, demo_room, lang):
    _email, _password, code = demo_room
    phone = open_page(viewport=PHONE)
    phone.goto(f"/j/{code}")
    phone.locator(f".language-switcher button[value={lang}]").click()
    phone.locator("input[name=display_name]").fill("Sanna")
    phone.locator("input[name=role]").first.check()
    phone.locator("form.live-join button[type=submit], form button[type=submit]").last.click()
    expect(phone.locator(".live-phone")).to_be_visible()
    assert bottom_on_page(phone, "#point-form button[type=submit]") <= TWO_SCREENS
    assert not_wider_than_the_screen(phone)


def test_a_dot_on_a_point_behind_show_all_comes_back_to_that_point_without_javascript(
    open_page, demo_room
):
    _email, _password, code = demo_room
    phone = open_page(js=False, viewport=PHONE, locale="fi-FI")
    phone.goto(f"/j/{code}")
    phone.get_by_label("Nimesi, jonka muut näkevät").fill("Ville")
    phone.locator("input[name=role]").first.check()
    phone.get_by_role("button", name="Liity").click()
    phone.locator("#live-points-more summary").click()
    row = phone.locator("#live-points-more .vote-row").nth(1)
    title_id = row.locator("strong").get_attribute("id")
    row.get_by_role("button", name="Anna ääni").click()
    expect(phone.locator("#live-said")).to_have_text("Ääni annettu. 4 ääntä jäljellä.")
    assert in_viewport(phone, f"#{title_id}")
    assert in_viewport(phone, "#live-said")


def test_a_refused_report_without_javascript_comes_back_in_view_with_its_error(
    open_page, demo_room
):
    _email, _password, code = demo_room
    phone = open_page(js=False, viewport=PHONE, locale="fi-FI")
    phone.goto(f"/j/{code}")
    phone.get_by_label("Nimesi, jonka muut näkevät").fill("Veera")
    phone.locator("input[name=role]").first.check()
    phone.get_by_role("button", name="Liity").click()
    form = phone.locator("#point-form")
    form.get_by_label("Askel").select_option(index=2)
    form.get_by_role("button", name="Lähetä").click()
    expect(phone.locator("#point-text-error")).to_be_visible()
    assert in_viewport(phone, "#point-text-error")
