"""Invitation links: made by a facilitator, shown once, used once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, page, text_of
from workshop.accounts import services
from workshop.accounts.models import Invitation, Membership, Role, User
from workshop.extensions import db
from workshop.models_base import utcnow

HX = {"HX-Request": "true"}


@pytest.fixture
def workspace(make_workspace, make_user):
    return make_workspace(owner=make_user(name="Fiia"), name="Esimerkkiopisto")


def invite(workspace, role=Role.PARTICIPANT) -> str:
    _, token = services.create_invitation(workspace, role, workspace.memberships[0].user, 7)
    db.session.commit()
    return f"/invite/{token}"


def new_account(name="Erkki Employer", email="erkki@kivijalka.fi", password=PASSWORD):
    return {"name": name, "email": email, "password": password, "confirm": password}


def test_link_is_shown_once_after_a_plain_post(client, workspace, login):
    login(workspace.memberships[0].user)
    response = client.post(
        f"/w/{workspace.id}/invitations", data={"role": "observer", "note": "Rehtori"}
    )
    assert response.status_code == 303
    first = page(client.get(response.headers["Location"]))
    link = first.select_one("#new-invitation-link")["value"]
    assert link.startswith("http://polku.test/invite/")
    assert "Rehtori" in first.select_one("#invitations").get_text()
    assert page(client.get(f"/w/{workspace.id}/people")).select_one("#new-invitation-link") is None


def test_link_is_shown_in_the_fragment_with_htmx(client, workspace, login):
    login(workspace.memberships[0].user)
    response = client.post(
        f"/w/{workspace.id}/invitations", data={"role": "participant"}, headers=HX
    )
    assert response.status_code == 200
    fragment = page(response)
    assert fragment.select_one("section#invitations") is not None
    assert fragment.select_one("#new-invitation-link")["value"].startswith(
        "http://polku.test/invite/"
    )
    assert "<html" not in response.get_data(as_text=True)


def test_new_person_joins_with_the_role_of_the_invitation(client, workspace):
    url = invite(workspace, Role.OBSERVER)
    assert "Join Esimerkkiopisto" in text_of(client.get(url))
    response = client.post(url, data=new_account())
    assert response.status_code == 303
    assert response.headers["Location"] == f"/w/{workspace.id}/"
    user = db.session.scalar(select(User).where(User.email == "erkki@kivijalka.fi"))
    assert services.membership_for(user, workspace).role == Role.OBSERVER
    assert "Welcome to Esimerkkiopisto." in text_of(client.get(response.headers["Location"]))


def test_used_link_shows_a_clear_page_and_changes_nothing(client, app, workspace):
    url = invite(workspace)
    client.post(url, data=new_account())
    other = app.test_client()
    response = other.get(url)
    assert response.status_code == 410
    assert "This invitation link no longer works" in text_of(response)
    response = other.post(url, data=new_account(name="Toinen", email="toinen@example.fi"))
    assert response.status_code == 410
    assert db.session.scalar(select(User).where(User.email == "toinen@example.fi")) is None


def test_expired_link_is_refused(client, workspace):
    url = invite(workspace)
    db.session.execute(Invitation.__table__.update().values(expires_at=utcnow() - timedelta(1)))
    db.session.commit()
    response = client.post(url, data=new_account())
    assert response.status_code == 410
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_revoked_link_is_refused(client, workspace, login):
    url = invite(workspace)
    invitation = db.session.scalar(select(Invitation))
    login(workspace.memberships[0].user)
    response = client.post(f"/w/{workspace.id}/invitations/{invitation.id}/revoke", headers=HX)
    assert "The invitation link no longer works." in text_of(response)
    client.post("/logout")
    assert client.get(url).status_code == 410


def test_made_up_token_is_refused(client):
    assert client.get("/invite/not-a-real-token").status_code == 410


def test_account_form_errors_keep_the_link_usable(client, workspace):
    url = invite(workspace)
    response = client.post(url, data=new_account() | {"confirm": "something else"})
    assert response.status_code == 422
    assert "The passwords do not match." in text_of(response)
    response = client.post(url, data=new_account(email="not-an-address"))
    assert "Enter an e-mail address such as name@example.fi." in text_of(response)
    response = client.post(
        url,
        data=new_account(
            password="short",
        ),
    )
    assert "Between 10 and 200 characters." in text_of(response)
    assert client.post(url, data=new_account()).status_code == 303


def test_taken_email_asks_to_log_in_first(client, workspace, make_user):
    make_user(email="erkki@kivijalka.fi")
    url = invite(workspace)
    response = client.post(url, data=new_account(email="ERKKI@kivijalka.fi"))
    assert response.status_code == 422
    assert "Log in first, then open the link again." in text_of(response)
    assert client.get(url).status_code == 200


def test_logged_in_user_joins_with_one_click(client, workspace, make_user, login):
    user = make_user()
    login(user)
    url = invite(workspace)
    assert "Join the workspace" in text_of(client.get(url))
    assert client.post(url).status_code == 303
    assert services.membership_for(user, workspace).role == Role.PARTICIPANT


def test_member_opening_a_link_leaves_it_for_someone_else(client, workspace, login):
    login(workspace.memberships[0].user)
    url = invite(workspace, Role.OBSERVER)
    response = client.get(url)
    assert response.status_code == 302
    client.post("/logout")
    assert client.get(url).status_code == 200
    assert db.session.scalar(select(func.count(Membership.id))) == 1
