"""A round's aggregated report (the report part fills this in)."""

from flask import abort

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.competence.views.blueprint import bp


@bp.route("/rounds/<int:round_id>/report")
@workspace_role(Role.OBSERVER)
def report(workspace, membership, round_id):
    """The round's aggregated report."""
    abort(404)
