"""The one ranking of critical points: each step of its tie-break, the list's other orders,
and the tallies it takes from board votes and the live domain's dots."""

import pytest

from tests.conftest import template_journey
from workshop.critical_points import ranking
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.critical_points.ranking import Standing, Tally
from workshop.extensions import db
from workshop.journeys import services as journeys


def ids(found) -> list[int]:
    return [p.id for p in found]


def test_support_is_votes_and_dots_together():
    assert Tally(votes=2, dots=3).support == 5
    assert Tally().support == 0


def test_most_support_comes_first_whatever_the_severity_reports_or_age():
    found = [Standing(1, 3, 1, 9), Standing(2, 1, 4, 1), Standing(3, 2, 2, 1)]
    assert ids(ranking.ranked(found)) == [2, 3, 1]


def test_equal_support_is_broken_by_severity():
    found = [Standing(1, 1, 2, 5), Standing(2, 3, 2, 1), Standing(3, 2, 2, 1)]
    assert ids(ranking.ranked(found)) == [2, 3, 1]


def test_equal_support_and_severity_is_broken_by_reports():
    found = [Standing(1, 2, 2, 1), Standing(2, 2, 2, 3), Standing(3, 2, 2, 2)]
    assert ids(ranking.ranked(found)) == [2, 3, 1]


def test_points_equal_in_everything_keep_the_oldest_first():
    found = [Standing(7, 2, 2, 1), Standing(3, 2, 2, 1), Standing(5, 2, 2, 1)]
    assert ids(ranking.ranked(found)) == [3, 5, 7]
    assert ids(ranking.ranked(reversed(found))) == [3, 5, 7]


def test_the_lists_other_orders_fall_back_on_the_ranking():
    found = [
        Standing(1, 3, 0, 1),
        Standing(2, 2, 5, 1),
        Standing(3, 2, 1, 3),
        Standing(4, 2, 1, 1),
    ]
    assert ids(ranking.sorted_by(found, "votes")) == [2, 3, 4, 1]
    # Equal severity: most support; then, between 3 and 4, the most reports.
    assert ids(ranking.sorted_by(found, "severity")) == [1, 2, 3, 4]
    # Equal reports: the ranking (2's five votes, 4's one, 1's none).
    assert ids(ranking.sorted_by(found, "reports")) == [3, 2, 4, 1]
    assert ids(ranking.sorted_by(found, "age")) == [1, 2, 3, 4]
    assert ranking.sorted_by(found, "nonsense") == ranking.ranked(found)


@pytest.fixture
def journey(make_user, make_workspace):
    owner = make_user()
    workspace = make_workspace(owner=owner)
    journey = template_journey(workspace, owner, "Polku", "en")
    db.session.commit()
    return journey


def make_point(journey, title):
    step = journeys.load_board(journey).steps[0]
    return points.report_point(
        journey.workspace,
        journey,
        None,
        points.NewPoint(
            step=step, title=title, severity=2, report=points.ReportData(role=ReporterRole.EMPLOYER)
        ),
    )


def test_tallies_add_board_votes_and_the_dots_live_hands_down(app, journey, make_user):
    voted, dotted, quiet = (make_point(journey, t) for t in ("Voted", "Dotted", "Quiet"))
    for voter in (make_user(), make_user()):
        points.toggle_vote(voted, voter)
    asked = []

    def dot_counts(point_ids):
        asked.append(list(point_ids))
        return {dotted.id: 3}

    ranking.init_app(app, dot_counts=dot_counts)
    found = ranking.tallies([quiet.id, voted.id, dotted.id, voted.id])
    assert found == {voted.id: Tally(2, 0), dotted.id: Tally(0, 3), quiet.id: Tally(0, 0)}
    assert asked == [sorted({voted.id, dotted.id, quiet.id})]
    assert ranking.tallies([]) == {}
