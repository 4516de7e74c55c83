"""The live session: guests join by code and work on their phones; facilitators run the room
from a console and show the projector view. Screens poll one small query and fetch only the
regions whose counter moved, so any number of app processes can serve one room."""

import secrets
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import segno
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import SelectChoice

from workshop import addresses
from workshop.access import public, workspace_role
from workshop.accounts.models import Role
from workshop.accounts.services import membership_for, organisations_of
from workshop.confirm import ask_first
from workshop.critical_points import services as points
from workshop.critical_points.labels import CATEGORY_LABELS
from workshop.critical_points.models import ReporterRole
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.fragment_cache import fragment_cache
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.ids import parse_id
from workshop.journeys import services as journeys
from workshop.live import services
from workshop.live.forms import (
    ActivityForm,
    CodeForm,
    CommentEntryForm,
    DotForm,
    JoinForm,
    OfflineGuestForm,
    OrganisationForm,
    PointEntryForm,
    RemoveForm,
    StartForm,
    StepEntryForm,
    TimerForm,
    VotingForm,
)
from workshop.live.models import Admission, Entry, EntryKind, Guest, LiveSession
from workshop.models_base import utcnow
from workshop.sprints import services as sprints

bp = Blueprint("live", __name__)
room = Blueprint("room", __name__)

# The signed session cookie remembers which guest this browser is in each session it joined.
GUESTS_KEY = "live_guests"

REFUSALS = {
    "ended": _l("This session has ended: you can still look, but nothing new can be added."),
    "locked": _l("The facilitator has locked editing for now. Nothing was added."),
    "voting_closed": _l("Voting is closed, so the dot was not counted."),
    "budget_spent": _l("You have used all your dots. Take one back to move it."),
    "one_per_point": _l("In this vote each point takes at most one dot from you."),
    "unknown_step": _l("That step is no longer on the journey. Choose another one."),
    "unknown_place": _l("Choose a stage and a lane of this journey."),
    "unknown_category": _l("That category is not in use any more. Choose another one."),
    "unknown_point": _l("That critical point is not on this journey."),
    "point_closed": _l("That critical point is resolved or set aside, so it takes no dots."),
    "unknown_submission": _l("That form could not be matched. Reload the page and send it again."),
    "unknown_entry": _l("That entry is not in this session."),
    "not_revealed": _l("Reveal the private entries before adding this step to the journey."),
    "sprint_not_running": _l("Start the sprint before starting a live session."),
    "journey_not_in_sprint": _l("Choose one of the sprint's journeys."),
    "already_running": _l("A live session of this sprint is already going."),
    "timer": _l("The timer could not be set to that."),
    "budget": _l("Give each participant between 1 and 20 dots."),
    "unknown_phase": _l("Choose one of the sprint's phases."),
    "door_closed": _l("The facilitator has closed the door: no new participants can join now."),
    "guest_removed": _l("The facilitator has removed you from this session. Nothing was added."),
    "not_admitted": _l("Wait until the facilitator lets you in. Nothing was added yet."),
    "unknown_guest": _l("That participant is not in this session."),
    "unknown_organisation": _l("Choose one of the workspace's organisations."),
}
# Refusals caused by what was sent answer 422; the rest are the room's state (409).
INPUT_REFUSALS = {
    "unknown_step",
    "unknown_place",
    "unknown_category",
    "unknown_point",
    "journey_not_in_sprint",
    "timer",
    "budget",
    "unknown_phase",
    "unknown_guest",
    "unknown_organisation",
}


def refusal_status(refusal: services.Refused) -> int:
    """422 for a bad request, 409 for one the room's state does not allow."""
    return 422 if refusal.reason in INPUT_REFUSALS else 409


def refusal_text(refusal: services.Refused) -> str:
    """The translated reason."""
    return str(REFUSALS.get(refusal.reason, REFUSALS["unknown_submission"]))


# --- shared pieces -----------------------------------------------------------------------------


def _epoch_ms(moment: datetime | None) -> int | None:
    return int(moment.timestamp() * 1000) if moment else None


def _room_context(live: LiveSession, for_phone: bool = False) -> dict:
    """What every view of the room shows: its state, the timer on the server's clock."""
    now = utcnow()
    # Read before anything the page shows: a screen may be behind its counters, never ahead.
    state = services.state_of(live)
    return {
        "state": state,
        "live": live,
        "now": now,
        "now_ms": _epoch_ms(now),
        "is_open": live.is_open(now),
        "seconds_left": services.seconds_left(live, now),
        "timer_ends_ms": _epoch_ms(live.timer_ends_at),
        # Phones do not show how many private entries wait; the console and projector do.
        "private_waiting": 0 if for_phone else services.private_count(live),
    }


def join_url(live: LiveSession) -> str:
    """The address in the QR code: one a phone in the room can open."""
    return addresses.external_url("live.join", code=live.join_code)


