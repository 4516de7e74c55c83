"""A workshop started from a journey in one form: the journey chosen, a sprint made and started
with the session (or a running one chosen), then the console with the join code."""

from flask import abort, current_app, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.htmx import render_page
from workshop.ids import parse_id
from workshop.journeys import services as journeys
from workshop.live import services
from workshop.live.forms import WorkshopForm
from workshop.live.views.blueprint import workshops
from workshop.live.views.common import refusal_status, refusal_text
from workshop.live.views.console import to_console
from workshop.models_base import utcnow
from workshop.sprints import services as sprints
from workshop.sprints.labels import DEFAULT_PHASES
from workshop.sprints.models import TITLE_MAX


def _today(workspace):
    return utcnow().astimezone(sprints.time_zone(workspace)).date()


def default_title(journey, today) -> str:
    """A new sprint's title when none is typed: the journey's name and the day."""
    day = format_date(today, "medium")
    return f"{journey.name[: TITLE_MAX - len(day) - 1]} {day}"


def _form(workspace, choices, formdata=True, journey=None) -> WorkshopForm:
    form = WorkshopForm() if formdata else WorkshopForm(formdata=None, journey=journey)
    form.journey.choices = [SelectChoice(j.id, j.name) for j in choices]
    form.sprint.choices = [SelectChoice("", _("A new sprint"))] + [
        SelectChoice(s.id, s.title) for s in sprints.running_sprints(workspace)
    ]
    return form


def _page(workspace, membership, form, choices, status=200, error=None):
    chosen = next((j for j in choices if j.id == form.journey.data), None)
    example = default_title(chosen or choices[0], _today(workspace)) if choices else ""
    return render_page(
        "live/start_workshop.html",
        status=status,
        workspace=workspace,
        membership=membership,
        form=form,
        journey=chosen,
        has_journeys=bool(choices),
        example_title=example,
        running=services.open_sessions(workspace),
        error=error,
    )


def _plan(workspace, form: WorkshopForm, choices) -> services.WorkshopPlan:
    """What the valid form asks for; the journey is one of `choices`, the sprint running."""
    journey = next(j for j in choices if j.id == form.journey.data)
    today = _today(workspace)
    return services.WorkshopPlan(
        journey=journey,
        sprint=sprints.get_sprint(workspace, form.sprint.data) if form.sprint.data else None,
        title=(form.title.data or "").strip() or default_title(journey, today),
        phases=[str(phase) for phase in DEFAULT_PHASES],
        today=today,
        budget=form.budget.data,
    )


def _preselected(choices) -> int | None:
    """The journey the link names (404 for one not of this workspace), else the latest."""
    wanted = request.args.get("journey")
    if wanted is None:
        return choices[0].id if choices else None
    journey_id = parse_id(wanted)
    if all(j.id != journey_id for j in choices):
        abort(404)
    return journey_id


@workshops.route("/new", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def start(workspace, membership):
    """Start a workshop on a journey: one form, then the console with the room running."""
    choices = journeys.journeys_of(workspace)
    if request.method == "GET":
        form = _form(workspace, choices, formdata=False, journey=_preselected(choices))
        return _page(workspace, membership, form, choices)
    form = _form(workspace, choices)
    if not form.validate_on_submit():
        return _page(workspace, membership, form, choices, 422)
    try:
        live = services.start_workshop(
            workspace,
            current_user,
            _plan(workspace, form, choices),
            current_app.config["LIVE_SESSION_HOURS"],
        )
    except services.Refused as refusal:
        db.session.rollback()
        status, error = refusal_status(refusal), refusal_text(refusal)
        return _page(workspace, membership, form, choices, status, error)
    return to_console(workspace, live.sprint, _("The live session has started."))
