"""Demo content for a first look at Polku: a workspace with partners, journeys and sprints."""

import secrets
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import check_password_hash

from workshop import clock
from workshop.accounts import services as accounts
from workshop.accounts.models import Membership, OrganisationKind, Role, User, Workspace
from workshop.competence.demo import load_demo_survey
from workshop.critical_points import services as point_services
from workshop.critical_points.models import CriticalPoint, ReporterRole
from workshop.extensions import db
from workshop.journey_templates import services as template_services
from workshop.journeys import services as journey_services
from workshop.journeys.models import Journey, JourneyKind
from workshop.live import services as live_services
from workshop.live.models import EntryKind, LiveSession
from workshop.models_base import utcnow
from workshop.sparring.demo import load_demo_sparring
from workshop.sprints import services as sprint_services
from workshop.sprints.models import DecisionStatus, ExperimentStatus, Sprint

DEMO_EMAIL = "facilitator@polku.example"
DEMO_WORKSPACE = "Esimerkkiopisto – työelämäyhteistyö"
CREDENTIALS_FILE = "demo-login.txt"
ORGANISATIONS = [
    ("Esimerkkiopisto", OrganisationKind.INSTITUTION),
    ("Rakennusliike Kivijalka Oy", OrganisationKind.EMPLOYER),
    ("Kahvila Korvapuusti", OrganisationKind.EMPLOYER),
    ("Hoivakoti Kuusirinne", OrganisationKind.EMPLOYER),
    ("Yrittäjäyhdistys", OrganisationKind.OTHER),
]
# Other members, so roles and organisations show; nobody is given their passwords.
MEMBERS = [
    (
        "pekka.kivijalka@polku.example",
        "Pekka Kivijalka",
        Role.PARTICIPANT,
        "Rakennusliike Kivijalka Oy",
    ),
    (
        "maija.korvapuusti@polku.example",
        "Maija Korvapuusti",
        Role.PARTICIPANT,
        "Kahvila Korvapuusti",
    ),
    ("rehtori@polku.example", "Riitta Rehtori", Role.OBSERVER, "Esimerkkiopisto"),
]


def load_demo(instance_path: Path) -> tuple[str, str]:
    """Create what is missing of the demo content; returns a working e-mail and password."""
    facilitator = accounts.get_user_by_email(DEMO_EMAIL)
    if facilitator is None:
        facilitator = accounts.create_user(
            DEMO_EMAIL, "Aino Kehittäjä", secrets.token_urlsafe(12), language="fi", is_admin=True
        )
    password = _demo_password(instance_path, facilitator)

    workspace = db.session.scalar(select(Workspace).where(Workspace.name == DEMO_WORKSPACE))
    if workspace is None:
        workspace = accounts.create_workspace(
            facilitator,
            DEMO_WORKSPACE,
            "Oppisopimus- ja koulutussopimusprosessien yhteiskehittäminen "
            "alueen työnantajien kanssa.",
        )
    organisations = {o.name: o for o in accounts.organisations_of(workspace)}
    for name, kind in ORGANISATIONS:
        if name not in organisations:
            organisations[name] = accounts.add_organisation(workspace, name, kind)

    for email, name, role, organisation in MEMBERS:
        user = accounts.get_user_by_email(email) or accounts.create_user(
            email, name, secrets.token_urlsafe(24), language="fi"
        )
        if accounts.membership_for(user, workspace) is None:
            db.session.add(
                Membership(
                    workspace=workspace,
                    user=user,
                    role=role,
                    organisation=organisations[organisation],
                )
            )
    facilitator_membership = accounts.membership_for(facilitator, workspace)
    if facilitator_membership and facilitator_membership.organisation is None:
        facilitator_membership.organisation = organisations["Esimerkkiopisto"]
    db.session.flush()
    _demo_journeys(workspace, facilitator)
    # The survey before the sprints: the closed demo sprint freezes staff's self-assessment
    # beside its critical points, so the round it reads must exist when it closes.
    load_demo_survey(workspace, facilitator, date.today())
    _demo_sprints(workspace, facilitator)
    load_demo_sparring(workspace, facilitator, clock.today())
    return facilitator.email, password


