"""Follow-up: agreed actions (sparring commitments, partner-owned sprint decisions and
experiments) followed until done, through check-ins, status history and links without an
account for owners outside the workspace and for witnesses."""
