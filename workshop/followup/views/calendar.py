"""The owners' calendar feeds: the address a member copies into their calendar, and the feeds
themselves (a member's, and an outside owner's through their link), reachable without login."""

from flask import Response, abort, current_app, render_template, request
from flask_login import current_user

from workshop import addresses
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.audit import services as audit
from workshop.followup import calendar
from workshop.followup.views.blueprint import bp, link_bp


def _ics(data: bytes) -> Response:
    response = Response(data, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="polku.ics"'
    # The token is in the address: keep it out of caches and other sites' logs.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _language(preferred: str | None) -> str:
    asked = request.args.get("lang")
    for language in (asked, preferred, current_app.config["DEFAULT_LANGUAGE"]):
        if language in calendar.LANGUAGES:
            return language
    return "fi"


@bp.get("/calendar")
@workspace_role(Role.OBSERVER)
def calendar_page(workspace, membership):
    """The address of the member's own calendar feed of their check-ins."""
    return render_template(
        "followup/calendar.html",
        workspace=workspace,
        membership=membership,
        feed_url=user_feed_url(current_user),
    )


def user_feed_url(user) -> str:
    """The full address of a member's calendar feed."""
    return addresses.external_url(
        "follow_link.user_calendar", user_id=user.id, token=calendar.user_feed_token(user)
    )


@link_bp.get("/calendar/<int:user_id>/<token>.ics")
@public
def user_calendar(user_id, token):
    """A member's check-ins and due dates, for a calendar app (no login: the token is the key)."""
    user = calendar.user_for_feed(user_id, token) or abort(404)
    audit.record_export("follow_up_calendar", user.id, None, "ics", once_a_day=True, by=user.id)
    follow_ups = calendar.follow_ups_owned_by(user)
    return _ics(calendar.feed(follow_ups, _language(user.preferred_language), calendar.member_url))


@link_bp.get("/<token>/calendar.ics")
@public
def calendar_feed(token):
    """An outside owner's check-ins and due date, through their link."""
    link = calendar.owner_link_for_token(token) or abort(404)
    audit.record_share_use("follow_up_link", link.id, link.follow_up.workspace_id, "ics")
    page = request.root_url.rstrip("/") + request.path.removesuffix("/calendar.ics")
    return _ics(calendar.feed([link.follow_up], _language(None), lambda _follow_up: page))
