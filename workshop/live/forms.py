"""Forms of the live session: joining, what guests enter, and the facilitator's controls."""

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
from wtforms.validators import (
    DataRequired,
    InputRequired,
    NumberRange,
    Optional,
    ValidationError,
)

from workshop.accounts.forms import REQUIRED, too_long
from workshop.accounts.models import ORG_NAME_MAX
from workshop.critical_points.labels import ROLE_LABELS, SEVERITY_SHORT
from workshop.critical_points.models import TITLE_MAX, ReporterRole
from workshop.forms_common import BoundedIntegerField, id_or_none
from workshop.ids import parse_id
from workshop.live.labels import PRESENTER_LABELS
from workshop.live.models import (
    ACTIVITY_MAX,
    DISPLAY_NAME_MAX,
    ENTRY_TEXT_MAX,
    JOIN_CODE_LENGTH,
    MAX_BUDGET,
    MAX_TIMER_MINUTES,
    PRESENTER_TEXT_MAX,
    REASON_MAX,
    PresenterMode,
)
from workshop.sprints.models import TITLE_MAX as SPRINT_TITLE_MAX

# The five roles of the room; "other" stays for reports made elsewhere.
GUEST_ROLES = [role for role in ReporterRole if role != ReporterRole.OTHER]


# The service checks that an id belongs to the room; what is no id at all is a field error.
_int_or_none = id_or_none


class CodeForm(FlaskForm):
    """The code read off the projector (a GET form: nothing is changed by it)."""

    class Meta:
        csrf = False

    code = StringField(
        _l("Join code"),
        description=_l("%(n)d letters and digits, shown on the screen.", n=JOIN_CODE_LENGTH),
        validators=[DataRequired(REQUIRED), too_long(JOIN_CODE_LENGTH + 4)],
    )


class GuestFields:
    """Who someone in the room is: a name to show, a role and, if they like, an organisation."""

    display_name = StringField(
        _l("Your name as others see it"),
        description=_l("A first name or a nickname is enough."),
        validators=[DataRequired(REQUIRED), too_long(DISPLAY_NAME_MAX)],
    )
    role = RadioField(
        _l("You take part as"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in GUEST_ROLES],
        validators=[InputRequired(REQUIRED)],
    )
    organisation = StringField(
        _l("Organisation (optional)"), validators=[Optional(), too_long(ORG_NAME_MAX)]
    )


class JoinForm(GuestFields, FlaskForm):
    """Joining a session by its code."""

    submission_key = HiddenField()


class OfflineGuestForm(GuestFields, FlaskForm):
    """Someone without a device, whom the facilitator enters things for."""

    display_name = StringField(
        _l("Name"), validators=[DataRequired(REQUIRED), too_long(DISPLAY_NAME_MAX)]
    )
    role = RadioField(
        _l("Takes part as"),
        choices=[SelectChoice(r.value, ROLE_LABELS[r]) for r in GUEST_ROLES],
        validators=[InputRequired(REQUIRED)],
    )


class EntryForm(FlaskForm):
    """Every guest form carries a one-time key, so a double tap saves one thing."""

    submission_key = HiddenField()


class PointEntryForm(EntryForm):
    """A critical point on a step: what goes wrong, then severity and category in two taps."""

    # The service checks that the step, stage, lane or category belongs to this journey and
    # workspace, so a form is checked without loading the whole journey for its choices.
    step = SelectField(
        _l("Step"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(REQUIRED)],
    )
    text = TextAreaField(
        _l("What goes wrong?"),
        description=_l("At most %(max)d characters.", max=ENTRY_TEXT_MAX),
        validators=[DataRequired(REQUIRED), too_long(ENTRY_TEXT_MAX)],
    )
    severity = RadioField(
        _l("How bad is it?"),
        choices=[SelectChoice(str(k), v) for k, v in SEVERITY_SHORT.items()],
        coerce=int,
        default=2,
        validators=[InputRequired(REQUIRED)],
    )
    category = RadioField(
        _l("Category"), choices=[], validate_choice=False, validators=[Optional()]
    )


class StepEntryForm(EntryForm):
    """A step the journey is missing, and where it belongs."""

    stage = SelectField(
        _l("Stage"),
        coerce=_int_or_none,
        validate_choice=False,
        validators=[InputRequired(REQUIRED)],
    )
    lane = SelectField(
        _l("Lane"), coerce=_int_or_none, validate_choice=False, validators=[InputRequired(REQUIRED)]
    )
    text = StringField(
        _l("The missing step"), validators=[DataRequired(REQUIRED), too_long(TITLE_MAX)]
    )


