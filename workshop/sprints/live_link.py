"""The sprint page's link to its live session.

Live sessions sit above sprints, so the sprint page never imports them: create_app hands the
lookup down with `init_app(app, current_session=live.services.current_session)`.
"""

from collections.abc import Callable
from typing import Any

from flask import Flask, current_app

from workshop.sprints.models import Sprint

_CURRENT = "polku.current_live_session"


def init_app(app: Flask, current_session: Callable[[Sprint], Any]) -> None:
    """Take the live domain's lookup of a sprint's running session (anything with id and
    join_code, or None)."""
    app.extensions[_CURRENT] = current_session


def current_session(sprint: Sprint) -> Any:
    """The sprint's live session that has not ended, if it is running and has one."""
    return current_app.extensions[_CURRENT](sprint) if sprint.is_running else None
