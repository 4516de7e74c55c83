"""A sparring session in the room: a sparrer on a phone follows their personal link to the join
page, joins and captures a question, with and without JavaScript, while the scribe's page on a
laptop shows it as it comes; both pages pass axe."""

import re
from datetime import date

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.test_sprints import facilitator_with_journey
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.sparring import room
from workshop.sparring import services as sparring
from workshop.sparring.models import SparrerRole

LAPTOP = {"width": 1366, "height": 768}
# The scribe's page polls every 2 s: a capture shows without a reload (10 s: a loaded CI).
WITHIN = 10_000


def opened_room(seed):
    """A facilitator, a session with one sparrer whose room is open; (facilitator, run page
    address, the sparrer's room link, the sparrer's name)."""
    facilitator, space, _journey = facilitator_with_journey(seed)
    name = f"Eeva Sparrer {seed.tag()}"
    with seed.app.app_context():
        workspace = db.session.get(Workspace, space.id)
        user = db.session.get(User, facilitator.id)
        series = sparring.create_series(workspace, user, "Leadership sparring", "Board", "en")
        sparrer = sparring.add_sparrer(series, name, "Growth Ltd", SparrerRole.GROWTH_COMPANY)
        session = sparring.plan_session(series, user, date(2026, 12, 7))
        session.sparrers.append(sparrer)
        room.open_room(session, user, "Leadership sparring: 7 Dec 2026", ["Open"], date.today())
        db.session.commit()
        run_url = f"/w/{space.id}/sparring/sessions/{session.id}/room"
        return facilitator, run_url, f"/sp/{sparring.sparrer_token(sparrer)}/room", name


def test_a_sparrer_captures_on_a_phone_while_the_scribe_sees_it(open_page, seed, js, check_page):
    facilitator, run_url, link, name = opened_room(seed)
    laptop = open_page(js=True, viewport=LAPTOP)
    log_in(laptop, facilitator)
    laptop.goto(run_url)
    expect(laptop.get_by_role("heading", name="Running the session")).to_be_visible()
    laptop.get_by_role("button", name="Start Open commitments").click()
    expect(laptop.locator(".sparring-agenda__current")).to_contain_text("Open commitments")
    expect(laptop.locator(".timer__value")).to_have_text(re.compile(r"^\d+:\d\d$"))
    check_page(laptop, "1-scribe")

    phone: Page = open_page(js=js, viewport=PHONE)
    phone.goto(link)
    phone.get_by_label("Your name as others see it").fill(name)
    phone.get_by_label("Employer", exact=True).check()
    phone.get_by_label("Organisation (optional)").fill("Growth Ltd")
    phone.get_by_role("button", name="Join").click()
    form = phone.locator("#capture-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Organisation")).to_have_value("Growth Ltd")
    check_page(phone, "2-phone")

    form.get_by_label("Question", exact=True).check()
    form.get_by_label("What was said").fill("Why are there no summer placements?")
    form.get_by_label("May be quoted").check()
    form.get_by_role("button", name="Send").click()
    expect(phone.locator("#capture-said")).to_contain_text("Thank you: your entry is in.")
    expect(phone.locator("#capture-form").get_by_label("What was said")).to_have_value("")
    check_page(phone, "3-phone-sent")

    captured = laptop.locator("#room-captures")
    expect(captured).to_contain_text("Why are there no summer placements?", timeout=WITHIN)
    expect(captured).to_contain_text("Growth company")
    check_page(laptop, "4-scribe-captured")

    with laptop.context.expect_page() as opened:
        laptop.get_by_role("link", name="Open the projector view").click()
    projector = opened.value
    projector.wait_for_load_state()
    shown = projector.locator(".sparring-projector")
    expect(shown).to_contain_text("Why are there no summer placements?")
    expect(shown).to_contain_text("Growth company · Growth Ltd")
    expect(shown).not_to_contain_text(name)
    check_page(projector, "5-projector")
