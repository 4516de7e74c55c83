"""A round's report in a browser: on a laptop and on a phone it passes axe, is never wider than
the screen (each table scrolls in its own box, which the keyboard reaches), and its PDF and
share link's page are made; the PDF's first pages are kept as pictures for a human to look at."""

import subprocess
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import SCREENSHOTS, assert_accessible, assert_fits_sideways, log_in
from tests.survey_data import answered_round
from workshop.accounts.models import User, Workspace
from workshop.competence import report as reports
from workshop.extensions import db

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SIZES = {"TCH": 9, "WBL": 6, "OFF": 4, "MGT": 5}
UNITS = {
    "TCH": {"Tekniikka ja liikenne": 5, "Sosiaali- ja terveysala": 4},
    "WBL": {"Tekniikka ja liikenne": 6},
}

pytestmark = pytest.mark.browser


@pytest.fixture
def report_round(seed):
    """A facilitator, their workspace and an answered round with one role under k."""
    facilitator = seed.user(name=f"Fiia Facilitator {seed.tag()}")
    space = seed.workspace(facilitator)
    app = seed.app
    with app.app_context():
        team = SimpleNamespace(
            workspace=db.session.get(Workspace, space.id),
            facilitator=db.session.get(User, facilitator.id),
        )
        round_ = answered_round(team, SIZES, units=UNITS, free_text=True)
        share, token = reports.create_share(round_, team.facilitator, "Johtoryhmä")
        db.session.commit()
        url = f"/w/{space.id}/survey/rounds/{round_.id}/report"
    return facilitator, url, token


def no_overflow(page: Page) -> None:
    assert_fits_sideways(page)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_the_report_reads_on_a_laptop_and_a_phone(open_page, report_round, screenshot, viewport):
    facilitator, url, token = report_round
    page = open_page(viewport=viewport)
    log_in(page, facilitator)
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Report")
    expect(page.locator("table.survey-table").first).to_be_visible()
    no_overflow(page)
    screenshot(page, "report")
    assert_accessible(page)
    # A wide table scrolls in its own box, and the keyboard can reach that box.
    box = page.locator(".survey-table__scroll").first
    box.focus()
    expect(box).to_be_focused()
    # One table as the screen shows it, for a human to look at.
    page.locator("#item-A01").scroll_into_view_if_needed()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"survey-report-table-{viewport['width']}.png"))
    page.goto(f"/s/r/{token}")
    expect(page.locator("table.survey-table").first).to_be_visible()
    assert "Toive" not in page.content()
    no_overflow(page)
    screenshot(page, "shared")
    assert_accessible(page)


def test_the_report_pdf_is_made_and_kept_for_a_look(open_page, report_round):
    facilitator, url, _token = report_round
    page = open_page(viewport=LAPTOP)
    log_in(page, facilitator)
    response = page.request.get(url + ".pdf?lang=fi")
    assert response.ok and response.body().startswith(b"%PDF")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / "survey-report.pdf"
    path.write_bytes(response.body())
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "4",
            str(path),
            str(path.with_suffix("")),
        ],
        check=True,
    )
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    assert b"Toive" not in text and b"Opettaja" in text
