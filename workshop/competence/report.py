"""What a round's aggregated report shows, in the reader's language, and its share links.

Everything shown here is read from the `RoundReport` of `aggregate.py`, never from the answers:
a cell that report hides carries no numbers, so no page, export or PDF made from this view can
show a group under k. Services never commit; views do.
"""

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import force_locale, format_decimal, format_percent, pgettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from workshop import filenames
from workshop.accounts.models import User
from workshop.competence import coaching, services
from workshop.competence.aggregate import (
    ALL,
    NONE,
    OTHER,
    SCALE,
    Figures,
    Hidden,
    RoundReport,
    Row,
)
from workshop.competence.bank import Bank
from workshop.competence.models import LABEL_MAX, Response, Round, RoundShare, ThemeStatus
from workshop.extensions import db
from workshop.fragment_cache import TOKEN_MARK, FragmentCache
from workshop.models_base import utcnow

MAX_SHARES = 20


@dataclass(frozen=True)
class Line:
    """One group's line of a row's table: its name, its figures or why they are hidden."""

    group: str
    label: str
    cell: Figures | Hidden
    flagged: bool

    @property
    def shown(self) -> bool:
        return isinstance(self.cell, Figures)

    @property
    def pooled(self) -> bool:
        return isinstance(self.cell, Hidden) and self.cell.reason == "pooled"


@dataclass(frozen=True)
class Section:
    """An item or a level as the report prints it: the whole round, by role and by unit."""

    key: str
    title: str
    level: str
    level_name: str
    total: Line
    roles: tuple[Line, ...]
    units: tuple[Line, ...]
    flagged_for: tuple[str, ...]  # group names, in the reader's language

    @property
    def lines(self) -> tuple[Line, ...]:
        return (self.total, *self.roles, *self.units)


@dataclass(frozen=True)
class Comparison:
    """One item in this round and the previous one; None where a round did not ask it."""

    item_id: str
    title: str
    now: Figures | Hidden | None
    before: Figures | Hidden | None


@dataclass(frozen=True)
class ReportView:
    """A round's report ready for a page, a PDF or an export, in one language."""

    round: Round
    report: RoundReport
    language: str
    levels: tuple[Section, ...]
    items: tuple[Section, ...]
    previous: Round | None
    comparisons: tuple[Comparison, ...]
    median_max: float
    coaching_percent: int

    @property
    def under_k(self) -> str:
        """The marker a hidden figure shows, e.g. "< 5"."""
        return f"< {self.report.k}"

    @property
    def flagged(self) -> tuple[Section, ...]:
        """The items flagged for some group."""
        return tuple(section for section in self.items if section.flagged_for)

    @property
    def group_sizes(self) -> Section | None:
        """A row whose cells give each group's respondents (every level's are the same)."""
        return self.levels[0] if self.levels else None

    @staticmethod
    def number(value: float | None) -> str:
        return mean(value)

    @staticmethod
    def percent(share: float) -> str:
        return percent(share)

    @staticmethod
    def bar(cell: Figures) -> tuple["Segment", ...]:
        return bar(cell)


def role_name(bank: Bank | None, role: str, language: str) -> str:
    """A role group's name: the bank's, "Other", "everyone", or "no role given"."""
    if role == OTHER:
        return pgettext("survey group", "Other")
    if role == ALL:
        return _("Everyone")
    if role == NONE:
        return _("No role given")
    found = next((r for r in bank.roles if r.id == role), None) if bank else None
    return found.name.get(language) if found else role


def unit_name(report: RoundReport, unit: str) -> str:
    """A unit group's name: the round's, "Other" or "no unit given"."""
    if unit == OTHER:
        return pgettext("survey group", "Other")
    if unit == NONE:
        return _("No unit given")
    return report.unit_names.get(unit, unit)


def level_name(bank: Bank | None, level: str, language: str) -> str:
    """A level's name from the bank, or its letter if the bank is gone."""
    found = next((lv for lv in bank.levels if lv.id == level), None) if bank else None
    return found.name.get(language) if found else level


