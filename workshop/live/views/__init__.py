"""The live session: guests join by code and work on their phones; facilitators run the room
from a console and show the projector view. Screens poll one small query and fetch only the
regions whose counter moved, so any number of app processes can serve one room.

Where things are: blueprint.py holds the blueprints (`live` for guests, `room` for a
sprint's facilitators, `workshops` for starting one from a journey); common.py what every screen shares; the routes are in phone.py
(joining, the phone view, entries and dots), console.py (running the room), roster.py (who is
in it), projector.py (the big screen) and workshops.py (a workshop started from a journey,
its sprint made with it). Importing a route module registers its routes."""

from workshop.live.views import console, phone, projector, roster, workshops
from workshop.live.views.blueprint import bp, room
from workshop.live.views.blueprint import workshops as workshops_bp

__all__ = ["bp", "room", "workshops_bp", "console", "phone", "projector", "roster", "workshops"]
