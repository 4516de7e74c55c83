"""Forms for journeys, steps, stages and lanes."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from workshop.accounts.forms import REQUIRED, too_long
from workshop.forms_common import BoundedIntegerField, id_or_none, id_required
from workshop.journeys.labels import CHANNEL_LABELS, EMOTION_LABELS, KIND_LABELS, LANE_KIND_LABELS
from workshop.journeys.models import (
    DESCRIPTION_MAX,
    EMOTION_MAX,
    EMOTION_MIN,
    NAME_MAX,
    TITLE_MAX,
    Channel,
)

CONTENT_LANGUAGES = [("fi", "Suomi"), ("sv", "Svenska"), ("en", "English")]


def _choices(labels: dict, empty=None) -> list[SelectChoice]:
    choices = [SelectChoice("", empty)] if empty is not None else []
    return choices + [SelectChoice(str(key), label) for key, label in labels.items()]


def _optional_int(value):
    return int(value) if value not in (None, "") else None


class JourneyForm(FlaskForm):
    """A new journey: from a template or blank."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), too_long(NAME_MAX)])
    template = SelectField(_l("Start from"), choices=[], validate_choice=True)
    kind = SelectField(_l("Process"), choices=_choices(KIND_LABELS))
    language = SelectField(
        _l("Language of the content"),
        choices=[SelectChoice(code, name) for code, name in CONTENT_LANGUAGES],
        description=_l("Steps copied from a template are written in this language."),
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), too_long(DESCRIPTION_MAX)]
    )


class JourneyEditForm(FlaskForm):
    """A journey's name and description."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), too_long(NAME_MAX)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), too_long(DESCRIPTION_MAX)]
    )
    version = BoundedIntegerField(widget=HiddenField.widget, validators=[InputRequired()])


class DuplicateForm(FlaskForm):
    """The name of the copy."""

    name = StringField(
        _l("Name of the copy"), validators=[DataRequired(REQUIRED), too_long(NAME_MAX)]
    )


class StepForm(FlaskForm):
    """A step: what happens, where, how, and how it feels."""

    title = StringField(
        _l("Title"),
        description=_l("At most %(max)d characters.", max=TITLE_MAX),
        validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)],
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), too_long(DESCRIPTION_MAX)]
    )
    channel = SelectField(
        _l("Channel"),
        choices=_choices(CHANNEL_LABELS, empty=_l("Not set")),
        validators=[Optional()],
    )
    stage = SelectField(_l("Stage"), choices=[], coerce=id_required)
    lane = SelectField(_l("Lane"), choices=[], coerce=id_required)
    emotion_student = SelectField(
        _l("How the student feels"),
        choices=_choices(EMOTION_LABELS, empty=_l("Not set")),
        coerce=_optional_int,
        validators=[Optional(), NumberRange(EMOTION_MIN, EMOTION_MAX)],
    )
    emotion_employer = SelectField(
        _l("How the employer feels"),
        choices=_choices(EMOTION_LABELS, empty=_l("Not set")),
        coerce=_optional_int,
        validators=[Optional(), NumberRange(EMOTION_MIN, EMOTION_MAX)],
    )
    version = BoundedIntegerField(widget=HiddenField.widget, validators=[Optional()])

    def set_places(self, stages, lanes) -> None:
        """Offer the journey's stages and lanes."""
        self.stage.choices = [SelectChoice(s.id, s.title) for s in stages]
        self.lane.choices = [SelectChoice(lane.id, lane.title) for lane in lanes]

    def channel_value(self) -> Channel | None:
        return Channel(self.channel.data) if self.channel.data else None


class StageForm(FlaskForm):
    """A stage's title."""

    title = StringField(_l("Stage name"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    version = BoundedIntegerField(widget=HiddenField.widget, validators=[Optional()])


class LaneForm(FlaskForm):
    """A lane's title and whether the actors see it."""

    title = StringField(_l("Lane name"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)])
    kind = SelectField(_l("Kind"), choices=_choices(LANE_KIND_LABELS))
    version = BoundedIntegerField(widget=HiddenField.widget, validators=[Optional()])


class MoveForm(FlaskForm):
    """Which way to move."""

    direction = SelectField(choices=[SelectChoice(d, d) for d in ("up", "down", "left", "right")])


class DeleteColumnForm(FlaskForm):
    """Where the steps of a stage or lane go before it is deleted."""

    move_to = SelectField(_l("Move its steps to"), choices=[], coerce=id_or_none)
