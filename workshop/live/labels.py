"""Translated names of what the room enters; templates get them, and the kinds themselves,
through `for_templates` (registered in workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.live.models import EntryKind

ENTRY_KIND_LABELS = {
    EntryKind.POINT: _l("Critical point"),
    EntryKind.STEP: _l("Suggested step"),
    EntryKind.COMMENT: _l("Comment"),
}


def for_templates() -> dict:
    """The names every template may call."""
    return {"entry_kind_label": ENTRY_KIND_LABELS.__getitem__, "kinds": EntryKind}
