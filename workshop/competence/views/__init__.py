"""The competence survey's pages: rounds and their links (staff side), answering (anonymous),
reports and the coaching plan."""

from workshop.competence.views import (
    answer,
    report,
    report_share,  # noqa: F401 - the report's share links
    rounds,
)
from workshop.competence.views.blueprint import answer_bp, bp

__all__ = ["answer", "bp", "report", "rounds", "answer_bp"]
