"""Planning a sparring session in a browser, by keyboard, with and without JavaScript, on a
laptop and on a phone: the series' page, the session form (agreement, partners, questions, a
too short list of questions kept as typed), the agenda, and the partner's own page.

Every page on the way passes axe (check_page) and leaves a screenshot.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import js_enabled, log_in
from workshop import clock
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.sparring import services as sparring
from workshop.sparring.models import SparrerRole

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}


def press(page: Page, locator, key: str = "Enter") -> None:
    """Reach a control with the keyboard's focus and press a key on it."""
    # Not while htmx is still swapping the last answer in: the control focused now would be
    # replaced, and the focus lost with it (a loaded CI run lost it after "Move up").
    page.wait_for_function(
        "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"
    )
    locator.focus()
    expect(locator).to_be_focused()
    page.keyboard.press(key)


def type_into(page: Page, locator, text: str) -> None:
    """Type into a field by keyboard, once the page has loaded, and check it holds the text.

    On a loaded CI machine a keystroke sent while the page still settled went nowhere (the
    field read "K" for "Kahvi"); typing again is what a person does, and the check stays.
    """
    page.wait_for_load_state("load")
    for _attempt in range(2):
        locator.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type(text)
        if locator.input_value() == text:
            break
    expect(locator).to_have_value(text)


def a_series(app, space, lead) -> tuple[int, str]:
    """A series with two partners; its id and the first partner's link path."""
    with app.app_context():
        series = sparring.create_series(
            db.session.get(Workspace, space.id),
            db.session.get(User, lead.id),
            "Johtoryhmän sparraus",
            "Johtoryhmä",
            "en",
        )
        eeva = sparring.add_sparrer(series, "Eeva Virtanen", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
        sparring.add_sparrer(series, "Jari Koskinen", "Kivijalka Oy", SparrerRole.EMPLOYER)
        db.session.commit()
        return series.id, "/sp/" + sparring.sparrer_token(eeva)


@pytest.mark.parametrize("size", ["laptop", "phone"])
def test_plan_a_session_by_keyboard(open_page, js, seed, live_server, check_page, size):
    page = open_page(js=js, viewport=LAPTOP if size == "laptop" else PHONE)
    lead = seed.user("Fiia Fasilitaattori")
    space = seed.workspace(lead)
    _series_id, sparrer_path = a_series(live_server.app, space, lead)
    log_in(page, lead)
    page.goto(space.path)
    press(page, page.get_by_role("link", name="Sparring", exact=True))
    expect(page.get_by_role("heading", name="Sparring")).to_be_visible()
    check_page(page, "sparring")
    press(page, page.get_by_role("link", name="Johtoryhmän sparraus"))
    expect(page.locator("#sparrers-title")).to_be_visible()
    expect(page.locator("input.copy-field").first).to_have_value(
        re.compile(r"/sp/[A-Za-z0-9_-]{20,}$")
    )
    check_page(page, "series")

    press(page, page.get_by_role("link", name="Plan a session"))
    expect(page.get_by_role("heading", name="Plan a session")).to_be_visible()
    expect(page.get_by_label("Date")).to_be_focused()
    with live_server.app.app_context():
        held_on = clock.today() + timedelta(days=21)
    # A date input's segments follow the browser's locale; fill() sets the date itself.
    page.get_by_label("Date").fill(held_on.isoformat())
    type_into(page, page.get_by_label("Place"), "Verstas")
    type_into(page, page.get_by_label("Themes"), "Oppisopimuksen alku")
    type_into(page, page.get_by_label("Who decides on actions"), "Rehtori")
    press(page, page.get_by_role("checkbox", name="Eeva Virtanen, Kasvu Oy"), " ")
    press(page, page.get_by_role("checkbox", name="Jari Koskinen, Kivijalka Oy"), " ")
    # Two questions are too few: refused, and everything typed stays.
    type_into(page, page.get_by_label("The host's questions"), "Miksi?")
    page.keyboard.press("Enter")
    page.keyboard.type("Mitä?")
    press(page, page.get_by_role("button", name="Plan the session"))
    expect(page.get_by_text("Write 3 to 5 questions, one per line")).to_be_visible()
    expect(page.get_by_label("Themes")).to_have_value("Oppisopimuksen alku")
    expect(page.get_by_role("checkbox", name="Eeva Virtanen, Kasvu Oy")).to_be_checked()
    check_page(page, "session-refused")
    questions = page.get_by_label("The host's questions")
    questions.focus()
    page.keyboard.press("Control+End")
    page.keyboard.press("Enter")
    page.keyboard.type("Mistä luovumme?")
    press(page, page.get_by_role("button", name="Plan the session"))

    expect(page.get_by_text("Session planned.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Sparring session"))).to_be_visible()
    expect(page.locator(".host-questions li")).to_have_count(3)
    agenda = page.locator(".agenda__item")
    expect(agenda.first).to_contain_text("Open commitments")
    expect(agenda.first).to_contain_text("No open commitments from earlier sessions.")
    check_page(page, "session")

    press(page, page.get_by_role("button", name="Move up What growth companies want"))
    expect(agenda.nth(2)).to_contain_text("What growth companies want")
    press(page, page.get_by_role("button", name="Remove The host's evidence"))
    expect(page.get_by_text("Part removed from the agenda.")).to_be_visible()
    expect(agenda).to_have_count(5)
    type_into(page, page.get_by_label("Title", exact=True).last, "Kahvi")
    type_into(page, page.get_by_label("Minutes").last, "15")
    press(page, page.get_by_role("button", name="Add", exact=True))
    expect(page.get_by_text("Part added to the agenda.")).to_be_visible()
    expect(agenda.last).to_contain_text("Kahvi")
    expect(agenda.first).to_contain_text("Open commitments")
    check_page(page, "agenda")

    partner = open_page(js=js, viewport=PHONE)
    partner.goto(sparrer_path)
    expect(partner.get_by_role("heading", name=re.compile("Next session"))).to_be_visible()
    expect(partner.get_by_text("Mistä luovumme?")).to_be_visible()
    check_page(partner, "sparrer")


def test_a_revoked_partner_link_is_a_page_that_says_so(page, seed, live_server, check_page):
    lead = seed.user("Fiia Fasilitaattori")
    space = seed.workspace(lead)
    series_id, sparrer_path = a_series(live_server.app, space, lead)
    log_in(page, lead)
    page.goto(f"/w/{space.id}/sparring/series/{series_id}")
    if js_enabled(page):
        page.once("dialog", lambda dialog: dialog.accept())
    press(page, page.get_by_role("button", name="Revoke the link Eeva Virtanen"))
    if not js_enabled(page):
        expect(
            page.get_by_role("heading", name="Revoke the personal link of Eeva Virtanen?")
        ).to_be_visible()
        check_page(page, "revoke-asks")
        press(page, page.get_by_role("button", name="Revoke the link"))
    expect(page.get_by_text("The link of Eeva Virtanen was revoked.")).to_be_visible()
    page.goto(sparrer_path)
    expect(page.get_by_text("This sparring link is not valid, or it was revoked.")).to_be_visible()
    check_page(page, "revoked")