# How the student and the employer feel at a few steps of each template, as a workshop
# might first score them; the curve then shows where the process hurts.
DEMO_EMOTIONS = {
    "apprenticeship": {0: (1, 0), 1: (0, -1), 2: (-1, -2), 4: (-1, -1), 6: (1, 1), 9: (2, 1)},
    "training_agreement": {0: (0, 1), 2: (-1, -1), 3: (-2, -1), 5: (1, 0), 8: (1, 2)},
}


def _demo_journeys(workspace: Workspace, facilitator) -> None:
    """Both processes as journeys of the demo workspace, from their templates, once."""
    existing = {j.template_id for j in journey_services.journeys_of(workspace)}
    for template in template_services.list_templates():
        if template.id in existing:
            continue
        journey = journey_services.create_journey(
            workspace,
            facilitator,
            f"{template.title.fi} – nykytila",
            JourneyKind(template.kind),
            "fi",
            "Kartta siitä, miten prosessi kulkee nyt; työpajassa täydennetään ja arvioidaan.",
            template,
        )
        steps = journey_services.load_board(journey).steps
        for index, (student, employer) in DEMO_EMOTIONS.get(template.id, {}).items():
            if index < len(steps):
                steps[index].emotion_student, steps[index].emotion_employer = student, employer
        db.session.flush()
        _demo_points(workspace, journey, facilitator, steps)


def _demo_points(workspace: Workspace, journey, facilitator, steps) -> None:
    """A few critical points as a first workshop might leave them: confirmed and reported."""
    employer = next(
        o for o in accounts.organisations_of(workspace) if o.kind == OrganisationKind.EMPLOYER
    )
    for step in steps[:3]:
        for suggestion in list(step.suggestions)[:1]:
            point_services.confirm_suggestion(
                workspace, journey, suggestion, facilitator, 2, "key:communication"
            )
    point_services.report_point(
        workspace,
        journey,
        facilitator,
        point_services.NewPoint(
            step=steps[1],
            title=CONTACT_POINT,
            description="Työnantaja ei tiedä, kenelle soittaa, kun opettaja vaihtuu.",
            severity=3,
            category="key:contact_person",
            report=point_services.ReportData(
                ReporterRole.EMPLOYER,
                employer.id,
                "Soitin kolme kertaa ennen kuin löysin oikean ihmisen.",
                "Työpaja 1",
            ),
        ),
    )


# --- design sprints ----------------------------------------------------------------------------

CONTACT_POINT = "Yhteyshenkilö vaihtuu kesken prosessin"
DEMO_SPRINT = "Oppisopimuksen alku sujuvaksi työnantajalle"
DEMO_NEXT_SPRINT = "Työpaikkaohjaajan tuki oppisopimuksen aikana"
DEMO_PHASES = ["Ymmärrä", "Määrittele", "Ideoi", "Kokeile", "Päätä"]
# Members take part with their own organisation; guests have no account, as in a real workshop.
DEMO_PARTICIPANTS = [
    ("pekka.kivijalka@polku.example", ReporterRole.EMPLOYER, "Rakennusliike Kivijalka Oy"),
    ("maija.korvapuusti@polku.example", ReporterRole.EMPLOYER, "Kahvila Korvapuusti"),
]
DEMO_GUESTS = [
    ("Sanna Lehtonen", ReporterRole.WORKPLACE_INSTRUCTOR, "Hoivakoti Kuusirinne"),
    ("Leevi Mäkinen", ReporterRole.STUDENT, "Rakennusliike Kivijalka Oy"),
    ("Tuomas Niemi", ReporterRole.TEACHER, "Esimerkkiopisto"),
]