def enter_code_url() -> str:
    """Where a phone types the code, on the same address as join_url()."""
    return addresses.external_url("live.enter_code")


def qr_svg(live: LiveSession) -> Markup:
    """The join address as a QR code, drawn on the server as SVG."""
    code = segno.make(join_url(live), error="m")
    svg = code.svg_inline(scale=6, dark="#111", light="#fff", svgclass="qr", omitsize=True)
    return Markup(svg)


def _known_versions() -> services.PollState:
    """The counters a poll says it has seen; 400 unless all four are small whole numbers."""
    values = []
    for name in ("c", "v", "e", "j"):
        text = request.args.get(name, "")
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            abort(400)
        values.append(int(text))
    return services.PollState(*values)


def _poll_answer(state: services.PollState | None, known: services.PollState, render) -> Response:
    """304 with an empty body when nothing moved; the changed regions otherwise."""
    if state is None:
        _not_in_room()
    if state == known or request.if_none_match.contains(state.etag):
        response = make_response("", 304)
    else:
        response = make_response(render(state))
    response.set_etag(state.etag)
    response.headers["Cache-Control"] = "no-store"
    return response


def _changed(state: services.PollState, known: services.PollState) -> dict:
    return {
        "controls_changed": state.controls != known.controls,
        "tally_changed": state.tally != known.tally,
        "entries_changed": state.entries != known.entries,
        "journey_changed": state.journey != known.journey,
    }


def _steps_by_stage(board) -> list[tuple]:
    """(stage, [(step, lane)]) for the step choices, in the board's order."""
    grouped = []
    for stage in board.stages:
        steps = [(step, lane) for lane in board.lanes for step in board.steps_in(stage, lane)]
        grouped.append((stage, steps))
    return grouped


# --- guests: joining ---------------------------------------------------------------------------


def _joined_guest_id(live_id: int) -> int | None:
    return (session.get(GUESTS_KEY) or {}).get(str(live_id))


@bp.app_errorhandler(RateLimitExceeded)
def too_many_codes(error):
    """Wrong join codes are limited per address and per code; the page says why and when."""
    message = _("Too many wrong codes were tried. Wait a moment, then type the code on the screen.")
    return render_error(429, message)


@bp.get("/j/")
@public
def enter_code():
    """Type the code shown on the screen."""
    form = CodeForm(request.args)
    if "code" in request.args and form.validate():
        return redirect(url_for("live.join", code=services.normalise_code(form.code.data)))
    status = 422 if form.errors else 200
    return render_page("live/code.html", form=form, status=status)


@bp.route("/j/<code>", methods=["GET", "POST"])
@public
def join(code):
    """Join a session: a name, a role, an organisation if one likes; no account."""
    live = services.session_for_code(code)
    if live is None:
        # Echo no more than a code's worth of what was typed: the address may be any length.
        form = CodeForm(formdata=None, code=code[:12])
        message = _(
            "No workshop has the code %(code)s. Check the code on the screen.", code=code[:12]
        )
        return render_page("live/code.html", form=form, error=message, status=404)
    if not live.is_open(utcnow()):
        return render_page("live/ended.html", live=live, status=410)
    guest = services.get_guest(live, _joined_guest_id(live.id))
    if guest is not None:
        # The same phone joining again is the same guest.
        return redirect_page(url_for("live.phone", session_id=live.id))
    if live.door_closed:
        return render_page("live/closed.html", live=live, status=403)
    form = JoinForm()
    if form.validate_on_submit():
        try:
            guest = services.join(
                live,
                form.display_name.data,
                ReporterRole(form.role.data),
                form.organisation.data or "",
                submission_key=form.submission_key.data,
                network=services.network_of(request.remote_addr),
            )
        except services.Refused as refusal:
            db.session.rollback()
            if refusal.reason == "door_closed":
                return render_page("live/closed.html", live=live, status=403)
            return render_page("live/ended.html", live=live, status=410)
        db.session.commit()
        session[GUESTS_KEY] = (session.get(GUESTS_KEY) or {}) | {str(live.id): guest.id}
        session.permanent = True
        return redirect_page(url_for("live.phone", session_id=live.id))
    if not form.is_submitted():
        form.submission_key.data = points.new_submission_key()
    return render_page("live/join.html", live=live, form=form, status=422 if form.errors else 200)


# --- guests: the phone view ----------------------------------------------------------------------


NOT_IN_ROOM = _l("You have not joined this session. Join with the code on the screen.")


def _not_in_room():
    """One answer for a room that does not exist and one the caller does not belong to, so
    that nobody outside a room learns that it exists."""
    abort(make_response(*render_error(404, str(NOT_IN_ROOM))))


def _live_or_404(session_id: int) -> LiveSession:
    return services.get_live(session_id) or _not_in_room()


