"""Finding one person across every marked column, exporting what is theirs, and erasing them.

The columns come from `workshop/personal_data.py`'s marks, so a table marked tomorrow is
searched and erased without a change here; `PLACES` only says where its records sit (a table
missing there is still found, shown without workspace or date).
"""

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm.attributes import flag_modified

from workshop.accounts.models import ERASED_EMAIL_DOMAIN, User
from workshop.audit.tracking import workspace_join
from workshop.critical_points.models import CriticalPoint, Report, Vote
from workshop.extensions import db
from workshop.followup.models import FollowUpEvent
from workshop.ids import parse_id
from workshop.live.models import Dot, Entry, Guest, LiveSession
from workshop.personal_data import Marked, frozen_document_columns, personal_columns, redact
from workshop.privacy.models import ErasedRecord, Removal
from workshop.sparring.models import Capture
from workshop.sprints.models import Participant

SEARCH_MIN = 2
SEARCH_MAX = 200
RESULTS_PER_COLUMN = 100
RECORDS_MAX = 200
FORMAT = "polku-personal-data"
FORMAT_VERSION = 1
# Short names are replaced in frozen documents only where a whole text is the name: "Jo" must
# not take "jo" out of every sentence.
SHORT_NAME = 4
# Never part of an export: they open doors, they say nothing about the person.
SECRET_COLUMNS = {"password_hash", "token_hash", "submission_key", "device_hash"}


@dataclass(frozen=True)
class Place:
    """Where a kind of record sits: attribute paths to its workspace, its date and its context."""

    workspace: str | None
    when: str | None
    context: str | None = None


PLACES = {
    "user": Place(None, "created_at"),
    "login_failure": Place(None, "created_at"),
    "live_guest": Place("session.sprint.workspace", "created_at", "session.sprint.title"),
    "sprint_participant": Place("sprint.workspace", "sprint.starts_on", "sprint.title"),
    "decision": Place("sprint.workspace", "due_on", "sprint.title"),
    "experiment": Place("sprint.workspace", "starts_on", "sprint.title"),
    "sparrer": Place("series.workspace", "created_at", "series.title"),
    "sparring_capture": Place("session.series.workspace", "created_at", "session.series.title"),
    "follow_up": Place("workspace", "created_at", "title"),
    "follow_up_link": Place("follow_up.workspace", "created_at", "follow_up.title"),
    "survey_report_share": Place("response.round.workspace", "created_at", "response.round.name"),
    "sprint_snapshot": Place("sprint.workspace", "taken_at", "sprint.title"),
    "sparring_session": Place("series.workspace", "held_on", "series.title"),
    "coaching_theme": Place("round.workspace", "due_on", "title"),
}


class SearchProblem(enum.StrEnum):
    """Why a search text was not searched."""

    EMPTY = "empty"
    SHORT = "short"
    LONG = "long"
    UNREADABLE = "unreadable"


class NotFound(Exception):
    """A picked record does not exist, or its key names nothing that holds a person."""


@dataclass(frozen=True)
class Found:
    """A record holding a name or e-mail address that matched the search."""

    kind: str
    id: int
    names: tuple[str, ...]
    emails: tuple[str, ...]
    workspace: str | None
    when: datetime | date | None
    context: str | None
    erased: bool

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class Erasure:
    """What an erasure changed, by kind of record, and the documents redacted."""

    records: dict[str, list[int]] = field(default_factory=dict)
    documents: dict[str, list[int]] = field(default_factory=dict)
    workspaces: set[int] = field(default_factory=set)

    def add(self, kind: str, row_id: int) -> None:
        self.records.setdefault(kind, []).append(row_id)

    @property
    def record_count(self) -> int:
        return sum(len(ids) for ids in self.records.values())

    @property
    def document_count(self) -> int:
        return sum(len(ids) for ids in self.documents.values())


# --- the models behind the marked tables ------------------------------------------------------


def _models() -> dict[str, type]:
    return {m.local_table.name: m.class_ for m in db.Model.registry.mappers}


