"""The one order of critical points: the board, the list, the projector, every export and the
PDF rank with it, so they agree on what the room said and how strongly.

A point's support is its members' votes on the board plus the guests' dots in live sessions
(admitted guests not removed by the facilitator). The ranking, most important first:

1. the most support;
2. then the most severe;
3. then the most reports (more people said it);
4. then the oldest point (the lowest id), so equal points never swap places between screens.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from flask import current_app
from sqlalchemy import func, select

from workshop.critical_points.models import CriticalPoint, Vote
from workshop.extensions import db

DotCounter = Callable[[Sequence[int]], Mapping[int, int]]
DotMover = Callable[[int, int], None]
_DOT_COUNTER = "polku.dot_counts"
_DOT_MOVER = "polku.move_dots"


def init_app(app, dot_counts: DotCounter, move_dots: DotMover | None = None) -> None:
    """Take the live domain's dot counter (and mover): live sits above critical points, so it
    hands them down rather than being imported from here."""
    app.extensions[_DOT_COUNTER] = dot_counts
    app.extensions[_DOT_MOVER] = move_dots


def move_dots(from_point_id: int, to_point_id: int) -> None:
    """Put one point's live dots on another (a merge), so the room's support stays."""
    mover = current_app.extensions.get(_DOT_MOVER)
    if mover is not None:
        mover(from_point_id, to_point_id)


@dataclass(frozen=True)
class Tally:
    """How strongly the room backs one point."""

    votes: int = 0
    dots: int = 0

    @property
    def support(self) -> int:
        return self.votes + self.dots


def tallies(point_ids: Iterable[int]) -> dict[int, Tally]:
    """Votes and dots per point, for every id asked about (zeros included)."""
    ids = sorted(set(point_ids))
    if not ids:
        return {}
    votes = dict(
        db.session.execute(
            select(Vote.point_id, func.count(Vote.id))
            .where(Vote.point_id.in_(ids))
            .group_by(Vote.point_id)
        ).all()
    )
    counter = current_app.extensions.get(_DOT_COUNTER)
    dots = counter(ids) if counter is not None else {}
    return {i: Tally(votes.get(i, 0), dots.get(i, 0)) for i in ids}


class Rankable(Protocol):
    """What ranking needs to know of a point, whatever shape carries it."""

    @property
    def id(self) -> int: ...

    @property
    def severity(self) -> int: ...

    @property
    def support(self) -> int: ...

    @property
    def report_count(self) -> int: ...


T = TypeVar("T", bound=Rankable)


@dataclass(frozen=True)
class Standing:
    """What ranking needs of a point carried as plain values (a document's dict, say)."""

    id: int
    severity: int
    support: int
    report_count: int


@dataclass(frozen=True)
class TalliedPoint:
    """A critical point's row with its tally: what every list that ranks live points holds."""

    point: CriticalPoint
    tally: Tally

    @property
    def id(self) -> int:
        return self.point.id

    @property
    def severity(self) -> int:
        return self.point.severity

    @property
    def votes(self) -> int:
        return self.tally.votes

    @property
    def dots(self) -> int:
        return self.tally.dots

    @property
    def support(self) -> int:
        return self.tally.support

    @property
    def report_count(self) -> int:
        return len(self.point.reports)


def rank_key(point: Rankable) -> tuple:
    """The ranking's sort key (see the module's docstring)."""
    return (-point.support, -point.severity, -point.report_count, point.id)


def ranked(points: Iterable[T]) -> list[T]:
    """The points in the room's order."""
    return sorted(points, key=rank_key)


# The other orders the points list offers; each falls back on the ranking for ties.
SORT_KEYS: dict[str, Callable[[Rankable], tuple]] = {
    "votes": rank_key,
    "severity": lambda p: (-p.severity, *rank_key(p)),
    "reports": lambda p: (-p.report_count, *rank_key(p)),
    "age": lambda p: (p.id,),
}


def sorted_by(points: Iterable[T], sort: str) -> list[T]:
    """The points in one of the list's orders ("votes" is the ranking)."""
    return sorted(points, key=SORT_KEYS.get(sort, rank_key))
