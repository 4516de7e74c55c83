"""Creates, changes and removals of a workspace's content, recorded by a session listener.

Which rows count and how each reaches its workspace is read from the schema, not declared per
model: a table is a workspace's content when its owning foreign keys (ON DELETE CASCADE) lead
to the workspace, and the shortest such chain finds the workspace id (a step through its
journey, a guest through its live session and sprint). A new table is therefore recorded from
the day it exists, without anyone remembering to register it, and audit imports no domain:
the few tables whose rows are noise, anonymous or recorded explicitly are named in NOT_TRACKED.

What is left out on purpose:
- a part created or removed with its whole in the same transaction (the stages, lanes and steps
  of a journey made from a template, the report of a newly reported point): the whole is the event;
- bookkeeping columns (version counters, positions, timestamps) and, on a live session, the
  timer and the projector's mode: changing only these is no event;
- more than COLLAPSE_OVER events of one kind in one flush become one event with their count.
"""

from collections import defaultdict
from dataclasses import dataclass

from flask import g, has_app_context, has_request_context
from flask_login import current_user, user_logged_in
from sqlalchemy import Table, event, inspect, select
from sqlalchemy.orm import Session

from workshop import clock
from workshop.audit.models import Action, ActorKind, AuditEvent
from workshop.extensions import db

# Noise (live dots, rate counters), a record of its own (journey activity, follow-up history,
# the log itself), anonymous answers and answer links that must stay unlinkable, and sign-in
# bookkeeping.
NOT_TRACKED = frozenset(
    {
        "audit_event",
        "activity",
        "live_dot",
        "follow_up_event",
        "login_failure",
        "rate_counter",
        "survey_response",
        "survey_answer",
        "survey_report_share",
        "survey_link",
    }
)
# Links that let outsiders read or act: made, withdrawn (revoked_at set) and restored (cleared)
# are share events; their use is recorded by the views that open them (services.record_share_use).
SHARE_TABLES = frozenset({"share_link", "sparring_share", "survey_round_share", "follow_up_link"})
# Columns whose change alone is bookkeeping, not a change anyone made to the content.
IGNORED_FIELDS = frozenset(
    {
        "id",
        "version",
        "edit_version",
        "controls_version",
        "entries_version",
        "position",
        "created_at",
        "updated_at",
        "updated_by_id",
        "deleted_by_id",
        "removed_by_id",
        "removed_reason",
        "submission_key",
    }
)
# High-frequency state of a running room: the timer and what the projector shows.
IGNORED_PER_TABLE = {
    "live_session": frozenset(
        {"timer_ends_at", "timer_left_s", "presenting", "presenting_step_id", "presenting_text"}
    ),
    # Locked by the first answer: its moment would tell when the first person answered.
    "survey_round": frozenset({"locked_at"}),
}
# A row with one of these set is in the trash or removed; cleared, it is back.
REMOVED_FLAGS = ("deleted_at", "removed_at")
# Where a row has two owners, the one it is made under (a commitment under its session, not
# the follow-up made with it).
OWNER_COLUMN = {"sparring_commitment": "session_id"}
COLLAPSE_OVER = 5
WORKSPACE_TABLE = "workspace"


@dataclass(frozen=True)
class Route:
    """How a table's rows reach their workspace: the chain of owning foreign keys."""

    # (column on this table, then on each next table) whose last value is the workspace id.
    columns: tuple[str, ...]
    tables: tuple[Table, ...]

    @property
    def parent(self) -> tuple[str, str] | None:
        """The owning table's name and the column naming the owner (none for a workspace)."""
        if len(self.tables) > 1:
            return self.tables[1].name, self.columns[0]
        if self.tables[0].name == WORKSPACE_TABLE:
            return None
        return WORKSPACE_TABLE, self.columns[0]


def _routes(metadata, skipped: frozenset = NOT_TRACKED) -> dict[str, Route]:
    """Every table that reaches the workspace through owning foreign keys, by shortest chain."""
    routes: dict[str, Route] = {}
    tables = [t for t in metadata.sorted_tables if t.name not in skipped]
    for table in tables:
        if table.name == WORKSPACE_TABLE:
            routes[table.name] = Route(("id",), (table,))
        elif "workspace_id" in table.c and _owning(table.c.workspace_id) and _has_single_id(table):
            routes[table.name] = Route(("workspace_id",), (table,))
    changed = True
    while changed:
        changed = False
        for table in tables:
            if table.name in routes or not _has_single_id(table):
                continue
            preferred = OWNER_COLUMN.get(table.name)
            order = sorted(table.c, key=lambda c: (c.name != preferred, c.nullable, c.name))
            for column in order:
                target = _owner_table(column)
                if target is not None and target.name in routes and target.name != table.name:
                    onward = routes[target.name]
                    routes[table.name] = Route(
                        (column.name, *onward.columns), (table, *onward.tables)
                    )
                    changed = True
                    break
    return routes


