"""Rounds of the competence survey with submitted answers, made directly in the database for
tests that read what a round's answers add up to."""

import random
from datetime import date, timedelta

from workshop.competence import services
from workshop.competence.models import Answer, AnswerKind, Response
from workshop.extensions import db
from workshop.models_base import utcnow


def answered_round(
    team,
    sizes: dict[str, int],
    *,
    units: dict[str, dict[str, int]] | None = None,
    k: int = 5,
    seed: int = 17,
    free_text: bool = False,
    answer=None,
):
    """A closed round of the team's workspace where `sizes[role]` people answered every item.

    `units` spreads each role over units ({"TCH": {"Tekniikka": 4, "Palvelut": 2}}); `answer`
    (role, item_id, rng) → (kind, value, coaching) shapes the answers, random by default.
    """
    unit_names = sorted({u for spread in (units or {}).values() for u in spread})
    today = date.today()
    round_, _token = services.open_round(
        team.workspace,
        team.facilitator,
        name="Kevät",
        opens_on=today - timedelta(days=20),
        closes_on=today - timedelta(days=1),
        roles=sorted(sizes),
        units=unit_names,
        k=k,
        free_text=free_text,
    )
    unit_ids = {unit.name: unit.id for unit in round_.units}
    rng = random.Random(seed)
    answer = answer or _random_answer
    for role, count in sizes.items():
        spread = [u for u, n in (units or {}).get(role, {}).items() for _ in range(n)]
        for index in range(count):
            response = Response(
                round_id=round_.id,
                device_hash=f"{round_.id}-{role}-{index}-{rng.random()}"[:64],
                role=role,
                unit_id=unit_ids[spread[index]] if index < len(spread) else None,
                free_text=f"Toive {role} {index}" if free_text else "",
                submitted_at=utcnow(),
            )
            for item in round_.items:
                kind, value, coaching = answer(role, item.item_id, rng)
                response.answers.append(
                    Answer(round_item_id=item.id, kind=kind, value=value, coaching=coaching)
                )
            db.session.add(response)
    round_.locked_at = utcnow()
    db.session.flush()
    return round_


def _random_answer(role, item_id, rng):
    roll = rng.random()
    if roll < 0.08:
        return AnswerKind.NA, None, False
    if roll < 0.14:
        return AnswerKind.DK, None, False
    return AnswerKind.SCALE, rng.randint(1, 5), rng.random() < 0.2
