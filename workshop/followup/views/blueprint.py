"""Follow-up's two blueprints: the workspace's pages (members only), and the links an owner
outside the workspace or a witness opens without an account (with the owners' calendar feeds)."""

from flask import Blueprint

# The models load with the views, so create_all and Alembic see their tables.
from workshop.followup import models  # noqa: F401

bp = Blueprint("followup", __name__)
link_bp = Blueprint("follow_link", __name__)
