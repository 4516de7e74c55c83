"""The audit log for the deployment's administrators: a filtered page, and the same as CSV."""

from flask import Blueprint, Response, request

from workshop import filenames
from workshop.access import admin_required
from workshop.audit import log, services
from workshop.audit.forms import LogFilterForm
from workshop.extensions import db
from workshop.htmx import render_page
from workshop.ids import parse_id

bp = Blueprint("audit", __name__)
# Further than any log goes; an offset past it is refused by some databases.
MAX_PAGE = 10**6


def _read_filter() -> tuple[LogFilterForm, log.LogFilter]:
    """The filter form from the query string; a bad value is named and filters nothing."""
    form = LogFilterForm(request.args)
    if request.args:
        form.validate()
    return form, form.log_filter()


@bp.get("/")
@admin_required
def index():
    """The newest events first, a page at a time, narrowed by the filter."""
    form, log_filter = _read_filter()
    page = min(parse_id(request.args.get("page")) or 1, MAX_PAGE)
    rows, total = log.page_of(log_filter, page)
    return render_page(
        "audit/index.html",
        block="log",
        form=form,
        rows=rows,
        total=total,
        page=page,
        pages=max(1, -(-total // log.PER_PAGE)),
        args={k: v for k, v in request.args.items() if k != "page"},
        status=422 if form.errors else 200,
    )


@bp.get("/audit.csv")
@admin_required
def export_csv():
    """The filtered log as CSV; downloading it is an event of its own."""
    _form, log_filter = _read_filter()
    body = log.log_csv(log_filter)
    services.record_export("audit_log", None, log_filter.workspace_id, "csv")
    db.session.commit()
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = filenames.attachment("audit-log.csv", "audit-log.csv")
    return response
