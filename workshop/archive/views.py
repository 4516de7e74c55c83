"""Moving a workspace: download it as one archive, bring an archive in as a new workspace."""

from flask import Blueprint, Response, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from workshop import clock, filenames
from workshop.access import workspace_role
from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.archive import reading, services
from workshop.archive.forms import ExportForm, ImportForm
from workshop.audit.models import Action
from workshop.audit.services import record
from workshop.extensions import db
from workshop.htmx import render_page

bp = Blueprint("archive", __name__)

SUFFIX = ".polku.zip"


def _attachment(name: str) -> str:
    """Content-Disposition for an archive, named after the workspace and the day."""
    day = clock.today().isoformat()
    plain = (filenames.slug(name, ascii_only=True, limit=80) or "workspace") + f"-{day}{SUFFIX}"
    full = (filenames.slug(name, ascii_only=False, limit=80) or "workspace") + f"-{day}{SUFFIX}"
    return filenames.attachment(plain, full)


@bp.route("/w/<int:workspace_id>/archive", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def export(workspace, membership):
    """The workspace as one archive file to download, with or without people's names."""
    form = ExportForm()
    if form.validate_on_submit():
        made = services.export_workspace(workspace, form.remove_names.data)
        detail = "archive, names removed" if form.remove_names.data else "archive"
        record(Action.EXPORT, "workspace", workspace.id, workspace_id=workspace.id, detail=detail)
        db.session.commit()
        response = Response(made.data, mimetype="application/zip")
        response.headers["Content-Disposition"] = _attachment(workspace.name)
        return response
    status = 422 if form.is_submitted() else 200
    return render_page(
        "archive/export.html", workspace=workspace, membership=membership, form=form, status=status
    )


@bp.route("/workspaces/import", methods=["GET", "POST"])
def import_workspace():
    """Make a new workspace from an archive; an archive with any problem writes nothing."""
    if not accounts.can_create_workspace(current_user):
        flash(_("Ask an administrator or a facilitator to create a workspace for you."), "error")
        return redirect(url_for("main.index"))
    form = ImportForm()
    if form.validate_on_submit():
        try:
            made = reading.import_archive(
                form.file.data.read(), current_user, match_accounts=current_user.is_admin
            )
        except reading.ArchiveProblem as problem:
            db.session.rollback()
            form.file.errors.append(_("Nothing was imported. %(problem)s", problem=problem.message))
        else:
            record(
                Action.CREATE,
                "workspace",
                made.workspace.id,
                workspace_id=made.workspace.id,
                detail="archive import",
            )
            db.session.commit()
            flash(_summary(made), "success")
            return redirect(url_for("accounts.workspace", workspace_id=made.workspace.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_page("archive/import.html", form=form, status=status)


# What the message after an import counts, by table: the things people recognise.
COUNTED = {
    "journey": lambda n: ngettext("%(num)d journey", "%(num)d journeys", n),
    "critical_point": lambda n: ngettext("%(num)d critical point", "%(num)d critical points", n),
    "sprint": lambda n: ngettext("%(num)d sprint", "%(num)d sprints", n),
    "live_session": lambda n: ngettext("%(num)d live session", "%(num)d live sessions", n),
    "follow_up": lambda n: ngettext("%(num)d follow-up", "%(num)d follow-ups", n),
    "survey_round": lambda n: ngettext("%(num)d survey round", "%(num)d survey rounds", n),
    "sparring_series": lambda n: ngettext("%(num)d sparring series", "%(num)d sparring series", n),
}


def _summary(made: reading.Imported) -> str:
    parts = [text(made.counts[name]) for name, text in COUNTED.items() if made.counts.get(name)]
    parts.append(ngettext("%(num)d person", "%(num)d people", made.people))
    return _(
        "Workspace “%(name)s” imported: %(what)s.", name=made.workspace.name, what=", ".join(parts)
    )
