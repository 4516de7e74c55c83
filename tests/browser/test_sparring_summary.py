"""The sparring summary in a browser: the members' page with its feedback form, and the
summary behind a share link on a phone, with and without JavaScript, passing axe."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, assert_fits_sideways, log_in
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.followup import services as followup
from workshop.sparring import services as sparring
from workshop.sparring import summary
from workshop.sparring.models import AuthorRole, Capture, CaptureType, Commitment, SparrerRole

pytestmark = pytest.mark.browser


def _held_session(app, owner, space) -> tuple[int, str]:
    """A held session with entries and a commitment; its id and a share link's path."""
    with app.app_context(), app.test_request_context():
        user, workspace = db.session.get(User, owner.id), db.session.get(Workspace, space.id)
        series = sparring.create_series(workspace, user, "Johtoryhmän sparraus", "Johtoryhmä", "fi")
        matti = sparring.add_sparrer(
            series, "Matti Meikäläinen", "Rakennus Oy", SparrerRole.EMPLOYER
        )
        session = sparring.plan_session(series, user, date(2027, 2, 1))
        session.sparrers = [matti]
        session.captures = [
            Capture(
                type=CaptureType.QUESTION,
                text="Kuka vastaa arvioinnista?",
                quotable=True,
                author_role=AuthorRole.EMPLOYER,
                organisation="Rakennus Oy",
                sparrer=matti,
            ),
            Capture(
                type=CaptureType.OBSERVATION,
                text="Ei lainattava havainto",
                quotable=False,
                author_role=AuthorRole.EMPLOYER,
                organisation="Rakennus Oy",
                sparrer=matti,
            ),
        ]
        follow_up = followup.create_follow_up(
            workspace, user, "Yksi yhteysnumero", session.held_on, owner_user=user
        )
        session.commitments = [
            Commitment(
                position=0,
                follow_up=follow_up,
                first_when="kevät alkaa",
                first_then="avaamme numeron",
                witness=matti,
            )
        ]
        db.session.flush()
        _share, token = summary.create_share(session, user)
        db.session.commit()
        return session.id, f"/sp/summary/{token}"


def test_the_summary_page_takes_the_oral_feedback(seed, live_server, js_page, screenshot):
    # A printable document: no htmx on it (export/print_base.html), so axe and a picture.
    owner = seed.user("Fiia Fasilitaattori")
    space = seed.workspace(owner)
    session_id, _shared = _held_session(live_server.app, owner, space)
    log_in(js_page, owner)
    js_page.goto(f"/w/{space.id}/sparring/sessions/{session_id}/summary")
    screenshot(js_page, "summary")
    assert_accessible(js_page)
    js_page.get_by_role("textbox", name="Sparraajien suullinen palaute").fill("Rohkea johtoryhmä.")
    js_page.get_by_role("button", name="Tallenna palaute").click()
    expect(js_page.locator("#oral-title + p")).to_have_text("Rohkea johtoryhmä.")
    screenshot(js_page, "feedback-saved")
    assert_accessible(js_page)


def test_a_shared_summary_fits_a_phone_without_names(seed, live_server, open_page, js, screenshot):
    owner = seed.user("Fiia Fasilitaattori")
    space = seed.workspace(owner)
    _session_id, shared = _held_session(live_server.app, owner, space)
    page = open_page(js=js, viewport={"width": 390, "height": 844})
    page.goto(shared)
    expect(page.locator("h1")).to_have_text("Johtoryhmän sparraus")
    body = page.locator("body").inner_text()
    assert "Matti" not in body and "Ei lainattava havainto" not in body
    assert re.search(r"Työnantaja, Rakennus Oy", body)
    assert_fits_sideways(page)
    screenshot(page, "shared-phone")
    if js:
        assert_accessible(page)


def test_the_owner_writes_you_said_we_did(seed, live_server, page, check_page):
    from workshop.sparring.models import SparringSession

    owner = seed.user("Fiia Fasilitaattori")
    space = seed.workspace(owner)
    session_id, _shared = _held_session(live_server.app, owner, space)
    with live_server.app.app_context():
        commitment = db.session.get(SparringSession, session_id).commitments[0]
        commitment.follow_up.status = "done"
        commitment.answers = list(commitment.session.captures)
        commitment_id = commitment.id
        db.session.commit()
    log_in(page, owner)
    page.goto(f"/w/{space.id}/sparring/commitments/{commitment_id}/said-did")
    check_page(page, "form")
    page.get_by_label("What we did").fill("We opened one number for all workplaces.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_label("What we did")).to_have_value(
        "We opened one number for all workplaces."
    )
    check_page(page, "saved")
