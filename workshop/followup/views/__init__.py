"""Follow-up's pages: the workspace's list and one follow-up (members), and the links."""

from workshop.followup.views import calendar, links, pages
from workshop.followup.views.blueprint import bp, link_bp

__all__ = ["bp", "calendar", "link_bp", "links", "pages"]
