"""Presenter mode on a real projector's sizes: no app chrome, every stage of a six-stage journey
on the screen, what the console switches to appears within a poll, the code leaves the screen
when the session ends; the console's switch works without JavaScript; and the board's
"Projector view" puts the journey on the big screen without a live session."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Space, assert_fits_sideways, log_in
from tests.browser.test_critical_points import CONTRACT, add_point
from tests.browser.test_live import WITHIN, console_button, open_projector, running_sprint
from tests.browser.test_live import show_on_projector as show

FULL_HD = {"width": 1920, "height": 1080}
HD = {"width": 1280, "height": 720}
SIZES = [pytest.param(FULL_HD, id="1920x1080"), pytest.param(HD, id="1280x720")]
# The board's projector view also on a laptop and, squeezed, on a phone.
ALL_SIZES = [
    *SIZES,
    pytest.param({"width": 1366, "height": 768}, id="1366x768"),
    pytest.param({"width": 390, "height": 844}, id="390x844"),
]
STAGES = [
    "Getting started",
    "Planning and agreements",
    "Preparing the workplace",
    "Learning at work",
    "Demonstration and assessment",
    "Ending and feedback",
]
POINT = "The contract is signed after the start"
STEP = "Signing the apprenticeship as a fixed-term employment contract"
QUOTE = "We waited three weeks for the papers."
QUESTION = "What surprised you most today?"


def assert_no_app_chrome(page: Page) -> None:
    for chrome in ("nav", ".site-header", ".site-footer", "footer", ".language-switcher"):
        expect(page.locator(chrome)).to_have_count(0)
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def assert_every_stage_on_screen(page: Page) -> None:
    """Each stage's header lies wholly inside the viewport, in the journey's order."""
    size = page.viewport_size
    headers = page.locator("#live-map thead th")
    expect(headers).to_have_text(STAGES)
    for i in range(headers.count()):
        box = headers.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (STAGES[i], box)
        assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (STAGES[i], box)
    assert_fits_sideways(page)


def room_with_a_point(seed, laptop: Page) -> tuple:
    """A running sprint's live session on a six-stage journey with a quoted critical point."""
    tag = seed.tag()
    facilitator, sprint_url, journey = running_sprint(seed, tag)
    space = Space(id=int(sprint_url.split("/")[2]), name="")
    add_point(seed.app, space, facilitator, journey, CONTRACT, POINT, 3, quote=QUOTE)
    log_in(laptop, facilitator)
    laptop.goto(sprint_url)
    laptop.get_by_role("link", name="Start a live session").click()
    laptop.get_by_role("button", name="Start the live session").click()
    expect(laptop.locator(".flashes")).to_contain_text("The live session has started.")
    return facilitator, sprint_url, journey


def at_each_size(projector: Page, check) -> None:
    """A layout check on the projector at 1920×1080 and at 1280×720 (where it is left)."""
    for size in (FULL_HD, HD):
        projector.set_viewport_size(size)
        check(projector)


