"""Reading a workspace archive back in: every byte checked before a row is written.

Nothing in an uploaded file is trusted: its size and members are bounded before they are
unpacked, the manifest must name this format, version and a schema revision this site knows,
every value must fit its column and every reference must name a row of the archive.

An archive from an older Polku (an earlier revision of the migrations) is read as far as the
versions between only added to the schema: a table it lacks comes in empty, a column it lacks
gets its default. A column it has that this site lost, or one this site needs and cannot fill,
refuses it with the column named. A problem raises
ArchiveProblem with a translated sentence; the caller rolls the transaction back.
"""

import hashlib
import io
import json
import secrets
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Float,
    Integer,
    SmallInteger,
    String,
    Text,
    select,
)
from sqlalchemy.exc import SQLAlchemyError

from workshop import backup
from workshop.accounts import services as accounts
from workshop.accounts.models import EMAIL_MAX, NAME_MAX, Membership, Role, User, Workspace
from workshop.archive import services, tables
from workshop.extensions import db
from workshop.live.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from workshop.models_base import UTCDateTime

MAX_MEMBERS = 200
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 256 * 1024 * 1024
MAX_TEXT = 100_000
INT_RANGE = (-(2**31), 2**31 - 1)
SMALL_RANGE = (-(2**15), 2**15 - 1)
# The domain of accounts made for people whose e-mail an archive leaves out (RFC 2606).
PLACEHOLDER_DOMAIN = "archive.invalid"


class ArchiveProblem(Exception):
    """Why an archive cannot be imported, as a sentence for the person who chose the file."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Imported:
    """What an import made: the new workspace, its rows per table and the people it named."""

    workspace: Workspace
    counts: dict[str, int]
    people: int
    names_removed: bool


def import_archive(raw: bytes, owner: User, match_accounts: bool) -> Imported:
    """A new workspace from the archive, with the owner as a facilitator; nothing on a problem.

    With `match_accounts` (an administrator, or the command line), the archive's people are
    matched to this site's accounts by e-mail. Without it, anyone but the owner comes as an
    account of their own that nobody can sign in to: an archive anyone may write must not make
    an existing account a member of a workspace, or put words in its name.
    """
    members = _unpack(raw)
    manifest = _manifest(members)
    older = manifest["schema_revision"] != services.schema_revision()
    parts = tables.parts(db.metadata)
    files = {part.name: f"{services.TABLES_DIR}{part.name}.json" for part in parts}
    extra = set(members) - {services.MANIFEST, services.PEOPLE} - set(files.values())
    if extra:
        raise ArchiveProblem(_("The archive holds files this version does not know."))
    # A table added since an older archive was made comes in empty.
    present = [part for part in parts if not older or files[part.name] in members]
    data = {part.name: [] for part in parts} | {p.name: _table(members, p, older) for p in present}
    if manifest["counts"] != {part.name: len(data[part.name]) for part in present}:
        raise ArchiveProblem(_("The archive's row counts do not match its data."))
    people = _people(members)
    try:
        accounts = _accounts(people, owner, match_accounts)
        workspace = _write(parts, data, accounts)
        _make_facilitator(workspace, owner)
        db.session.flush()
    except SQLAlchemyError as error:
        raise ArchiveProblem(_("The archive's rows contradict each other.")) from error
    return Imported(workspace, manifest["counts"], len(people), manifest["names_removed"])


def _unpack(raw: bytes) -> dict[str, bytes]:
    """The archive's members, each read no further than the limits allow."""
    if not raw:
        raise ArchiveProblem(_("The file is empty."))
    not_archive = _("The file is not a workspace archive exported from Polku.")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ArchiveProblem(_("The archive holds too many files."))
            members, total = {}, 0
            for info in infos:
                if info.is_dir():
                    continue
                if info.filename in members:
                    raise ArchiveProblem(not_archive)
                with archive.open(info) as member:
                    body = member.read(MAX_MEMBER_BYTES + 1)
                total += len(body)
                if len(body) > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                    raise ArchiveProblem(_("The archive unpacks to more than this site takes."))
                members[info.filename] = body
    except ArchiveProblem:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError) as error:
        raise ArchiveProblem(not_archive) from error
    except (EOFError, OSError, ValueError, zlib.error) as error:
        raise ArchiveProblem(not_archive) from error
    return members


