"""Forms of the staff side of the survey: a round, its personal links, own items, the coaching
thresholds and the coaching plan."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.competence.models import (
    FOLLOW_UP_MAX,
    ITEM_ID_MAX,
    ITEM_TEXT_MAX,
    MAX_K,
    MAX_LINKS,
    MAX_UNITS,
    MIN_K,
    OWNER_MAX,
    ROUND_NAME_MAX,
    THEME_TITLE_MAX,
    UNIT_NAME_MAX,
)
from workshop.forms_common import BoundedIntegerField, CheckboxList

ITEM_ID = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")


def _closes_after_opening(form, field):
    if field.data and form.opens_on.data and field.data < form.opens_on.data:
        raise ValidationError(_l("The end cannot be before the start."))


class RoundForm(FlaskForm):
    """Who a round asks, when, and how small a group may be shown."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), too_long(ROUND_NAME_MAX)])
    opens_on = DateField(_l("Opens"), validators=[DataRequired(REQUIRED)])
    closes_on = DateField(_l("Closes"), validators=[DataRequired(REQUIRED), _closes_after_opening])
    roles = CheckboxList(_l("Staff roles it asks"), choices=[])
    units = TextAreaField(
        _l("Units"),
        description=_l("One per line; at most %(max)d. Respondents pick theirs.", max=MAX_UNITS),
        validators=[Optional(), too_long(MAX_UNITS * (UNIT_NAME_MAX + 2))],
    )
    bank_version = SelectField(_l("Item bank version"), choices=[])
    k = BoundedIntegerField(
        _l("Anonymity threshold (k)"),
        description=_l(
            "No value of a group with fewer respondents is shown anywhere. At least %(min)d.",
            min=MIN_K,
        ),
        default=5,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                min=MIN_K,
                max=MAX_K,
                message=_l("Between %(min)d and %(max)d.", min=MIN_K, max=MAX_K),
            ),
        ],
    )
    free_text = BooleanField(_l("Ask for free text at the end"))
    version = HiddenField()

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))

    def validate_units(self, field):
        names = self.unit_names()
        if len(names) > MAX_UNITS:
            raise ValidationError(_l("At most %(max)d units.", max=MAX_UNITS))
        if any(len(name) > UNIT_NAME_MAX for name in names):
            raise ValidationError(
                _l("A unit name has at most %(max)d characters.", max=UNIT_NAME_MAX)
            )
        if len({name.casefold() for name in names}) != len(names):
            raise ValidationError(_l("Each unit once, please."))

    def unit_names(self) -> list[str]:
        return [line.strip() for line in (self.units.data or "").splitlines() if line.strip()]


class LinksForm(FlaskForm):
    """How many personal one-time links to add."""

    # The numbers here use InputRequired: DataRequired refuses 0 as missing and, when a number
    # could not be read, replaces that error with "required".

    count = BoundedIntegerField(
        _l("How many links"),
        default=10,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=MAX_LINKS, message=_l("Between 1 and %(max)d.", max=MAX_LINKS)),
        ],
    )


class OwnItemForm(FlaskForm):
    """A statement of the workspace's own."""

    item_id = StringField(
        _l("Id"),
        description=_l("Capital letters and digits, e.g. W01; not an id of the item bank."),
        validators=[DataRequired(REQUIRED), too_long(ITEM_ID_MAX)],
    )
    level = SelectField(_l("Level"), choices=[])
    roles = CheckboxList(_l("Roles it concerns"), choices=[])
    text_fi = TextAreaField(
        _l("Statement in Finnish"), validators=[DataRequired(REQUIRED), too_long(ITEM_TEXT_MAX)]
    )
    text_sv = TextAreaField(
        _l("Statement in Swedish"), validators=[DataRequired(REQUIRED), too_long(ITEM_TEXT_MAX)]
    )
    text_en = TextAreaField(
        _l("Statement in English"), validators=[DataRequired(REQUIRED), too_long(ITEM_TEXT_MAX)]
    )
    steps = CheckboxList(_l("Journey steps it is about"), choices=[])
    categories = CheckboxList(_l("Critical-point categories it is about"), choices=[])

    def validate_item_id(self, field):
        field.data = (field.data or "").strip().upper()
        if not ITEM_ID.match(field.data):
            raise ValidationError(_l("Capital letters and digits, starting with a letter."))

    def validate_roles(self, field):
        if not field.data:
            raise ValidationError(_l("Choose at least one role."))


class SettingsForm(FlaskForm):
    """When an item is flagged for coaching."""

    median_max = SelectField(_l("Flag when the median is at most"), choices=[], coerce=int)
    coaching_percent = BoundedIntegerField(
        _l("…or when at least this share asked for coaching (%)"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(min=1, max=100, message=_l("Between 1 and 100.")),
        ],
    )


class ThemeForm(FlaskForm):
    """One theme of the coaching plan."""

    title = StringField(_l("Theme"), validators=[DataRequired(REQUIRED), too_long(THEME_TITLE_MAX)])
    role = SelectField(_l("For whom"), choices=[])
    items = CheckboxList(_l("Items it works on"), choices=[])
    owner = StringField(_l("Owner"), validators=[Optional(), too_long(OWNER_MAX)])
    due_on = DateField(_l("Due"), validators=[Optional()])
    status = SelectField(_l("Status"), choices=[])
    follow_up = TextAreaField(
        _l("Follow-up"),
        description=_l("What was done and what the next round should show."),
        validators=[Optional(), too_long(FOLLOW_UP_MAX)],
    )
    version = HiddenField()
