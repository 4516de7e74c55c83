"""Journeys as files: download one as JSON, upload one into the workspace."""

from flask import Blueprint, Response, abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workshop import filenames
from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.export import journey_json
from workshop.export.forms import ImportForm
from workshop.extensions import db
from workshop.htmx import redirect_page, render_page
from workshop.journeys import services as journeys

bp = Blueprint("export", __name__)

JSON_SUFFIX = ".polku.json"


def _attachment(name: str) -> str:
    """Content-Disposition for a journey's file, named after the journey."""
    plain = (filenames.slug(name, ascii_only=True, limit=80) or "journey") + JSON_SUFFIX
    full = (filenames.slug(name, ascii_only=False, limit=80) or "journey") + JSON_SUFFIX
    return filenames.attachment(plain, full)


@bp.get("/journeys/<int:journey_id>.json")
@workspace_role(Role.OBSERVER)
def journey(workspace, membership, journey_id):
    """The journey as a JSON document to download."""
    found = journeys.get_journey(workspace, journey_id) or abort(404)
    body = journey_json.to_json(journey_json.export_journey(found))
    audit.record_export("journey", found.id, workspace.id, "json")
    response = Response(body.encode("utf-8"), mimetype="application/json")
    response.headers["Content-Disposition"] = _attachment(found.name)
    return response


@bp.route("/journeys/import", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def import_journey(workspace, membership):
    """Make a journey from a JSON file; a file with any problem writes nothing."""
    form = ImportForm()
    if form.validate_on_submit():
        try:
            data = journey_json.read_document(form.file.data.read())
            journey = journey_json.import_journey(workspace, current_user, data, form.name.data)
        except journey_json.ImportProblem as problem:
            db.session.rollback()
            form.file.errors.append(_problem_text(problem))
        else:
            db.session.commit()
            flash(_("Journey “%(name)s” imported.", name=journey.name), "success")
            return redirect_page(
                url_for("journeys.board", workspace_id=workspace.id, journey_id=journey.id)
            )
    status = 422 if form.is_submitted() else 200
    return render_page(
        "export/import.html", workspace=workspace, membership=membership, form=form, status=status
    )


def _problem_text(problem: journey_json.ImportProblem) -> str:
    if not problem.field:
        return _("Nothing was imported. %(problem)s", problem=problem.message)
    return _(
        "Nothing was imported. %(field)s: %(problem)s", field=problem.field, problem=problem.message
    )
