"""Translated names of sprint, experiment and decision statuses, the default phases and the
languages a summary is made in; templates get them through `for_templates` (registered in
workshop/templating.py)."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext

from workshop.sprints.models import DecisionStatus, ExperimentStatus, SprintStatus

# Statuses carry a context: Swedish agrees them with the noun (en sprint är planerad, ett
# försök planerat), so one English word can need two translations.
SPRINT_STATUS_LABELS = {
    SprintStatus.PLANNED: lazy_pgettext("sprint status", "Planned"),
    SprintStatus.RUNNING: lazy_pgettext("sprint status", "Running"),
    SprintStatus.CLOSED: lazy_pgettext("sprint status", "Closed"),
}
EXPERIMENT_STATUS_LABELS = {
    ExperimentStatus.PLANNED: lazy_pgettext("experiment status", "Planned"),
    ExperimentStatus.RUNNING: lazy_pgettext("experiment status", "Running"),
    ExperimentStatus.SUCCEEDED: lazy_pgettext("experiment status", "Worked"),
    ExperimentStatus.FAILED: lazy_pgettext("experiment status", "Did not work"),
    ExperimentStatus.STOPPED: lazy_pgettext("experiment status", "Stopped"),
}
DECISION_STATUS_LABELS = {
    DecisionStatus.OPEN: lazy_pgettext("decision status", "Not started"),
    DecisionStatus.IN_PROGRESS: lazy_pgettext("decision status", "In progress"),
    DecisionStatus.DONE: lazy_pgettext("decision status", "Done"),
    DecisionStatus.DROPPED: lazy_pgettext("decision status", "Dropped"),
}
# The phases a new sprint starts with (the facilitator may rename them); a live session's
# console offers the sprint's own.
DEFAULT_PHASES = [_l("Understand"), _l("Define"), _l("Ideate"), _l("Experiment"), _l("Decide")]
# The languages a summary and its PDF are made in, each named in itself.
LANGUAGES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "sprint_status_label": SPRINT_STATUS_LABELS.__getitem__,
        "experiment_status_label": lambda v: EXPERIMENT_STATUS_LABELS[ExperimentStatus(v)],
        "decision_status_label": lambda v: DECISION_STATUS_LABELS[DecisionStatus(v)],
        "export_languages": LANGUAGES,
    }
