"""The sprint's summary as a page and a PDF, and the share links that show it to partners
without an account."""

import re

from flask import Response, abort, current_app, make_response, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from workshop import addresses, filenames, pdf
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.confirm import ask_first
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.pdf_download import refusal
from workshop.sprints import services
from workshop.sprints.forms import ShareLinkForm, read_language
from workshop.sprints.summary import render_summary, summary_pdf_source
from workshop.sprints.views.blueprint import bp, shared
from workshop.sprints.views.common import (
    NEW_LINK_KEY,
    refuse,
    sprint_or_404,
    sprint_page,
    to_sprint,
)

# The browser sends this back with a PDF request, so the page can tell when the file arrived.
READY_TOKEN = re.compile(r"^[A-Za-z0-9]{8,40}$")


def _too_large(sprint):
    """A refusal naming the limit when the sprint has more steps than a summary may show."""
    limit = current_app.config["PDF_MAX_STEPS"]
    steps = services.summary_step_count(sprint)
    if steps <= limit:
        return None
    return render_error(
        413,
        ngettext(
            "This sprint's journeys have %(num)d step; a summary can show at most "
            "%(max)d. Take some journeys out of the sprint's scope and try again.",
            "This sprint's journeys have %(num)d steps; a summary can show at most "
            "%(max)d. Take some journeys out of the sprint's scope and try again.",
            steps,
            max=limit,
        ),
    )


def _summary(sprint, as_pdf: bool, links: dict) -> Response:
    """The summary page or its PDF, in the language asked for (or the page's own)."""
    refusal = _too_large(sprint)
    if refusal:
        return make_response(refusal)
    language = read_language(request.args.get("lang"), read_language(str(get_locale()), "fi"))
    show_names = request.args.get("names") == "1" and links.get("names_allowed", True)
    show_staff = request.args.get("staff") == "1" and links.get("staff_allowed", True)
    if not as_pdf:
        return make_response(render_summary(sprint, language, show_names, links, False, show_staff))
    source = summary_pdf_source(sprint, language, show_names, links, show_staff)
    return _pdf_response(source.html, source.file_name, source.file_name_utf8)


