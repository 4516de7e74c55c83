"""Follow-up: the check-in schedule as days pass, status changes with their history, links
without an account (valid, revoked, foreign), and a sprint decision owned by a partner."""

from datetime import date

import pytest

from tests.conftest import page, text_of
from workshop import clock
from workshop.extensions import db
from workshop.followup import links
from workshop.followup import services as followup
from workshop.followup.models import CheckInKind, EventKind, FollowStatus, FollowUp, LinkRole
from workshop.sprints import services as sprints
from workshop.sprints.models import DecisionStatus, ExperimentStatus

AGREED = date(2027, 2, 1)


@pytest.fixture
def follow_up(team):
    made = followup.create_follow_up(
        team.workspace,
        team.facilitator,
        "Ohjaajien perehdytys",
        AGREED,
        date(2027, 6, 30),
        owner_user=team.participant,
    )
    db.session.commit()
    return made


def _witness_link(follow_up, name="Eeva"):
    link = links.create_link(follow_up, LinkRole.WITNESS, name, "Kasvu Oy")
    db.session.commit()
    return link


def _move_clock(monkeypatch, day):
    monkeypatch.setattr(clock, "today", lambda: day)


def _due_text(client, team):
    return text_of(client.get(f"/w/{team.workspace.id}/"))


def test_a_check_in_comes_due_turns_overdue_and_leaves_the_start_page_once_recorded(
    team, follow_up, client, login, monkeypatch
):
    login(team.facilitator)
    _move_clock(monkeypatch, date(2027, 3, 2))
    assert "Check-ins due" not in _due_text(client, team)
    _move_clock(monkeypatch, date(2027, 3, 3))
    shown = _due_text(client, team)
    assert "Ohjaajien perehdytys" in shown and "Overdue" not in shown
    _move_clock(monkeypatch, date(2027, 3, 18))
    assert "Overdue" in _due_text(client, team)
    listing = text_of(client.get(f"/w/{team.workspace.id}/follow-up/"))
    assert "Overdue" in listing
    response = client.post(
        f"/w/{team.workspace.id}/follow-up/{follow_up.id}/check-ins",
        data={"kind": "first_step", "note": "Esitelty johtoryhmälle."},
    )
    assert response.status_code == 303
    assert "Check-ins due" not in _due_text(client, team)
    db.session.refresh(follow_up)
    first = follow_up.check_ins[0]
    assert first.kind == CheckInKind.FIRST_STEP and first.done_by_id == team.facilitator.id


def test_the_outcome_check_in_needs_a_note_and_keeps_nothing_half_done(
    team, follow_up, client, login
):
    login(team.participant)
    url = f"/w/{team.workspace.id}/follow-up/{follow_up.id}/check-ins"
    response = client.post(url, data={"kind": "outcome", "note": " "})
    assert response.status_code == 422
    assert "Write what you want to say first." in text_of(response)
    response = client.post(url, data={"kind": "<forged>", "note": "x"})
    assert response.status_code == 422
    db.session.refresh(follow_up)
    assert all(c.done_at is None for c in follow_up.check_ins)


def test_status_changes_keep_history_and_done_sets_its_moment(team, follow_up, client, login):
    login(team.participant)
    url = f"/w/{team.workspace.id}/follow-up/{follow_up.id}/status"
    assert client.post(url, data={"status": "in_progress", "version": "1"}).status_code == 303
    assert client.post(url, data={"status": "done", "version": "2"}).status_code == 303
    db.session.refresh(follow_up)
    assert follow_up.status == FollowStatus.DONE and follow_up.done_at is not None
    moves = [(e.from_status, e.to_status) for e in follow_up.events if e.kind == EventKind.STATUS]
    assert moves == [("open", "in_progress"), ("in_progress", "done")]


def test_a_forged_status_a_stale_form_and_a_drop_without_reason_are_refused(
    team, follow_up, client, login
):
    login(team.participant)
    url = f"/w/{team.workspace.id}/follow-up/{follow_up.id}/status"
    forged = client.post(url, data={"status": "finished", "version": "1"})
    assert forged.status_code == 422
    assert "Choose one of the statuses in the list." in text_of(forged)
    no_reason = client.post(url, data={"status": "dropped", "version": "1"})
    assert no_reason.status_code == 422
    assert client.post(url, data={"status": "in_progress", "version": "1"}).status_code == 303
    stale = client.post(
        url, data={"status": "dropped", "reason": "Ei rahoitusta tänä vuonna", "version": "1"}
    )
    assert stale.status_code == 409
    assert "Ei rahoitusta tänä vuonna" in stale.get_data(as_text=True)
    db.session.refresh(follow_up)
    assert follow_up.status == FollowStatus.IN_PROGRESS and follow_up.version == 2


