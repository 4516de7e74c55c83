"""A management team's sparring series: its sparrers (invited by link, no account), sessions
with their agreement, questions and agenda, the evidence pack frozen with each session, what
was captured in the room, and at most three commitments, each followed up (workshop.followup).
"""

import enum
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import ORG_NAME_MAX, User, Workspace
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db
from workshop.followup.models import FollowUp
from workshop.journeys.models import Step
from workshop.live.models import Guest, LiveSession
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT, FROZEN_DOCUMENT, PERSONAL_EMAIL, PERSONAL_NAME
from workshop.sprints.models import Sprint

TITLE_MAX = 160
NAME_MAX = 120
EMAIL_MAX = 254
QUESTION_MAX = 300
CAPTURE_MAX = 1000
TEXT_MAX = 2000
MAX_COMMITMENTS = 3
MIN_QUESTIONS = 3
MAX_QUESTIONS = 5
MAX_SPARRERS = 4
MAX_AGENDA_ITEMS = 12


class SparrerRole(enum.StrEnum):
    """Where a sparrer comes from."""

    EMPLOYER = "employer"
    GROWTH_COMPANY = "growth_company"


class AuthorRole(enum.StrEnum):
    """Who said what was captured; shared outputs show this instead of a name."""

    EMPLOYER = "employer"
    GROWTH_COMPANY = "growth_company"
    MANAGEMENT = "management"
    FACILITATOR = "facilitator"


class CaptureType(enum.StrEnum):
    """What kind of thing was said in the room."""

    QUESTION = "question"
    OBSERVATION = "observation"
    EXPECTATION = "expectation"
    IDEA = "idea"
    COMMITMENT = "commitment"


class AgendaKind(enum.StrEnum):
    """The parts of a session's agenda; open commitments always come first."""

    OPEN_COMMITMENTS = "open_commitments"
    EVIDENCE = "evidence"
    QUESTIONS = "questions"
    GROWTH = "growth"
    COMMITMENTS = "commitments"
    FEEDBACK = "feedback"
    OTHER = "other"


class ShareKind(enum.StrEnum):
    """What a share link of a session opens."""

    PACK = "pack"
    SUMMARY = "summary"


class SparringSeries(db.Model):
    """A management team's recurring sparring, with the same or new sparrers each time."""

    __tablename__ = "sparring_series"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    # The host: the management team being sparred, e.g. "Johtoryhmä".
    host: Mapped[str] = mapped_column(String(TITLE_MAX))
    # The host's language (fi, sv, en): the evidence pack and the summary are written in it.
    language: Mapped[str] = mapped_column(String(2), default="fi")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    workspace: Mapped[Workspace] = relationship()
    sparrers: Mapped[list["Sparrer"]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="Sparrer.id"
    )
    sessions: Mapped[list["SparringSession"]] = relationship(
        back_populates="series", cascade="all, delete-orphan", order_by="SparringSession.held_on"
    )


session_sparrer = Table(
    "sparring_session_sparrer",
    db.metadata,
    Column("session_id", ForeignKey("sparring_session.id", ondelete="CASCADE"), primary_key=True),
    Column("sparrer_id", ForeignKey("sparrer.id", ondelete="CASCADE"), primary_key=True),
)


class Sparrer(db.Model):
    """Someone from working life who spars the host, reached by a personal link."""

    __tablename__ = "sparrer"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("sparring_series.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX), info=PERSONAL_NAME)
    organisation: Mapped[str] = mapped_column(String(ORG_NAME_MAX))
    role: Mapped[SparrerRole] = mapped_column(db_enum(SparrerRole, "sparrer_role"))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="", info=PERSONAL_EMAIL)
    # Shared outputs show role and organisation, and the name only with this consent.
    named_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    series: Mapped[SparringSeries] = relationship(back_populates="sparrers")


