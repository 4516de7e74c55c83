"""Privacy pages: the notice (notice.py) and the administrators' people tools (people.py).
Importing a route module registers its routes."""

from workshop.privacy.views import notice, people
from workshop.privacy.views.blueprint import bp, people_bp

__all__ = ["bp", "notice", "people", "people_bp"]
