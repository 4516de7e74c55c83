"""The accessibility statement and About, reached from any page's footer by keyboard, in every
language, on a 390×844 phone and a 1366×768 laptop: axe finds nothing, nothing scrolls sideways;
an administrator writes the statement and sees it published."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, Person, assert_fits_sideways, log_in
from tests.conftest import PASSWORD
from workshop.accounts import services
from workshop.extensions import db

LAPTOP = {"width": 1366, "height": 768}
HEADINGS = {
    "fi": ("Saavutettavuusseloste", "Tietoa Polku-palvelusta"),
    "sv": ("Tillgänglighetsutlåtande", "Om Polku"),
    "en": ("Accessibility statement", "About Polku"),
}


@pytest.fixture
def admin(live_server) -> Person:
    email = f"admin-{uuid.uuid4().hex[:10]}@example.fi"
    with live_server.app.app_context():
        user = services.create_user(email, "Ylläpitäjä Ylva", PASSWORD, "en", True)
        db.session.commit()
        return Person(id=user.id, email=email, name="Ylläpitäjä Ylva")


def _follow_footer_link(page: Page, name: str) -> None:
    """Tab to the footer's link and press Enter: the keyboard's way there."""
    link = page.locator(".site-footer__links").get_by_role("link", name=name)
    link.focus()
    expect(link).to_be_focused()
    page.keyboard.press("Enter")


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1366x768"])
def test_a_visitor_reaches_the_statement_and_about_from_the_footer(
    open_page, check_page, language, viewport
):
    page = open_page(js=True, viewport=viewport, locale=language)
    page.goto("/login")
    statement, about = HEADINGS[language]
    _follow_footer_link(page, statement)
    expect(page).to_have_url(re.compile(r"/accessibility$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(statement)
    expect(page.get_by_role("link", name="saavutettavuus@traficom.fi")).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, f"statement-{language}")
    _follow_footer_link(page, re.compile(f"^{about}"))
    expect(page).to_have_url(re.compile(r"/about$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(about)
    expect(page.get_by_text("AGPL-3.0-or-later")).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, f"about-{language}")
    page.locator('a[href="/license"]').click()
    expect(page.get_by_text("GNU AFFERO GENERAL PUBLIC LICENSE")).to_be_visible()


@pytest.mark.browser
@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1366x768"])
def test_an_administrator_writes_the_statement(open_page, check_page, admin, viewport):
    page = open_page(js=True, viewport=viewport)
    log_in(page, admin)
    page.goto("/admin")
    page.get_by_role("link", name="Edit the accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit the accessibility statement")
    check_page(page, "edit-form")
    page.get_by_label("Organisation (English)").fill("Example College")
    page.get_by_label("Feedback e-mail").fill("not an address")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#feedback_email-error")).to_contain_text("Enter an e-mail address")
    assert_fits_sideways(page)
    check_page(page, "edit-form-error")
    page.get_by_label("Feedback e-mail").fill("accessibility@example.fi")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/accessibility$"))
    expect(page.get_by_text("Accessibility statement saved.")).to_be_visible()
    expect(page.get_by_text("The service is provided by Example College.")).to_be_visible()
    expect(page.get_by_role("link", name="accessibility@example.fi")).to_be_visible()
    check_page(page, "statement-edited")
