"""A round's aggregated report as a page, a PDF, CSV and JSON, all read from one ReportView."""

import json

from flask import Response, abort, render_template, request, session
from flask_babel import force_locale, get_locale
from markupsafe import Markup

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.competence import report as reports
from workshop.competence import services
from workshop.competence.report_export import report_csv, report_json
from workshop.competence.report_forms import RoundShareForm
from workshop.competence.views.blueprint import bp
from workshop.competence.views.report_pdf import pdf_response, print_html
from workshop.data_files import LANGUAGES
from workshop.htmx import render_page

NEW_SHARE_KEY = "new_round_share"


def round_or_404(workspace, round_id):
    """A round of this workspace, or 404 (another workspace's round included)."""
    return services.get_round(workspace, round_id) or abort(404)


def asked_language() -> str:
    """The language the reader asked for (?lang=), else the page's own, else Finnish."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    current = str(get_locale())
    return current if current in LANGUAGES else "fi"


def _new_share(round_) -> str | None:
    """The address of a share link just made, shown once."""
    made = session.get(NEW_SHARE_KEY)
    if made and made[0] == round_.id:
        session.pop(NEW_SHARE_KEY)
        return made[1]
    return None


def report_page(workspace, membership, round_, status=200, share_form=None):
    """The report page, with the share links for those who may make them."""
    language = asked_language()
    body = reports.cached_body(
        round_,
        language,
        True,
        lambda view: render_template("survey/report/_body.html", view=view, show_free_text=True),
    )
    can_share = membership.role.allows(Role.FACILITATOR)
    return render_page(
        "survey/report/page.html",
        status=status,
        workspace=workspace,
        round_=round_,
        language=language,
        body=Markup(body),  # noqa: S704 - rendered by our own autoescaping template
        can_share=can_share,
        shares=reports.shares_of(round_) if can_share else [],
        share_form=share_form or RoundShareForm(formdata=None),
        new_share=_new_share(round_) if can_share else None,
        plan=reports.plan_of(round_, language),
    )


@bp.get("/rounds/<int:round_id>/report")
@workspace_role(Role.OBSERVER)
def report(workspace, membership, round_id):
    """The round's aggregated report."""
    return report_page(workspace, membership, round_or_404(workspace, round_id))


@bp.get("/rounds/<int:round_id>/report.pdf")
@workspace_role(Role.OBSERVER)
def report_pdf(workspace, membership, round_id):
    """The report as a tagged PDF in the language asked for."""
    round_ = round_or_404(workspace, round_id)
    audit.record_export("survey_round", round_.id, workspace.id, "report pdf")
    language = asked_language()
    html = print_html(round_, language, for_pdf=True, shared=False)
    with force_locale(language):
        stem = reports.file_stem(round_)
    return pdf_response(html, stem + ".pdf")


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/rounds/<int:round_id>/report.csv")
@workspace_role(Role.OBSERVER)
def report_csv_download(workspace, membership, round_id):
    """The aggregated report as CSV (no answers, no free text)."""
    round_ = round_or_404(workspace, round_id)
    audit.record_export("survey_round", round_.id, workspace.id, "report csv")
    language = asked_language()
    with force_locale(language):
        view = reports.report_view(round_, language)
        return _download(report_csv(view), "text/csv", reports.file_stem(round_) + ".csv")


@bp.get("/rounds/<int:round_id>/report.json")
@workspace_role(Role.OBSERVER)
def report_json_download(workspace, membership, round_id):
    """The aggregated report as JSON (no answers, no free text)."""
    round_ = round_or_404(workspace, round_id)
    audit.record_export("survey_round", round_.id, workspace.id, "report json")
    language = asked_language()
    with force_locale(language):
        view = reports.report_view(round_, language)
        body = json.dumps(report_json(view), ensure_ascii=False, indent=2)
        return _download(body, "application/json", reports.file_stem(round_) + ".json")
