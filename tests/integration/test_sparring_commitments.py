"""A sparring session's commitments: at most three, a due date not before the session, a
named owner, and a witness who gets a link."""

from datetime import date

import pytest

from tests.conftest import page, text_of
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.followup import links
from workshop.followup.models import FollowUp, LinkRole
from workshop.journeys import services as journeys
from workshop.sparring import services as sparring
from workshop.sparring.models import Commitment, SparrerRole


@pytest.fixture
def session(team):
    series = sparring.create_series(
        team.workspace, team.facilitator, "Sparraus", "Johtoryhmä", "fi"
    )
    held = sparring.plan_session(series, team.facilitator, date(2027, 2, 1))
    held.sparrers.append(
        sparring.add_sparrer(series, "Eeva", "Kasvu Oy", SparrerRole.GROWTH_COMPANY)
    )
    db.session.commit()
    return held


def _url(team, session, tail="/new"):
    return f"/w/{team.workspace.id}/sparring/sessions/{session.id}/commitments{tail}"


def _form(team, session, **changes):
    data = {
        "title": "Työpaikkaohjaajien perehdytys",
        "owner_member": str(team.participant.id),
        "owner_name": "",
        "due_on": "2027-06-30",
        "first_when": "johtoryhmä kokoontuu seuraavan kerran",
        "first_then": "esittelen kolme kriittistä kohtaa",
        "indicator": "perehdytettyjen ohjaajien osuus",
        "target": "80 %",
        "witness": str(session.sparrers[0].id),
    }
    data.update(changes)
    return data


def test_a_commitment_is_followed_up_from_the_session_day_and_its_witness_gets_a_link(
    team, session, client, login
):
    login(team.facilitator)
    response = client.post(_url(team, session), data=_form(team, session))
    assert response.status_code == 303
    commitment = db.session.scalars(db.select(Commitment)).one()
    follow_up = commitment.follow_up
    assert follow_up.agreed_on == date(2027, 2, 1)
    assert follow_up.owner_user_id == team.participant.id
    assert [c.due_on for c in follow_up.check_ins][0] == date(2027, 3, 3)
    witness_link = links.live_link(follow_up, LinkRole.WITNESS)
    assert witness_link.name == "Eeva"
    assert links.link_for_token(links.link_token(witness_link)) is witness_link
    listing = text_of(client.get(_url(team, session, "")))
    assert (
        "When johtoryhmä kokoontuu seuraavan kerran, then esittelen kolme kriittistä kohtaa."
        in listing
    )


def test_a_fourth_commitment_is_refused_with_the_reason_and_nothing_is_saved(
    team, session, client, login
):
    login(team.facilitator)
    for n in range(3):
        assert (
            client.post(_url(team, session), data=_form(team, session, title=f"C{n}")).status_code
            == 303
        )
    response = client.post(_url(team, session), data=_form(team, session, title="Neljäs"))
    assert response.status_code == 422
    assert "at most 3 commitments" in text_of(response)
    assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 3
    assert "New commitment" not in text_of(client.get(_url(team, session, "")))


def test_a_due_date_before_the_session_is_refused_with_the_typed_text_kept(
    team, session, client, login
):
    login(team.facilitator)
    response = client.post(_url(team, session), data=_form(team, session, due_on="2027-01-31"))
    assert response.status_code == 422
    assert "The due date cannot be before the session." in text_of(response)
    assert "esittelen kolme kriittistä kohtaa" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 0


def test_a_witness_or_owner_from_elsewhere_is_refused(team, session, client, login, make_team):
    other = make_team(workspace="Toinen", facilitator="Kaisa", participant="Pekka", observer=None)
    other_series = sparring.create_series(other.workspace, other.facilitator, "S", "J", "fi")
    stranger = sparring.add_sparrer(other_series, "Vieras", "Muu Oy", SparrerRole.EMPLOYER)
    db.session.commit()
    login(team.facilitator)
    for changes in ({"witness": str(stranger.id)}, {"owner_member": str(other.participant.id)}):
        response = client.post(_url(team, session), data=_form(team, session, **changes))
        assert response.status_code == 422
    assert db.session.scalar(db.select(db.func.count(FollowUp.id))) == 0


def test_an_observer_cannot_write_commitments(team, session, client, login):
    login(team.observer)
    assert client.post(_url(team, session), data=_form(team, session)).status_code == 403


