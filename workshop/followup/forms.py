"""Forms of follow-up pages and links."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from workshop.accounts.forms import REQUIRED, email_shape, too_long
from workshop.accounts.models import ORG_NAME_MAX
from workshop.followup.labels import STATUS_LABELS
from workshop.followup.models import EMAIL_MAX, NAME_MAX, NOTE_MAX, REASON_MAX


class StatusForm(FlaskForm):
    """Move a follow-up on; the service checks the status value and the version."""

    # Checked by the service, which names a forged value in words.
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, label) for s, label in STATUS_LABELS.items()],
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("Why it was dropped"),
        description=_l("Needed only when you drop it."),
        validators=[Optional(), too_long(REASON_MAX)],
    )
    version = HiddenField()
    # On a link's page: which follow-up the form was made for.
    follow_up = HiddenField()

    @classmethod
    def showing(cls, follow_up) -> "StatusForm":
        """An empty form showing the follow-up's status as it is now."""
        return cls(
            formdata=None,
            status=follow_up.status.value,
            reason=follow_up.dropped_reason,
            version=follow_up.version,
            follow_up=follow_up.id,
        )


class CheckInForm(FlaskForm):
    """Record one check-in with a note."""

    kind = HiddenField()
    note = TextAreaField(_l("Note"), validators=[Optional(), too_long(NOTE_MAX)])
    follow_up = HiddenField()


class CommentForm(FlaskForm):
    """A witness's or outside owner's comment or confirmation."""

    text = TextAreaField(_l("Your comment"), validators=[Optional(), too_long(NOTE_MAX)])
    follow_up = HiddenField()


class LinkForm(FlaskForm):
    """A link without an account for the owner outside the workspace."""

    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), too_long(NAME_MAX)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), too_long(ORG_NAME_MAX)])
    email = StringField(
        _l("E-mail"),
        validators=[Optional(), too_long(EMAIL_MAX), email_shape],
    )
