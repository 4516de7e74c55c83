"""Comparing two sprint documents: what the next sprint reports as changed."""

from datetime import UTC, datetime

from workshop.critical_points import ranking
from workshop.journeys import document as journeys
from workshop.sprints import snapshot
from workshop.sprints.document import SprintDocument, SprintInfo


def point(id, severity=2, votes=0, status="open", reports=1, step="a"):
    return {
        "id": id,
        "step": step,
        "title": f"Kohta {id}",
        "severity": severity,
        "votes": votes,
        "status": status,
        "reports": [{"role": "employer"}] * reports,
    }


def journey(points, steps=None):
    return {
        "id": 7,
        "name": "Polku",
        "kind": "custom",
        "stages": [{"id": 1, "title": "Alku"}, {"id": 2, "title": "Loppu"}],
        "lanes": [{"id": 1, "title": "Opiskelija", "kind": "frontstage"}],
        "steps": steps
        or [
            {
                "key": "a",
                "stage": 1,
                "lane": 1,
                "title": "Haku",
                "description": "",
                "channel": None,
                "emotion_student": None,
                "emotion_employer": None,
            }
        ],
        "points": points,
    }


def document(*found):
    """A sprint document of these journeys, written as a version-1 snapshot wrote them."""
    return SprintDocument(
        taken_at=datetime(2026, 1, 1, tzinfo=UTC),
        sprint=SprintInfo(1, "Sprintti", "", None, None, "closed", None, "Työtila"),
        participants=(),
        journeys=tuple(
            journeys.JourneyDocument.from_dict(journeys.from_snapshot_1(j)) for j in found
        ),
        experiments=(),
        decisions=(),
    )


def only(changes):
    assert len(changes) == 1
    return changes[0]


def test_ranking_puts_votes_before_severity_before_reports():
    found = document(journey([point(1, 3, 0), point(2, 1, 2), point(3, 3, 0, reports=4)]))
    assert [p.id for p in ranking.ranked(found.journeys[0].points)] == [2, 3, 1]


def test_a_new_point_above_does_not_make_the_others_reprioritised():
    before = document(journey([point(1, votes=2), point(2, votes=1)]))
    after = document(journey([point(3, votes=5), point(1, votes=2), point(2, votes=1)]))
    changes = only(snapshot.changes(before, after))
    assert [c.point.id for c in changes.points_new] == [3]
    assert changes.points_reprioritised == []


def test_votes_that_swap_two_points_and_a_new_severity_are_reprioritised():
    before = document(journey([point(1, votes=2), point(2, votes=1), point(3, severity=1)]))
    after = document(journey([point(1, votes=0), point(2, votes=3), point(3, severity=3)]))
    changes = only(snapshot.changes(before, after))
    moved = {c.point.id: (c.rank_before, c.rank_after) for c in changes.points_reprioritised}
    # Point 3 now outranks point 1: both have no votes left, and 3 is more severe.
    assert moved == {1: (1, 3), 2: (2, 1), 3: (3, 2)}


def test_resolved_and_removed_points():
    before = document(journey([point(1), point(2)]))
    after = document(journey([point(1, status="resolved")]))
    changes = only(snapshot.changes(before, after))
    assert [c.point.id for c in changes.points_resolved] == [1]
    assert [p.id for p in changes.points_removed] == [2]


def test_steps_added_removed_changed_and_moved():
    step = journey([])["steps"][0]
    moved = step | {"stage": 2}
    renamed = step | {"key": "b", "title": "Vanha"}
    before = document(journey([], [step, renamed]))
    after = document(journey([], [moved, renamed | {"title": "Uusi"}, step | {"key": "c"}]))
    changes = only(snapshot.changes(before, after))
    assert [s.key for s in changes.steps_added] == ["c"]
    assert {s[1].key: s[2] for s in changes.steps_changed} == {"a": ["place"], "b": ["title"]}
    assert changes.steps_removed == []


def test_journeys_only_in_one_sprint_are_not_compared():
    other = journey([]) | {"id": 8}
    assert snapshot.changes(document(journey([])), document(other)) == []
    assert only(snapshot.changes(document(journey([])), document(journey([])))).empty
