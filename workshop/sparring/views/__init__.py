"""Sparring's pages: series, sessions, the evidence pack, the room, commitments, summaries."""

from workshop.sparring.views import commitments
from workshop.sparring.views.blueprint import bp, sparrer_bp

__all__ = ["bp", "commitments", "sparrer_bp"]