def _actor(live: LiveSession):
    """Who acts: the guest this browser joined as, or someone without a device a facilitator
    enters things for (`proxy`). Returns (guest, the facilitator or None)."""
    proxy = request.values.get("proxy", "")
    if proxy:
        membership = membership_for(current_user, live.sprint.workspace)
        if membership is None:
            _not_in_room()
        if not membership.role.allows(Role.FACILITATOR):
            abort(403)
        guest = services.get_guest(live, parse_id(proxy))
        if guest is None or guest.added_by_id is None:
            abort(404)
        return guest, current_user._get_current_object()
    guest = services.get_guest(live, _joined_guest_id(live.id))
    if guest is None:
        _not_in_room()
    return guest, None


ENTRY_FORMS = {
    EntryKind.POINT: PointEntryForm,
    EntryKind.STEP: StepEntryForm,
    EntryKind.COMMENT: CommentEntryForm,
}


def _entry_forms(live: LiveSession, which: EntryKind | None = None) -> dict:
    """The three forms of the phone view, with this journey's steps, stages, lanes and
    categories; the one named by `which` reads the request."""
    board = journeys.load_board(live.journey)
    forms = {}
    for kind, cls in ENTRY_FORMS.items():
        # Prefixed, so the three forms on one page have their own field names and ids.
        form = cls(prefix=kind.value) if kind == which else cls(formdata=None, prefix=kind.value)
        if kind != which or not form.submission_key.data:
            form.submission_key.data = points.new_submission_key()
        forms[kind] = form
    # The templates draw the steps grouped by stage; validation needs them as a flat list.
    step_choices = [SelectChoice(step.id, step.title) for step in board.steps]
    point_form = forms[EntryKind.POINT]
    point_form.step.choices = [SelectChoice("", _("Choose a step"))] + step_choices
    forms[EntryKind.COMMENT].step.choices = [SelectChoice("", "")] + step_choices
    categories = points.category_choices(live.sprint.workspace)
    point_form.category.choices = [SelectChoice("", _("No category"))] + [
        SelectChoice(c.value, c.name or str(CATEGORY_LABELS[c.key])) for c in categories
    ]
    step_form = forms[EntryKind.STEP]
    step_form.stage.choices = [SelectChoice(s.id, s.title) for s in board.stages]
    step_form.lane.choices = [SelectChoice(lane.id, lane.title) for lane in board.lanes]
    if request.method == "GET" and parse_id(request.args.get("step")) is not None:
        point_form.step.data = parse_id(request.args["step"])
    forms["step_groups"] = _steps_by_stage(board)
    return forms


def _shared_region(
    template: str, key: tuple | None, context: Callable[[], dict], nonce: str = ""
) -> Markup:
    """A region everyone in the session sees alike, rendered once per version and process.

    `context()` is called only on a miss; a facilitator entering for someone (`key` None) gets
    addresses of their own and is not cached."""
    if key is None:
        return Markup(render_template(template, **context()))
    html = fragment_cache("live").get_or_render(
        key, generate_csrf(), nonce, lambda: render_template(template, **context())
    )
    return Markup(html)


def _phone_context(live: LiveSession, guest, forms: dict | None = None) -> dict:
    """What the phone view shows; `forms` only for answers that draw the forms (a poll's
    regions do not, and the step choices are the whole journey)."""
    room = _room_context(live, for_phone=True)
    mine = services.dots_of(live, guest)
    proxy = guest.id if guest.added_by_id else None
    state, locale = room["state"], str(get_locale())
    shared = room | {"proxy": proxy}
    nonce = secrets.token_hex(8)
    cached = proxy is None
    return room | {
        "guest": guest,
        "proxy": proxy,
        "poll_url": lambda s: url_for(
            "live.phone_changes", session_id=live.id, proxy=proxy, **s.as_args()
        ),
        "forms": forms,
        "dot_nonce": nonce,
        "dots_left": max(0, live.vote_budget - sum(mine.values())),
        "my_points": services.points_with_dots(live, mine),
        "my_private": services.private_entries_of(live, guest),
        # Drawn only when a page or answer shows them (a poll sends the dots' counts alone
        # when only dots moved).
        "points_html": lambda: _shared_region(
            "live/_points.html",
            ("points", live.id, state.tally, state.journey, locale) if cached else None,
            lambda: shared | {"ranked": services.points_in_order(live), "dot_nonce": nonce},
            nonce,
        ),
        "tally_html": lambda: _shared_region(
            "live/_tally.html",
            ("tally", live.id, state.tally, state.journey, locale),
            lambda: shared | {"ranked": services.ranked_points(live)},
        ),
        "entries_html": lambda: _shared_region(
            "live/_entries.html",
            ("entries", live.id, state.entries, state.journey, locale),
            lambda: shared | {"entries": services.entries_of(live, public_only=True)},
        ),
    }


