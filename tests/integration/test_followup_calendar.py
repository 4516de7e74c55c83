"""The owners' calendar feeds: a member's (by a derived address) and an outside owner's (by
their link), parsed back with icalendar."""

from datetime import date, timedelta

from icalendar import Calendar

from workshop import tokens
from workshop.extensions import db
from workshop.followup import calendar
from workshop.followup import services as followup
from workshop.followup.models import FollowUpLink, LinkRole
from workshop.models_base import utcnow

AGREED = date(2027, 2, 1)


def _events(data: bytes) -> dict:
    return {str(e["uid"]): e for e in Calendar.from_ical(data).walk("VEVENT")}


def _owned(team, title="Harjoittelun palaute", owner=None, **kwargs):
    follow_up = followup.create_follow_up(
        team.workspace,
        team.facilitator,
        title,
        AGREED,
        due_on=date(2027, 6, 30),
        owner_user=owner or team.participant,
        **kwargs,
    )
    db.session.commit()
    return follow_up


def test_a_member_feed_has_each_open_check_in_and_the_due_date(client, login, team):
    team.participant.preferred_language = "fi"
    follow_up = _owned(team)
    first = follow_up.check_ins[0]
    first.done_at = utcnow()
    db.session.commit()
    login(team.participant)
    page = client.get(f"/w/{team.workspace.id}/follow-up/calendar")
    assert page.status_code == 200
    url = calendar_url = page.text.split('id="feed-url"')[1].split('value="')[1].split('"')[0]
    assert f"/f/calendar/{team.participant.id}/" in calendar_url
    client.post("/logout")

    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    events = _events(response.data)
    witness, outcome = follow_up.check_ins[1], follow_up.check_ins[2]
    assert set(events) == {
        f"check-in-{witness.id}@polku",
        f"check-in-{outcome.id}@polku",
        f"due-{follow_up.id}@polku",
    }
    event = events[f"check-in-{witness.id}@polku"]
    assert event.decoded("dtstart") == date(2027, 5, 1)
    assert event.decoded("dtend") == date(2027, 5, 2)
    assert str(event["summary"]) == "Harjoittelun palaute – tila todentajan kanssa"
    assert str(event["url"]).endswith(f"/w/{team.workspace.id}/follow-up/{follow_up.id}")
    assert events[f"due-{follow_up.id}@polku"].decoded("dtstart") == date(2027, 6, 30)
    # The same check-in keeps its UID, so a calendar updates it instead of adding another.
    assert set(_events(client.get(url.removeprefix("http://localhost")).data)) == set(events)


def test_a_feed_leaves_out_others_and_finished_follow_ups(client, team):
    mine = _owned(team, "Mine")
    _owned(team, "Someone else's", owner=team.facilitator)
    done = _owned(team, "Done already")
    done.status = "done"
    db.session.commit()
    token = calendar.user_feed_token(team.participant)
    events = _events(client.get(f"/f/calendar/{team.participant.id}/{token}.ics").data)
    assert {str(e["summary"]).split(" – ")[0] for e in events.values()} == {mine.title}


def test_a_wrong_or_old_member_feed_address_is_not_found(client, team):
    _owned(team)
    token = calendar.user_feed_token(team.participant)
    other = calendar.user_feed_token(team.observer)
    assert client.get(f"/f/calendar/{team.participant.id}/{other}.ics").status_code == 404
    assert client.get(f"/f/calendar/999999/{token}.ics").status_code == 404
    assert client.get(f"/f/calendar/{team.participant.id}/<x>.ics").status_code == 404
    # A new password gives a new address; the old one stops working.
    team.participant.password_hash += "x"
    db.session.commit()
    assert client.get(f"/f/calendar/{team.participant.id}/{token}.ics").status_code == 404


def _owner_link(follow_up, role=LinkRole.OWNER):
    token, token_hash = tokens.new_token()
    link = FollowUpLink(follow_up=follow_up, role=role, name="Olga Ulkoinen", token_hash=token_hash)
    db.session.add(link)
    db.session.commit()
    return link, token


def test_an_outside_owner_feed_follows_their_link_until_revoked(client, team):
    follow_up = followup.create_follow_up(
        team.workspace,
        team.facilitator,
        "Työpaikkaohjaajien koulutus",
        AGREED,
        owner_name="Olga Ulkoinen",
        owner_organisation="Kasvu Oy",
    )
    db.session.commit()
    link, token = _owner_link(follow_up)
    response = client.get(f"/f/{token}/calendar.ics?lang=en")
    assert response.status_code == 200
    events = _events(response.data)
    assert len(events) == 3  # three check-ins, no due date
    first = events[f"check-in-{follow_up.check_ins[0].id}@polku"]
    assert first.decoded("dtstart") == AGREED + timedelta(days=30)
    assert str(first["summary"]) == "Työpaikkaohjaajien koulutus – first step confirmed"
    assert str(first["url"]).endswith(f"/f/{token}")

    _witness, witness_token = _owner_link(follow_up, LinkRole.WITNESS)
    assert client.get(f"/f/{witness_token}/calendar.ics").status_code == 404
    link.revoked_at = utcnow()
    db.session.commit()
    assert client.get(f"/f/{token}/calendar.ics").status_code == 404
    assert client.get("/f/not-a-token/calendar.ics").status_code == 404
