"""The critical-points part of a journey board: filters, heat map and the badges on step cards.

Critical points sit above journeys, so the board never imports them: create_app hands a
provider down with `init_app(app, provider)`, where `provider(workspace, journey)` reads the
request's filters and returns a `BoardPoints`.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app

from workshop.accounts.models import Workspace
from workshop.journeys.models import Journey

_PROVIDER = "polku.board_points"


@dataclass(frozen=True)
class BoardPoints:
    """What one board shows of critical points.

    `cache_key` is what else makes a rendered board differ (beyond the journey's version and
    the query string); `badges` runs its queries only when the board is rendered, not when it
    comes from the cache, and returns the template's `summaries` and `suggestion_counts`.
    """

    filters_form: Any
    filters: Any
    heat: bool
    cache_key: tuple
    badges: Callable[[], Mapping[str, Any]]

    def template_context(self) -> dict[str, Any]:
        """Everything the board template reads of critical points."""
        return dict(
            filters_form=self.filters_form, filters=self.filters, heat=self.heat, **self.badges()
        )


Provider = Callable[[Workspace, Journey], BoardPoints]


def init_app(app: Flask, provider: Provider) -> None:
    """Take the critical-points domain's provider of a board's points."""
    app.extensions[_PROVIDER] = provider


def for_board(workspace: Workspace, journey: Journey) -> BoardPoints:
    """The critical-points part of this board, for the filters in the request."""
    return current_app.extensions[_PROVIDER](workspace, journey)
