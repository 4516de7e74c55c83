"""Reading the audit log: filtered, newest first, a page at a time or whole as CSV."""

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from workshop.audit.labels import ACTION_LABELS, ACTOR_LABELS, detail_text, object_label
from workshop.audit.models import Action, AuditEvent
from workshop.csv_cells import csv_cell
from workshop.extensions import db

PER_PAGE = 50
# The kinds of things that have a page of their own, and how to name it.
LINKS = {
    "journey": ("journeys.board", "journey_id"),
    "sprint": ("sprints.detail", "sprint_id"),
    "survey_round": ("survey.round_page", "round_id"),
    "sparring_series": ("sparring.series", "series_id"),
    "follow_up": ("followup.detail", "follow_up_id"),
}


@dataclass(frozen=True)
class LogFilter:
    """What the log is narrowed to; None means any."""

    workspace_id: int | None = None
    action: Action | None = None
    object_type: str | None = None
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class Row:
    """One event as the page and the CSV show it."""

    event: AuditEvent
    who: str
    action: str
    what: str
    link: str | None
    detail: str
    workspace: str


def _local_start(day: date) -> datetime:
    """Midnight of a day where the workspaces are, as a moment."""
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    return datetime.combine(day, time(0), zone)


def filtered(log_filter: LogFilter) -> Select:
    """The events the filter lets through, newest first."""
    query = select(AuditEvent)
    if log_filter.workspace_id is not None:
        query = query.where(AuditEvent.workspace_id == log_filter.workspace_id)
    if log_filter.action is not None:
        query = query.where(AuditEvent.action == log_filter.action)
    if log_filter.object_type:
        query = query.where(AuditEvent.object_type == log_filter.object_type)
    if log_filter.since is not None:
        query = query.where(AuditEvent.at >= _local_start(log_filter.since))
    if log_filter.until is not None:
        query = query.where(AuditEvent.at < _local_start(log_filter.until + timedelta(days=1)))
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def page_of(log_filter: LogFilter, page: int) -> tuple[list[Row], int]:
    """One page of rows and the number of events in all."""
    query = filtered(log_filter)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    events = db.session.scalars(
        query.options(selectinload(AuditEvent.actor)).limit(PER_PAGE).offset((page - 1) * PER_PAGE)
    ).all()
    return rows_of(events, with_links=True), total or 0


def object_types() -> list[str]:
    """Every kind of thing the log holds, for the filter."""
    return list(db.session.scalars(select(AuditEvent.object_type).distinct()))


def rows_of(events, with_links: bool = False) -> list[Row]:
    """Events in words; links only to things that still exist (one query per kind)."""
    existing = _existing(events) if with_links else {}
    names = _workspace_names(events)
    return [
        Row(
            event=event,
            who=_who(event),
            action=str(ACTION_LABELS[event.action]),
            what=_what(event),
            link=_link(event) if (event.object_type, event.object_id) in existing else None,
            detail=detail_text(event.detail),
            workspace=names.get(event.workspace_id) or str(event.workspace_id or ""),
        )
        for event in events
    ]


def _workspace_names(events) -> dict[int, str]:
    """The names of the workspaces that still exist (a removed one is shown by its number)."""
    ids = {event.workspace_id for event in events if event.workspace_id is not None}
    if not ids:
        return {}
    table = db.metadata.tables["workspace"]
    rows = db.session.execute(select(table.c.id, table.c.name).where(table.c.id.in_(ids)))
    return {row.id: row.name for row in rows}


def _who(event: AuditEvent) -> str:
    if event.actor is not None:
        return event.actor.name
    return str(ACTOR_LABELS[event.actor_kind])


def _what(event: AuditEvent) -> str:
    label = object_label(event.object_type)
    return label if event.object_id is None else f"{label} {event.object_id}"


def _existing(events) -> set[tuple[str, int]]:
    wanted: dict[str, set[int]] = {}
    for event in events:
        if event.object_type in LINKS and event.object_id is not None and event.workspace_id:
            wanted.setdefault(event.object_type, set()).add(event.object_id)
    found = set()
    for name, ids in wanted.items():
        table = db.metadata.tables[name]
        query = select(table.c.id).where(table.c.id.in_(ids))
        found |= {(name, found_id) for found_id in db.session.scalars(query)}
    return found


def _link(event: AuditEvent) -> str:
    endpoint, argument = LINKS[event.object_type]
    return url_for(endpoint, workspace_id=event.workspace_id, **{argument: event.object_id})


def log_csv(log_filter: LogFilter) -> str:
    """The filtered log as CSV (a byte-order mark first, for spreadsheet programs)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            _("When (UTC)"),
            _("Workspace"),
            _("Who"),
            _("Kind of actor"),
            _("Action"),
            _("What"),
            _("Id"),
            _("Detail"),
        ]
    )
    events = db.session.scalars(filtered(log_filter).options(selectinload(AuditEvent.actor))).all()
    for row in rows_of(events):
        event = row.event
        writer.writerow(
            csv_cell(value)
            for value in (
                event.at.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S"),
                event.workspace_id,
                row.who,
                event.actor_kind.value,
                row.action,
                object_label(event.object_type),
                event.object_id,
                row.detail,
            )
        )
    return "\ufeff" + out.getvalue()
