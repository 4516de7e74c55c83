"""Dates and times on the pages read the way the page's language writes them, in the app's
time zone: "6.12.2026 klo 15.25", never "15.25.15 +0200"."""

from datetime import UTC, datetime

import pytest

from tests.conftest import page, template_journey
from workshop.extensions import db
from workshop.sprints import services as sprints

CLOSED_AT = datetime(2026, 12, 6, 13, 25, 15, tzinfo=UTC)  # 15.25 in Helsinki


@pytest.fixture
def closed_sprint(make_team):
    team = make_team("Fiia Fasilitaattori", "Opisto", observer=None)
    journey = template_journey(team["workspace"], team["facilitator"], "Oppisopimuspolku")
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData("Syksyn sprintti", "", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    sprints.close_sprint(sprint, team["facilitator"])
    sprint.closed_at = CLOSED_AT
    db.session.commit()
    return team, sprint


@pytest.mark.parametrize(
    ("language", "closed"),
    [
        ("fi", "6.12.2026 klo 15.25"),
        ("sv", "6 dec. 2026 kl. 15:25"),
        ("en", "Dec 6, 2026 at 3:25\u202fPM"),
    ],
)
def test_the_closing_time_of_a_sprint_reads_in_the_pages_language(
    client, login, closed_sprint, language, closed
):
    team, sprint = closed_sprint
    login(team["facilitator"])
    client.post("/language", data={"lang": language, "next": "/"})
    html = page(client.get(f"/w/{team['workspace'].id}/sprints/{sprint.id}"))
    said = html.select_one("main").get_text(" ")
    assert closed in said
    assert "+0200" not in said and "15.25.15" not in said and "EET" not in said
