"""Sparring test data the crawls share: a session whose room is open, with one capture."""

from workshop.competence.services import local_today
from workshop.sparring import room as sparring_room
from workshop.sparring import services as sparring
from workshop.sparring.models import AuthorRole, CaptureType


def open_room(workspace, facilitator) -> tuple:
    """A sparring session whose room is open, with one capture: (its run page, live session)."""
    series = sparring.create_series(workspace, facilitator, "Sparraus", "Johtoryhmä", "fi")
    session = sparring.plan_session(series, facilitator, local_today())
    live = sparring_room.open_room(session, facilitator, "Sparraus", ["Avoimet"], local_today())
    data = sparring_room.CaptureData(
        CaptureType.QUESTION, "Miksi?", AuthorRole.EMPLOYER, "Paja Oy", False
    )
    sparring_room.add_capture(session, data, None, entered_by=facilitator)
    return f"/w/{workspace.id}/sparring/sessions/{session.id}/room", live
