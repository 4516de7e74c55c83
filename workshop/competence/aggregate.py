"""A round's answers summed by the database and cut so no small group can be seen.

This is the one place that decides what of a round may be shown. Every output (page,
fragment, JSON, CSV, PDF, share link, the step view beside critical points) reads the
`RoundReport` built here, and a hidden cell is a `Hidden` that carries no numbers at all, so
no later layer can leak what it was never given.

The rules (domain brief §5): a group under k respondents shows nothing, not even its count;
groups under k are pooled into "Other", and when that pool would itself be under k (or when
one group alone is small, so the total minus the shown groups would give it away) the next
smallest groups join it until it reaches k. The pool is decided once per round and breakdown,
so every item and level is cut the same way and no two tables can be subtracted from each
other. Everyone answers every item (NA exists for that), so group sizes are the same across
items; a cell that still falls under k hides its whole breakdown for that row.

Nothing is shown while a round is open: watching a total grow from one day to the next
would give away each new answer, k or not.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from workshop.competence.bank import LEVELS
from workshop.competence.models import Answer, AnswerKind, Response, Round, RoundItem
from workshop.extensions import db

OTHER = "other"
ALL = "ALL"
SCALE = (1, 2, 3, 4, 5)


@dataclass(frozen=True)
class Figures:
    """What a group of at least k respondents said about an item or a level."""

    n: int
    counts: tuple[int, ...]  # how many answered 1, 2, 3, 4, 5
    na: int
    dk: int
    coaching: int

    @property
    def answered(self) -> int:
        """Answers on the scale (NA and "can't say" left out)."""
        return sum(self.counts)

    @property
    def total(self) -> int:
        """Every answer, NA and "can't say" included (n × items for a level)."""
        return self.answered + self.na + self.dk

    @property
    def mean(self) -> float | None:
        """The mean on the 1–5 scale, without NA and "can't say"."""
        if not self.answered:
            return None
        return sum(v * c for v, c in zip(SCALE, self.counts, strict=True)) / self.answered

    @property
    def median(self) -> float | None:
        """The median on the 1–5 scale, without NA and "can't say"."""
        if not self.answered:
            return None
        values = [v for v, c in zip(SCALE, self.counts, strict=True) for _ in range(c)]
        return float(statistics.median(values))

    def share(self, count: int) -> float:
        """A count as a share of every answer."""
        return count / self.total if self.total else 0.0

    @property
    def coaching_share(self) -> float:
        """The share of answers that asked for coaching."""
        return self.share(self.coaching)


@dataclass(frozen=True)
class Hidden:
    """A cell that may not be shown: under k (`small`), counted in "Other" (`pooled`), or of a
    round still open (`open`)."""

    reason: str


Cell = Figures | Hidden


@dataclass(frozen=True)
class Row:
    """One item or level: the whole round, by role and by unit, and who it is flagged for."""

    key: str
    total: Cell
    by_role: dict[str, Cell]
    by_unit: dict[str, Cell]
    flagged_for: tuple[str, ...]  # role ids, OTHER, or ALL for the whole round


@dataclass(frozen=True)
class Breakdown:
    """The groups of one breakdown in order, "Other" last when some were pooled into it."""

    groups: tuple[str, ...]
    pooled: frozenset[str]

    @property
    def columns(self) -> tuple[str, ...]:
        """The groups as a table shows them."""
        return self.groups + ((OTHER,) if self.pooled else ())


@dataclass(frozen=True)
class RoundReport:
    """Everything of a round that may be shown, and nothing that may not."""

    round_id: int
    k: int
    closed: bool
    respondents: int | None  # None when under k or while the round is open
    roles: Breakdown
    units: Breakdown
    unit_names: dict[str, str]
    levels: tuple[Row, ...]
    items: tuple[Row, ...]
    free_text: tuple[str, ...] | None

    @property
    def shown(self) -> bool:
        """False when the whole round is under k and nothing at all can be shown."""
        return self.respondents is not None

    def item(self, item_id: str) -> Row | None:
        """The row of one item, or None."""
        return next((row for row in self.items if row.key == item_id), None)


@dataclass(frozen=True)
class Thresholds:
    """When an item is flagged for coaching: median at most this, or this share asking."""

    median_max: float
    coaching_share: float


class _Tally:
    """Raw sums of one group, before the rules decide what of them may be shown."""

    __slots__ = ("counts", "na", "dk", "coaching", "n")

    def __init__(self):
        self.counts, self.na, self.dk, self.coaching, self.n = [0] * 5, 0, 0, 0, 0

    def add(self, kind: str, value: int | None, count: int, coaching: int) -> None:
        if kind == AnswerKind.SCALE.value and value in SCALE:
            self.counts[value - 1] += count
        elif kind == AnswerKind.NA.value:
            self.na += count
        elif kind == AnswerKind.DK.value:
            self.dk += count
        self.coaching += coaching

    def merge(self, other: "_Tally") -> None:
        for i in range(5):
            self.counts[i] += other.counts[i]
        self.na += other.na
        self.dk += other.dk
        self.coaching += other.coaching
        self.n += other.n

    @property
    def total(self) -> int:
        return sum(self.counts) + self.na + self.dk

    def figures(self, n: int) -> Figures:
        return Figures(n, tuple(self.counts), self.na, self.dk, self.coaching)


def _pool(sizes: dict[str, int], k: int) -> frozenset[str]:
    """The groups pooled into "Other": those under k, then the smallest others until ≥ k."""
    small = {group for group, n in sizes.items() if 0 < n < k}
    if not small:
        return frozenset()
    pooled = set(small)
    # Smallest first; ties by key, so the same answers always cut the same way.
    rest = sorted((n, group) for group, n in sizes.items() if n >= k)
    while sum(sizes[g] for g in pooled) < k and rest:
        pooled.add(rest.pop(0)[1])
    return frozenset(pooled)


NONE = "none"


def _group(key) -> str:
    """A role or unit id as a breakdown's key; a respondent without one is their own group."""
    return NONE if key is None else str(key)