def _marked_by_table() -> dict[str, list[Marked]]:
    found: dict[str, list[Marked]] = {}
    for marked in personal_columns(db.metadata):
        found.setdefault(marked.table.name, []).append(marked)
    return found


def _follow(obj: Any, path: str | None) -> Any:
    if not path:
        return None
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def workspace_of(kind: str, obj: Any):
    """The workspace a record belongs to, or None (an account belongs to none)."""
    place = PLACES.get(kind)
    return _follow(obj, place.workspace) if place else None


# --- search -----------------------------------------------------------------------------------


def search_problem(text: str | None) -> SearchProblem | None:
    """Why this text cannot be searched for, or None when it can."""
    text = (text or "").strip()
    if not text:
        return SearchProblem.EMPTY
    if len(text) > SEARCH_MAX:
        return SearchProblem.LONG
    if "\x00" in text or not text.isprintable():
        return SearchProblem.UNREADABLE
    if len(text) < SEARCH_MIN:
        return SearchProblem.SHORT
    return None


def search(text: str) -> dict[str, list[Found]]:
    """Every record whose marked name or e-mail column contains the text, by kind."""
    wanted = text.strip().lower()  # as SQL lower() folds it, on SQLite and PostgreSQL alike
    models = _models()
    erased = _erased_keys()
    found: dict[str, list[Found]] = {}
    for table_name, columns in _marked_by_table().items():
        model = models.get(table_name)
        if model is None:
            continue
        rows = db.session.scalars(
            select(model)
            .where(or_(*(func.lower(m.column).contains(wanted, autoescape=True) for m in columns)))
            .order_by(model.id)
            .limit(RESULTS_PER_COLUMN)
        )
        for row in rows:
            found.setdefault(table_name, []).append(
                _describe(table_name, row, columns, (table_name, row.id) in erased)
            )
    return found


def _erased_keys() -> set[tuple[str, int]]:
    return {(k, i) for k, i in db.session.execute(select(ErasedRecord.kind, ErasedRecord.row_id))}


def _describe(kind: str, row, columns: list[Marked], erased: bool) -> Found:
    place = PLACES.get(kind, Place(None, None))
    workspace = _follow(row, place.workspace)
    if kind == "user":
        names = sorted({m.workspace.name for m in row.memberships})
        workspace_name = ", ".join(names) or None
    else:
        workspace_name = workspace.name if workspace is not None else None
    return Found(
        kind=kind,
        id=row.id,
        names=tuple(getattr(row, m.column.key) for m in columns if m.kind == "name"),
        emails=tuple(v for m in columns if m.kind == "email" if (v := getattr(row, m.column.key))),
        workspace=workspace_name,
        when=_follow(row, place.when),
        context=_follow(row, place.context),
        erased=erased,
    )


def describe(picked: list[tuple[str, Any]]) -> list[Found]:
    """The picked records as the search shows them."""
    marked, erased = _marked_by_table(), _erased_keys()
    return [_describe(k, row, marked.get(k, []), (k, row.id) in erased) for k, row in picked]


# --- picked records ---------------------------------------------------------------------------


def load_picked(keys: list[str]) -> list[tuple[str, Any]]:
    """The records the keys ("live_guest:12") name; NotFound if any is malformed, of a kind
    holding no person, or gone."""
    if not keys or len(keys) > RECORDS_MAX:
        raise NotFound
    models, marked = _models(), _marked_by_table()
    picked: dict[tuple[str, int], Any] = {}
    for key in keys:
        kind, _, number = (key or "").partition(":")
        row_id = parse_id(number)
        if kind not in marked or kind not in models or row_id is None:
            raise NotFound
        row = db.session.get(models[kind], row_id)
        if row is None:
            raise NotFound
        picked[(kind, row_id)] = row
    return [(kind, row) for (kind, _), row in picked.items()]


