"""The sprints domain's two blueprints: `sprints` inside a workspace, `shared` for a summary
behind a share link (no account); with the labels and filters every template needs from them."""

from datetime import UTC, date, datetime

from flask import Blueprint

from workshop.sprints.forms import (
    DECISION_STATUS_LABELS,
    EXPERIMENT_STATUS_LABELS,
    LANGUAGES,
    SPRINT_STATUS_LABELS,
)
from workshop.sprints.models import DecisionStatus, ExperimentStatus

bp = Blueprint("sprints", __name__)
shared = Blueprint("shared", __name__)


@bp.app_context_processor
def sprint_labels() -> dict:
    """Translated names of sprint, experiment and decision statuses, for every template."""
    return {
        "sprint_status_label": SPRINT_STATUS_LABELS.__getitem__,
        "experiment_status_label": lambda v: EXPERIMENT_STATUS_LABELS[ExperimentStatus(v)],
        "decision_status_label": lambda v: DECISION_STATUS_LABELS[DecisionStatus(v)],
        "export_languages": LANGUAGES,
    }


@bp.app_template_filter("isodate")
def isodate(value: str) -> date:
    """A date kept as text in a sprint document, back as a date for formatting."""
    return date.fromisoformat(value)


@bp.app_template_filter("isodatetime")
def isodatetime(value: str) -> datetime:
    """A UTC moment kept as text in a sprint document, back as a datetime for formatting."""
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
