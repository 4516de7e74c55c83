"""E-mail reminders of check-ins that are due: one message per check-in to its owner, in the
owner's language, sent once (reminded_at)."""

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from workshop import addresses, clock, mail
from workshop.followup import calendar, links
from workshop.followup.models import CheckIn, LinkRole
from workshop.followup.services import due_check_ins


@dataclass(frozen=True)
class Outcome:
    """What a run of reminders did."""

    sent: int
    without_address: int


def _owner(check_in: CheckIn) -> tuple[str, str]:
    """The owner's e-mail address and language ("" when they have none)."""
    follow_up = check_in.follow_up
    default = current_app.config["DEFAULT_LANGUAGE"]
    if follow_up.owner_user is not None:
        user = follow_up.owner_user
        language = (
            user.preferred_language if user.preferred_language in calendar.LANGUAGES else default
        )
        return user.email, language
    email = follow_up.owner_email
    if not email:
        owner_links = [
            link for link in follow_up.links if link.role == LinkRole.OWNER and link.email
        ]
        email = owner_links[0].email if owner_links else ""
    return email, default


def _owner_url(check_in: CheckIn) -> str | None:
    """Where the owner answers the check-in: the follow-up's page (members) or their own link."""
    follow_up = check_in.follow_up
    if follow_up.owner_user is not None:
        return calendar.member_url(follow_up)
    link = links.live_link(follow_up, LinkRole.OWNER)
    return (
        addresses.external_url("follow_link.page", token=links.link_token(link)) if link else None
    )


def reminder(check_in: CheckIn) -> mail.Mail | None:
    """The reminder message of a due check-in, or None when its owner has no address."""
    email, language = _owner(check_in)
    if not email:
        return None
    follow_up = check_in.follow_up
    url = _owner_url(check_in)
    with force_locale(language):
        kind = calendar.kind_title(check_in.kind)
        subject = _("Check-in due: %(title)s", title=follow_up.title)
        body = "\n\n".join(
            [
                _("Hello %(name)s,", name=follow_up.owner_label),
                _(
                    "A check-in of “%(title)s” is due on %(date)s: %(kind)s.",
                    title=follow_up.title,
                    date=format_date(check_in.due_on, "long"),
                    kind=kind,
                ),
                _("Answer it here: %(url)s", url=url)
                if url
                else _("Answer it through the follow-up link you were given."),
                _("– Polku follow-up (sent once for each check-in)"),
            ]
        )
    return mail.Mail(email, subject, body + "\n", language)


def send_reminders() -> Outcome:
    """Remind the owners of every due check-in not reminded yet; marks those sent (the caller
    commits). Raises OSError/smtplib.SMTPException when the server fails (nothing is marked)."""
    pending = [c for c in due_check_ins(clock.today()) if c.reminded_at is None]
    messages, reminded, without = [], [], 0
    for check_in in pending:
        message = reminder(check_in)
        if message is None:
            without += 1
            continue
        messages.append(message)
        reminded.append(check_in)
    mail.send(messages)
    now = clock.now()
    for check_in in reminded:
        check_in.reminded_at = now
    return Outcome(len(messages), without)
