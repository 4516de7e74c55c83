"""Survey rounds, the items each round asks, the links staff answer through, their answers, the
coaching plan, and a workspace's own items and thresholds.

A round copies its items when it opens, so what was asked never changes under the answers.
Nothing here says who answered: a response knows its link and its device only by hashes.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT, PERSONAL_NAME

ROUND_NAME_MAX = 120
UNIT_NAME_MAX = 120
ITEM_ID_MAX = 16
ITEM_TEXT_MAX = 300
FREE_TEXT_MAX = 2000
THEME_TITLE_MAX = 160
OWNER_MAX = 120
FOLLOW_UP_MAX = 1000
SUPERVISOR_MAX = 120
LABEL_MAX = 120
MAX_UNITS = 30
MAX_LINKS = 500
MAX_THEMES = 3
DEFAULT_K = 5
MIN_K = 3
MAX_K = 50
DEFAULT_MEDIAN_MAX = 2
DEFAULT_COACHING_PERCENT = 30


class AnswerKind(enum.StrEnum):
    """A value on the 1–5 scale, "not part of my role", or "can't say"."""

    SCALE = "scale"
    NA = "na"
    DK = "dk"


class ThemeStatus(enum.StrEnum):
    """Where a coaching theme stands."""

    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Round(db.Model):
    """One survey round: who it asks, when, which items, and how small a group may be shown."""

    __tablename__ = "survey_round"
    __table_args__ = (
        CheckConstraint(f"k >= {MIN_K}", name="k_at_least_min"),
        CheckConstraint("closes_on >= opens_on", name="closes_after_opening"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(ROUND_NAME_MAX))
    opens_on: Mapped[date] = mapped_column(Date)
    closes_on: Mapped[date] = mapped_column(Date)
    bank_version: Mapped[str] = mapped_column(String(20))
    # The anonymity threshold: no value of a group smaller than this is shown anywhere.
    k: Mapped[int] = mapped_column(Integer, default=DEFAULT_K)
    free_text: Mapped[bool] = mapped_column(Boolean, default=False)
    roles: Mapped[list] = mapped_column(JSON)
    # The round's one shared answering link; personal one-time links are RoundLinks.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # How many times the shared link was replaced: part of what its token is derived from
    # (see competence/rounds.py), so the page can show the current link again.
    link_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Set by the first saved answer: from then on k, free text and the items stay as they are.
    locked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    workspace: Mapped[Workspace] = relationship()
    created_by: Mapped[User | None] = relationship()
    units: Mapped[list["RoundUnit"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundUnit.position"
    )
    items: Mapped[list["RoundItem"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundItem.position"
    )
    links: Mapped[list["RoundLink"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundLink.number"
    )
    themes: Mapped[list["CoachingTheme"]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="CoachingTheme.position"
    )
    shares: Mapped[list["RoundShare"]] = relationship(
        back_populates="round", cascade="all, delete-orphan"
    )

    def is_open(self, today: date) -> bool:
        """True while staff can answer."""
        return self.closed_at is None and self.opens_on <= today <= self.closes_on

    def is_closed(self, today: date) -> bool:
        """True once the round was closed or its last day has passed."""
        return self.closed_at is not None or today > self.closes_on

    @property
    def locked(self) -> bool:
        """True once anyone has answered."""
        return self.locked_at is not None


class RoundUnit(db.Model):
    """A unit of the institution a round covers; respondents pick theirs."""

    __tablename__ = "survey_unit"
    __table_args__ = (UniqueConstraint("round_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(UNIT_NAME_MAX))
    position: Mapped[int] = mapped_column(Integer, default=0)

    round: Mapped[Round] = relationship(back_populates="units")


class ItemContent:
    """What an item says and is about: the columns a round's copy and a workspace's own item share."""

    # The bank's (or workspace's) stable id: rounds are compared on it.
    item_id: Mapped[str] = mapped_column(String(ITEM_ID_MAX))
    level: Mapped[str] = mapped_column(String(1))
    text_fi: Mapped[str] = mapped_column(String(ITEM_TEXT_MAX))
    text_sv: Mapped[str] = mapped_column(String(ITEM_TEXT_MAX))
    text_en: Mapped[str] = mapped_column(String(ITEM_TEXT_MAX))
    roles: Mapped[list] = mapped_column(JSON)
    steps: Mapped[list] = mapped_column(JSON)
    categories: Mapped[list] = mapped_column(JSON)

    CONTENT = ("item_id", "level", "text_fi", "text_sv", "text_en", "roles", "steps", "categories")

    def content(self) -> dict:
        """The content columns, to copy into another item."""
        return {name: getattr(self, name) for name in self.CONTENT}

    def text(self, language: str) -> str:
        """The statement in this language, Finnish if there is none."""
        return getattr(self, f"text_{language}", None) or self.text_fi


class RoundItem(ItemContent, db.Model):
    """An item as the round asks it: copied from the bank or the workspace's own items."""

    __tablename__ = "survey_item"
    __table_args__ = (UniqueConstraint("round_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    round: Mapped[Round] = relationship(back_populates="items")


class RoundLink(db.Model):
    """A personal one-time answering link a facilitator prints or copies; numbered, never named."""

    __tablename__ = "survey_link"
    __table_args__ = (UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("survey_round.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship(back_populates="links")


class Response(db.Model):
    """One person's answers to a round, found again only by the device that started it."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), index=True
    )
    link_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_link.id", ondelete="SET NULL"), unique=True
    )
    # Hash of the token in the respondent's cookie: resuming works on that device only.
    device_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str | None] = mapped_column(String(8))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("survey_unit.id", ondelete="SET NULL"))
    free_text: Mapped[str] = mapped_column(String(FREE_TEXT_MAX), default="", info=FREE_TEXT)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship()
    link: Mapped[RoundLink | None] = relationship()
    unit: Mapped[RoundUnit | None] = relationship()
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )
    shares: Mapped[list["ReportShare"]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    """One item answered: a value 1–5, or NA / "can't say"; and whether coaching is wanted."""

    __tablename__ = "survey_answer"
    __table_args__ = (
        UniqueConstraint("response_id", "round_item_id"),
        CheckConstraint(
            "(kind = 'scale' AND value BETWEEN 1 AND 5) OR (kind <> 'scale' AND value IS NULL)",
            name="value_fits_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("survey_response.id", ondelete="CASCADE"))
    round_item_id: Mapped[int] = mapped_column(
        ForeignKey("survey_item.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[AnswerKind] = mapped_column(db_enum(AnswerKind, "answer_kind"))
    value: Mapped[int | None] = mapped_column(SmallInteger)
    coaching: Mapped[bool] = mapped_column(Boolean, default=False)

    response: Mapped[Response] = relationship(back_populates="answers")
    item: Mapped[RoundItem] = relationship()


class ReportShare(db.Model):
    """A respondent's own report shared with a named supervisor, until the respondent revokes it."""

    __tablename__ = "survey_report_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("survey_response.id", ondelete="CASCADE"), index=True
    )
    supervisor_name: Mapped[str] = mapped_column(String(SUPERVISOR_MAX), info=PERSONAL_NAME)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    response: Mapped[Response] = relationship(back_populates="shares")


class RoundShare(db.Model):
    """A read-only link to a round's aggregated report (never its free text)."""

    __tablename__ = "survey_round_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(LABEL_MAX), default="", info=FREE_TEXT)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    round: Mapped[Round] = relationship(back_populates="shares")


class CoachingTheme(db.Model):
    """One theme of a round's coaching plan: for whom, on which items, who leads it and by when."""

    __tablename__ = "coaching_theme"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("survey_round.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(THEME_TITLE_MAX), info=FREE_TEXT)
    # A staff role id of the bank, or "ALL" for everyone.
    role: Mapped[str] = mapped_column(String(8))
    items: Mapped[list] = mapped_column(JSON)
    owner: Mapped[str] = mapped_column(String(OWNER_MAX), default="", info=PERSONAL_NAME)
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[ThemeStatus] = mapped_column(
        db_enum(ThemeStatus, "theme_status"), default=ThemeStatus.PLANNED
    )
    follow_up: Mapped[str] = mapped_column(String(FOLLOW_UP_MAX), default="", info=FREE_TEXT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    round: Mapped[Round] = relationship(back_populates="themes")


class OwnItem(ItemContent, db.Model):
    """An item a workspace wrote itself; retired items stay for the rounds that asked them."""

    __tablename__ = "survey_own_item"
    __table_args__ = (UniqueConstraint("workspace_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RetiredItem(db.Model):
    """A bank item a workspace no longer asks in new rounds."""

    __tablename__ = "survey_retired_item"
    __table_args__ = (UniqueConstraint("workspace_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    item_id: Mapped[str] = mapped_column(String(ITEM_ID_MAX))
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SurveySettings(db.Model):
    """A workspace's coaching thresholds: when an item is flagged for a role group."""

    __tablename__ = "survey_settings"

    workspace_id: Mapped[int] = mapped_column(
        ForeignKey("workspace.id", ondelete="CASCADE"), primary_key=True
    )
    # Flag when the median is at most this…
    median_max: Mapped[int] = mapped_column(Integer, default=DEFAULT_MEDIAN_MAX)
    # …or when at least this share (percent) of the group asked for coaching.
    coaching_percent: Mapped[int] = mapped_column(Integer, default=DEFAULT_COACHING_PERCENT)
