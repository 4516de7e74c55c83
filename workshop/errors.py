"""Translated error pages, as a full page or as a fragment htmx can show."""

from flask import Flask, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

# Titles and explanations a visitor sees; the codes are the ones Polku answers with on purpose.
MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Nothing was changed.")),
    403: (_l("Not allowed"), _l("Your role in this workspace does not allow this.")),
    404: (_l("Not found"), _l("There is nothing here, or it is not shared with you.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    410: (_l("No longer available"), _l("This address worked once but no longer does.")),
    413: (
        _l("Too large"),
        _l(
            "What you sent is larger than Polku accepts. Nothing was saved; shorten it and try again."
        ),
    ),
    429: (_l("Too many attempts"), _l("Wait a moment and try again.")),
    503: (_l("Not available right now"), _l("Polku is busy. Try again in a moment.")),
    500: (
        _l("Something went wrong"),
        _l("Polku could not finish the request. Nothing was saved; try again in a moment."),
    ),
}

CSRF_MESSAGE = _l(
    "The form had expired or did not come from Polku. Nothing was changed; "
    "reload the page and send it again."
)


def render_error(code: int, message=None):
    """The error page for a status code, with an optional more specific message."""
    title, default = MESSAGES.get(code, MESSAGES[500])
    template = "errors/error.html"
    if request.headers.get("HX-Request") == "true":
        template = "errors/_error_fragment.html"
    return render_template(template, code=code, title=title, message=message or default), code


def init_app(app: Flask) -> None:
    """Register the handlers for the HTTP errors Polku answers with."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        current_app.logger.info("CSRF refused on %s: %s", request.path, error.description)
        return render_error(400, CSRF_MESSAGE)

    # Flask logs unhandled exceptions itself and then hands us a 500 here.
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code not in MESSAGES:
            return error
        return render_error(error.code)