def _pdf_response(html: str, filename: str, filename_utf8: str):
    renderer: pdf.PdfRenderer = current_app.extensions["polku_pdf"]
    try:
        result = renderer.render(html)
    except pdf.PdfError as error:
        too_large = _(
            "This summary needs more memory than a PDF may use. Take some journeys "
            "out of the sprint's scope, or print the summary page from your browser."
        )
        return refusal(renderer, error, too_large)
    current_app.logger.info(
        "PDF %s: %d pages in %.2fs, %d KiB peak",
        filename,
        result.pages,
        result.seconds,
        result.peak_memory_kib,
    )
    response = Response(result.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = filenames.attachment(filename, filename_utf8)
    response.headers["Cache-Control"] = "private, no-store"
    ready = request.args.get("ready", "")
    if READY_TOKEN.match(ready):
        response.set_cookie("polku_pdf_ready", ready, max_age=120, samesite="Strict")
    return response


def _workspace_links(workspace, sprint) -> dict:
    return {
        "back": url_for("sprints.detail", workspace_id=workspace.id, sprint_id=sprint.id),
        "pdf": url_for("sprints.summary_pdf", workspace_id=workspace.id, sprint_id=sprint.id),
        "page": url_for("sprints.summary", workspace_id=workspace.id, sprint_id=sprint.id),
    }


@bp.get("/<int:sprint_id>/summary")
@workspace_role(Role.OBSERVER)
def summary(workspace, membership, sprint_id):
    """The summary as a page: the print preview of the PDF."""
    sprint = sprint_or_404(workspace, sprint_id)
    return _summary(sprint, False, _workspace_links(workspace, sprint))


@bp.get("/<int:sprint_id>/summary.pdf")
@workspace_role(Role.OBSERVER)
def summary_pdf(workspace, membership, sprint_id):
    """The summary as a PDF to share and archive."""
    sprint = sprint_or_404(workspace, sprint_id)
    audit.record_export("sprint", sprint.id, workspace.id, "pdf")
    return _summary(sprint, True, _workspace_links(workspace, sprint))


@bp.post("/<int:sprint_id>/share")
@workspace_role(Role.FACILITATOR)
def create_share_link(workspace, membership, sprint_id):
    """Make a read-only link to the summary; its address is shown once."""
    sprint = sprint_or_404(workspace, sprint_id)
    form = ShareLinkForm()
    if not form.validate_on_submit():
        return sprint_page(workspace, membership, sprint, 422, share_form=form)
    try:
        _link, token = services.create_share_link(
            sprint, current_user, (form.label.data or "").strip(), form.expires_on.data
        )
    except services.TooMany as error:
        db.session.rollback()
        form.form_errors.append(_("A sprint has at most %(max)d share links.", max=error.limit))
        return sprint_page(workspace, membership, sprint, 422, share_form=form)
    # Shown once, on the page the browser is sent to: reloading that page makes no new link.
    session[NEW_LINK_KEY] = (sprint.id, addresses.external_url("shared.page", token=token))
    return to_sprint(workspace, sprint, _("Share link made."))


def _revoke_question(workspace, sprint, link, form=None):
    """The page (or the browser's question) saying what withdrawing the link does."""
    return ask_first(
        _("Withdraw the share link “%(label)s”?", label=link.label)
        if link.label
        else _("Withdraw this share link?"),
        [
            _(
                "Whoever opens it is told it was withdrawn, instead of seeing the sprint's "
                "summary and its PDF."
            ),
            _("You can restore it on the sprint's page until its end date; it keeps its address."),
        ],
        url_for(
            "sprints.revoke_share_link",
            workspace_id=workspace.id,
            sprint_id=sprint.id,
            link_id=link.id,
        ),
        _("Withdraw the link"),
        url_for(
            "sprints.detail", workspace_id=workspace.id, sprint_id=sprint.id, _anchor="share-title"
        ),
        sprint.title,
        form,
    )


@bp.route("/<int:sprint_id>/share/<int:link_id>/revoke", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def revoke_share_link(workspace, membership, sprint_id, link_id):
    """Stop a share link from working, after asking."""
    sprint = sprint_or_404(workspace, sprint_id)
    link = services.get_share_link(sprint, link_id) or abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.is_confirmed():
        return _revoke_question(workspace, sprint, link, form if form.is_submitted() else None)
    services.revoke_share_link(sprint, link.id)
    return to_sprint(
        workspace, sprint, _("Share link withdrawn. “Restore” below makes it work again.")
    )


@bp.post("/<int:sprint_id>/share/<int:link_id>/restore")
@workspace_role(Role.FACILITATOR)
def restore_share_link(workspace, membership, sprint_id, link_id):
    """Undo a withdrawal: the link works again at the same address, unless it has expired."""
    sprint = sprint_or_404(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        services.restore_share_link(sprint, link_id)
    except services.ShareLinkGone:
        message = _("This link has expired; make a new one instead.")
        return refuse(workspace, membership, sprint, message)
    except services.SprintError:
        abort(404)
    return to_sprint(workspace, sprint, _("Share link restored: it works again."))


def _shared_link(token):
    try:
        link = services.find_share_link(token)
    except services.ShareLinkGone:
        return None, render_error(
            410, _("This link has been withdrawn or has expired. Ask the sender for a new one.")
        )
    if link is None:
        return None, render_error(404)
    audit.record_share_use("share_link", link.id, link.sprint.workspace_id)
    return link, None


def _shared_links(link, **links) -> dict:
    """What a shared summary links to: no names, and the last day the link works."""
    expires_on = None
    if link.expires_at is not None:
        expires_on = link.expires_at.astimezone(services.time_zone(link.sprint.workspace)).date()
    # Nor the staff's self-assessment: the survey's results leave the workspace only through
    # the survey round's own share links, which its owners decide on.
    return {"names_allowed": False, "staff_allowed": False, "expires_on": expires_on} | links


@shared.get("/<token>")
@public
def page(token):
    """The sprint summary for someone without an account."""
    link, refusal = _shared_link(token)
    if refusal:
        return refusal
    links = _shared_links(link, pdf=url_for("shared.download", token=token))
    response = _summary(link.sprint, False, links)
    # The token is in the address: keep it out of caches and other sites' logs.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@shared.get("/<token>/summary.pdf")
@public
def download(token):
    """The shared sprint summary as a PDF."""
    link, refusal = _shared_link(token)
    if refusal:
        return refusal
    return _summary(link.sprint, True, _shared_links(link))
