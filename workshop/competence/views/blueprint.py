"""The survey's two blueprints: the workspace's pages (members only) and the answering side,
which anyone holding a round's or a personal link may open without an account."""

from flask import Blueprint

# The models load with the views, so create_all and Alembic see their tables.
from workshop.competence import models  # noqa: F401

bp = Blueprint("survey", __name__)
answer_bp = Blueprint("answer", __name__)
