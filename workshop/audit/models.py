"""One audit event per thing done; the log never holds a person's name, only ids and kinds."""

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import User
from workshop.extensions import db
from workshop.models_base import UTCDateTime, db_enum, utcnow

OBJECT_TYPE_MAX = 40
DETAIL_MAX = 300
ACTOR_KIND_MAX = 20


class Action(enum.StrEnum):
    """What was done."""

    CREATE = "create"
    CHANGE = "change"
    REMOVE = "remove"
    EXPORT = "export"
    SHARE = "share"
    SHARE_USE = "share_use"
    ERASE = "erase"
    SIGN_IN = "sign_in"


class ActorKind(enum.StrEnum):
    """Who did it: a member (by account), a guest or outside link, or the system (a timer)."""

    MEMBER = "member"
    GUEST = "guest"
    LINK = "link"
    SYSTEM = "system"


class AuditEvent(db.Model):
    """Something done to a workspace's data, by whom and when.

    The workspace is kept as a plain id, not a foreign key, so the log outlives a removed
    workspace; the actor's account is set null when the account goes, the kind stays.
    """

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[Action] = mapped_column(db_enum(Action, "audit_action"))
    actor_kind: Mapped[ActorKind] = mapped_column(db_enum(ActorKind, "audit_actor_kind"))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    workspace_id: Mapped[int | None] = mapped_column(Integer, index=True)
    object_type: Mapped[str] = mapped_column(String(OBJECT_TYPE_MAX))
    object_id: Mapped[int | None] = mapped_column(Integer)
    # What changed, in words without personal data ("status: open → done", "fields: title").
    detail: Mapped[str] = mapped_column(String(DETAIL_MAX), default="")

    actor: Mapped[User | None] = relationship()
