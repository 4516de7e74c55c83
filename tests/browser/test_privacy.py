"""The privacy notice from the join page, on a 390 px phone and a 1366 px screen, and the
administrator's people search: each page passes axe and fits the screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Person, assert_fits_sideways, log_in

WIDE = {"width": 1366, "height": 900}


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, WIDE], ids=["390px", "1366px"])
def test_a_guest_reads_the_privacy_notice_before_joining(open_page, check_page, demo_room, size):
    _email, _password, code = demo_room
    page: Page = open_page(js=True, viewport=size)
    page.goto(f"/j/{code}")
    link = page.get_by_role("link", name="Read the privacy notice")
    expect(link).to_be_visible()
    check_page(page, "join")
    link.click()
    expect(page.locator("h1")).to_have_text("Privacy notice")
    expect(page.get_by_role("heading", name="Your rights")).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, "notice")
    page.get_by_role("link", name="Back").click()
    expect(page).to_have_url(f"/j/{code}")


@pytest.mark.browser
@pytest.mark.parametrize("size", [PHONE, WIDE], ids=["390px", "1366px"])
def test_an_administrator_finds_a_person_and_is_asked_before_erasing(
    open_page, check_page, demo_room, size
):
    email, password, _code = demo_room
    page: Page = open_page(js=True, viewport=size)
    # The demo's administrator reads Finnish.
    log_in(page, Person(id=0, email=email, password=password, name="Aino Kehittäjä"))
    page.goto("/admin")
    page.get_by_role("link", name="Yhden henkilön tiedot").click()
    expect(page.locator("h1")).to_have_text("Yhden henkilön tiedot")
    check_page(page, "search")
    page.get_by_label("Nimi tai sähköpostiosoite").fill("a")
    page.get_by_role("button", name="Hae").click()
    expect(page.get_by_text("Kirjoita vähintään 2 merkkiä.")).to_be_visible()
    page.get_by_label("Nimi tai sähköpostiosoite").fill("Aino")
    page.get_by_role("button", name="Hae").click()
    accounts = page.get_by_role("group", name="Käyttäjätilit")
    expect(accounts).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, "found")
    accounts.get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Poista…").click()
    expect(page.locator("h1")).to_have_text("Poistetaanko henkilön tiedot?")
    check_page(page, "confirm")
    page.get_by_role("link", name="Peruuta").click()
    expect(page.locator("h1")).to_have_text("Yhden henkilön tiedot")

    # A name also stands in what people wrote: the text is picked and shown as it will read.
    page.get_by_label("Nimi tai sähköpostiosoite").fill("Sanna")
    page.get_by_role("button", name="Hae").click()
    texts = page.get_by_role("group", name="Mainittu kirjoitetussa tekstissä")
    expect(texts).to_contain_text("Vasta Sannalta kuulin")
    assert_fits_sideways(page)
    check_page(page, "found-in-text")
    texts.get_by_role("checkbox").first.check()
    page.get_by_role("group", name="Työpajojen osallistujat").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Poista…").click()
    expect(page.get_by_role("heading", name="Tekstit poiston jälkeen")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Vasta Nimi poistettu kuulin")
    assert_fits_sideways(page)
    check_page(page, "confirm-texts")
    page.get_by_role("link", name="Peruuta").click()
