"""A journey's critical points, filtered and sorted, as a page and as CSV."""

import csv
import io

from flask import Response
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.critical_points import document, services
from workshop.critical_points.forms import read_filters
from workshop.critical_points.labels import ROLE_LABELS, STATUS_LABELS, category_label
from workshop.critical_points.models import PointStatus, ReporterRole
from workshop.critical_points.views.blueprint import bp
from workshop.critical_points.views.common import journey_or_404
from workshop.csv_cells import csv_cell
from workshop.forms_common import EmptyForm
from workshop.htmx import render_page
from workshop.journeys import services as journeys


@bp.get("/journeys/<int:journey_id>/points/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership, journey_id):
    """All critical points of a journey, filtered and sorted."""
    journey = journey_or_404(workspace, journey_id)
    filters_form, filters = read_filters(workspace)
    rows = services.list_points(journey, current_user, filters, filters_form.sort.data or "votes")
    return render_page(
        "critical_points/index.html",
        block="point_list",
        workspace=workspace,
        membership=membership,
        journey=journey,
        rows=rows,
        filters_form=filters_form,
        filters=filters,
        places=journeys.place_names(journeys.load_board(journey)),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        action_form=EmptyForm(),
    )


CSV_COLUMNS = (
    _l("Stage"),
    _l("Lane"),
    _l("Step"),
    _l("Critical point"),
    _l("Details"),
    _l("Severity"),
    _l("Category"),
    _l("Status"),
    _l("Votes"),
    _l("Reports"),
    _l("Organisations"),
    _l("Reported by"),
)


@bp.get("/journeys/<int:journey_id>/points.csv")
@workspace_role(Role.OBSERVER)
def export_csv(workspace, membership, journey_id):
    """The list as CSV for a spreadsheet, with the same filters and order, written from the
    journey's document."""
    journey = journey_or_404(workspace, journey_id)
    filters_form, filters = read_filters(workspace)
    rows = services.list_points(journey, current_user, filters, filters_form.sort.data or "votes")
    found = document.journey_document(journey)
    points = {p.id: p for p in found.points}
    audit.record_export("journey", journey.id, workspace.id, "csv")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c) for c in CSV_COLUMNS])
    writer.writerows(
        [csv_cell(v) for v in _csv_values(found, points[row.point.id])]
        for row in rows
        if row.point.id in points
    )
    # A byte-order mark lets spreadsheet programs open the file as UTF-8 (ä, ö, å intact).
    body = "\ufeff" + out.getvalue()
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="critical-points-{journey.id}.csv"'
    )
    return response


def _csv_values(found, point) -> tuple:
    """One point's line of the CSV (from the journey document), in the order of CSV_COLUMNS."""
    step = found.step(point.step)
    roles = sorted({str(ROLE_LABELS[ReporterRole(r.role)]) for r in point.reports})
    return (
        found.stage(step.stage).title,
        found.lane(step.lane).title,
        step.title,
        point.title,
        point.description,
        point.severity,
        category_label(point.category),
        STATUS_LABELS[PointStatus(point.status)],
        point.support,  # board votes and live dots, as the list shows them
        point.report_count,
        len({r.organisation for r in point.reports if r.organisation}),
        ", ".join(roles),
    )