def test_a_witness_link_shows_progress_and_takes_a_comment_and_a_confirmation(
    team, follow_up, client
):
    link = _witness_link(follow_up)
    token = links.link_token(link)
    shown = text_of(client.get(f"/f/{token}"))
    assert "Ohjaajien perehdytys" in shown and "Fiia" not in shown
    response = client.post(
        f"/f/{token}/comment", data={"text": "Näin perehdytyksen.", "follow_up": follow_up.id}
    )
    assert response.status_code == 303
    response = client.post(
        f"/f/{token}/comment",
        data={"text": "Hyvä.", "follow_up": follow_up.id, "confirm": "yes"},
    )
    assert response.status_code == 303
    db.session.refresh(follow_up)
    kinds = [e.kind for e in follow_up.events]
    assert EventKind.COMMENT in kinds and EventKind.CONFIRM in kinds
    assert follow_up.check_ins[1].done_by_link_id == link.id
    # A witness cannot move the status.
    status = client.post(
        f"/f/{token}/status", data={"status": "done", "version": "1", "follow_up": follow_up.id}
    )
    assert status.status_code == 403
    assert follow_up.status == FollowStatus.OPEN


def test_a_revoked_forged_or_foreign_link_changes_nothing(
    team, follow_up, client, login, make_team
):
    link = _witness_link(follow_up)
    token = links.link_token(link)
    other = followup.create_follow_up(team.workspace, team.facilitator, "Toinen", AGREED)
    elsewhere = make_team(workspace="Muu", facilitator="Kaisa", participant=None, observer=None)
    far = followup.create_follow_up(elsewhere.workspace, elsewhere.facilitator, "Kaukana", AGREED)
    db.session.commit()
    for target in (other, far):
        response = client.post(f"/f/{token}/comment", data={"text": "x", "follow_up": target.id})
        assert response.status_code == 409
        assert "another follow-up" in text_of(response)
    for bad in ("<script>", "A" * 43, token[:-2]):
        response = client.get(f"/f/{bad}")
        assert response.status_code == 404
        assert "This link does not work" in text_of(response)
    links.revoke_link(link, team.facilitator)
    db.session.commit()
    response = client.post(
        f"/f/{token}/comment", data={"text": "myöhässä", "follow_up": follow_up.id}
    )
    assert response.status_code == 404
    db.session.refresh(follow_up)
    assert not [e for e in follow_up.events if e.kind == EventKind.COMMENT]
    assert not [e for e in other.events if e.kind == EventKind.COMMENT]


def test_revoking_a_link_asks_first_without_javascript(team, follow_up, client, login):
    link = _witness_link(follow_up)
    login(team.facilitator)
    url = f"/w/{team.workspace.id}/follow-up/{follow_up.id}/links/{link.id}/revoke"
    asked = client.post(url)
    assert asked.status_code == 200 and "Withdraw the link of Eeva?" in text_of(asked)
    assert links.link_for_token(links.link_token(link)) is link
    assert client.post(url, data={"confirmed": "yes"}).status_code == 303
    assert links.link_for_token(links.link_token(link)) is None


def test_a_partner_owned_sprint_decision_is_followed_up_through_the_owners_link(
    team, client, login
):
    sprint = sprints.create_sprint(
        team.workspace, team.facilitator, sprints.SprintData("Sprintti", "", None, None, [], [])
    )
    decision = sprints.add_decision(
        sprint,
        sprints.DecisionData(
            "Yritys ottaa kaksi harjoittelijaa",
            None,
            "Maija Yrittäjä",
            None,
            date(2027, 5, 31),
            DecisionStatus.OPEN,
        ),
    )
    db.session.commit()
    login(team.participant)
    sprint_page = page(client.get(f"/w/{team.workspace.id}/sprints/{sprint.id}"))
    action = f"/w/{team.workspace.id}/follow-up/sprints/{sprint.id}/decisions/{decision.id}"
    assert sprint_page.find("form", action=action) is not None
    response = client.post(action)
    assert response.status_code == 303
    follow_up = db.session.scalars(db.select(FollowUp)).one()
    assert follow_up.owner_name == "Maija Yrittäjä" and follow_up.due_on == date(2027, 5, 31)
    assert client.post(action).headers["Location"].endswith(f"/follow-up/{follow_up.id}")
    owner_link = links.live_link(follow_up, LinkRole.OWNER)
    token = links.link_token(owner_link)
    client.post("/logout")
    with client.session_transaction() as browser:
        browser.clear()
    response = client.post(
        f"/f/{token}/status",
        data={
            "status": "in_progress",
            "version": str(follow_up.version),
            "follow_up": follow_up.id,
        },
    )
    assert response.status_code == 303
    response = client.post(
        f"/f/{token}/check-in",
        data={"kind": "first_step", "note": "Haastattelut sovittu.", "follow_up": follow_up.id},
    )
    assert response.status_code == 303
    db.session.refresh(decision)
    assert decision.status == DecisionStatus.IN_PROGRESS
    assert follow_up.check_ins[0].done_by_link_id == owner_link.id


