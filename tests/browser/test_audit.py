"""The audit log in a browser: axe on a laptop and a phone, the filter with and without htmx."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, assert_fits_sideways, log_in
from workshop.accounts.models import User
from workshop.extensions import db

LAPTOP = {"width": 1366, "height": 768}


@pytest.fixture
def admin(seed):
    """An administrator with a workspace, so the log has a sign-in and a few creations."""
    person = seed.user()
    with seed.app.app_context():
        db.session.get(User, person.id).is_admin = True
        db.session.commit()
    seed.workspace(person)
    return person


@pytest.mark.parametrize("size", [LAPTOP, PHONE], ids=["1366", "390"])
def test_the_log_filters_and_passes_axe(open_page, js, admin, check_page, size):
    page = open_page(js=js, viewport=size)
    log_in(page, admin)
    page.goto("/admin")
    page.get_by_role("link", name="Read the audit log").click()
    expect(page.get_by_role("heading", name="Audit log", level=1)).to_be_visible()
    check_page(page, "log")
    assert_fits_sideways(page)
    page.get_by_label("Action").select_option(label="signed in")
    page.get_by_role("button", name="Show", exact=True).click()
    expect(page).to_have_url(re.compile(r"action=sign_in"))
    rows = page.locator("table.audit-log tbody tr")
    expect(rows.first).to_contain_text("signed in")
    expect(rows.first).to_contain_text(admin.name)
    # A date field takes no word in a browser; an address can carry one.
    page.goto("/admin/audit/?since=eilen&action=sign_in")
    expect(page.get_by_text("Give a date as YYYY-MM-DD")).to_be_visible()
    check_page(page, "bad-date")
