"""The session summary (page, PDF, share links, oral feedback, publishing) and "you said, we
did" (the owner's form; the sparrer's page and PDF through their personal link)."""

import smtplib

from flask import Response, abort, current_app, flash, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workshop import addresses, mail
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.confirm import ask_first
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.pdf_download import pdf_download
from workshop.sparring import said_did, summary
from workshop.sparring.models import Commitment
from workshop.sparring.services import SparringError, get_session, sparrer_for_token
from workshop.sparring.summary_forms import OralFeedbackForm, SaidDidForm
from workshop.sparring.views.blueprint import bp, sparrer_bp

NEW_SHARE_KEY = "sparring_new_summary_link"


def _private(response: Response) -> Response:
    """The token is in the address: keep it out of caches and other sites' logs."""
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _tell(sparring_session, message, category: str = "success") -> None:
    """Flash a (lazy) message for the summary page, which is in the host's language."""
    with force_locale(sparring_session.series.language):
        flash(str(message), category)


def _session_or_404(workspace, session_id):
    return get_session(workspace, session_id) or abort(404)


def _summary_url(workspace, sparring_session, **values):
    return url_for(
        "sparring.summary_page",
        workspace_id=workspace.id,
        session_id=sparring_session.id,
        **values,
    )


def _member_links(workspace, sparring_session, membership, feedback_form=None) -> dict:
    """What the members' summary page links to and offers."""
    new_link = session.get(NEW_SHARE_KEY)
    shown = None
    if new_link and new_link[0] == sparring_session.id:
        # Its token is kept nowhere else: shown on this one page, then gone.
        shown = session.pop(NEW_SHARE_KEY)[1]
    return {
        # The session page comes with the series part of sparring; until then, no way back.
        "back": url_for(
            "sparring.session", workspace_id=workspace.id, session_id=sparring_session.id
        )
        if "sparring.session" in current_app.view_functions
        else None,
        "pdf": url_for(
            "sparring.summary_pdf", workspace_id=workspace.id, session_id=sparring_session.id
        ),
        "shared_preview": _summary_url(workspace, sparring_session, shared=1),
        "names_preview": _summary_url(workspace, sparring_session),
        "manage": membership.role.allows(Role.FACILITATOR),
        "workspace": workspace,
        "feedback_form": feedback_form
        or OralFeedbackForm(formdata=None, oral_feedback=sparring_session.oral_feedback),
        "new_share": shown,
        "shares": summary.summary_shares(sparring_session),
    }


def _summary_page(workspace, membership, sparring_session, status=200, feedback_form=None):
    shared = request.args.get("shared") == "1"
    links = _member_links(workspace, sparring_session, membership, feedback_form)
    html = summary.render(sparring_session, shared, links, False)
    return Response(html, status=status, mimetype="text/html")


@bp.get("/sessions/<int:session_id>/summary")
@workspace_role(Role.OBSERVER)
def summary_page(workspace, membership, session_id):
    """The summary as members see it (names shown), or as it is shared (`?shared=1`)."""
    sparring_session = _session_or_404(workspace, session_id)
    return _summary_page(workspace, membership, sparring_session)


@bp.get("/sessions/<int:session_id>/summary.pdf")
@workspace_role(Role.OBSERVER)
def summary_pdf(workspace, membership, session_id):
    """The summary as a PDF: always as shared, with names hidden."""
    sparring_session = _session_or_404(workspace, session_id)
    audit.record_export("sparring_session", session_id, workspace.id, "summary pdf")
    html = summary.render(sparring_session, True, {}, True)
    return pdf_download(html, *summary.file_names(sparring_session))


@bp.post("/sessions/<int:session_id>/summary/feedback")
@workspace_role(Role.FACILITATOR)
def save_feedback(workspace, membership, session_id):
    """Keep the sparrers' oral feedback; a refused form comes back with the text in it."""
    sparring_session = _session_or_404(workspace, session_id)
    form = OralFeedbackForm()
    # The page is in the host's language: its errors too.
    with force_locale(sparring_session.series.language):
        valid = form.validate_on_submit()
    if not valid:
        return _summary_page(workspace, membership, sparring_session, 422, form)
    summary.set_oral_feedback(sparring_session, form.oral_feedback.data or "")
    db.session.commit()
    _tell(sparring_session, _l("Oral feedback saved."))
    return redirect_page(_summary_url(workspace, sparring_session, _anchor="feedback"))