def _section(row: Row, title: str, level: str, bank, report, language) -> Section:
    flagged = set(row.flagged_for)
    roles = tuple(
        Line(g, role_name(bank, g, language), row.by_role[g], g in flagged)
        for g in report.roles.columns
    )
    units = tuple(
        Line(g, unit_name(report, g), row.by_unit[g], False) for g in report.units.columns
    )
    total = Line(ALL, _("All respondents"), row.total, ALL in flagged)
    names = tuple(role_name(bank, g, language) for g in row.flagged_for)
    return Section(
        row.key, title, level, level_name(bank, level, language), total, roles, units, names
    )


def previous_round(round_: Round) -> Round | None:
    """The workspace's round before this one (rounds are compared item by item)."""
    rounds = services.rounds_of(round_.workspace)
    index = next(i for i, r in enumerate(rounds) if r.id == round_.id)
    return rounds[index + 1] if index + 1 < len(rounds) else None


def _comparisons(round_, report, previous, language) -> tuple[Comparison, ...]:
    """Items of both rounds on the same id, each round's figures from its own report."""
    if previous is None:
        return ()
    before = services.report_of(previous)
    texts = {item.item_id: item.text(language) for item in previous.items}
    texts |= {item.item_id: item.text(language) for item in round_.items}
    ids = [item.item_id for item in round_.items]
    ids += sorted(set(texts) - set(ids))
    return tuple(
        Comparison(
            item_id,
            texts[item_id],
            _row_total(report, item_id),
            _row_total(before, item_id),
        )
        for item_id in ids
    )


def _row_total(report: RoundReport, item_id: str):
    row = report.item(item_id)
    return row.total if row is not None else None


def report_view(round_: Round, language: str) -> ReportView:
    """The round's report in one language; call it in that language's locale."""
    report = services.report_of(round_)
    bank = services.bank_of(round_)
    texts = {item.item_id: (item.text(language), item.level) for item in round_.items}
    items = tuple(
        _section(row, texts[row.key][0], texts[row.key][1], bank, report, language)
        for row in report.items
    )
    levels = tuple(
        _section(row, level_name(bank, row.key, language), row.key, bank, report, language)
        for row in report.levels
    )
    previous = previous_round(round_)
    settings = services.settings_of(round_.workspace)
    return ReportView(
        round=round_,
        report=report,
        language=language,
        levels=levels,
        items=items,
        previous=previous,
        comparisons=_comparisons(round_, report, previous, language) if report.shown else (),
        median_max=settings.median_max,
        coaching_percent=settings.coaching_percent,
    )


def mean(value: float | None) -> str:
    """A mean or median as the reader's locale writes it with one decimal, or a dash."""
    return "–" if value is None else format_decimal(value, format="0.0")


def percent(share: float) -> str:
    """A share as a whole percent in the reader's locale."""
    return format_percent(share, format="#,##0 %")


@dataclass(frozen=True)
class Segment:
    """One answer value's part of a distribution bar, in steps of 5 % of the bar."""

    value: int
    width: int  # 0–20 twentieths


BAR_STEPS = 20


def bar(cell: Figures) -> tuple[Segment, ...]:
    """The distribution of answers on the scale as a stacked bar (NA and "can't say" left out).

    Widths are whole twentieths, so a stylesheet class gives each (no inline style under the
    CSP); each segment ends where the running total rounds to, so the parts always fill the bar.
    """
    answered = cell.answered
    if not answered:
        return ()
    segments, running, end = [], 0, 0
    for value, count in zip(SCALE, cell.counts, strict=True):
        running += count
        new_end = round(BAR_STEPS * running / answered)
        if new_end > end:
            segments.append(Segment(value, new_end - end))
        end = new_end
    return tuple(segments)


# --- share links --------------------------------------------------------------------------


class ShareGone(Exception):
    """The share link was withdrawn."""


class TooManyShares(Exception):
    """A round has as many share links as it may."""


