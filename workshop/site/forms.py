"""The administrator's form for the accessibility statement."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import Length, Optional, ValidationError

from workshop import clock
from workshop.site.labels import COMPLIANCE_LABELS
from workshop.site.models import (
    EMAIL_MAX,
    KNOWN_ISSUES_MAX,
    LANGUAGES,
    ORGANISATION_MAX,
    URL_MAX,
    Compliance,
)
from workshop.site.services import StatementChange

# The law's accessibility requirements began to apply in 2019 (306/2019).
EARLIEST = date(2019, 1, 1)
_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEB_SHAPE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


def _too_long(limit: int) -> Length:
    return Length(max=limit, message=_l("At most %(max)d characters.", max=limit))


class StatementDate(DateField):
    """A calendar date from 2019 to today; anything else is a translated field error."""

    def __init__(self, label, **kwargs):
        super().__init__(label, format="%Y-%m-%d", **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_l("Enter a date such as 2026-12-07.")) from error

    def pre_validate(self, form):
        if self.data is None:
            raise ValidationError(_l("Enter a date such as 2026-12-07."))
        if not EARLIEST <= self.data <= clock.today():
            raise ValidationError(
                _l("Enter a date between %(first)s and today.", first=EARLIEST.isoformat())
            )


class StatementForm(FlaskForm):
    """The statement's texts per language and the fields every language shares."""

    organisation_fi = StringField(
        _l("Organisation (Finnish)"), validators=[_too_long(ORGANISATION_MAX)]
    )
    organisation_sv = StringField(
        _l("Organisation (Swedish)"), validators=[_too_long(ORGANISATION_MAX)]
    )
    organisation_en = StringField(
        _l("Organisation (English)"), validators=[_too_long(ORGANISATION_MAX)]
    )
    known_issues_fi = TextAreaField(
        _l("Known non-accessible content (Finnish)"), validators=[_too_long(KNOWN_ISSUES_MAX)]
    )
    known_issues_sv = TextAreaField(
        _l("Known non-accessible content (Swedish)"), validators=[_too_long(KNOWN_ISSUES_MAX)]
    )
    known_issues_en = TextAreaField(
        _l("Known non-accessible content (English)"), validators=[_too_long(KNOWN_ISSUES_MAX)]
    )
    compliance = RadioField(
        _l("Compliance"),
        choices=[SelectChoice(c.value, COMPLIANCE_LABELS[c]) for c in Compliance],
        validate_choice=True,
    )
    feedback_email = StringField(
        _l("Feedback e-mail"), validators=[Optional(), _too_long(EMAIL_MAX)]
    )
    feedback_url = StringField(
        _l("Feedback form address"),
        description=_l("A web address starting with https://, e.g. your feedback form."),
        validators=[Optional(), _too_long(URL_MAX)],
    )
    prepared_on = StatementDate(_l("Statement prepared on"))
    reviewed_on = StatementDate(_l("Last reviewed on"))

    def validate_feedback_email(self, field):
        if field.data and not _EMAIL_SHAPE.match(field.data.strip()):
            raise ValidationError(_l("Enter an e-mail address such as name@example.fi."))

    def validate_feedback_url(self, field):
        if field.data and not _WEB_SHAPE.match(field.data.strip()):
            raise ValidationError(_l("Enter a web address starting with https://."))

    def validate_reviewed_on(self, field):
        prepared = self.prepared_on.data
        if field.data and prepared and field.data < prepared:
            raise ValidationError(_l("The review cannot be earlier than the statement."))

    def change(self) -> StatementChange:
        """The form's values, trimmed, for the service."""
        texts = {
            field: {
                lang: (getattr(self, f"{field}_{lang}").data or "").strip() for lang in LANGUAGES
            }
            for field in ("organisation", "known_issues")
        }
        return StatementChange(
            texts=texts,
            compliance=Compliance(self.compliance.data),
            feedback_email=(self.feedback_email.data or "").strip(),
            feedback_url=(self.feedback_url.data or "").strip(),
            prepared_on=self.prepared_on.data,
            reviewed_on=self.reviewed_on.data,
        )
