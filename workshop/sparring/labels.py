"""Translated names of capture types, author roles and agenda items; templates get them
through `for_templates` (registered in workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.sparring.models import AgendaKind, AuthorRole, CaptureType

CAPTURE_TYPE_LABELS = {
    CaptureType.QUESTION: _l("Question"),
    CaptureType.OBSERVATION: _l("Observation"),
    CaptureType.EXPECTATION: _l("Expectation"),
    CaptureType.IDEA: _l("Idea"),
    CaptureType.COMMITMENT: _l("Commitment"),
}
AUTHOR_ROLE_LABELS = {
    AuthorRole.EMPLOYER: _l("Employer"),
    AuthorRole.GROWTH_COMPANY: _l("Growth company"),
    AuthorRole.MANAGEMENT: _l("Management team"),
    AuthorRole.FACILITATOR: _l("Facilitator"),
}
AGENDA_LABELS = {
    AgendaKind.OPEN_COMMITMENTS: _l("Open commitments"),
    AgendaKind.EVIDENCE: _l("The host's evidence"),
    AgendaKind.QUESTIONS: _l("Sparrers' questions and observations"),
    AgendaKind.GROWTH: _l("What growth companies want"),
    AgendaKind.COMMITMENTS: _l("Commitments"),
    AgendaKind.FEEDBACK: _l("Sparrers' oral feedback"),
    AgendaKind.OTHER: _l("Other"),
}


def agenda_name(item) -> str:
    """An agenda item's own title, or its kind's name."""
    return item.title or str(AGENDA_LABELS[item.kind])


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "capture_type_label": CAPTURE_TYPE_LABELS.__getitem__,
        "author_role_label": AUTHOR_ROLE_LABELS.__getitem__,
        "agenda_name": agenda_name,
    }
