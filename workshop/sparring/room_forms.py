"""The capture form of the room (a guest's phone and the scribe's page) and the scribe's
buttons."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
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
from workshop.sparring.labels import AUTHOR_ROLE_LABELS, CAPTURE_TYPE_LABELS
from workshop.sparring.models import CAPTURE_MAX, CaptureType


class CaptureForm(FlaskForm):
    """Something said in the room: its type, text, who said it, what it is about."""

    submission_key = HiddenField()
    type = RadioField(
        _l("Type"),
        choices=[SelectChoice(t.value, label) for t, label in CAPTURE_TYPE_LABELS.items()],
        default=CaptureType.OBSERVATION.value,
        validators=[InputRequired(REQUIRED)],
    )
    text = TextAreaField(
        _l("What was said"), validators=[DataRequired(REQUIRED), too_long(CAPTURE_MAX)]
    )
    author_role = SelectField(
        _l("Said by"),
        choices=[SelectChoice(r.value, label) for r, label in AUTHOR_ROLE_LABELS.items()],
        validators=[InputRequired(REQUIRED)],
    )
    organisation = StringField(_l("Organisation"), validators=[Optional(), too_long(ORG_NAME_MAX)])
    # The service checks that the step or point is on the room's journey.
    about = SelectField(_l("About"), validate_choice=False, validators=[Optional()])
    quotable = BooleanField(_l("May be quoted"))


class ScribeCaptureForm(CaptureForm):
    """The scribe's capture: the same fields, and which sparrer said it, if one did."""

    author = SelectField(_l("Sparrer"), validate_choice=True, validators=[Optional()])


class StartItemForm(FlaskForm):
    """Move the room to an agenda item (its position)."""

    position = HiddenField(validators=[DataRequired(REQUIRED)])


class RoomActionForm(FlaskForm):
    """A button with nothing to fill in (open or close the room, remove a capture)."""
