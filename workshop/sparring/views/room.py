"""The session in a room: opening it (a sprint and a live session made for it), the scribe's
run page (agenda, captures, open commitments), the capture form on guests' phones and the
panel on live's projector, and the sparrer's link straight to the join page."""

from flask import abort, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import force_locale, format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop import clock
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.critical_points import services as points
from workshop.errors import render_error
from workshop.extensions import db
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.ids import parse_id
from workshop.live import services as live_services
from workshop.live.extensions import Panel
from workshop.live.guests import current_guest
from workshop.live.models import LiveSession
from workshop.models_base import utcnow
from workshop.sparring import room
from workshop.sparring import services as sparring
from workshop.sparring.labels import agenda_title
from workshop.sparring.models import AuthorRole, CaptureType, SparringSession
from workshop.sparring.room_forms import (
    CaptureForm,
    RoomActionForm,
    ScribeCaptureForm,
    StartItemForm,
)
from workshop.sparring.views.blueprint import bp, sparrer_bp
from workshop.sprints.models import TITLE_MAX as SPRINT_TITLE_MAX

REFUSALS = {
    "no_journey": _l("Make a journey first: the room shows the evidence on it."),
    "held": _l("This session has been held: its workshop cannot be started again."),
    "room_closed": _l("The room is closed, so nothing was added. Your text is kept below."),
    "unknown_item": _l("That item is not on this session's agenda."),
    "unknown_about": _l("Choose a step or a critical point of this journey."),
    "capture_text": _l("Write what was said, in at most 1000 characters."),
    "unknown_submission": _l("That form could not be matched. Reload the page and send it again."),
    "unknown_capture": _l("That entry is not in this session."),
    "removed": _l("The facilitator has removed you from this session. Nothing was added."),
}
ROOM_REFUSED = _l("The room could not be opened now. Try again in a moment.")
CAPTURED = _l("Thank you: your entry is in.")
NOT_IN_ROOM = _l("You have not joined this session. Join with the code on the screen.")
# The thanks after a capture sent without JavaScript, for the page the redirect leads to.
SAID_KEY = "sparring_said"


def _refusal(error: sparring.SparringError) -> str:
    return str(REFUSALS.get(error.reason, REFUSALS["unknown_submission"]))


def _session_or_404(workspace, session_id: int) -> SparringSession:
    return sparring.get_session(workspace, session_id) or abort(404)


def _not_in_room():
    abort(make_response(*render_error(404, str(NOT_IN_ROOM))))


# --- the forms ---------------------------------------------------------------------------------


def _about_choices(sp: SparringSession) -> list[tuple]:
    found = room.about_choices(sp, lambda title: title)
    return [SelectChoice("", _("Nothing in particular"))] + [SelectChoice(*c) for c in found]


def _guest_form(sp: SparringSession, guest, formdata: bool = False) -> CaptureForm:
    """A guest's capture form: read from the request, or fresh with the guest's role and
    organisation filled in and a new one-time key."""
    if formdata:
        form = CaptureForm(prefix="capture")
    else:
        form = CaptureForm(
            formdata=None,
            prefix="capture",
            author_role=room.author_role_for(guest, sp).value,
            organisation=guest.organisation_label,
        )
        form.submission_key.data = points.new_submission_key()
    form.about.choices = _about_choices(sp)
    # Only the scribe's page speaks for the facilitator; a phone is someone in the room.
    form.author_role.choices = [
        c for c in form.author_role.choices if c.value != AuthorRole.FACILITATOR.value
    ]
    return form


def _scribe_form(sp: SparringSession, formdata: bool = False) -> ScribeCaptureForm:
    sparrers = sp.sparrers or sp.series.sparrers
    form = (
        ScribeCaptureForm(prefix="scribe")
        if formdata
        else ScribeCaptureForm(
            formdata=None, prefix="scribe", author_role=AuthorRole.MANAGEMENT.value
        )
    )
    if not formdata:
        form.submission_key.data = points.new_submission_key()
    form.about.choices = _about_choices(sp)
    form.author.choices = [SelectChoice("", _("Someone else"))] + [
        SelectChoice(str(s.id), f"{s.name}, {s.organisation}")
        for s in sparrers
        if s.revoked_at is None
    ]
    return form


def _capture_data(form: CaptureForm, author_name: str = "") -> room.CaptureData:
    return room.CaptureData(
        type=CaptureType(form.type.data),
        text=form.text.data or "",
        author_role=AuthorRole(form.author_role.data),
        organisation=form.organisation.data or "",
        quotable=bool(form.quotable.data),
        about=form.about.data or "",
        author_name=author_name,
    )


# --- live's panels -----------------------------------------------------------------------------


