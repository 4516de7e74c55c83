"""What institution sign-in and password reset links keep: a provider's name for an account,
and one-time links to set a new password (only their hashes)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import User
from workshop.extensions import db
from workshop.models_base import UTCDateTime, utcnow

ISSUER_MAX = 255
SUBJECT_MAX = 255


class ProviderIdentity(db.Model):
    """An account as an OpenID provider knows it: (issuer, subject) stays the same when the
    person's e-mail address changes at the provider, so the next sign-in still finds them."""

    __tablename__ = "provider_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(ISSUER_MAX))
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class PasswordReset(db.Model):
    """A one-time link to set a new password; made by an administrator (created_by) or asked
    for by e-mail (created_by empty). Only the token's hash is kept."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    def is_open(self, now: datetime) -> bool:
        """True while the link can still be used."""
        return self.used_at is None and self.revoked_at is None and now < self.expires_at
