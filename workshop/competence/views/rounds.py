"""The workspace's survey rounds (the rounds part fills this in)."""

from flask import abort

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.competence.views.blueprint import bp


@bp.route("/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership):
    """The workspace's rounds."""
    abort(404)


@bp.route("/rounds/<int:round_id>")
@workspace_role(Role.OBSERVER)
def round_page(workspace, membership, round_id):
    """One round: its dates, links, answers so far."""
    abort(404)