# Who is in the demo's live session, and what each of them reported from a phone (Sanna is
# also on the sprint's list of participants: the summary counts her once).
DEMO_ROOM = [
    (
        "Sanna Lehtonen",
        ReporterRole.WORKPLACE_INSTRUCTOR,
        "Hoivakoti Kuusirinne",
        "En tiennyt, mitä HOKSissa luki, ennen kuin opiskelija oli jo aloittanut.",
    ),
    (
        "Jari Koskinen",
        ReporterRole.EMPLOYER,
        "Rakennusliike Kivijalka Oy",
        "Ohjaajan työaikaa ei ole varattu ohjaamiseen, kaikki tehdään muun työn ohessa.",
    ),
    (
        "Leevi Mäkinen",
        ReporterRole.STUDENT,
        "",
        "Ensimmäisellä viikolla kukaan ei kertonut, kehen otan yhteyttä. Vasta Sannalta kuulin, "
        "että ohjaajalle saa soittaa.",
    ),
]


@dataclass
class _Demo:
    """What the sprints are made of: the workspace, its people and the apprenticeship journey."""

    workspace: Workspace
    facilitator: User
    journey: Journey
    today: date

    def day(self, offset: int) -> date:
        """A date relative to the day the demo was loaded, so the sprints look recent."""
        return self.today + timedelta(days=offset)

    def user(self, email: str) -> User | None:
        """A demo member, unless they have left the workspace."""
        return next(
            (m.user for m in accounts.members_of(self.workspace) if m.user.email == email), None
        )

    def organisation_id(self, name: str) -> int | None:
        """A demo organisation, unless it was renamed or removed."""
        organisation = accounts.find_organisation(self.workspace, name)
        return organisation.id if organisation else None


def _demo_sprints(workspace: Workspace, facilitator: User) -> None:
    """A closed sprint on the apprenticeship journey, changes made after it, and the next sprint
    running, so its summary has something to compare with; each made once."""
    journey = next(
        (j for j in journey_services.journeys_of(workspace) if j.template_id == "apprenticeship"),
        None,
    )
    if journey is None:
        return
    demo = _Demo(workspace, facilitator, journey, date.today())
    titles = {s.title for s in sprint_services.sprints_of(workspace)}
    if DEMO_SPRINT not in titles:
        sprint = _first_sprint(demo)
        _changes_after(demo, sprint)
    if DEMO_NEXT_SPRINT not in titles:
        _next_sprint(demo)


def demo_live_session(workspace_name: str = DEMO_WORKSPACE) -> LiveSession | None:
    """The running demo sprint's live session, started anew (with a few people in the room)
    when the last one has ended or expired, so `make run` always shows a working join code."""
    workspace = db.session.scalar(select(Workspace).where(Workspace.name == workspace_name))
    sprint = next(
        (
            s
            for s in (sprint_services.sprints_of(workspace) if workspace else [])
            if s.title == DEMO_NEXT_SPRINT and s.is_running and s.journeys
        ),
        None,
    )
    if sprint is None:
        return None
    live = live_services.current_session(sprint)
    if live is not None and live.is_open(utcnow()):
        return live
    facilitator = accounts.get_user_by_email(DEMO_EMAIL)
    live = live_services.start_session(sprint, sprint.journeys[0], facilitator, hours=12)
    live_services.set_activity(
        live,
        sprint.phases[1].id if len(sprint.phases) > 1 else None,
        "Mikä työpaikkaohjaajan alussa menee pieleen?",
    )
    steps = journey_services.load_board(live.journey).steps
    for n, (name, role, organisation, text) in enumerate(DEMO_ROOM):
        guest = live_services.join(live, name, role, organisation)
        live_services.add_entry(
            live,
            guest,
            live_services.EntryData(
                EntryKind.POINT, text, steps[min(6 + n, len(steps) - 1)].id, severity=2 + n % 2
            ),
            None,
        )
    live_services.set_voting(live, True, 5, stacking=True)
    # The room has started voting: the first two guests' dots on what they heard most.
    ranked = [row.point.id for row in live_services.ranked_points(live)[:3]]
    for guest, point_ids in zip(live.guests, (ranked[:2] + ranked[:1], ranked[1:3]), strict=False):
        for point_id in point_ids:
            live_services.add_dot(live, guest, point_id, None)
    db.session.flush()
    return live


