"""Forms of institution sign-in and password reset links."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from workshop.accounts.forms import REQUIRED, AccountForm, email_shape, too_long
from workshop.accounts.models import EMAIL_MAX


class ResetLinkForm(FlaskForm):
    """Whose password a new reset link is for."""

    email = StringField(
        _l("E-mail of the account"),
        validators=[DataRequired(REQUIRED), too_long(EMAIL_MAX), email_shape],
    )


class ForgotPasswordForm(FlaskForm):
    """The e-mail address to send a reset link to."""

    email = StringField(
        _l("E-mail"), validators=[DataRequired(REQUIRED), too_long(EMAIL_MAX), email_shape]
    )


class NewPasswordForm(FlaskForm):
    """A new password, typed twice, by the same rules as a new account's."""

    password = AccountForm.password
    confirm = AccountForm.confirm
