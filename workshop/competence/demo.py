"""The demo's staff competence survey: a closed round with enough answers that most of its
report shows values (office staff stay under the threshold, so they are suppressed
everywhere), a coaching plan on the items the answers flag, and the next round open.

The answers are made up with a fixed seed, shaped so the items about contacts, answer times and
finding workplaces (the demo journeys' first steps, where the critical points are) come out
weak, as a real first round on these journeys might.
"""

import hashlib
import random
from datetime import date, timedelta

from sqlalchemy import insert, select

from workshop.accounts.models import User, Workspace
from workshop.competence import coaching, rounds, services
from workshop.competence.bank import ROLES
from workshop.competence.models import Answer, AnswerKind, Response, Round, ThemeStatus
from workshop.extensions import db
from workshop.models_base import utcnow

CLOSED_ROUND = "Osaamiskysely kevät"
OPEN_ROUND = "Osaamiskysely syksy"
UNITS = ["Tekniikka", "Palvelut", "Hyvinvointi"]
# Respondents per role: office staff under k = 5, so no value of theirs is shown anywhere.
RESPONDENTS = {"TCH": 14, "WBL": 9, "SC": 6, "MGT": 5, "OFF": 3}
# Weak items: on the steps where the demo journeys' critical points are (contact with the
# provider, the named contact, finding a workplace, HOKS planning).
WEAK = {"A02": 1.7, "A03": 1.9, "C02": 2.0, "A04": 2.3}
# Items many want coaching on although they rate themselves fairly well.
WANTED = {"B06": 0.4, "A07": 0.35}
SEED = 2026
# The workspace's own item, about a step the bank has none on.
OWN_ITEM = rounds.OwnItemData(
    item_id="W01",
    level="A",
    roles=["OFF", "SC", "TCH", "WBL"],
    text_fi="Kirjaan työnantajan yhteydenoton yhteiseen järjestelmään samana päivänä.",
    text_sv="Jag registrerar arbetsgivarens kontakt i det gemensamma systemet samma dag.",
    text_en="I record an employer's contact in the shared system on the same day.",
    steps=["apprenticeship.contact_provider", "training_agreement.contact_employer"],
    categories=["communication", "contact_person"],
)


def load_demo_survey(workspace: Workspace, facilitator: User, today: date) -> None:
    """Both demo rounds, each made once."""
    if not rounds.own_items(workspace):
        rounds.add_own_item(workspace, OWN_ITEM)
    names = {r.name for r in services.rounds_of(workspace)}
    if CLOSED_ROUND not in names:
        _closed_round(workspace, facilitator, today)
    if OPEN_ROUND not in names:
        data = _data(OPEN_ROUND, today - timedelta(days=2), today + timedelta(days=26))
        round_, _token = rounds.open_new_round(workspace, facilitator, data)
        rounds.add_links(round_, 12)
    db.session.flush()


def _data(name: str, opens_on: date, closes_on: date) -> rounds.RoundData:
    return rounds.RoundData(
        name=name,
        opens_on=opens_on,
        closes_on=closes_on,
        roles=list(ROLES),
        units=UNITS,
        k=5,
        free_text=True,
        bank_version=services.latest_bank().version,
    )


def _value(rng: random.Random, centre: float) -> int:
    return max(1, min(5, round(rng.gauss(centre, 0.7))))


def _closed_round(workspace: Workspace, facilitator: User, today: date) -> Round:
    data = _data(CLOSED_ROUND, today - timedelta(days=120), today - timedelta(days=95))
    round_, _token = rounds.open_new_round(workspace, facilitator, data)
    rng = random.Random(SEED)
    units = round_.units
    responses = []
    number = 0
    for role, count in RESPONDENTS.items():
        for index in range(count):
            number += 1
            responses.append(
                Response(
                    round_id=round_.id,
                    device_hash=hashlib.sha256(f"demo-{round_.id}-{number}".encode()).hexdigest(),
                    role=role,
                    unit_id=units[index % len(units)].id,
                    submitted_at=utcnow(),
                )
            )
    db.session.add_all(responses)
    db.session.flush()
    rows = []
    for response in responses:
        for item in round_.items:
            own_work = response.role in item.roles
            draw = rng.random()
            if not own_work and draw < 0.75:
                kind, value = AnswerKind.NA, None
            elif draw > 0.95:
                kind, value = AnswerKind.DK, None
            else:
                kind = AnswerKind.SCALE
                centre = WEAK.get(item.item_id, 3.5 if own_work else 3.1)
                value = _value(rng, centre)
            wanted = WANTED.get(item.item_id, 0.45 if item.item_id in WEAK else 0.03)
            rows.append(
                {
                    "response_id": response.id,
                    "round_item_id": item.id,
                    "kind": kind,
                    "value": value,
                    "coaching": rng.random() < wanted,
                }
            )
    db.session.execute(insert(Answer), rows)
    round_.locked_at = utcnow()
    round_.closed_at = utcnow()
    themes = [
        coaching.ThemeData(
            "Yksi yhteyshenkilö ja luvattu vastausaika",
            "ALL",
            ["A02", "A03"],
            "Riitta Rehtori",
            today + timedelta(days=30),
            ThemeStatus.IN_PROGRESS,
            "Yhteystietosivu uusittu; vastausaikalupaus käsitellään henkilöstökokouksessa.",
        ),
        coaching.ThemeData(
            "Ratkaisuja työnantajan osaamistarpeisiin",
            "WBL",
            ["C02", "C01"],
            "Aino Kehittäjä",
            today + timedelta(days=75),
            ThemeStatus.PLANNED,
            "",
        ),
    ]
    for theme in themes:
        coaching.add_theme(round_, theme)
    db.session.flush()
    return round_


def demo_round(workspace: Workspace) -> Round | None:
    """The demo's closed round, for tests."""
    return db.session.scalar(
        select(Round).where(Round.workspace_id == workspace.id, Round.name == CLOSED_ROUND)
    )
