"""Forms for planning a sprint, its participants, experiments, decisions, exports and share links."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.accounts.models import ORG_NAME_MAX
from workshop.critical_points.labels import ROLE_LABELS
from workshop.forms_common import CheckboxList, id_or_none, id_required
from workshop.sprints.labels import DECISION_STATUS_LABELS, EXPERIMENT_STATUS_LABELS, LANGUAGES
from workshop.sprints.models import (
    LABEL_MAX,
    MAX_PHASES,
    NAME_MAX,
    PHASE_MAX,
    TEXT_MAX,
    TITLE_MAX,
)


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(str(key), label) for key, label in labels.items()]


_int_or_none = id_or_none


def _dates_in_order(form, field):
    if field.data and form.starts_on.data and field.data < form.starts_on.data:
        raise ValidationError(_l("The end cannot be before the start."))


class SprintForm(FlaskForm):
    """What a sprint is about, when, on which journeys, in which phases."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    challenge = TextAreaField(
        _l("Challenge"),
        description=_l("The question the sprint works on, e.g. “How might employers…?”"),
        validators=[Optional(), too_long(TEXT_MAX)],
    )
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional(), _dates_in_order])
    journeys = CheckboxList(_l("Journeys in scope"), choices=[], coerce=id_required)
    phases = TextAreaField(
        _l("Phases"),
        description=_l("One per line, in order; at most %(max)d.", max=MAX_PHASES),
        validators=[Optional(), too_long(MAX_PHASES * (PHASE_MAX + 2))],
    )
    version = HiddenField()

    def validate_phases(self, field):
        names = self.phase_names()
        if len(names) > MAX_PHASES:
            raise ValidationError(_l("At most %(max)d phases.", max=MAX_PHASES))
        if any(len(name) > PHASE_MAX for name in names):
            raise ValidationError(_l("A phase name has at most %(max)d characters.", max=PHASE_MAX))

    def phase_names(self) -> list[str]:
        return [line.strip() for line in (self.phases.data or "").splitlines() if line.strip()]


class ParticipantForm(FlaskForm):
    """A member of the workspace, or a guest by name, with role and organisation."""

    member = SelectField(_l("Member"), choices=[], coerce=_int_or_none)
    name = StringField(_l("…or a guest's name"), validators=[Optional(), too_long(NAME_MAX)])
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS))
    organisation = SelectField(_l("Organisation"), choices=[], coerce=_int_or_none)
    new_organisation = StringField(
        _l("…or a new organisation"), validators=[Optional(), too_long(ORG_NAME_MAX)]
    )
    is_facilitator = BooleanField(_l("Facilitates the sprint"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not self.member.data and not (self.name.data or "").strip():
            self.name.errors = [*self.name.errors, _l("Choose a member or type a guest's name.")]
            return False
        return valid


class ExperimentForm(FlaskForm):
    """A rapid trial."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    hypothesis = TextAreaField(
        _l("Hypothesis"),
        description=_l("We believe that … will … because …"),
        validators=[Optional(), too_long(TEXT_MAX)],
    )
    change = TextAreaField(_l("What is tried"), validators=[Optional(), too_long(TEXT_MAX)])
    owner = StringField(_l("Owner"), validators=[Optional(), too_long(NAME_MAX)])
    starts_on = DateField(_l("Starts"), validators=[Optional()])
    ends_on = DateField(_l("Ends"), validators=[Optional(), _dates_in_order])
    success_measure = TextAreaField(
        _l("How we know it worked"), validators=[Optional(), too_long(TEXT_MAX)]
    )
    result = TextAreaField(_l("Result"), validators=[Optional(), too_long(TEXT_MAX)])
    status = SelectField(_l("Status"), choices=_choices(EXPERIMENT_STATUS_LABELS))
    points = CheckboxList(_l("Critical points it addresses"), choices=[], coerce=id_required)
    version = HiddenField()


class DecisionForm(FlaskForm):
    """An agreed action and who owns it."""

    text = TextAreaField(
        _l("What was decided"), validators=[DataRequired(REQUIRED), too_long(TEXT_MAX)]
    )
    owner_member = SelectField(_l("Owner (a member)"), choices=[], coerce=_int_or_none)
    owner_name = StringField(
        _l("…or someone outside the workspace"), validators=[Optional(), too_long(NAME_MAX)]
    )
    owner_organisation = SelectField(_l("Their organisation"), choices=[], coerce=_int_or_none)
    due_on = DateField(_l("Due"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=_choices(DECISION_STATUS_LABELS))
    version = HiddenField()


class ShareLinkForm(FlaskForm):
    """A read-only link for partners without an account."""

    label = StringField(
        _l("Who it is for"),
        description=_l("For your own list, e.g. “Partner companies”."),
        validators=[Optional(), too_long(LABEL_MAX)],
    )
    expires_on = DateField(_l("Works until"), validators=[Optional()])


def member_choices(memberships, empty) -> list[SelectChoice]:
    """The workspace's members to choose from, plus an empty first choice."""
    return [SelectChoice("", empty)] + [SelectChoice(m.user_id, m.user.name) for m in memberships]


def organisation_choices(organisations, empty) -> list[SelectChoice]:
    """The workspace's organisations to choose from, plus an empty first choice."""
    return [SelectChoice("", empty)] + [SelectChoice(o.id, o.name) for o in organisations]


def version_of(field) -> int | None:
    """The version a form was loaded with; None if it was tampered with."""
    try:
        return int(field.data)
    except (TypeError, ValueError):
        return None


def read_language(value: str | None, default: str) -> str:
    """One of the export languages; anything else means the default."""
    return value if value in LANGUAGES else default
