"""The privacy blueprints: `privacy` for a workspace's notice (members, and guests by join
code or personal link), `people` for the administrators' search, export and erasure."""

from flask import Blueprint

bp = Blueprint("privacy", __name__)
people_bp = Blueprint("people", __name__)
