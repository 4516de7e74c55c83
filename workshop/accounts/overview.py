"""What a workspace's front page lists from the domains above accounts.

Accounts is the lowest layer, so it never imports journeys: create_app hands the listing down
with `init_app(app, journeys_of=journeys.services.journeys_of)`.
"""

from collections.abc import Callable, Sequence

from flask import Flask, current_app

from workshop.accounts.models import Workspace

JourneyLister = Callable[[Workspace], Sequence]
_JOURNEYS = "polku.workspace_journeys"


def init_app(app: Flask, journeys_of: JourneyLister) -> None:
    """Take the journeys domain's listing of a workspace's journeys (anything with id and name)."""
    app.extensions[_JOURNEYS] = journeys_of


def journeys_of(workspace: Workspace) -> Sequence:
    """The workspace's journeys as the journeys domain lists them."""
    return current_app.extensions[_JOURNEYS](workspace)
