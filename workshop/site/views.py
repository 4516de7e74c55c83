"""The accessibility statement, About and the licence: public pages; editing is for administrators."""

from pathlib import Path

from flask import Blueprint, Response, current_app, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workshop.access import admin_required, public
from workshop.extensions import db
from workshop.htmx import redirect_page, render_page
from workshop.i18n import current_language
from workshop.site import services, source
from workshop.site.forms import StatementForm
from workshop.site.models import LANGUAGES

bp = Blueprint("site", __name__)

LICENSE_FILE = "LICENSE"


@bp.get("/accessibility")
@public
def accessibility():
    """The deployment's accessibility statement in the page's language."""
    return render_page(
        "site/accessibility.html", statement=services.statement_in(current_language())
    )


@bp.get("/about")
@public
def about():
    """What Polku is, its licence, where its source is and which version runs."""
    return render_page(
        "site/about.html",
        source_url=current_app.config.get("SOURCE_URL"),
        version=services.polku_version(),
    )


@bp.get("/license")
@public
def license_text():
    """The GNU AGPL, as the LICENSE file at the root of the source holds it."""
    # The app serves its templates from the same source tree (create_app), so it is there.
    path = Path(current_app.root_path).parent / LICENSE_FILE
    return Response(path.read_text(encoding="utf-8"), mimetype="text/plain")


@bp.get("/source.tar.gz")
@public
def source_code():
    """The source code this Polku runs, for deployments that name no repository of their own."""
    archive = source.source_archive(Path(current_app.root_path).parent)
    response = Response(archive, mimetype="application/gzip")
    response.headers["Content-Disposition"] = "attachment; filename=polku-source.tar.gz"
    return response


@bp.route("/admin/accessibility", methods=["GET", "POST"])
@admin_required
def edit_statement():
    """An administrator writes the statement in every language; errors change nothing."""
    form = StatementForm(data=_form_data())
    if form.validate_on_submit():
        services.save_statement(form.change(), current_user)
        db.session.commit()
        flash(_("Accessibility statement saved."), "success")
        return redirect_page(url_for("site.accessibility"))
    status = 422 if form.is_submitted() else 200
    return render_page("site/edit.html", form=form, languages=LANGUAGES, status=status)


def _form_data() -> dict:
    """What the form starts with: the saved statement, or Polku's defaults."""
    row = services.saved_statement()
    if row is None:
        default = services.statement_in("en")
        return {
            "compliance": default.compliance.value,
            "prepared_on": default.prepared_on,
            "reviewed_on": default.reviewed_on,
        }
    data = {name: getattr(row, name) for name in services.SHARED}
    data["compliance"] = row.compliance.value
    for field in services.PER_LANGUAGE:
        data.update({f"{field}_{lang}": row.text(field, lang) for lang in LANGUAGES})
    return data
