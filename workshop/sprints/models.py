"""A design sprint with its participants, phases, experiments, decisions, snapshot and share links."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import Organisation, User, Workspace
from workshop.critical_points.models import CriticalPoint, ReporterRole
from workshop.extensions import db
from workshop.journeys.models import Journey
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT, FROZEN_DOCUMENT, PERSONAL_NAME

TITLE_MAX = 160
TEXT_MAX = 4000
NAME_MAX = 120
PHASE_MAX = 80
MAX_PHASES = 12
LABEL_MAX = 120


class SprintStatus(enum.StrEnum):
    """A sprint is planned, then runs, then is closed and frozen."""

    PLANNED = "planned"
    RUNNING = "running"
    CLOSED = "closed"


class ExperimentStatus(enum.StrEnum):
    """Where a rapid trial stands."""

    PLANNED = "planned"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    STOPPED = "stopped"


class DecisionStatus(enum.StrEnum):
    """Where an agreed action stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


sprint_journey = Table(
    "sprint_journey",
    db.metadata,
    Column("sprint_id", ForeignKey("sprint.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "journey_id", ForeignKey("journey.id", ondelete="CASCADE"), primary_key=True, index=True
    ),
)

experiment_point = Table(
    "experiment_point",
    db.metadata,
    Column("experiment_id", ForeignKey("experiment.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "point_id",
        ForeignKey("critical_point.id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    ),
)


class Sprint(db.Model):
    """A bounded round of co-design on one or more journeys of a workspace."""

    __tablename__ = "sprint"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    challenge: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[SprintStatus] = mapped_column(
        db_enum(SprintStatus, "sprint_status"), default=SprintStatus.PLANNED
    )
    # Counts edits of the sprint's own fields, so a save over a newer edit is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    workspace: Mapped[Workspace] = relationship()
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    # A deleted journey leaves the sprint's scope until it is restored (its row here stays).
    journeys: Mapped[list[Journey]] = relationship(
        secondary=sprint_journey,
        secondaryjoin=lambda: and_(
            Journey.id == sprint_journey.c.journey_id, Journey.deleted_at.is_(None)
        ),
        order_by=Journey.id,
    )
    phases: Mapped[list["SprintPhase"]] = relationship(
        back_populates="sprint", cascade="all, delete-orphan", order_by="SprintPhase.position"
    )
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="sprint", cascade="all, delete-orphan", order_by="Participant.id"
    )
    experiments: Mapped[list["Experiment"]] = relationship(
        back_populates="sprint", cascade="all, delete-orphan", order_by="Experiment.id"
    )
    decisions: Mapped[list["Decision"]] = relationship(
        back_populates="sprint", cascade="all, delete-orphan", order_by="Decision.id"
    )
    snapshot: Mapped["Snapshot | None"] = relationship(
        back_populates="sprint", cascade="all, delete-orphan"
    )
    share_links: Mapped[list["ShareLink"]] = relationship(
        back_populates="sprint", cascade="all, delete-orphan", order_by="ShareLink.id"
    )

    @property
    def is_closed(self) -> bool:
        return self.status == SprintStatus.CLOSED

    @property
    def is_running(self) -> bool:
        return self.status == SprintStatus.RUNNING


class SprintPhase(db.Model):
    """A named phase of the sprint, in order (Understand, Define, Ideate…)."""

    __tablename__ = "sprint_phase"
    __table_args__ = (UniqueConstraint("sprint_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprint.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(PHASE_MAX))

    sprint: Mapped[Sprint] = relationship(back_populates="phases")


class Participant(db.Model):
    """Someone taking part: a member (by account) or a guest (by name), with role and organisation."""

    __tablename__ = "sprint_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprint.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(NAME_MAX), info=PERSONAL_NAME)
    role: Mapped[ReporterRole] = mapped_column(db_enum(ReporterRole, "reporter_role"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    is_facilitator: Mapped[bool] = mapped_column(Boolean, default=False)

    sprint: Mapped[Sprint] = relationship(back_populates="participants")
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Experiment(db.Model):
    """A rapid trial: what is tried, why it should help, and how the team will know."""

    __tablename__ = "experiment"

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprint.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), info=FREE_TEXT)
    hypothesis: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    change: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    owner: Mapped[str] = mapped_column(String(NAME_MAX), default="", info=PERSONAL_NAME)
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    success_measure: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    result: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    status: Mapped[ExperimentStatus] = mapped_column(
        db_enum(ExperimentStatus, "experiment_status"), default=ExperimentStatus.PLANNED
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    sprint: Mapped[Sprint] = relationship(back_populates="experiments")
    points: Mapped[list[CriticalPoint]] = relationship(
        secondary=experiment_point, order_by=CriticalPoint.id
    )


class Decision(db.Model):
    """What the team agreed, who owns it (a member, or someone outside with an organisation), by when."""

    __tablename__ = "decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprint.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, info=FREE_TEXT)
    owner_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    owner_name: Mapped[str] = mapped_column(String(NAME_MAX), default="", info=PERSONAL_NAME)
    owner_organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[DecisionStatus] = mapped_column(
        db_enum(DecisionStatus, "decision_status"), default=DecisionStatus.OPEN
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    sprint: Mapped[Sprint] = relationship(back_populates="decisions")
    owner_user: Mapped[User | None] = relationship()
    owner_organisation: Mapped[Organisation | None] = relationship()

    @property
    def owner_label(self) -> str:
        return self.owner_user.name if self.owner_user else self.owner_name


class Snapshot(db.Model):
    """The sprint as it stood when it closed, as a versioned JSON document; never changed."""

    __tablename__ = "sprint_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprint.id", ondelete="CASCADE"), unique=True)
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    document: Mapped[dict] = mapped_column(JSON, info=FROZEN_DOCUMENT)

    sprint: Mapped[Sprint] = relationship(back_populates="snapshot")


class ShareLink(db.Model):
    """A read-only link to a sprint's summary for people without an account."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprint.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(LABEL_MAX), default="", info=FREE_TEXT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    sprint: Mapped[Sprint] = relationship(back_populates="share_links")
    created_by: Mapped[User | None] = relationship()