def test_a_commitment_links_both_ways_between_its_session_and_its_follow_up(
    team, session, client, login
):
    from workshop.followup.models import FollowStatus

    login(team.facilitator)
    client.post(_url(team, session), data=_form(team, session))
    commitment = db.session.scalars(db.select(Commitment)).one()
    session_url = f"/w/{team.workspace.id}/sparring/sessions/{session.id}"
    detail = client.get(f"/w/{team.workspace.id}/follow-up/{commitment.follow_up.id}")
    assert f"{session_url}#commitments" in [a["href"] for a in page(detail).select("main a")]
    said_did = f"/w/{team.workspace.id}/sparring/commitments/{commitment.id}/said-did"
    assert said_did not in client.get(session_url).text
    # Once done, the session page leads to the "you said, we did" note, and the note back.
    commitment.follow_up.status = FollowStatus.DONE
    db.session.commit()
    assert said_did in [a["href"] for a in page(client.get(session_url)).select("main a")]
    form = client.get(said_did)
    assert f"{session_url}#commitments" in [a["href"] for a in page(form).select(".breadcrumb a")]


def test_a_follow_up_says_maaraapaiva_for_its_due_date_in_finnish(team, session, client, login):
    login(team.facilitator)
    client.post(_url(team, session), data=_form(team, session))
    commitment = db.session.scalars(db.select(Commitment)).one()
    detail = client.get(
        f"/w/{team.workspace.id}/follow-up/{commitment.follow_up.id}",
        headers={"Accept-Language": "fi"},
    )
    assert "Määräpäivä" in [dt.get_text() for dt in page(detail).select("dt")]


def test_the_commitment_form_speaks_of_a_commitment_not_an_experiment(
    team, session, client, login, journey
):
    step = journeys.load_board(journey).steps[0]
    points.report_point(
        team.workspace,
        journey,
        team.facilitator,
        points.NewPoint(
            step=step, title="Kohta", severity=2, report=points.ReportData(ReporterRole.EMPLOYER)
        ),
    )
    db.session.commit()
    login(team.facilitator)
    form = text_of(client.get(_url(team, session), headers={"Accept-Language": "fi"}))
    assert "Kriittiset kohdat, joita se koskee" in form and "kokeilu" not in form.lower()


def test_the_witness_sees_which_sparring_session_agreed_the_commitment(
    team, session, client, login, app
):
    login(team.facilitator)
    client.post(_url(team, session), data=_form(team, session))
    follow_up = db.session.scalars(db.select(FollowUp)).one()
    token = links.link_token(links.live_link(follow_up, LinkRole.WITNESS))
    witness = app.test_client().get(f"/f/{token}")
    assert "Sparring session Feb 1, 2027 · Sparraus" in text_of(witness)


def test_the_demo_commitments_read_when_then_once_in_finnish(app, client, login, tmp_path):
    from workshop import demo
    from workshop.accounts import services as accounts

    email, password = demo.load_demo(tmp_path / "instance")
    db.session.commit()
    commitment = db.session.scalars(db.select(Commitment)).first()
    login(accounts.get_user_by_email(email), password)
    url = f"/w/{commitment.follow_up.workspace_id}/sparring/sessions/{commitment.session_id}"
    shown = text_of(client.get(url, headers={"Accept-Language": "fi"}))
    assert "Kun opettaja vaihtuu, niin työnantaja saa" in shown
    assert "Kun Kun" not in shown and ",," not in shown and ".." not in shown
    summary = text_of(client.get(url + "/summary", headers={"Accept-Language": "fi"}))
    assert "Takaisin sparraukseen" in summary and "tilaisuu" not in summary


def test_a_sparrers_own_page_lists_the_commitments_they_witness_until_the_link_is_withdrawn(
    team, session, client, login
):
    login(team.facilitator)
    assert client.post(_url(team, session), data=_form(team, session)).status_code == 303
    sparrer = session.sparrers[0]
    commitment = session.commitments[0]
    link = links.live_link(commitment.follow_up, LinkRole.WITNESS)
    own_page = f"/sp/{sparring.sparrer_token(sparrer)}"
    listed = page(client.get(own_page)).select("#sparrer-witness ~ ul a, section ul a")
    assert f"/f/{links.link_token(link)}" in [a["href"] for a in listed]
    links.revoke_link(link, team.facilitator)
    db.session.commit()
    assert "Työpaikkaohjaajien perehdytys" not in text_of(client.get(own_page))
