"""A live session of a running sprint: the room's join code, its guests, what they enter and
their dots, and the facilitator's controls (phase, timer, voting, private input, lock)."""

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import ORG_NAME_MAX, Organisation, User
from workshop.critical_points.models import Category, CriticalPoint, Report, ReporterRole
from workshop.extensions import db
from workshop.journeys.models import Journey, Lane, Stage, Step
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT, PERSONAL_NAME
from workshop.sprints.models import Sprint, SprintPhase

# No 0/O, 1/I/L: a code read off a projector across a room must not be misread.
JOIN_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
JOIN_CODE_LENGTH = 6
DISPLAY_NAME_MAX = 60
ENTRY_TEXT_MAX = 500
ACTIVITY_MAX = 160
REASON_MAX = 200
NETWORK_MAX = 50
MAX_BUDGET = 20
MAX_TIMER_MINUTES = 180
PRESENTER_TEXT_MAX = 200


class EntryKind(enum.StrEnum):
    """What a participant entered."""

    POINT = "point"
    STEP = "step"
    COMMENT = "comment"


class PresenterMode(enum.StrEnum):
    """What the projector shows, as the facilitator chose it on the console."""

    JOIN = "join"
    JOURNEY = "journey"
    RANKING = "ranking"
    STEP = "step"
    MESSAGE = "message"
    TIMER = "timer"


