"""Form pieces every domain uses."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms.validators import Length


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


CONFIRMED = "yes"


class ConfirmForm(FlaskForm):
    """A POST for something hard to take back: it acts only with `confirmed=yes`, which the
    confirmation page's form sends, and htmx adds after the browser's hx-confirm question."""

    confirmed = HiddenField()

    def is_confirmed(self) -> bool:
        return self.validate_on_submit() and self.confirmed.data == CONFIRMED
