"""The one clock of dated work: what day it is where the workspaces' dates are meant.

Follow-up schedules, due lists and reminders ask here, so a test can move time by patching
`today` (and `now`) in this module alone.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

from workshop.models_base import utcnow


def now() -> datetime:
    """The current moment, in UTC."""
    return utcnow()


def today() -> date:
    """Today in BABEL_DEFAULT_TIMEZONE, the zone every page shows dates in."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return now().astimezone(zone).date()