def _point(points: list[CriticalPoint], words: str) -> CriticalPoint | None:
    """The demo point whose title has these words; None if someone has changed it since."""
    return next((p for p in points if words in p.title), None)


def _ids(*points: CriticalPoint | None) -> list[int]:
    return [p.id for p in points if p is not None]


def _first_sprint(demo: _Demo) -> Sprint:
    """Two workshops and two trials on how an apprenticeship starts, closed with its snapshot."""
    sprint = sprint_services.create_sprint(
        demo.workspace,
        demo.facilitator,
        sprint_services.SprintData(
            title=DEMO_SPRINT,
            challenge=(
                "Miten voisimme tehdä oppisopimuksen alusta työnantajalle niin selkeän, että "
                "hän tietää ensimmäisestä yhteydenotosta lähtien, kenen kanssa asioi ja mitä "
                "häneltä odotetaan?"
            ),
            starts_on=demo.day(-49),
            ends_on=demo.day(-21),
            phases=DEMO_PHASES,
            journey_ids=[demo.journey.id],
        ),
    )
    sprint_services.start_sprint(sprint)
    for email, role, organisation in DEMO_PARTICIPANTS:
        user = demo.user(email)
        if user is not None:
            sprint_services.add_participant(
                sprint,
                sprint_services.ParticipantData(
                    user.id, user.name, role, demo.organisation_id(organisation), False
                ),
            )
    for name, role, organisation in DEMO_GUESTS:
        sprint_services.add_participant(
            sprint,
            sprint_services.ParticipantData(
                None, name, role, demo.organisation_id(organisation), False
            ),
        )

    points = sprint_services.points_in_scope(sprint)
    contact = _point(points, CONTACT_POINT)
    agreement_types = _point(points, "oppisopimus ja koulutussopimus")
    workplaces = _point(points, "oppimiseen sopivia työpaikkoja")
    aino, pekka, maija = (
        demo.facilitator,
        demo.user(DEMO_PARTICIPANTS[0][0]),
        demo.user(DEMO_PARTICIPANTS[1][0]),
    )
    # The room's dot votes put the changing contact person first.
    for point, voters in (
        (contact, [aino, pekka, maija]),
        (agreement_types, [pekka, maija]),
        (workplaces, [aino]),
    ):
        if point is None:
            continue
        voted = {v.user_id for v in point.votes}
        for user in voters:
            if user is not None and user.id not in voted:
                point_services.toggle_vote(point, user)

    _first_experiments(demo, sprint, contact, agreement_types)
    for decision in (
        sprint_services.DecisionData(
            text=(
                "Jokaiseen oppisopimukseen kirjataan nimetty yhteyshenkilö ja hänen "
                "varahenkilönsä. Käytäntö otetaan käyttöön kaikilla aloilla."
            ),
            owner_user_id=aino.id,
            owner_name="",
            owner_organisation_id=demo.organisation_id("Esimerkkiopisto"),
            due_on=demo.day(30),
            status=DecisionStatus.IN_PROGRESS,
        ),
        sprint_services.DecisionData(
            text=(
                "Sopimusmuotojen vertailu julkaistaan Yrittäjäyhdistyksen jäsenkirjeessä ja "
                "verkkosivuilla."
            ),
            owner_user_id=None,
            owner_name="Kari Lahtinen",
            owner_organisation_id=demo.organisation_id("Yrittäjäyhdistys"),
            due_on=demo.day(45),
            status=DecisionStatus.OPEN,
        ),
        sprint_services.DecisionData(
            text=(
                "Työpaikkaohjaaja perehdytetään työmaalla ennen seuraavan "
                "oppisopimusopiskelijan aloitusta; kokemukset tuodaan seuraavaan sprinttiin."
            ),
            owner_user_id=pekka.id if pekka else None,
            owner_name="" if pekka else "Pekka Kivijalka",
            owner_organisation_id=demo.organisation_id("Rakennusliike Kivijalka Oy"),
            due_on=demo.day(60),
            status=DecisionStatus.OPEN,
        ),
    ):
        sprint_services.add_decision(sprint, decision)
    sprint_services.close_sprint(sprint, demo.facilitator)
    return sprint