def create_share(round_: Round, user: User | None, label: str) -> tuple[RoundShare, str]:
    """A read-only link to the round's report; returns it and its token (shown once)."""
    active = [share for share in round_.shares if share.revoked_at is None]
    if len(active) >= MAX_SHARES:
        raise TooManyShares()
    token, token_hash = services.new_token()
    share = RoundShare(
        round=round_,
        token_hash=token_hash,
        label=label.strip()[:LABEL_MAX],
        created_by_id=user.id if user else None,
    )
    db.session.add(share)
    db.session.flush()
    return share, token


def shares_of(round_: Round) -> list[RoundShare]:
    """The round's share links, newest first."""
    return sorted(round_.shares, key=lambda share: share.id, reverse=True)


def get_share(round_: Round, share_id: int) -> RoundShare | None:
    """A share link of this round."""
    share = db.session.get(RoundShare, share_id)
    return share if share is not None and share.round_id == round_.id else None


def revoke_share(share: RoundShare) -> None:
    """Stop the link from working; whoever opens it is told it was withdrawn."""
    if share.revoked_at is None:
        share.revoked_at = utcnow()


def find_share(token: str) -> RoundShare | None:
    """The share link of this token; raises ShareGone if it was withdrawn."""
    if not token or len(token) > services.TOKEN_MAX:
        return None
    share = db.session.scalar(
        select(RoundShare).where(RoundShare.token_hash == services.hash_token(token))
    )
    if share is not None and share.revoked_at is not None:
        raise ShareGone()
    return share


def file_stem(round_: Round) -> str:
    """The downloads' file name without extension, e.g. `osaamiskysely_kevat_2026-05-31`."""
    parts = (filenames.slug(_("Competence survey"), True), filenames.slug(round_.name, True))
    return "_".join([part for part in parts if part] + [round_.closes_on.isoformat()])


@dataclass(frozen=True)
class PlanLine:
    """One theme of the coaching plan as the report prints it."""

    title: str
    status: ThemeStatus
    group: str
    items: tuple[str, ...]
    owner: str
    due_on: date | None


def plan_of(round_: Round, language: str) -> list[PlanLine]:
    """The round's coaching plan, which ends the report."""
    bank = services.bank_of(round_)
    return [
        PlanLine(
            theme.title,
            theme.status,
            role_name(bank, theme.role, language),
            tuple(theme.items),
            theme.owner,
            theme.due_on,
        )
        for theme in coaching.coaching_plan(round_)
    ]


# --- the report's body, kept while nothing it shows changes -------------------------------

CACHE_SIZE = 16


def _answers_key(round_: Round) -> tuple:
    """What changes whenever a submitted response comes or goes: their count and the last one."""
    return tuple(
        db.session.execute(
            select(func.count(Response.id), func.max(Response.submitted_at)).where(
                Response.round_id == round_.id, Response.submitted_at.is_not(None)
            )
        ).one()
    )


def body_key(round_: Round, language: str, free_text: bool) -> tuple:
    """Everything the report's body depends on: the round as asked, its answers, the previous
    round's, the workspace's thresholds and the reader's language. A few small queries instead
    of grouping every answer again."""
    previous = previous_round(round_)
    settings = services.settings_of(round_.workspace)
    return (
        round_.id,
        round_.version,
        round_.k,
        round_.free_text,
        round_.locked_at,
        round_.bank_version,
        tuple((unit.id, unit.name) for unit in round_.units),
        _answers_key(round_),
        previous.id if previous else None,
        _answers_key(previous) if previous else None,
        settings.median_max,
        settings.coaching_percent,
        language,
        free_text,
    )


def cached_body(round_: Round, language: str, free_text: bool, render) -> str:
    """The report's body for this key, made by `render(view)` when it is not kept yet.

    Kept per app process: a report of 2,000 respondents takes the database about 0.1 s to group
    and the template as long again to write out, while a page view only needs to know that
    nothing changed. The body has no form, so nobody's CSRF token is in it.
    """
    cache = current_app.extensions.setdefault("polku_survey_reports", FragmentCache(CACHE_SIZE))
    key = body_key(round_, language, free_text)

    def make() -> str:
        with force_locale(language):
            return render(report_view(round_, language))

    return cache.get_or_render(key, TOKEN_MARK, "", make)
