"""The session summary (item 7): what was captured by theme, the commitments, the sparrers'
oral feedback and who receives it, in the host's language; its share links.

Names: members' pages show them. Shared outputs (the PDF and the share link) show role and
organisation instead, and a name only for a sparrer who consented AND whose entry may be
quoted. Entries that may not be quoted are never quoted in shared outputs: each theme says how
many there were and from whom (by role), without their words, so the room's weight is visible
and nobody's words leave it against their wish.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from workshop import clock, filenames, pdf, tokens
from workshop.extensions import db
from workshop.sparring.labels import CAPTURE_TYPE_HEADINGS, role_label
from workshop.sparring.models import (
    AuthorRole,
    Capture,
    CaptureType,
    ShareKind,
    SparrerRole,
    SparringSession,
    SparringShare,
)
from workshop.sparring.services import SparringError

PUBLISH_WITHIN_DAYS = 7
FEEDBACK_MAX = 4000
MAX_SHARES = 10


def as_said_by(role: AuthorRole | SparrerRole, organisation: str) -> str:
    """Role and organisation, as shared outputs name a person."""
    return f"{role_label(role)}, {organisation}" if organisation else role_label(role)


def may_show_name(capture: Capture) -> bool:
    """True when a shared output may name the capture's author."""
    sparrer = capture.sparrer
    return bool(
        sparrer and sparrer.named_consent and capture.quotable and sparrer.revoked_at is None
    )


@dataclass(frozen=True)
class Entry:
    """One capture as the summary shows it."""

    text: str
    said_by: str
    about: str
    quotable: bool


@dataclass(frozen=True)
class Theme:
    """The captures of one type, grouped by what they are about."""

    kind: CaptureType
    title: str
    entries: tuple[Entry, ...]
    # Shared outputs: how many entries were not for quoting, and from which roles.
    unquoted: int
    unquoted_roles: str


@dataclass(frozen=True)
class CommitmentLine:
    """A commitment as the summary lists it."""

    title: str
    owner: str
    due_on: date | None
    first_when: str
    first_then: str
    indicator: str
    target: str
    witness: str


@dataclass(frozen=True)
class Summary:
    """What the summary page and PDF show."""

    session: SparringSession
    language: str
    shared: bool
    sparrers: tuple[str, ...]
    themes: tuple[Theme, ...]
    commitments: tuple[CommitmentLine, ...]
    oral_feedback: str
    recipients: str

    @property
    def publish_by(self) -> date:
        return publish_by(self.session)


def _about(capture: Capture) -> str:
    if capture.point is not None:
        return capture.point.title
    if capture.step is not None:
        return capture.step.title
    return ""


def _said_by(capture: Capture, shared: bool) -> str:
    label = as_said_by(capture.author_role, capture.organisation)
    name = capture.author_name or (capture.sparrer.name if capture.sparrer else "")
    if name and (not shared or may_show_name(capture)):
        return f"{name} ({label})"
    return label


def _theme(kind: CaptureType, captures: list[Capture], shared: bool) -> Theme:
    shown = [c for c in captures if c.quotable or not shared]
    hidden = [c for c in captures if not c.quotable and shared]
    # Entries about the same step or critical point stand together, in the order they came.
    shown.sort(key=lambda c: (_about(c) == "", _about(c).casefold(), c.id))
    roles = Counter(c.author_role for c in hidden)
    return Theme(
        kind,
        str(CAPTURE_TYPE_HEADINGS[kind]),
        tuple(Entry(c.text, _said_by(c, shared), _about(c), c.quotable) for c in shown),
        len(hidden),
        ", ".join(f"{role_label(role)} {count}" for role, count in roles.items()),
    )


def _witness(commitment, shared: bool) -> str:
    witness = commitment.witness
    if witness is None:
        return ""
    label = as_said_by(witness.role, witness.organisation)
    return label if shared and not witness.named_consent else f"{witness.name} ({label})"


def _owner(commitment, shared: bool) -> str:
    follow_up = commitment.follow_up
    host = commitment.session.series.host
    if shared:
        # The owner is a person of the host's team: the team is named, the person is not.
        return follow_up.owner_organisation or host
    return follow_up.owner_label


