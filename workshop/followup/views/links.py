"""What a link without an account opens: a witness sees the commitment's progress and comments
or confirms; an owner outside the workspace also moves the status and records check-ins.

A revoked, forged or malformed token, or a form made for another follow-up, is refused in
words with nothing changed. Posts are rate-limited per address (workshop/ratelimit.py)."""

from flask import abort, flash, g, make_response, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded

from workshop import clock
from workshop.access import public
from workshop.audit import services as audit
from workshop.errors import render_error
from workshop.extensions import db
from workshop.followup import links, services, tracking
from workshop.followup.forms import CheckInForm, CommentForm, StatusForm
from workshop.followup.labels import error_text
from workshop.followup.models import EventKind, FollowUpLink, LinkRole
from workshop.followup.views.blueprint import link_bp
from workshop.htmx import redirect_page, render_page
from workshop.sprints.forms import version_of

NOT_A_LINK = _l(
    "This link does not work: it was withdrawn, or it was copied only in part. "
    "Ask whoever sent it for a new one. Nothing was changed."
)
OTHER_FOLLOW_UP = _l(
    "This form was made for another follow-up than the one your link opens. "
    "Nothing was changed; open your own link again."
)
OWNERS_ONLY = _l("Only the owner's link can change the status or record check-ins.")


@link_bp.errorhandler(RateLimitExceeded)
def too_many(error):
    """Tries are limited per address, so nobody can guess links or flood a history."""
    return render_error(429, _("Too many tries from this network just now. Wait a while."))


def _link_or_refuse(token: str) -> FollowUpLink:
    link = links.link_for_token(token)
    if link is None:
        abort(make_response(render_error(404, NOT_A_LINK)))
    audit.record_share_use("follow_up_link", link.id, link.follow_up.workspace_id)
    return link


def _same_follow_up(link: FollowUpLink, form) -> None:
    if form.follow_up.data != str(link.follow_up_id):
        abort(make_response(render_error(409, OTHER_FOLLOW_UP)))


def _history(link: FollowUpLink):
    """History lines as a link holder may read them: no member names but the owner's."""
    follow_up = link.follow_up
    lines = []
    for event in follow_up.events:
        if event.kind == EventKind.LINK:
            continue
        if event.link is not None:
            who = event.link.name
        elif event.user_id is not None and event.user_id == follow_up.owner_user_id:
            who = follow_up.owner_label
        else:
            who = ""
        lines.append((event, who))
    return lines


def _page(token, link, status=200, **forms):
    follow_up = link.follow_up
    forms.setdefault("comment_form", CommentForm(formdata=None, follow_up=follow_up.id))
    forms.setdefault("status_form", StatusForm.showing(follow_up))
    forms.setdefault("check_in_form", None)
    return render_page(
        "followup/link.html",
        status=status,
        token=token,
        link=link,
        follow_up=follow_up,
        commitment=tracking.commitment_of(follow_up),
        history=_history(link),
        is_owner=link.role == LinkRole.OWNER,
        today=clock.today(),
        is_overdue=services.is_overdue,
        **forms,
    )


def _done(token, message):
    db.session.commit()
    g.ratelimit_made = True
    flash(message, "success")
    return redirect_page(url_for("follow_link.page", token=token))


@link_bp.get("/<token>")
@public
def page(token):
    """The follow-up as its link holder sees it."""
    link = _link_or_refuse(token)
    return _page(token, link)


@link_bp.post("/<token>/comment")
@public
def comment(token):
    """A comment, or with `confirm` the witness's confirmation."""
    link = _link_or_refuse(token)
    form = CommentForm()
    if not form.validate_on_submit():
        return _page(token, link, 422, comment_form=form)
    _same_follow_up(link, form)
    confirming = "confirm" in request.form
    try:
        if confirming:
            tracking.confirm(link.follow_up, link, form.text.data)
        else:
            tracking.comment(link.follow_up, link, form.text.data)
    except services.FollowUpError as error:
        db.session.rollback()
        form.form_errors.append(error_text(error.reason))
        return _page(token, link, 422, comment_form=form)
    return _done(
        token, _("Thank you: confirmed.") if confirming else _("Thank you: comment saved.")
    )


@link_bp.post("/<token>/status")
@public
def status(token):
    """An outside owner moves the follow-up on."""
    link = _link_or_refuse(token)
    if link.role != LinkRole.OWNER:
        return render_error(403, OWNERS_ONLY)
    form = StatusForm()
    if not form.validate_on_submit():
        return _page(token, link, 422, status_form=form)
    _same_follow_up(link, form)
    follow_up = link.follow_up
    try:
        tracking.set_status(
            follow_up, form.status.data, version_of(form.version), form.reason.data, link=link
        )
    except services.FollowUpError as error:
        db.session.rollback()
        form.form_errors.append(error_text(error.reason))
        form.version.data = str(follow_up.version)
        return _page(token, link, 409 if error.reason == "stale" else 422, status_form=form)
    return _done(token, _("Status saved."))


@link_bp.post("/<token>/check-in")
@public
def check_in(token):
    """An outside owner records a check-in."""
    link = _link_or_refuse(token)
    if link.role != LinkRole.OWNER:
        return render_error(403, OWNERS_ONLY)
    form = CheckInForm()
    if not form.validate_on_submit():
        return _page(token, link, 422, check_in_form=form)
    _same_follow_up(link, form)
    try:
        tracking.record_check_in(link.follow_up, form.kind.data, form.note.data, link=link)
    except services.FollowUpError as error:
        db.session.rollback()
        form.form_errors.append(error_text(error.reason))
        return _page(token, link, 422, check_in_form=form)
    return _done(token, _("Check-in recorded."))
