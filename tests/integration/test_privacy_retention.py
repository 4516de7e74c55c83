"""Guests' names leave POLKU_GUEST_NAME_DAYS days after their workshop ended, moved by the clock:
on the guest, the sprint's participant of the same name, captures and the frozen snapshot."""

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.integration.test_privacy_people import started_sprint
from workshop import clock, create_app
from workshop.audit.models import Action, ActorKind, AuditEvent
from workshop.config import ConfigError
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.live import services as live_services
from workshop.live.models import Guest
from workshop.sprints import services as sprints
from workshop.sprints.models import Participant, Snapshot

NAME = "Ville Vieras"


@pytest.fixture
def ended(team):
    """A workshop Ville joined, ended and its sprint closed (Ville is also listed as a sprint
    participant); and Kaisa's workshop, never ended, whose code runs out in 12 hours."""
    sprint, journey = started_sprint(team, NAME, ReporterRole.STUDENT)
    live = live_services.start_session(sprint, journey, team.facilitator, 12)
    guest = live_services.join(live, NAME, ReporterRole.STUDENT, "Opisto")
    live_services.end_session(live)
    sprints.close_sprint(sprint, team.facilitator)
    other = sprints.create_sprint(
        team.workspace,
        team.facilitator,
        sprints.SprintData("Toinen", "", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(other)
    later = live_services.start_session(other, journey, team.facilitator, 12)
    kept = live_services.join(later, "Kaisa Kävijä", ReporterRole.EMPLOYER, "")
    db.session.commit()
    return {"guest": guest, "kept": kept, "sprint": sprint, "ended_at": live.ended_at}


def _run(app, monkeypatch, at):
    monkeypatch.setattr(clock, "now", lambda: at)
    result = app.test_cli_runner().invoke(args=["privacy", "retention"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_names_stay_until_their_days_are_up_then_leave_once(app, monkeypatch, ended):
    ended_at = ended["ended_at"]
    output = _run(app, monkeypatch, ended_at + timedelta(days=89))
    assert "removed 0" in output
    assert db.session.get(Guest, ended["guest"].id).display_name == NAME

    output = _run(app, monkeypatch, ended_at + timedelta(days=90, minutes=1))
    assert "removed 1" in output
    guest = db.session.get(Guest, ended["guest"].id)
    assert guest.display_name == "Nimi poistettu"  # the deployment's language, Finnish
    assert guest.role == ReporterRole.STUDENT and guest.organisation_label == "Opisto"
    names = db.session.scalars(
        select(Participant.name).where(Participant.sprint_id == ended["sprint"].id)
    ).all()
    assert NAME not in names and "Nimi poistettu" in names
    snapshot = db.session.scalar(select(Snapshot).where(Snapshot.sprint_id == ended["sprint"].id))
    assert NAME not in json.dumps(snapshot.document, ensure_ascii=False)
    # The open workshop's guest keeps her name.
    assert db.session.get(Guest, ended["kept"].id).display_name == "Kaisa Kävijä"

    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.ERASE)).all()
    assert len(events) == 1 and events[0].actor_kind == ActorKind.SYSTEM
    assert "Ville" not in events[0].detail

    output = _run(app, monkeypatch, ended_at + timedelta(days=90, minutes=2))
    assert "removed 0" in output
    assert (
        len(db.session.scalars(select(AuditEvent).where(AuditEvent.action == Action.ERASE)).all())
        == 1
    )

    # A workshop nobody ended ends when its code runs out.
    output = _run(app, monkeypatch, ended_at + timedelta(days=91))
    assert "removed 1" in output
    assert db.session.get(Guest, ended["kept"].id).display_name == "Nimi poistettu"


def test_the_days_come_from_the_settings(make_app, monkeypatch, tmp_path):
    app = make_app(GUEST_NAME_DAYS=7)
    assert app.config["GUEST_NAME_DAYS"] == 7
    monkeypatch.setenv("POLKU_GUEST_NAME_DAYS", "30")
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    from_env = create_app()
    assert from_env.config["GUEST_NAME_DAYS"] == 30
    from_env.extensions["polku_pdf"].close()


@pytest.mark.parametrize("days", [0, -1, "many", True])
def test_a_wrong_number_of_days_stops_the_app(days):
    with pytest.raises(ConfigError, match="GUEST_NAME_DAYS"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "GUEST_NAME_DAYS": days})
