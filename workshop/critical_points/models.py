"""Critical points on steps, the reports behind them, their categories and the room's votes."""

import enum
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import Organisation, User
from workshop.extensions import db
from workshop.journeys.models import Journey, Step
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT

TITLE_MAX = 160
TEXT_MAX = 4000
SOURCE_MAX = 200
SUGGESTION_SOURCE_MAX = 300
CATEGORY_MAX = 80
SEVERITY_MIN, SEVERITY_MAX = 1, 3


class ReporterRole(enum.StrEnum):
    """Who reported a critical point."""

    EMPLOYER = "employer"
    WORKPLACE_INSTRUCTOR = "workplace_instructor"
    STUDENT = "student"
    TEACHER = "teacher"
    INSTITUTION_STAFF = "institution_staff"
    OTHER = "other"


class PointStatus(enum.StrEnum):
    """Where the work on a critical point stands."""

    OPEN = "open"
    TESTING = "testing"
    RESOLVED = "resolved"
    WONT_FIX = "wont_fix"


# The default taxonomy, drawn from what working life reports (domain brief §7), with the
# names a workspace sees until it renames them.
DEFAULT_CATEGORIES = {
    "communication": _l("Communication"),
    "contact_person": _l("Contact person"),
    "paperwork": _l("Paperwork"),
    "timing": _l("Timing and schedules"),
    "instructor_support": _l("Support for the workplace instructor"),
    "student_readiness": _l("Student readiness"),
    "task_goal_fit": _l("Work tasks and qualification goals"),
    "assessment": _l("Assessment and demonstrations"),
    "compensation": _l("Training compensation and pay"),
    "workplace_availability": _l("Finding workplaces"),
}


class Category(db.Model):
    """A kind of critical point. Defaults have a `key` and a translated name until renamed."""

    __tablename__ = "category"
    __table_args__ = (UniqueConstraint("workspace_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str | None] = mapped_column(String(40))
    name: Mapped[str | None] = mapped_column(String(CATEGORY_MAX))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CriticalPoint(db.Model):
    """Something on a step that goes wrong, with the reports of everyone who said so."""

    __tablename__ = "critical_point"
    __table_args__ = (
        CheckConstraint(f"severity BETWEEN {SEVERITY_MIN} AND {SEVERITY_MAX}", name="severity"),
        UniqueConstraint("submission_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journey.id", ondelete="CASCADE"), index=True
    )
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(TITLE_MAX), info=FREE_TEXT)
    description: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    severity: Mapped[int] = mapped_column(Integer)
    status: Mapped[PointStatus] = mapped_column(
        db_enum(PointStatus, "point_status"), default=PointStatus.OPEN
    )
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL")
    )
    # Where a point that came from a template suggestion got its text.
    suggestion_source: Mapped[str] = mapped_column(String(SUGGESTION_SOURCE_MAX), default="")
    # The form's one-time key: a second click on "save" finds the first point, not a new one.
    submission_key: Mapped[str | None] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    journey: Mapped[Journey] = relationship()
    step: Mapped[Step] = relationship()
    category: Mapped[Category | None] = relationship()
    status_changed_by: Mapped[User | None] = relationship(foreign_keys=[status_changed_by_id])
    reports: Mapped[list["Report"]] = relationship(
        back_populates="point", cascade="all, delete-orphan", order_by="Report.id"
    )
    votes: Mapped[list["Vote"]] = relationship(back_populates="point", cascade="all, delete-orphan")


class Report(db.Model):
    """One person's report of a critical point: who, from which organisation, and the evidence."""

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(
        ForeignKey("critical_point.id", ondelete="CASCADE"), index=True
    )
    reporter_role: Mapped[ReporterRole] = mapped_column(db_enum(ReporterRole, "reporter_role"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    quote: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    source: Mapped[str] = mapped_column(String(SOURCE_MAX), default="", info=FREE_TEXT)
    reported_on: Mapped[date | None] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    point: Mapped[CriticalPoint] = relationship(back_populates="reports")
    organisation: Mapped[Organisation | None] = relationship()


class Vote(db.Model):
    """A member's vote for a critical point that matters; one per member and point."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("point_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(
        ForeignKey("critical_point.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    point: Mapped[CriticalPoint] = relationship(back_populates="votes")