def test_the_console_switches_the_projector_in_every_mode(open_page, seed, check_page):
    laptop = open_page(js=True)
    room_with_a_point(seed, laptop)
    code = laptop.locator(".console__join .join-code__value").inner_text()
    projector = open_projector(laptop)

    # A new room shows how to join: the QR code and the code, big.
    assert_no_app_chrome(projector)
    expect(projector.locator("#presenter-stage .join-code__value")).to_have_text(code)
    expect(projector.locator("#presenter-stage .qr-figure svg")).to_be_visible()
    at_each_size(projector, assert_fits_sideways)
    check_page(projector, "1-join")

    show(laptop, "The journey with its critical points")
    expect(projector.locator("#live-map")).to_be_visible(timeout=WITHIN)
    at_each_size(projector, assert_every_stage_on_screen)
    expect(projector.locator(".live-map__step--hot")).to_contain_text("1 critical point")
    expect(projector.locator(".presenter__code")).to_contain_text(code)
    check_page(projector, "2-journey")

    show(laptop, "The ranking of critical points")
    expect(projector.locator("#live-ranked li").first).to_contain_text(POINT, timeout=WITHIN)
    at_each_size(projector, assert_fits_sideways)
    check_page(projector, "3-ranking")

    show(laptop, "One step up close", step=STEP)
    stage = projector.locator("#presenter-stage")
    expect(stage.locator("#presenter-step-title")).to_have_text(STEP, timeout=WITHIN)
    expect(stage).to_contain_text(POINT)
    expect(stage.locator("blockquote")).to_have_text(QUOTE)
    at_each_size(projector, assert_fits_sideways)
    check_page(projector, "4-step")

    show(laptop, "A question or instruction", text=QUESTION)
    expect(projector.locator(".presenter__message-text")).to_have_text(QUESTION, timeout=WITHIN)
    at_each_size(projector, assert_fits_sideways)
    check_page(projector, "5-message")

    laptop.get_by_label("Minutes").fill("5")
    console_button(laptop, "Start")
    show(laptop, "The timer")
    timer = projector.locator("#presenter-stage .timer__value")
    expect(timer).to_have_text(re.compile(r"^4:5\d$"), timeout=WITHIN)
    expect(projector.locator("#presenter-bar .timer")).to_be_hidden()
    at_each_size(projector, assert_fits_sideways)
    check_page(projector, "6-timer")

    # The end: the code and its QR leave the screen, which says the workshop has ended.
    show(laptop, "The join code and QR code")
    expect(projector.locator("#presenter-stage .qr-figure")).to_be_visible(timeout=WITHIN)
    laptop.once("dialog", lambda dialog: dialog.accept())
    console_button(laptop, "End the live session")
    expect(projector.locator("#presenter-stage")).to_contain_text(
        "The workshop has ended.", timeout=WITHIN
    )
    expect(projector.locator(".qr-figure, .qr")).to_have_count(0)
    expect(projector.locator("body")).not_to_contain_text(code)
    check_page(projector, "7-ended")


def test_without_javascript_the_console_switches_and_the_projector_shows_it_on_reload(
    open_page, seed, check_page
):
    laptop = open_page(js=False)
    room_with_a_point(seed, laptop)
    projector_url = laptop.get_by_role("link", name=re.compile("Open the projector view"))
    projector_url = projector_url.get_attribute("href")
    projector = laptop.context.new_page()
    projector.set_viewport_size(HD)
    projector.goto(projector_url)
    expect(projector.locator("#presenter-stage .qr-figure")).to_be_visible()

    show(laptop, "A question or instruction", text=QUESTION)
    expect(laptop.locator(".flashes")).to_contain_text(
        "The projector now shows: A question or instruction."
    )
    check_page(laptop, "1-console-nojs")
    # A refused choice is said next to its field, and nothing changes.
    show(laptop, "One step up close", expect_shown=False)
    expect(laptop.locator("#presenter-control .field__errors")).to_have_text(
        "Choose the step to show."
    )
    projector.reload()
    expect(projector.locator(".presenter__message-text")).to_have_text(QUESTION)
    assert_no_app_chrome(projector)
    check_page(projector, "2-projector-nojs")


@pytest.mark.parametrize("size", ALL_SIZES)
def test_the_boards_projector_view_fits_the_journey_without_a_session(
    open_page, seed, check_page, size
):
    laptop = open_page(js=True)
    tag = seed.tag()
    facilitator, sprint_url, journey = running_sprint(seed, tag)
    space = Space(id=int(sprint_url.split("/")[2]), name="")
    add_point(seed.app, space, facilitator, journey, CONTRACT, POINT, 2)
    log_in(laptop, facilitator)
    laptop.goto(journey.url)
    laptop.set_viewport_size(size)
    laptop.get_by_role("link", name="Projector view").click()
    expect(laptop).to_have_url(re.compile(re.escape(journey.url) + r"presenter$"))
    assert_no_app_chrome(laptop)
    if size["width"] >= 1280:
        assert_every_stage_on_screen(laptop)
    else:  # a phone lists each lane's steps stage by stage
        assert_fits_sideways(laptop)
        expect(laptop.locator("#live-map td", has_text=STEP)).to_have_attribute(
            "data-stage", STAGES[1]
        )
    expect(laptop.locator(".live-map__step--hot")).to_contain_text("1 critical point")
    check_page(laptop, "1-journey")
    laptop.get_by_role("link", name="Back to the journey").click()
    expect(laptop).to_have_url(re.compile(re.escape(journey.url) + "$"))
