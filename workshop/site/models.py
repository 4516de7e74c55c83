"""The deployment's accessibility statement: one row, its texts in every language."""

import enum
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.accounts.models import User
from workshop.extensions import db
from workshop.models_base import UTCDateTime, db_enum, utcnow
from workshop.personal_data import PERSONAL_EMAIL

LANGUAGES = ("fi", "sv", "en")
ORGANISATION_MAX = 200
KNOWN_ISSUES_MAX = 5000
EMAIL_MAX = 254
URL_MAX = 500


class Compliance(enum.StrEnum):
    """How far the service meets the requirements (law 306/2019, WCAG 2.1 AA)."""

    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class AccessibilityStatement(db.Model):
    """What the deployment says of its accessibility; absent until an administrator edits it.

    The organisation and the known gaps are written per language (`organisation_fi`, …);
    an empty text falls back to Polku's own default in that language.
    """

    __tablename__ = "accessibility_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_fi: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    organisation_sv: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    organisation_en: Mapped[str] = mapped_column(String(ORGANISATION_MAX), default="")
    known_issues_fi: Mapped[str] = mapped_column(Text, default="")
    known_issues_sv: Mapped[str] = mapped_column(Text, default="")
    known_issues_en: Mapped[str] = mapped_column(Text, default="")
    compliance: Mapped[Compliance] = mapped_column(db_enum(Compliance, "accessibility_compliance"))
    # May be a person's own address, so erasure and archives treat it as one.
    feedback_email: Mapped[str] = mapped_column(String(EMAIL_MAX), default="", info=PERSONAL_EMAIL)
    feedback_url: Mapped[str] = mapped_column(String(URL_MAX), default="")
    prepared_on: Mapped[date] = mapped_column(Date)
    reviewed_on: Mapped[date] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    updated_by: Mapped[User | None] = relationship()

    def text(self, field: str, language: str) -> str:
        """One of the per-language texts, e.g. text("organisation", "sv")."""
        return getattr(self, f"{field}_{language}")
