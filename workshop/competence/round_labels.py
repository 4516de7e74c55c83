"""Translated names on the staff side of the survey: round statuses and coaching theme statuses.
Roles, levels and items are named by the item bank itself, in its three languages."""

from flask_babel import get_locale, lazy_pgettext
from flask_babel import lazy_gettext as _l

from workshop.competence.bank import ALL_ROLES, Bank
from workshop.competence.models import ThemeStatus

ROUND_STATUS_LABELS = {
    "upcoming": lazy_pgettext("round status", "Upcoming"),
    "open": lazy_pgettext("round status", "Open"),
    "closed": lazy_pgettext("round status", "Closed"),
}
THEME_STATUS_LABELS = {
    ThemeStatus.PLANNED: lazy_pgettext("theme status", "Planned"),
    ThemeStatus.IN_PROGRESS: lazy_pgettext("theme status", "In progress"),
    ThemeStatus.DONE: lazy_pgettext("theme status", "Done"),
    ThemeStatus.DROPPED: lazy_pgettext("theme status", "Dropped"),
}
EVERYONE = _l("Everyone")


def language() -> str:
    """The page's language, for the bank's texts."""
    return str(get_locale() or "fi")


def role_names(bank: Bank | None) -> dict[str, str]:
    """Each staff role's name in the page's language, and ALL as everyone."""
    names = {ALL_ROLES: str(EVERYONE)}
    if bank is not None:
        names.update({role.id: role.name.get(language()) for role in bank.roles})
    return names


def level_names(bank: Bank | None) -> dict[str, str]:
    """Each level's name in the page's language."""
    return {level.id: level.name.get(language()) for level in bank.levels} if bank else {}


def for_templates() -> dict:
    """The names every template may call (the report shows the coaching plan too)."""
    return {
        "round_status_label": ROUND_STATUS_LABELS.__getitem__,
        "theme_status_label": THEME_STATUS_LABELS.__getitem__,
    }
