"""The evidence pack: its page and PDF for members, freezing, share links, and what a share
link or a sparrer's personal link opens."""

from flask import abort, current_app, flash, make_response, redirect, session, url_for
from flask_babel import gettext as _

from workshop import pdf
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.pdf_download import pdf_download, refusal
from workshop.sparring import evidence
from workshop.sparring import services as sparring
from workshop.sparring.evidence_pdf import file_name, pages_of, print_html
from workshop.sparring.views.blueprint import bp, sparrer_bp

_NEW_SHARE = "new_pack_share"


def _session_or_404(workspace, session_id):
    return sparring.get_session(workspace, session_id) or abort(404)


def _private(response):
    # The token is in the address: keep it out of caches and other sites' logs.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _pdf(sparring_session):
    frozen = sparring_session.pack is not None
    try:
        pack = (
            evidence.load(sparring_session.pack)
            if frozen
            else evidence.fitted(sparring_session, pages_of)
        )
    except pdf.PdfError as error:
        return refusal(current_app.extensions["polku_pdf"], error)
    html = print_html(pack, for_pdf=True, frozen=frozen)
    return pdf_download(html, file_name(pack), file_name(pack))


@bp.get("/sessions/<int:session_id>/pack")
@workspace_role(Role.OBSERVER)
def pack(workspace, membership, session_id):
    """The session's evidence pack: the frozen one, or the live draft marked as a draft."""
    sparring_session = _session_or_404(workspace, session_id)
    can_edit = membership.role.allows(Role.FACILITATOR)
    made = session.get(_NEW_SHARE)
    new_share = None
    if made and made[0] == sparring_session.id and can_edit:
        session.pop(_NEW_SHARE)
        new_share = made[1]
    links = {
        "pdf": url_for(".pack_pdf", workspace_id=workspace.id, session_id=session_id),
        "workspace": workspace,
        "session": sparring_session,
        "can_edit": can_edit,
        "shares": evidence.pack_shares(sparring_session) if can_edit else [],
        "new_share": new_share,
    }
    html = print_html(
        evidence.pack_of(sparring_session),
        for_pdf=False,
        frozen=sparring_session.pack is not None,
        links=links,
    )
    return make_response(html)


@bp.get("/sessions/<int:session_id>/pack.pdf")
@workspace_role(Role.OBSERVER)
def pack_pdf(workspace, membership, session_id):
    """The session's evidence pack as a PDF."""
    audit.record_export("sparring_session", session_id, workspace.id, "pack pdf")
    return _pdf(_session_or_404(workspace, session_id))


@bp.post("/sessions/<int:session_id>/pack/freeze")
@workspace_role(Role.FACILITATOR)
def freeze_pack(workspace, membership, session_id):
    """Freeze the pack as it stands now, so the sparrers read what the session will discuss."""
    sparring_session = _session_or_404(workspace, session_id)
    back = url_for(".pack", workspace_id=workspace.id, session_id=session_id)
    if not EmptyForm().validate_on_submit():
        flash(_("The form had expired. Nothing was changed; try again."), "error")
        return redirect(back, 303)
    try:
        evidence.freeze(sparring_session, pages_of)
    except sparring.SparringError:
        flash(_("The session has been held: its evidence pack can no longer change."), "error")
        return redirect(back, 303)
    except pdf.PdfError as error:
        db.session.rollback()
        return refusal(current_app.extensions["polku_pdf"], error)
    db.session.commit()
    flash(_("The evidence pack was frozen. Share it with the sparring partners."), "success")
    return redirect(back, 303)


@bp.post("/sessions/<int:session_id>/pack/shares")
@workspace_role(Role.FACILITATOR)
def share_pack(workspace, membership, session_id):
    """A new share link to the pack, shown once on the pack's page."""
    sparring_session = _session_or_404(workspace, session_id)
    back = url_for(".pack", workspace_id=workspace.id, session_id=session_id)
    if not EmptyForm().validate_on_submit():
        flash(_("The form had expired. Nothing was changed; try again."), "error")
        return redirect(back, 303)
    token = evidence.share(sparring_session, membership.user)
    db.session.commit()
    session[_NEW_SHARE] = (
        sparring_session.id,
        url_for("sparrer.shared_pack", token=token, _external=True),
    )
    return redirect(back, 303)


@bp.post("/sessions/<int:session_id>/pack/shares/<int:share_id>/withdraw")
@workspace_role(Role.FACILITATOR)
def withdraw_pack_share(workspace, membership, session_id, share_id):
    """Withdraw a share link of the pack."""
    sparring_session = _session_or_404(workspace, session_id)
    found = evidence.get_share(sparring_session, share_id) or abort(404)
    back = url_for(".pack", workspace_id=workspace.id, session_id=session_id)
    if not EmptyForm().validate_on_submit():
        flash(_("The form had expired. Nothing was changed; try again."), "error")
        return redirect(back, 303)
    evidence.revoke(found)
    db.session.commit()
    flash(_("Share link withdrawn."), "success")
    return redirect(back, 303)


def _shared(token):
    try:
        found = evidence.find_share(token)
    except evidence.ShareGone:
        message = _("This link has been withdrawn or has expired. Ask the sender for a new one.")
        abort(make_response(render_error(410, message)))
    found = found or abort(404)
    audit.record_share_use("sparring_share", found.id, found.session.series.workspace_id)
    return found


@sparrer_bp.get("/pack/<token>")
@public
def shared_pack(token):
    """The evidence pack through a share link, without an account."""
    found = _shared(token)
    links = {"pdf": url_for(".shared_pack_pdf", token=token)}
    sparring_session = found.session
    html = print_html(
        evidence.pack_of(sparring_session),
        for_pdf=False,
        frozen=sparring_session.pack is not None,
        links=links,
    )
    return _private(make_response(html))


@sparrer_bp.get("/pack/<token>.pdf")
@public
def shared_pack_pdf(token):
    """The evidence pack's PDF through a share link."""
    return _private(_pdf(_shared(token).session))


def _sparrer_session(token, session_id):
    sparrer = sparring.sparrer_for_token(token) or abort(404)
    found = next((s for s in sparrer.series.sessions if s.id == session_id), None)
    if found is None or found.pack is None:
        abort(404)
    return found


@sparrer_bp.get("/<token>/sessions/<int:session_id>/pack")
@public
def sparrer_pack(token, session_id):
    """The frozen evidence pack of a session of the sparrer's series, from their own link."""
    sparring_session = _sparrer_session(token, session_id)
    links = {
        "pdf": url_for(".sparrer_pack_pdf", token=token, session_id=session_id),
        "own_link": True,
        "back": url_for(".landing", token=token),
    }
    html = print_html(evidence.pack_of(sparring_session), False, True, links)
    return _private(make_response(html))


@sparrer_bp.get("/<token>/sessions/<int:session_id>/pack.pdf")
@public
def sparrer_pack_pdf(token, session_id):
    """The frozen evidence pack's PDF from the sparrer's own link."""
    return _private(_pdf(_sparrer_session(token, session_id)))