def _respondents(round_: Round, column) -> dict[str, int]:
    """Submitted respondents by role or by unit, counted by the database."""
    rows = db.session.execute(
        select(column, func.count(Response.id))
        .where(Response.round_id == round_.id, Response.submitted_at.is_not(None))
        .group_by(column)
    )
    return {_group(key): count for key, count in rows}


def _tallies(round_: Round, column) -> dict[tuple[str, str], _Tally]:
    """Answers summed by the database per (group, item) and value; group "" is everyone."""
    coaching = func.sum(case((Answer.coaching.is_(True), 1), else_=0))
    rows = db.session.execute(
        select(RoundItem.item_id, column, Answer.kind, Answer.value, func.count(), coaching)
        .join(Answer.item)
        .join(Answer.response)
        .where(Response.round_id == round_.id, Response.submitted_at.is_not(None))
        .group_by(RoundItem.item_id, column, Answer.kind, Answer.value)
    )
    tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
    for item_id, group, kind, value, count, wanted in rows:
        kind = kind.value if isinstance(kind, AnswerKind) else kind
        tallies[("", item_id)].add(kind, value, count, int(wanted or 0))
        tallies[(_group(group), item_id)].add(kind, value, count, int(wanted or 0))
    return tallies


def _breakdown(declared: list[str], sizes: dict[str, int], k: int) -> Breakdown:
    """The groups a round declared, plus any its answers hold beyond them (a role taken off
    the round, a unit removed), so that everyone counted in the total is in some group."""
    groups = tuple(declared) + tuple(sorted(g for g in sizes if g not in declared))
    if not declared and set(groups) <= {NONE}:
        # A round without units has no unit breakdown at all.
        return Breakdown((), frozenset())
    return Breakdown(groups, _pool({g: sizes.get(g, 0) for g in groups}, k))


def _cells(
    tallies: dict[tuple[str, str], _Tally],
    row_items: list[str],
    breakdown: Breakdown,
    sizes: dict[str, int],
    k: int,
) -> dict[str, Cell]:
    """One row's cells of a breakdown: shown groups, pooled ones hidden, "Other" summed."""
    cells: dict[str, Cell] = {}
    other = _Tally()
    for group in breakdown.groups:
        tally = _Tally()
        for item_id in row_items:
            if (group, item_id) in tallies:
                tally.merge(tallies[(group, item_id)])
        n = sizes.get(group, 0)
        if group in breakdown.pooled:
            other.merge(tally)
            other.n += n
            cells[group] = Hidden("pooled")
        elif n < k or tally.total < k:
            cells[group] = Hidden("small")
        else:
            cells[group] = tally.figures(n)
    if breakdown.pooled:
        cells[OTHER] = other.figures(other.n) if other.n >= k else Hidden("small")
    # A shown group whose cell still fell under k would let the total give it away.
    leaked = any(
        isinstance(cells[g], Hidden) and cells[g].reason == "small" and sizes.get(g, 0) > 0
        for g in breakdown.groups
        if g not in breakdown.pooled
    )
    if leaked or (OTHER in cells and isinstance(cells[OTHER], Hidden)):
        cells = {group: Hidden("small") for group in cells}
    return cells


