"""Demo content for a first look at Polku: a workspace with partners and a facilitator."""

import secrets
from pathlib import Path

from sqlalchemy import select
from werkzeug.security import check_password_hash

from workshop.accounts import services as accounts
from workshop.accounts.models import Membership, OrganisationKind, Role, Workspace
from workshop.critical_points import services as point_services
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journey_templates import services as template_services
from workshop.journeys import services as journey_services
from workshop.journeys.models import JourneyKind

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
        steps[1],
        facilitator,
        "Yhteyshenkilö vaihtuu kesken prosessin",
        "Työnantaja ei tiedä, kenelle soittaa, kun opettaja vaihtuu.",
        3,
        "key:contact_person",
        point_services.ReportData(
            ReporterRole.EMPLOYER,
            employer.id,
            "Soitin kolme kertaa ennen kuin löysin oikean ihmisen.",
            "Työpaja 1",
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
