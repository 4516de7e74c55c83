"""Workspaces, members and organisations: who may do what, with and without htmx."""

import pytest
from sqlalchemy import func, select

from tests.conftest import Team, page, text_of
from workshop.accounts.models import Membership, Organisation, Role, Workspace
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import JourneyKind

EN = {"Accept-Language": "en"}
HX = {"HX-Request": "true", "Accept-Language": "en"}


@pytest.fixture
def team(make_team):
    """A workspace with a facilitator, and a participant's and an observer's memberships."""
    team = make_team("Fiia Facilitator", "Esimerkkiopisto", "Paavo Participant", "Olli Observer")
    return Team(workspace=team.workspace, facilitator=team.facilitator, **team.memberships)


def test_facilitator_creates_a_workspace(client, make_user, make_workspace, login):
    user = make_user()
    make_workspace(owner=user)
    login(user)
    response = client.post("/workspaces/new", data={"name": "Uusi työtila", "description": ""})
    assert response.status_code == 303
    created = db.session.scalar(select(Workspace).where(Workspace.name == "Uusi työtila"))
    assert created.memberships[0].user_id == user.id
    assert created.memberships[0].role == Role.FACILITATOR


def test_invited_participant_may_not_create_workspaces(client, team, login):
    login(team["participant"].user)
    assert page(client.get("/", headers=EN)).find("a", string="New workspace") is None
    response = client.post("/workspaces/new", data={"name": "Oma"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count(Workspace.id))) == 1


def test_oversized_workspace_name_changes_nothing(client, team, login):
    login(team["facilitator"])
    response = client.post("/workspaces/new", data={"name": "x" * 121}, headers=EN)
    assert response.status_code == 422
    assert "At most 120 characters." in text_of(response)
    assert db.session.scalar(select(func.count(Workspace.id))) == 1


def test_outsider_gets_404_for_every_workspace_page(client, team, make_user, login):
    login(make_user())
    workspace_id = team["workspace"].id
    for url in (f"/w/{workspace_id}/", f"/w/{workspace_id}/people", f"/w/{workspace_id}/edit"):
        assert client.get(url).status_code == 404, url
    member_id = team["participant"].id
    response = client.post(f"/w/{workspace_id}/people/{member_id}", data={"role": "facilitator"})
    assert response.status_code == 404
    assert db.session.get(Membership, member_id).role == Role.PARTICIPANT


def test_observer_reads_but_cannot_manage(client, team, login):
    login(team["observer"].user)
    workspace_id = team["workspace"].id
    people = client.get(f"/w/{workspace_id}/people", headers=EN)
    assert people.status_code == 200
    assert "Paavo Participant" in text_of(people)
    assert page(people).select_one("#invitation-form") is None
    assert page(people).select("#member-list form") == []
    response = client.post(
        f"/w/{workspace_id}/people/{team['observer'].id}", data={"role": "facilitator"}, headers=EN
    )
    assert response.status_code == 403
    assert "Your role in this workspace does not allow this." in text_of(response)
    assert db.session.get(Membership, team["observer"].id).role == Role.OBSERVER


def test_participant_cannot_invite(client, team, login):
    login(team["participant"].user)
    response = client.post(f"/w/{team['workspace'].id}/invitations", data={"role": "facilitator"})
    assert response.status_code == 403


def test_facilitator_changes_a_role_with_a_plain_form(client, team, login):
    login(team["facilitator"])
    url = f"/w/{team['workspace'].id}/people/{team['observer'].id}"
    response = client.post(url, data={"role": "participant", "organisation": ""})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/w/{team['workspace'].id}/people"
    assert db.session.get(Membership, team["observer"].id).role == Role.PARTICIPANT
    assert "Saved: Olli Observer." in text_of(client.get(response.headers["Location"], headers=EN))


def test_facilitator_changes_a_role_with_htmx(client, team, login):
    login(team["facilitator"])
    url = f"/w/{team['workspace'].id}/people/{team['observer'].id}"
    response = client.post(url, data={"role": "participant", "organisation": ""}, headers=HX)
    assert response.status_code == 200
    assert "<html" not in response.get_data(as_text=True)
    fragment = page(response)
    assert fragment.select_one("section#member-list") is not None
    assert "Saved: Olli Observer." in fragment.select_one("[role=status]").get_text()
    select_ = fragment.select_one(f"#role-{team['observer'].id}")
    assert select_.find("option", selected=True)["value"] == "participant"
    assert "HX-Request" in response.headers["Vary"]


def test_last_facilitator_is_kept_with_a_message(client, team, login):
    login(team["facilitator"])
    me = next(m for m in team["workspace"].memberships if m.user_id == team["facilitator"].id)
    response = client.post(
        f"/w/{team['workspace'].id}/people/{me.id}",
        data={"role": "observer", "organisation": ""},
        headers=HX,
    )
    assert response.status_code == 422
    assert "A workspace needs at least one facilitator." in text_of(response)
    assert db.session.get(Membership, me.id).role == Role.FACILITATOR