def test_a_followed_experiment_keeps_its_own_status_in_step(team, client, login):
    sprint = sprints.create_sprint(
        team.workspace, team.facilitator, sprints.SprintData("Sprintti", "", None, None, [], [])
    )
    experiment = sprints.add_experiment(
        sprint,
        team.facilitator,
        sprints.ExperimentData(
            title="Perehdytysvideo",
            hypothesis="",
            change="",
            owner="Kalle Kumppani",
            starts_on=None,
            ends_on=date(2027, 4, 30),
            success_measure="",
            result="",
            status=ExperimentStatus.PLANNED,
            point_ids=[],
        ),
    )
    db.session.commit()
    login(team.participant)
    action = f"/w/{team.workspace.id}/follow-up/sprints/{sprint.id}/experiments/{experiment.id}"
    assert client.post(action).status_code == 303
    follow_up = db.session.scalars(db.select(FollowUp)).one()
    assert links.live_link(follow_up, LinkRole.OWNER).name == "Kalle Kumppani"
    url = f"/w/{team.workspace.id}/follow-up/{follow_up.id}/status"
    reason = {"reason": "Kumppani vetäytyi"}
    assert client.post(url, data={"status": "dropped", "version": "1", **reason}).status_code == 303
    db.session.refresh(experiment)
    assert experiment.status == ExperimentStatus.STOPPED
    assert "Kumppani vetäytyi" in text_of(
        client.get(f"/w/{team.workspace.id}/follow-up/{follow_up.id}")
    )


def test_wrong_tokens_and_posts_through_links_are_limited_per_address(make_app, follow_up):
    token = links.link_token(_witness_link(follow_up))
    limited = make_app(FOLLOW_LINK_LIMIT_PER_ADDRESS="3 per minute")
    guesser = limited.test_client()
    guesser.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    for n in range(3):
        assert guesser.get(f"/f/guess{n:020d}").status_code == 404
    assert guesser.get("/f/guess-once-more-0000000").status_code == 429
    writer = limited.test_client()
    writer.environ_base["REMOTE_ADDR"] = "198.51.100.8"
    for n in range(3):
        sent = writer.post(f"/f/{token}/comment", data={"text": f"{n}", "follow_up": follow_up.id})
        assert sent.status_code == 303
    flood = writer.post(f"/f/{token}/comment", data={"text": "x", "follow_up": follow_up.id})
    assert flood.status_code == 429
    assert "Too many tries from this network" in text_of(flood)
    db.session.expire_all()
    assert len([e for e in follow_up.events if e.kind == EventKind.COMMENT]) == 3


def test_the_due_list_says_what_its_date_is_and_a_due_check_in_is_not_called_a_due_date(
    team, follow_up, client, login, monkeypatch
):
    login(team.facilitator)
    _move_clock(monkeypatch, date(2027, 3, 3))
    fi = {"Accept-Language": "fi"}
    start = text_of(client.get(f"/w/{team.workspace.id}/", headers=fi))
    assert "Määräpäivä 3.3.2027" in start and "Ajankohtainen" in start
    detail = page(client.get(f"/w/{team.workspace.id}/follow-up/{follow_up.id}", headers=fi))
    assert [s.get_text() for s in detail.select(".check-ins .status")] == ["Ajankohtainen"]
    assert "Määräpäivä" in [dt.get_text() for dt in detail.select("dt")]


def test_the_follow_up_list_leads_to_the_calendar_address(team, client, login):
    login(team.participant)
    listing = page(client.get(f"/w/{team.workspace.id}/follow-up/"))
    calendar = f"/w/{team.workspace.id}/follow-up/calendar"
    assert calendar in [a["href"] for a in listing.select("main a")]
