"""Translated names of workspace roles and organisation kinds; templates get them through
`for_templates` (registered in workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.accounts.models import OrganisationKind, Role

ROLE_LABELS = {
    Role.OBSERVER: _l("Observer"),
    Role.PARTICIPANT: _l("Participant"),
    Role.FACILITATOR: _l("Facilitator"),
}
ROLE_HINTS = {
    Role.OBSERVER: _l("reads journeys and outcomes"),
    Role.PARTICIPANT: _l("adds steps and critical points"),
    Role.FACILITATOR: _l("manages the workspace, its people and sprints"),
}
ORGANISATION_KIND_LABELS = {
    OrganisationKind.INSTITUTION: _l("Education provider"),
    OrganisationKind.EMPLOYER: _l("Employer"),
    OrganisationKind.OTHER: _l("Other partner"),
}


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "role_label": ROLE_LABELS.__getitem__,
        "role_hint": ROLE_HINTS.__getitem__,
        "organisation_kind_label": ORGANISATION_KIND_LABELS.__getitem__,
    }
