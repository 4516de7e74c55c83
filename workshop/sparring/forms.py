"""Forms of the sparring pages: a series, a sparrer, a session's plan and its agenda."""

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
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from workshop.accounts.forms import REQUIRED, email_shape, too_long
from workshop.accounts.models import ORG_NAME_MAX
from workshop.forms_common import BoundedIntegerField, CheckboxList
from workshop.sparring.labels import LANGUAGE_LABELS, SPARRER_ROLE_LABELS
from workshop.sparring.models import (
    EMAIL_MAX,
    MAX_QUESTIONS,
    MIN_QUESTIONS,
    NAME_MAX,
    QUESTION_MAX,
    TEXT_MAX,
    TITLE_MAX,
    SparrerRole,
)

MAX_MINUTES = 240


class SeriesForm(FlaskForm):
    """A new series: its name, the management team it spars and the team's language."""

    title = StringField(_l("Name"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    host = StringField(
        _l("Host (the management team)"),
        description=_l("For example “Johtoryhmä” or “Rehtorin johtoryhmä”."),
        validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)],
    )
    language = SelectField(
        _l("The host's language"),
        description=_l("The evidence pack and the summary are written in it."),
        choices=[SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()],
    )


class SparrerForm(FlaskForm):
    """A sparrer: who they are, where from, and whether shared outputs may name them."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), too_long(NAME_MAX)])
    organisation = StringField(
        _l("Organisation"), validators=[DataRequired(REQUIRED), too_long(ORG_NAME_MAX)]
    )
    role = SelectField(
        _l("Comes from"),
        choices=[SelectChoice(role.value, label) for role, label in SPARRER_ROLE_LABELS.items()],
        default=SparrerRole.EMPLOYER.value,
    )
    email = StringField(
        _l("E-mail (optional)"), validators=[Optional(), too_long(EMAIL_MAX), email_shape]
    )
    named_consent = BooleanField(_l("May be named in shared outputs (summary, “you said, we did”)"))


def question_lines(text: str | None) -> list[str]:
    """The questions typed one per line, blank lines left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SessionForm(FlaskForm):
    """A session's day and place, the agreement, its sparrers and the host's questions."""

    held_on = DateField(_l("Date"), validators=[DataRequired(REQUIRED)])
    place = StringField(_l("Place"), validators=[Optional(), too_long(TITLE_MAX)])
    themes = TextAreaField(_l("Themes"), validators=[Optional(), too_long(TEXT_MAX)])
    confidentiality = TextAreaField(
        _l("Confidentiality"),
        description=_l("What may be told outside the room, and by whom."),
        validators=[Optional(), too_long(TEXT_MAX)],
    )
    recipients = TextAreaField(
        _l("Who receives the results"), validators=[Optional(), too_long(TEXT_MAX)]
    )
    deciders = TextAreaField(
        _l("Who decides on actions"), validators=[Optional(), too_long(TEXT_MAX)]
    )
    sparrers = CheckboxList(_l("Sparring partners taking part"), choices=[])
    questions = TextAreaField(
        _l("The host's questions"),
        description=_l(
            "What the host wants challenged: %(min)d to %(max)d questions, one per line.",
            min=MIN_QUESTIONS,
            max=MAX_QUESTIONS,
        ),
        validators=[InputRequired(REQUIRED)],
    )
    version = HiddenField()

    def validate_questions(self, field):
        lines = question_lines(field.data)
        if not MIN_QUESTIONS <= len(lines) <= MAX_QUESTIONS:
            raise ValidationError(
                _l(
                    "Write %(min)d to %(max)d questions, one per line: fewer leaves the "
                    "sparring partners guessing, more leaves no time to go deep.",
                    min=MIN_QUESTIONS,
                    max=MAX_QUESTIONS,
                )
            )
        if any(len(line) > QUESTION_MAX for line in lines):
            raise ValidationError(_l("At most %(max)d characters per question.", max=QUESTION_MAX))


class AgendaItemForm(FlaskForm):
    """One part of the agenda: its title and planned minutes."""

    title = StringField(_l("Title"), validators=[Optional(), too_long(TITLE_MAX)])
    minutes = BoundedIntegerField(
        _l("Minutes"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(
                min=1,
                max=MAX_MINUTES,
                message=_l("Between %(min)d and %(max)d.", min=1, max=MAX_MINUTES),
            ),
        ],
    )
    version = HiddenField()


class NewAgendaItemForm(AgendaItemForm):
    """A part added to the agenda: it needs a title of its own."""

    title = StringField(_l("Title"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])


class VersionForm(FlaskForm):
    """A bare POST on the agenda (remove, move) carrying the version the page showed."""

    version = HiddenField()
