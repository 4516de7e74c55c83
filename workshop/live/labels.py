"""Translated names of what the room enters; templates get them, and the kinds themselves,
through `for_templates` (registered in workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.live.models import EntryKind, PresenterMode

ENTRY_KIND_LABELS = {
    EntryKind.POINT: _l("Critical point"),
    EntryKind.STEP: _l("Suggested step"),
    EntryKind.COMMENT: _l("Comment"),
}

# What the facilitator may put on the projector, in the console's order.
PRESENTER_LABELS = {
    PresenterMode.JOIN: _l("The join code and QR code"),
    PresenterMode.JOURNEY: _l("The journey with its critical points"),
    PresenterMode.RANKING: _l("The ranking of critical points"),
    PresenterMode.STEP: _l("One step up close"),
    PresenterMode.MESSAGE: _l("A question or instruction"),
    PresenterMode.TIMER: _l("The timer"),
}


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "entry_kind_label": ENTRY_KIND_LABELS.__getitem__,
        "kinds": EntryKind,
        "presenter_label": PRESENTER_LABELS.__getitem__,
        "modes": PresenterMode,
    }
