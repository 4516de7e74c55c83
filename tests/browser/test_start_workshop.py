"""From the login page to a running workshop on a journey in at most ten interactions, with
JavaScript and without; the start form fits every screen a facilitator uses."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, assert_fits_sideways
from tests.browser.test_sprints import facilitator_with_journey

MAX_INTERACTIONS = 10
SCREENS = {
    "laptop": {"width": 1366, "height": 768},
    "projector": {"width": 1920, "height": 1080},
    "small-laptop": {"width": 1280, "height": 720},
    "phone": PHONE,
}


class Hands:
    """What a person does on the page, counted: every fill, choice and click is one."""

    def __init__(self, page: Page):
        self.page, self.count = page, 0

    def fill(self, label: str, text: str) -> None:
        self.count += 1
        self.page.get_by_label(label, exact=True).fill(text)

    def click(self, role: str, name: str) -> None:
        self.count += 1
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.page.wait_for_load_state("load")


def test_login_to_a_running_workshop_in_ten_interactions(page: Page, seed, check_page):
    facilitator, space, journey = facilitator_with_journey(seed)
    hands = Hands(page)
    page.goto("/login")

    hands.fill("E-mail", facilitator.email)
    hands.fill("Password", facilitator.password)
    hands.click("button", "Log in")
    hands.click("link", space.name)
    hands.click("link", "Journeys")
    hands.click("link", journey.name)
    hands.click("link", "Start a workshop")
    expect(page.get_by_label("Journey", exact=True)).to_have_value(str(journey.id))
    check_page(page, "start-form")
    hands.click("button", "Start the live session")

    expect(page).to_have_url(re.compile(rf"/w/{space.id}/sprints/\d+/live/$"))
    code = page.locator(".join-code__value")
    expect(code).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
    expect(page.get_by_role("button", name="End the live session")).to_be_visible()
    check_page(page, "console")
    assert hands.count <= MAX_INTERACTIONS, hands.count


@pytest.mark.parametrize("screen", SCREENS, ids=list(SCREENS))
def test_the_start_form_fits_the_screen(open_page, seed, screen, screenshot):
    facilitator, space, journey = facilitator_with_journey(seed)
    page = open_page(js=True, viewport=SCREENS[screen])
    page.goto("/login")
    page.get_by_label("E-mail").fill(facilitator.email)
    page.get_by_label("Password").fill(facilitator.password)
    page.get_by_role("button", name="Log in", exact=True).click()
    page.goto(f"/w/{space.id}/workshops/new?journey={journey.id}")
    button = page.get_by_role("button", name="Start the live session")
    button.scroll_into_view_if_needed()
    expect(button).to_be_in_viewport()
    assert_fits_sideways(page)
    screenshot(page, "start-form")
