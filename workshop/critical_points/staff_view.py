"""Staff's self-assessment beside a step's critical points.

The competence survey sits above critical points in the layers, so create_app hands its lookup
down here, as the live domain hands down its dot counter to the ranking.
"""

from collections.abc import Callable, Iterable, Mapping

from flask import current_app

from workshop.accounts.models import Workspace

# (workspace, step keys, category keys of the points on each step) → the survey's view of
# those steps, or None when it shows nothing.
StaffLookup = Callable[[Workspace, Iterable[str], Mapping[str, Iterable[str]]], object | None]
_STAFF_LOOKUP = "polku.staff_view"


def init_app(app, lookup: StaffLookup) -> None:
    """Take the competence survey's lookup of what staff said about some steps."""
    app.extensions[_STAFF_LOOKUP] = lookup


def for_steps(
    workspace: Workspace, keys: Iterable[str], categories: Mapping[str, Iterable[str]]
) -> object | None:
    """What the workspace's latest shown survey round says of these steps (and of the
    categories of their critical points, by step key), or None."""
    lookup = current_app.extensions.get(_STAFF_LOOKUP)
    return lookup(workspace, keys, categories) if lookup is not None else None