# --- export -----------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _columns(row) -> dict[str, Any]:
    return {
        column.key: _plain(getattr(row, column.key))
        for column in row.__table__.columns
        if column.key not in SECRET_COLUMNS
    }


def export(picked: list[tuple[str, Any]], now: datetime, texts: list | None = None) -> dict:
    """The picked records and what they wrote and did, and the picked texts that name them,
    as one document."""
    records = []
    for kind, row in picked:
        workspace = workspace_of(kind, row)
        records.append(
            {
                "kind": kind,
                "id": row.id,
                "workspace": workspace.name if workspace is not None else None,
                "data": _columns(row),
                "related": _related(kind, row),
            }
        )
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "records": records,
        "texts": [
            {"where": f"{m.table}.{m.column}", "id": m.id, "workspace": m.workspace, "text": m.text}
            for m in texts or []
        ],
    }


def _related(kind: str, row) -> dict[str, list]:
    if kind == "user":
        return _account_related(row)
    if kind == "live_guest":
        entries = db.session.scalars(
            select(Entry).where(Entry.guest_id == row.id).order_by(Entry.id)
        )
        dots = db.session.scalars(select(Dot).where(Dot.guest_id == row.id).order_by(Dot.id))
        return {
            "entries": [_columns(e) for e in entries],
            "dots": [{"point_id": d.point_id, "created_at": _plain(d.created_at)} for d in dots],
        }
    if kind == "sparrer":
        captures = db.session.scalars(select(Capture).where(Capture.sparrer_id == row.id))
        return {"captures": [_columns(c) for c in captures]}
    if kind == "follow_up_link":
        events = db.session.scalars(select(FollowUpEvent).where(FollowUpEvent.link_id == row.id))
        return {"events": [_columns(e) for e in events]}
    return {}


def _account_related(user: User) -> dict[str, list]:
    by_user = {
        "reports": select(Report).where(Report.created_by_id == user.id),
        "critical_points": select(CriticalPoint).where(CriticalPoint.created_by_id == user.id),
        "votes": select(Vote).where(Vote.user_id == user.id),
        "sprint_participations": select(Participant).where(Participant.user_id == user.id),
        "follow_up_events": select(FollowUpEvent).where(FollowUpEvent.user_id == user.id),
    }
    related = {
        "memberships": [
            {
                "workspace": m.workspace.name,
                "role": m.role.value,
                "organisation": m.organisation.name if m.organisation else None,
                "created_at": _plain(m.created_at),
            }
            for m in user.memberships
        ]
    }
    for name, query in by_user.items():
        related[name] = [_columns(r) for r in db.session.scalars(query.order_by("id"))]
    return related


# --- erasure ----------------------------------------------------------------------------------


def erase(picked: list[tuple[str, Any]], placeholder: str, reason: Removal) -> Erasure:
    """Replace every marked name of the picked records (and the copies made of them) by the
    placeholder, make their e-mail addresses unusable, and redact the frozen documents of
    their workspaces. Reports, votes, dots and entries stay, shown by role and organisation."""
    erasure = Erasure()
    marked = _marked_by_table()
    records = list(picked)
    seen = {(kind, row.id) for kind, row in records}
    for kind, row in list(records):
        for more in _copies(kind, row):
            if (more[0], more[1].id) not in seen:
                seen.add((more[0], more[1].id))
                records.append(more)
    names: set[str] = set()
    for kind, row in records:
        names |= _erase_row(kind, row, marked.get(kind, []), placeholder)
        _note(kind, row.id, reason)
        erasure.add(kind, row.id)
        workspace = workspace_of(kind, row)
        if workspace is not None:
            erasure.workspaces.add(workspace.id)
        if kind == "user":
            erasure.workspaces |= {m.workspace_id for m in row.memberships}
    _redact_documents(erasure, names, placeholder)
    db.session.flush()
    return erasure


