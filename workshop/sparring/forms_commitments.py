"""The commitment form of a sparring session."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.followup.models import NAME_MAX
from workshop.followup.models import TITLE_MAX as FOLLOW_TITLE_MAX
from workshop.forms_common import CheckboxList, id_or_none, id_required
from workshop.sparring.models import TITLE_MAX


class CommitmentForm(FlaskForm):
    """One commitment: what, who, by when, the first step, how it is seen, who checks."""

    title = StringField(
        _l("Commitment"), validators=[DataRequired(REQUIRED), too_long(FOLLOW_TITLE_MAX)]
    )
    owner_member = SelectField(_l("Owner (a member)"), choices=[], coerce=id_or_none)
    owner_name = StringField(
        _l("…or name the owner"),
        description=_l("A member of the management team without an account here."),
        validators=[Optional(), too_long(NAME_MAX)],
    )
    due_on = DateField(_l("Due date"), validators=[DataRequired(_l("Give the due date."))])
    first_when = StringField(
        _l("First step: when …"),
        description=_l("The situation that starts it, e.g. “the next management meeting starts”."),
        validators=[DataRequired(REQUIRED), too_long(TITLE_MAX * 2)],
    )
    first_then = StringField(
        _l("…then"),
        description=_l("What the owner then does, e.g. “I present the three critical points”."),
        validators=[DataRequired(REQUIRED), too_long(TITLE_MAX * 2)],
    )
    indicator = StringField(
        _l("Indicator"),
        description=_l("How you will see that it worked."),
        validators=[Optional(), too_long(TITLE_MAX * 2)],
    )
    target = StringField(_l("Target"), validators=[Optional(), too_long(TITLE_MAX)])
    witness = SelectField(
        _l("External witness"),
        description=_l("A sparring partner who checks the progress through a link."),
        choices=[],
        coerce=id_or_none,
    )
    points = CheckboxList(_l("Critical points it addresses"), choices=[], coerce=id_required)
    answers = CheckboxList(_l("What was said that it answers"), choices=[], coerce=id_required)
