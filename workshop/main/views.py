"""The signed-in front page and the health check for load balancers."""

from flask import Blueprint, current_app, jsonify
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from workshop.access import admin_required, public
from workshop.accounts import services as accounts
from workshop.extensions import db
from workshop.htmx import render_page

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The user's workspaces and where to go next."""
    return render_page(
        "main/index.html",
        workspaces=accounts.workspaces_of(current_user),
        can_create=accounts.can_create_workspace(current_user),
    )


@bp.get("/admin")
@admin_required
def admin():
    """The deployment administrator's page: the parts each domain adds to it."""
    return render_page("main/admin.html")


@bp.get("/healthz")
@public
def healthz():
    """Whether the app runs and reaches its database."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("health check: database unreachable")
        db.session.rollback()
        return jsonify(status="error", database="error"), 503
    return jsonify(status="ok", database="ok")
