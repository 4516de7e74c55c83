"""The demo's leadership sparring: a series with one held session (what was said, three
commitments at different stages of their follow-up) and one upcoming session whose agenda opens
with the commitments still open. Dates are relative to the day the demo is loaded."""

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select

from workshop.accounts.models import User, Workspace
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db
from workshop.followup import services as followup
from workshop.followup.models import CheckInKind, EventKind, FollowStatus, FollowUpEvent
from workshop.journeys.models import Journey
from workshop.sparring import services
from workshop.sparring.models import (
    AuthorRole,
    Capture,
    CaptureType,
    Commitment,
    HostQuestion,
    SparrerRole,
    SparringSeries,
    SparringSession,
)

DEMO_SERIES = "Johtoryhmän sparraus 2026–2027"
SPARRERS = [
    ("Jari Koskinen", "Rakennusliike Kivijalka Oy", SparrerRole.EMPLOYER, True),
    ("Maija Korvapuusti", "Kahvila Korvapuusti", SparrerRole.EMPLOYER, False),
    ("Eeva Virtanen", "Sensorikasvu Oy", SparrerRole.GROWTH_COMPANY, True),
]
QUESTIONS = [
    "Miksi työnantaja ei tiedä, keneen ottaa yhteyttä oppisopimuksen aikana?",
    "Mitä kasvuyritys tarvitsee, jotta se ottaisi ensimmäisen oppisopimusopiskelijansa?",
    "Mistä meidän kannattaisi luopua, jotta työpaikkaohjaajalle jäisi aikaa?",
]
AGREEMENT = {
    "themes": "Oppisopimuksen alku, työpaikkaohjaajan tuki, kasvuyritysten tarpeet",
    "confidentiality": "Chatham Housen sääntö: asioista saa kertoa, sanojista ei.",
    "recipients": "Johtoryhmä, sparraajat ja koulutuksen järjestäjän hallitus",
    "deciders": "Johtoryhmä päättää toimenpiteistä seuraavassa kokouksessaan.",
}
# (type, text, author role, sparrer index or None, quotable, the point's index or None)
CAPTURES = [
    (
        CaptureType.QUESTION,
        "Kuka on meidän yhteyshenkilömme, kun opettaja vaihtuu?",
        AuthorRole.EMPLOYER,
        0,
        True,
        0,
    ),
    (
        CaptureType.OBSERVATION,
        "Ohjaajan työaikaa ei ole varattu ohjaamiseen.",
        AuthorRole.EMPLOYER,
        1,
        False,
        1,
    ),
    (
        CaptureType.EXPECTATION,
        "Kasvuyritys tarvitsee yhden sivun ohjeen ja yhden puhelinnumeron.",
        AuthorRole.GROWTH_COMPANY,
        2,
        True,
        None,
    ),
    (
        CaptureType.IDEA,
        "Työpaikkaohjaajille lyhyt verkkokurssi ennen opiskelijan aloitusta.",
        AuthorRole.GROWTH_COMPANY,
        2,
        True,
        1,
    ),
    (
        CaptureType.COMMITMENT,
        "Nimetään jokaiselle työpaikalle pysyvä yhteyshenkilö.",
        AuthorRole.MANAGEMENT,
        None,
        True,
        0,
    ),
]


def load_demo_sparring(workspace: Workspace, facilitator: User, today: date) -> None:
    """The demo series, made once."""
    exists = db.session.scalar(
        select(SparringSeries).where(
            SparringSeries.workspace_id == workspace.id, SparringSeries.title == DEMO_SERIES
        )
    )
    if exists is not None:
        return
    series = services.create_series(workspace, facilitator, DEMO_SERIES, "Johtoryhmä", "fi")
    sparrers = []
    for name, organisation, role, consent in SPARRERS:
        sparrer = services.add_sparrer(series, name, organisation, role)
        sparrer.named_consent = consent
        sparrers.append(sparrer)
    points = list(
        db.session.scalars(
            select(CriticalPoint)
            .join(Journey, CriticalPoint.journey_id == Journey.id)
            .where(Journey.workspace_id == workspace.id, Journey.deleted_at.is_(None))
            .order_by(CriticalPoint.id)
            .limit(3)
        )
    )
    held = _session(series, facilitator, today - timedelta(days=61), sparrers)
    held.held_at = datetime.combine(held.held_on, time(12), tzinfo=UTC)
    held.oral_feedback = "Hyvä, että lähtötiedot olivat valmiina: keskustelu pysyi asiassa."
    captures = _captures(held, sparrers, points)
    _commitments(workspace, facilitator, held, sparrers, points, captures, today)
    _session(series, facilitator, today + timedelta(days=21), sparrers)
    db.session.flush()


