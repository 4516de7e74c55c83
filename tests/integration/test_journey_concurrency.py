"""Several people changing one journey at the same moment: nothing lost, positions unique."""

import threading

import pytest
from sqlalchemy import func, select

from workshop.accounts.models import User
from workshop.extensions import db
from workshop.journeys import services
from workshop.journeys.models import Journey, JourneyKind, Step

WRITERS = 16
ADDS_EACH = 3


@pytest.mark.own_database  # threads, each with a connection of its own
def test_concurrent_adds_and_moves_lose_nothing(app, make_user, make_workspace):
    owner = make_user()
    workspace = make_workspace(owner=owner)
    journey = services.create_journey(workspace, owner, "Yhdessä", JourneyKind.CUSTOM, "fi")
    db.session.commit()
    board = services.load_board(journey)
    stage_id, lane_id = board.stages[0].id, board.lanes[0].id
    journey_id, owner_id, start = journey.id, owner.id, journey.version
    db.session.remove()
    errors = []
    barrier = threading.Barrier(WRITERS)

    def writer(n: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                for i in range(ADDS_EACH):
                    mine = db.session.get(Journey, journey_id)
                    user = db.session.get(User, owner_id)
                    step = services.add_step(mine, user, stage_id, lane_id, f"{n}-{i}")
                    db.session.commit()
                    services.move_step(mine, user, step, "up")
                    db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below with the thread's number
                errors.append((n, repr(error)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    total = WRITERS * ADDS_EACH
    assert (
        db.session.scalar(select(func.count(Step.id)).where(Step.journey_id == journey_id)) == total
    )
    positions = db.session.scalars(
        select(Step.position).where(Step.stage_id == stage_id, Step.lane_id == lane_id)
    ).all()
    assert sorted(positions) == list(range(total))
    version = db.session.scalar(select(Journey.version).where(Journey.id == journey_id))
    assert version == start + 2 * total