def build(session: SparringSession, language: str, shared: bool) -> Summary:
    """The summary of a session, in the current locale; `shared` hides names and words."""
    captures = [c for c in session.captures if c.removed_at is None]
    themes = []
    for kind in CaptureType:
        of_kind = [c for c in captures if c.type == kind]
        if of_kind:
            themes.append(_theme(kind, of_kind, shared))
    commitments = tuple(
        CommitmentLine(
            c.follow_up.title,
            _owner(c, shared),
            c.follow_up.due_on,
            c.first_when,
            c.first_then,
            c.indicator,
            c.target,
            _witness(c, shared),
        )
        for c in session.commitments
    )
    sparrers = tuple(
        as_said_by(s.role, s.organisation)
        if shared
        else f"{s.name} ({as_said_by(s.role, s.organisation)})"
        for s in session.sparrers
    )
    return Summary(
        session,
        language,
        shared,
        sparrers,
        tuple(themes),
        commitments,
        session.oral_feedback,
        session.recipients,
    )


def render(session: SparringSession, shared: bool, links: dict, for_pdf: bool) -> str:
    """The summary as HTML in the host's language: the page, or what the PDF is made from."""
    language = session.series.language
    stylesheet = (
        pdf.static_url("css/print.css") if for_pdf else url_for("static", filename="css/print.css")
    )
    with force_locale(language):
        return render_template(
            "sparring/summary/summary.html",
            summary=build(session, language, shared),
            language=language,
            preview=not for_pdf,
            links=links,
            stylesheet=stylesheet,
        )


def file_names(session: SparringSession) -> tuple[str, str]:
    """The PDF's file name in ASCII and in full."""
    with force_locale(session.series.language):
        name = f"{_('Sparring summary')} {session.held_on.isoformat()}"
    return filenames.slug(name, True) + ".pdf", filenames.slug(name, False) + ".pdf"


# --- oral feedback, publishing, the within-the-week mark -----------------------------------------


def set_oral_feedback(session: SparringSession, text: str) -> None:
    """Keep the sparrers' oral feedback as written down."""
    if len(text) > FEEDBACK_MAX:
        raise SparringError("too_long", FEEDBACK_MAX)
    session.oral_feedback = text.strip()
    session.version += 1


def publish(session: SparringSession) -> None:
    """Mark the summary published (to the agreement's recipients); the first time counts."""
    if session.held_on > clock.today():
        raise SparringError("not_held_yet")
    if session.summary_published_at is None:
        session.summary_published_at = clock.now()


def publish_by(session: SparringSession) -> date:
    """The last day the summary is on time: within the week of the session."""
    return session.held_on + timedelta(days=PUBLISH_WITHIN_DAYS)


@dataclass(frozen=True)
class Timeliness:
    """Where a session's summary stands against "within the week"."""

    state: str  # upcoming, due, missed, on_time, late
    publish_by: date
    published_on: date | None


def timeliness(session: SparringSession, today: date) -> Timeliness:
    """Whether the summary was (or can still be) published within the week of the session."""
    due = publish_by(session)
    published: datetime | None = session.summary_published_at
    if published is not None:
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
        on = published.astimezone(zone).date()
        return Timeliness("on_time" if on <= due else "late", due, on)
    if today < session.held_on:
        return Timeliness("upcoming", due, None)
    return Timeliness("due" if today <= due else "missed", due, None)


# --- share links ---------------------------------------------------------------------------


def create_share(session: SparringSession, user) -> tuple[SparringShare, str]:
    """A new link to the summary without names; its token is shown once."""
    live = [s for s in session.shares if s.kind == ShareKind.SUMMARY and s.revoked_at is None]
    if len(live) >= MAX_SHARES:
        raise SparringError("too_many_shares", MAX_SHARES)
    token, token_hash = tokens.new_token()
    share = SparringShare(
        session=session,
        kind=ShareKind.SUMMARY,
        token_hash=token_hash,
        created_by_id=user.id if user else None,
    )
    db.session.add(share)
    db.session.flush()
    return share, token


def summary_shares(session: SparringSession) -> list[SparringShare]:
    """The session's summary links, newest first."""
    return sorted((s for s in session.shares if s.kind == ShareKind.SUMMARY), key=lambda s: -s.id)


def revoke_share(session: SparringSession, share_id: int) -> SparringShare | None:
    """Withdraw one of the session's summary links; None when it is not one."""
    share = db.session.get(SparringShare, share_id)
    if share is None or share.session_id != session.id or share.kind != ShareKind.SUMMARY:
        return None
    if share.revoked_at is None:
        share.revoked_at = clock.now()
    return share


def share_for_token(token: str) -> SparringShare | None:
    """The summary link with this token (withdrawn ones too: they answer 410), or None."""
    if not tokens.is_token_shaped(token):
        return None
    return db.session.scalar(
        select(SparringShare).where(
            SparringShare.token_hash == tokens.hash_token(token),
            SparringShare.kind == ShareKind.SUMMARY,
        )
    )
