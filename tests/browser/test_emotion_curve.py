"""The emotion curve on the board, on every screen a workshop uses: one line per perspective,
the step names under the axis, and the page itself never wider than the screen."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_fits_sideways, log_in
from tests.browser.test_sprints import facilitator_with_journey
from tests.browser.test_start_workshop import SCREENS
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey, Step

# The first steps' scores (student, employer); the third is not scored at all.
SCORES = [(-2, 1), (1, None), (None, None), (2, -1)]


def score_first_steps(app, journey) -> list[str]:
    """Score the first steps of the board's reading order; their titles."""
    with app.app_context():
        steps = journeys.load_board(db.session.get(Journey, journey.id)).steps
        for step, (student, employer) in zip(steps, SCORES, strict=False):
            row = db.session.get(Step, step.id)
            row.emotion_student, row.emotion_employer = student, employer
        db.session.commit()
        return [step.title for step in steps]


@pytest.mark.parametrize("screen", SCREENS, ids=list(SCREENS))
def test_the_curve_names_its_steps_and_the_page_fits_the_screen(
    open_page, seed, screen, screenshot
):
    facilitator, space, journey = facilitator_with_journey(seed)
    titles = score_first_steps(seed.app, journey)
    page: Page = open_page(js=True, viewport=SCREENS[screen])
    log_in(page, facilitator)
    page.goto(journey.url)
    chart = page.locator("svg.emotion-curve__chart")
    chart.scroll_into_view_if_needed()
    expect(chart.locator("polyline.curve--student")).to_have_count(1)
    expect(chart.locator("polyline.curve--employer")).to_have_count(1)
    labels = chart.locator("g.step-labels text")
    expect(labels).to_have_count(len(titles))
    assert labels.first.text_content().replace("-", "").startswith(titles[0].split()[0])
    expect(labels.nth(2)).to_have_class("unscored")
    # The chart scrolls in its own region; the page does not scroll sideways.
    assert_fits_sideways(page)
    page.locator(".emotion-curve").screenshot(
        path=str(screenshot(page, "board").with_name(f"emotion-curve-{screen}.png"))
    )
