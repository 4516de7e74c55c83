"""E-mail reminders of due check-ins, through a real SMTP server on 127.0.0.1 started here:
one message per due check-in to its owner, in the owner's language, never twice, none
without SMTP."""

import socket
from datetime import date
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from workshop import clock
from workshop.extensions import db
from workshop.followup import links
from workshop.followup import services as followup
from workshop.followup.models import LinkRole

AGREED = date(2027, 2, 1)


class Inbox:
    """What the test SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(app):
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="polku@example.fi", PUBLIC_URL=None
    )
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def due_follow_ups(team, monkeypatch):
    """A member's follow-up (Swedish) and an outside owner's, both with the 30-day check-in due."""
    team.participant.preferred_language = "sv"
    member = followup.create_follow_up(
        team.workspace,
        team.facilitator,
        "Handledarnas utbildning",
        AGREED,
        owner_user=team.participant,
    )
    outside = followup.create_follow_up(
        team.workspace,
        team.facilitator,
        "Palautekysely",
        AGREED,
        owner_name="Olga",
        owner_email="olga@kasvu.example",
    )
    followup.create_follow_up(
        team.workspace, team.facilitator, "Ei osoitetta", AGREED, owner_name="Nimetön"
    )
    db.session.commit()
    monkeypatch.setattr(clock, "today", lambda: date(2027, 3, 5))
    return member, outside


def _remind(app):
    return app.test_cli_runner().invoke(args=["followup", "remind"])


def test_each_owner_gets_one_reminder_per_due_check_in_in_their_language(
    app, smtp, team, due_follow_ups
):
    member, outside = due_follow_ups
    result = _remind(app)
    assert result.exit_code == 0, result.output
    assert "Reminders sent: 2." in result.output
    assert "no e-mail address: 1" in result.output
    by_recipient = {rcpt[0]: message for rcpt, message in smtp.messages}
    assert set(by_recipient) == {team.participant.email, "olga@kasvu.example"}

    swedish = by_recipient[team.participant.email]
    assert swedish["Subject"] == "Avstämning att göra: Handledarnas utbildning"
    body = swedish.get_content()
    assert f"http://localhost/w/{team.workspace.id}/follow-up/{member.id}" in body
    assert swedish["Content-Language"] == "sv"
    finnish = by_recipient["olga@kasvu.example"]
    assert "Palautekysely" in finnish["Subject"]
    # An outside owner without a link yet is told to use the one they were given.
    assert "http://localhost/" not in finnish.get_content()
    assert "seurantalinkin" in finnish.get_content()
    assert member.check_ins[0].reminded_at is not None
    assert member.check_ins[1].reminded_at is None  # not due yet

    # A second run the same day sends nothing.
    again = _remind(app)
    assert "Reminders sent: 0." in again.output
    assert len(smtp.messages) == 2


def test_an_outside_owner_gets_their_own_link(app, smtp, team, due_follow_ups):
    _member, outside = due_follow_ups
    withdrawn = links.create_link(outside, LinkRole.OWNER, "Olga", "Kasvu Oy")
    withdrawn.revoked_at = withdrawn.created_at
    link = links.create_link(outside, LinkRole.OWNER, "Olga", "Kasvu Oy")
    db.session.commit()
    _remind(app)
    olga = [m for rcpt, m in smtp.messages if rcpt == ["olga@kasvu.example"]][0]
    assert f"http://localhost/f/{links.link_token(link)}" in olga.get_content()
    assert links.link_token(withdrawn) not in olga.get_content()


def test_the_next_check_in_is_reminded_when_its_day_comes(
    app, smtp, team, due_follow_ups, monkeypatch
):
    _remind(app)
    monkeypatch.setattr(clock, "today", lambda: date(2027, 5, 2))
    _remind(app)
    subjects = [message["Subject"] for _rcpt, message in smtp.messages]
    assert len(subjects) == 4  # the 30-day ones, then the 3-month ones


def test_nothing_is_sent_and_the_command_says_so_without_smtp(app, team, due_follow_ups):
    app.config.update(MAIL_SERVER=None)
    result = _remind(app)
    assert result.exit_code == 0
    assert "E-mail is not configured" in result.output
    member, _outside = due_follow_ups
    assert member.check_ins[0].reminded_at is None


def test_an_unreachable_server_marks_nothing_reminded(app, team, due_follow_ups):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port(), MAIL_FROM="p@example.fi")
    result = _remind(app)
    assert result.exit_code != 0
    assert "could not be reached" in result.output
    member, _outside = due_follow_ups
    db.session.expire_all()
    assert member.check_ins[0].reminded_at is None