def test_unknown_role_is_refused(client, team, login):
    login(team["facilitator"])
    response = client.post(
        f"/w/{team['workspace'].id}/people/{team['observer'].id}",
        data={"role": "admin", "organisation": ""},
        headers=HX,
    )
    assert response.status_code == 422
    assert db.session.get(Membership, team["observer"].id).role == Role.OBSERVER


def test_member_of_another_workspace_cannot_be_touched(client, team, make_workspace, login):
    other = make_workspace(name="Toinen")
    stranger = other.memberships[0]
    login(team["facilitator"])
    response = client.post(f"/w/{team['workspace'].id}/people/{stranger.id}/remove")
    assert response.status_code == 404
    assert db.session.get(Membership, stranger.id) is not None


def test_facilitator_removes_a_member(client, team, login):
    login(team["facilitator"])
    member_id = team["participant"].id
    response = client.post(f"/w/{team['workspace'].id}/people/{member_id}/remove", headers=HX)
    assert response.status_code == 200
    assert "Paavo Participant was removed from the workspace." in text_of(response)
    assert db.session.get(Membership, member_id) is None


def test_removed_member_loses_access(client, team, login):
    workspace_id, participant = team["workspace"].id, team["participant"]
    user = participant.user
    db.session.delete(participant)
    db.session.commit()
    login(user)
    assert client.get(f"/w/{workspace_id}/").status_code == 404


def test_organisation_is_added_and_assigned(client, team, login):
    login(team["facilitator"])
    workspace_id = team["workspace"].id
    response = client.post(
        f"/w/{workspace_id}/organisations",
        data={"name": "Kahvila Korvapuusti", "kind": "employer"},
        headers=HX,
    )
    assert response.status_code == 200
    assert "Kahvila Korvapuusti" in text_of(response)
    organisation = db.session.scalar(select(Organisation))
    response = client.post(
        f"/w/{workspace_id}/people/{team['participant'].id}",
        data={"role": "participant", "organisation": str(organisation.id)},
    )
    assert response.status_code == 303
    assert db.session.get(Membership, team["participant"].id).organisation == organisation


def test_duplicate_organisation_name_is_refused(client, team, login):
    login(team["facilitator"])
    url = f"/w/{team['workspace'].id}/organisations"
    client.post(url, data={"name": "Kahvila Korvapuusti", "kind": "employer"})
    response = client.post(
        url, data={"name": "KAHVILA korvapuusti", "kind": "employer"}, headers=HX
    )
    assert response.status_code == 422
    assert "already has an organisation of that name" in text_of(response)
    assert db.session.scalar(select(func.count(Organisation.id))) == 1


def test_organisation_of_another_workspace_cannot_be_assigned(client, team, make_workspace, login):
    from workshop.accounts import services
    from workshop.accounts.models import OrganisationKind

    foreign = services.add_organisation(
        make_workspace(name="Muu"), "Vieras Oy", OrganisationKind.EMPLOYER
    )
    db.session.commit()
    login(team["facilitator"])
    response = client.post(
        f"/w/{team['workspace'].id}/people/{team['participant'].id}",
        data={"role": "participant", "organisation": str(foreign.id)},
        headers=HX,
    )
    assert response.status_code == 422
    assert db.session.get(Membership, team["participant"].id).organisation is None


def test_script_in_a_name_is_shown_as_text(client, team, login):
    login(team["facilitator"])
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    client.post(f"/w/{team['workspace'].id}/organisations", data={"name": evil, "kind": "other"})
    response = client.get(f"/w/{team['workspace'].id}/people")
    body = response.get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    assert evil in text_of(response)
    assert db.session.scalar(select(Organisation.name)) == evil


def test_facilitator_leaving_with_htmx_goes_to_the_front_page(client, team, make_user, login):
    from workshop.accounts import services

    services.update_member(team["observer"], Role.FACILITATOR, None)
    db.session.commit()
    login(team["facilitator"])
    # By user, not by position: the relationship has no order, and PostgreSQL gives none.
    me = next(m for m in team["workspace"].memberships if m.user_id == team["facilitator"].id)
    response = client.post(f"/w/{team['workspace'].id}/people/{me.id}/remove", headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/"
    assert client.get(f"/w/{team['workspace'].id}/").status_code == 404


def test_the_workspace_page_lists_its_journeys_but_not_deleted_ones(client, team, login):
    workspace, facilitator = team["workspace"], team["facilitator"]
    kept = journeys.create_journey(workspace, facilitator, "Oppisopimus", JourneyKind.CUSTOM, "fi")
    gone = journeys.create_journey(workspace, facilitator, "Poistettu", JourneyKind.CUSTOM, "fi")
    journeys.delete_journey(gone, facilitator)
    db.session.commit()
    login(team["observer"].user)
    links = page(client.get(f"/w/{workspace.id}/", headers=EN)).select("main a")
    boards = {a.get_text(strip=True): a["href"] for a in links if "/journeys/" in a["href"]}
    assert boards["Oppisopimus"] == f"/w/{workspace.id}/journeys/{kept.id}/"
    assert "Poistettu" not in boards
