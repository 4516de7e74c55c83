"""A whole workspace as one archive (a zip of JSON files), written out and read back in.

The archive holds `manifest.json` (what it is), `people.json` (everyone the rows name as an
account, as name and e-mail) and one `tables/<table>.json` per table of the workspace, rows
as lists in the order of the table's columns. Ids are renumbered from 1 in every table, so two
archives of the same content are the same bytes apart from the manifest's time.
"""

import enum
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata as package_metadata

from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import JSON, Column, String, Table, Text, or_, select

from workshop import clock
from workshop.accounts.models import User
from workshop.archive import tables
from workshop.extensions import db
from workshop.personal_data import personal_columns, redact

FORMAT = "polku-workspace-archive"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
PEOPLE = "people.json"
TABLES_DIR = "tables/"


def schema_revision() -> str:
    """The Alembic revision the models are at (the newest migration)."""
    directory = current_app.extensions["migrate"].directory
    return ScriptDirectory(directory).get_current_head() or ""


def polku_version() -> str:
    try:
        return package_metadata.version("polku")
    except package_metadata.PackageNotFoundError:
        return ""


@dataclass
class Export:
    """What an export made: the zip's bytes and the number of rows per table."""

    data: bytes
    counts: dict[str, int]


def export_workspace(workspace, remove_names: bool) -> Export:
    """The workspace as an archive; with remove_names no person's name or e-mail is in it."""
    parts = tables.parts(db.metadata)
    rows = _collect(parts, workspace.id)
    people = _people(rows, parts)
    if remove_names:
        _remove_names(rows, parts, people)
    numbering = {
        part.name: {row["id"]: n for n, row in enumerate(rows[part.name], start=1)}
        for part in parts
        if part.has_id
    }
    data = {part.name: _archive_rows(part, rows[part.name], numbering, people) for part in parts}
    counts = {name: len(found) for name, found in data.items()}
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": schema_revision(),
        "exported_at": clock.now().isoformat(),
        "polku_version": polku_version(),
        "names_removed": remove_names,
        "counts": counts,
        "people": len(people),
        "left_out": left_out(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(MANIFEST, _dumps(manifest))
        archive.writestr(PEOPLE, _dumps([entry.as_json() for entry in people.values()]))
        for part in parts:
            columns = [c.name for c in part.table.columns if not tables.is_left_out(c)]
            body = {"columns": columns, "rows": data[part.name]}
            archive.writestr(f"{TABLES_DIR}{part.name}.json", _dumps(body))
    return Export(buffer.getvalue(), counts)


def left_out() -> list[str]:
    """What an archive never carries, as the manifest and the README list it."""
    columns = sorted(
        {
            f"{part.name}.{column.name}"
            for part in tables.parts(db.metadata)
            for column in part.table.columns
            if tables.is_left_out(column)
        }
    )
    return [*tables.LEFT_OUT_TABLES, "user.password_hash", "audit_event", *columns]


def _dumps(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8")


def _collect(parts: list[tables.Part], workspace_id: int) -> dict[str, list[dict]]:
    """Every row of the workspace, table by table, in the order of their keys."""
    ids: dict[str, set] = {}
    found: dict[str, list[dict]] = {}
    for part in parts:
        table = part.table
        if part.name == tables.WORKSPACE:
            where = table.c.id == workspace_id
        else:
            where = or_(*(c.in_(ids[tables.reference(c).name]) for c in part.owners))
        order = list(table.primary_key.columns)
        result = db.session.execute(select(table).where(where).order_by(*order))
        found[part.name] = [dict(row) for row in result.mappings()]
        if part.has_id:
            ids[part.name] = {row["id"] for row in found[part.name]}
    return found


@dataclass
class Person:
    """Someone the rows name as an account: their archive key, name and e-mail."""

    key: int
    name: str
    email: str

    def as_json(self) -> dict:
        return {"key": self.key, "name": self.name, "email": self.email}


def _user_columns(table: Table) -> list[Column]:
    return [
        c
        for c in table.columns
        if (ref := tables.reference(c)) is not None and ref.name == tables.USER
    ]


def _people(rows: dict[str, list[dict]], parts: list[tables.Part]) -> dict[int, Person]:
    """Everyone named by a user id in the rows, keyed by user id, numbered in e-mail order."""
    user_ids = {
        row[column.name]
        for part in parts
        for column in _user_columns(part.table)
        for row in rows[part.name]
        if row[column.name] is not None
    }
    users = db.session.scalars(select(User).where(User.id.in_(user_ids))).all()
    users = sorted(users, key=lambda user: (user.email.casefold(), user.id))
    return {user.id: Person(n, user.name, user.email) for n, user in enumerate(users, start=1)}


def _remove_names(rows, parts, people: dict[int, Person]) -> None:
    """Replace every marked name by "Person N" (one N per name), empty every marked e-mail,
    and redact the names and e-mails out of every other text, frozen documents included."""
    labels: dict[str, str] = {}
    emails: set[str] = set()

    def label_of(name: str) -> str:
        key = name.strip().casefold()
        if key not in labels:
            labels[key] = _("Person %(number)d", number=len(labels) + 1)
        return labels[key]

    for person in people.values():
        emails.add(person.email)
        person.name, person.email = label_of(person.name), ""
    part_names = {part.name for part in parts}
    marked = [m for m in personal_columns(db.metadata) if m.table.name in part_names]
    for mark in marked:
        for row in rows[mark.table.name]:
            value = row[mark.column.name]
            if mark.kind == "email":
                emails.add(value or "")
                row[mark.column.name] = ""
            elif value and value.strip():
                row[mark.column.name] = label_of(value)
    for part in parts:
        # Every text, not only the marked ones: notes and frozen documents quote people.
        texts = [
            c
            for c in part.table.columns
            if isinstance(c.type, (String, Text, JSON)) and not _is_enum(c)
        ]
        for row in rows[part.name]:
            for column in texts:
                if row[column.name] is not None:
                    row[column.name] = _redact_all(row[column.name], labels, emails)


def _redact_all(value, names: dict[str, str], emails: set[str]):
    # Longest names first, so "Matti Virtanen" goes before a guest called "Matti".
    for name in sorted(names, key=len, reverse=True):
        value = redact(value, [name], names[name])
    return redact(value, emails, "")


def _is_enum(column: Column) -> bool:
    return getattr(column.type, "enum_class", None) is not None


def _archive_rows(part, found: list[dict], numbering, people: dict[int, Person]) -> list[list]:
    """The rows as JSON lists: archive ids for ids, person keys for accounts, plain values.

    A reference to a row outside the workspace (a journey copied from another one) is left
    empty: the archive never points outside itself."""
    columns = [c for c in part.table.columns if not tables.is_left_out(c)]
    out = []
    for row in found:
        values = []
        for column in columns:
            value = row[column.name]
            target = tables.reference(column)
            if column.name == "id" and part.has_id:
                value = numbering[part.name][value]
            elif target is not None and value is not None:
                if target.name == tables.USER:
                    person = people.get(value)
                    value = person.key if person else None
                else:
                    value = numbering.get(target.name, {}).get(value)
            values.append(_plain(value))
        out.append(values)
    return out


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value
