"""Which guest this browser is in a room: its signed session cookie remembers the guest of
each session it joined. Views of higher layers (a sparring capture) find the guest here too."""

from flask import session

from workshop.audit import services as audit
from workshop.live import services
from workshop.live.models import Guest, LiveSession

# The signed session cookie remembers which guest this browser is in each session it joined.
GUESTS_KEY = "live_guests"


def joined_guest_id(live_id: int) -> int | None:
    """The id of the guest this browser joined the session as, if it did."""
    return (session.get(GUESTS_KEY) or {}).get(str(live_id))


def current_guest(live: LiveSession) -> Guest | None:
    """The guest this browser joined this session as; None if it did not."""
    guest = services.get_guest(live, joined_guest_id(live.id))
    return audit.as_guest(guest)
