"""Writing to the audit log; the caller's transaction carries the event with the change."""

from flask import has_request_context
from flask_login import current_user

from workshop.audit.models import DETAIL_MAX, OBJECT_TYPE_MAX, Action, ActorKind, AuditEvent
from workshop.extensions import db


def record(
    action: Action,
    object_type: str,
    object_id: int | None = None,
    *,
    workspace_id: int | None = None,
    actor_kind: ActorKind | None = None,
    actor_id: int | None = None,
    detail: str = "",
) -> AuditEvent:
    """Add an event to the session; the signed-in member is the actor unless told otherwise.

    Never pass a person's name or e-mail in `detail`: the log is kept after an erasure.
    """
    if actor_kind is None:
        actor_id = actor_id if actor_id is not None else _signed_in_id()
        actor_kind = ActorKind.MEMBER if actor_id is not None else ActorKind.SYSTEM
    event = AuditEvent(
        action=action,
        object_type=object_type[:OBJECT_TYPE_MAX],
        object_id=object_id,
        workspace_id=workspace_id,
        actor_kind=actor_kind,
        actor_id=actor_id,
        detail=detail[:DETAIL_MAX],
    )
    db.session.add(event)
    return event


def _signed_in_id() -> int | None:
    """The signed-in member's id, or None outside a request or for a visitor."""
    if has_request_context() and current_user.is_authenticated:
        return current_user.id
    return None
