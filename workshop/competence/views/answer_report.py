"""The respondent's own report: on this device only, as a page and a PDF, and the opt-in share
links for a named supervisor, which the respondent can withdraw."""

from flask import abort, make_response, redirect, session, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from workshop import addresses
from workshop.access import public
from workshop.competence import answering
from workshop.competence.answering_forms import ShareForm
from workshop.competence.own_report import render_report, report_pdf_response
from workshop.competence.services import bank_of
from workshop.competence.views.answer_common import (
    language,
    mine,
    names,
    private,
    refusal_text,
    where_to,
)
from workshop.competence.views.blueprint import answer_bp
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page

NEW_SHARE_KEY = "survey_new_share"


def _sent(round_id: int):
    """This device's sent response; before sending, where answering goes on."""
    round_, response = mine(round_id)
    if response.submitted_at is None:
        abort(make_response(redirect(where_to(response), code=303)))
    return round_, response


def _report_page(round_, response, share_form, status: int = 200):
    new_share = session.pop(NEW_SHARE_KEY, None)
    if not (isinstance(new_share, list | tuple) and len(new_share) == 2):
        new_share = None
    return private(
        render_page(
            "survey/answer/report.html",
            round_=round_,
            response=response,
            profile=answering.profile(response, bank_of(round_)),
            names=names(round_),
            language=language(),
            share_form=share_form,
            shares=[s for s in response.shares if s.revoked_at is None],
            new_share=new_share,
            decimal=format_decimal,
            status=status,
        )
    )


@answer_bp.get("/r/<int:round_id>/report")
@public
def report(round_id):
    """The respondent's own profile, on this device only, with its PDF and share links."""
    round_, response = _sent(round_id)
    return _report_page(round_, response, ShareForm(formdata=None))


@answer_bp.get("/r/<int:round_id>/report.pdf")
@public
def report_pdf(round_id):
    """The respondent's own report as a PDF."""
    _round, response = _sent(round_id)
    return private(report_pdf_response(response, None))


@answer_bp.post("/r/<int:round_id>/share")
@public
def share(round_id):
    """Share one's own report with a named supervisor: a read-only link, shown once."""
    round_, response = _sent(round_id)
    form = ShareForm()
    if not form.validate_on_submit():
        return _report_page(round_, response, form, 422)
    try:
        link, token = answering.share(response, form.supervisor.data)
    except answering.Refused as refusal:
        db.session.rollback()
        form.supervisor.errors = [refusal_text(refusal.reason)[1]]
        return _report_page(round_, response, form, 422)
    db.session.commit()
    session[NEW_SHARE_KEY] = (link.id, addresses.external_url("answer.shared", token=token))
    return redirect_page(url_for("answer.report", round_id=round_.id, _anchor="share-title"))


@answer_bp.post("/r/<int:round_id>/share/<int:share_id>/revoke")
@public
def revoke_share(round_id, share_id):
    """Withdraw a share link: whoever opens it is told it was withdrawn."""
    round_, response = _sent(round_id)
    EmptyForm().validate_on_submit() or abort(400)
    if answering.revoke(response, share_id) is None:
        abort(404)
    db.session.commit()
    return redirect_page(url_for("answer.report", round_id=round_.id, _anchor="share-title"))


def _shared_link(token):
    try:
        link = answering.find_share(token)
    except answering.ShareGone:
        message = _("The person who shared this report has withdrawn the link.")
        abort(make_response(render_error(410, message)))
    if link is None or link.response.submitted_at is None:
        abort(make_response(render_error(404)))
    return link


@answer_bp.get("/shared/<token>")
@public
def shared(token):
    """A respondent's report shared with their supervisor: read only."""
    link = _shared_link(token)
    pdf_url = url_for("answer.shared_pdf", token=token)
    return private(make_response(render_report(link.response, link, False, pdf_url=pdf_url)))


@answer_bp.get("/shared/<token>/report.pdf")
@public
def shared_pdf(token):
    """The shared report as a PDF."""
    link = _shared_link(token)
    return private(report_pdf_response(link.response, link))
