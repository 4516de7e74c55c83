"""The audit log: what real flows leave in it, the administrators' page, its CSV and pruning."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import page, text_of
from tests.integration.test_critical_points import make_point, url
from workshop import clock
from workshop.audit import services as audit
from workshop.audit.models import Action, ActorKind, AuditEvent
from workshop.extensions import db
from workshop.journeys.models import Journey
from workshop.models_base import utcnow


def events(**where) -> list[AuditEvent]:
    """The events matching, oldest first."""
    query = select(AuditEvent).order_by(AuditEvent.id)
    for key, value in where.items():
        query = query.where(getattr(AuditEvent, key) == value)
    db.session.expire_all()
    return list(db.session.scalars(query))


def test_a_journey_made_from_a_template_is_one_event_by_its_maker(client, team, login):
    login(team["participant"])
    workspace_id = team["workspace"].id
    response = client.post(
        f"/w/{workspace_id}/journeys/new",
        data={"name": "Koulutussopimus 2026", "template": "training_agreement",
              "kind": "custom", "language": "fi", "description": ""},
    )
    assert response.status_code == 303
    journey = db.session.scalar(select(Journey).where(Journey.name == "Koulutussopimus 2026"))
    made = events(action=Action.CREATE, actor_id=team["participant"].id)
    assert [(e.object_type, e.object_id) for e in made] == [("journey", journey.id)]
    assert made[0].actor_kind == ActorKind.MEMBER and made[0].workspace_id == workspace_id
    # Its stages, lanes and steps came with it: no event of their own.
    assert events(object_type="step") == []


def test_editing_a_point_names_the_fields_never_what_was_written(client, team, journey, login):
    point = make_point(journey, team["facilitator"], title="Alkuperäinen")
    login(team["participant"])
    response = client.post(
        url(journey, f"points/{point.id}/edit"),
        data={"title": "Paavo Virtanen soitti", "severity": "1", "category": "", "version": "1"},
    )
    assert response.status_code == 303
    (changed,) = events(action=Action.CHANGE, object_type="critical_point")
    assert changed.object_id == point.id and changed.workspace_id == journey.workspace_id
    assert changed.actor_id == team["participant"].id
    assert changed.detail.startswith("fields: ") and "title" in changed.detail
    assert "severity" in changed.detail
    for event in events():
        assert "Paavo" not in event.detail and "@" not in event.detail
        assert "Virtanen" not in event.detail


def test_a_password_sign_in_is_recorded(client, team, login):
    login(team["observer"])
    (signed,) = events(action=Action.SIGN_IN)
    assert (signed.object_type, signed.object_id) == ("user", team["observer"].id)
    assert signed.actor_id == team["observer"].id and signed.detail == "password"


def test_a_failed_sign_in_is_not_a_sign_in(client, team):
    response = client.post("/login", data={"email": team["observer"].email, "password": "nope"})
    assert response.status_code == 422
    assert events(action=Action.SIGN_IN) == []


def test_the_points_csv_download_is_an_export(client, team, journey, login):
    login(team["observer"])
    response = client.get(url(journey, "points.csv"))
    assert response.status_code == 200
    (exported,) = events(action=Action.EXPORT)
    assert (exported.object_type, exported.object_id) == ("journey", journey.id)
    assert exported.workspace_id == journey.workspace_id and exported.detail == "csv"
    assert exported.actor_id == team["observer"].id


def test_prune_removes_what_is_older_than_the_setting(app, monkeypatch):
    audit.record(Action.EXPORT, "journey", 1, workspace_id=1, detail="csv")
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["audit", "prune"])
    assert "removed: 0" in result.output and len(events()) == 1
    later = utcnow() + timedelta(days=731)
    monkeypatch.setattr(clock, "now", lambda: later)
    result = runner.invoke(args=["audit", "prune"])
    assert "removed: 1" in result.output and events() == []