@bp.get("/live/<int:session_id>/")
@public
def phone(session_id):
    """A participant's view: what the room does now, forms to add things, the vote."""
    live = _live_or_404(session_id)
    guest, _by = _actor(live)
    if request.args.get("waiting") and wants_fragment():
        # The waiting page asking: nothing to swap while waiting, a reload once decided.
        if guest.removed_at is None and guest.admission == Admission.WAITING:
            return make_response("", 204)
        return make_response("", 200, {"HX-Refresh": "true"})
    return _outside(live, guest) or render_page(
        "live/phone.html", **_phone_context(live, guest, _entry_forms(live))
    )


def _outside(live: LiveSession, guest) -> Response | None:
    """The page of a guest who may not add anything: waiting at the door (it asks again by
    itself), turned away, or removed. None for a guest in the room."""
    if guest.counts:
        return None
    if guest.removed_at is None and guest.admission == Admission.WAITING:
        return render_page("live/waiting.html", live=live, guest=guest)
    return render_page("live/left_out.html", live=live, guest=guest, status=403)


def _phone_url(live, guest, anchor=None) -> str:
    proxy = guest.id if guest.added_by_id else None
    return url_for("live.phone", session_id=live.id, proxy=proxy, _anchor=anchor)


SENT = {
    EntryKind.POINT: _l("Thank you: the critical point is on the journey."),
    EntryKind.STEP: _l("Thank you: the facilitator sees your suggested step."),
    EntryKind.COMMENT: _l("Thank you: your comment is in."),
}
SENT_PRIVATELY = _l("Sent. Only you and the facilitators see it until the reveal.")


def _add_entry(session_id: int, kind: EntryKind):
    live = _live_or_404(session_id)
    guest, entered_by = _actor(live)
    if (outside := _outside(live, guest)) is not None:
        return outside
    form = ENTRY_FORMS[kind](prefix=kind.value)
    error, status = None, 422
    if form.validate_on_submit():
        data = services.EntryData(
            kind=kind,
            text=form.text.data,
            step_id=getattr(form, "step", None) and form.step.data,
            stage_id=getattr(form, "stage", None) and form.stage.data,
            lane_id=getattr(form, "lane", None) and form.lane.data,
            severity=form.severity.data if kind == EntryKind.POINT else None,
            category_value=form.category.data if kind == EntryKind.POINT else None,
        )
        try:
            entry = services.add_entry(live, guest, data, form.submission_key.data, entered_by)
        except services.Refused as refusal:
            db.session.rollback()
            error, status = refusal_text(refusal), refusal_status(refusal)
        else:
            db.session.commit()
            message = str(SENT_PRIVATELY if entry.private else SENT[kind])
            if not wants_fragment():
                flash(message, "success")
                return redirect(_phone_url(live, guest, f"{kind.value}-form"), 303)
            forms = _entry_forms(live)
            return _phone_regions(live, guest, forms, kind, message=message)
    # Kept as typed: the form comes back with its text and the reason.
    forms = _entry_forms(live, which=kind)
    forms[kind].validate()
    if not wants_fragment():
        context = _phone_context(live, guest, forms) | {"form_error": (kind, error)}
        return render_page("live/phone.html", status=status, **context)
    return _phone_regions(live, guest, forms, kind, error=error, status=status)


def _phone_regions(live, guest, forms, kind, message=None, error=None, status=200) -> Response:
    """The sent form (fresh, or as typed with the reason) and the regions it changed."""
    context = _phone_context(live, guest, forms) | {
        "form_kind": kind,
        "form_message": message,
        "form_error": (kind, error),
    }
    return make_response(render_template("live/_form_answer.html", **context), status)


@bp.post("/live/<int:session_id>/points")
@public
def add_point(session_id):
    """Report a critical point on a step."""
    return _add_entry(session_id, EntryKind.POINT)


@bp.post("/live/<int:session_id>/steps")
@public
def suggest_step(session_id):
    """Suggest a step the journey is missing."""
    return _add_entry(session_id, EntryKind.STEP)


@bp.post("/live/<int:session_id>/comments")
@public
def comment(session_id):
    """Comment on a step or the whole journey."""
    return _add_entry(session_id, EntryKind.COMMENT)


def _dot_change(session_id: int, adding: bool):
    live = _live_or_404(session_id)
    guest, _by = _actor(live)
    if (outside := _outside(live, guest)) is not None:
        return outside
    form = DotForm()
    message, error, status = None, None, 200
    point_id = parse_id(form.point.data)
    if not form.validate_on_submit() or point_id is None:
        error, status = refusal_text(services.Refused("unknown_point")), 422
    else:
        # The form's key is one per drawing of the list: a double tap on one button is one dot.
        key = f"{form.submission_key.data[:24]}-{point_id}" if form.submission_key.data else None
        try:
            if adding:
                services.add_dot(live, guest, point_id, key)
            else:
                services.remove_dot(live, guest, point_id)
        except services.Refused as refusal:
            db.session.rollback()
            error, status = refusal_text(refusal), refusal_status(refusal)
        else:
            db.session.commit()
            mine = sum(services.dots_of(live, guest).values())
            left = max(0, live.vote_budget - mine)
            message = ngettext("%(num)d dot left.", "%(num)d dots left.", left)
    if not wants_fragment():
        if error:
            context = _phone_context(live, guest, _entry_forms(live)) | {"vote_error": error}
            return render_page("live/phone.html", status=status, **context)
        flash(message, "success")
        return redirect(_phone_url(live, guest, "live-mine"), 303)
    context = _phone_context(live, guest) | {"vote_message": message, "vote_error": error}
    return make_response(render_template("live/_dot_answer.html", **context), status)


