"""The privacy blueprints: `privacy` for a workspace's notice (members, and guests by join
code), `people` for the administrators' search, export and erasure."""

from flask import Blueprint
from flask_login import current_user, logout_user

from workshop.privacy.people import ERASED_EMAIL_DOMAIN

bp = Blueprint("privacy", __name__)
people_bp = Blueprint("people", __name__)


@bp.before_app_request
def end_erased_sessions():
    """An erased account's sessions end: its address became one nobody can sign in with."""
    if current_user.is_authenticated and current_user.email.endswith("@" + ERASED_EMAIL_DOMAIN):
        logout_user()
