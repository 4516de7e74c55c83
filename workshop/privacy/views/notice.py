"""The privacy notice: members read it in their workspace, guests by the workshop's join code
or their personal link, facilitators write their own in each language."""

from flask import abort, flash, make_response, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from workshop.access import public, workspace_role
from workshop.accounts.models import Role, Workspace
from workshop.audit.models import Action
from workshop.audit.services import record
from workshop.errors import render_error
from workshop.extensions import db
from workshop.followup import links as follow_links
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.i18n import LANGUAGE_NAMES, current_language
from workshop.live import services as live
from workshop.privacy import notice as texts
from workshop.privacy import services
from workshop.privacy.forms import NoticeForm
from workshop.privacy.views.blueprint import bp
from workshop.sparring import services as sparring

NO_SUCH_LINK = _l(
    "This link does not work: it was withdrawn, or it was copied only in part. "
    "Ask whoever sent it for a new one."
)


# Whom each route's page is for, so their descriptions tell them apart.
READERS = {
    "members": _l("For the members of the workspace."),
    "guests": _l("For those joining one of its workshops."),
    "sparrers": _l("For its sparring partners."),
    "links": _l("For those following up its work by link."),
}


def _show(workspace: Workspace, reader: str, back: str | None = None, can_edit: bool = False):
    language = current_language()
    return render_page(
        "privacy/notice.html",
        reader=READERS[reader],
        workspace=workspace,
        blocks=texts.blocks(texts.text_of(workspace, language)),
        own=texts.written(workspace, language),
        back=back,
        can_edit=can_edit,
        languages=LANGUAGE_NAMES,
    )


@bp.get("/w/<int:workspace_id>/privacy")
@workspace_role(Role.OBSERVER)
def notice(workspace, membership):
    """The workspace's privacy notice as its members read it."""
    return _show(workspace, "members", can_edit=membership.role == Role.FACILITATOR)


@bp.get("/j/<code>/privacy")
@public
def for_guests(code):
    """The notice of the workspace running this workshop, before a guest joins."""
    found = live.session_for_code(code)
    if found is None:
        message = _("No workshop has the code %(code)s.", code=code[:12])
        return render_error(404, message)
    return _show(found.sprint.workspace, "guests", back=url_for("live.join", code=found.join_code))


@bp.get("/sp/<token>/privacy")
@public
def for_sparrer(token):
    """The notice of the workspace a sparrer's personal link belongs to."""
    sparrer = sparring.sparrer_for_token(token)
    if sparrer is None:
        abort(make_response(render_error(404, NO_SUCH_LINK)))
    return _show(sparrer.series.workspace, "sparrers", back=url_for("sparrer.landing", token=token))


@bp.get("/f/<token>/privacy")
@public
def for_follow_link(token):
    """The notice of the workspace a follow-up link belongs to."""
    link = follow_links.link_for_token(token)
    if link is None:
        abort(make_response(render_error(404, NO_SUCH_LINK)))
    return _show(link.follow_up.workspace, "links", back=url_for("follow_link.page", token=token))


def _language_or_404(language: str) -> str:
    if language not in LANGUAGE_NAMES:
        abort(404)
    return language


@bp.route("/w/<int:workspace_id>/privacy/<language>/edit", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit(workspace, membership, language):
    """Write the notice in one language, starting from the text shown now."""
    _language_or_404(language)
    form = NoticeForm()
    if form.validate_on_submit():
        services.save_notice(workspace, language, form.body.data, current_user)
        record(Action.CHANGE, "privacy_notice", workspace_id=workspace.id, detail=language)
        db.session.commit()
        flash(_("The privacy notice was saved."), "success")
        return redirect_page(url_for("privacy.notice", workspace_id=workspace.id))
    if not form.is_submitted():
        form.body.data = texts.text_of(workspace, language)
    return render_page(
        "privacy/edit.html",
        status=422 if form.errors else 200,
        workspace=workspace,
        form=form,
        language=language,
        language_name=LANGUAGE_NAMES[language],
        own=texts.written(workspace, language),
        reset_form=EmptyForm(),
    )


@bp.post("/w/<int:workspace_id>/privacy/<language>/reset")
@workspace_role(Role.FACILITATOR)
def reset(workspace, membership, language):
    """Go back to the default text in one language."""
    _language_or_404(language)
    if EmptyForm().validate_on_submit() and services.reset_notice(workspace, language):
        record(Action.REMOVE, "privacy_notice", workspace_id=workspace.id, detail=language)
        db.session.commit()
        flash(_("The privacy notice is the default text again."), "success")
    return redirect_page(url_for("privacy.notice", workspace_id=workspace.id))