def _copies(kind: str, row) -> list[tuple[str, Any]]:
    """Records that copied this one's name: an account's sprint participations, a guest's
    captures and the sprint participants made from the guest, a sparrer's captures."""
    if kind == "user":
        rows = db.session.scalars(select(Participant).where(Participant.user_id == row.id))
        return [("sprint_participant", p) for p in rows]
    if kind == "live_guest":
        return guest_copies(row)
    if kind == "sparrer":
        rows = db.session.scalars(select(Capture).where(Capture.sparrer_id == row.id))
        return [("sparring_capture", c) for c in rows]
    return []


def guest_copies(guest: Guest) -> list[tuple[str, Any]]:
    """Where a guest's name was copied: captures they sent, and the sprint's participants
    without an account listed under the same name."""
    captures = db.session.scalars(select(Capture).where(Capture.guest_id == guest.id))
    name = guest.display_name.strip().lower()
    sprint_id = db.session.scalar(
        select(LiveSession.sprint_id).where(LiveSession.id == guest.session_id)
    )
    participants = db.session.scalars(
        select(Participant).where(
            Participant.sprint_id == sprint_id,
            Participant.user_id.is_(None),
            func.lower(Participant.name) == name,
        )
    )
    return [("sparring_capture", c) for c in captures] + [
        ("sprint_participant", p) for p in participants
    ]


def _erase_row(kind: str, row, columns: list[Marked], placeholder: str) -> set[str]:
    """Blank the row's marked columns; the names it held."""
    names = set()
    for marked in columns:
        value = getattr(row, marked.column.key) or ""
        if marked.kind == "name":
            if value.strip() and value != placeholder:
                names.add(value.strip())
                setattr(row, marked.column.key, placeholder)
        elif marked.kind == "email" and value:
            setattr(row, marked.column.key, "")
    if kind == "user":
        row.email = f"erased-{row.id}@{ERASED_EMAIL_DOMAIN}"
        # Not a hash of anything: no password ever matches it.
        row.password_hash = "!erased"
        row.is_admin = False
    return names


def _note(kind: str, row_id: int, reason: Removal) -> None:
    existing = db.session.scalar(
        select(ErasedRecord).where(ErasedRecord.kind == kind, ErasedRecord.row_id == row_id)
    )
    if existing is None:
        db.session.add(ErasedRecord(kind=kind, row_id=row_id, reason=reason))
    elif reason == Removal.ERASURE:
        existing.reason = reason


def _redact_documents(erasure: Erasure, names: set[str], placeholder: str) -> None:
    """Redact the frozen documents of the workspaces involved, found by their chain of owners
    in the database (a deployment's other workspaces are never loaded)."""
    if not names or not erasure.workspaces:
        return
    models = _models()
    for marked in frozen_document_columns(db.metadata):
        model, found = models.get(marked.table.name), workspace_join(marked.table.name)
        if model is None or found is None:
            continue
        joined, workspace_id = found
        rows = db.session.scalars(
            select(model)
            .select_from(joined)
            .where(workspace_id.in_(erasure.workspaces), marked.column.is_not(None))
            .order_by(marked.table.c.id)
        )
        for row in rows:
            before = getattr(row, marked.column.key)
            after = redact_names(before, names, placeholder)
            if after != before:
                setattr(row, marked.column.key, after)
                flag_modified(row, marked.column.key)
                erasure.documents.setdefault(marked.table.name, []).append(row.id)


def redact_names(value: Any, names: set[str], placeholder: str) -> Any:
    """The value with the names replaced: long ones wherever they stand, short ones only where
    a whole text is the name."""
    long = [n for n in names if len(n) >= SHORT_NAME]
    short = {n.casefold() for n in names if len(n) < SHORT_NAME}
    return _whole(redact(value, long, placeholder), short, placeholder)


def _whole(value: Any, short: set[str], placeholder: str) -> Any:
    if not short:
        return value
    if isinstance(value, str):
        return placeholder if value.strip().casefold() in short else value
    if isinstance(value, list):
        return [_whole(v, short, placeholder) for v in value]
    if isinstance(value, dict):
        return {k: _whole(v, short, placeholder) for k, v in value.items()}
    return value
