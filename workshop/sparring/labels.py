"""Translated names of sparring's things: capture types, author and sparrer roles, agenda parts,
the host's languages. Templates get them through `for_templates` (workshop/templating.py);
follow-up statuses are named by workshop/followup/labels.py, the one place for them."""

from flask_babel import lazy_gettext as _l

from workshop.sparring.models import (
    MAX_COMMITMENTS,
    AgendaKind,
    AuthorRole,
    CaptureType,
    SparrerRole,
)

CAPTURE_TYPE_LABELS = {
    CaptureType.QUESTION: _l("Question"),
    CaptureType.OBSERVATION: _l("Observation"),
    CaptureType.EXPECTATION: _l("Expectation"),
    CaptureType.IDEA: _l("Idea"),
    CaptureType.COMMITMENT: _l("Commitment"),
}
# The summary's headings, one per capture type.
CAPTURE_TYPE_HEADINGS = {
    CaptureType.QUESTION: _l("Questions"),
    CaptureType.OBSERVATION: _l("Observations"),
    CaptureType.EXPECTATION: _l("Expectations"),
    CaptureType.IDEA: _l("Ideas"),
    CaptureType.COMMITMENT: _l("Commitments proposed"),
}
AUTHOR_ROLE_LABELS = {
    AuthorRole.EMPLOYER: _l("Employer"),
    AuthorRole.GROWTH_COMPANY: _l("Growth company"),
    AuthorRole.MANAGEMENT: _l("Management team"),
    AuthorRole.FACILITATOR: _l("Facilitator"),
}
SPARRER_ROLE_LABELS = {
    SparrerRole.EMPLOYER: AUTHOR_ROLE_LABELS[AuthorRole.EMPLOYER],
    SparrerRole.GROWTH_COMPANY: AUTHOR_ROLE_LABELS[AuthorRole.GROWTH_COMPANY],
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
# Each language by its own name, as a language menu shows them.
LANGUAGE_LABELS = {"fi": "suomi", "sv": "svenska", "en": "English"}


def agenda_title(item) -> str:
    """An agenda item's own title, or its kind's name."""
    return item.title or str(AGENDA_LABELS[item.kind])


def role_label(role: AuthorRole | SparrerRole) -> str:
    """Who said something, by role (an author's or a sparrer's), in the current language."""
    return str(AUTHOR_ROLE_LABELS[AuthorRole(role.value)])


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "capture_type_label": CAPTURE_TYPE_LABELS.__getitem__,
        "author_role_label": AUTHOR_ROLE_LABELS.__getitem__,
        "sparrer_role_label": SPARRER_ROLE_LABELS.__getitem__,
        "agenda_kind_label": AGENDA_LABELS.__getitem__,
        "agenda_title": agenda_title,
        "series_language_label": lambda code: LANGUAGE_LABELS.get(code, code),
        "max_commitments": MAX_COMMITMENTS,
    }
