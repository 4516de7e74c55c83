"""What a workspace's front page lists from the domains above accounts.

Accounts is the lowest layer, so it never imports journeys: create_app hands the listing down
with `init_app(app, journeys_of=journeys.services.journeys_of)`.
"""

from collections.abc import Callable, Sequence

from flask import Flask, current_app

from workshop.accounts.models import Workspace

JourneyLister = Callable[[Workspace], Sequence]
_JOURNEYS = "polku.workspace_journeys"


_DUE = "polku.workspace_due"


def init_app(app: Flask, journeys_of: JourneyLister, due_of: Callable | None = None) -> None:
    """Take the journeys domain's listing of a workspace's journeys (anything with id and name),
    and follow-up's list of check-ins due (with follow_up, check_in and overdue)."""
    app.extensions[_JOURNEYS] = journeys_of
    app.extensions[_DUE] = due_of


def journeys_of(workspace: Workspace) -> Sequence:
    """The workspace's journeys as the journeys domain lists them."""
    return current_app.extensions[_JOURNEYS](workspace)


def due_of(workspace: Workspace) -> Sequence:
    """The workspace's check-ins due today or overdue, as follow-up lists them."""
    lister = current_app.extensions.get(_DUE)
    return lister(workspace) if lister else []
