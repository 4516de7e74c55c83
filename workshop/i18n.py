"""Which language a request is answered in, the names of the languages, and dates and times
written the way each language writes them."""

from datetime import datetime

from flask import current_app, has_request_context, request, session
from flask_babel import format_date, format_time, get_locale, gettext, pgettext
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
SESSION_KEY = "lang"


def supported(code: str | None) -> str | None:
    """The code if Polku speaks that language, otherwise None."""
    return code if code in current_app.config["LANGUAGES"] else None


def select_locale() -> str:
    """The visitor's choice, then their account's, then the browser's, then the default."""
    if not has_request_context():
        # Commands and background work have no visitor: they speak the default language.
        return current_app.config["DEFAULT_LANGUAGE"]
    chosen = supported(session.get(SESSION_KEY))
    if chosen:
        return chosen
    preferred = supported(_account_language())
    if preferred:
        return preferred
    best = request.accept_languages.best_match(current_app.config["LANGUAGES"])
    return best or current_app.config["DEFAULT_LANGUAGE"]


def _account_language() -> str | None:
    """The logged-in account's language; None when there is none, or no database to ask."""
    try:
        return current_user.preferred_language if current_user.is_authenticated else None
    except SQLAlchemyError:
        # An error page after a database failure still speaks the browser's language.
        current_app.logger.warning("no database to read the account's language", exc_info=True)
        return None


def current_language() -> str:
    """The language of the page being rendered, as a two-letter code."""
    return str(get_locale())


def clock(value: datetime) -> str:
    """A time of day in the page's language and the app's time zone: "klo 15.25", "kl. 15:25",
    "3:25 PM" (never seconds or a UTC offset)."""
    return pgettext("time of day", "%(time)s", time=format_time(value, "short"))


def moment(value: datetime) -> str:
    """A date and time in the page's language and the app's time zone: "6.12.2026 klo 15.25",
    "6 dec. 2026 kl. 15:25", "Dec 6, 2026 at 3:25 PM"."""
    return gettext(
        "%(date)s at %(time)s", date=format_date(value, "medium"), time=format_time(value, "short")
    )


def for_templates() -> dict:
    """The language helpers every template may call (registered in workshop/templating.py)."""
    return {"language_names": LANGUAGE_NAMES, "current_language": current_language}
