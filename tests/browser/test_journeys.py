"""The journey board in a browser: create, edit, move, delete, conflicts, compare, sizes, keyboard.

Tests that take the `page` fixture run twice (ids js-on / js-off, see conftest.py). Journeys that
a test does not create through the UI itself are written straight into the live server's
database through the journey services, each with a unique name.
"""

import re
import tomllib
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    DESKTOP,
    PHONE,
    Person,
    Space,
    assert_fits_sideways,
    assert_marker_survived,
    log_in,
    set_marker,
)
from tests.conftest import ROOT
from workshop.accounts.models import Role, User, Workspace
from workshop.extensions import db
from workshop.journey_templates import services as templates
from workshop.journeys import services
from workshop.journeys.models import JourneyKind

WIDE = {"width": 1920, "height": 1080}
CONFLICT_TITLE = "Someone else saved this step while you were editing"


def template_data(name: str) -> dict:
    with open(ROOT / "journeys" / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


APPRENTICESHIP = template_data("apprenticeship")
APPRENTICESHIP_TITLE = APPRENTICESHIP["title"]["en"]
APPRENTICESHIP_STAGES = [stage["title"]["en"] for stage in APPRENTICESHIP["stages"]]


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JourneyRef:
    id: int
    name: str
    url: str
    stages: list[str]
    lanes: list[str]
    step_ids: list[int]


def make_journey(
    app: Flask,
    space: Space,
    owner: Person,
    name: str,
    steps: tuple[tuple[int, int, str], ...] = (),
    extra_stages: tuple[str, ...] = (),
    template: str | None = None,
) -> JourneyRef:
    """A journey in English, blank or from a template, with steps (stage index, lane index, title)."""
    with app.app_context():
        workspace = db.session.get(Workspace, space.id)
        user = db.session.get(User, owner.id)
        source = templates.get_template(template) if template else None
        kind = JourneyKind(source.kind) if source else JourneyKind.CUSTOM
        journey = services.create_journey(workspace, user, name, kind, "en", "", source)
        for title in extra_stages:
            services.add_stage(journey, user, title)
        board = services.load_board(journey)
        step_ids = [
            services.add_step(journey, user, board.stages[stage].id, board.lanes[lane].id, title).id
            for stage, lane, title in steps
        ]
        db.session.commit()
        return JourneyRef(
            id=journey.id,
            name=name,
            url=f"/w/{space.id}/journeys/{journey.id}/",
            stages=[s.title for s in board.stages],
            lanes=[lane.title for lane in board.lanes],
            step_ids=step_ids,
        )


# --- the board ---------------------------------------------------------------------------------


def table(page: Page) -> Locator:
    """The desktop board (the stage-by-stage phone copy is hidden on wide screens)."""
    return page.locator("#board table.blueprint")


def cell(page: Page, stage_index: int, lane: str) -> Locator:
    row = (
        table(page)
        .locator("tbody tr")
        .filter(has=page.get_by_role("rowheader", name=lane, exact=True))
    )
    return row.locator("td.blueprint__cell").nth(stage_index)


def card_titles(place: Locator) -> Locator:
    return place.locator(".step-card .step-card__title")


def board_url_re(journey: JourneyRef, anchor: bool = True) -> re.Pattern:
    return re.compile(re.escape(journey.url) + (r"(#step-\d+)?$" if anchor else r"$"))


def labelled(visible: str, hidden: str) -> re.Pattern:
    """The name of a control whose visible text is followed by a visually hidden ": <what>".

    The hidden span is positioned absolutely, so accessible-name computation may put a space
    before its colon ("Edit : Title"); either spelling is fine for a screen reader.
    """
    return re.compile(rf"^{re.escape(visible)}\s*: {re.escape(hidden)}$")


def expect_notice(page: Page, text: str) -> None:
    """The confirmation of a change: in the board's status region (htmx) or as a flash message."""
    expect(page.get_by_role("status").filter(has_text=text)).to_have_count(1)


def open_actions(page: Page, title: str) -> None:
    """Open a card's one menu: the board's editor with JavaScript, the step's page without."""
    page.get_by_role("link", name=f"Actions: {title}", exact=True).click()
    expect(page.get_by_role("button", name=labelled("Delete step", title))).to_be_visible()


def facilitator_with_space(seed) -> tuple[Person, Space]:
    facilitator = seed.user(name=f"Fiia Facilitator {seed.tag()}")
    return facilitator, seed.workspace(facilitator)


# --- 1. create from a template, add a step, score the emotions ---------------------------------


def test_facilitator_creates_a_journey_from_a_template_adds_and_scores_a_step(
    page, js, seed, check_page
):
    facilitator, space = facilitator_with_space(seed)
    name = f"Apprenticeship journey {seed.tag()}"
    step_title = f"Student reads the contract {seed.tag()}"
    stage_2 = APPRENTICESHIP_STAGES[1]

    log_in(page, facilitator)
    page.goto(space.path)
    page.locator(".tabs").get_by_role("link", name="Journeys").click()
    expect(page).to_have_url(re.compile(rf"/w/{space.id}/journeys/$"))
    check_page(page, "1-journeys")

    page.get_by_role("link", name="New journey").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New journey")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Start from").select_option(label=f"Template: {APPRENTICESHIP_TITLE}")
    page.get_by_label("Language of the content").select_option(label="English")
    check_page(page, "2-new-journey")
    page.get_by_role("button", name="Create journey").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page).to_have_url(re.compile(rf"/w/{space.id}/journeys/\d+/$"))
    board_path = urlsplit(page.url).path
    headers = table(page).get_by_role("columnheader")
    expect(headers).to_have_count(len(APPRENTICESHIP_STAGES))
    expect(headers).to_contain_text(APPRENTICESHIP_STAGES)
    check_page(page, "3-board")

    # Add a step in the empty cell (stage 2, Student).
    target = cell(page, 1, "Student")
    expect(card_titles(target)).to_have_count(0)
    board_url = page.url
    if js:
        set_marker(page)
    target.get_by_role("link", name=labelled("Add step", f"{stage_2}, Student")).click()
    form = page.locator("form#new-step-form")
    expect(form.get_by_label("Title", exact=True)).to_be_visible()
    if js:
        expect(page.locator("#step-editor form#new-step-form")).to_be_visible()  # the editor
        expect(page).to_have_url(board_url)
        assert_marker_survived(page)
    else:
        expect(page).to_have_url(re.compile(r"/steps/new\?stage=\d+&lane=\d+$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("New step")
    expect(form.get_by_label("Stage").locator("option:checked")).to_have_text(stage_2)
    expect(form.get_by_label("Lane").locator("option:checked")).to_have_text("Student")
    form.get_by_label("Title", exact=True).fill(step_title)
    check_page(page, "4-add-step-form")
    form.get_by_role("button", name="Save").click()

    expect(card_titles(target)).to_have_text([step_title])
    expect_notice(page, f"Step “{step_title}” added.")
    if js:
        expect(page).to_have_url(board_url)
        assert_marker_survived(page)
    else:
        expect(page).to_have_url(re.compile(re.escape(board_path) + r"#step-\d+$"))
    check_page(page, "5-step-added")

    # Score how the student and the employer feel there.
    chart = page.locator("svg.emotion-curve__chart")
    circles = chart.locator("circle.dot--student")
    squares = chart.locator("rect.dot--employer")
    circles_before, squares_before = circles.count(), squares.count()
    card = target.locator(".step-card", has_text=step_title)
    card.get_by_role("link", name=f"Actions: {step_title}").click()
    form = page.locator("form.step-form")
    expect(form.get_by_label("Title", exact=True)).to_have_value(step_title)
    if js:
        expect(page.locator("#step-editor form.step-form--inline")).to_be_visible()
        expect(page).to_have_url(board_url)
        assert_marker_survived(page)
    else:
        expect(page).to_have_url(re.compile(r"/steps/\d+/edit$"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit step")
    form.get_by_label("How the student feels").select_option(label="−2 very negative")
    form.get_by_label("How the employer feels").select_option(label="+1 positive")
    check_page(page, "6-edit-step-form")
    # The form offers the step's own place, so saving it does not move the step.
    expect(form.get_by_label("Stage").locator("option:checked")).to_have_text(stage_2)
    expect(form.get_by_label("Lane").locator("option:checked")).to_have_text("Student")
    form.get_by_role("button", name="Save").click()

    expect_notice(page, f"Step “{step_title}” saved.")
    expect(circles).to_have_count(circles_before + 1)
    expect(squares).to_have_count(squares_before + 1)
    expect(circles.filter(has_text=f"{step_title}: -2")).to_have_count(1)
    expect(squares.filter(has_text=f"{step_title}: 1")).to_have_count(1)
    expect(target.locator(".step-card", has_text=step_title)).to_contain_text("Student -2")
    expect(target.locator(".step-card", has_text=step_title)).to_contain_text("Employer +1")
    if js:
        expect(page).to_have_url(board_url)
        assert_marker_survived(page)

    page.locator("details.emotion-table summary").click()
    row = page.locator(".emotion-table tbody tr").filter(
        has=page.get_by_role("rowheader", name=step_title, exact=True)
    )
    expect(row.locator("td")).to_have_text([stage_2, "−2 very negative", "+1 positive"])
    check_page(page, "7-emotions-saved")


# --- 2. move, delete and undo ------------------------------------------------------------------


def test_step_moves_up_and_to_the_next_stage_is_deleted_and_restored(page, js, seed, check_page):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    first, second = f"First step {tag}", f"Second step {tag}"
    journey = make_journey(
        seed.app,
        space,
        facilitator,
        f"Moving journey {tag}",
        steps=((0, 0, first), (0, 0, second)),
        extra_stages=("Stage 2",),
    )
    lane = journey.lanes[0]

    log_in(page, facilitator)
    page.goto(journey.url)
    here, next_stage = cell(page, 0, lane), cell(page, 1, lane)
    expect(card_titles(here)).to_have_text([first, second])
    check_page(page, "1-board")
    board_url = page.url
    if js:
        set_marker(page)

    open_actions(page, second)
    page.get_by_role("button", name=labelled("Move up", second)).click()
    expect(card_titles(here)).to_have_text([second, first])
    expect_notice(page, f"Step “{second}” moved.")
    check_page(page, "2-moved-up")

    open_actions(page, second)
    page.get_by_role("button", name=labelled("Move to the next stage", second)).click()
    expect(card_titles(here)).to_have_text([first])
    expect(card_titles(next_stage)).to_have_text([second])
    check_page(page, "3-moved-right")

    open_actions(page, second)
    page.get_by_role("button", name=labelled("Delete step", second)).click()
    undo = page.locator("#board .undo")
    expect(undo).to_contain_text(f"Step “{second}” moved to the trash.")
    expect(card_titles(next_stage)).to_have_count(0)
    expect(page.get_by_text(second, exact=True)).to_have_count(0)
    check_page(page, "4-deleted")

    undo.get_by_role("button", name="Undo").click()
    expect(card_titles(next_stage)).to_have_text([second])
    expect(card_titles(here)).to_have_text([first])
    expect_notice(page, f"Step “{second}” restored.")
    expect(page.locator("#board .undo")).to_have_count(0)
    if js:
        expect(page).to_have_url(board_url)
        assert_marker_survived(page)
    else:
        expect(page).to_have_url(board_url_re(journey))
    check_page(page, "5-restored")


# --- 3. two people save the same step ----------------------------------------------------------


def test_second_save_of_the_same_step_shows_both_versions_and_keeps_what_was_typed(
    open_page, seed, check_page
):
    facilitator, space = facilitator_with_space(seed)
    participant = seed.user(name=f"Paavo Participant {seed.tag()}")
    seed.member(space, participant, Role.PARTICIPANT, by=facilitator)
    tag = seed.tag()
    original = f"Signing the contract {tag}"
    theirs, mine = f"Fiia's title {tag}", f"Paavo's title {tag}"
    my_text = f"Paavo wrote this description {tag}\nover two lines."
    journey = make_journey(
        seed.app, space, facilitator, f"Shared journey {tag}", steps=((0, 0, original),)
    )

    first, second = open_page(js=True), open_page(js=True)
    for person, page in ((facilitator, first), (participant, second)):
        log_in(page, person)
        page.goto(journey.url)
        page.get_by_role("link", name=f"Actions: {original}").click()
        expect(
            page.locator("form.step-form--inline").get_by_label("Title", exact=True)
        ).to_be_visible()
    set_marker(second)
    check_page(second, "1-both-editing")

    # Paavo types first: a board someone types in waits with its refresh, so his editor is
    # still the one he opened when Fiia's save lands (an untouched editor may refresh away).
    second_form = second.locator("form.step-form--inline")
    second_form.get_by_label("Title", exact=True).fill(mine)
    second_form.get_by_label("Description").fill(my_text)
    second_form.get_by_label("How the student feels").select_option(label="+2 very positive")

    first_form = first.locator("form.step-form--inline")
    first_form.get_by_label("Title", exact=True).fill(theirs)
    first_form.get_by_role("button", name="Save").click()
    expect(card_titles(cell(first, 0, journey.lanes[0]))).to_have_text([theirs])

    second_form.get_by_role("button", name="Save").click()

    conflict = second.locator("#board.conflict")
    expect(conflict.get_by_role("heading", level=2)).to_have_text(CONFLICT_TITLE)
    saved = conflict.get_by_role("region", name="Saved version")
    expect(saved.locator(".conflict__values")).to_contain_text(theirs)
    yours = conflict.get_by_role("region", name="Your version")
    expect(yours.get_by_label("Title", exact=True)).to_have_value(mine)
    expect(yours.get_by_label("Description")).to_have_value(my_text)
    expect(yours.get_by_label("How the student feels").locator("option:checked")).to_have_text(
        "+2 very positive"
    )
    assert_marker_survived(second)
    check_page(second, "2-conflict")

    yours.get_by_role("button", name="Save my version").click()
    expect(card_titles(cell(second, 0, journey.lanes[0]))).to_have_text([mine])
    assert_marker_survived(second)
    check_page(second, "3-my-version-saved")

    second.reload()
    expect(card_titles(cell(second, 0, journey.lanes[0]))).to_have_text([mine])
    first.reload()
    expect(card_titles(cell(first, 0, journey.lanes[0]))).to_have_text([mine])
    first.get_by_role("link", name=f"Actions: {mine}").click()
    expect(first.locator("form.step-form").get_by_label("Description")).to_have_value(my_text)


# --- 4. duplicate and compare ------------------------------------------------------------------


def test_duplicate_gets_a_new_step_and_the_comparison_lists_it(js_page, seed, check_page):
    page = js_page
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    name = f"As-is journey {tag}"
    added = f"Employer signs online {tag}"
    journey = make_journey(
        seed.app, space, facilitator, name, steps=((0, 0, f"Existing step {tag}"),)
    )

    log_in(page, facilitator)
    page.goto(journey.url)
    page.get_by_role("navigation", name="Journey tools").get_by_role(
        "link", name="Duplicate"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Duplicate journey")
    expect(page.get_by_label("Name of the copy")).to_have_value(f"{name} (to-be)")
    check_page(page, "1-duplicate")
    page.get_by_role("button", name="Make the copy").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{name} (to-be)")
    expect(card_titles(cell(page, 0, "Student"))).to_have_text([f"Existing step {tag}"])
    employer = cell(page, 0, "Employer")
    set_marker(page)
    employer.get_by_role("link", name=re.compile(r"^Add step")).click()
    form = page.locator("form#new-step-form")
    form.get_by_label("Title", exact=True).fill(added)
    form.get_by_role("button", name="Save").click()
    expect(card_titles(employer)).to_have_text([added])
    assert_marker_survived(page)
    check_page(page, "2-copy-with-new-step")

    page.get_by_role("navigation", name="Journey tools").get_by_role("link", name="Compare").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare journeys")
    expect(
        page.get_by_label(f"Compare “{name} (to-be)” with").locator("option:checked")
    ).to_have_text(name)
    expect(page.get_by_text(f"From “{name}” to “{name} (to-be)”:")).to_be_visible()
    section = page.get_by_role("region", name="1 step added")
    expect(section.get_by_role("heading", level=2)).to_have_text("+ 1 step added")
    expect(section.get_by_role("listitem")).to_have_count(1)
    expect(section.get_by_role("listitem")).to_contain_text(added)
    expect(section.get_by_role("listitem")).to_contain_text("Stage 1, Employer")
    expect(page.get_by_role("region", name=re.compile("removed|changed"))).to_have_count(0)
    check_page(page, "3-compare")


# --- 5. phone ----------------------------------------------------------------------------------


def test_board_on_a_phone_is_one_column_lane_by_lane(open_page, seed, check_page):
    page = open_page(js=True, viewport=PHONE)
    facilitator, space = facilitator_with_space(seed)
    journey = make_journey(
        seed.app,
        space,
        facilitator,
        f"Apprenticeship on a phone {seed.tag()}",
        template="apprenticeship",
    )

    log_in(page, facilitator)
    page.goto(journey.url)
    # The same table as on a laptop, stacked: each lane's name, then its cells, each naming
    # its stage; no second copy of the board.
    expect(page.locator("table.blueprint")).to_have_count(1)
    expect(table(page).get_by_role("columnheader")).to_be_hidden()
    first_cell = cell(page, 0, "Student")
    expect(first_cell.locator(".blueprint__where")).to_have_text(f"1 {APPRENTICESHIP_STAGES[0]}")
    expect(first_cell.locator(".blueprint__where")).to_be_visible()
    first_step = APPRENTICESHIP["steps"][0]["title"]["en"]
    expect(page.get_by_role("heading", name=first_step)).to_be_visible()
    expect(page.get_by_role("link", name=f"Actions: {first_step}")).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, "phone-board")


# --- 6. wide screen and projector --------------------------------------------------------------


def test_board_on_a_wide_screen_and_in_projector_view(open_page, seed, check_page):
    page = open_page(js=True, viewport=WIDE)
    facilitator, space = facilitator_with_space(seed)
    journey = make_journey(
        seed.app,
        space,
        facilitator,
        f"Apprenticeship on a projector {seed.tag()}",
        template="apprenticeship",
    )

    log_in(page, facilitator)
    page.goto(journey.url)
    expect(table(page)).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, "1-wide")

    # The projector view is presenter mode (tests/browser/test_presenter.py): no app chrome.
    page.get_by_role("link", name="Projector view").click()
    expect(page).to_have_url(re.compile(re.escape(journey.url) + r"presenter$"))
    expect(page.locator(".site-header")).to_have_count(0)
    expect(page.locator("#live-map").get_by_role("columnheader")).to_have_count(
        len(APPRENTICESHIP_STAGES)
    )
    check_page(page, "2-projector")
    assert_fits_sideways(page)

    # On an ordinary desktop the whole map fits the page's width, in no box of its own.
    page.set_viewport_size(DESKTOP)
    page.goto(journey.url)
    expect(page.locator(".blueprint-scroll")).to_have_count(0)
    check_page(page, "3-desktop")
    assert_fits_sideways(page)


# --- 7. keyboard -------------------------------------------------------------------------------


def test_step_is_edited_inline_with_the_keyboard_alone(js_page, seed, check_page):
    page = js_page
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    old, new = f"Step to rename {tag}", f"Renamed by keyboard {tag}"
    journey = make_journey(
        seed.app, space, facilitator, f"Keyboard journey {tag}", steps=((0, 0, old),)
    )

    log_in(page, facilitator)
    page.goto(journey.url)
    set_marker(page)
    edit = page.get_by_role("link", name=f"Actions: {old}")
    for _ in range(60):
        page.keyboard.press("Tab")
        if edit.evaluate("el => el === document.activeElement"):
            break
    expect(edit).to_be_focused()
    check_page(page, "1-edit-link-focused")

    page.keyboard.press("Enter")
    form = page.locator("form.step-form--inline")
    title = form.get_by_label("Title", exact=True)
    expect(title).to_have_value(old)
    check_page(page, "2-inline-form")
    expect(title).to_be_focused()

    page.keyboard.press("ControlOrMeta+A")
    page.keyboard.type(new)
    page.keyboard.press("Enter")
    expect(card_titles(cell(page, 0, journey.lanes[0]))).to_have_text([new])
    expect_notice(page, f"Step “{new}” saved.")
    assert_marker_survived(page)
    check_page(page, "3-saved")


# --- stages and lanes are renamed in place ------------------------------------------------------


def test_stage_and_lane_are_renamed_in_place_and_the_board_shows_the_names(
    page, js, seed, check_page
):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    journey = make_journey(seed.app, space, facilitator, f"Renamed columns {tag}")
    log_in(page, facilitator)
    page.goto(journey.url + "structure")
    if js:
        set_marker(page)

    stage_name = page.get_by_label("Name", exact=True).first
    stage_name.fill(f"Hakeutuminen {tag}")
    page.get_by_role("button", name=labelled("Save", journey.stages[0])).click()
    expect_notice(page, f"Renamed to “Hakeutuminen {tag}”.")
    check_page(page, "1-stage-renamed")

    lanes = page.locator("section[aria-labelledby=lanes-title]")
    lanes.get_by_label("Name", exact=True).first.fill(f"Opiskelija {tag}")
    lanes.get_by_role("button", name=labelled("Save", journey.lanes[0])).click()
    expect_notice(page, f"Renamed to “Opiskelija {tag}”.")
    if js:
        assert_marker_survived(page)
    check_page(page, "2-lane-renamed")

    page.goto(journey.url)
    expect(table(page).locator("thead th[scope=col]").first).to_contain_text(f"Hakeutuminen {tag}")
    expect(table(page).get_by_role("rowheader").first).to_contain_text(f"Opiskelija {tag}")
