"""People, the organisations they come from, and the workspaces they work in."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import db
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT, PERSONAL_EMAIL, PERSONAL_NAME

EMAIL_MAX = 254
NAME_MAX = 120
# An erased account's address (workshop/privacy): nobody can receive mail at it or sign in.
ERASED_EMAIL_DOMAIN = "erased.invalid"
ORG_NAME_MAX = 160
WORKSPACE_NAME_MAX = 120
DESCRIPTION_MAX = 2000


class Role(enum.StrEnum):
    """A member's role in a workspace: observers read, participants add, facilitators manage."""

    OBSERVER = "observer"
    PARTICIPANT = "participant"
    FACILITATOR = "facilitator"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, minimum: "Role") -> bool:
        """True if this role may do what the minimum role may do."""
        return self.rank >= minimum.rank


class OrganisationKind(enum.StrEnum):
    """What kind of partner an organisation is."""

    INSTITUTION = "institution"
    EMPLOYER = "employer"
    OTHER = "other"


class User(UserMixin, db.Model):
    """A person with an account; e-mail addresses are stored lower-cased, so unique ignoring case."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), unique=True, info=PERSONAL_EMAIL)
    name: Mapped[str] = mapped_column(String(NAME_MAX), info=PERSONAL_NAME)
    password_hash: Mapped[str] = mapped_column(String(255))
    preferred_language: Mapped[str | None] = mapped_column(String(5))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", foreign_keys="Membership.user_id"
    )

    @property
    def is_erased(self) -> bool:
        """True once an administrator erased this person: the account's sessions end."""
        return self.email.endswith("@" + ERASED_EMAIL_DOMAIN)


class Organisation(db.Model):
    """An institution, an employer or another partner taking part in a workspace's work."""

    __tablename__ = "organisation"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(ORG_NAME_MAX))
    kind: Mapped[OrganisationKind] = mapped_column(db_enum(OrganisationKind, "organisation_kind"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workspace: Mapped["Workspace"] = relationship(back_populates="organisations")


class Workspace(db.Model):
    """The team that owns journeys and sprints, usually an institution with its partners."""

    __tablename__ = "workspace"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(WORKSPACE_NAME_MAX))
    description: Mapped[str] = mapped_column(String(DESCRIPTION_MAX), default="", info=FREE_TEXT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan"
    )
    organisations: Mapped[list[Organisation]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan", order_by=Organisation.name
    )
    invitations: Mapped[list["Invitation"]] = relationship(
        back_populates="workspace", cascade="all, delete-orphan"
    )


class Membership(db.Model):
    """A user's place in a workspace: the role, and the organisation they speak for."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    role: Mapped[Role] = mapped_column(db_enum(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    workspace: Mapped[Workspace] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship()


class Invitation(db.Model):
    """A one-time, expiring link that makes whoever opens it a member with the given role.

    Only a hash of the token is stored, so a copy of the database does not hand out invitations.
    """

    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Role] = mapped_column(db_enum(Role, "role"))
    note: Mapped[str] = mapped_column(String(NAME_MAX), default="", info=FREE_TEXT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workspace: Mapped[Workspace] = relationship(back_populates="invitations")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    used_by: Mapped[User | None] = relationship(foreign_keys=[used_by_id])

    def is_open(self, now: datetime) -> bool:
        """True while the link can still be used."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at


class LoginFailure(db.Model):
    """One failed login, kept briefly so repeated guessing is slowed down on every app process."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), index=True, info=PERSONAL_EMAIL)
    remote_addr: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