def _session(series, facilitator, held_on, sparrers) -> SparringSession:
    session = services.plan_session(series, facilitator, held_on)
    session.place = "Esimerkkiopisto, neuvotteluhuone Verstas"
    for field, text in AGREEMENT.items():
        setattr(session, field, text)
    session.sparrers = list(sparrers)
    session.questions = [HostQuestion(position=i, text=q) for i, q in enumerate(QUESTIONS)]
    return session


def _captures(session, sparrers, points) -> list[Capture]:
    captures = []
    for kind, text, role, who, quotable, point_index in CAPTURES:
        sparrer = sparrers[who] if who is not None else None
        point = (
            points[point_index] if point_index is not None and point_index < len(points) else None
        )
        captures.append(
            Capture(
                type=kind,
                text=text,
                author_role=role,
                organisation=sparrer.organisation if sparrer else "Esimerkkiopisto",
                author_name=sparrer.name if sparrer else "",
                sparrer=sparrer,
                point=point,
                step_id=point.step_id if point else None,
                quotable=quotable,
            )
        )
    session.captures = captures
    return captures


def _commitments(workspace, facilitator, session, sparrers, points, captures, today) -> None:
    """Three commitments: one with its 30-day check-in overdue, one in progress, one done."""
    owner = next(
        (u for u in db.session.scalars(select(User).where(User.email == "rehtori@polku.example"))),
        facilitator,
    )
    plans = [
        (
            "Pysyvä yhteyshenkilö jokaiselle oppisopimustyöpaikalle",
            ("opettaja vaihtuu", "työnantaja saa uuden yhteyshenkilön nimen samana päivänä"),
            ("työnantajista tietää yhteyshenkilönsä", "90 %"),
            FollowStatus.OPEN,
        ),
        (
            "Työpaikkaohjaajan verkkokurssi ennen aloitusta",
            ("sopimus allekirjoitetaan", "ohjaaja saa kurssin linkin"),
            ("ohjaajista on suorittanut kurssin", "60 %"),
            FollowStatus.IN_PROGRESS,
        ),
        (
            "Yhden sivun ohje kasvuyrityksille",
            ("kasvuyritys kysyy oppisopimuksesta", "se saa yhden sivun ohjeen ja numeron"),
            ("ohje on verkossa", "valmis"),
            FollowStatus.DONE,
        ),
    ]
    for position, (title, (when, then), (indicator, target), status) in enumerate(plans):
        follow_up = followup.create_follow_up(
            workspace,
            facilitator,
            title,
            session.held_on,
            due_on=session.held_on + timedelta(days=180),
            owner_user=owner if position != 1 else facilitator,
        )
        commitment = Commitment(
            position=position,
            follow_up=follow_up,
            first_when=when,
            first_then=then,
            indicator=indicator,
            target=target,
            witness=sparrers[position],
            points=[points[position]] if position < len(points) else [],
        )
        if status != FollowStatus.OPEN:
            first = next(c for c in follow_up.check_ins if c.kind == CheckInKind.FIRST_STEP)
            first.done_at = _at(session.held_on + timedelta(days=25))
            first.done_by_id = facilitator.id
            first.note = "Ensimmäinen askel otettu."
            follow_up.status = status
            follow_up.events.append(
                FollowUpEvent(
                    kind=EventKind.STATUS,
                    at=_at(session.held_on + timedelta(days=25)),
                    from_status=FollowStatus.OPEN.value,
                    to_status=status.value,
                    user_id=facilitator.id,
                )
            )
        if status == FollowStatus.DONE:
            follow_up.done_at = _at(today - timedelta(days=5))
            commitment.answers = [captures[2]]
            commitment.said_did = (
                "Te toivoitte yhden sivun ohjetta ja yhtä puhelinnumeroa. Ohje on nyt "
                "verkossa, ja kasvuyritysten yhteysnumero vastaa arkisin."
            )
            commitment.said_did_at = follow_up.done_at
        session.commitments.append(commitment)


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)
