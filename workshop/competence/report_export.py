"""A round's aggregated report as CSV and JSON: the report's figures only, never an answer.

Both are written from the `ReportView`, which reads only what `aggregate.py` allows to be
shown, so a hidden cell is written as its marker ("< 5", "in Other") with no figures at all.
Free text is left out of both on purpose: the rules allow it only at institution level on the
report page, and an exported file travels further than the page (like a share link, where
free text is never shown).
"""

import csv
import io
from datetime import UTC, datetime

from flask_babel import gettext as _

from workshop.competence.aggregate import SCALE, Figures, Hidden
from workshop.competence.report import Line, ReportView, Section

FORMAT = "polku-survey-report"
FORMAT_VERSION = 1
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell_text(value) -> str:
    """Text a spreadsheet shows as typed and never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _round2(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _marker(view: ReportView, cell: Hidden) -> str:
    return _("in Other") if cell.reason == "pooled" else view.under_k


def _csv_columns() -> list[str]:
    return [
        _("Row"),
        _("Item"),
        _("Level"),
        _("Text"),
        _("Breakdown"),
        _("Group"),
        _("Shown"),
        "n",
        *[str(value) for value in SCALE],
        _("Not part of my role (share)"),
        _("Can't say (share)"),
        _("Asked for coaching (share)"),
        _("Mean"),
        _("Median"),
        _("Coaching target"),
    ]


def _csv_line(view: ReportView, section: Section, kind: str, breakdown: str, line: Line) -> list:
    start = [
        kind,
        section.key if kind == _("item") else "",
        section.level_name,
        section.title,
        breakdown,
        line.label,
    ]
    cell = line.cell
    if isinstance(cell, Hidden):
        return start + [_marker(view, cell)] + [""] * 12
    return start + [
        _("yes"),
        cell.n,
        *cell.counts,
        _round2(cell.share(cell.na)),
        _round2(cell.share(cell.dk)),
        _round2(cell.coaching_share),
        _round2(cell.mean),
        cell.median,
        _("yes") if line.flagged else "",
    ]


def report_csv(view: ReportView) -> str:
    """The report as CSV: a line per level or item and group, hidden groups as their marker."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_csv_columns())
    if view.report.shown:
        for kind, sections in ((_("level"), view.levels), (_("item"), view.items)):
            for section in sections:
                breakdowns = [(_("All respondents"), (section.total,))]
                breakdowns += [(_("Role"), section.roles), (_("Unit"), section.units)]
                for breakdown, lines in breakdowns:
                    for line in lines:
                        values = _csv_line(view, section, kind, breakdown, line)
                        writer.writerow([_cell_text(value) for value in values])
    # A byte-order mark lets spreadsheet programs open the file as UTF-8 (ä, ö, å intact).
    return "\ufeff" + out.getvalue()


def _json_cell(view: ReportView, line: Line) -> dict:
    cell = line.cell
    if isinstance(cell, Hidden):
        return {
            "name": line.label,
            "shown": False,
            "hidden": _marker(view, cell),
            "in_other": cell.reason == "pooled",
        }
    assert isinstance(cell, Figures)
    return {
        "name": line.label,
        "shown": True,
        "n": cell.n,
        "counts": dict(zip([str(v) for v in SCALE], cell.counts, strict=True)),
        "na": cell.na,
        "dk": cell.dk,
        "coaching": cell.coaching,
        "mean": _round2(cell.mean),
        "median": cell.median,
        "coaching_target": line.flagged,
    }


def _json_section(view: ReportView, section: Section) -> dict:
    return {
        "id": section.key,
        "level": section.level,
        "text": section.title,
        "total": _json_cell(view, section.total),
        "by_role": {line.group: _json_cell(view, line) for line in section.roles},
        "by_unit": {line.group: _json_cell(view, line) for line in section.units},
        "coaching_target_for": list(section.flagged_for),
    }


def report_json(view: ReportView) -> dict:
    """The report as a JSON document: the same cells, hidden ones without a single figure."""
    round_, report = view.round, view.report
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "language": view.language,
        "round": {
            "name": round_.name,
            "opens_on": round_.opens_on.isoformat(),
            "closes_on": round_.closes_on.isoformat(),
            "bank_version": round_.bank_version,
            "k": report.k,
            "closed": report.closed,
        },
        # While the round is open nothing is counted here: "< k" could be untrue by then.
        "respondents": report.respondents
        if report.shown
        else (view.under_k if report.closed else None),
        "coaching_thresholds": {
            "median_at_most": view.median_max,
            "coaching_percent_at_least": view.coaching_percent,
        },
        "levels": [_json_section(view, s) for s in view.levels] if report.shown else [],
        "items": [_json_section(view, s) for s in view.items] if report.shown else [],
    }
