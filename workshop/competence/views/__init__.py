"""The competence survey's pages: rounds and their links (staff side), answering (anonymous),
reports and the coaching plan."""

from workshop.competence.views import (
    answer,
    answer_pages,
    answer_report,
    report,
    report_share,
    rounds,
)
from workshop.competence.views import coaching as coaching_views
from workshop.competence.views import items as items_views
from workshop.competence.views.blueprint import answer_bp, bp

__all__ = [
    "answer",
    "answer_bp",
    "answer_pages",
    "answer_report",
    "bp",
    "coaching_views",
    "items_views",
    "report",
    "report_share",
    "rounds",
]
