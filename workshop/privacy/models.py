"""A workspace's privacy notice in each language, and which records have had their names removed."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import FREE_TEXT

NOTICE_MAX = 20_000
TABLE_NAME_MAX = 40


class NoticeText(db.Model):
    """The privacy notice a workspace's facilitators wrote in one language.

    Without one, the notice page shows the default text built from what Polku stores.
    """

    __tablename__ = "privacy_notice"
    __table_args__ = (UniqueConstraint("workspace_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspace.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(5))
    body: Mapped[str] = mapped_column(Text, info=FREE_TEXT)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    workspace: Mapped[Workspace] = relationship()
    updated_by: Mapped[User | None] = relationship()


class Removal(enum.StrEnum):
    """Why a record's names went: an administrator's erasure, or the guests' retention time."""

    ERASURE = "erasure"
    RETENTION = "retention"


class ErasedRecord(db.Model):
    """A record whose name (and e-mail) columns were replaced: retention skips it, the
    search marks it, and an erased account's sessions end."""

    __tablename__ = "privacy_erased_record"
    __table_args__ = (UniqueConstraint("kind", "row_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(TABLE_NAME_MAX))
    row_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[Removal] = mapped_column(db_enum(Removal, "privacy_removal"))
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