@bp.post("/sessions/<int:session_id>/summary/publish")
@workspace_role(Role.FACILITATOR)
def publish(workspace, membership, session_id):
    """Mark the summary published to the agreement's recipients."""
    sparring_session = _session_or_404(workspace, session_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        summary.publish(sparring_session)
    except SparringError:
        db.session.rollback()
        _tell(
            sparring_session,
            _l("The session has not been held yet: its summary cannot be published."),
            "error",
        )
        return redirect_page(_summary_url(workspace, sparring_session))
    db.session.commit()
    _tell(sparring_session, _l("Summary marked as published."))
    return redirect_page(_summary_url(workspace, sparring_session))


@bp.post("/sessions/<int:session_id>/summary/share")
@workspace_role(Role.FACILITATOR)
def create_share(workspace, membership, session_id):
    """Make a link to the summary without names; its address is shown once."""
    sparring_session = _session_or_404(workspace, session_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        _share, token = summary.create_share(sparring_session, current_user)
    except SparringError as error:
        db.session.rollback()
        _tell(
            sparring_session,
            _l("A summary has at most %(max)d share links.", max=error.detail),
            "error",
        )
        return redirect_page(_summary_url(workspace, sparring_session))
    db.session.commit()
    # Shown once, on the page the browser is sent to: reloading it makes no new link.
    session[NEW_SHARE_KEY] = (
        sparring_session.id,
        addresses.external_url("sparrer.shared_summary", token=token),
    )
    _tell(sparring_session, _l("Share link made."))
    return redirect_page(_summary_url(workspace, sparring_session, _anchor="share"))


@bp.route("/sessions/<int:session_id>/summary/share/<int:share_id>/revoke", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def revoke_share(workspace, membership, session_id, share_id):
    """Withdraw a summary link, after asking."""
    sparring_session = _session_or_404(workspace, session_id)
    form = ConfirmForm()
    if request.method == "GET" or not form.is_confirmed():
        shares = summary.summary_shares(sparring_session)
        any(s.id == share_id for s in shares) or abort(404)
        return ask_first(
            _("Withdraw this share link?"),
            [_("Whoever opens it is told it was withdrawn, instead of seeing the summary.")],
            url_for(
                "sparring.revoke_share",
                workspace_id=workspace.id,
                session_id=sparring_session.id,
                share_id=share_id,
            ),
            _("Withdraw the link"),
            _summary_url(workspace, sparring_session, _anchor="share"),
            _("Sparring summary"),
            form if form.is_submitted() else None,
        )
    summary.revoke_share(sparring_session, share_id) or abort(404)
    db.session.commit()
    _tell(sparring_session, _l("Share link withdrawn."))
    return redirect_page(_summary_url(workspace, sparring_session, _anchor="share"))


def _shared_session(token):
    share = summary.share_for_token(token)
    if share is None:
        return None, render_error(404)
    if share.revoked_at is not None:
        return None, render_error(
            410, _("This link has been withdrawn. Ask the sender for a new one.")
        )
    audit.record_share_use("sparring_share", share.id, share.session.series.workspace_id)
    return share.session, None


@sparrer_bp.get("/summary/<token>")
@public
def shared_summary(token):
    """The summary without names, for someone without an account."""
    sparring_session, refusal = _shared_session(token)
    if refusal:
        return refusal
    links = {"pdf": url_for("sparrer.shared_summary_pdf", token=token)}
    return _private(Response(summary.render(sparring_session, True, links, False)))


@sparrer_bp.get("/summary/<token>/summary.pdf")
@public
def shared_summary_pdf(token):
    """The shared summary as a PDF."""
    sparring_session, refusal = _shared_session(token)
    if refusal:
        return refusal
    html = summary.render(sparring_session, True, {}, True)
    return _private(pdf_download(html, *summary.file_names(sparring_session)))


# --- you said, we did ----------------------------------------------------------------------


def _commitment_or_404(workspace, commitment_id) -> Commitment:
    commitment = db.session.get(Commitment, commitment_id)
    if commitment is None or commitment.session.series.workspace_id != workspace.id:
        abort(404)
    return commitment


def _said_did_page(workspace, membership, commitment, form, status=200, error=None):
    return render_page(
        "sparring/summary/said_did_form.html",
        status=status,
        workspace=workspace,
        membership=membership,
        commitment=commitment,
        form=form,
        error=error,
        recipients=said_did.recipients(commitment),
    )


@bp.route("/commitments/<int:commitment_id>/said-did", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def said_did_form(workspace, membership, commitment_id):
    """The owner writes what was done (done commitments only); the sparrers it answers see it."""
    commitment = _commitment_or_404(workspace, commitment_id)
    if request.method == "GET":
        form = SaidDidForm(formdata=None, said_did=commitment.said_did)
        return _said_did_page(workspace, membership, commitment, form)
    form = SaidDidForm()
    if not form.validate_on_submit():
        return _said_did_page(workspace, membership, commitment, form, 422)
    try:
        said_did.write(commitment, form.said_did.data or "")
    except SparringError:
        db.session.rollback()
        error = _("Only a done commitment gets a “you said, we did” note. Mark it done first.")
        return _said_did_page(workspace, membership, commitment, form, 409, error)
    db.session.commit()
    flash(_("“You said, we did” saved: the sparrers see it on their own link."), "success")
    _send_notes(commitment)
    return redirect_page(
        url_for("sparring.said_did_form", workspace_id=workspace.id, commitment_id=commitment.id)
    )


def _send_notes(commitment: Commitment) -> None:
    """E-mail the sparrers the note is for, when SMTP is configured."""
    if not mail.is_configured():
        return
    try:
        sent = mail.send(said_did.messages(commitment))
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("“You said, we did” e-mail failed")
        flash(
            _("The e-mail to the sparrers could not be sent; they still see it on their link."),
            "error",
        )
        return
    if sent:
        flash(_("Sent to the sparrers by e-mail."), "success")


def _sparrer_or_404(token):
    return sparrer_for_token(token) or abort(404)


@sparrer_bp.get("/<token>/said-did")
@public
def said_did_page(token):
    """A sparrer's "you said, we did" notes."""
    sparrer = _sparrer_or_404(token)
    links = {
        "pdf": url_for("sparrer.said_did_pdf", token=token),
        "back": url_for("sparrer.landing", token=token),
    }
    return _private(Response(said_did.render(sparrer, links, False)))


@sparrer_bp.get("/<token>/said-did.pdf")
@public
def said_did_pdf(token):
    """A sparrer's "you said, we did" notes as a PDF."""
    sparrer = _sparrer_or_404(token)
    html = said_did.render(sparrer, {}, True)
    return _private(pdf_download(html, *said_did.file_names(sparrer)))
