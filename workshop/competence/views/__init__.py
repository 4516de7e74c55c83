"""The competence survey's pages: rounds and their links (staff side), answering (anonymous),
reports and the coaching plan."""

from workshop.competence.views import answer, answer_pages, answer_report, report, rounds
from workshop.competence.views.blueprint import answer_bp, bp

__all__ = ["answer", "answer_pages", "answer_report", "bp", "report", "rounds", "answer_bp"]
