"""Forms for bringing journeys into Polku."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import StringField
from wtforms.validators import Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.journeys.models import NAME_MAX


class ImportForm(FlaskForm):
    """A journey file exported from Polku, and optionally a new name for the journey."""

    # The size needs no validator: MAX_CONTENT_LENGTH refuses large uploads with 413.
    file = FileField(
        _l("Journey file"),
        description=_l("A .json file exported from Polku."),
        validators=[
            FileRequired(REQUIRED),
            FileAllowed(["json"], _l("Choose a .json file exported from Polku.")),
        ],
        render_kw={"accept": ".json,application/json"},
    )
    name = StringField(
        _l("Name"),
        description=_l("Leave empty to keep the name in the file."),
        validators=[Optional(), too_long(NAME_MAX)],
    )