def _owning(column) -> bool:
    return any(fk.ondelete == "CASCADE" for fk in column.foreign_keys)


def _owner_table(column):
    for fk in column.foreign_keys:
        if fk.ondelete == "CASCADE" and fk.column.name == "id":
            return fk.column.table
    return None


def _has_single_id(table) -> bool:
    return "id" in table.c and [c.name for c in table.primary_key] == ["id"]


def routes() -> dict[str, Route]:
    """The routes of the app's tables, worked out once."""
    found = getattr(routes, "_cache", None)
    if found is None:
        found = routes._cache = _routes(db.metadata)
    return found


def workspace_routes() -> dict[str, Route]:
    """The routes of every table, the untracked ones too, worked out once."""
    found = getattr(workspace_routes, "_cache", None)
    if found is None:
        found = workspace_routes._cache = _routes(db.metadata, frozenset())
    return found


def workspace_join(table_name: str):
    """The table joined up its chain of owners, and the column that holds its workspace id;
    None for a table outside every workspace."""
    route = workspace_routes().get(table_name)
    if route is None:
        return None
    joined = route.tables[0]
    for here, onward, column in zip(route.tables, route.tables[1:], route.columns, strict=False):
        joined = joined.outerjoin(onward, here.c[column] == onward.c.id)
    return joined, route.tables[-1].c[route.columns[-1]]


def _actor() -> tuple[ActorKind, int | None]:
    """Who is acting: as told by act_as, else the signed-in member, else someone without an
    account (a guest joining a room), and outside a request the system (a timer, a command)."""
    if has_request_context():
        told = g.get("audit_actor")
        if told is not None:
            return told
        if current_user.is_authenticated:
            return ActorKind.MEMBER, current_user.id
        return ActorKind.GUEST, None
    return ActorKind.SYSTEM, None


def _state(session: Session) -> dict:
    """What this transaction has created and removed so far, and the events waiting."""
    return session.info.setdefault(
        "audit", {"created": set(), "removed": set(), "pending": [], "workspaces": {}}
    )


def _workspace_of(session: Session, obj, route: Route, cache: dict) -> int | None:
    """The workspace id at the end of the object's chain (one small query per new owner)."""
    value = getattr(obj, _key(obj, route.columns[0]), None)
    if value is None or len(route.tables) == 1:
        return value
    key = (route.tables[1].name, value)
    if key not in cache:
        last = route.tables[-1]
        query = select(last.c[route.columns[-1]])
        joined = route.tables[1]
        for position in range(1, len(route.tables) - 1):
            here, onward = route.tables[position], route.tables[position + 1]
            joined = joined.join(onward, here.c[route.columns[position]] == onward.c.id)
        query = query.select_from(joined).where(route.tables[1].c.id == value)
        cache[key] = session.connection().execute(query).scalar()
    return cache[key]


def _key(obj, column_name: str) -> str:
    """The attribute that maps a column (the same name in every model here)."""
    mapper = inspect(obj).mapper
    return mapper.get_property_by_column(mapper.local_table.c[column_name]).key


def _parent_key(obj, route: Route) -> tuple | None:
    """The owner of this row as (table, id), to tell a part from a whole."""
    if route.parent is None:
        return None
    table, column = route.parent
    return table, getattr(obj, _key(obj, column), None)


def _changed_fields(obj, table_name: str) -> tuple[list[str], Action | None, str]:
    """The changed content fields, and a removal or restoring when a removed flag moved."""
    state = inspect(obj)
    ignored = IGNORED_FIELDS | IGNORED_PER_TABLE.get(table_name, frozenset())
    fields: list[str] = []
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes() or attr.key in ignored:
            continue
        if attr.key in REMOVED_FLAGS:
            before = history.deleted[0] if history.deleted else None
            after = history.added[0] if history.added else None
            if before is None and after is not None:
                return [], Action.REMOVE, ""
            if before is not None and after is None:
                return [], Action.CHANGE, "restored"
            continue
        fields.append(attr.key)
    for relation in state.mapper.relationships:
        many = relation.secondary is not None and relation.key not in ignored
        if many and state.attrs[relation.key].history.has_changes():
            fields.append(relation.key)
    return fields, None, ""


