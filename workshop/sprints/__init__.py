"""Design sprints: goal, participants, experiments, decisions, a frozen snapshot and its summary."""
