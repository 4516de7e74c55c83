"""A journey map: its stages (columns), lanes (rows), steps (cards) and what happened to it."""

import enum
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT

NAME_MAX = 160
TITLE_MAX = 120
DESCRIPTION_MAX = 2000
EMOTION_MIN, EMOTION_MAX = -2, 2
KEY_MAX = 130  # a template step's key is "<template id>.<step id>", each up to 60 characters


class JourneyKind(enum.StrEnum):
    """Which process a journey maps."""

    APPRENTICESHIP = "apprenticeship"
    TRAINING_AGREEMENT = "training_agreement"
    CUSTOM = "custom"


class LaneKind(enum.StrEnum):
    """Frontstage lanes are actors; backstage lanes are work the actors do not see."""

    FRONTSTAGE = "frontstage"
    BACKSTAGE = "backstage"


class Channel(enum.StrEnum):
    """How a step happens."""

    FACE_TO_FACE = "face_to_face"
    PHONE = "phone"
    EMAIL = "email"
    ONLINE_SERVICE = "online_service"
    DOCUMENT = "document"
    MEETING = "meeting"
    WORKPLACE_VISIT = "workplace_visit"
    VIDEO_CALL = "video_call"


class Journey(db.Model):
    """A map of one process, owned by a workspace; `deleted_at` set means it is in the
    workspace's deleted journeys, restorable for a while.

    `version` counts every change to the journey or anything in it, bumped in SQL in the same
    transaction, so a view can ask cheaply whether anything changed since it last looked.
    `edit_version` counts edits of the journey's own name and description, so an edit made
    on an older one is refused instead of overwriting it (stages, lanes and steps have the same).
    """

    __tablename__ = "journey"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    kind: Mapped[JourneyKind] = mapped_column(db_enum(JourneyKind, "journey_kind"))
    description: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    language: Mapped[str] = mapped_column(String(5))
    template_id: Mapped[str | None] = mapped_column(String(60))
    source_journey_id: Mapped[int | None] = mapped_column(
        ForeignKey("journey.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(Integer, default=1)
    edit_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # A deleted journey is kept, hidden, for some days so that it can be restored.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    workspace: Mapped[Workspace] = relationship()
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    deleted_by: Mapped[User | None] = relationship(foreign_keys=[deleted_by_id])
    stages: Mapped[list["Stage"]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="Stage.position"
    )
    lanes: Mapped[list["Lane"]] = relationship(
        back_populates="journey", cascade="all, delete-orphan", order_by="Lane.position"
    )
    steps: Mapped[list["Step"]] = relationship(
        back_populates="journey", cascade="all, delete-orphan"
    )


class Stage(db.Model):
    """A column of the journey."""

    __tablename__ = "stage"
    __table_args__ = (UniqueConstraint("journey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    version: Mapped[int] = mapped_column(Integer, default=1)

    journey: Mapped[Journey] = relationship(back_populates="stages")


class Lane(db.Model):
    """A row of the journey: an actor, or backstage work."""

    __tablename__ = "lane"
    __table_args__ = (UniqueConstraint("journey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    kind: Mapped[LaneKind] = mapped_column(db_enum(LaneKind, "lane_kind"))
    version: Mapped[int] = mapped_column(Integer, default=1)

    journey: Mapped[Journey] = relationship(back_populates="lanes")

    @property
    def is_backstage(self) -> bool:
        return self.kind == LaneKind.BACKSTAGE


class Step(db.Model):
    """A touchpoint in one stage and lane, ordered within its cell.

    A step in the trash has `deleted_at` set and no position; restoring puts it last in its cell.
    `key` stays the same when a journey is duplicated, so two versions can be compared.
    """

    __tablename__ = "step"
    __table_args__ = (
        UniqueConstraint("stage_id", "lane_id", "position"),
        UniqueConstraint("journey_id", "key"),
        CheckConstraint(
            f"emotion_student BETWEEN {EMOTION_MIN} AND {EMOTION_MAX}", name="emotion_student"
        ),
        CheckConstraint(
            f"emotion_employer BETWEEN {EMOTION_MIN} AND {EMOTION_MAX}", name="emotion_employer"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journey.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("stage.id", ondelete="CASCADE"), index=True)
    lane_id: Mapped[int] = mapped_column(ForeignKey("lane.id", ondelete="CASCADE"), index=True)
    position: Mapped[int | None] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    title: Mapped[str] = mapped_column(String(TITLE_MAX), info=FREE_TEXT)
    description: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    channel: Mapped[Channel | None] = mapped_column(db_enum(Channel, "channel"))
    emotion_student: Mapped[int | None] = mapped_column(Integer)
    emotion_employer: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    journey: Mapped[Journey] = relationship(back_populates="steps")
    stage: Mapped[Stage] = relationship()
    lane: Mapped[Lane] = relationship()
    deleted_by: Mapped[User | None] = relationship()
    suggestions: Mapped[list["StepSuggestion"]] = relationship(
        back_populates="step", cascade="all, delete-orphan", order_by="StepSuggestion.id"
    )


class StepSuggestion(db.Model):
    """A typical critical point that came with a template, waiting to be confirmed or dismissed."""

    __tablename__ = "step_suggestion"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(String(600))
    basis: Mapped[str] = mapped_column(String(30))
    source_title: Mapped[str] = mapped_column(String(300), default="")
    source_url: Mapped[str] = mapped_column(String(500), default="")

    # Set when the team confirmed it as a critical point or dismissed it.
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    step: Mapped[Step] = relationship(back_populates="suggestions")


class Activity(db.Model):
    """One change to a journey: who, what, when; shown newest first on the journey page."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    journey_id: Mapped[int] = mapped_column(
        ForeignKey("journey.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(TITLE_MAX), default="", info=FREE_TEXT)
    journey_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User | None] = relationship()
