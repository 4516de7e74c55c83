"""Critical points: per step, per journey, per point, the categories, and where it hurts most.

Where things are: blueprint.py holds the blueprint and the labels templates use; common.py
finds journeys, steps and points and fills the forms' choices; the routes are in
step_points.py (a step's points and suggestions), new_point.py (a point reported from the board), journey_points.py (the list and its CSV),
one_point.py (one point and what is done to it) and categories.py (categories and insights).
Importing a route module registers its routes."""

from workshop.critical_points.views import (
    categories,
    journey_points,
    new_point,
    one_point,
    step_points,
)
from workshop.critical_points.views.blueprint import bp

__all__ = ["bp", "categories", "journey_points", "new_point", "one_point", "step_points"]
