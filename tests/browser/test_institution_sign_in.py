"""Institution sign-in in a browser: the login page's button, the provider's own page (a real
OpenID provider on 127.0.0.1), and back to Polku signed in; then a refusal, in the same way.
Password reset links: an administrator makes one, the person sets a new password with it."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.oidc_provider import PROVIDER_WARNINGS, running_provider
from workshop.accounts import reset
from workshop.accounts.models import Role, User
from workshop.extensions import db

pytestmark = PROVIDER_WARNINGS

SETTINGS = ("OIDC_DISCOVERY_URL", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_LABEL")


@pytest.fixture
def provider(live_server):
    """A provider the live server signs in through, for this test only."""
    config = live_server.app.config
    with running_provider() as running:
        config.update(
            OIDC_DISCOVERY_URL=running.discovery_url,
            OIDC_CLIENT_ID="polku",
            OIDC_CLIENT_SECRET="polku-secret",
            OIDC_LABEL="MPASSid",
        )
        try:
            yield running
        finally:
            config.update(dict.fromkeys(SETTINGS))


def test_a_member_signs_in_with_the_institution_and_a_stranger_is_refused(
    page, seed, provider, check_page
):
    member = seed.user(name="Mervi Mpass")
    provider.set_user("mervi-1", email=member.email.upper(), email_verified=True)

    page.goto("/login")
    check_page(page, "1-login")
    page.get_by_role("link", name="Sign in with MPASSid").click()
    expect(page.get_by_role("heading", name="Authorize Client")).to_be_visible()
    page.get_by_placeholder("sub").fill("mervi-1")
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator(".user-name")).to_have_text(member.name)
    check_page(page, "2-signed-in")

    page.locator(".site-header").get_by_role("button", name="Log out").click()
    provider.set_user("outsider", email="outsider@elsewhere.example", email_verified=True)
    page.get_by_role("link", name="Sign in with MPASSid").click()
    page.get_by_placeholder("sub").fill("outsider")
    page.get_by_role("button", name="Authorize").click()
    expect(page.locator(".form-errors")).to_contain_text("Ask a facilitator of your workspace")
    expect(page.locator(".user-name")).to_have_count(0)
    check_page(page, "3-refused")


def test_an_invited_person_joins_through_the_institution(js_page, seed, provider, check_page):
    facilitator = seed.user(name="Fiia Fasilitaattori")
    space = seed.workspace(facilitator, name="Kasvupolku")
    token = seed.invitation(space, Role.PARTICIPANT, facilitator)
    email = f"uusi-{seed.tag()}@example.fi"
    provider.set_user(email, email=email, email_verified=True, name="Uuno Uusi")
    page = js_page

    page.goto(f"/invite/{token}")
    check_page(page, "1-invitation")
    page.get_by_role("link", name="Sign in with MPASSid").click()
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()

    expect(page).to_have_url(re.compile(rf"/w/{space.id}/$"))
    expect(page.locator(".user-name")).to_have_text("Uuno Uusi")
    check_page(page, "2-joined")


def test_an_administrator_makes_a_reset_link_and_the_person_uses_it(
    js_page, seed, live_server, check_page, open_page
):
    admin = seed.user(name="Aapo Admin")
    with live_server.app.app_context():
        db.session.get(User, admin.id).is_admin = True
        db.session.commit()
    person = seed.user(name="Unohtaja")
    page = js_page
    log_in(page, admin)
    page.goto("/admin")
    page.get_by_role("link", name="Password reset links").click()
    page.get_by_label("E-mail of the account").fill(person.email)
    page.get_by_role("button", name="Make a password reset link").click()
    link = page.locator("#new-password-link").input_value()
    check_page(page, "1-link-made")

    other = open_page(js=False)
    other.goto(link)
    check_page(other, "2-set-password")
    other.get_by_label("Password", exact=True).fill("uusi salasana joka toimii")
    other.get_by_label("Password again").fill("uusi salasana joka toimii")
    other.get_by_role("button", name="Save the new password").click()
    expect(other.locator(".user-name")).to_have_text(person.name)
    other.goto(link)
    expect(other.get_by_role("heading", level=1)).to_have_text("This password link does not work")
    check_page(other, "3-used")
    with live_server.app.app_context():
        assert reset.open_links() == [] or all(r.user_id != person.id for r in reset.open_links())
