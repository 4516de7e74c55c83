"""Sparring's two blueprints: the workspace's pages (members only), and what a sparrer opens
through a personal or share link without an account."""

from flask import Blueprint

# The models load with the views, so create_all and Alembic see their tables.
from workshop.sparring import models  # noqa: F401

bp = Blueprint("sparring", __name__)
sparrer_bp = Blueprint("sparrer", __name__)
