"""Translated error pages, as a full page or as a fragment htmx can show."""

from flask import Flask, current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from workshop.extensions import db, login_manager

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


def roll_back() -> None:
    """End the request's transaction, so the error page starts on a clean one.

    After a failed statement PostgreSQL refuses every further one in the same transaction,
    and the error page asks the database who is logged in and in which language they read.
    """
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a connection that is gone cannot be rolled back either
        current_app.logger.warning("rolling back after an error failed", exc_info=True)


def _visitor_known_or_anonymous() -> None:
    """Load who is logged in now; if the database cannot say, the page treats them as a visitor."""
    try:
        current_user._get_current_object()
    except Exception:  # noqa: BLE001 - the error page must render without a working database
        current_app.logger.warning("no database to load the user from", exc_info=True)
        roll_back()
        g._login_user = login_manager.anonymous_user()


def init_app(app: Flask) -> None:
    """Register the handlers for the HTTP errors Polku answers with, and for any other."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        roll_back()
        current_app.logger.info("CSRF refused on %s: %s", request.path, error.description)
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        roll_back()
        if error.code not in MESSAGES:
            return error
        _visitor_known_or_anonymous()
        return render_error(error.code)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Registered for Exception, so Flask hands every failure here instead of raising it:
        # logged with its traceback, then the translated page, never Werkzeug's English one.
        roll_back()
        current_app.logger.error("unhandled error on %s", request.path, exc_info=error)
        _visitor_known_or_anonymous()
        try:
            return render_error(500)
        except Exception:  # noqa: BLE001 - last resort: the page itself could not be drawn
            current_app.logger.exception("the error page failed too")
            roll_back()
            return InternalServerError()
