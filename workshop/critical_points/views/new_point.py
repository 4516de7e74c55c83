"""A critical point reported straight from a step's card on the board: the short form (what
goes wrong, how bad; the rest folded away), then back to the board."""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.critical_points import services
from workshop.critical_points.forms import PointForm
from workshop.critical_points.views.blueprint import bp
from workshop.critical_points.views.common import (
    journey_or_404,
    live_step_or_404,
    prepare,
    report_from_form,
)
from workshop.extensions import db
from workshop.htmx import render_page, wants_fragment


def _form_page(workspace, membership, journey, step, form, status=200):
    """The form as a page, or for htmx the board's editor filled with it."""
    response = render_page(
        "critical_points/new_point.html",
        block="point_form",
        status=status,
        workspace=workspace,
        membership=membership,
        journey=journey,
        step=step,
        form=form,
        inline=wants_fragment(),
    )
    # A form with errors stays in the editor; a saved point swaps the board (the form's target).
    response.headers["HX-Retarget"] = "#step-editor-body"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


@bp.route("/journeys/<int:journey_id>/steps/<int:step_id>/points/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def new_point(workspace, membership, journey_id, step_id):
    """Report a critical point on a step from the board, in as few moves as the form allows."""
    journey = journey_or_404(workspace, journey_id)
    step = live_step_or_404(journey, step_id)
    form = prepare(PointForm(), workspace)
    if not form.is_submitted():
        form.submission_key.data = services.new_submission_key()
        return _form_page(workspace, membership, journey, step, form)
    if not form.validate():
        return _form_page(workspace, membership, journey, step, form, 422)
    try:
        point = report_from_form(workspace, journey, step, form)
    except services.NotFound:
        abort(404)
    db.session.commit()
    flash(_("Critical point “%(title)s” reported.", title=point.title), "success")
    # A plain 303 for htmx too: it follows it and swaps in the board, which shows the message.
    anchor = f"step-{step.id}"
    return redirect(url_for("journeys.board", **_journey_args(journey), _anchor=anchor), 303)


def _journey_args(journey) -> dict:
    return {"workspace_id": journey.workspace_id, "journey_id": journey.id}