@bp.post("/live/<int:session_id>/dots")
@public
def add_dot(session_id):
    """Put one dot on a critical point."""
    return _dot_change(session_id, adding=True)


@bp.post("/live/<int:session_id>/dots/remove")
@public
def remove_dot(session_id):
    """Take one dot back."""
    return _dot_change(session_id, adding=False)


@bp.get("/live/<int:session_id>/changes")
@public
def phone_changes(session_id):
    """Changed since the counters the phone has? 304 if not; the changed regions if so."""
    # Unchanged costs one query: the signed cookie says whether this phone joined the
    # session. A facilitator entering for someone (`proxy`) is checked before anything is
    # compared, so a poll tells nobody outside the room that it exists.
    if request.values.get("proxy"):
        _actor(_live_or_404(session_id))
    elif _joined_guest_id(session_id) is None:
        _not_in_room()
    known = _known_versions()

    def render(state):
        live = _live_or_404(session_id)
        guest, _by = _actor(live)
        if not guest.counts:
            # Let in, turned away or removed since: the phone loads its page again.
            abort(make_response("", 200, {"HX-Refresh": "true"}))
        context = _phone_context(live, guest) | _changed(state, known) | {"state": state}
        return render_template("live/_phone_changes.html", **context)

    return _poll_answer(services.poll_state(session_id), known, render)


# --- facilitators: the console -----------------------------------------------------------------


def _sprint(workspace, sprint_id):
    return sprints.get_sprint(workspace, sprint_id) or abort(404)


def _session(sprint, session_id) -> LiveSession:
    return services.get_session(sprint, session_id) or abort(404)


def _console_context(workspace, membership, sprint, live, **forms) -> dict:
    context = {
        "workspace": workspace,
        "membership": membership,
        "sprint": sprint,
    }
    if live is None:
        start_form = forms.get("start_form") or StartForm(formdata=None)
        start_form.journey.choices = [SelectChoice(j.id, j.name) for j in sprint.journeys]
        return context | {"live": None, "start_form": start_form}
    activity_form = forms.get("activity_form") or ActivityForm(
        formdata=None, phase=live.phase_id, activity=live.activity
    )
    activity_form.phase.choices = [SelectChoice("", _("No phase"))] + [
        SelectChoice(p.id, p.name) for p in sprint.phases
    ]
    return (
        context
        | _room_context(live)
        | {
            "join_url": join_url(live),
            "join_on_loopback": addresses.is_loopback(urlsplit(join_url(live)).hostname or ""),
            "qr": qr_svg(live),
            "activity_form": activity_form,
            "timer_form": forms.get("timer_form") or TimerForm(formdata=None),
            "voting_form": forms.get("voting_form")
            or VotingForm(formdata=None, budget=live.vote_budget, stacking=live.stacking),
            "guest_form": forms.get("guest_form") or OfflineGuestForm(formdata=None),
            "entries": services.entries_of(live),
            "removed": services.removed_entries(live),
            "roster": services.roster(live),
            "crowded": services.crowded_networks(live),
            "typed_organisations": services.typed_organisation_list(live),
            "organisations": organisations_of(workspace),
            # Joins move no counter phones poll; the console also compares the head count.
            "poll_url": lambda s: url_for(
                "room.console_changes",
                workspace_id=workspace.id,
                sprint_id=sprint.id,
                session_id=live.id,
                g=len(live.guests),
                **s.as_args(),
            ),
        }
    )


def _console_page(workspace, membership, sprint, live, status=200, **forms):
    context = _console_context(workspace, membership, sprint, live, **forms)
    return render_page("live/console.html", status=status, **context)


def _to_console(workspace, sprint, message=None):
    db.session.commit()
    if message:
        flash(message, "success")
    return redirect_page(url_for("room.console", workspace_id=workspace.id, sprint_id=sprint.id))


def _refused(workspace, membership, sprint, live, refusal):
    db.session.rollback()
    flash(refusal_text(refusal), "error")
    return _console_page(workspace, membership, sprint, live, refusal_status(refusal))


