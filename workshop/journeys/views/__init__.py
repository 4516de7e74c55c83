"""Journey pages: the list, the board, and every change to stages, lanes and steps.

Where things are: blueprint.py holds the blueprint and the labels templates use; board.py the
board page (and the answer every change gives) and its polling; the routes are in
journeys.py (the list and whole journeys), steps.py and columns.py (stages and lanes).
Importing a route module registers its routes."""

from workshop.journeys.views import board, columns, journeys, steps
from workshop.journeys.views.blueprint import bp

__all__ = ["bp", "board", "columns", "journeys", "steps"]
