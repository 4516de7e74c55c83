"""What is followed up: an agreed action with an owner, a due date and a status with its
history; the check-ins its schedule makes; and the links that let an owner outside the
workspace or an external witness see it and answer without an account.

A follow-up belongs to its workspace. It was agreed somewhere: a sparring commitment points
here (sparring sits above this layer), a sprint's decision or experiment is pointed to from
here. Links keep only the hash of their token.
"""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import ORG_NAME_MAX, User, Workspace
from workshop.extensions import db
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT, PERSONAL_EMAIL, PERSONAL_NAME
from workshop.sprints.models import Decision, Experiment

TITLE_MAX = 160
NAME_MAX = 120
EMAIL_MAX = 254
REASON_MAX = 500
NOTE_MAX = 2000


class FollowStatus(enum.StrEnum):
    """Where an agreed action stands (the same four as a sprint decision's)."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class CheckInKind(enum.StrEnum):
    """The three check-ins every follow-up gets, counted from the day it was agreed."""

    # 30 days: the owner confirms the first step was taken.
    FIRST_STEP = "first_step"
    # 3 months: status with the witness.
    WITNESS = "witness"
    # 6–12 months: the outcome against the indicator.
    OUTCOME = "outcome"


class LinkRole(enum.StrEnum):
    """Who holds a link: an owner outside the workspace, or an external witness."""

    OWNER = "owner"
    WITNESS = "witness"


class EventKind(enum.StrEnum):
    """A line of a follow-up's history."""

    CREATED = "created"
    STATUS = "status"
    DUE = "due"
    CHECK_IN = "check_in"
    COMMENT = "comment"
    CONFIRM = "confirm"
    LINK = "link"


class FollowUp(db.Model):
    """One agreed action followed until it is done or dropped."""

    __tablename__ = "follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX), info=FREE_TEXT)
    # A member of the workspace, or someone outside it known by name (and e-mail for reminders).
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    owner_name: Mapped[str] = mapped_column(String(NAME_MAX), default="", info=PERSONAL_NAME)
    owner_organisation: Mapped[str] = mapped_column(String(ORG_NAME_MAX), default="")
    owner_email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="", info=PERSONAL_EMAIL)
    # The day it was agreed: the check-ins count from here.
    agreed_on: Mapped[date] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[FollowStatus] = mapped_column(
        db_enum(FollowStatus, "follow_status"), default=FollowStatus.OPEN
    )
    dropped_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="", info=FREE_TEXT)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where it was agreed, when in a sprint (a sparring commitment points here instead).
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("decision.id", ondelete="CASCADE"), unique=True
    )
    experiment_id: Mapped[int | None] = mapped_column(
        ForeignKey("experiment.id", ondelete="CASCADE"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Stale edits are refused with what was typed kept (as everywhere else).
    version: Mapped[int] = mapped_column(Integer, default=1)

    workspace: Mapped[Workspace] = relationship()
    owner_user: Mapped[User | None] = relationship(foreign_keys=[owner_user_id])
    decision: Mapped[Decision | None] = relationship()
    experiment: Mapped[Experiment | None] = relationship()
    check_ins: Mapped[list["CheckIn"]] = relationship(
        back_populates="follow_up", cascade="all, delete-orphan", order_by="CheckIn.due_on"
    )
    events: Mapped[list["FollowUpEvent"]] = relationship(
        back_populates="follow_up", cascade="all, delete-orphan", order_by="FollowUpEvent.id"
    )
    links: Mapped[list["FollowUpLink"]] = relationship(
        back_populates="follow_up", cascade="all, delete-orphan", order_by="FollowUpLink.id"
    )

    @property
    def owner_label(self) -> str:
        """The owner as pages show them."""
        return self.owner_user.name if self.owner_user else self.owner_name

    @property
    def is_finished(self) -> bool:
        """True once done or dropped: no check-in is due any more."""
        return self.status in (FollowStatus.DONE, FollowStatus.DROPPED)


class CheckIn(db.Model):
    """A dated check-in of a follow-up; done when someone answered it."""

    __tablename__ = "follow_up_check_in"
    __table_args__ = (UniqueConstraint("follow_up_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CheckInKind] = mapped_column(db_enum(CheckInKind, "check_in_kind"))
    due_on: Mapped[date] = mapped_column(Date)
    # The last day it is still on time (the outcome review has a window of 6 to 12 months).
    last_on: Mapped[date] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    done_by_link_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up_link.id", ondelete="SET NULL")
    )
    note: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    # The e-mail reminder went out (once per check-in).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    follow_up: Mapped[FollowUp] = relationship(back_populates="check_ins")
    done_by: Mapped[User | None] = relationship()


class FollowUpLink(db.Model):
    """A link without an account for an owner outside the workspace or a witness."""

    __tablename__ = "follow_up_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[LinkRole] = mapped_column(db_enum(LinkRole, "follow_up_link_role"))
    name: Mapped[str] = mapped_column(String(NAME_MAX), info=PERSONAL_NAME)
    organisation: Mapped[str] = mapped_column(String(ORG_NAME_MAX), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="", info=PERSONAL_EMAIL)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    follow_up: Mapped[FollowUp] = relationship(back_populates="links")


class FollowUpEvent(db.Model):
    """A line of a follow-up's history: who changed or said what, and when."""

    __tablename__ = "follow_up_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EventKind] = mapped_column(db_enum(EventKind, "follow_up_event_kind"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_status: Mapped[str] = mapped_column(String(20), default="")
    to_status: Mapped[str] = mapped_column(String(20), default="")
    text: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("follow_up_link.id", ondelete="SET NULL")
    )

    follow_up: Mapped[FollowUp] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
    link: Mapped[FollowUpLink | None] = relationship()
