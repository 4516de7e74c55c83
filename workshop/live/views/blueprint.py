"""The live domain's two blueprints: `live` for guests' phones (no account), `room` for a
sprint's facilitators (console and projector); with what every template and error page of
the room needs from them."""

from flask import Blueprint
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded

from workshop.errors import render_error
from workshop.live.models import EntryKind

bp = Blueprint("live", __name__)
room = Blueprint("room", __name__)


ENTRY_KIND_LABELS = {
    EntryKind.POINT: _l("Critical point"),
    EntryKind.STEP: _l("Suggested step"),
    EntryKind.COMMENT: _l("Comment"),
}


@bp.app_context_processor
def live_labels() -> dict:
    """Names of entry kinds, and the kinds themselves, for every template."""
    return {"entry_kind_label": ENTRY_KIND_LABELS.__getitem__, "kinds": EntryKind}


@bp.app_errorhandler(RateLimitExceeded)
def too_many_codes(error):
    """Wrong join codes are limited per address and per code; the page says why and when."""
    message = _("Too many wrong codes were tried. Wait a moment, then type the code on the screen.")
    return render_error(429, message)