@room.get("/")
@workspace_role(Role.FACILITATOR)
def console(workspace, membership, sprint_id):
    """Run the room: start a session, then phase, timer, voting, reveal, lock, end."""
    sprint = _sprint(workspace, sprint_id)
    live = services.current_session(sprint)
    if live is not None and not live.is_open(utcnow()):
        live = None  # expired, or the sprint was closed: the console offers a fresh start
    return _console_page(workspace, membership, sprint, live)


@room.post("/start")
@workspace_role(Role.FACILITATOR)
def start(workspace, membership, sprint_id):
    """Start a live session with a fresh join code."""
    sprint = _sprint(workspace, sprint_id)
    form = StartForm()
    form.journey.choices = [SelectChoice(j.id, j.name) for j in sprint.journeys]
    if not form.validate_on_submit():
        return _console_page(workspace, membership, sprint, None, 422, start_form=form)
    journey = journeys.get_journey(workspace, form.journey.data)
    try:
        if journey is None:
            raise services.Refused("journey_not_in_sprint")
        services.start_session(
            sprint,
            journey,
            current_user,
            current_app.config["LIVE_SESSION_HOURS"],
            form.budget.data,
        )
    except services.Refused as refusal:
        db.session.rollback()
        flash(refusal_text(refusal), "error")
        code = refusal_status(refusal)
        return _console_page(workspace, membership, sprint, None, code, start_form=form)
    return _to_console(workspace, sprint, _("The live session has started."))


def _control(workspace, membership, sprint_id, session_id, change, form_cls=None, form_name=None):
    """Run one control change on an open session, then back to the console."""
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    form = form_cls() if form_cls else EmptyForm()
    if form_cls is ActivityForm:
        form.phase.choices = [SelectChoice("", "")] + [
            SelectChoice(p.id, p.name) for p in sprint.phases
        ]
    if not form.validate_on_submit():
        forms = {form_name: form} if form_name else {}
        return _console_page(workspace, membership, sprint, live, 422, **forms)
    try:
        message = change(live, form)
    except services.Refused as refusal:
        return _refused(workspace, membership, sprint, live, refusal)
    return _to_console(workspace, sprint, message)


@room.post("/<int:session_id>/activity")
@workspace_role(Role.FACILITATOR)
def activity(workspace, membership, sprint_id, session_id):
    """Set the phase and activity every screen shows."""

    def change(live, form):
        services.set_activity(live, form.phase.data, form.activity.data or "")
        return _("Every screen now shows the new activity.")

    return _control(
        workspace, membership, sprint_id, session_id, change, ActivityForm, "activity_form"
    )


TIMER_DONE = {
    "start": _l("The timer is running."),
    "pause": _l("The timer is paused."),
    "resume": _l("The timer is running again."),
    "extend": _l("The timer was extended."),
    "stop": _l("The timer is off."),
}


@room.post("/<int:session_id>/timer")
@workspace_role(Role.FACILITATOR)
def timer(workspace, membership, sprint_id, session_id):
    """Start, pause, resume, extend or stop the timer."""
    action = request.form.get("action", "")

    def change(live, form):
        services.timer(live, action, form.minutes.data or 0)
        return str(TIMER_DONE[action])

    return _control(workspace, membership, sprint_id, session_id, change, TimerForm, "timer_form")


@room.post("/<int:session_id>/voting")
@workspace_role(Role.FACILITATOR)
def voting(workspace, membership, sprint_id, session_id):
    """Open or close dot voting, with its budget and stacking rule."""
    opening = request.form.get("action") == "open"

    def change(live, form):
        services.set_voting(live, opening, form.budget.data, form.stacking.data)
        return _("Voting is open.") if opening else _("Voting is closed.")

    return _control(workspace, membership, sprint_id, session_id, change, VotingForm, "voting_form")


@room.post("/<int:session_id>/private")
@workspace_role(Role.FACILITATOR)
def private(workspace, membership, sprint_id, session_id):
    """Turn private input on or off."""
    on = request.form.get("on") == "1"

    def change(live, form):
        services.set_private(live, on)
        if on:
            return _("Private input is on: entries stay hidden until you reveal them.")
        return _("Private input is off: new entries show at once.")

    return _control(workspace, membership, sprint_id, session_id, change)


@room.post("/<int:session_id>/reveal")
@workspace_role(Role.FACILITATOR)
def reveal(workspace, membership, sprint_id, session_id):
    """Show every private entry to the room."""

    def change(live, form):
        shown = services.reveal(live)
        return ngettext("%(num)d entry revealed.", "%(num)d entries revealed.", shown)

    return _control(workspace, membership, sprint_id, session_id, change)


@room.post("/<int:session_id>/lock")
@workspace_role(Role.FACILITATOR)
def lock(workspace, membership, sprint_id, session_id):
    """Lock or unlock editing for guests."""
    on = request.form.get("on") == "1"

    def change(live, form):
        services.set_locked(live, on)
        return _("Editing is locked.") if on else _("Editing is open again.")

    return _control(workspace, membership, sprint_id, session_id, change)


