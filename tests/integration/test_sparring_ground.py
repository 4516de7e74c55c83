"""The ground of sparring and follow-up: the default agenda, sparrer links, the check-in
schedule and which commitments open the next session."""

from datetime import date

from workshop.followup import services as followup
from workshop.followup.models import CheckInKind, FollowStatus
from workshop.sparring import services as sparring
from workshop.sparring.models import AgendaKind, Commitment, SparrerRole


def test_a_check_in_schedule_counts_months_to_the_last_day_of_a_short_month():
    due = {kind: (on, last) for kind, on, last in followup.schedule(date(2027, 1, 31))}
    assert due[CheckInKind.FIRST_STEP] == (date(2027, 3, 2), date(2027, 3, 16))
    assert due[CheckInKind.WITNESS][0] == date(2027, 4, 30)
    assert due[CheckInKind.OUTCOME] == (date(2027, 7, 31), date(2028, 1, 31))


def test_a_new_session_opens_with_the_open_commitments_and_takes_the_default_agenda(team):
    series = sparring.create_series(
        team.workspace, team.facilitator, "Sparraus", "Johtoryhmä", "fi"
    )
    session = sparring.plan_session(series, team.facilitator, date(2027, 2, 1))
    assert [item.kind for item in session.agenda][0] == AgendaKind.OPEN_COMMITMENTS
    assert sum(item.minutes for item in session.agenda) == 155


def test_a_sparrer_link_finds_its_sparrer_until_revoked(team):
    series = sparring.create_series(
        team.workspace, team.facilitator, "Sparraus", "Johtoryhmä", "fi"
    )
    sparrer = sparring.add_sparrer(series, "Eeva", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
    token = sparring.sparrer_token(sparrer)
    assert sparring.sparrer_for_token(token) is sparrer
    assert sparring.sparrer_for_token(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    assert sparring.sparrer_for_token("<script>") is None
    sparrer.revoked_at = sparrer.created_at
    assert sparring.sparrer_for_token(token) is None


def test_only_unfinished_commitments_of_earlier_sessions_open_the_next(team):
    series = sparring.create_series(
        team.workspace, team.facilitator, "Sparraus", "Johtoryhmä", "fi"
    )
    held = sparring.plan_session(series, team.facilitator, date(2027, 2, 1))
    upcoming = sparring.plan_session(series, team.facilitator, date(2027, 5, 1))
    for position, status in enumerate((FollowStatus.OPEN, FollowStatus.DONE)):
        follow_up = followup.create_follow_up(
            team.workspace, team.facilitator, f"C{position}", held.held_on
        )
        follow_up.status = status
        held.commitments.append(
            Commitment(position=position, follow_up=follow_up, first_when="a", first_then="b")
        )
    found = sparring.open_commitments(series, before=upcoming)
    assert [c.follow_up.title for c in found] == ["C0"]
    assert sparring.open_commitments(series, before=held) == []
