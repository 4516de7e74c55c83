"""Writing to the audit log; the caller's transaction carries the event with the change."""

from datetime import timedelta

from flask import g, has_request_context
from flask_login import current_user
from sqlalchemy import delete, select

from workshop import clock
from workshop.audit.models import DETAIL_MAX, OBJECT_TYPE_MAX, Action, ActorKind, AuditEvent
from workshop.extensions import db

# An outsider's link use is one event per link in this time, however many pages they open.
SHARE_USE_EVERY = timedelta(days=1)


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
    if actor_kind is None and actor_id is None and has_request_context():
        actor_kind, actor_id = g.get("audit_actor") or (None, None)
    if actor_kind is None:
        actor_id = actor_id if actor_id is not None else _signed_in_id()
        actor_kind = ActorKind.MEMBER if actor_id is not None else ActorKind.SYSTEM
    event = AuditEvent(
        at=clock.now(),
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


def act_as(kind: ActorKind, actor_id: int | None = None) -> None:
    """Say who acts in this request when it is not a signed-in member (a guest, a link)."""
    g.audit_actor = (kind, actor_id)


def as_guest(guest):
    """The guest this request acts as, if any; the events it causes name a guest as the actor."""
    if guest is not None:
        act_as(ActorKind.GUEST)
    return guest


def record_export(
    object_type: str,
    object_id: int | None,
    workspace_id: int | None,
    what: str,
    *,
    once_a_day: bool = False,
    by: int | None = None,
) -> AuditEvent | None:
    """A download of a workspace's content (`what` names the format: csv, json, pdf, ics).

    Called from a GET view, which commits nothing: the event is committed once the answer is
    a success (see tracking.init_app). `once_a_day` for what a program fetches by itself,
    such as a calendar feed.
    """
    if once_a_day and _seen_today(Action.EXPORT, object_type, object_id):
        return None
    g.audit_commit = True
    return record(Action.EXPORT, object_type, object_id, workspace_id=workspace_id, detail=what)


def record_share_use(
    object_type: str, object_id: int, workspace_id: int | None, what: str = ""
) -> AuditEvent | None:
    """An outsider opened a link: recorded at most once per link in a day, not per page view."""
    act_as(ActorKind.LINK)
    if _seen_today(Action.SHARE_USE, object_type, object_id):
        return None
    g.audit_commit = True
    return record(
        Action.SHARE_USE,
        object_type,
        object_id,
        workspace_id=workspace_id,
        actor_kind=ActorKind.LINK,
        detail=what,
    )


def _seen_today(action: Action, object_type: str, object_id: int | None) -> bool:
    """Whether this was recorded for this thing in the last SHARE_USE_EVERY."""
    since = clock.now() - SHARE_USE_EVERY
    found = db.session.scalar(
        select(AuditEvent.id)
        .where(
            AuditEvent.action == action,
            AuditEvent.object_type == object_type[:OBJECT_TYPE_MAX],
            AuditEvent.object_id == object_id,
            AuditEvent.at > since,
        )
        .limit(1)
    )
    return found is not None


def record_sign_in(user_id: int, how: str = "password") -> AuditEvent:
    """A member signed in (`how`: password, or the way another sign-in names)."""
    return record(
        Action.SIGN_IN, "user", user_id, actor_kind=ActorKind.MEMBER, actor_id=user_id, detail=how
    )


def prune(days: int) -> int:
    """Remove events older than `days` days; the number removed."""
    cutoff = clock.now() - timedelta(days=days)
    result = db.session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    return result.rowcount or 0
