"""The privacy notice's editor, and the administrator's search, export and erasure forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from workshop.privacy.models import NOTICE_MAX


class NoticeForm(FlaskForm):
    """The notice's text in one language."""

    body = TextAreaField(
        _l("Text of the privacy notice"),
        description=_l(
            "Separate paragraphs with an empty line. A line starting with # is a heading; "
            "lines starting with - make a list."
        ),
        validators=[
            DataRequired(message=_l("Write the notice, or go back to the default text.")),
            Length(
                max=NOTICE_MAX,
                message=_l("The notice can be at most %(max)d characters long.", max=NOTICE_MAX),
            ),
        ],
    )


class SearchForm(FlaskForm):
    """A name or e-mail address to look for (a GET form, without a token)."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or e-mail address"))


class PickForm(FlaskForm):
    """The records the administrator picked as this person's, to export or erase."""

    record = SelectMultipleField(validate_choice=False)
    # Texts of people's own words that name the person (see privacy/mentions.py).
    mention = SelectMultipleField(validate_choice=False)
    # What was searched for: erasure replaces it in the picked texts too.
    q = HiddenField()
    confirmed = HiddenField()
