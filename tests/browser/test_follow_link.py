"""An external witness opens their follow-up link on a 390×844 phone, with and without
JavaScript: reads the commitment's progress, comments and confirms; the page passes axe and
fits the screen."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, assert_accessible, assert_fits_sideways
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.followup import links
from workshop.followup import services as followup
from workshop.followup.models import LinkRole


@pytest.fixture
def witness_token(live_server, seed):
    owner = seed.user(name="Fiia Fasilitaattori")
    space = seed.workspace(owner)
    with live_server.app.test_request_context():
        made = followup.create_follow_up(
            db.session.get(Workspace, space.id),
            db.session.get(User, owner.id),
            "Työpaikkaohjaajien perehdytys kuntoon",
            date(2027, 2, 1),
            date(2027, 6, 30),
            owner_name="Rehtori Riikka",
        )
        link = links.create_link(made, LinkRole.WITNESS, "Eeva Esimerkki", "Kasvu Oy")
        db.session.commit()
        return links.link_token(link)


@pytest.mark.browser
def test_the_witness_reads_comments_and_confirms_on_a_phone(
    open_page, js, witness_token, screenshot
):
    page: Page = open_page(js=js, viewport=PHONE)
    # axe runs in a page with JavaScript on, given the JS-off page's HTML (see conftest).
    inspector = None if js else open_page(js=True, viewport=PHONE)
    page.goto(f"/f/{witness_token}")
    expect(page.locator("h1")).to_have_text("Työpaikkaohjaajien perehdytys kuntoon")
    assert_fits_sideways(page)
    assert_accessible(page, inspector)
    screenshot(page, "witness-link")
    page.get_by_label("Your comment").fill("Näin ensimmäiset perehdytykset.")
    page.get_by_role("button", name="Send the comment").click()
    expect(page.get_by_text("Thank you: comment saved.")).to_be_visible()
    expect(page.get_by_text("Näin ensimmäiset perehdytykset.")).to_be_visible()
    page.get_by_role("button", name="Confirm the progress").click()
    expect(page.get_by_text("Thank you: confirmed.")).to_be_visible()
    expect(page.locator("#check-in-witness .status--done")).to_be_visible()
    assert_accessible(page, inspector)
