"""The live domain's blueprints: `live` for guests' phones (no account), `room` for a
sprint's facilitators (console and projector), `workshops` for starting one from a journey,
and the page a guest sees when wrong join
codes are limited."""

from flask import Blueprint
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded

from workshop.errors import render_error

bp = Blueprint("live", __name__)
room = Blueprint("room", __name__)
# Starting a workshop straight from a journey, before there is a sprint to put it under.
workshops = Blueprint("workshops", __name__)


@bp.app_errorhandler(RateLimitExceeded)
def too_many_codes(error):
    """Wrong join codes are limited per address and per code; the page says why and when."""
    message = _("Too many wrong codes were tried. Wait a moment, then type the code on the screen.")
    return render_error(429, message)
