"""The big screen in presenter mode: whatever the facilitator put on it from the console (the
join code, the journey with its badges, the ranking, one step, a question, the timer), without
the app's chrome; and a journey on the big screen without a live session."""

from flask import abort, render_template, url_for

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.htmx import render_page
from workshop.journeys import services as journeys
from workshop.live import extensions, services
from workshop.live.models import EntryKind, LiveSession, PresenterMode
from workshop.live.views.blueprint import bp, room
from workshop.live.views.common import (
    changed_regions,
    enter_code_url,
    join_url,
    known_versions,
    poll_answer,
    qr_svg,
    room_context,
    session_or_404,
    sprint_or_404,
)


def _shown(live: LiveSession) -> dict:
    """What the mode on the screen needs, and only that."""
    mode = live.presenting
    if mode == PresenterMode.JOURNEY:
        return {"board": journeys.load_board(live.journey), "counts": services.point_counts(live)}
    if mode == PresenterMode.RANKING:
        entries = services.entries_of(live, public_only=True)
        return {
            "ranked": services.ranked_points(live)[:8],
            "feed": [e for e in entries if e.kind != EntryKind.POINT][:6],
        }
    if mode == PresenterMode.STEP:
        step = services.presented_step(live)
        ranked = services.ranked_points(live) if step else []
        return {
            "presented_step": step,
            "step_points": [r for r in ranked if r.point.step_id == step.id][:6],
        }
    if mode == PresenterMode.JOIN:
        return {"join_url": join_url(live), "enter_code_url": enter_code_url(), "qr": qr_svg(live)}
    return {}


def _projector_context(workspace, sprint, live) -> dict:
    return (
        room_context(live)
        | _shown(live)
        | {
            "workspace": workspace,
            "sprint": sprint,
            "room_panel": extensions.projector_panel(live),
            "poll_url": lambda s: url_for(
                "room.projector_changes",
                workspace_id=workspace.id,
                sprint_id=sprint.id,
                session_id=live.id,
                **s.as_args(),
            ),
        }
    )


@room.get("/<int:session_id>/projector")
@workspace_role(Role.OBSERVER)
def projector(workspace, membership, sprint_id, session_id):
    """For the big screen: what the console put on it, with the room's phase and timer above."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    return render_page("live/projector.html", **_projector_context(workspace, sprint, live))


@room.get("/<int:session_id>/projector/changes")
@workspace_role(Role.OBSERVER)
def projector_changes(workspace, membership, sprint_id, session_id):
    """The projector's changed regions, or 304."""
    known = known_versions()
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)

    def render(state):
        context = _projector_context(workspace, sprint, live) | changed_regions(state, known)
        return render_template("live/_projector_changes.html", **context | {"state": state})

    return poll_answer(services.poll_state(live.id), known, render)


@bp.get("/w/<int:workspace_id>/journeys/<int:journey_id>/presenter")
@workspace_role(Role.OBSERVER)
def journey_presenter(workspace, membership, journey_id):
    """A journey with its critical-point badges on the big screen, without a live session."""
    journey = journeys.get_journey(workspace, journey_id) or abort(404)
    return render_page(
        "live/presenter_journey.html",
        workspace=workspace,
        journey=journey,
        board=journeys.load_board(journey),
        counts=services.journey_point_counts(journey.id),
    )
