"""The live session: guests join by code and work on their phones; facilitators run the room
from a console and show the projector view. Screens poll one small query and fetch only the
regions whose counter moved, so any number of app processes can serve one room.

Where things are: blueprint.py holds the two blueprints (`live` for guests, `room` for a
sprint's facilitators); common.py what every screen shares; the routes are in phone.py
(joining, the phone view, entries and dots), console.py (running the room), roster.py (who is
in it) and projector.py (the big screen). Importing a route module registers its routes."""

from workshop.live.views import console, phone, projector, roster
from workshop.live.views.blueprint import bp, room

__all__ = ["bp", "room", "console", "phone", "projector", "roster"]
