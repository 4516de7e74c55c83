"""The emotion curve on the board and in the sprint's PDF: one line per perspective that an
unscored step does not break, that step marked, and every step named on the axis."""

import re

import pytest

from tests.conftest import page
from tests.integration.test_sprints import pdf_info, pdf_text, running_sprint
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.emotion import MARGIN_LEFT, STEP_WIDTH
from workshop.sprints import services as sprints
from workshop.sprints.summary import _map_pages

# Scores of the first six steps (student, employer); the steps after them have none.
SCORES = [(2, -1), (None, 0), (-2, None), (None, None), (1, 1), (0, None)]


@pytest.fixture
def team(make_team):
    return make_team("Fiia Fasilitaattori", "Opisto")


@pytest.fixture
def journey(team, make_journey):
    made = make_journey(team, "Oppisopimuspolku", "fi")
    board = journeys.load_board(made)
    for step, (student, employer) in zip(board.steps, SCORES, strict=False):
        change = journeys.StepChange(
            step.title, step.description, step.channel, step.stage_id, step.lane_id, student,
            employer,
        )  # fmt: skip
        journeys.update_step(made, team.facilitator, step, step.version, change)
    db.session.commit()
    return made


def label(text_element) -> str:
    """A step's name as the axis prints it, its lines joined (a broken word made whole)."""
    lines = [tspan.get_text() for tspan in text_element.select("tspan")]
    if not lines:
        lines = [text_element.find(string=True, recursive=False)]
    return re.sub(r"-\s", "", " ".join(lines))


def test_the_board_draws_one_line_per_perspective_past_the_unscored_steps(
    client, login, team, journey
):
    login(team.observer)
    board = page(client.get(f"/w/{team.workspace.id}/journeys/{journey.id}/"))
    chart = board.select_one("svg.emotion-curve__chart")
    steps = journeys.load_board(journey).steps

    def x_of(n: int) -> float:
        return MARGIN_LEFT + n * STEP_WIDTH + STEP_WIDTH / 2

    for who, scored in (("student", [0, 2, 4, 5]), ("employer", [0, 1, 4])):
        (line,) = chart.select(f"polyline.curve--{who}")  # one line, not broken in pieces
        xs = [float(pair.split(",")[0]) for pair in line["points"].split()]
        assert xs == [x_of(n) for n in scored]

    # A tick under each scored step, a hollow circle under each of the others.
    hollow = chart.select_one("path.axis-step__hollow")["d"]
    unscored = [n for n in range(len(steps)) if n not in (0, 4)]
    assert [float(x) for x in re.findall(r"M([\d.]+),", hollow)] == [
        x_of(n) - 3.5 for n in unscored
    ]
    ticks = chart.select_one("path.axis-step__tick")["d"]
    assert [float(x) for x in re.findall(r"M([\d.]+),", ticks)] == [x_of(0), x_of(4)]
    assert f"{len(unscored)} steps are not fully scored" in chart.desc.get_text()

    # Every step is named on the axis; a shortened name carries the full one in its title.
    labels = chart.select("g.step-labels text")
    assert len(labels) == len(steps)
    for step, text in zip(steps, labels, strict=True):
        printed = label(text)
        assert step.title.startswith(printed.removesuffix("…"))
        assert (text.title is not None) == printed.endswith("…")
        if text.title:
            assert text.title.get_text() == step.title
    assert labels[3].get("class") == ["unscored"]
    assert labels[1].get("class") is None  # the employer scored it

    # The table keeps the same numbers, and says what is not scored.
    rows = board.select(".emotion-table tbody tr")
    assert [td.get_text() for td in rows[3].select("td")][1:] == ["not scored", "not scored"]
    assert [td.get_text() for td in rows[0].select("td")][1:] == [
        "+2 very positive",
        "−1 negative",
    ]


def test_the_pdf_names_the_steps_on_the_curves_axis(client, login, team, journey):
    sprint = running_sprint(team, journey)
    login(team.facilitator)
    response = client.get(f"/w/{team.workspace.id}/sprints/{sprint.id}/summary.pdf?lang=en")
    assert response.status_code == 200
    pages = int(re.search(r"Pages:\s+(\d+)", pdf_info(response.data)).group(1))
    curve_pages = [
        n
        for n in range(1, pages + 1)
        if "Emotion curve: Oppisopimuspolku" in pdf_text(response.data, n)[:200]
    ]
    text = " ".join(pdf_text(response.data, n) for n in curve_pages)
    assert "not scored" in text and "named under the axis" in text
    # Each step's name as the axis prints it: wrapped in lines, shortened where it must be.
    document = sprints.document_of(sprint)
    printed = [step for part in _map_pages(document.journeys[0]) for step in part.curve.steps]
    assert len(printed) == len(journeys.load_board(journey).steps)
    assert all(step.lines for step in printed)
    assert any(not step.shortened for step in printed)
    for step in printed:
        assert " ".join(step.lines) in text, step.lines
        assert step.title.startswith(re.sub(r"-\s", "", " ".join(step.lines)).removesuffix("…"))
