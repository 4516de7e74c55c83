"""The facilitator's roster in a browser: a newcomer waits at the door until let in, and a
participant removed from the counts comes back with "Restore"; pages checked with axe."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.test_live import console_button, running_sprint, start_session


def test_the_facilitator_lets_a_newcomer_in_and_removes_and_restores_them(
    open_page, seed, check_page
):
    tag = seed.tag()
    facilitator, sprint_url, _journey = running_sprint(seed, tag)
    laptop = open_page(js=True)
    log_in(laptop, facilitator)
    join_url = start_session(laptop, sprint_url)
    console_button(laptop, "Let each newcomer in myself")
    expect(laptop.locator(".flashes")).to_contain_text("waits until you let them in")

    phone = open_page(js=True, viewport=PHONE, has_touch=True, is_mobile=True)
    phone.goto(join_url)
    phone.get_by_label("Your name as others see it").fill(f"Eija {tag}")
    phone.get_by_label("Employer", exact=True).check()
    phone.get_by_label("Organisation (optional)").fill(f"  acme   oy {tag}")
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_role("heading", name="Waiting to be let in")).to_be_visible()
    check_page(phone, "roster-1-phone-waiting")

    laptop.reload()
    roster = laptop.locator("table.roster")
    expect(roster).to_contain_text("Waiting to be let in")
    expect(laptop.locator(".roster__organisation")).to_contain_text(f"acme oy {tag}")
    check_page(laptop, "roster-2-console")
    console_button(laptop, re.compile(f"^Let in Eija {tag}"))
    expect(laptop.locator(".flashes")).to_contain_text(f"Eija {tag} is in.")

    # The waiting page asks again by itself.
    expect(phone.locator(".live-phone__head")).to_contain_text(f"You: Eija {tag}", timeout=8000)

    laptop.get_by_role("link", name=re.compile(f"^Remove… Eija {tag}")).click()
    laptop.get_by_label("Reason").fill("Joined twice")
    laptop.get_by_role("button", name="Remove").click()
    expect(laptop.locator(".flashes")).to_contain_text("no longer count")
    expect(roster).to_contain_text("Joined twice")
    check_page(laptop, "roster-3-console-removed")
    console_button(laptop, re.compile(f"^Restore Eija {tag}"))
    expect(laptop.locator(".flashes")).to_contain_text(f"Eija {tag} is back")
