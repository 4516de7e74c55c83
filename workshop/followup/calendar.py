"""The owners' calendar feeds (iCalendar): one all-day event per check-in not yet done and
one for the due date, for a member's follow-ups or for an outside owner's link."""

import hmac
from datetime import date, timedelta

from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import select

from workshop import addresses, tokens
from workshop.accounts.models import Membership, User
from workshop.extensions import db
from workshop.followup.models import CheckInKind, FollowUp, FollowUpLink, LinkRole
from workshop.models_base import utcnow

LANGUAGES = ("fi", "sv", "en")
_FEED = "polku-calendar-feed"
UID_DOMAIN = "polku"


def kind_title(kind: CheckInKind) -> str:
    """A check-in kind in the current language."""
    return {
        CheckInKind.FIRST_STEP: _("first step confirmed"),
        CheckInKind.WITNESS: _("status with the witness"),
        CheckInKind.OUTCOME: _("outcome against the indicator"),
    }[kind]


def user_feed_token(user: User) -> str:
    """A member's feed token: derived, so the page shows it again; a new password makes a new
    one (and the old address stops working)."""
    return tokens.derived(_FEED, user.id, user.password_hash[-24:])


def user_for_feed(user_id: int, token: str) -> User | None:
    """The member whose feed address this is, or None."""
    user = db.session.get(User, user_id)
    if user is None or not tokens.is_token_shaped(token):
        return None
    return user if hmac.compare_digest(user_feed_token(user), token) else None


def owner_link_for_token(token: str) -> FollowUpLink | None:
    """The outside owner's link with this token, unless withdrawn; None for anything else."""
    if not tokens.is_token_shaped(token):
        return None
    link = db.session.scalar(
        select(FollowUpLink).where(FollowUpLink.token_hash == tokens.hash_token(token))
    )
    if link is None or link.revoked_at is not None or link.role != LinkRole.OWNER:
        return None
    return link


def follow_ups_owned_by(user: User) -> list[FollowUp]:
    """The follow-ups the member owns, in the workspaces they still belong to."""
    return list(
        db.session.scalars(
            select(FollowUp)
            .join(
                Membership,
                (Membership.workspace_id == FollowUp.workspace_id)
                & (Membership.user_id == user.id),
            )
            .where(FollowUp.owner_user_id == user.id)
            .order_by(FollowUp.id)
        )
    )


def member_url(follow_up: FollowUp) -> str:
    """The full address of the follow-up's page for members."""
    return addresses.external_url(
        "followup.detail", workspace_id=follow_up.workspace_id, follow_up_id=follow_up.id
    )


def feed(follow_ups: list[FollowUp], language: str, url_of) -> bytes:
    """The iCalendar feed of these follow-ups' check-ins not done and their due dates."""
    language = language if language in LANGUAGES else "fi"
    calendar = Calendar()
    calendar.add("prodid", "-//Polku//follow-up//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    stamp = utcnow()
    with force_locale(language):
        calendar.add("x-wr-calname", _("Polku follow-up"))
        for follow_up in follow_ups:
            if follow_up.is_finished:
                continue
            url = url_of(follow_up)
            for check_in in follow_up.check_ins:
                if check_in.done_at is not None:
                    continue
                summary = f"{follow_up.title} – {kind_title(check_in.kind)}"
                calendar.add_component(
                    _event(f"check-in-{check_in.id}", summary, check_in.due_on, url, stamp)
                )
            if follow_up.due_on is not None:
                summary = _("%(title)s – due date", title=follow_up.title)
                calendar.add_component(
                    _event(f"due-{follow_up.id}", summary, follow_up.due_on, url, stamp)
                )
    return calendar.to_ical()


def _event(uid: str, summary: str, day: date, url: str, stamp) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("dtstart", day)
    event.add("dtend", day + timedelta(days=1))
    event.add("url", url)
    event.add("description", url)
    event.add("transp", "TRANSPARENT")
    return event
