""" "You said, we did": when a commitment is done, its owner writes what was done, and the
sparrers whose captures it answers see it (on their personal link, as a PDF, and by e-mail when
SMTP is configured), with what they said and the indicator's outcome."""

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from workshop import addresses, clock, filenames, mail, pdf
from workshop.extensions import db
from workshop.followup.models import CheckInKind, FollowStatus
from workshop.sparring.models import TEXT_MAX, Capture, Commitment, Sparrer, commitment_capture
from workshop.sparring.services import SparringError, sparrer_token
from workshop.sparring.summary import as_said_by


@dataclass(frozen=True)
class Said:
    """One capture the commitment answers, as a sparrer's note shows it."""

    quote: str  # the words, or "" when they may not be quoted
    said_by: str
    own: bool


@dataclass(frozen=True)
class Note:
    """One done commitment's "you said, we did" for one sparrer."""

    title: str
    said: tuple[Said, ...]
    did: str
    did_at: datetime | None
    indicator: str
    target: str
    outcome: str


def write(commitment: Commitment, text: str) -> None:
    """Keep what was done; only a done commitment has one."""
    if commitment.follow_up.status != FollowStatus.DONE:
        raise SparringError("not_done")
    text = text.strip()
    if not text:
        raise SparringError("empty")
    if len(text) > TEXT_MAX:
        raise SparringError("too_long", TEXT_MAX)
    commitment.said_did = text
    commitment.said_did_at = clock.now()


def recipients(commitment: Commitment) -> list[Sparrer]:
    """The sparrers whose captures the commitment answers (links not withdrawn)."""
    found: dict[int, Sparrer] = {}
    for capture in commitment.answers:
        sparrer = capture.sparrer
        if sparrer is not None and sparrer.revoked_at is None and capture.removed_at is None:
            found.setdefault(sparrer.id, sparrer)
    return list(found.values())


def _said(capture: Capture, sparrer: Sparrer) -> Said:
    own = capture.sparrer_id == sparrer.id
    # One's own words come back as said; others' only when they may be quoted.
    quote = capture.text if own or capture.quotable else ""
    return Said(quote, as_said_by(capture.author_role, capture.organisation), own)


def _outcome(commitment: Commitment) -> str:
    for check_in in commitment.follow_up.check_ins:
        if check_in.kind == CheckInKind.OUTCOME and check_in.done_at is not None:
            return check_in.note
    return ""


def notes_for(sparrer: Sparrer) -> list[Note]:
    """The "you said, we did" notes that answer this sparrer's captures, newest first."""
    commitments = db.session.scalars(
        select(Commitment)
        .join(commitment_capture, commitment_capture.c.commitment_id == Commitment.id)
        .join(Capture, Capture.id == commitment_capture.c.capture_id)
        .where(Capture.sparrer_id == sparrer.id, Commitment.said_did_at.is_not(None))
        .distinct()
    )
    notes = []
    for commitment in sorted(commitments, key=lambda c: c.said_did_at, reverse=True):
        if commitment.follow_up.status != FollowStatus.DONE:
            continue
        answered = [c for c in commitment.answers if c.removed_at is None]
        notes.append(
            Note(
                commitment.follow_up.title,
                tuple(_said(c, sparrer) for c in answered),
                commitment.said_did,
                commitment.said_did_at,
                commitment.indicator,
                commitment.target,
                _outcome(commitment),
            )
        )
    return notes


def render(sparrer: Sparrer, links: dict, for_pdf: bool) -> str:
    """The sparrer's notes as HTML in the host's language: the page, or the PDF's source."""
    language = sparrer.series.language
    stylesheet = (
        pdf.static_url("css/print.css") if for_pdf else url_for("static", filename="css/print.css")
    )
    with force_locale(language):
        return render_template(
            "sparring/summary/said_did.html",
            notes=notes_for(sparrer),
            series=sparrer.series,
            language=language,
            preview=not for_pdf,
            links=links,
            stylesheet=stylesheet,
        )


def file_names(sparrer: Sparrer) -> tuple[str, str]:
    """The PDF's file name in ASCII and in full."""
    with force_locale(sparrer.series.language):
        name = _("You said, we did")
    return filenames.slug(name, True) + ".pdf", filenames.slug(name, False) + ".pdf"


def messages(commitment: Commitment) -> list[mail.Mail]:
    """The e-mails telling each recipient with an address that the note is there."""
    language = commitment.session.series.language
    found = []
    for sparrer in recipients(commitment):
        if not sparrer.email:
            continue
        url = addresses.external_url("sparrer.said_did_page", token=sparrer_token(sparrer))
        with force_locale(language):
            subject = _("You said, we did: %(title)s", title=commitment.follow_up.title)
            body = "\n\n".join(
                [
                    _("Hello %(name)s,", name=sparrer.name),
                    _(
                        "%(host)s has done what it committed to in your sparring session: "
                        "“%(title)s”. What you said, and what was done:",
                        host=commitment.session.series.host,
                        title=commitment.follow_up.title,
                    ),
                    url,
                    _("Thank you for sparring us."),
                ]
            )
        found.append(mail.Mail(sparrer.email, subject, body + "\n", language))
    return found
