"""The critical points blueprint, with the names of roles, statuses, severities and categories
every template needs from it."""

from flask import Blueprint

from workshop.critical_points.forms import (
    ROLE_LABELS,
    SEVERITY_LABELS,
    SEVERITY_SHAPES,
    SEVERITY_SHORT,
    STATUS_LABELS,
    category_label,
)

bp = Blueprint("critical_points", __name__)


@bp.app_context_processor
def point_labels() -> dict:
    """Translated names of roles, statuses and severities, for every template."""
    return {
        "reporter_role_label": ROLE_LABELS.__getitem__,
        "status_label": STATUS_LABELS.__getitem__,
        "severity_label": SEVERITY_LABELS.__getitem__,
        "severity_short": SEVERITY_SHORT.__getitem__,
        "severity_shape": SEVERITY_SHAPES.__getitem__,
        "category_label": category_label,
    }
