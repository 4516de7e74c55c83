"""Which tables and rows make up a workspace, found by walking the foreign keys from `workspace`.

A table belongs to a workspace when one of its foreign keys that deletes with its parent
(ON DELETE CASCADE) points at a table that belongs; its rows belong when such a key points at
a row that belongs. So a table added next year is carried the day it hangs off the workspace,
and a loose reference (ON DELETE SET NULL) never pulls in another workspace's rows.
"""

from dataclasses import dataclass

from sqlalchemy import Column, MetaData, Table

WORKSPACE = "workspace"
USER = "user"
# Reached from the workspace but deliberately left out: an invitation is only a secret link,
# useless without the token that only its recipient ever had.
LEFT_OUT_TABLES = ("invitation",)
# Columns left out of every row. Hashes of link tokens are secrets (an imported workspace's
# old links must not open it); submission keys and join codes are unique across the whole
# database, so the importing side makes new ones.
SECRET_SUFFIX = "_hash"
REGENERATED = ("join_code",)
DROPPED = ("submission_key",)


@dataclass(frozen=True)
class Part:
    """One table of a workspace and the keys that make its rows belong."""

    table: Table
    owners: tuple[Column, ...]

    @property
    def name(self) -> str:
        return self.table.name

    @property
    def has_id(self) -> bool:
        return is_own_id(self.table)


def is_own_id(table: Table) -> bool:
    """True if rows are named by an `id` of their own (renumbered in an archive)."""
    keys = list(table.primary_key.columns)
    return len(keys) == 1 and keys[0].name == "id" and not keys[0].foreign_keys


def is_left_out(column: Column) -> bool:
    """True for a column whose value never travels in an archive."""
    return (
        column.name.endswith(SECRET_SUFFIX) or column.name in REGENERATED or column.name in DROPPED
    )


def parts(metadata: MetaData) -> list[Part]:
    """The workspace's tables, parents before children, starting with `workspace` itself."""
    found: list[Part] = []
    names = {WORKSPACE}
    for table in metadata.sorted_tables:
        if table.name == WORKSPACE:
            found.append(Part(table, ()))
            continue
        if table.name in LEFT_OUT_TABLES:
            continue
        owners = tuple(
            column
            for column in table.columns
            for key in column.foreign_keys
            if key.column.table.name in names and (key.ondelete or "").upper() == "CASCADE"
        )
        if owners:
            found.append(Part(table, owners))
            names.add(table.name)
    return found


def reference(column: Column) -> Table | None:
    """The table a foreign key column points at, or None for a plain column."""
    for key in column.foreign_keys:
        return key.column.table
    return None
