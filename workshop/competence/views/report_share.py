"""Share links to a round's report: facilitators make and withdraw them; anyone holding one
reads the report (never its free text) and its PDF without an account."""

from flask import abort, flash, make_response, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from workshop import addresses
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.competence import report as reports
from workshop.competence.report_forms import RoundShareForm
from workshop.competence.views.blueprint import answer_bp, bp
from workshop.competence.views.report import (
    NEW_SHARE_KEY,
    asked_language,
    report_page,
    round_or_404,
)
from workshop.competence.views.report_pdf import pdf_response, print_html
from workshop.confirm import ask_first
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import ConfirmForm
from workshop.htmx import redirect_page


def _to_report(workspace, round_, message: str):
    flash(message, "success")
    return redirect_page(
        url_for("survey.report", workspace_id=workspace.id, round_id=round_.id, _anchor="share")
    )


@bp.post("/rounds/<int:round_id>/report/share")
@workspace_role(Role.FACILITATOR)
def create_round_share(workspace, membership, round_id):
    """Make a read-only link to the report; its address is shown once."""
    round_ = round_or_404(workspace, round_id)
    form = RoundShareForm()
    if not form.validate_on_submit():
        return report_page(workspace, membership, round_, 422, share_form=form)
    try:
        _share, token = reports.create_share(round_, current_user, form.label.data or "")
    except reports.TooManyShares:
        db.session.rollback()
        form.form_errors.append(
            _("A round has at most %(max)d share links.", max=reports.MAX_SHARES)
        )
        return report_page(workspace, membership, round_, 422, share_form=form)
    db.session.commit()
    # Shown once, on the page the browser is sent to: reloading it makes no new link.
    session[NEW_SHARE_KEY] = (
        round_.id,
        addresses.external_url("answer.shared_report", token=token),
    )
    return _to_report(workspace, round_, _("Share link made."))


@bp.route("/rounds/<int:round_id>/report/share/<int:share_id>/revoke", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def revoke_round_share(workspace, membership, round_id, share_id):
    """Stop a share link from working, after asking."""
    round_ = round_or_404(workspace, round_id)
    share = reports.get_share(round_, share_id) or abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.is_confirmed():
        back = url_for("survey.report", workspace_id=workspace.id, round_id=round_.id)
        return ask_first(
            _("Withdraw this share link?"),
            [_("Whoever opens it is told it was withdrawn, instead of seeing the report.")],
            url_for(
                "survey.revoke_round_share",
                workspace_id=workspace.id,
                round_id=round_.id,
                share_id=share.id,
            ),
            _("Withdraw the link"),
            back + "#share",
            round_.name,
            form if form.is_submitted() else None,
        )
    reports.revoke_share(share)
    db.session.commit()
    return _to_report(workspace, round_, _("Share link withdrawn."))


def _shared(token):
    """The share link of the token, or the page saying it is gone (410) or unknown (404)."""
    try:
        share = reports.find_share(token)
    except reports.ShareGone:
        return None, render_error(
            410, _("This link has been withdrawn or has expired. Ask the sender for a new one.")
        )
    if share is None:
        return None, render_error(404)
    audit.record_share_use("survey_round_share", share.id, share.round.workspace_id)
    return share, None


def _private(response):
    # The token is in the address: keep it out of caches and other sites' logs.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@answer_bp.get("/r/<token>")
@public
def shared_report(token):
    """A round's report for someone without an account: no free text, no coaching plan."""
    share, refusal = _shared(token)
    if refusal:
        return refusal
    links = {"pdf": url_for("answer.shared_report_pdf", token=token)}
    html = print_html(share.round, asked_language(), for_pdf=False, shared=True, links=links)
    return _private(make_response(html))


@answer_bp.get("/r/<token>/report.pdf")
@public
def shared_report_pdf(token):
    """The shared report as a PDF."""
    share, refusal = _shared(token)
    if refusal:
        return refusal
    language = asked_language()
    html = print_html(share.round, language, for_pdf=True, shared=True)
    with force_locale(language):
        filename = reports.file_stem(share.round) + ".pdf"
    return _private(pdf_response(html, filename))
