"""What templates need of commitments: the limit a session's section names."""

from workshop.sparring.models import MAX_COMMITMENTS


def for_templates() -> dict:
    """The names every template may call."""
    return {"max_commitments": MAX_COMMITMENTS}
