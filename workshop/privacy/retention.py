"""Guests' names leave a set number of days after their live session ended.

What they wrote, their dots and the reports made from their entries stay, shown by role and
organisation. Run daily from a timer (`flask --app workshop privacy retention`); a second run
finds nothing more to do.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from workshop.extensions import db
from workshop.live.models import Guest, LiveSession
from workshop.privacy import people
from workshop.privacy.models import ErasedRecord, Removal


@dataclass(frozen=True)
class Retention:
    """What one run did."""

    guests: int
    copies: int
    documents: int


def guests_due(now: datetime, days: int) -> list[Guest]:
    """Guests whose session ended (or whose code ran out) at least `days` days ago and whose
    name is still there."""
    ended = func.coalesce(LiveSession.ended_at, LiveSession.expires_at)
    done = select(ErasedRecord.row_id).where(ErasedRecord.kind == Guest.__tablename__)
    return list(
        db.session.scalars(
            select(Guest)
            .join(LiveSession, LiveSession.id == Guest.session_id)
            .where(ended <= now - timedelta(days=days), Guest.id.not_in(done))
            .order_by(Guest.id)
        )
    )


def remove_guest_names(now: datetime, days: int, placeholder: str) -> Retention:
    """Replace the names of the guests due, and their copies, with the placeholder."""
    guests = guests_due(now, days)
    if not guests:
        return Retention(0, 0, 0)
    erasure = people.erase([("live_guest", g) for g in guests], placeholder, Removal.RETENTION)
    return Retention(
        guests=len(guests),
        copies=erasure.record_count - len(guests),
        documents=erasure.document_count,
    )
