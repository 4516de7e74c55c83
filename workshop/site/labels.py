"""The statement's words every template may use (registered in workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.site.models import Compliance

COMPLIANCE_LABELS = {
    Compliance.FULL: _l("Fully compliant"),
    Compliance.PARTIAL: _l("Partially compliant"),
    Compliance.NONE: _l("Not compliant"),
}


def for_templates() -> dict:
    """The compliance choices' names, by status."""
    return {"compliance_labels": COMPLIANCE_LABELS}
