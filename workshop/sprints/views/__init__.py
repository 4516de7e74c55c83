"""Design sprints: plan, run and close them; experiments, decisions, the summary, its PDF and
share links.

Where things are: blueprint.py holds the two blueprints (`sprints` in a workspace, `shared`
behind a share link); common.py the sprint's page and what every view needs to find and leave
a sprint; the routes are in sprints.py (the list and one sprint), participants.py, items.py
(experiments and decisions) and summary.py (summary, PDF and share links). Importing a route
module registers its routes."""

from workshop.sprints.views import items, participants, sprints, summary
from workshop.sprints.views.blueprint import bp, shared

__all__ = ["bp", "shared", "items", "participants", "sprints", "summary"]
