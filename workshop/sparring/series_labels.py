"""Words for the series pages: the sparrers' roles, the agenda's default parts, the languages."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from workshop.sparring.models import AgendaKind, SparrerRole

SPARRER_ROLE_LABELS = {
    SparrerRole.EMPLOYER: _l("Employer"),
    SparrerRole.GROWTH_COMPANY: _l("Growth company"),
}

AGENDA_LABELS = {
    AgendaKind.OPEN_COMMITMENTS: _l("Open commitments"),
    AgendaKind.EVIDENCE: _l("The host's evidence"),
    AgendaKind.QUESTIONS: _l("Sparring partners' questions and observations"),
    AgendaKind.GROWTH: _l("What growth companies want"),
    AgendaKind.COMMITMENTS: _l("Commitments"),
    AgendaKind.FEEDBACK: _l("Sparring partners' oral feedback"),
    AgendaKind.OTHER: _l("Other"),
}

LANGUAGE_LABELS = {"fi": "suomi", "sv": "svenska", "en": "English"}


def agenda_title(item) -> str:
    """An agenda item's own title, or its kind's name."""
    return item.title or str(AGENDA_LABELS[item.kind])


# The status of an open commitment as the next session's agenda shows it.
STATUS_LABELS = {
    "open": lazy_pgettext("commitment status", "Open"),
    "in_progress": lazy_pgettext("commitment status", "In progress"),
    "done": lazy_pgettext("commitment status", "Done"),
    "dropped": lazy_pgettext("commitment status", "Dropped"),
}


def for_templates() -> dict:
    """The names every template may call (the sections of other parts too)."""
    return {
        "sparrer_role_label": SPARRER_ROLE_LABELS.__getitem__,
        "agenda_kind_label": AGENDA_LABELS.__getitem__,
        "agenda_title": agenda_title,
        "commitment_status_label": STATUS_LABELS.__getitem__,
        "series_language_label": lambda code: LANGUAGE_LABELS.get(code, code),
    }
