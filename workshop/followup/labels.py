"""Translated names of follow-up statuses, check-ins and history lines, and the words for
each refusal; templates get the names through `for_templates`."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from workshop.followup.models import CheckInKind, EventKind, FollowStatus, LinkRole

STATUS_LABELS = {
    FollowStatus.OPEN: lazy_pgettext("follow-up status", "Not started"),
    FollowStatus.IN_PROGRESS: lazy_pgettext("follow-up status", "In progress"),
    FollowStatus.DONE: lazy_pgettext("follow-up status", "Done"),
    FollowStatus.DROPPED: lazy_pgettext("follow-up status", "Dropped"),
}
CHECK_IN_LABELS = {
    CheckInKind.FIRST_STEP: _l("First step taken (30 days)"),
    CheckInKind.WITNESS: _l("Status with the witness (3 months)"),
    CheckInKind.OUTCOME: _l("Outcome against the indicator (6–12 months)"),
}
ROLE_LABELS = {
    LinkRole.OWNER: _l("Owner outside the workspace"),
    LinkRole.WITNESS: _l("External witness"),
}
EVENT_LABELS = {
    EventKind.CREATED: _l("Agreed"),
    EventKind.STATUS: _l("Status changed"),
    EventKind.DUE: _l("Due date changed"),
    EventKind.CHECK_IN: _l("Check-in"),
    EventKind.COMMENT: _l("Comment"),
    EventKind.CONFIRM: _l("Confirmed by the witness"),
    EventKind.LINK: _l("Link"),
}
ERRORS = {
    "unknown_status": _l("Choose one of the statuses in the list."),
    "stale": _l(
        "Someone changed this follow-up while you were looking at it. Your text is still in "
        "the form; check the history and send again."
    ),
    "reason_required": _l("Say why it was dropped: the people who followed it will read it."),
    "reason_too_long": _l("The reason is too long."),
    "note_too_long": _l("The text is too long."),
    "note_required": _l("Write what you want to say first."),
    "unknown_check_in": _l("Choose one of the check-ins on the page."),
    "check_in_done": _l("This check-in was already recorded."),
}


def error_text(reason: str) -> str:
    """The translated words for a FollowUpError's reason."""
    return str(ERRORS.get(reason, _l("That could not be done.")))


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "follow_status_label": STATUS_LABELS.__getitem__,
        "check_in_label": CHECK_IN_LABELS.__getitem__,
        "follow_role_label": ROLE_LABELS.__getitem__,
        "follow_event_label": EVENT_LABELS.__getitem__,
    }
