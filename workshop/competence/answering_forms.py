"""Forms of answering a round: who one answers as, the free text, sharing one's own report."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.competence.models import FREE_TEXT_MAX, SUPERVISOR_MAX
from workshop.forms_common import id_or_none


class AboutForm(FlaskForm):
    """The respondent's role and unit; the choices are the round's (set by the view)."""

    role = RadioField(_l("Your role"), validators=[InputRequired(REQUIRED)])
    unit = RadioField(_l("Your unit"), coerce=id_or_none, validators=[Optional()])

    def fill(self, roles: list[tuple[str, str]], units: list[tuple[int, str]]) -> "AboutForm":
        """Offer the round's roles and units (without units the question is left out)."""
        self.role.choices = roles
        self.unit.choices = units
        if units:
            self.unit.validators = [InputRequired(REQUIRED)]
        return self


class FreeTextForm(FlaskForm):
    """Anything else the respondent wants to say (only when the round asks for it)."""

    text = TextAreaField(
        _l("Anything else about your competence or the coaching you need? (optional)"),
        description=_l(
            "At most %(max)d characters. Reported only for the whole institution and only when "
            "enough people answered, never by role or unit.",
            max=FREE_TEXT_MAX,
        ),
        validators=[too_long(FREE_TEXT_MAX)],
    )


class ShareForm(FlaskForm):
    """Share one's own report with a named supervisor."""

    supervisor = StringField(
        _l("Supervisor's name"),
        description=_l("Only whoever has the link sees your report; you can withdraw it here."),
        validators=[DataRequired(REQUIRED), too_long(SUPERVISOR_MAX)],
    )
