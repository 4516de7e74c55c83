"""The form of the report part: a share link to a round's report."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Optional

from workshop.accounts.forms import too_long
from workshop.competence.models import LABEL_MAX


class RoundShareForm(FlaskForm):
    """A read-only link to a round's report for someone without an account."""

    label = StringField(
        _l("Who it is for"),
        description=_l("For your own list, e.g. “Partner companies”."),
        validators=[Optional(), too_long(LABEL_MAX)],
    )
