"""A room tapping at once: dots from one phone in parallel never exceed the budget, and many
guests reporting together lose nothing."""

import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import template_journey
from workshop.critical_points.models import CriticalPoint, ReporterRole
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey
from workshop.live import services
from workshop.live.models import Dot, EntryKind, Guest, LiveSession
from workshop.sprints import services as sprints

# Threads, each with a connection of its own: every test here needs a database to itself.
pytestmark = pytest.mark.own_database

TAPS = 16
BUDGET = 5


def open_room(make_user, make_workspace):
    owner = make_user()
    workspace = make_workspace(owner=owner)
    journey = template_journey(workspace, owner, "Polku", "fi")
    sprint = sprints.create_sprint(
        workspace, owner, sprints.SprintData("Työpaja", "", None, None, [], [journey.id])
    )
    sprints.start_sprint(sprint)
    live = services.start_session(sprint, journey, owner, hours=2, budget=BUDGET)
    services.set_voting(live, True, BUDGET, stacking=True)
    db.session.commit()
    return live


def run_together(app, work, count: int) -> list:
    """Run work(n) in `count` threads that start at the same moment; the errors they raised."""
    errors, barrier = [], threading.Barrier(count)

    def thread(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                work(n)
            except Exception as error:  # noqa: BLE001 - returned to the test
                errors.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=thread, args=(n,)) for n in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


def test_parallel_taps_from_one_phone_never_pass_the_budget(app, make_user, make_workspace):
    live = open_room(make_user, make_workspace)
    guest = services.join(live, "Eija", ReporterRole.EMPLOYER, "")
    step = journeys.load_board(live.journey).steps[0]
    entry = services.add_entry(
        live, guest, services.EntryData(EntryKind.POINT, "Myöhässä", step.id, severity=2), None
    )
    db.session.commit()
    live_id, guest_id, point_id = live.id, guest.id, entry.point_id
    db.session.remove()

    def tap(n: int) -> None:
        room = db.session.get(LiveSession, live_id)
        services.add_dot(room, db.session.get(Guest, guest_id), point_id, f"tap-{n}")
        db.session.commit()

    errors = run_together(app, tap, TAPS)
    assert db.session.scalar(select(func.count(Dot.id))) == BUDGET
    assert len(errors) == TAPS - BUDGET
    assert {getattr(e, "reason", repr(e)) for e in errors} == {"budget_spent"}


def test_many_guests_reporting_at_once_lose_nothing(app, make_user, make_workspace):
    live = open_room(make_user, make_workspace)
    guests = [services.join(live, f"Vieras {n}", ReporterRole.STUDENT, "") for n in range(TAPS)]
    steps = journeys.load_board(live.journey).steps
    db.session.commit()
    live_id, journey_id = live.id, live.journey_id
    guest_ids, step_ids = [g.id for g in guests], [s.id for s in steps]
    start = db.session.get(Journey, journey_id).version
    version_before = live.entries_version
    db.session.remove()

    def report(n: int) -> None:
        room = db.session.get(LiveSession, live_id)
        data = services.EntryData(
            EntryKind.POINT, f"Kohta {n}", step_ids[n % len(step_ids)], severity=3
        )
        services.add_entry(room, db.session.get(Guest, guest_ids[n]), data, f"form-{n}")
        db.session.commit()

    assert run_together(app, report, TAPS) == []
    titles = db.session.scalars(
        select(CriticalPoint.title).where(CriticalPoint.journey_id == journey_id)
    ).all()
    assert sorted(titles) == sorted(f"Kohta {n}" for n in range(TAPS))
    assert db.session.get(Journey, journey_id).version == start + TAPS
    assert db.session.get(LiveSession, live_id).entries_version == version_before + TAPS
