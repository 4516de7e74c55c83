"""Reading the competence survey's item bank (journeys/competence/*.toml) into frozen objects.

The bank is versioned: a round keeps the version it was opened with, and an item's id never
changes meaning (new wording is a new id), so rounds compare item by item on the same id.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from workshop.data_files import Invalid, Text, array, choice, string, table, text

SCHEMA_VERSION = 1
LEVELS = ("A", "B", "C")
ROLES = ("OFF", "SC", "TCH", "WBL", "MGT")
ALL_ROLES = "ALL"
SCALE = (1, 2, 3, 4, 5)
ITEM_TEXT_MAX = 300
NAME_MAX = 120
ABOUT_MAX = 400
_ITEM_ID = re.compile(r"^[A-Z][A-Z0-9]{1,15}$")
_STEP_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}\.[a-z][a-z0-9_]{0,59}$")
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,19}$")


@dataclass(frozen=True)
class Level:
    """One of the three competence levels."""

    id: str
    name: Text
    about: Text


@dataclass(frozen=True)
class StaffRole:
    """A staff role a respondent picks, and the levels it is expected to master."""

    id: str
    name: Text
    expected: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One statement staff assess themselves on, with what it is about on the journeys."""

    id: str
    level: str
    roles: tuple[str, ...]
    text: Text
    steps: tuple[str, ...]
    categories: tuple[str, ...]

    def concerns(self, role: str) -> bool:
        """True if the item is part of this role's work (others may still answer it)."""
        return role in self.roles


@dataclass(frozen=True)
class Bank:
    """One version of the item bank."""

    version: str
    title: Text
    levels: tuple[Level, ...]
    roles: tuple[StaffRole, ...]
    scale: dict[str, Text]
    items: tuple[Item, ...]

    def item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        return next((item for item in self.items if item.id == item_id), None)


class BankError(Exception):
    """A bank file that cannot be used; the message names the file, the item and the field."""


def _ids(data, field: str, allowed: tuple[str, ...] | None, pattern=None) -> tuple[str, ...]:
    values = data if isinstance(data, list) else None
    if values is None or not all(isinstance(value, str) for value in values):
        raise Invalid(field, "must be an array of strings")
    for index, value in enumerate(values):
        if allowed is not None and value not in allowed:
            raise Invalid(f"{field}[{index}]", f"must be one of: {', '.join(allowed)}")
        if pattern is not None and not pattern.match(value):
            raise Invalid(f"{field}[{index}]", "is not a valid key")
    if len(set(values)) != len(values):
        raise Invalid(field, "lists a value twice")
    return tuple(values)


def _item(data, index: int, seen: set[str]) -> Item:
    field = f"items[{index}]"
    keys = {"id", "level", "roles", "text", "steps", "categories"}
    item = table(data, field, keys, keys - {"steps", "categories"})
    item_id = item["id"]
    if not isinstance(item_id, str) or not _ITEM_ID.match(item_id):
        raise Invalid(f"{field}.id", "is not a valid item id (A01, B07…)")
    if item_id in seen:
        raise Invalid(f"{field}.id", f"duplicate item id {item_id!r}")
    seen.add(item_id)
    # From here on the item's own id names it, which an author finds faster than an index.
    field = f"item {item_id}"
    roles = _ids(item["roles"], f"{field}.roles", (ALL_ROLES, *ROLES))
    if not roles:
        raise Invalid(f"{field}.roles", "must name at least one role")
    return Item(
        id=item_id,
        level=choice(item["level"], f"{field}.level", LEVELS),
        roles=ROLES if ALL_ROLES in roles else roles,
        text=text(item["text"], f"{field}.text", ITEM_TEXT_MAX),
        steps=_ids(item.get("steps", []), f"{field}.steps", None, _STEP_KEY),
        categories=_ids(item.get("categories", []), f"{field}.categories", None, _CATEGORY),
    )


def _parse(data: dict) -> Bank:
    keys = {"schema", "version", "title", "levels", "roles", "scale", "items"}
    top = table(data, "", keys, keys)
    if top["schema"] != SCHEMA_VERSION:
        raise Invalid("schema", f"must be {SCHEMA_VERSION}")
    version = string(top["version"], "version", 20)
    if not _VERSION.match(version):
        raise Invalid("version", "is not a valid version name")
    levels = tuple(
        Level(
            choice(level.get("id"), f"levels[{i}].id", LEVELS),
            text(level.get("name"), f"levels[{i}].name", NAME_MAX),
            text(level.get("about"), f"levels[{i}].about", ABOUT_MAX),
        )
        for i, level in enumerate(array(top["levels"], "levels"))
        if table(level, f"levels[{i}]", {"id", "name", "about"}, {"id", "name", "about"})
    )
    if tuple(level.id for level in levels) != LEVELS:
        raise Invalid("levels", f"must be {', '.join(LEVELS)} in this order")
    roles = tuple(
        StaffRole(
            choice(role.get("id"), f"roles[{i}].id", ROLES),
            text(role.get("name"), f"roles[{i}].name", NAME_MAX),
            _ids(role.get("expected"), f"roles[{i}].expected", LEVELS),
        )
        for i, role in enumerate(array(top["roles"], "roles"))
        if table(role, f"roles[{i}]", {"id", "name", "expected"}, {"id", "name", "expected"})
    )
    if sorted(role.id for role in roles) != sorted(ROLES):
        raise Invalid("roles", f"must list each of {', '.join(ROLES)} once")
    scale_keys = {str(value) for value in SCALE} | {"na", "dk"}
    scale_table = table(top["scale"], "scale", scale_keys, scale_keys)
    scale = {key: text(scale_table[key], f"scale.{key}", NAME_MAX) for key in sorted(scale_keys)}
    seen: set[str] = set()
    items = tuple(_item(item, i, seen) for i, item in enumerate(array(top["items"], "items")))
    return Bank(version, text(top["title"], "title", NAME_MAX), levels, roles, scale, items)


def load_bank(path: Path) -> Bank:
    """Read and validate one bank file; raises BankError naming the item and field."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
        return _parse(data)
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"{path.name}: (syntax): {error}") from error
    except OSError as error:
        raise BankError(f"{path.name}: (file): {error.strerror or error}") from error
    except Invalid as invalid:
        raise BankError(f"{path.name}: {invalid.field}: {invalid.message}") from None


_cache: dict[tuple, dict[str, Bank]] = {}


def load_banks(directory: str | Path) -> dict[str, Bank]:
    """Every bank version in the directory by version, re-read only when a file changes.

    Unlike journey templates a broken bank file stops the app: rounds depend on every
    version they were opened with, and a silently missing one would empty their reports.
    """
    paths = sorted(Path(directory).glob("*.toml"))
    key = (str(directory), tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in paths))
    if key not in _cache:
        banks: dict[str, Bank] = {}
        for path in paths:
            bank = load_bank(path)
            if bank.version in banks:
                raise BankError(f"{path.name}: version: {bank.version!r} is in two files")
            banks[bank.version] = bank
        _cache.clear()
        _cache[key] = banks
    return _cache[key]


def unknown_references(bank: Bank, step_keys: set[str], categories: set[str]) -> list[str]:
    """Steps and categories the bank's items name that the journey templates and the
    critical-point categories do not have: such an item would never show beside a step."""
    problems = []
    for item in bank.items:
        problems += [
            f"item {item.id}.steps: unknown step {key!r}"
            for key in item.steps
            if key not in step_keys
        ]
        problems += [
            f"item {item.id}.categories: unknown category {key!r}"
            for key in item.categories
            if key not in categories
        ]
    return problems
