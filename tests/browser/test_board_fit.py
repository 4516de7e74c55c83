"""The board on a laptop, a projector, a small laptop and a phone; its one editor by keyboard
(where focus goes after cancel, Escape, delete and undo); a critical point from a card.

Journeys come from the apprenticeship template (six stages, six lanes, at most two steps in a
cell), written straight into the live server's database.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    PHONE,
    assert_fits_sideways,
    assert_marker_survived,
    js_enabled,
    log_in,
    set_marker,
)
from tests.browser.test_journeys import (
    APPRENTICESHIP,
    card_titles,
    cell,
    expect_notice,
    facilitator_with_space,
    labelled,
    make_journey,
    table,
)

LAPTOP = {"width": 1366, "height": 768}
SMALL_LAPTOP = {"width": 1280, "height": 720}
PROJECTOR = {"width": 1920, "height": 1080}
FIRST_STEP = APPRENTICESHIP["steps"][0]["title"]["en"]


def visible_cells(page: Page, lanes: int, stages: int) -> list[str]:
    """The first `lanes` × `stages` cells that are not wholly inside the window, once the page
    (not a box of its own) is scrolled to the top of the map."""
    return page.evaluate(
        """([lanes, stages]) => {
            const table = document.querySelector("#board table.blueprint");
            window.scrollTo(0, table.getBoundingClientRect().top + window.scrollY);
            const out = [];
            const rows = table.querySelectorAll("tbody tr");
            for (let r = 0; r < lanes; r++) {
                const cells = rows[r].querySelectorAll("td");
                for (let s = 0; s < stages; s++) {
                    const box = cells[s].getBoundingClientRect();
                    if (box.top < 0 || box.left < 0 || box.bottom > innerHeight + 0.5 ||
                        box.right > innerWidth + 0.5) {
                        out.push(`lane ${r + 1}, stage ${s + 1}: ${JSON.stringify(box)}`);
                    }
                }
            }
            return out;
        }""",
        [lanes, stages],
    )


def scroll_boxes(page: Page) -> list[str]:
    """Ancestors of the map that would scroll it in a box of their own."""
    return page.evaluate(
        """() => {
            const out = [];
            for (let el = document.querySelector("table.blueprint").parentElement;
                 el && el !== document.body; el = el.parentElement) {
                const style = getComputedStyle(el);
                if (/(auto|scroll)/.test(style.overflowX + style.overflowY)) {
                    out.push(el.className || el.tagName);
                }
            }
            return out;
        }"""
    )


# --- sizes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "viewport, lanes, stages",
    [(LAPTOP, 3, 4), (SMALL_LAPTOP, 3, 4), (PROJECTOR, 4, 6)],
    ids=["1366x768", "1280x720", "1920x1080"],
)
def test_the_board_shows_lanes_and_stages_at_once_in_the_pages_own_scroll(
    open_page, seed, check_page, viewport, lanes, stages
):
    page = open_page(js=True, viewport=viewport)
    facilitator, space = facilitator_with_space(seed)
    journey = make_journey(
        seed.app, space, facilitator, f"Laptop journey {seed.tag()}", template="apprenticeship"
    )
    log_in(page, facilitator)
    page.goto(journey.url)
    expect(table(page).get_by_role("columnheader")).to_have_count(6)
    assert_fits_sideways(page)
    assert scroll_boxes(page) == []
    assert visible_cells(page, lanes, stages) == []
    # Every stage's name is in the window, and stays there while the page scrolls down.
    headers = table(page).get_by_role("columnheader")
    page.mouse.wheel(0, 250)
    page.wait_for_function("() => window.scrollY > 0")
    for n in range(6):
        box = headers.nth(n).bounding_box()
        assert box["y"] >= -0.5 and box["x"] + box["width"] <= viewport["width"] + 0.5, box
    check_page(page, "board")


def test_the_board_on_a_phone_does_not_scroll_sideways(open_page, seed, check_page):
    page = open_page(js=True, viewport=PHONE)
    facilitator, space = facilitator_with_space(seed)
    journey = make_journey(
        seed.app, space, facilitator, f"Phone journey {seed.tag()}", template="apprenticeship"
    )
    log_in(page, facilitator)
    page.goto(journey.url)
    expect(page.get_by_role("heading", name=FIRST_STEP)).to_be_visible()
    assert_fits_sideways(page)
    page.get_by_role("link", name=f"Actions: {FIRST_STEP}").click()
    expect(page.locator("#step-editor")).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, "phone-editor")


# --- focus ---------------------------------------------------------------------------------------


def focused_card(page: Page) -> str | None:
    """The id of the card that holds keyboard focus (the card itself or a link in it)."""
    return page.evaluate(
        "() => { const c = document.activeElement && document.activeElement.closest('.step-card');"
        " return c ? c.id : null; }"
    )


def test_focus_returns_to_the_card_after_cancel_and_escape(js_page, seed, check_page):
    page = js_page
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    title = f"Focus step {tag}"
    journey = make_journey(
        seed.app, space, facilitator, f"Focus journey {tag}", steps=((0, 0, title),)
    )
    card_id = f"step-{journey.step_ids[0]}"
    log_in(page, facilitator)
    page.goto(journey.url)
    editor = page.locator("#step-editor")

    page.get_by_role("link", name=f"Actions: {title}").click()
    expect(editor).to_be_visible()
    expect(editor.get_by_label("Title", exact=True)).to_be_focused()
    expect(page.get_by_role("dialog", name=labelled("Edit step", title))).to_be_visible()
    check_page(page, "1-editor")
    editor.get_by_role("link", name="Cancel").click()
    expect(editor).to_be_hidden()
    assert focused_card(page) == card_id

    # Escape closes an open edit, even with something typed, and saves nothing.
    page.keyboard.press("Enter")
    expect(editor).to_be_visible()
    page.keyboard.type(" changed")
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    assert focused_card(page) == card_id
    expect(card_titles(cell(page, 0, journey.lanes[0]))).to_have_text([title])

    # The same for the critical-point form.
    page.get_by_role("link", name=f"Add a critical point: {title}").click()
    expect(editor.get_by_label("What goes wrong")).to_be_focused()
    page.keyboard.press("Escape")
    expect(editor).to_be_hidden()
    assert focused_card(page) == card_id


def test_delete_focuses_undo_and_undo_focuses_the_restored_card(js_page, seed, check_page):
    page = js_page
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    title = f"Deleted step {tag}"
    journey = make_journey(
        seed.app, space, facilitator, f"Undo journey {tag}", steps=((0, 0, title),)
    )
    log_in(page, facilitator)
    page.goto(journey.url)
    set_marker(page)

    page.get_by_role("link", name=f"Actions: {title}").click()
    page.get_by_role("button", name=labelled("Delete step", title)).click()
    undo = page.locator("#board .undo").get_by_role("button", name=re.compile("^Undo"))
    expect(undo).to_be_focused()
    expect(card_titles(cell(page, 0, journey.lanes[0]))).to_have_count(0)
    check_page(page, "1-undo-focused")

    page.keyboard.press("Enter")
    expect(card_titles(cell(page, 0, journey.lanes[0]))).to_have_text([title])
    expect(page.locator(f"#step-{journey.step_ids[0]}")).to_be_focused()
    assert_marker_survived(page)


def test_a_save_and_a_move_bring_focus_back_to_the_card(js_page, seed):
    page = js_page
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    title = f"Moved step {tag}"
    journey = make_journey(
        seed.app,
        space,
        facilitator,
        f"Move journey {tag}",
        steps=((0, 0, title),),
        extra_stages=("Stage 2",),
    )
    log_in(page, facilitator)
    page.goto(journey.url)
    page.get_by_role("link", name=f"Actions: {title}").click()
    page.get_by_role("button", name=labelled("Move to the next stage", title)).click()
    expect(card_titles(cell(page, 1, journey.lanes[0]))).to_have_text([title])
    expect(page.locator("#step-editor")).to_be_hidden()
    expect(page.locator(f"#step-{journey.step_ids[0]}")).to_be_focused()


# --- a critical point from the card -----------------------------------------------------------------


def test_a_critical_point_is_added_from_the_card_in_four_interactions(page, js, seed, check_page):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    title = f"Contract step {tag}"
    what = f"The contract is late {tag}"
    journey = make_journey(
        seed.app, space, facilitator, f"Point journey {tag}", steps=((0, 0, title),)
    )
    log_in(page, facilitator)
    page.goto(journey.url)
    if js:
        set_marker(page)
    card = page.locator(f"#step-{journey.step_ids[0]}")
    interactions = []

    def act(locator, how, *args):
        interactions.append(how)
        getattr(locator, how)(*args)

    act(card.get_by_role("link", name=f"Add a critical point: {title}"), "click")
    form = page.locator("form#point-form")
    if js:
        expect(page.locator("#step-editor form#point-form")).to_be_visible()
    else:
        expect(page).to_have_url(re.compile(r"/steps/\d+/points/new$"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("Report a critical point")
    check_page(page, "1-form")
    act(form.get_by_label("What goes wrong"), "fill", what)
    act(form.get_by_label(re.compile(r"3 – critical")), "check")
    act(form.get_by_role("button", name="Save the critical point"), "click")

    badge = card.locator(".badge--point")
    expect(badge).to_have_accessible_name(re.compile(rf"^1 critical point, worst: .+: {title}$"))
    expect_notice(page, f"Critical point “{what}” reported.")
    assert len(interactions) <= 4, interactions
    if js_enabled(page):
        assert_marker_survived(page)
        expect(page.locator("#step-editor")).to_be_hidden()
        assert focused_card(page) == f"step-{journey.step_ids[0]}"
    else:
        expect(page).to_have_url(re.compile(re.escape(journey.url) + r"#step-\d+$"))
    check_page(page, "2-reported")


def test_a_critical_point_without_severity_keeps_the_editor_open_with_the_error(js_page, seed):
    page = js_page
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    title = f"Half-reported step {tag}"
    journey = make_journey(
        seed.app, space, facilitator, f"Error journey {tag}", steps=((0, 0, title),)
    )
    log_in(page, facilitator)
    page.goto(journey.url)
    page.get_by_role("link", name=f"Add a critical point: {title}").click()
    editor = page.locator("#step-editor")
    editor.get_by_label("What goes wrong").fill(f"Typed {tag}")
    editor.get_by_role("button", name="Save the critical point").click()
    expect(editor.locator(".field__errors")).to_have_text(["This field is required."])
    # Focus goes to what needs an answer: the first severity, and stays there once htmx has
    # settled the swap (which focuses an [autofocus] field).
    expect(editor.locator("input[name=severity]").first).to_be_focused()
    page.wait_for_timeout(300)
    expect(editor.locator("input[name=severity]").first).to_be_focused()
    expect(editor.get_by_label("What goes wrong")).to_have_value(f"Typed {tag}")
    expect(editor).to_be_visible()
    expect(page.locator("#board .badge--point")).to_have_count(0)