class CommentEntryForm(EntryForm):
    """A comment, on a step or on the whole journey."""

    step = SelectField(
        _l("On step"), coerce=_int_or_none, validate_choice=False, validators=[Optional()]
    )
    text = TextAreaField(
        _l("Comment"), validators=[DataRequired(REQUIRED), too_long(ENTRY_TEXT_MAX)]
    )


class DotForm(EntryForm):
    """A dot on a point, or one taken back."""

    point = HiddenField(validators=[DataRequired(REQUIRED)])


class StartForm(FlaskForm):
    """Starting a session: which journey the room works on."""

    journey = SelectField(_l("Journey"), coerce=_int_or_none, validators=[InputRequired(REQUIRED)])
    budget = BoundedIntegerField(
        _l("Dots per participant"),
        default=5,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, MAX_BUDGET, _l("Between %(min)d and %(max)d.")),
        ],
    )


class WorkshopForm(FlaskForm):
    """Starting a workshop from a journey: the journey, a new or running sprint, the dots."""

    # No `required` on the selects: each offers only valid choices, and a required select
    # whose first option has a value is invalid HTML.
    journey = SelectField(_l("Journey"), coerce=parse_id)  # not an id: "Not a valid choice."
    sprint = SelectField(
        _l("Sprint"),
        coerce=_int_or_none,
        description=_l("A new sprint starts today with the session; it can be edited later."),
    )
    # Left empty, the new sprint is named after the journey and the day.
    title = StringField(
        _l("Title of the new sprint"), validators=[Optional(), too_long(SPRINT_TITLE_MAX)]
    )
    budget = BoundedIntegerField(
        _l("Dots per participant"),
        default=5,
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, MAX_BUDGET, _l("Between %(min)d and %(max)d.")),
        ],
    )


class ActivityForm(FlaskForm):
    """What the room does now."""

    phase = SelectField(_l("Phase"), coerce=_int_or_none, validators=[Optional()])
    activity = StringField(_l("Activity"), validators=[Optional(), too_long(ACTIVITY_MAX)])


class PresenterForm(FlaskForm):
    """What the projector shows; the step and the text only count for their own mode."""

    mode = RadioField(
        _l("What the projector shows"),
        choices=[SelectChoice(m.value, label) for m, label in PRESENTER_LABELS.items()],
        validators=[InputRequired(REQUIRED)],
        id="presenter-mode",
    )
    # The service checks that the step is on the room's journey.
    step = SelectField(_l("Step"), coerce=_int_or_none, validate_choice=False, id="presenter-step")
    text = StringField(
        _l("Question or instruction"),
        validators=[too_long(PRESENTER_TEXT_MAX)],
        id="presenter-text",
    )

    def validate_step(self, field):
        if self.mode.data == PresenterMode.STEP and field.data is None:
            raise ValidationError(_l("Choose the step to show."))

    def validate_text(self, field):
        if self.mode.data == PresenterMode.MESSAGE and not (field.data or "").strip():
            raise ValidationError(_l("Type the question or instruction to show."))


class TimerForm(FlaskForm):
    """Start, pause, resume, extend or stop the timer."""

    minutes = BoundedIntegerField(
        _l("Minutes"),
        default=10,
        validators=[
            Optional(),
            NumberRange(1, MAX_TIMER_MINUTES, _l("Between %(min)d and %(max)d.")),
        ],
    )


class VotingForm(FlaskForm):
    """Dot voting's settings."""

    budget = BoundedIntegerField(
        _l("Dots per participant"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, MAX_BUDGET, _l("Between %(min)d and %(max)d.")),
        ],
    )
    stacking = BooleanField(_l("Several dots on one point allowed"))


class RemoveForm(FlaskForm):
    """Why an entry is taken away; the reason is kept in the log."""

    reason = StringField(_l("Reason"), validators=[DataRequired(REQUIRED), too_long(REASON_MAX)])


class OrganisationForm(FlaskForm):
    """A typed organisation accepted as a new one ("new") or merged into one of the list."""

    typed = HiddenField(validators=[DataRequired(REQUIRED)])
    organisation = SelectField(_l("Organisation"), validators=[InputRequired(REQUIRED)])
