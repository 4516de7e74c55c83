"""The big screen: the journey with its critical points, the ranking, timer and join code."""

from flask import render_template, url_for

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.htmx import render_page
from workshop.journeys import services as journeys
from workshop.live import services
from workshop.live.models import EntryKind
from workshop.live.views.blueprint import room
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


def _projector_context(workspace, sprint, live) -> dict:
    room_state = room_context(live)
    board = journeys.load_board(live.journey)
    return room_state | {
        "workspace": workspace,
        "sprint": sprint,
        "board": board,
        "counts": services.point_counts(live),
        "ranked": services.ranked_points(live)[:10],
        "feed": [
            e for e in services.entries_of(live, public_only=True) if e.kind != EntryKind.POINT
        ][:8],
        "join_url": join_url(live),
        "enter_code_url": enter_code_url(),
        "qr": qr_svg(live),
        "poll_url": lambda s: url_for(
            "room.projector_changes",
            workspace_id=workspace.id,
            sprint_id=sprint.id,
            session_id=live.id,
            **s.as_args(),
        ),
    }


@room.get("/<int:session_id>/projector")
@workspace_role(Role.OBSERVER)
def projector(workspace, membership, sprint_id, session_id):
    """For the big screen: the journey with its critical points, the ranking, timer and code."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    return render_page(
        "live/projector.html", membership=membership, **_projector_context(workspace, sprint, live)
    )


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