class SparringSession(db.Model):
    """One sparring session: its agreement, questions, agenda, evidence, room and results."""

    __tablename__ = "sparring_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        ForeignKey("sparring_series.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(TITLE_MAX), default="", info=FREE_TEXT)
    # The agreement made before the session.
    themes: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    confidentiality: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    recipients: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    deciders: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    # The evidence pack as it was frozen (a versioned document, see sparring/evidence.py).
    pack: Mapped[dict | None] = mapped_column(JSON, info=FROZEN_DOCUMENT)
    pack_frozen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The room: a live session (join code, phones, projector) of a sprint made for it.
    sprint_id: Mapped[int | None] = mapped_column(ForeignKey("sprint.id", ondelete="SET NULL"))
    live_session_id: Mapped[int | None] = mapped_column(
        ForeignKey("live_session.id", ondelete="SET NULL")
    )
    # The agenda item under way (its position), None before and after.
    current_position: Mapped[int | None] = mapped_column(Integer)
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    oral_feedback: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    summary_published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    series: Mapped[SparringSeries] = relationship(back_populates="sessions")
    sprint: Mapped[Sprint | None] = relationship()
    live_session: Mapped[LiveSession | None] = relationship()
    created_by: Mapped[User | None] = relationship()
    sparrers: Mapped[list[Sparrer]] = relationship(secondary=session_sparrer, order_by=Sparrer.id)
    questions: Mapped[list["HostQuestion"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="HostQuestion.position"
    )
    agenda: Mapped[list["AgendaItem"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    captures: Mapped[list["Capture"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Capture.id"
    )
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="Commitment.position"
    )
    shares: Mapped[list["SparringShare"]] = relationship(
        back_populates="session", cascade="all, delete-orphan"
    )


class HostQuestion(db.Model):
    """One of the 3–5 questions the host wants challenged."""

    __tablename__ = "sparring_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sparring_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(String(QUESTION_MAX), info=FREE_TEXT)

    session: Mapped[SparringSession] = relationship(back_populates="questions")


class AgendaItem(db.Model):
    """A part of the session's agenda with its planned minutes."""

    __tablename__ = "sparring_agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sparring_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[AgendaKind] = mapped_column(db_enum(AgendaKind, "agenda_kind"))
    # Empty for a default part: pages then show the kind's own translated name.
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="", info=FREE_TEXT)
    minutes: Mapped[int] = mapped_column(Integer)

    session: Mapped[SparringSession] = relationship(back_populates="agenda")


capture_point = Table(
    "sparring_capture_point",
    db.metadata,
    Column("capture_id", ForeignKey("sparring_capture.id", ondelete="CASCADE"), primary_key=True),
    Column("point_id", ForeignKey("critical_point.id", ondelete="CASCADE"), primary_key=True),
)


class Capture(db.Model):
    """Something said in the room, captured by the scribe or by a sparrer on a phone."""

    __tablename__ = "sparring_capture"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sparring_session.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[CaptureType] = mapped_column(db_enum(CaptureType, "capture_type"))
    text: Mapped[str] = mapped_column(String(CAPTURE_MAX), info=FREE_TEXT)
    author_role: Mapped[AuthorRole] = mapped_column(db_enum(AuthorRole, "author_role"))
    organisation: Mapped[str] = mapped_column(String(ORG_NAME_MAX), default="")
    # Kept for the host's own pages; shared outputs show it only with the person's consent.
    author_name: Mapped[str] = mapped_column(String(NAME_MAX), default="", info=PERSONAL_NAME)
    sparrer_id: Mapped[int | None] = mapped_column(ForeignKey("sparrer.id", ondelete="SET NULL"))
    guest_id: Mapped[int | None] = mapped_column(ForeignKey("live_guest.id", ondelete="SET NULL"))
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    step_id: Mapped[int | None] = mapped_column(ForeignKey("step.id", ondelete="SET NULL"))
    point_id: Mapped[int | None] = mapped_column(
        ForeignKey("critical_point.id", ondelete="SET NULL")
    )
    agenda_position: Mapped[int | None] = mapped_column(Integer)
    quotable: Mapped[bool] = mapped_column(Boolean, default=False)
    # The form's one-time key: a second tap on "send" finds the first capture.
    submission_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[SparringSession] = relationship(back_populates="captures")
    sparrer: Mapped[Sparrer | None] = relationship()
    guest: Mapped[Guest | None] = relationship()
    step: Mapped[Step | None] = relationship()
    point: Mapped[CriticalPoint | None] = relationship()


commitment_point = Table(
    "sparring_commitment_point",
    db.metadata,
    Column(
        "commitment_id", ForeignKey("sparring_commitment.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("point_id", ForeignKey("critical_point.id", ondelete="CASCADE"), primary_key=True),
)

commitment_capture = Table(
    "sparring_commitment_capture",
    db.metadata,
    Column(
        "commitment_id", ForeignKey("sparring_commitment.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("capture_id", ForeignKey("sparring_capture.id", ondelete="CASCADE"), primary_key=True),
)


class Commitment(db.Model):
    """One of a session's at most three commitments; its follow-up holds title, owner, due
    date, status and history."""

    __tablename__ = "sparring_commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sparring_session.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    follow_up_id: Mapped[int] = mapped_column(
        ForeignKey("follow_up.id", ondelete="CASCADE"), unique=True
    )
    # The first step as an if-then plan: "When …, then …".
    first_when: Mapped[str] = mapped_column(String(TITLE_MAX * 2), info=FREE_TEXT)
    first_then: Mapped[str] = mapped_column(String(TITLE_MAX * 2), info=FREE_TEXT)
    indicator: Mapped[str] = mapped_column(String(TITLE_MAX * 2), default="", info=FREE_TEXT)
    target: Mapped[str] = mapped_column(String(TITLE_MAX), default="", info=FREE_TEXT)
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("sparrer.id", ondelete="SET NULL"))
    # "You said, we did": written when the commitment is done, sent to the sparrers whose
    # captures it answers.
    said_did: Mapped[str] = mapped_column(Text, default="", info=FREE_TEXT)
    said_did_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[SparringSession] = relationship(back_populates="commitments")
    follow_up: Mapped[FollowUp] = relationship(cascade="all, delete-orphan", single_parent=True)
    witness: Mapped[Sparrer | None] = relationship()
    points: Mapped[list[CriticalPoint]] = relationship(secondary=commitment_point)
    answers: Mapped[list[Capture]] = relationship(secondary=commitment_capture)


class SparringShare(db.Model):
    """A link without an account to a session's evidence pack or summary; withdrawable."""

    __tablename__ = "sparring_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sparring_session.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ShareKind] = mapped_column(db_enum(ShareKind, "sparring_share_kind"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[SparringSession] = relationship(back_populates="shares")
