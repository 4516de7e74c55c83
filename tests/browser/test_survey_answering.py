"""A staff member answers the whole competence survey on a 390×844 phone, with and without
JavaScript, one item by keyboard alone; every page passes axe and fits the screen."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_sideways
from workshop.accounts.models import User, Workspace
from workshop.competence import services as survey
from workshop.competence.services import local_today
from workshop.extensions import db

DESKTOP_WIDE = {"width": 1366, "height": 768}


@pytest.fixture
def survey_round(live_server, seed):
    """An open round for teachers and office staff in two units, asking free text."""
    owner = seed.user()
    space = seed.workspace(owner)
    with live_server.app.app_context():
        today = local_today()
        round_, token = survey.open_round(
            db.session.get(Workspace, space.id),
            db.session.get(User, owner.id),
            name="Osaamiskysely syksy 2026",
            opens_on=today - timedelta(days=1),
            closes_on=today + timedelta(days=14),
            roles=["TCH", "OFF"],
            units=["Tekniikka", "Palvelut"],
            free_text=True,
        )
        db.session.commit()
        return token, round_.id


def answer_by_keyboard(page: Page) -> str:
    """Tab to the first statement's scale, pick 3 with the arrow keys, tick coaching with
    Space; returns the item's field name."""
    page.locator("h1").click()
    for _ in range(60):
        page.keyboard.press("Tab")
        name = page.evaluate("document.activeElement.name || ''")
        if name.startswith("a"):
            break
    else:
        pytest.fail("Tab never reached the first statement's answers")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    checked = page.evaluate("document.activeElement.value")
    assert checked == "3"
    # Past the other choices of the same group, Tab lands on "I'd like coaching".
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "checkbox"
    page.keyboard.press("Space")
    return name


def answer_the_rest(page: Page, value: str) -> None:
    items = page.locator("fieldset.survey-item")
    for n in range(items.count()):
        item = items.nth(n)
        if item.locator("input[type=radio]:checked").count():
            continue
        item.locator(f"input[type=radio][value='{value}']").check()


def test_a_phone_answers_the_whole_survey_and_sees_its_own_report(
    open_page, survey_round, js, check_page, screenshot
):
    token, round_id = survey_round
    phone = open_page(js=js, viewport=PHONE, has_touch=js, is_mobile=js)
    phone.goto(f"/s/{token}")
    expect(phone.locator("h1")).to_have_text("Osaamiskysely syksy 2026")
    check_page(phone, "1-start")
    phone.get_by_label("Teacher").check()
    phone.get_by_label("Tekniikka").check()
    phone.get_by_role("button", name="Start").click()

    expect(phone.locator("h1")).to_contain_text("Common basic competence")
    assert_fits_sideways(phone)
    name = answer_by_keyboard(phone)
    first = phone.locator("fieldset.survey-item").first
    if js:
        # Saved at once: reloading (a dropped connection, a closed tab) loses nothing.
        expect(first.locator(".survey-item__status")).to_have_text("Saved.")
        # The tick is a second save, queued behind the answer's (data-hx-sync): let it land.
        phone.wait_for_load_state("networkidle")
        phone.reload()
        expect(phone.locator(f"input[name={name}][value='3']")).to_be_checked()
        expect(first.locator("input[type=checkbox]")).to_be_checked()
    check_page(phone, "2-level-A")
    answer_the_rest(phone, "4")
    if js:
        last = phone.locator("fieldset.survey-item").last
        expect(last.locator(".survey-item__status")).to_have_text("Saved.")
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.locator("h1")).to_contain_text("Smooth transitions")
    answer_the_rest(phone, "2")
    check_page(phone, "3-level-B")
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.locator("h1")).to_contain_text("Extended customer competence")
    # Items of other roles: shown, and "Not part of my role" is offered as a fine answer.
    expect(phone.locator(".survey-item__hint").first).to_contain_text(
        "Not necessarily part of your role"
    )
    answer_the_rest(phone, "na")
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.locator("h1")).to_have_text("Your words")
    phone.get_by_label("Anything else about your competence").fill("Näytöistä haluan lisää.")
    check_page(phone, "4-text")
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.locator("h1")).to_have_text("Check and send")
    expect(phone.locator("main")).to_contain_text("24 of 24 statements answered.")
    check_page(phone, "5-review")
    assert_fits_sideways(phone)
    if js:
        phone.set_viewport_size(DESKTOP_WIDE)
        phone.goto(f"/s/r/{round_id}/level/A")
        screenshot(phone, "desktop-level-A")
        phone.goto(f"/s/r/{round_id}/review")
        phone.set_viewport_size(PHONE)
    phone.get_by_role("button", name="Send my answers").click()

    expect(phone.locator("h1")).to_have_text("Your own report")
    rows = phone.locator(".survey-profile tbody tr")
    # A: one 3 (by keyboard) and seven 4s.
    expect(rows.nth(0)).to_contain_text("3.9")
    expect(rows.nth(1)).to_contain_text("2.0")
    expect(phone.locator("main")).to_contain_text("You asked for coaching on")
    check_page(phone, "6-report")
    assert_fits_sideways(phone)

    phone.get_by_label("Supervisor's name").fill("Sari Esihenkilö")
    phone.get_by_role("button", name="Make a share link").click()
    link = phone.locator(".survey-share__url a")
    expect(link).to_be_visible()
    shared_url = link.get_attribute("href")
    check_page(phone, "7-shared")
    if js:
        phone.set_viewport_size(DESKTOP_WIDE)
        screenshot(phone, "desktop-report")
        phone.set_viewport_size(PHONE)

    # The supervisor reads a print document (no htmx on it), on a phone too.
    supervisor = open_page(js=True, viewport=PHONE)
    supervisor.goto(shared_url)
    expect(supervisor.locator("main")).to_contain_text("Sari Esihenkilö")
    screenshot(supervisor, "8-supervisor")
    assert_accessible(supervisor)
    assert_fits_sideways(supervisor)

    phone.get_by_role("button", name="Withdraw the link").click()
    expect(phone.locator(".survey-shares")).to_have_count(0)
    gone = supervisor.goto(shared_url)
    assert gone is not None and gone.status == 410


def test_the_own_report_in_finnish_fits_a_phone(open_page, survey_round):
    """The profile table's long Finnish headers ("Ei kuulu tehtäviini") do not widen the page,
    for the respondent nor for the supervisor it is shared with."""
    token, _round_id = survey_round
    phone = open_page(js=False, viewport=PHONE, locale="fi-FI")
    phone.goto(f"/s/{token}")
    phone.locator("input[name=role]").first.check()
    phone.locator("input[name=unit]").first.check()
    phone.locator("form.survey-about button[type=submit]").click()
    while "/level/" in phone.url:
        answer_the_rest(phone, "3")
        phone.locator("button[value=next]").click()
    phone.locator("button[value=next]").click()  # no words
    phone.locator("form[action$='/submit'] button").click()
    expect(phone.locator("h1")).to_have_text("Oma raporttisi")
    assert_fits_sideways(phone)

    phone.get_by_label("Esihenkilön nimi").fill("Sari Esihenkilö")
    phone.locator("form[action$='/share'] button").click()
    shared_url = phone.locator(".survey-share__url a").get_attribute("href")
    supervisor = open_page(js=False, viewport=PHONE, locale="fi-FI")
    supervisor.goto(shared_url)
    expect(supervisor.locator("main")).to_contain_text("Sari Esihenkilö")
    assert_fits_sideways(supervisor)
