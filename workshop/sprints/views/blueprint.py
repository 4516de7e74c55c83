"""The sprints domain's two blueprints: `sprints` inside a workspace, `shared` for a summary
behind a share link (no account). Labels and filters reach templates through
workshop/templating.py."""

from flask import Blueprint

bp = Blueprint("sprints", __name__)
shared = Blueprint("shared", __name__)
