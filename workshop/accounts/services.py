"""Accounts, workspaces and memberships: the rules, without requests or commits."""

import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from workshop.accounts.models import (
    Invitation,
    LoginFailure,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
    Workspace,
)
from workshop.extensions import db
from workshop.models_base import utcnow
from workshop.tokens import hash_token

# Checked against when the e-mail is unknown, so a wrong address costs the same time as a
# wrong password and timing does not tell which one it was: one per hashing method.
_DUMMY_HASHES: dict[str, str] = {}


class AccountError(Exception):
    """A rule about accounts or workspaces was broken; the message is for the user."""


class EmailTaken(AccountError):
    """Another account already uses this e-mail address."""


class LastFacilitator(AccountError):
    """A workspace must keep at least one facilitator."""


class InvitationUnusable(AccountError):
    """The invitation was used, revoked, expired or never existed."""


class LoginThrottled(AccountError):
    """Too many failed logins for this address or from this computer."""

    def __init__(self, minutes: int):
        super().__init__(minutes)
        self.minutes = minutes


def normalise_email(email: str) -> str:
    """E-mail addresses compare without case and surrounding spaces."""
    return email.strip().lower()


def get_user_by_email(email: str) -> User | None:
    """The account with this e-mail address, ignoring case."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(
    email: str, name: str, password: str, language: str | None = None, is_admin: bool = False
) -> User:
    """Make an account; refuses an e-mail address that is taken in any case."""
    if get_user_by_email(email) is not None:
        raise EmailTaken(email)
    user = User(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=hash_password(password),
        preferred_language=language,
        is_admin=is_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(
    email: str, password: str, remote_addr: str, limits: tuple[int, int]
) -> User | None:
    """The user if e-mail and password match; records failures and refuses while throttled."""
    max_failures, minutes = limits
    address = normalise_email(email)
    since = utcnow() - timedelta(minutes=minutes)
    recent = select(func.count(LoginFailure.id)).where(LoginFailure.created_at >= since)
    by_email = db.session.scalar(recent.where(LoginFailure.email == address))
    by_addr = db.session.scalar(recent.where(LoginFailure.remote_addr == remote_addr))
    # One computer may try a few accounts (a shared workshop laptop), but not endlessly.
    if by_email >= max_failures or by_addr >= max_failures * 4:
        raise LoginThrottled(minutes)

    user = get_user_by_email(address)
    if user is None:
        check_password_hash(_dummy_hash(), password)
    elif check_password_hash(user.password_hash, password):
        db.session.execute(delete(LoginFailure).where(LoginFailure.email == address))
        return user
    db.session.add(LoginFailure(email=address, remote_addr=remote_addr))
    db.session.execute(delete(LoginFailure).where(LoginFailure.created_at < since))
    db.session.flush()
    return None


def set_password(user: User, password: str) -> None:
    """Replace the user's password."""
    user.password_hash = hash_password(password)


def hash_password(password: str) -> str:
    """The password's hash by PASSWORD_HASH_METHOD (scrypt; the test suite's is cheaper)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _dummy_hash() -> str:
    """A hash as costly to check as a real one of the configured method."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash("polku-timing-equaliser", method=method)
    return _DUMMY_HASHES[method]


def set_language(user: User, language: str) -> None:
    """Remember the user's language for their next visit."""
    user.preferred_language = language


def can_create_workspace(user: User) -> bool:
    """Admins and facilitators of any workspace may start new workspaces."""
    if user.is_admin:
        return True
    return (
        db.session.scalar(
            select(func.count(Membership.id)).where(
                Membership.user_id == user.id, Membership.role == Role.FACILITATOR
            )
        )
        > 0
    )


def create_workspace(owner: User, name: str, description: str = "") -> Workspace:
    """A new workspace whose creator is its first facilitator."""
    workspace = Workspace(name=name.strip(), description=description.strip())
    workspace.memberships.append(Membership(user=owner, role=Role.FACILITATOR))
    db.session.add(workspace)
    db.session.flush()
    return workspace


def workspaces_of(user: User) -> list[tuple[Workspace, Role]]:
    """The user's workspaces with their role in each, by name."""
    rows = db.session.execute(
        select(Workspace, Membership.role)
        .join(Membership, Membership.workspace_id == Workspace.id)
        .where(Membership.user_id == user.id)
        .order_by(Workspace.name, Workspace.id)
    )
    return [(workspace, role) for workspace, role in rows]


def all_workspaces() -> list[Workspace]:
    """Every workspace of the installation (for administrators)."""
    return list(db.session.scalars(select(Workspace).order_by(Workspace.name)))


def membership_for(user, workspace: Workspace) -> Membership | None:
    """The user's membership in the workspace, or None for outsiders and anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Membership).where(
            Membership.workspace_id == workspace.id, Membership.user_id == user.id
        )
    )


def members_of(workspace: Workspace) -> list[Membership]:
    """The workspace's members with their accounts and organisations, by name."""
    return list(
        db.session.scalars(
            select(Membership)
            .join(User, User.id == Membership.user_id)
            .where(Membership.workspace_id == workspace.id)
            .options(joinedload(Membership.user), joinedload(Membership.organisation))
            .order_by(func.lower(User.name), User.id)
        )
    )


