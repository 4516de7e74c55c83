"""The audit log: what real flows leave in it, the administrators' page, its CSV and pruning."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import page, text_of
from tests.integration.test_critical_points import make_point, url
from tests.integration.test_live import console_url, control, dot, join, send_point, steps
from tests.integration.test_sprints import running_sprint, share
from workshop import clock
from workshop.audit import services as audit
from workshop.audit import tracking
from workshop.audit.models import Action, ActorKind, AuditEvent
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db
from workshop.journeys.models import Journey
from workshop.live import services as live_services
from workshop.live.models import Guest
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
        data={
            "name": "Koulutussopimus 2026",
            "template": "training_agreement",
            "kind": "custom",
            "language": "fi",
            "description": "",
        },
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


@pytest.fixture
def room(client, login, team, journey):
    """A running sprint whose live session the signed-in facilitator has started."""
    running = running_sprint(team, journey)
    db.session.commit()
    login(team["facilitator"])
    started = client.post(
        console_url(team, running) + "start", data={"journey": journey.id, "budget": 3}
    )
    assert started.status_code == 303
    return live_services.current_session(running)


def test_a_guest_removed_from_a_workshop_is_a_removal_by_the_facilitator(client, team, room):
    guest_client = client.application.test_client()
    assert join(guest_client, room, name="Eija Esimerkki").status_code == 303
    assert send_point(guest_client, room, steps(room)[0]).status_code in (200, 303)
    guest = db.session.scalar(select(Guest))
    made = events(object_type="live_guest", action=Action.CREATE)
    assert [(e.object_id, e.actor_kind) for e in made] == [(guest.id, ActorKind.GUEST)]
    reported = events(object_type="critical_point", action=Action.CREATE)
    assert reported[-1].actor_kind == ActorKind.GUEST
    removal = f"{console_url(team, room.sprint)}{room.id}/people/{guest.id}/remove"
    assert client.post(removal, data={"reason": "Eija Esimerkki kiusasi"}).status_code == 303
    (removed,) = events(object_type="live_guest", action=Action.REMOVE)
    assert removed.object_id == guest.id and removed.workspace_id == team["workspace"].id
    assert removed.actor_id == team["facilitator"].id and removed.detail == ""
    assert not [e for e in events() if "Eija" in e.detail or "kiusasi" in e.detail]


def test_share_links_made_withdrawn_and_used_at_most_once_a_day(
    client, team, journey, login, monkeypatch
):
    running = running_sprint(team, journey)
    db.session.commit()
    login(team["facilitator"])
    path = share(client, team, running).split("localhost", 1)[-1]
    (made,) = events(action=Action.SHARE)
    assert (made.object_type, made.detail) == ("share_link", "created")
    assert made.workspace_id == team["workspace"].id
    outsider = client.application.test_client()
    for _ in range(3):
        assert outsider.get(path).status_code == 200
    (used,) = events(action=Action.SHARE_USE)
    assert (used.actor_kind, used.actor_id) == (ActorKind.LINK, None)
    assert (used.object_type, used.object_id) == ("share_link", made.object_id)
    later = utcnow() + timedelta(days=1, minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert outsider.get(path).status_code == 200
    assert len(events(action=Action.SHARE_USE)) == 2

    revoke = f"/w/{team['workspace'].id}/sprints/{running.id}/share/{made.object_id}/revoke"
    assert client.post(revoke, data={"confirmed": "yes"}).status_code == 303
    assert [e.detail for e in events(action=Action.SHARE)] == ["created", "revoked"]
    assert outsider.get(path).status_code == 410
    assert len(events(action=Action.SHARE_USE)) == 2


@pytest.fixture
def admin(team, login):
    """The facilitator is an administrator and signed in."""
    team["facilitator"].is_admin = True
    db.session.commit()
    login(team["facilitator"])
    return team["facilitator"]


def test_only_administrators_see_the_log(client, team, login):
    login(team["facilitator"])
    assert client.get("/admin/audit/").status_code == 404
    assert client.get("/admin/audit/audit.csv").status_code == 404


def test_the_page_names_who_did_what_newest_first(client, team, journey, admin, make_user):
    gone = make_user(name="Poistuva Pekka")
    audit.record(
        Action.EXPORT,
        "journey",
        journey.id,
        workspace_id=journey.workspace_id,
        actor_id=gone.id,
        detail="csv",
    )
    audit.record(
        Action.CHANGE,
        "journey",
        journey.id,
        workspace_id=journey.workspace_id,
        actor_kind=ActorKind.GUEST,
        detail="fields: name",
    )
    db.session.commit()
    db.session.delete(gone)
    db.session.commit()
    response = client.get("/admin/audit/")
    assert response.status_code == 200
    rows = [
        [cell.get_text(" ", strip=True) for cell in tr.select("th, td")]
        for tr in page(response).select("table.audit-log tbody tr")
    ]
    assert rows[0][1:] == [
        "guest",
        "changed",
        f"journey {journey.id}",
        "Test workspace",
        "fields: name",
    ]
    assert rows[1][1:3] == ["removed account", "exported"]
    link = page(response).select_one(f"table.audit-log a[href$='/journeys/{journey.id}/']")
    assert link is not None
    assert any(row[1] == team["facilitator"].name and row[2] == "signed in" for row in rows)


def test_filters_narrow_the_log_and_bad_values_are_named(client, team, journey, admin):
    audit.record(Action.EXPORT, "journey", journey.id, workspace_id=999, detail="csv")
    db.session.commit()
    narrowed = client.get("/admin/audit/?workspace=&action=export&object_type=journey")
    assert narrowed.status_code == 200
    assert "1 event" in text_of(narrowed)
    today = clock.today().isoformat()
    for query in (f"?since={today}&until={today}&action=export", "?page=2&action=export"):
        assert client.get("/admin/audit/" + query).status_code == 200
    bad = client.get("/admin/audit/?since=eilen&until=2026-02-30&action=rm%20-rf&workspace=x")
    assert bad.status_code == 422
    shown = text_of(bad)
    assert "Give a date as YYYY-MM-DD" in shown and "Choose one of the values offered." in shown
    backwards = client.get("/admin/audit/?since=2026-12-07&until=2026-12-01")
    assert "The end date is before the start date." in text_of(backwards)
    for odd in ("99999999999999999999", "%C2%B2", "-1", "0"):
        assert client.get(f"/admin/audit/?page={odd}&workspace={odd}").status_code in (200, 422)


def test_the_csv_is_the_filtered_log_and_an_export_itself(client, team, journey, admin):
    audit.record(
        Action.EXPORT,
        "journey",
        journey.id,
        workspace_id=journey.workspace_id,
        detail="=HYPERLINK(1)",
    )
    db.session.commit()
    response = client.get("/admin/audit/audit.csv?action=export")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert lines[0][0] == "When (UTC)" and len(lines) == 2
    assert lines[1][-1] == "'=HYPERLINK(1)"
    (logged,) = events(object_type="audit_log")
    assert (logged.action, logged.actor_id) == (Action.EXPORT, admin.id)


def test_each_content_table_reaches_its_workspace_and_noise_is_not_tracked(app):
    routes = tracking.routes()
    assert routes["report"].columns == ("point_id", "journey_id", "workspace_id")
    assert routes["live_guest"].columns[-1] == "workspace_id"
    assert routes["sparring_commitment"].columns[0] == "session_id"
    for table in (
        "journey",
        "step",
        "critical_point",
        "vote",
        "sprint",
        "experiment",
        "decision",
        "membership",
        "invitation",
        "organisation",
        "category",
        "survey_round",
        "sparring_series",
        "sparring_session",
        "follow_up",
        "follow_up_check_in",
        "share_link",
        "live_entry",
        "coaching_theme",
    ):
        assert table in routes, table
    for table in (
        "live_dot",
        "activity",
        "survey_response",
        "survey_answer",
        "audit_event",
        "user",
        "login_failure",
        "follow_up_event",
    ):
        assert table not in routes, table


def test_dots_and_the_timer_leave_nothing_but_opening_the_vote_does(client, team, room):
    guest_client = client.application.test_client()
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0])
    point = db.session.scalar(select(CriticalPoint))
    before = len(events())
    assert (
        control(client, team, room.sprint, room, "timer", action="start", minutes=5).status_code
        == 303
    )
    assert len(events()) == before
    control(client, team, room.sprint, room, "voting", action="open", budget=3, stacking="y")
    (opened,) = events()[before:]
    assert (opened.object_type, opened.action) == ("live_session", Action.CHANGE)
    assert "voting_open" in opened.detail
    for _ in range(3):
        dot(guest_client, room, point)
    assert len(events()) == before + 1
