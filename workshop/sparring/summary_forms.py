"""Forms of the session summary and of "you said, we did"."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.sparring.models import TEXT_MAX
from workshop.sparring.summary import FEEDBACK_MAX


class OralFeedbackForm(FlaskForm):
    """The sparrers' oral feedback at the end of the session, as written down."""

    oral_feedback = TextAreaField(
        _l("Sparrers' oral feedback"),
        description=_l(
            "What the sparrers said at the end, written without names: the summary is shared."
        ),
        validators=[Optional(), too_long(FEEDBACK_MAX)],
    )


class SaidDidForm(FlaskForm):
    """What was done about a commitment, for the sparrers whose entries it answers."""

    said_did = TextAreaField(
        _l("What we did"),
        description=_l(
            "Written to the sparrers whose entries this commitment answers: what changed, "
            "and what the indicator showed."
        ),
        validators=[DataRequired(REQUIRED), too_long(TEXT_MAX)],
    )