def phone_panel(live: LiveSession, guest) -> Panel | None:
    """The capture form above the workshop's forms, on the phone of a sparring room's guest."""
    sp = room.room_of(live)
    if sp is None:
        return None
    said = session.pop(SAID_KEY, None)
    context = {
        "sp": sp,
        "live": live,
        "form": _guest_form(sp, guest),
        "is_open": room.room_is_open(sp),
        "message": said if isinstance(said, str) else None,
    }
    return Panel("sparring/room/_phone_panel.html", context, instead=True)


def projector_panel(live: LiveSession) -> Panel | None:
    """The agenda item, the evidence being discussed and the captures, on the projector."""
    sp = room.room_of(live)
    if sp is None:
        return None
    item = room.current_item(sp)
    context = {
        "sp": sp,
        "item": item,
        "evidence": room.evidence_now(sp),
        "captures": room.captures_of(sp)[:8],
    }
    return Panel("sparring/room/_projector_panel.html", context)


# --- a guest's capture -------------------------------------------------------------------------


@sparrer_bp.post("/room/<int:live_id>/captures")
@public
def guest_capture(live_id):
    """A capture sent from a guest's phone: saved, or the form back as typed with why not."""
    live = live_services.get_live(live_id) or _not_in_room()
    guest = current_guest(live) or _not_in_room()
    sp = room.room_of(live) or _not_in_room()
    form = _guest_form(sp, guest, formdata=True)
    if not guest.counts:
        return _capture_kept(sp, live, form, _refusal(sparring.SparringError("removed")), 403)
    if not form.validate_on_submit():
        return _capture_kept(sp, live, form, None, 422)
    try:
        room.add_capture(sp, _capture_data(form), form.submission_key.data, guest=guest)
    except sparring.SparringError as refused:
        db.session.rollback()
        status = 409 if refused.reason == "room_closed" else 422
        return _capture_kept(sp, live, form, _refusal(refused), status)
    db.session.commit()
    return _captured(sp, live, guest)


def _capture_kept(sp, live, form, error, status: int):
    """The form back as typed, with the reason it was not added."""
    context = {"sp": sp, "live": live, "form": form, "is_open": room.room_is_open(sp)}
    context["error"] = error
    if wants_fragment():
        html = render_template("sparring/room/_capture_form.html", **context)
        return make_response(html, status)
    return render_page("sparring/room/capture.html", status=status, **context)


def _captured(sp, live, guest):
    """Thanks, and a fresh form: the phone page again, or the form alone for htmx."""
    if not wants_fragment():
        session[SAID_KEY] = str(CAPTURED)
        return redirect(url_for("live.phone", session_id=live.id, _anchor="capture-form"), 303)
    context = {
        "sp": sp,
        "live": live,
        "form": _guest_form(sp, guest),
        "is_open": True,
        "message": str(CAPTURED),
    }
    return render_template("sparring/room/_capture_form.html", **context)


@sparrer_bp.get("/<token>/room")
@public
def sparrer_room(token):
    """A sparrer's personal link to the room: the join page with the code filled in, once the
    room of one of their sessions is open."""
    sparrer = sparring.sparrer_for_token(token)
    if sparrer is None:
        abort(404)
    for sp in sparrer.series.sessions:
        if room.room_is_open(sp) and (sparrer in sp.sparrers or not sp.sparrers):
            return redirect(url_for("live.join", code=sp.live_session.join_code), 303)
    return render_page("sparring/room/not_open.html", sparrer=sparrer)


# --- the scribe --------------------------------------------------------------------------------


def _epoch_ms(moment) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def _run_context(workspace, membership, sp, scribe_form=None, error=None) -> dict:
    live = sp.live_session
    first = sp.agenda[0] if sp.agenda else None
    now = utcnow()
    return {
        "seconds_left": live_services.seconds_left(live, now),
        "timer_ends_ms": _epoch_ms(live.timer_ends_at),
        "now_ms": _epoch_ms(now),
        "workspace": workspace,
        "membership": membership,
        "sp": sp,
        "live": live,
        "is_open": room.room_is_open(sp),
        "item": room.current_item(sp),
        "first_on": first is not None and sp.current_position == first.position,
        "open_commitments": sparring.open_commitments(sp.series, before=sp),
        "captures": room.captures_of(sp),
        "form": scribe_form or _scribe_form(sp),
        "action_form": RoomActionForm(),
        "error": error,
    }


@bp.post("/sessions/<int:session_id>/room/open")
@workspace_role(Role.FACILITATOR)
def open_room(workspace, membership, session_id):
    """Open the session's room: a sprint and a live session for it, then the run page."""
    sp = _session_or_404(workspace, session_id)
    if not RoomActionForm().validate_on_submit():
        abort(400)
    # The sprint is the host's record: named in the host's language, whoever opens the room.
    with force_locale(sp.series.language):
        title = f"{sp.series.title}: {format_date(sp.held_on, 'medium')}"[:SPRINT_TITLE_MAX]
        phases = [agenda_title(item) for item in sp.agenda]
    try:
        room.open_room(sp, current_user, title, phases, clock.today())
    except (sparring.SparringError, live_services.Refused) as refused:
        db.session.rollback()
        message = _refusal(refused) if isinstance(refused, sparring.SparringError) else None
        context = {"workspace": workspace, "sp": sp, "message": message or str(ROOM_REFUSED)}
        return render_page("sparring/room/refused.html", status=409, **context)
    db.session.commit()
    return redirect_page(url_for("sparring.run", workspace_id=workspace.id, session_id=sp.id))


