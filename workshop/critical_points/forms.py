"""Forms for reporting, editing, merging and filtering critical points, and for categories."""

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.accounts.models import ORG_NAME_MAX
from workshop.critical_points import services
from workshop.critical_points.labels import (
    ROLE_LABELS,
    SEVERITY_LABELS,
    STATUS_LABELS,
    category_label,
)
from workshop.critical_points.models import (
    CATEGORY_MAX,
    SOURCE_MAX,
    TEXT_MAX,
    TITLE_MAX,
    PointStatus,
    ReporterRole,
)
from workshop.forms_common import BoundedIntegerField, id_or_none


def _choices(labels: dict, empty=None) -> list[SelectChoice]:
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [SelectChoice(str(key), label) for key, label in labels.items()]


# Ids and severities: beyond the 64-bit range a field error (or, unvalidated, no filter).
_int_or_none = id_or_none


class ReporterFields:
    """Who reports and the evidence: shared by the new-point and the add-report forms."""

    role = SelectField(_l("Reported by"), choices=_choices(ROLE_LABELS))
    organisation = SelectField(_l("Organisation"), choices=[], coerce=_int_or_none)
    new_organisation = StringField(
        _l("…or a new organisation"), validators=[Optional(), too_long(ORG_NAME_MAX)]
    )
    quote = TextAreaField(
        _l("Evidence: what was said"), validators=[Optional(), too_long(TEXT_MAX)]
    )
    source = StringField(
        _l("Source"),
        description=_l("For example “workshop 12 March” or “work-life feedback survey”."),
        validators=[Optional(), too_long(SOURCE_MAX)],
    )
    reported_on = DateField(_l("Date"), validators=[Optional()])

    def set_organisations(self, organisations) -> None:
        """Offer the workspace's organisations, plus none."""
        self.organisation.choices = [SelectChoice("", _l("No organisation"))] + [
            SelectChoice(o.id, o.name) for o in organisations
        ]


class PointFields:
    """What the problem is, how bad, and what kind."""

    title = StringField(
        _l("What goes wrong"),
        description=_l("At most %(max)d characters.", max=TITLE_MAX),
        validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)],
    )
    description = TextAreaField(_l("Details"), validators=[Optional(), too_long(TEXT_MAX)])
    severity = RadioField(
        _l("How bad is it?"),
        choices=[SelectChoice(str(k), v) for k, v in SEVERITY_LABELS.items()],
        coerce=int,
        validators=[InputRequired(REQUIRED)],
    )
    category = SelectField(_l("Category"), choices=[])

    def set_categories(self, choices, label) -> None:
        """Offer the workspace's categories, plus none."""
        self.category.choices = [SelectChoice("", _l("No category"))] + [
            SelectChoice(c.value, label(c)) for c in choices
        ]


class PointForm(PointFields, ReporterFields, FlaskForm):
    """A new critical point with its first report."""

    submission_key = HiddenField()


class ReportForm(ReporterFields, FlaskForm):
    """One more report of an existing point."""


class PointEditForm(PointFields, FlaskForm):
    """A point's title, details, severity and category."""

    version = BoundedIntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class StatusForm(FlaskForm):
    """Where the work on the point stands."""

    status = SelectField(_l("Status"), choices=_choices(STATUS_LABELS))


class MergeForm(FlaskForm):
    """Which other point is the same problem."""

    other = SelectField(
        _l("The same problem as"),
        choices=[],
        coerce=_int_or_none,
        validators=[InputRequired(REQUIRED)],
    )


class SuggestionForm(FlaskForm):
    """Confirm a template suggestion with a severity."""

    severity = SelectField(_l("Severity"), choices=_choices(SEVERITY_LABELS), coerce=int, default=2)


class CategoryForm(FlaskForm):
    """A category's name."""

    name = StringField(
        _l("Category name"), validators=[DataRequired(REQUIRED), too_long(CATEGORY_MAX)]
    )


class FilterForm(FlaskForm):
    """Which points the board and the list show, and in what order (a GET form)."""

    class Meta:
        csrf = False

    # Never validated: a value that is not offered simply filters nothing.
    role = SelectField(
        _l("Reported by"), choices=_choices(ROLE_LABELS, empty=_l("Anyone")), validate_choice=False
    )
    category = SelectField(_l("Category"), choices=[], coerce=_int_or_none, validate_choice=False)
    status = SelectField(
        _l("Status"), choices=_choices(STATUS_LABELS, empty=_l("Any status")), validate_choice=False
    )
    severity = SelectField(
        _l("Severity"),
        choices=_choices(SEVERITY_LABELS, empty=_l("Any severity")),
        coerce=_int_or_none,
        validate_choice=False,
    )
    sort = SelectField(
        _l("Order"),
        choices=[
            SelectChoice("votes", _l("Most votes first")),
            SelectChoice("severity", _l("Most severe first")),
            SelectChoice("reports", _l("Most reports first")),
            SelectChoice("age", _l("Oldest first")),
        ],
        default="votes",
    )
    view = SelectField(
        _l("Show"),
        choices=[
            SelectChoice("", _l("Steps")),
            SelectChoice("heat", _l("Heat: severity total per cell")),
        ],
    )


def enum_or_none(cls, value):
    """The member of the enum with this value, or None for anything else."""
    try:
        return cls(value)
    except ValueError:
        return None


def read_filters(workspace) -> tuple[FilterForm, services.PointFilter]:
    """The filter form from the query string, and what it keeps; bad values mean 'any'."""
    form = FilterForm(request.args)
    # Only categories with a row can have points; defaults get their row when first used.
    form.category.choices = [SelectChoice("", _("Any category"))] + [
        SelectChoice(row.id, category_label(row)) for row in services.used_categories(workspace)
    ]
    role = enum_or_none(ReporterRole, form.role.data)
    status = enum_or_none(PointStatus, form.status.data)
    severity = form.severity.data if form.severity.data in SEVERITY_LABELS else None
    offered = {choice.value for choice in form.category.choices if choice.value}
    category = form.category.data if form.category.data in offered else None
    return form, services.PointFilter(role, category, status, severity)