def get_membership(workspace: Workspace, membership_id: int) -> Membership | None:
    """A membership of this workspace by id; None for another workspace's."""
    return db.session.scalar(
        select(Membership).where(
            Membership.id == membership_id, Membership.workspace_id == workspace.id
        )
    )


def _facilitator_count(workspace: Workspace) -> int:
    return db.session.scalar(
        select(func.count(Membership.id)).where(
            Membership.workspace_id == workspace.id, Membership.role == Role.FACILITATOR
        )
    )


def update_member(membership: Membership, role: Role, organisation_id: int | None) -> None:
    """Give a member a role and an organisation of the same workspace (or none).

    The last facilitator cannot step down; another workspace's organisation is refused.
    """
    if (
        membership.role == Role.FACILITATOR
        and role != Role.FACILITATOR
        and _facilitator_count(membership.workspace) <= 1
    ):
        raise LastFacilitator()
    organisation = None
    if organisation_id is not None:
        organisation = get_organisation(membership.workspace, organisation_id)
        if organisation is None:
            raise AccountError("organisation of another workspace")
    membership.role = role
    membership.organisation = organisation


def remove_member(membership: Membership) -> None:
    """Take a member out of the workspace; the last facilitator stays."""
    if membership.role == Role.FACILITATOR and _facilitator_count(membership.workspace) <= 1:
        raise LastFacilitator()
    db.session.delete(membership)
    db.session.flush()


def organisations_of(workspace: Workspace) -> list[Organisation]:
    """The workspace's organisations by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.workspace_id == workspace.id)
            .order_by(func.lower(Organisation.name))
        )
    )


def get_organisation(workspace: Workspace, organisation_id: int) -> Organisation | None:
    """An organisation of this workspace by id; None for another workspace's."""
    return db.session.scalar(
        select(Organisation).where(
            Organisation.id == organisation_id, Organisation.workspace_id == workspace.id
        )
    )


def find_organisation(workspace: Workspace, name: str) -> Organisation | None:
    """The workspace's organisation of this name, ignoring case (beyond ASCII) and spaces."""
    wanted = name.strip().casefold()
    return next((o for o in organisations_of(workspace) if o.name.casefold() == wanted), None)


def chosen_or_new_organisation(
    workspace: Workspace, chosen_id: int | None, typed_name: str | None, kind: OrganisationKind
) -> int | None:
    """The organisation a form names: one typed in (found by name, else made with `kind`), or
    else the one chosen from the list."""
    name = (typed_name or "").strip()
    if not name:
        return chosen_id
    existing = find_organisation(workspace, name)
    return existing.id if existing else add_organisation(workspace, name, kind).id


def add_organisation(workspace: Workspace, name: str, kind: OrganisationKind) -> Organisation:
    """A new organisation in the workspace; names are unique in a workspace, ignoring case."""
    name = name.strip()
    # Compared in Python: SQLite's lower() folds only ASCII, and "Äijä Oy" must clash too.
    if find_organisation(workspace, name) is not None:
        raise AccountError(name)
    organisation = Organisation(workspace=workspace, name=name, kind=kind)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def create_invitation(
    workspace: Workspace, role: Role, created_by: User, days: int, note: str = ""
) -> tuple[Invitation, str]:
    """A new invitation and its token; the token is shown once and only its hash is kept."""
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        workspace=workspace,
        role=role,
        note=note.strip(),
        created_by=created_by,
        token_hash=hash_token(token),
        expires_at=utcnow() + timedelta(days=days),
    )
    db.session.add(invitation)
    db.session.flush()
    return invitation, token


def open_invitations(workspace: Workspace) -> list[Invitation]:
    """Invitations of the workspace that can still be used, newest first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.workspace_id == workspace.id,
                Invitation.used_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def find_invitation(token: str) -> Invitation:
    """The usable invitation behind a token, or InvitationUnusable."""
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == hash_token(token))
    )
    if invitation is None or not invitation.is_open(utcnow()):
        raise InvitationUnusable()
    return invitation


def accept_invitation(
    invitation: Invitation, user: User, now: datetime | None = None
) -> Membership:
    """Use the invitation to make this user a member of its workspace.

    The update only succeeds while the row is still unused, so two people opening the same
    link at once cannot both get in.
    """
    now = now or utcnow()
    claimed = db.session.execute(
        Invitation.__table__.update()
        .where(
            Invitation.id == invitation.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .values(used_at=now, used_by_id=user.id)
    ).rowcount
    if claimed != 1:
        raise InvitationUnusable()
    db.session.refresh(invitation)
    membership = membership_for(user, invitation.workspace)
    if membership is not None:
        raise AccountError("already a member")
    membership = Membership(workspace=invitation.workspace, user=user, role=invitation.role)
    db.session.add(membership)
    db.session.flush()
    return membership


def revoke_invitation(workspace: Workspace, invitation_id: int) -> None:
    """Stop an unused invitation from working."""
    invitation = db.session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id, Invitation.workspace_id == workspace.id
        )
    )
    if invitation is None:
        raise InvitationUnusable()
    if invitation.revoked_at is None and invitation.used_at is None:
        invitation.revoked_at = utcnow()
