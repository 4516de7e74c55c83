"""The competence survey's pages: rounds and their links (staff side), answering (anonymous),
reports and the coaching plan."""

from workshop.competence.views import blueprint
from workshop.competence.views.blueprint import bp, survey_bp

__all__ = ["blueprint", "bp", "survey_bp"]