def _before_flush(session: Session, _context, _instances) -> None:
    """Changes and removals, read while the rows and their owners are still there."""
    if not has_app_context():
        return
    known = routes()
    state = _state(session)
    cache = state["workspaces"]
    deleted = [(o, inspect(o).mapper.local_table.name) for o in session.deleted]
    deleted = [(o, name) for o, name in deleted if name in known]
    for obj, name in deleted:
        state["removed"].add((name, inspect(obj).identity[0]))
    for obj, name in deleted:
        route = known[name]
        if _parent_key(obj, route) in state["removed"]:
            continue
        _queue(state, Action.REMOVE, name, obj.id, _workspace_of(session, obj, route, cache), "")
    for obj in session.dirty:
        name = inspect(obj).mapper.local_table.name
        if name not in known or not session.is_modified(obj):
            continue
        if name in SHARE_TABLES:
            _share_change(session, state, obj, name)
            continue
        fields, action, detail = _changed_fields(obj, name)
        if action is None and not fields:
            continue
        if action is None:
            detail = "fields: " + ", ".join(fields)
        workspace = _workspace_of(session, obj, known[name], cache)
        _queue(state, action or Action.CHANGE, name, obj.id, workspace, detail)


def _share_change(session: Session, state: dict, obj, name: str) -> None:
    """A link withdrawn or restored; its other columns are bookkeeping."""
    history = inspect(obj).attrs.revoked_at.history
    if not history.has_changes():
        return
    before = history.deleted[0] if history.deleted else None
    after = history.added[0] if history.added else None
    if (before is None) == (after is None):
        return
    detail = "revoked" if after is not None else "restored"
    workspace = _workspace_of(session, obj, routes()[name], state["workspaces"])
    _queue(state, Action.SHARE, name, obj.id, workspace, detail)


def _after_flush(session: Session, _context) -> None:
    """Creations (now with their ids), then every waiting event written in the same transaction."""
    if not has_app_context():
        return
    known = routes()
    state = _state(session)
    new = [(o, inspect(o).mapper.local_table.name) for o in session.new]
    new = [(o, name) for o, name in new if name in known]
    for obj, name in new:
        state["created"].add((name, obj.id))
    for obj, name in new:
        route = known[name]
        action, detail = (Action.SHARE, "created") if name in SHARE_TABLES else (Action.CREATE, "")
        if action is Action.CREATE and _parent_key(obj, route) in state["created"]:
            continue
        workspace = _workspace_of(session, obj, route, state["workspaces"])
        _queue(state, action, name, obj.id, workspace, detail)
    if state["pending"]:
        rows = _collapsed(state["pending"])
        state["pending"] = []
        session.connection().execute(AuditEvent.__table__.insert(), rows)


def _queue(state: dict, action, object_type, object_id, workspace_id, detail) -> None:
    kind, actor_id = _actor()
    state["pending"].append(
        {
            "action": action,
            "actor_kind": kind,
            "actor_id": actor_id,
            "workspace_id": workspace_id,
            "object_type": object_type,
            "object_id": object_id,
            "detail": detail,
        }
    )


def _collapsed(rows: list[dict]) -> list[dict]:
    """Rows of one flush, with a flood of one kind (a bulk change) folded into one counted row."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        groups[(row["action"], row["object_type"], row["workspace_id"])].append(row)
    now = clock.now()
    out = []
    for group in groups.values():
        if len(group) > COLLAPSE_OVER:
            out.append({**group[0], "object_id": None, "detail": f"count: {len(group)}"})
        else:
            out.extend(group)
    return [{**row, "at": now} for row in out]


def _forget(session: Session, *_args) -> None:
    """A transaction's end: what it created and removed no longer matters."""
    session.info.pop("audit", None)


def init_app(app) -> None:
    """Listen to every session's flushes (once per process; each app shares the session class)."""
    for name, listener in (
        ("before_flush", _before_flush),
        ("after_flush", _after_flush),
        ("after_commit", _forget),
        ("after_soft_rollback", _forget),
    ):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
    user_logged_in.connect(_signed_in, app)
    app.after_request(_commit_download)


def _commit_download(response):
    """A download or a link's use, recorded by a GET view, is kept once it has succeeded."""
    if g.get("audit_commit") and response.status_code < 400:
        db.session.commit()
    return response


def _signed_in(_app, user) -> None:
    """A member signed in (every login_user call). The sign-in views have committed their own
    work just before, so this commits the event alone; `g.sign_in_via` names another way in."""
    from workshop.audit.services import record_sign_in

    record_sign_in(user.id, g.get("sign_in_via", "password"))
    db.session.commit()
