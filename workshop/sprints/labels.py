"""Translated names of sprint, experiment and decision statuses, the default phases and the
languages a summary is made in; templates get them through `for_templates` (registered in
workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.sprints.models import DecisionStatus, ExperimentStatus, SprintStatus

SPRINT_STATUS_LABELS = {
    SprintStatus.PLANNED: _l("Planned"),
    SprintStatus.RUNNING: _l("Running"),
    SprintStatus.CLOSED: _l("Closed"),
}
EXPERIMENT_STATUS_LABELS = {
    ExperimentStatus.PLANNED: _l("Planned"),
    ExperimentStatus.RUNNING: _l("Running"),
    ExperimentStatus.SUCCEEDED: _l("Worked"),
    ExperimentStatus.FAILED: _l("Did not work"),
    ExperimentStatus.STOPPED: _l("Stopped"),
}
DECISION_STATUS_LABELS = {
    DecisionStatus.OPEN: _l("Not started"),
    DecisionStatus.IN_PROGRESS: _l("In progress"),
    DecisionStatus.DONE: _l("Done"),
    DecisionStatus.DROPPED: _l("Dropped"),
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
