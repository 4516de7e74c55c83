"""Translated names of reporter roles, statuses, severities and default categories; templates
get them through `for_templates` (registered in workshop/templating.py)."""

from flask_babel import lazy_gettext as _l

from workshop.critical_points.models import DEFAULT_CATEGORIES, PointStatus, ReporterRole

ROLE_LABELS = {
    ReporterRole.EMPLOYER: _l("Employer"),
    ReporterRole.WORKPLACE_INSTRUCTOR: _l("Workplace instructor"),
    ReporterRole.STUDENT: _l("Student"),
    ReporterRole.TEACHER: _l("Teacher"),
    ReporterRole.INSTITUTION_STAFF: _l("Institution staff"),
    ReporterRole.OTHER: _l("Other"),
}
STATUS_LABELS = {
    PointStatus.OPEN: _l("Open"),
    PointStatus.TESTING: _l("Being tested"),
    PointStatus.RESOLVED: _l("Resolved"),
    PointStatus.WONT_FIX: _l("Won't fix"),
}
SEVERITY_LABELS = {
    1: _l("1 – minor: slows things down"),
    2: _l("2 – serious: causes rework or harm"),
    3: _l("3 – critical: the process fails here"),
}
SEVERITY_SHORT = {1: _l("minor"), 2: _l("serious"), 3: _l("critical")}
# Shapes tell severities apart without colour.
SEVERITY_SHAPES = {1: "●", 2: "◆", 3: "▲"}
CATEGORY_LABELS = DEFAULT_CATEGORIES


def category_label(choice_or_category) -> str:
    """A category's name: the workspace's own, or the translated default."""
    if choice_or_category is None:
        return ""
    name, key = choice_or_category.name, choice_or_category.key
    return name or str(CATEGORY_LABELS.get(key, key or ""))


def for_templates() -> dict:
    """The names every template may call."""
    return {
        "reporter_role_label": ROLE_LABELS.__getitem__,
        "status_label": STATUS_LABELS.__getitem__,
        "severity_label": SEVERITY_LABELS.__getitem__,
        "severity_short": SEVERITY_SHORT.__getitem__,
        "severity_shape": SEVERITY_SHAPES.__getitem__,
        "category_label": category_label,
    }