def _first_experiments(demo: _Demo, sprint: Sprint, contact, agreement_types) -> None:
    """One trial that ran and worked, one still running when the sprint closed."""
    contact_trial = sprint_services.ExperimentData(
        title="Yksi nimetty yhteyshenkilö koko oppisopimuksen ajan",
        hypothesis=(
            "Uskomme, että kun työnantajalla on sopimuksen alusta loppuun yksi nimetty "
            "yhteyshenkilö, oikean ihmisen etsiminen loppuu, koska työnantaja tietää heti, "
            "keneen ottaa yhteyttä."
        ),
        change=(
            "Oppisopimustoimisto nimeää kymmenelle uudelle oppisopimukselle yhteyshenkilön. "
            "Hänen nimensä ja puhelinnumeronsa kirjataan sopimukseen ja lähetetään "
            "työnantajalle tekstiviestinä."
        ),
        owner="Aino Kehittäjä",
        starts_on=demo.day(-42),
        ends_on=demo.day(-21),
        success_measure=(
            "Työnantaja tavoittaa oikean ihmisen ensimmäisellä yhteydenotolla vähintään "
            "kahdeksalla kerralla kymmenestä."
        ),
        result="",
        status=ExperimentStatus.RUNNING,
        point_ids=_ids(contact),
    )
    # Started first, so its point is marked as being tested, then reported back as it went.
    experiment = sprint_services.add_experiment(sprint, demo.facilitator, contact_trial)
    sprint_services.update_experiment(
        sprint,
        experiment,
        demo.facilitator,
        experiment.version,
        replace(
            contact_trial,
            result=(
                "Yhdeksän työnantajaa kymmenestä tavoitti oikean ihmisen ensimmäisellä "
                "soitolla. Kahvila Korvapuusti: ”Nyt tiedän, kenelle soitan.”"
            ),
            status=ExperimentStatus.SUCCEEDED,
        ),
    )
    sprint_services.add_experiment(
        sprint,
        demo.facilitator,
        sprint_services.ExperimentData(
            title="Yhden sivun vertailu: oppisopimus vai koulutussopimus",
            hypothesis=(
                "Uskomme, että yhden sivun vertailu auttaa työnantajaa valitsemaan "
                "sopimusmuodon jo ensimmäisessä puhelussa, koska erot palkassa, "
                "koulutuskorvauksessa ja työsuhteessa näkyvät yhdellä silmäyksellä."
            ),
            change=(
                "Vertailu jaetaan Yrittäjäyhdistyksen jäsenille ja oppisopimustoimiston "
                "neuvontapuheluissa. Työnantajilta kysytään kahden viikon päästä, mikä jäi "
                "epäselväksi."
            ),
            owner="Tuomas Niemi",
            starts_on=demo.day(-35),
            ends_on=demo.day(21),
            success_measure=(
                "Sopimusmuodosta kysytään neuvonnassa puolet vähemmän tarkentavia kysymyksiä "
                "kuin edellisenä syksynä."
            ),
            result="",
            status=ExperimentStatus.RUNNING,
            point_ids=_ids(agreement_types),
        ),
    )