def _json(members: dict[str, bytes], name: str):
    if name not in members:
        raise ArchiveProblem(_("The archive lacks %(file)s.", file=name))
    try:
        return json.loads(members[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise ArchiveProblem(
            _("%(file)s in the archive is not readable JSON.", file=name)
        ) from error


def _manifest(members: dict[str, bytes]) -> dict:
    manifest = _json(members, services.MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != services.FORMAT:
        raise ArchiveProblem(_("The file is not a workspace archive exported from Polku."))
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ArchiveProblem(_("The archive's manifest is broken."))
    if version > services.FORMAT_VERSION:
        raise ArchiveProblem(
            _("The archive was made by a newer version of Polku; update this site first.")
        )
    revision = manifest.get("schema_revision")
    ours = services.schema_revision()
    if revision != ours and not (isinstance(revision, str) and backup.older_than_head(revision)):
        raise ArchiveProblem(
            _(
                "The archive was made at database version %(theirs)s, which this site at "
                "%(ours)s does not know: it comes from a newer Polku. Update this site first.",
                theirs=str(revision)[:40],
                ours=ours,
            )
        )
    counts = manifest.get("counts")
    if not isinstance(counts, dict) or not isinstance(manifest.get("names_removed"), bool):
        raise ArchiveProblem(_("The archive's manifest is broken."))
    return manifest


def _table(members: dict[str, bytes], part: tables.Part, older: bool) -> list[dict]:
    """The table's rows as dicts by column name, each value checked against its column."""
    name = f"{services.TABLES_DIR}{part.name}.json"
    body = _json(members, name)
    expected = [c.name for c in part.table.columns if not tables.is_left_out(c)]
    given = body.get("columns") if isinstance(body, dict) else None
    if given != expected and not (older and _fillable(part, given, expected)):
        raise ArchiveProblem(_("The columns of %(file)s do not match this site.", file=name))
    rows = body.get("rows")
    if not isinstance(rows, list) or not all(
        isinstance(row, list) and len(row) == len(given) for row in rows
    ):
        raise ArchiveProblem(_("The rows of %(file)s are broken.", file=name))
    columns = [part.table.c[c] for c in given]
    return [
        {c.name: _value(part.name, c, value) for c, value in zip(columns, row, strict=True)}
        for row in rows
    ]


def _fillable(part: tables.Part, given, expected: list[str]) -> bool:
    """True when an older archive's columns are some of this site's, and each it lacks can be
    filled by its default; ArchiveProblem naming a lacking column that cannot."""
    if not isinstance(given, list) or not all(isinstance(name, str) for name in given):
        return False
    if len(set(given)) != len(given) or not set(given) < set(expected):
        return False
    for name in expected:
        column = part.table.c[name]
        filled = column.nullable or column.default is not None or column.server_default is not None
        if name not in given and not filled:
            raise ArchiveProblem(
                _(
                    "The archive was made by an older Polku without %(column)s, which this "
                    "site needs. Update the site it came from and export it again.",
                    column=f"{part.name}.{name}",
                )
            )
    return True


def _value(table: str, column: Column, value):
    """The value converted for its column, or ArchiveProblem naming the column."""

    def wrong():
        return ArchiveProblem(
            _("A value in %(column)s does not fit the column.", column=f"{table}.{column.name}")
        )

    if value is None:
        if not column.nullable:
            raise wrong()
        return None
    kind = column.type
    if column.foreign_keys or (column.name == "id" and tables.is_own_id(column.table)):
        kind = Integer()
    if getattr(kind, "enums", None) is not None and getattr(kind, "enum_class", None):
        if value not in kind.enums:
            raise wrong()
        return value
    if isinstance(kind, Boolean):
        if not isinstance(value, bool):
            raise wrong()
        return value
    if isinstance(kind, Integer):
        low, high = SMALL_RANGE if isinstance(kind, SmallInteger) else INT_RANGE
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise wrong()
        return value
    if isinstance(kind, Float):
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise wrong()
        return value
    if isinstance(kind, UTCDateTime):
        return _datetime(value, wrong)
    if isinstance(kind, Date):
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise wrong() from None
    if isinstance(kind, String | Text):
        limit = getattr(kind, "length", None) or MAX_TEXT
        if not isinstance(value, str) or len(value) > limit or not _storable(value):
            raise wrong()
        return value
    if isinstance(kind, JSON):
        if not _storable_json(value):
            raise wrong()
        return value
    raise wrong()


def _datetime(value, wrong):
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise wrong() from None
    if parsed.tzinfo is None:
        raise wrong()
    return parsed


def _storable(text: str) -> bool:
    """False for NUL characters and lone surrogates, which no database column keeps."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _storable_json(value) -> bool:
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, list):
        return all(_storable_json(item) for item in value)
    if isinstance(value, dict):
        return all(_storable(k) and _storable_json(v) for k, v in value.items())
    return value is None or isinstance(value, bool | int | float)


@dataclass
class _Person:
    key: int
    name: str
    email: str


def _people(members: dict[str, bytes]) -> list[_Person]:
    entries = _json(members, services.PEOPLE)
    broken = ArchiveProblem(_("The list of people in the archive is broken."))
    if not isinstance(entries, list):
        raise broken
    people, keys = [], set()
    for entry in entries:
        if not isinstance(entry, dict) or set(entry) != {"key", "name", "email"}:
            raise broken
        key, name, email = entry["key"], entry["name"], entry["email"]
        if not isinstance(key, int) or isinstance(key, bool) or key in keys:
            raise broken
        if not isinstance(name, str) or not isinstance(email, str):
            raise broken
        if len(name) > NAME_MAX or len(email) > EMAIL_MAX or not _storable(name + email):
            raise broken
        if email and "@" not in email:
            raise broken
        keys.add(key)
        people.append(_Person(key, name.strip(), email.strip().lower()))
    return people


def _accounts(people: list[_Person], owner: User, match_accounts: bool) -> dict[int, int]:
    """Each person's account id: the account with their e-mail, or a new one nobody can sign in
    to with a password until a reset link or the institution's sign-in lets them."""
    found = {}
    for person in people:
        user = None
        if person.email == owner.email:
            user = owner
        elif person.email and match_accounts:
            user = db.session.scalar(select(User).where(User.email == person.email))
        if user is None:
            carried = person.email if match_accounts else ""
            email = carried or f"person-{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"
            user = User(
                email=email,
                name=person.name or email,
                password_hash=accounts.hash_password(secrets.token_urlsafe(32)),
            )
            db.session.add(user)
            db.session.flush()
        found[person.key] = user.id
    return found


def _write(parts: list[tables.Part], data: dict[str, list[dict]], accounts) -> Workspace:
    """Insert every row with new ids, foreign keys following; returns the new workspace."""
    if len(data[tables.WORKSPACE]) != 1:
        raise ArchiveProblem(_("The archive does not hold exactly one workspace."))
    new_ids: dict[str, dict[int, int]] = {}
    for part in parts:
        table = part.table
        mapping = new_ids.setdefault(part.name, {})
        later = []
        for row in data[part.name]:
            values = dict(row)
            for column in table.columns:
                if tables.is_left_out(column):
                    values[column.name] = _fresh(column)
                    continue
                if column.name not in values:
                    continue  # an older archive's lacking column: its default fills it
                target = tables.reference(column)
                value = values[column.name]
                if target is None or value is None:
                    continue
                if target.name == part.name:
                    later.append((row["id"], column.name, value))
                    values[column.name] = None
                elif target.name == tables.USER:
                    values[column.name] = _mapped(accounts, value, part.name, column)
                else:
                    values[column.name] = _mapped(
                        new_ids.get(target.name, {}), value, part.name, column
                    )
            if part.has_id:
                old = values.pop("id")
                if old in mapping:
                    raise ArchiveProblem(_("The archive's rows contradict each other."))
                result = db.session.execute(table.insert().values(**values))
                mapping[old] = result.inserted_primary_key[0]
            else:
                db.session.execute(table.insert().values(**values))
        for old, name, value in later:
            target_id = _mapped(mapping, value, part.name, table.c[name])
            db.session.execute(
                table.update().where(table.c.id == mapping[old]).values({name: target_id})
            )
    return db.session.get(Workspace, new_ids[tables.WORKSPACE][data[tables.WORKSPACE][0]["id"]])


def _mapped(mapping: dict[int, int], value: int, table: str, column: Column) -> int:
    if value not in mapping:
        raise _missing(table, column.name)
    return mapping[value]


def _missing(table: str, column: str) -> ArchiveProblem:
    return ArchiveProblem(
        _(
            "A row refers to something the archive does not hold (%(column)s).",
            column=f"{table}.{column}",
        )
    )


def _fresh(column: Column):
    """A new value for a column the archive leaves out: unguessable, unique, or empty."""
    if column.name.endswith(tables.SECRET_SUFFIX):
        # A hash of a token nobody was given: the old links stay closed.
        return hashlib.sha256(secrets.token_bytes(32)).hexdigest()
    if column.name == "join_code":
        return _join_code(column)
    return None


def _join_code(column: Column) -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        taken = db.session.scalar(select(column).where(column == code))
        if taken is None:
            return code


def _make_facilitator(workspace: Workspace, owner: User) -> None:
    membership = db.session.scalar(
        select(Membership).where(
            Membership.workspace_id == workspace.id, Membership.user_id == owner.id
        )
    )
    if membership is None:
        db.session.add(
            Membership(workspace_id=workspace.id, user_id=owner.id, role=Role.FACILITATOR)
        )
    else:
        membership.role = Role.FACILITATOR
