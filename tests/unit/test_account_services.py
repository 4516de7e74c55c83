"""Account and workspace rules, through the services and a real database."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD
from workshop.accounts import services
from workshop.accounts.models import LoginFailure, Membership, Role
from workshop.extensions import db
from workshop.models_base import utcnow

LIMITS = (5, 15)


def test_email_is_unique_ignoring_case(make_user):
    make_user(email="Aino.Kehittaja@Example.fi")
    with pytest.raises(services.EmailTaken):
        services.create_user("  aino.kehittaja@example.FI ", "Another", PASSWORD)


def test_login_accepts_any_case_of_the_address(make_user):
    user = make_user(email="maija@example.fi")
    assert services.authenticate("MAIJA@example.fi", PASSWORD, "10.0.0.1", LIMITS) == user


def test_password_is_stored_hashed(make_user):
    user = make_user()
    assert PASSWORD not in user.password_hash


def test_repeated_failures_slow_down_that_address(make_user):
    user = make_user()
    for _ in range(LIMITS[0]):
        assert services.authenticate(user.email, "wrong password", "10.0.0.1", LIMITS) is None
    with pytest.raises(services.LoginThrottled):
        services.authenticate(user.email, PASSWORD, "10.0.0.2", LIMITS)


def test_old_failures_no_longer_count(make_user):
    user = make_user()
    for _ in range(LIMITS[0]):
        services.authenticate(user.email, "wrong password", "10.0.0.1", LIMITS)
    for failure in db.session.scalars(select(LoginFailure)):
        failure.created_at = utcnow() - timedelta(minutes=LIMITS[1] + 1)
    assert services.authenticate(user.email, PASSWORD, "10.0.0.1", LIMITS) == user


def test_success_clears_the_failures(make_user):
    user = make_user()
    services.authenticate(user.email, "wrong password", "10.0.0.1", LIMITS)
    services.authenticate(user.email, PASSWORD, "10.0.0.1", LIMITS)
    assert db.session.scalar(select(func.count(LoginFailure.id))) == 0


def test_unknown_address_counts_as_a_failure(app):
    assert services.authenticate("nobody@example.fi", PASSWORD, "10.0.0.1", LIMITS) is None
    assert db.session.scalar(select(func.count(LoginFailure.id))) == 1


def test_last_facilitator_cannot_step_down_or_leave(make_workspace):
    workspace = make_workspace()
    only = workspace.memberships[0]
    with pytest.raises(services.LastFacilitator):
        services.update_member(only, Role.PARTICIPANT, None)
    with pytest.raises(services.LastFacilitator):
        services.remove_member(only)


def test_second_facilitator_lets_the_first_step_down(make_workspace, make_user, add_member):
    workspace = make_workspace()
    first = workspace.memberships[0]
    add_member(workspace, make_user(), Role.FACILITATOR)
    services.update_member(first, Role.OBSERVER, None)
    assert first.role == Role.OBSERVER


def test_organisation_names_are_unique_in_a_workspace(make_workspace):
    from workshop.accounts.models import OrganisationKind

    one, other = make_workspace(name="One"), make_workspace(name="Other")
    services.add_organisation(one, "Kahvila Korvapuusti", OrganisationKind.EMPLOYER)
    services.add_organisation(other, "Kahvila Korvapuusti", OrganisationKind.EMPLOYER)
    with pytest.raises(services.AccountError):
        services.add_organisation(one, "kahvila korvapuusti", OrganisationKind.EMPLOYER)


def test_invitation_works_once(make_workspace, make_user):
    workspace = make_workspace()
    invitation, token = services.create_invitation(workspace, Role.OBSERVER, make_user(), days=7)
    first, second = make_user(), make_user()
    membership = services.accept_invitation(services.find_invitation(token), first)
    assert membership.role == Role.OBSERVER
    with pytest.raises(services.InvitationUnusable):
        services.find_invitation(token)
    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(invitation, second)
    assert services.membership_for(second, workspace) is None


def test_invitation_used_by_two_at_once_admits_one(make_workspace, make_user):
    workspace = make_workspace()
    invitation, token = services.create_invitation(workspace, Role.PARTICIPANT, make_user(), 7)
    first, second = make_user(), make_user()
    seen_by_both = services.find_invitation(token)
    services.accept_invitation(seen_by_both, first)
    with pytest.raises(services.InvitationUnusable):
        services.accept_invitation(seen_by_both, second)
    members = db.session.scalar(
        select(func.count(Membership.id)).where(Membership.workspace_id == workspace.id)
    )
    assert members == 2


def test_expired_invitation_is_refused(make_workspace, make_user):
    workspace = make_workspace()
    invitation, token = services.create_invitation(workspace, Role.PARTICIPANT, make_user(), 7)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(services.InvitationUnusable):
        services.find_invitation(token)


def test_only_a_hash_of_the_token_is_stored(make_workspace, make_user):
    invitation, token = services.create_invitation(
        make_workspace(), Role.PARTICIPANT, make_user(), 7
    )
    assert token not in invitation.token_hash and len(token) >= 40


def test_member_cannot_get_another_workspaces_organisation(make_workspace, make_user, add_member):
    from workshop.accounts.models import OrganisationKind

    workspace, other = make_workspace(name="One"), make_workspace(name="Other")
    foreign = services.add_organisation(other, "Vieras Oy", OrganisationKind.EMPLOYER)
    member = add_member(workspace, make_user())
    with pytest.raises(services.AccountError):
        services.update_member(member, Role.PARTICIPANT, foreign.id)
    assert member.organisation is None