@room.route("/<int:session_id>/end", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def end(workspace, membership, sprint_id, session_id):
    """End the session, after asking: the code stops working and guests can only look."""
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    confirm = ConfirmForm()
    if request.method == "GET" or not confirm.is_confirmed():
        joined = len(live.guests)
        return ask_first(
            _("End the live session with the code %(code)s?", code=live.join_code),
            [
                _("The join code stops working at once; it cannot be opened again."),
                ngettext(
                    "The %(num)d person who joined can still look, but no longer add or vote.",
                    "The %(num)d people who joined can still look, but no longer add or vote.",
                    joined,
                ),
                _("What the room made stays in the sprint. A new session gets a new code."),
            ],
            url_for("room.end", workspace_id=workspace.id, sprint_id=sprint.id, session_id=live.id),
            _("End the live session"),
            url_for("room.console", workspace_id=workspace.id, sprint_id=sprint.id),
            _("Live session"),
            confirm if confirm.is_submitted() else None,
        )

    def change(live, form):
        services.end_session(live)
        return _("The live session has ended. Guests can still look at what was made.")

    return _control(workspace, membership, sprint_id, session_id, change)


@room.post("/<int:session_id>/guests")
@workspace_role(Role.FACILITATOR)
def add_guest(workspace, membership, sprint_id, session_id):
    """Someone without a device: the facilitator enters their points and dots for them."""
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    form = OfflineGuestForm()
    if not form.validate_on_submit():
        return _console_page(workspace, membership, sprint, live, 422, guest_form=form)
    try:
        guest = services.join(
            live,
            form.display_name.data,
            ReporterRole(form.role.data),
            form.organisation.data or "",
            added_by=current_user,
        )
    except services.Refused as refusal:
        return _refused(workspace, membership, sprint, live, refusal)
    db.session.commit()
    flash(_("Now entering for %(name)s.", name=guest.display_name), "success")
    return redirect_page(url_for("live.phone", session_id=live.id, proxy=guest.id))


@room.post("/<int:session_id>/door")
@workspace_role(Role.FACILITATOR)
def door(workspace, membership, sprint_id, session_id):
    """Close or open the door to new guests; admit each newcomer, or let everyone in."""
    door_action, admit_action = request.form.get("door"), request.form.get("admit")

    def change(live, form):
        closed = {"close": True, "open": False}.get(door_action, live.door_closed)
        admit_each = {"on": True, "off": False}.get(admit_action, live.admit_each)
        services.set_door(live, closed, admit_each)
        if door_action == "close":
            return _("The door is closed: no one new can join. Those in the room go on.")
        if door_action == "open":
            return _("The door is open: anyone with the code can join.")
        if admit_action == "on":
            return _("Each new participant now waits until you let them in.")
        return _("New participants come in without waiting.")

    return _control(workspace, membership, sprint_id, session_id, change)


def _guest(live, guest_id) -> Guest:
    return services.get_guest(live, guest_id) or abort(404)


@room.route("/<int:session_id>/people/<int:guest_id>/remove", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def remove_guest(workspace, membership, sprint_id, session_id, guest_id):
    """Take a participant out of every count, with a reason that is kept; undoable."""
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    guest = _guest(live, guest_id)
    form = RemoveForm()
    if form.validate_on_submit():
        services.remove_guest(live, guest, current_user, form.reason.data)
        message = _(
            "%(name)s was removed: their entries and dots no longer count. "
            "“Restore” brings them back.",
            name=guest.display_name,
        )
        return _to_console(workspace, sprint, message)
    return render_page(
        "live/remove_guest.html",
        workspace=workspace,
        membership=membership,
        sprint=sprint,
        live=live,
        guest=guest,
        votes_lost=services.votes_lost_with(live, guest),
        form=form,
        status=422 if form.errors else 200,
    )


@room.post("/<int:session_id>/people/<int:guest_id>/restore")
@workspace_role(Role.FACILITATOR)
def restore_guest(workspace, membership, sprint_id, session_id, guest_id):
    """Undo a removal: the participant's entries and dots count again."""

    def change(live, form):
        guest = _guest(live, guest_id)
        services.restore_guest(live, guest)
        return _("%(name)s is back: their entries and dots count again.", name=guest.display_name)

    return _control(workspace, membership, sprint_id, session_id, change)


@room.post("/<int:session_id>/people/<int:guest_id>/admit")
@workspace_role(Role.FACILITATOR)
def admit_guest(workspace, membership, sprint_id, session_id, guest_id):
    """Let a waiting participant in, or turn them away."""
    admitted = request.form.get("decision") != "refuse"

    def change(live, form):
        guest = _guest(live, guest_id)
        services.admit_guest(live, guest, admitted)
        if admitted:
            return _("%(name)s is in.", name=guest.display_name)
        return _("%(name)s was not let in.", name=guest.display_name)

    return _control(workspace, membership, sprint_id, session_id, change)


@room.post("/<int:session_id>/organisations")
@workspace_role(Role.FACILITATOR)
def settle_organisation(workspace, membership, sprint_id, session_id):
    """Accept an organisation guests typed into the workspace, or merge it into one there."""
    form = OrganisationForm()
    form.organisation.choices = [SelectChoice("new", "")] + [
        SelectChoice(str(o.id), o.name) for o in organisations_of(workspace)
    ]

    def change(live, form):
        chosen = form.organisation.data
        organisation = services.settle_organisation(
            live, form.typed.data, None if chosen == "new" else int(chosen)
        )
        return _(
            "“%(typed)s” is now the workspace's organisation %(name)s.",
            typed=form.typed.data,
            name=organisation.name,
        )

    return _control(workspace, membership, sprint_id, session_id, change, lambda: form)


def _entry(live, entry_id) -> Entry:
    return services.get_entry(live, entry_id) or abort(404)


@room.route("/<int:session_id>/entries/<int:entry_id>/remove", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def remove_entry(workspace, membership, sprint_id, session_id, entry_id):
    """Take an inappropriate entry away, with a reason that is kept."""
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    entry = _entry(live, entry_id)
    form = RemoveForm()
    if form.validate_on_submit():
        services.remove_entry(live, entry, current_user, form.reason.data)
        return _to_console(workspace, sprint, _("The entry was removed; the log keeps why."))
    return render_page(
        "live/remove.html",
        workspace=workspace,
        membership=membership,
        sprint=sprint,
        live=live,
        entry=entry,
        form=form,
        status=422 if form.errors else 200,
    )


@room.post("/<int:session_id>/entries/<int:entry_id>/accept")
@workspace_role(Role.FACILITATOR)
def accept_step(workspace, membership, sprint_id, session_id, entry_id):
    """Put a suggested step on the journey."""
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    entry = _entry(live, entry_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.accept_step(live, entry, current_user)
    except services.Refused as refusal:
        return _refused(workspace, membership, sprint, live, refusal)
    except journeys.TooLarge:
        db.session.rollback()
        flash(_("The journey has as many steps as Polku handles."), "error")
        return _console_page(workspace, membership, sprint, live, 409)
    return _to_console(workspace, sprint, _("The step is on the journey."))


@room.get("/<int:session_id>/console/changes")
@workspace_role(Role.FACILITATOR)
def console_changes(workspace, membership, sprint_id, session_id):
    """The console's entries and counts, when the room changed."""
    known = _known_versions()
    guests = request.args.get("g", "")
    if not (guests.isascii() and guests.isdigit()) or len(guests) > 6:
        abort(400)
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    state = services.poll_state(live.id)
    joined = len(live.guests) != int(guests)

    def render(state):
        context = _console_context(workspace, membership, sprint, live) | {"state": state}
        changed = _changed(state, known)
        changed["entries_changed"] |= joined
        return render_template("live/_console_changes.html", **context | changed)

    if joined:
        # Not "unchanged", whatever the counters say: the console's list of people moved.
        known = services.PollState(-1, -1, -1, -1)
    return _poll_answer(state, known, render)


# --- the projector -----------------------------------------------------------------------------


def _projector_context(workspace, sprint, live) -> dict:
    room_context = _room_context(live)
    board = journeys.load_board(live.journey)
    return room_context | {
        "workspace": workspace,
        "sprint": sprint,
        "board": board,
        "counts": services.point_counts(live),
        "ranked": services.ranked_points(live)[:10],
        "feed": [
            e for e in services.entries_of(live, public_only=True) if e.kind != EntryKind.POINT
        ][:8],
        "join_url": join_url(live),
        "enter_code_url": enter_code_url(),
        "qr": qr_svg(live),
        "poll_url": lambda s: url_for(
            "room.projector_changes",
            workspace_id=workspace.id,
            sprint_id=sprint.id,
            session_id=live.id,
            **s.as_args(),
        ),
    }


@room.get("/<int:session_id>/projector")
@workspace_role(Role.OBSERVER)
def projector(workspace, membership, sprint_id, session_id):
    """For the big screen: the journey with its critical points, the ranking, timer and code."""
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)
    return render_page(
        "live/projector.html", membership=membership, **_projector_context(workspace, sprint, live)
    )


@room.get("/<int:session_id>/projector/changes")
@workspace_role(Role.OBSERVER)
def projector_changes(workspace, membership, sprint_id, session_id):
    """The projector's changed regions, or 304."""
    known = _known_versions()
    sprint = _sprint(workspace, sprint_id)
    live = _session(sprint, session_id)

    def render(state):
        context = _projector_context(workspace, sprint, live) | _changed(state, known)
        return render_template("live/_projector_changes.html", **context | {"state": state})

    return _poll_answer(services.poll_state(live.id), known, render)
