"""Reading and saving the accessibility statement, and what the About page tells."""

from dataclasses import dataclass
from datetime import date
from importlib import metadata

from sqlalchemy import select

from workshop.accounts.models import User
from workshop.audit import services as audit
from workshop.audit.models import Action
from workshop.extensions import db
from workshop.site.models import LANGUAGES, AccessibilityStatement, Compliance

# The day Polku's own statement (the defaults below) was written and last checked.
DEFAULT_DATE = date(2026, 12, 7)
DEFAULT_COMPLIANCE = Compliance.PARTIAL
PER_LANGUAGE = ("organisation", "known_issues")
SHARED = ("compliance", "feedback_email", "feedback_url", "prepared_on", "reviewed_on")
OBJECT_TYPE = "accessibility_statement"


@dataclass(frozen=True)
class Statement:
    """The statement as one language's page shows it; empty texts mean "say Polku's default"."""

    organisation: str
    known_issues: str
    compliance: Compliance
    feedback_email: str
    feedback_url: str
    prepared_on: date
    reviewed_on: date
    edited: bool


@dataclass(frozen=True)
class StatementChange:
    """What an administrator sends: the texts per language and the shared fields."""

    texts: dict[str, dict[str, str]]
    compliance: Compliance
    feedback_email: str
    feedback_url: str
    prepared_on: date
    reviewed_on: date


def saved_statement() -> AccessibilityStatement | None:
    """The deployment's statement row, or None while nobody has edited it."""
    return db.session.scalar(select(AccessibilityStatement).order_by(AccessibilityStatement.id))


def statement_in(language: str) -> Statement:
    """The statement in one language, with Polku's defaults until an administrator edits it."""
    row = saved_statement()
    if row is None:
        return Statement("", "", DEFAULT_COMPLIANCE, "", "", DEFAULT_DATE, DEFAULT_DATE, False)
    return Statement(
        organisation=row.text("organisation", language),
        known_issues=row.text("known_issues", language),
        compliance=row.compliance,
        feedback_email=row.feedback_email,
        feedback_url=row.feedback_url,
        prepared_on=row.prepared_on,
        reviewed_on=row.reviewed_on,
        edited=True,
    )


def save_statement(change: StatementChange, by: User) -> AccessibilityStatement:
    """Write the statement (made on first save) and log which fields changed, not their text."""
    row = saved_statement()
    if row is None:
        row = AccessibilityStatement()
        db.session.add(row)
    changed = []
    values = {name: getattr(change, name) for name in SHARED}
    for field in PER_LANGUAGE:
        values.update({f"{field}_{lang}": change.texts[field][lang] for lang in LANGUAGES})
    for name, value in values.items():
        if getattr(row, name, None) != value:
            setattr(row, name, value)
            changed.append(name)
    row.updated_by = by
    db.session.flush()
    if changed:
        audit.record(Action.CHANGE, OBJECT_TYPE, row.id, detail="fields: " + ", ".join(changed))
    return row


def polku_version() -> str:
    """The installed package's version, as its metadata says."""
    try:
        return metadata.version("polku")
    except metadata.PackageNotFoundError:
        return "unknown"
