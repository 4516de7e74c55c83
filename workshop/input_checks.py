"""Input no database can hold is refused at the door, before any view reads it.

Ids in addresses are bounded to the signed 64-bit range the databases use (beyond it: 404),
and NUL bytes or lone surrogates anywhere in the address, the query or a form answer 400.
"""

import re
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, make_response, request
from flask_babel import lazy_gettext as _l
from werkzeug.routing import IntegerConverter, ValidationError

from workshop.errors import render_error
from workshop.ids import MAX_ID, MAX_ID_DIGITS

# PostgreSQL text cannot hold NUL, and a lone surrogate cannot be encoded as UTF-8 for any
# database or page; both only ever come from a tampered request or a broken client.
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")

UNSTORABLE_MESSAGE = _l(
    "What you sent contains a character Polku cannot store (such as a NUL byte). "
    "Nothing was saved; remove it and send again."
)


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: an id a database can hold, or no match (404)."""

    def to_python(self, value: str) -> int:
        # Checked before int(): it refuses numbers of more than 4,300 digits with an error.
        if len(value) > MAX_ID_DIGITS or not value.isascii():
            raise ValidationError()
        number = super().to_python(value)
        if number > MAX_ID:
            raise ValidationError()
        return number


def has_unstorable(text: str) -> bool:
    """True if the text holds a character no database or encoder takes."""
    return UNSTORABLE.search(text) is not None


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _sent_as_utf8() -> bool:
    """False if the address, the query or a plain form is not UTF-8 once percent-decoded.

    A lone surrogate travels as such bytes (ED A0 80); Werkzeug would keep them as the text
    "%ED%A0%80" or as U+FFFD, and either would be saved as if someone had typed it.
    """
    path = request.environ.get("PATH_INFO", "")
    try:
        raw_path = path.encode("latin-1")
    except UnicodeEncodeError:
        return False
    if not _is_utf8(raw_path) or not _is_utf8(unquote_to_bytes(request.query_string)):
        return False
    if request.mimetype == "application/x-www-form-urlencoded":
        # Cached, so the form is parsed from the same bytes afterwards.
        body = request.get_data(cache=True).replace(b"+", b" ")
        return _is_utf8(unquote_to_bytes(body))
    if request.mimetype == "multipart/form-data":
        # Its text parts arrive decoded, bytes that are not UTF-8 as U+FFFD.
        return not any("\ufffd" in v for _k, values in request.form.lists() for v in values)
    return True


def _request_texts():
    for value in (request.view_args or {}).values():
        if isinstance(value, str):
            yield value
    for values in (request.args, request.form):
        for key, items in values.lists():
            yield key
            yield from items
    for key, upload in request.files.items(multi=True):
        yield key
        yield upload.filename or ""


def init_app(app: Flask) -> None:
    """Bound the `int` converter and refuse unstorable characters; before any route is added."""
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def refuse_unstorable():
        if not _sent_as_utf8() or any(has_unstorable(text) for text in _request_texts()):
            abort(make_response(*render_error(400, UNSTORABLE_MESSAGE)))
