"""Names in people's own words: the columns marked FREE_TEXT searched for what an administrator
typed, and the texts they pick rewritten with the person's name replaced.

A name typed into a description or a quote is no record of the person, so it is not found by
the name search and not erased with them; the administrator sees each text it stands in, picks
the ones that mean this person, and sees each text as it will read before anything changes.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import func, literal, select

from workshop.audit.tracking import workspace_join
from workshop.extensions import db
from workshop.ids import parse_id
from workshop.personal_data import Marked, free_text_columns, replace_words

PER_COLUMN = 50
MENTIONS_MAX = 200
# Characters shown either side of the match.
AROUND = 60
# Parts of a name this long or longer are replaced alone too ("Eeva" of "Eeva Esimerkki").
NAME_PART_MIN = 3


class NotFound(Exception):
    """A picked text does not exist, or its key names no column of people's words."""


@dataclass(frozen=True)
class Mention:
    """One text that contains what was searched for."""

    table: str
    column: str
    id: int
    text: str
    workspace: str | None

    @property
    def key(self) -> str:
        return f"{self.table}.{self.column}:{self.id}"

    def around(self, wanted: str) -> tuple[str, str, str]:
        """The text near the first match as (before, match, after), shortened with "…"."""
        start = self.text.lower().find(wanted.strip().lower())
        if start < 0:
            return self.text[: 2 * AROUND], "", "…" if len(self.text) > 2 * AROUND else ""
        end = start + len(wanted.strip())
        before = self.text[max(0, start - AROUND) : start]
        after = self.text[end : end + AROUND]
        return (
            ("…" if start > AROUND else "") + before,
            self.text[start:end],
            after + ("…" if end + AROUND < len(self.text) else ""),
        )


def _marked() -> dict[tuple[str, str], Marked]:
    return {(m.table.name, m.column.name): m for m in free_text_columns(db.metadata)}


def _query(marked: Marked):
    """The marked column's rows as (id, text, name of their workspace or None)."""
    table, workspace = marked.table, db.metadata.tables["workspace"]
    if table is workspace:
        return select(table.c.id, marked.column, table.c.name)
    found = workspace_join(table.name)
    if found is None:
        return select(table.c.id, marked.column, literal(None))
    joined, workspace_id = found
    joined = joined.outerjoin(workspace, workspace_id == workspace.c.id)
    return select(table.c.id, marked.column, workspace.c.name).select_from(joined)


def search(text: str) -> list[Mention]:
    """The texts of people's words that contain the text, ignoring case: at most MENTIONS_MAX
    and one more, which tells there are more than are shown."""
    wanted = text.strip().lower()
    found = []
    for marked in _marked().values():
        if len(found) > MENTIONS_MAX:
            break
        query = (
            _query(marked)
            .where(func.lower(marked.column).contains(wanted, autoescape=True))
            .order_by(marked.table.c.id)
            .limit(PER_COLUMN)
        )
        found += [
            Mention(marked.table.name, marked.column.name, row_id, value, workspace)
            for row_id, value, workspace in db.session.execute(query)
        ]
    return found[: MENTIONS_MAX + 1]


def load(keys: list[str]) -> list[Mention]:
    """The texts the keys name ("step.description:12"); NotFound if any is malformed or gone."""
    if len(keys) > MENTIONS_MAX:
        raise NotFound
    marked, picked = _marked(), {}
    for key in keys:
        where, _, number = (key or "").partition(":")
        table, _, column = where.partition(".")
        found, row_id = marked.get((table, column)), parse_id(number)
        if found is None or row_id is None:
            raise NotFound
        row = db.session.execute(_query(found).where(found.table.c.id == row_id)).first()
        if row is None:
            raise NotFound
        picked[key] = Mention(table, column, row_id, row[1] or "", row[2])
    return list(picked.values())


def words(names: Iterable[str], searched: str | None) -> set[str]:
    """What to replace: the names, their longer parts and those parts' Finnish stems, and the
    text searched for. Each is replaced with the rest of the word it starts."""
    found = {n.strip() for n in (*names, searched or "") if n and n.strip()}
    parts = {part for name in found for part in name.split() if len(part) >= NAME_PART_MIN}
    return found | parts | {stem for part in parts for stem in _stems(part)}


def _stems(part: str) -> list[str]:
    """Where a Finnish name changes as it inflects: Lehtonen → Lehtosen, Esimerkki → Esimerkin."""
    stems = []
    if part.lower().endswith("nen") and len(part) > 5:
        stems.append(part[:-3] + "s")
    doubled = re.search(r"(kk|pp|tt)([aeiouyäö])$", part, flags=re.IGNORECASE)
    if doubled:
        stems.append(part[: doubled.start() + 1] + doubled.group(2))
    return stems


def rewritten(mention: Mention, names: set[str], replacement: str) -> str:
    """The text as it will read, cut to what its column holds."""
    text = replace_words(mention.text, names, replacement)
    length = _marked()[(mention.table, mention.column)].column.type.length
    return text[:length] if length else text


def preview(mention: Mention, names: set[str], replacement: str) -> Mention:
    """The mention with its text as erasure will leave it."""
    return replace(mention, text=rewritten(mention, names, replacement))


def rewrite(mentions: list[Mention], names: set[str], replacement: str) -> dict[str, list[int]]:
    """Replace the names in the picked texts, through the models so the audit log sees each
    change; the ids changed, by table."""
    models = {m.local_table.name: m for m in db.Model.registry.mappers}
    marked = _marked()
    changed: dict[str, list[int]] = {}
    for mention in mentions:
        mapper = models[mention.table]
        row = db.session.get(mapper.class_, mention.id)
        column = marked[(mention.table, mention.column)].column
        attribute = mapper.get_property_by_column(column).key
        after = rewritten(mention, names, replacement)
        if row is not None and after != (getattr(row, attribute) or ""):
            setattr(row, attribute, after)
            changed.setdefault(mention.table, []).append(mention.id)
    db.session.flush()
    return changed
