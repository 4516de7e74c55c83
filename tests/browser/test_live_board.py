"""The board updates by itself: what one person adds shows on another's screen without a
reload, and never replaces a form someone is typing in."""

from playwright.sync_api import expect

from tests.browser.conftest import assert_marker_survived, log_in, set_marker
from tests.browser.test_journeys import (
    card_titles,
    cell,
    facilitator_with_space,
    labelled,
    make_journey,
)
from workshop.accounts.models import Role

# The board polls every 2 s; a change shows within one poll and its request.
WITHIN = 6000


def test_a_step_added_by_one_person_appears_on_anothers_board(open_page, seed, check_page):
    facilitator, space = facilitator_with_space(seed)
    observer = seed.user(name=f"Olli Observer {seed.tag()}")
    seed.member(space, observer, Role.OBSERVER, by=facilitator)
    tag = seed.tag()
    journey = make_journey(
        seed.app, space, facilitator, f"Live journey {tag}", template="apprenticeship"
    )

    editor, watcher = open_page(js=True), open_page(js=True)
    log_in(editor, facilitator)
    log_in(watcher, observer)
    editor.goto(journey.url)
    watcher.goto(journey.url)
    set_marker(watcher)

    title = f"Added in the room {tag}"
    target = cell(editor, 0, journey.lanes[0])
    target.get_by_role(
        "link", name=labelled("Add step", f"{journey.stages[0]}, {journey.lanes[0]}")
    ).click()
    form = editor.locator("form.step-form--inline")
    form.get_by_label("Title", exact=True).fill(title)
    form.get_by_role("button", name="Save").click()
    expect(card_titles(cell(editor, 0, journey.lanes[0]))).to_contain_text([title])

    expect(card_titles(cell(watcher, 0, journey.lanes[0]))).to_contain_text([title], timeout=WITHIN)
    assert_marker_survived(watcher)
    check_page(watcher, "1-updated-by-itself")


def test_the_refresh_waits_while_someone_types_on_the_board(open_page, seed):
    facilitator, space = facilitator_with_space(seed)
    participant = seed.user(name=f"Paavo Participant {seed.tag()}")
    seed.member(space, participant, Role.PARTICIPANT, by=facilitator)
    tag = seed.tag()
    journey = make_journey(
        seed.app, space, facilitator, f"Busy journey {tag}", template="apprenticeship"
    )

    other, typist = open_page(js=True), open_page(js=True)
    log_in(other, facilitator)
    log_in(typist, participant)
    other.goto(journey.url)
    typist.goto(journey.url)

    mine = f"Half-typed idea {tag}"
    typist_cell = cell(typist, 1, journey.lanes[1])
    typist_cell.get_by_role(
        "link", name=labelled("Add step", f"{journey.stages[1]}, {journey.lanes[1]}")
    ).click()
    typing = typist.locator("form.step-form--inline")
    typing.get_by_label("Title", exact=True).fill(mine)

    theirs = f"Someone else's step {tag}"
    other_cell = cell(other, 0, journey.lanes[0])
    other_cell.get_by_role(
        "link", name=labelled("Add step", f"{journey.stages[0]}, {journey.lanes[0]}")
    ).click()
    other_form = other.locator("form.step-form--inline")
    other_form.get_by_label("Title", exact=True).fill(theirs)
    other_form.get_by_role("button", name="Save").click()
    expect(card_titles(cell(other, 0, journey.lanes[0]))).to_contain_text([theirs])

    # Two polls later the typed text is still there, in the same form.
    typist.wait_for_timeout(4500)
    expect(typing.get_by_label("Title", exact=True)).to_have_value(mine)
    typing.get_by_role("button", name="Save").click()
    expect(card_titles(cell(typist, 1, journey.lanes[1]))).to_contain_text([mine])
    expect(card_titles(cell(typist, 0, journey.lanes[0]))).to_contain_text([theirs])