@bp.get("/sessions/<int:session_id>/room")
@workspace_role(Role.FACILITATOR)
def run(workspace, membership, session_id):
    """The scribe's page: the agenda with the item under way, the captures as they come."""
    sp = _session_or_404(workspace, session_id)
    if sp.live_session is None:
        abort(404)
    return render_page("sparring/room/run.html", **_run_context(workspace, membership, sp))


@bp.get("/sessions/<int:session_id>/room/captures")
@workspace_role(Role.FACILITATOR)
def run_captures(workspace, membership, session_id):
    """The run page's captures, when the room's entries counter moved past `e` (204 if not)."""
    sp = _session_or_404(workspace, session_id)
    if sp.live_session is None:
        abort(404)
    seen = parse_id(request.args.get("e"))
    if seen is not None and seen == sp.live_session.entries_version:
        return make_response("", 204)
    context = _run_context(workspace, membership, sp)
    return render_template("sparring/room/_captures.html", **context)


@bp.post("/sessions/<int:session_id>/room/item")
@workspace_role(Role.FACILITATOR)
def start_item(workspace, membership, session_id):
    """Move the room to an agenda item: phase, activity and timer follow."""
    sp = _session_or_404(workspace, session_id)
    form = StartItemForm()
    position = parse_id(form.position.data) if form.validate_on_submit() else None
    item = next((i for i in sp.agenda if i.position == position), None)
    try:
        if item is None:
            raise sparring.SparringError("unknown_item")
        with force_locale(sp.series.language):
            name = agenda_title(item)
        room.start_item(sp, item.position, name)
    except (sparring.SparringError, live_services.Refused) as refused:
        db.session.rollback()
        reason = getattr(refused, "reason", "")
        flash(
            _refusal(sparring.SparringError("room_closed" if reason == "ended" else reason)),
            "error",
        )
    else:
        db.session.commit()
    return redirect_page(url_for("sparring.run", workspace_id=workspace.id, session_id=sp.id))


@bp.post("/sessions/<int:session_id>/room/captures")
@workspace_role(Role.FACILITATOR)
def scribe_capture(workspace, membership, session_id):
    """The scribe's capture, said by a sparrer or someone else."""
    sp = _session_or_404(workspace, session_id)
    if sp.live_session is None:
        abort(404)
    form = _scribe_form(sp, formdata=True)
    error = None
    if form.validate_on_submit():
        sparrer = next((s for s in sp.series.sparrers if str(s.id) == form.author.data), None)
        data = _capture_data(form, author_name=sparrer.name if sparrer else "")
        scribe = current_user._get_current_object()
        try:
            room.add_capture(sp, data, form.submission_key.data, None, scribe, sparrer)
        except sparring.SparringError as refused:
            db.session.rollback()
            error = _refusal(refused)
        else:
            db.session.commit()
            run_url = url_for("sparring.run", workspace_id=workspace.id, session_id=sp.id)
            return redirect_page(run_url + "#scribe-form")
    context = _run_context(workspace, membership, sp, scribe_form=form, error=error)
    return render_page("sparring/room/run.html", status=422 if error is None else 409, **context)


@bp.post("/sessions/<int:session_id>/room/captures/<int:capture_id>/remove")
@workspace_role(Role.FACILITATOR)
def remove_capture(workspace, membership, session_id, capture_id):
    """Take a capture out of the session's record."""
    sp = _session_or_404(workspace, session_id)
    capture = room.get_capture(sp, capture_id) or abort(404)
    if not RoomActionForm().validate_on_submit():
        abort(400)
    room.remove_capture(sp, capture)
    db.session.commit()
    flash(_("The entry was removed."), "success")
    return redirect_page(url_for("sparring.run", workspace_id=workspace.id, session_id=sp.id))


@bp.post("/sessions/<int:session_id>/room/close")
@workspace_role(Role.FACILITATOR)
def close_room(workspace, membership, session_id):
    """Close the room: the code stops working, what was captured stays."""
    sp = _session_or_404(workspace, session_id)
    if sp.live_session is None:
        abort(404)
    if not RoomActionForm().validate_on_submit():
        abort(400)
    room.close_room(sp)
    db.session.commit()
    flash(_("The room is closed."), "success")
    return redirect_page(url_for("sparring.run", workspace_id=workspace.id, session_id=sp.id))