def _changes_after(demo: _Demo, sprint: Sprint) -> None:
    """What the team changed on the journey once the first sprint had closed."""
    steps = {s.title: s for s in journey_services.load_board(demo.journey).steps}
    step = steps.get("Yhteydenotto oppisopimustoimistoon ja neuvonta")
    if step is not None:
        journey_services.update_step(
            demo.journey,
            demo.facilitator,
            step,
            step.version,
            journey_services.StepChange(
                title="Yhteydenotto oppisopimustoimistoon: nimetty yhteyshenkilö neuvoo",
                description=step.description,
                channel=step.channel,
                stage_id=step.stage_id,
                lane_id=step.lane_id,
                emotion_student=step.emotion_student,
                emotion_employer=step.emotion_employer,
            ),
        )
    contact = _point(sprint_services.points_in_scope(sprint), CONTACT_POINT)
    if contact is not None and contact.severity == 3:
        # The trial worked, so the room no longer rates it critical.
        point_services.update_point(
            demo.workspace,
            contact,
            demo.facilitator,
            contact.version,
            contact.title,
            contact.description,
            2,
            f"key:{contact.category.key}" if contact.category and contact.category.key else None,
        )
    compensation = steps.get("Sovitaan koulutuskorvauksesta")
    if compensation is not None:
        point_services.report_point(
            demo.workspace,
            demo.journey,
            demo.facilitator,
            point_services.NewPoint(
                step=compensation,
                title="Koulutuskorvauksen perusteet jäävät työnantajalle epäselviksi",
                description="Työnantaja ei tiedä, mistä korvauksen määrä riippuu eikä milloin se maksetaan.",
                severity=2,
                category="key:compensation",
                report=point_services.ReportData(
                    ReporterRole.EMPLOYER,
                    demo.organisation_id("Kahvila Korvapuusti"),
                    "Kuulin korvauksesta vasta, kun sopimus oli jo allekirjoitettu.",
                    "Palaute ensimmäisen sprintin jälkeen",
                    demo.day(-10),
                ),
            ),
        )


def _next_sprint(demo: _Demo) -> None:
    """The sprint under way now, on the same journey, with one trial planned."""
    sprint = sprint_services.create_sprint(
        demo.workspace,
        demo.facilitator,
        sprint_services.SprintData(
            title=DEMO_NEXT_SPRINT,
            challenge=(
                "Miten voisimme tukea työpaikkaohjaajaa niin, että hän tietää, mitä "
                "oppisopimusopiskelijan kanssa kuuluu tehdä ja keneltä hän saa apua?"
            ),
            starts_on=demo.day(-7),
            ends_on=demo.day(21),
            phases=DEMO_PHASES,
            journey_ids=[demo.journey.id],
        ),
    )
    sprint_services.start_sprint(sprint)
    pekka = demo.user(DEMO_PARTICIPANTS[0][0])
    if pekka is not None:
        sprint_services.add_participant(
            sprint,
            sprint_services.ParticipantData(
                pekka.id,
                pekka.name,
                ReporterRole.EMPLOYER,
                demo.organisation_id("Rakennusliike Kivijalka Oy"),
                False,
            ),
        )
    name, role, organisation = DEMO_GUESTS[0]
    sprint_services.add_participant(
        sprint,
        sprint_services.ParticipantData(
            None, name, role, demo.organisation_id(organisation), False
        ),
    )
    instructor = _point(sprint_services.points_in_scope(sprint), "työpaikkaohjaajaa")
    sprint_services.add_experiment(
        sprint,
        demo.facilitator,
        sprint_services.ExperimentData(
            title="Työpaikkaohjaajan aloituspaketti",
            hypothesis=(
                "Uskomme, että tiivis aloituspaketti ja puolen tunnin puhelu opettajan "
                "kanssa ensimmäisellä viikolla saavat ohjaajan tuntemaan tehtävänsä."
            ),
            change=(
                "Ohjaaja saa sopimuksen yhteydessä yhden sivun ohjeen, HOKSin tavoitteet "
                "tiivistettynä ja opettajan puhelinajan."
            ),
            owner="Tuomas Niemi",
            starts_on=demo.day(7),
            ends_on=demo.day(35),
            success_measure="Työelämäpalautteen ohjaajakyselyssä tiedonsaanti vähintään 4/5.",
            result="",
            status=ExperimentStatus.PLANNED,
            point_ids=_ids(instructor),
        ),
    )


def _demo_password(instance_path: Path, facilitator) -> str:
    """The password kept in the instance folder, or a new one if it no longer works."""
    path = instance_path / CREDENTIALS_FILE
    if path.is_file():
        password = path.read_text().strip()
        if password and check_password_hash(facilitator.password_hash, password):
            return password
    password = secrets.token_urlsafe(12)
    accounts.set_password(facilitator, password)
    instance_path.mkdir(parents=True, exist_ok=True)
    path.write_text(password + "\n")
    path.chmod(0o600)
    return password
