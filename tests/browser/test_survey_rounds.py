"""Running a staff survey round in a browser, by keyboard: open a round, make personal links,
revoke one and print the rest, with and without JavaScript, on a laptop and on a phone.

Tests that take the `page` fixture run twice (ids js-on / js-off, see conftest.py); every page
on the way passes axe (check_page) and leaves a screenshot in test-results/screenshots/.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def press(page: Page, locator, key: str = "Enter") -> None:
    """Reach a control with the keyboard's focus and press a key on it."""
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def type_into(page: Page, locator, text: str) -> None:
    locator.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type(text)


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_open_a_round_and_make_links_by_keyboard(open_page, js, seed, check_page, size):
    page = open_page(js=js, viewport=LAPTOP if size == "laptop" else PHONE)
    lead = seed.user("Fiia Fasilitaattori")
    space = seed.workspace(lead)
    log_in(page, lead)
    page.goto(space.path)
    press(page, page.get_by_role("link", name="Staff survey", exact=True))
    expect(page.get_by_role("heading", name="Staff survey")).to_be_visible()
    check_page(page, "rounds")

    press(page, page.get_by_role("link", name="Open a round"))
    expect(page.get_by_role("heading", name="Open a round")).to_be_visible()
    expect(page.get_by_label("Name")).to_be_focused()
    check_page(page, "new-round")
    page.keyboard.type("Kevät 2027")
    type_into(page, page.get_by_label("Units"), "Tekniikka")
    page.keyboard.press("Enter")
    page.keyboard.type("Palvelut")
    # Office staff are left out with the space bar.
    press(page, page.get_by_role("checkbox", name="Office staff"), " ")
    press(page, page.get_by_role("button", name="Open the round"))

    expect(page.get_by_role("heading", name=re.compile("Kevät 2027"))).to_be_visible()
    expect(page.get_by_text("Round opened.")).to_be_visible()
    shared = page.locator("#shared-link")
    expect(shared).to_have_value(re.compile(r"/s/[A-Za-z0-9_-]{40,}$"))
    expect(page.get_by_text("0 answers submitted")).to_be_visible()
    check_page(page, "round")

    type_into(page, page.get_by_label("How many links"), "3")
    page.keyboard.press("Enter")
    expect(page.get_by_text("3 personal links added.")).to_be_visible()
    rows = page.locator(".survey-links tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0).locator("input.copy-field")).to_have_value(
        re.compile(r"/s/p/[A-Za-z0-9_-]{40,}$")
    )
    check_page(page, "links")

    # Revoking asks first: the browser's question with JavaScript, a page of its own without.
    if js:
        page.once("dialog", lambda dialog: dialog.accept())
    press(page, page.get_by_role("button", name="Revoke link 2"))
    if not js:
        expect(page.get_by_role("heading", name="Revoke personal link 2?")).to_be_visible()
        press(page, page.get_by_role("button", name="Revoke the link"))
    expect(page.get_by_text("Revoked link 2.")).to_be_visible()
    expect(rows.nth(1)).to_contain_text("revoked")
    expect(page.get_by_text("0 of these links have been used.")).to_be_visible()

    press(page, page.get_by_role("link", name="Print the links as cards"))
    cards = page.locator(".link-card")
    expect(cards).to_have_count(2)
    expect(cards.nth(1)).to_contain_text("Link 3")
    expect(cards.nth(0).locator("svg")).to_be_visible()
    check_page(page, "print")


def test_a_locked_round_says_why_its_threshold_cannot_change(page, seed, check_page, live_server):
    from datetime import date, timedelta

    from workshop.accounts.models import User, Workspace
    from workshop.competence import rounds, services
    from workshop.extensions import db
    from workshop.models_base import utcnow

    lead = seed.user()
    space = seed.workspace(lead)
    with live_server.app.app_context():
        round_, _token = rounds.open_new_round(
            db.session.get(Workspace, space.id),
            db.session.get(User, lead.id),
            rounds.RoundData(
                "Syksy",
                date.today(),
                date.today() + timedelta(days=9),
                ["TCH"],
                ["Tekniikka", "Palvelut"],
                5,
                False,
                services.latest_bank().version,
            ),
        )
        round_.locked_at = utcnow()
        db.session.commit()
        round_id = round_.id
    log_in(page, lead)
    page.goto(f"/w/{space.id}/survey/rounds/{round_id}/edit")
    expect(page.get_by_text("This round has answers, so its threshold")).to_be_visible()
    expect(page.get_by_label("Anonymity threshold (k)")).to_be_disabled()
    check_page(page, "locked")
    type_into(page, page.get_by_label("Name"), "Syksy 2026")
    press(page, page.get_by_role("button", name="Save"))
    expect(page.get_by_text("Round saved.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Syksy 2026"))).to_be_visible()
    # The locked units went back as they were, one per line.
    expect(page.locator(".facts")).to_contain_text("Tekniikka, Palvelut")


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_the_demo_rounds_pages_pass_axe(open_page, demo_room, check_page, size):
    """The demo as its facilitator sees it, in Finnish."""
    from tests.browser.test_no_overflow import log_in_demo

    page = open_page(js=True, viewport=LAPTOP if size == "laptop" else PHONE, locale="fi-FI")
    log_in_demo(page, demo_room)
    page.get_by_role("link", name=re.compile("Esimerkkiopisto")).first.click()
    page.get_by_role("link", name="Osaamiskysely", exact=True).click()
    rows = page.locator(".survey-rounds tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("37 vastausta lähetetty")
    check_page(page, "demo-rounds")
    page.get_by_role("link", name="Osaamiskysely kevät").click()
    expect(page.locator(".coaching-plan .card")).to_have_count(2)
    check_page(page, "demo-closed-round")
    page.locator(".coaching-plan .card a").first.click()
    expect(page.locator("input[name=owner]")).to_have_value("Riitta Rehtori")
    check_page(page, "demo-theme")
    page.goto(page.url.split("/survey/")[0] + "/survey/items")
    expect(page.locator(".survey-items").first).to_contain_text("W01")
    check_page(page, "demo-items")
    page.goto(page.url.split("/survey/")[0] + "/survey/")
    page.get_by_role("link", name="Osaamiskysely syksy").click()
    expect(page.get_by_text("Seuranta kierrokselta ”Osaamiskysely kevät”")).to_be_visible()
    check_page(page, "demo-open-round")