def _flags(
    total: Cell, by_role: dict[str, Cell], thresholds: Thresholds, concerned: set[str]
) -> tuple[str, ...]:
    """The role groups (and ALL) this row is flagged for, among the cells that are shown.

    A role is flagged only on items that are part of its work: a counsellor's low answers on
    a manager's item say nothing about the counsellor's coaching needs. "Other" mixes roles
    and is flagged as any group is.
    """
    flagged = []
    for group, cell in [(ALL, total), *by_role.items()]:
        if not isinstance(cell, Figures) or group not in concerned | {ALL, OTHER}:
            continue
        median = cell.median
        if (median is not None and median <= thresholds.median_max) or (
            cell.coaching_share >= thresholds.coaching_share
        ):
            flagged.append(group)
    return tuple(flagged)


def build_report(round_: Round, thresholds: Thresholds, today: date) -> RoundReport:
    """The round's report under its anonymity threshold; empty until the round has closed."""
    k = round_.k
    if not round_.is_closed(today):
        return _unopened(round_)
    role_sizes = _respondents(round_, Response.role)
    unit_sizes = _respondents(round_, Response.unit_id)
    everyone = sum(role_sizes.values())
    roles = _breakdown(list(round_.roles), role_sizes, k)
    units = _breakdown([str(unit.id) for unit in round_.units], unit_sizes, k)
    by_role = _tallies(round_, Response.role)
    by_unit = _tallies(round_, Response.unit_id)

    def row(key: str, items: list[RoundItem]) -> Row:
        item_ids = [item.item_id for item in items]
        concerned = {role for item in items for role in item.roles}
        total_tally = _Tally()
        for item_id in item_ids:
            if ("", item_id) in by_role:
                total_tally.merge(by_role[("", item_id)])
        shown = everyone >= k and total_tally.total >= k
        total = total_tally.figures(everyone) if shown else Hidden("small")
        role_cells = _cells(by_role, item_ids, roles, role_sizes, k) if shown else {}
        unit_cells = _cells(by_unit, item_ids, units, unit_sizes, k) if shown else {}
        role_cells = role_cells or {g: Hidden("small") for g in roles.columns}
        unit_cells = unit_cells or {g: Hidden("small") for g in units.columns}
        flags = _flags(total, role_cells, thresholds, concerned)
        return Row(key, total, role_cells, unit_cells, flags)

    items = tuple(row(item.item_id, [item]) for item in round_.items)
    levels = tuple(
        row(level, [item for item in round_.items if item.level == level])
        for level in LEVELS
        if any(item.level == level for item in round_.items)
    )
    return RoundReport(
        round_id=round_.id,
        k=k,
        closed=True,
        respondents=everyone if everyone >= k else None,
        roles=roles,
        units=units,
        unit_names={str(unit.id): unit.name for unit in round_.units},
        levels=levels,
        items=items,
        free_text=_free_text(round_) if everyone >= k and round_.free_text else None,
    )


def _unopened(round_: Round) -> RoundReport:
    """The report of a round still open: its shape, without a single figure."""
    roles = Breakdown(tuple(round_.roles), frozenset())
    units = Breakdown(tuple(str(unit.id) for unit in round_.units), frozenset())

    def row(key: str) -> Row:
        hidden = Hidden("open")
        return Row(
            key,
            hidden,
            dict.fromkeys(roles.columns, hidden),
            dict.fromkeys(units.columns, hidden),
            (),
        )

    levels = sorted({item.level for item in round_.items})
    return RoundReport(
        round_id=round_.id,
        k=round_.k,
        closed=False,
        respondents=None,
        roles=roles,
        units=units,
        unit_names={str(unit.id): unit.name for unit in round_.units},
        levels=tuple(row(level) for level in levels),
        items=tuple(row(item.item_id) for item in round_.items),
        free_text=None,
    )


def _free_text(round_: Round) -> tuple[str, ...]:
    """The round's free answers, institution-wide only, in an order that says nothing of who."""
    texts = db.session.scalars(
        select(Response.free_text).where(
            Response.round_id == round_.id,
            Response.submitted_at.is_not(None),
            Response.free_text != "",
        )
    )
    return tuple(sorted(texts, key=str.casefold))
