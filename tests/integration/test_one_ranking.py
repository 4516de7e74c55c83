"""One ranking everywhere: the same votes on the board and dots in a live session give the same
order and the same totals on every screen and in every file that shows critical points.

Six points whose order needs each step of the tie-break (critical_points/ranking.py): the most
support (votes and dots), then the most severe, then the most reports, then the oldest; and a
guest removed from the room whose dots, if they counted, would lift the last point to the top.
"""

import csv
import io
import json
import re
import subprocess

import pytest

from tests.conftest import page, template_journey
from workshop.accounts.models import Role
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.live import services as live
from workshop.sprints import services as sprints

# Expected rank: (title, votes on the board, counting dots, severity, reports).
EXPECTED = [
    ("Contract arrives late", 2, 1, 1, 1),  # the most support, though minor
    ("Nobody answers the phone", 0, 2, 3, 1),  # 2, critical
    ("Wage subsidy is slow", 1, 1, 2, 1),  # 2, serious
    ("Instructor was never trained", 1, 0, 2, 2),  # 1, serious, two reports
    ("Tasks do not match the degree", 0, 1, 2, 1),  # 1, serious, one report, older
    ("Insurance is unclear", 0, 1, 2, 1),  # 1, serious, one report, newer
]
TITLES = [title for title, *_ in EXPECTED]
SUPPORT = {title: votes + dots for title, votes, dots, *_ in EXPECTED}
DOTS = {title: dots for title, _votes, dots, *_ in EXPECTED}
# Made in this order (so neither age nor reading order is the ranking), on these steps.
MADE = [1, 4, 0, 5, 3, 2]
STEP_OF = {0: 0, 1: 1, 2: 0, 3: 2, 4: 0, 5: 1}


