"""The statement's words every template may use (registered in workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.site.models import Compliance

COMPLIANCE_LABELS = {
    Compliance.FULL: _l("fully compliant"),
    Compliance.PARTIAL: _l("partially compliant"),
    Compliance.NONE: _l("not compliant"),
}


def for_templates() -> dict:
    """The compliance words, by status."""
    return {"compliance_labels": COMPLIANCE_LABELS}
