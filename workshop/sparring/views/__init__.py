"""Sparring's pages: series, sessions, the evidence pack, the room, commitments, summaries."""

from workshop.sparring.views import commitments, evidence, room, series, sessions, summary
from workshop.sparring.views.blueprint import bp, sparrer_bp

__all__ = ["bp", "commitments", "evidence", "room", "series", "sessions", "sparrer_bp", "summary"]