@pytest.fixture
def room(make_user, make_workspace, add_member):
    """The journey, its running sprint and live session, the votes and the dots."""
    facilitator = make_user(name="Fiia")
    workspace = make_workspace(owner=facilitator, name="Opisto")
    members = [make_user(name="Paavo"), make_user(name="Pirjo")]
    for member in members:
        add_member(workspace, member, Role.PARTICIPANT)
    journey = template_journey(workspace, facilitator, "Apprenticeship", "en")
    steps = journeys.load_board(journey).steps
    made = {}
    for n in MADE:
        title, _votes, _dots, severity, reports = EXPECTED[n]
        made[title] = points.report_point(
            workspace,
            journey,
            facilitator,
            points.NewPoint(
                step=steps[STEP_OF[n]],
                title=title,
                severity=severity,
                report=points.ReportData(role=ReporterRole.EMPLOYER),
            ),
        )
        for _ in range(reports - 1):
            points.add_report(
                workspace, made[title], members[0], points.ReportData(ReporterRole.TEACHER)
            )
    voters = [members[0], members[1], facilitator]
    for title, votes, *_ in EXPECTED:
        for voter in voters[:votes]:
            points.toggle_vote(made[title], voter)

    sprint = sprints.create_sprint(
        workspace,
        facilitator,
        sprints.SprintData("Spring sprint", "", None, None, ["Vote"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    session = live.start_session(sprint, journey, facilitator, hours=3)
    live.set_voting(session, True, 5, stacking=True)
    live.present(session, "ranking")
    guests = [live.join(session, name, ReporterRole.EMPLOYER, "") for name in ("Eija", "Kalle")]
    removed = live.join(session, "Troll", ReporterRole.OTHER, "")
    dotted = [t for t, _votes, dots, *_ in EXPECTED for _ in range(dots)]
    for n, title in enumerate(dotted):
        live.add_dot(session, guests[n % 2], made[title].id, None)
    for _ in range(4):
        live.add_dot(session, removed, made[TITLES[-1]].id, None)
    live.remove_guest(session, removed, facilitator, "Voted for one point only")
    db.session.commit()
    return workspace, facilitator, journey, sprint, session, made, steps


def count(text: str) -> int:
    """The first number in a text: "3 votes" → 3."""
    return int(re.search(r"\d+", text).group())


def dots_within(element) -> int:
    """The dots a "(of which N dots)" note names, 0 without one."""
    return count(element.get_text()) if element is not None else 0


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True)
    assert out.returncode == 0, out.stderr
    return " ".join(out.stdout.decode().split())


def test_the_same_votes_and_dots_give_the_same_ranking_everywhere(client, login, room):
    workspace, facilitator, journey, sprint, session, made, steps = room
    login(facilitator)
    base = f"/w/{workspace.id}"

    # The critical points list, by votes: the ranking, with votes and dots together.
    listing = page(client.get(f"{base}/journeys/{journey.id}/points/?sort=votes"))
    rows = listing.select("#point-list li.point-row")
    assert [r.select_one(".point-row__title a").get_text(strip=True) for r in rows] == TITLES
    assert {
        r.select_one(".point-row__title a").get_text(strip=True): count(
            r.select_one(".votes").get_text()
        )
        for r in rows
    } == SUPPORT
    assert {
        r.select_one(".point-row__title a").get_text(strip=True): dots_within(
            r.select_one(".votes__dots")
        )
        for r in rows
    } == DOTS

    # Its other orders fall back on the ranking for ties.
    def listed(sort):
        found = page(client.get(f"{base}/journeys/{journey.id}/points/?sort={sort}"))
        return [a.get_text(strip=True) for a in found.select(".point-row__title a")]

    assert listed("severity") == [TITLES[i] for i in (1, 2, 3, 4, 5, 0)]
    assert listed("reports") == [TITLES[i] for i in (3, 0, 1, 2, 4, 5)]
    assert listed("age") == [TITLES[i] for i in MADE]

    # A point's own page.
    top = page(client.get(f"{base}/journeys/{journey.id}/points/{made[TITLES[0]].id}"))
    facts = {dt.get_text(strip=True): dt.find_next_sibling("dd") for dt in top.select("dl dt")}
    assert count(facts["Votes"].get_text()) == SUPPORT[TITLES[0]]

    # The board's badges count the same points on each step.
    board = page(client.get(f"{base}/journeys/{journey.id}/"))
    for n in set(STEP_OF.values()):
        badge = board.select_one(f"#step-{steps[n].id} .badge--point")
        assert count(badge.get_text()) == sum(1 for s in STEP_OF.values() if s == n)

    # Where it hurts most: each step's votes, and its points in the ranking.
    insights = page(client.get(f"{base}/insights?kind=apprenticeship"))
    totals = {
        row.th.find(string=True).strip(): count(row.select_one(".spot-votes").get_text())
        for row in insights.select("table.table tbody tr")
    }
    cards = insights.select(".spot-card")
    assert len(cards) == len(totals) == 3
    for card in cards:
        named = [li.select_one(".spot-points__title").get_text() for li in card.select("li")]
        assert named == [t for t in TITLES if t in named]
        assert [count(li.select_one(".meta").get_text()) for li in card.select("li")] == [
            SUPPORT[t] for t in named
        ]
        step = card.select_one(".spot-card__title").get_text()
        assert totals[step] == sum(SUPPORT[t] for t in named)
    assert sum(len(card.select("li")) for card in cards) == len(TITLES)

    # The projector in the room.
    projector = page(client.get(f"{base}/sprints/{sprint.id}/live/{session.id}/projector")).select(
        "#live-ranked li"
    )
    assert [li.select_one(".ranked-list__title").get_text() for li in projector] == TITLES
    assert [count(li.select_one(".ranked-list__votes").get_text()) for li in projector] == [
        SUPPORT[t] for t in TITLES
    ]
    assert [dots_within(li.select_one(".ranked-list__dots")) for li in projector] == [
        DOTS[t] for t in TITLES
    ]

    # The sprint's summary page: its top five and its ranked list.
    summary = page(client.get(f"{base}/sprints/{sprint.id}/summary?lang=en"))
    top_five = summary.select("ol.top-list li")
    assert [li.strong.get_text() for li in top_five] == TITLES[:5]
    ranked = summary.select("ol.ranked li.ranked__item")
    assert [li.strong.get_text() for li in ranked] == TITLES
    assert [count(li.select_one(".ranked__facts").get_text().split("·")[1]) for li in ranked] == [
        SUPPORT[t] for t in TITLES
    ]

    # Its PDF.
    text = pdf_text(client.get(f"{base}/sprints/{sprint.id}/summary.pdf?lang=en").data)
    chapter = text[text.index("Critical points, ranked", text.index("Emotion curve")) :]
    chapter = chapter[: chapter.index("Experiments")]
    printed = [
        re.search(re.escape(title) + r" [●◆▲] (?:minor|serious|critical) · (\d+) votes? ·", chapter)
        for title in TITLES
    ]
    assert all(printed), chapter
    assert [found.start() for found in printed] == sorted(found.start() for found in printed)
    assert [int(found.group(1)) for found in printed] == [SUPPORT[t] for t in TITLES]

    # The CSV of the list.
    raw = client.get(f"{base}/journeys/{journey.id}/points.csv?sort=votes").get_data(as_text=True)
    table = list(csv.DictReader(io.StringIO(raw.removeprefix("\ufeff"))))
    assert [row["Critical point"] for row in table] == TITLES
    assert [int(row["Votes"]) for row in table] == [SUPPORT[t] for t in TITLES]

    # The journey's JSON export: the points in the ranking's order, votes and dots apart.
    document = json.loads(client.get(f"{base}/export/journeys/{journey.id}.json").data)
    exported = document["critical_points"]
    assert [p["title"] for p in exported] == TITLES
    assert [(p["votes"], p["dots"]) for p in exported] == [(v, d) for _t, v, d, *_ in EXPECTED]


def test_merging_points_keeps_the_dots_as_well_as_the_votes(client, login, room):
    workspace, facilitator, journey, sprint, session, made, _steps = room
    login(facilitator)
    base = f"/w/{workspace.id}"
    target, other = made[TITLES[3]], made[TITLES[5]]  # 1 vote; 1 dot
    response = client.post(
        f"{base}/journeys/{journey.id}/points/{target.id}/merge", data={"other": other.id}
    )
    assert response.status_code == 303

    listing = page(client.get(f"{base}/journeys/{journey.id}/points/?sort=votes"))
    row = next(
        r
        for r in listing.select("#point-list li.point-row")
        if r.select_one(".point-row__title a").get_text(strip=True) == TITLES[3]
    )
    assert count(row.select_one(".votes").get_text()) == 2
    assert dots_within(row.select_one(".votes__dots")) == 1
    projector = page(client.get(f"{base}/sprints/{sprint.id}/live/{session.id}/projector"))
    titles = [t.get_text() for t in projector.select("#live-ranked .ranked-list__title")]
    # Two votes now, severe as the third: the reports decide (the merged point brought one).
    assert titles == [TITLES[i] for i in (0, 1, 3, 2, 4)]
