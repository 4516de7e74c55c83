"""Who may reach what: every route needs a login unless marked public, and workspace
routes need a membership with a high enough role. This module is the only place that decides."""

from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, abort, current_app, g, request, session, url_for
from flask_login import current_user

from workshop.accounts.models import Role, User, Workspace
from workshop.accounts.services import membership_for
from workshop.extensions import db, login_manager

PUBLIC_ENDPOINTS = {"static"}


def public(view: Callable) -> Callable:
    """Let anonymous visitors reach this view."""
    view.is_public = True
    return view


def is_public(endpoint: str | None) -> bool:
    """True if the endpoint is open to visitors who have not logged in."""
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "is_public", False))


def admin_required(view: Callable) -> Callable:
    """Let only the deployment's administrators reach this view; others get 404, as if absent."""

    @wraps(view)
    def wrapped(**kwargs):
        if not current_user.is_authenticated or not current_user.is_admin:
            abort(404)
        return view(**kwargs)

    return wrapped


def workspace_role(minimum: Role) -> Callable:
    """Load the workspace named in the URL for a member with at least this role.

    Someone outside the workspace gets 404, as if it did not exist; a member whose role is
    too low gets 403. The view receives the workspace and membership as keyword arguments.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(workspace_id: int, **kwargs):
            workspace = db.session.get(Workspace, workspace_id)
            if workspace is None:
                abort(404)
            membership = membership_for(current_user, workspace)
            if membership is None:
                abort(404)
            if not membership.role.allows(minimum):
                abort(403)
            g.workspace, g.membership = workspace, membership
            return view(workspace=workspace, membership=membership, **kwargs)

        return wrapped

    return decorator


def init_app(app: Flask) -> None:
    """Send anonymous visitors of every non-public route to the login page."""
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        return None if user is None or user.is_erased else user

    @app.before_request
    def require_login():
        if is_public(request.endpoint) or current_user.is_authenticated:
            return None
        return ask_to_log_in()


def ask_to_log_in() -> Response:
    """The answer to a visitor who is not logged in: the login page, or 401 for htmx."""
    if session.get("live_guests") and request.method not in ("GET", "HEAD"):
        # A workshop guest has no account: a member's action is refused, not sent to login.
        abort(403)
    if request.headers.get("HX-Request") == "true":
        # A fragment swap cannot show a login page: ask htmx to load it as a whole page.
        response = Response(status=401)
        response.headers["HX-Redirect"] = url_for("accounts.login", next=request.full_path)
        return response
    return login_manager.unauthorized()


def session_user_id() -> int | None:
    """The user id the signed session names, without loading the user.

    Only for polls that answer "unchanged" from one query joining the membership; anything
    else they answer goes through the full login and role checks.
    """
    user_id = session.get("_user_id")
    return int(user_id) if isinstance(user_id, str) and user_id.isdigit() else None
