"""Form pieces every domain uses."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectMultipleField
from wtforms.validators import Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from workshop.ids import MAX_ID, MAX_ID_DIGITS, parse_id

# WTForms' own message, which its catalogs translate (a variable, so ours does not take it).
NOT_AN_INTEGER = "Not a valid integer value."


class EmptyForm(FlaskForm):
    """A bare POST button: carries only the CSRF token."""


def safe_next(target: str | None) -> str | None:
    """A same-site path to return to, or None; refuses absolute and protocol-relative URLs."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


class NextField(HiddenField):
    """Where to go after the form, kept only if it is a path on this site."""

    def __init__(self, label=None, **kwargs):
        kwargs.setdefault("validators", [Length(max=500, message=_l("The address is too long."))])
        super().__init__(label, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        self.data = safe_next(self.data)


def id_or_none(value) -> int | None:
    """Coerce for an optional id choice: empty is None, anything unreadable a field error."""
    if value in (None, ""):
        return None
    number = parse_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


def id_required(value) -> int:
    """Coerce for an id choice that must name something."""
    number = parse_id(value)
    if number is None:
        raise ValueError("not an id")
    return number


class BoundedIntegerField(IntegerField):
    """A whole number; outside the 64-bit range it is a field error like any other non-number."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] not in ("", None):
            text = str(valuelist[0]).strip()
            digits = text[1:] if text[:1] in "+-" else text
            # int() would read other scripts' digits, and refuses 4,300 digits with an error.
            if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_ID_DIGITS:
                self.data = None
                raise ValueError(self.gettext(NOT_AN_INTEGER))
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_ID - 1 <= self.data <= MAX_ID:
            self.data = None
            raise ValueError(self.gettext(NOT_AN_INTEGER))


CONFIRMED = "yes"


class ConfirmForm(FlaskForm):
    """A POST for something hard to take back: it acts only with `confirmed=yes`, which the
    confirmation page's form sends, and htmx adds after the browser's hx-confirm question."""

    confirmed = HiddenField()

    def is_confirmed(self) -> bool:
        return self.validate_on_submit() and self.confirmed.data == CONFIRMED


class CheckboxList(SelectMultipleField):
    """Several choices as checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        offered = {str(c.value) for c in self.choices}
        if any(str(v) not in offered for v in self.data or []):
            raise ValidationError(_l("Choose from the list."))