class LiveSession(db.Model):
    """One facilitated session of a sprint, joined by code; all its state lives in this row."""

    __tablename__ = "live_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    sprint_id: Mapped[int] = mapped_column(ForeignKey("sprint.id", ondelete="CASCADE"), index=True)
    journey_id: Mapped[int] = mapped_column(ForeignKey("journey.id", ondelete="CASCADE"))
    join_code: Mapped[str] = mapped_column(String(JOIN_CODE_LENGTH), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Screens poll these, with the journey's own version, and fetch only the regions whose
    # counter moved: the facilitator's controls, the dots (`version`), the entries.
    controls_version: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1)
    entries_version: Mapped[int] = mapped_column(Integer, default=1)
    phase_id: Mapped[int | None] = mapped_column(ForeignKey("sprint_phase.id", ondelete="SET NULL"))
    activity: Mapped[str] = mapped_column(String(ACTIVITY_MAX), default="")
    # The server's clock decides: a running timer has an end, a paused one the seconds left.
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    timer_left_s: Mapped[int | None] = mapped_column(Integer)
    vote_budget: Mapped[int] = mapped_column(Integer, default=5)
    stacking: Mapped[bool] = mapped_column(Boolean, default=True)
    voting_open: Mapped[bool] = mapped_column(Boolean, default=False)
    private_input: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # The door: once closed no one new joins; with admitting on, a newcomer waits for the
    # facilitator before adding anything.
    door_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    admit_each: Mapped[bool] = mapped_column(Boolean, default=False)
    # The projector: what it shows now (a new room starts on the join code), the step zoomed
    # in on and the question or instruction typed for the room.
    presenting: Mapped[PresenterMode] = mapped_column(
        db_enum(PresenterMode, "presenter_mode"), default=PresenterMode.JOIN
    )
    presenting_step_id: Mapped[int | None] = mapped_column(
        ForeignKey("step.id", ondelete="SET NULL")
    )
    presenting_text: Mapped[str] = mapped_column(
        String(PRESENTER_TEXT_MAX), default="", info=FREE_TEXT
    )

    sprint: Mapped[Sprint] = relationship()
    journey: Mapped[Journey] = relationship()
    phase: Mapped[SprintPhase | None] = relationship()
    presenting_step: Mapped[Step | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    guests: Mapped[list["Guest"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Guest.id"
    )

    def is_open(self, now: datetime) -> bool:
        """True while the code works and guests may add things."""
        return self.ended_at is None and now < self.expires_at and self.sprint.is_running


class Admission(enum.StrEnum):
    """Whether a guest may add things: let in, waiting at the door, or turned away."""

    ADMITTED = "admitted"
    WAITING = "waiting"
    REFUSED = "refused"


class Guest(db.Model):
    """Someone in the room, joined by code without an account, or entered by the facilitator."""

    __tablename__ = "live_guest"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    display_name: Mapped[str] = mapped_column(String(DISPLAY_NAME_MAX), info=PERSONAL_NAME)
    role: Mapped[ReporterRole] = mapped_column(db_enum(ReporterRole, "reporter_role"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    # An organisation typed by a guest stays with the room until a member accepts it into
    # the workspace or merges it into one there (then organisation_id is set).
    organisation_name: Mapped[str] = mapped_column(String(ORG_NAME_MAX), default="")
    admission: Mapped[Admission] = mapped_column(
        db_enum(Admission, "live_admission"), default=Admission.ADMITTED
    )
    # Where the join came from, as its network (/24 or /64), never the full address.
    network: Mapped[str] = mapped_column(String(NETWORK_MAX), default="")
    # A removed guest's entries and dots leave every count until the guest is restored.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    removed_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="", info=FREE_TEXT)
    # Set for someone without a device, whom a facilitator enters things for.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The join form's one-time key: a double tap on "join" makes one guest.
    submission_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[LiveSession] = relationship(back_populates="guests")
    organisation: Mapped[Organisation | None] = relationship()
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])

    @property
    def organisation_label(self) -> str:
        """The organisation as others see it: the workspace's, or the name as typed."""
        return self.organisation.name if self.organisation else self.organisation_name

    @property
    def counts(self) -> bool:
        """True while what the guest enters and their dots count."""
        return self.removed_at is None and self.admission == Admission.ADMITTED


class Entry(db.Model):
    """A critical point, a step suggestion or a comment from the room.

    Private entries wait for the facilitator's reveal; a public point entry has made a
    critical point (with a report) on the journey.
    """

    __tablename__ = "live_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_session.id", ondelete="CASCADE"), index=True
    )
    guest_id: Mapped[int] = mapped_column(
        ForeignKey("live_guest.id", ondelete="CASCADE"), index=True
    )
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    kind: Mapped[EntryKind] = mapped_column(db_enum(EntryKind, "live_entry_kind"))
    text: Mapped[str] = mapped_column(String(ENTRY_TEXT_MAX), info=FREE_TEXT)
    # What a guest said outlives the step, stage or lane it was about.
    step_id: Mapped[int | None] = mapped_column(ForeignKey("step.id", ondelete="SET NULL"))
    stage_id: Mapped[int | None] = mapped_column(ForeignKey("stage.id", ondelete="SET NULL"))
    lane_id: Mapped[int | None] = mapped_column(ForeignKey("lane.id", ondelete="SET NULL"))
    severity: Mapped[int | None] = mapped_column(Integer)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="SET NULL"))
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    point_id: Mapped[int | None] = mapped_column(
        ForeignKey("critical_point.id", ondelete="SET NULL")
    )
    report_id: Mapped[int | None] = mapped_column(ForeignKey("report.id", ondelete="SET NULL"))
    added_step_id: Mapped[int | None] = mapped_column(ForeignKey("step.id", ondelete="SET NULL"))
    # The form's one-time key: a second click on "send" finds the first entry.
    submission_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    removed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    removed_reason: Mapped[str] = mapped_column(String(REASON_MAX), default="", info=FREE_TEXT)

    guest: Mapped[Guest] = relationship()
    step: Mapped[Step | None] = relationship(foreign_keys=[step_id])
    stage: Mapped[Stage | None] = relationship()
    lane: Mapped[Lane | None] = relationship()
    category: Mapped[Category | None] = relationship()
    point: Mapped[CriticalPoint | None] = relationship()
    report: Mapped[Report | None] = relationship()
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    removed_by: Mapped[User | None] = relationship(foreign_keys=[removed_by_id])


class Dot(db.Model):
    """One of a guest's dots on a critical point."""

    __tablename__ = "live_dot"
    __table_args__ = (Index("ix_live_dot_session_guest", "session_id", "guest_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("live_session.id", ondelete="CASCADE"))
    guest_id: Mapped[int] = mapped_column(ForeignKey("live_guest.id", ondelete="CASCADE"))
    point_id: Mapped[int] = mapped_column(
        ForeignKey("critical_point.id", ondelete="CASCADE"), index=True
    )
    submission_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
