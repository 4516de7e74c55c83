"""Forms for logging in, workspaces, members, organisations and invitations."""

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from workshop.accounts.labels import ORGANISATION_KIND_LABELS, ROLE_LABELS
from workshop.accounts.models import (
    DESCRIPTION_MAX,
    EMAIL_MAX,
    NAME_MAX,
    ORG_NAME_MAX,
    WORKSPACE_NAME_MAX,
    Role,
)
from workshop.forms_common import NextField

PASSWORD_MIN = 10
PASSWORD_MAX = 200
# Deliberately loose: one @, something on both sides, a dot in the domain.
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

REQUIRED = _l("This field is required.")


def too_long(limit: int):
    """A Length validator whose message names the limit."""
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


def email_shape(form, field):
    """Refuse text that cannot be an e-mail address."""
    if field.data and not _EMAIL_SHAPE.match(field.data.strip()):
        raise ValidationError(_l("Enter an e-mail address such as name@example.fi."))


def role_choices():
    """Roles with their translated names, lowest first."""
    return [SelectChoice(role.value, ROLE_LABELS[role]) for role in Role]


class LoginForm(FlaskForm):
    """E-mail and password."""

    email = StringField(_l("E-mail"), validators=[DataRequired(REQUIRED), too_long(EMAIL_MAX)])
    password = PasswordField(
        _l("Password"), validators=[DataRequired(REQUIRED), too_long(PASSWORD_MAX)]
    )
    next = NextField()


class LanguageForm(FlaskForm):
    """The language switcher: a button per language."""

    lang = StringField(validators=[too_long(10)])
    next = NextField()


class AccountForm(FlaskForm):
    """A new account made while accepting an invitation."""

    name = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), too_long(NAME_MAX)])
    email = StringField(
        _l("E-mail"), validators=[DataRequired(REQUIRED), too_long(EMAIL_MAX), email_shape]
    )
    password = PasswordField(
        _l("Password"),
        description=_l("At least %(min)d characters.", min=PASSWORD_MIN),
        validators=[
            DataRequired(REQUIRED),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Between %(min)d and %(max)d characters.", min=PASSWORD_MIN, max=PASSWORD_MAX
                ),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(REQUIRED),
            EqualTo("password", message=_l("The passwords do not match.")),
        ],
    )


class WorkspaceForm(FlaskForm):
    """Name and description of a workspace."""

    name = StringField(
        _l("Name"), validators=[DataRequired(REQUIRED), too_long(WORKSPACE_NAME_MAX)]
    )
    description = TextAreaField(
        _l("Description"), validators=[Optional(), too_long(DESCRIPTION_MAX)]
    )


class OrganisationForm(FlaskForm):
    """A partner organisation of the workspace."""

    name = StringField(
        _l("Organisation name"), validators=[DataRequired(REQUIRED), too_long(ORG_NAME_MAX)]
    )
    kind = SelectField(
        _l("Kind"),
        choices=[
            SelectChoice(kind.value, label) for kind, label in ORGANISATION_KIND_LABELS.items()
        ],
        validators=[DataRequired(REQUIRED)],
    )


class InvitationForm(FlaskForm):
    """Who the link is for and which role it gives."""

    role = SelectField(_l("Role"), choices=role_choices, default=Role.PARTICIPANT.value)
    note = StringField(
        _l("For whom (shown only to facilitators)"), validators=[Optional(), too_long(NAME_MAX)]
    )


class MemberForm(FlaskForm):
    """A member's role and organisation in the workspace."""

    role = SelectField(_l("Role"), choices=role_choices)
    organisation = SelectField(_l("Organisation"), choices=[], validate_choice=True)

    def set_organisations(self, organisations) -> None:
        """Offer the workspace's organisations, plus none."""
        self.organisation.choices = [SelectChoice("", _l("No organisation"))] + [
            SelectChoice(str(o.id), o.name) for o in organisations
        ]
