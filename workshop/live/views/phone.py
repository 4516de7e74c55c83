"""Guests on their phones: typing the code, joining, the phone view, adding entries and dots,
and polling for what changed."""

import secrets
from collections.abc import Callable

from flask import (
    Response,
    abort,
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
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import SelectChoice

from workshop.access import public
from workshop.accounts.models import Role
from workshop.accounts.services import membership_for
from workshop.critical_points import services as points
from workshop.critical_points.labels import CATEGORY_LABELS
from workshop.extensions import db
from workshop.fragment_cache import fragment_cache
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.ids import parse_id
from workshop.journeys import services as journeys
from workshop.live import extensions, services
from workshop.live.forms import (
    CodeForm,
    CommentEntryForm,
    DotForm,
    JoinForm,
    PointEntryForm,
    StepEntryForm,
)
from workshop.live.models import Admission, EntryKind, LiveSession
from workshop.live.views.blueprint import bp
from workshop.live.views.common import (
    GUESTS_KEY,
    changed_regions,
    join_with,
    joined_guest_id,
    known_versions,
    live_or_404,
    not_in_room,
    poll_answer,
    refusal_status,
    refusal_text,
    room_context,
    steps_by_stage,
)
from workshop.models_base import utcnow


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
        return _no_such_code(code)
    if not live.is_open(utcnow()):
        return render_page("live/ended.html", live=live, status=410)
    if services.get_guest(live, joined_guest_id(live.id)) is not None:
        # The same phone joining again is the same guest.
        return redirect_page(url_for("live.phone", session_id=live.id))
    if live.door_closed:
        return render_page("live/closed.html", live=live, status=403)
    form = JoinForm()
    if form.validate_on_submit():
        return _join_as(live, form)
    if not form.is_submitted():
        form.submission_key.data = points.new_submission_key()
    return render_page("live/join.html", live=live, form=form, status=422 if form.errors else 200)


def _no_such_code(code: str) -> Response:
    """The code page again, saying no workshop has that code."""
    # Echo no more than a code's worth of what was typed: the address may be any length.
    form = CodeForm(formdata=None, code=code[:12])
    message = _("No workshop has the code %(code)s. Check the code on the screen.", code=code[:12])
    return render_page("live/code.html", form=form, error=message, status=404)


def _join_as(live: LiveSession, form: JoinForm) -> Response:
    """Join with the valid form; this browser's signed cookie remembers the guest."""
    try:
        guest = join_with(
            live,
            form,
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


def _actor(live: LiveSession):
    """Who acts: the guest this browser joined as, or someone without a device a facilitator
    enters things for (`proxy`). Returns (guest, the facilitator or None)."""
    proxy = request.values.get("proxy", "")
    if proxy:
        membership = membership_for(current_user, live.sprint.workspace)
        if membership is None:
            not_in_room()
        if not membership.role.allows(Role.FACILITATOR):
            abort(403)
        guest = services.get_guest(live, parse_id(proxy))
        if guest is None or guest.added_by_id is None:
            abort(404)
        return guest, current_user._get_current_object()
    guest = services.get_guest(live, joined_guest_id(live.id))
    if guest is None:
        not_in_room()
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
    _offer_choices(forms, board, live.sprint.workspace)
    if request.method == "GET" and parse_id(request.args.get("step")) is not None:
        forms[EntryKind.POINT].step.data = parse_id(request.args["step"])
    forms["step_groups"] = steps_by_stage(board)
    return forms


def _offer_choices(forms: dict, board, workspace) -> None:
    """The journey's steps, stages and lanes and the workspace's categories as choices."""
    # The templates draw the steps grouped by stage; validation needs them as a flat list.
    step_choices = [SelectChoice(step.id, step.title) for step in board.steps]
    point_form = forms[EntryKind.POINT]
    point_form.step.choices = [SelectChoice("", _("Choose a step"))] + step_choices
    forms[EntryKind.COMMENT].step.choices = [SelectChoice("", "")] + step_choices
    categories = points.category_choices(workspace)
    point_form.category.choices = [SelectChoice("", _("No category"))] + [
        SelectChoice(c.value, c.name or str(CATEGORY_LABELS[c.key])) for c in categories
    ]
    step_form = forms[EntryKind.STEP]
    step_form.stage.choices = [SelectChoice(s.id, s.title) for s in board.stages]
    step_form.lane.choices = [SelectChoice(lane.id, lane.title) for lane in board.lanes]


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
    room = room_context(live, for_phone=True)
    mine = services.dots_of(live, guest)
    proxy = guest.id if guest.added_by_id else None
    nonce = secrets.token_hex(8)
    return (
        room
        | {
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
        }
        | _shared_regions(live, room | {"proxy": proxy}, nonce)
    )


def _shared_regions(live: LiveSession, shared: dict, nonce: str) -> dict:
    """The regions every phone shows alike, as callables: drawn only when a page or answer
    shows them (a poll sends the dots' counts alone when only dots moved)."""
    state, locale = shared["state"], str(get_locale())
    cached = shared["proxy"] is None
    return {
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
    live = live_or_404(session_id)
    guest, _by = _actor(live)
    if request.args.get("waiting") and wants_fragment():
        # The waiting page asking: nothing to swap while waiting, a reload once decided.
        if guest.removed_at is None and guest.admission == Admission.WAITING:
            return make_response("", 204)
        return make_response("", 200, {"HX-Refresh": "true"})
    panel = {"room_panel": extensions.phone_panel(live, guest)}
    return _outside(live, guest) or render_page(
        "live/phone.html", **_phone_context(live, guest, _entry_forms(live)) | _said_here() | panel
    )


# The confirmation of the last action without JavaScript: kept in the session for the page
# the redirect leads to, shown beside the button pressed (not among the page's flashes at the
# top, out of the thumb's reach).
SAID_KEY = "live_said"


def _say_here(where: str, message: str) -> None:
    session[SAID_KEY] = {"where": where, "message": message}


def _said_here() -> dict:
    said = session.pop(SAID_KEY, None)
    return {"said": said if isinstance(said, dict) else {}}


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
    live = live_or_404(session_id)
    guest, entered_by = _actor(live)
    if (outside := _outside(live, guest)) is not None:
        return outside
    form = ENTRY_FORMS[kind](prefix=kind.value)
    error, status = None, 422
    if form.validate_on_submit():
        data = _entry_data(kind, form)
        try:
            entry = services.add_entry(live, guest, data, form.submission_key.data, entered_by)
        except services.Refused as refusal:
            db.session.rollback()
            error, status = refusal_text(refusal), refusal_status(refusal)
        else:
            db.session.commit()
            return _entry_sent(live, guest, kind, entry)
    return _entry_kept(live, guest, kind, error, status)


def _entry_data(kind: EntryKind, form) -> services.EntryData:
    """What the valid form of this kind says, as the service takes it."""
    return services.EntryData(
        kind=kind,
        text=form.text.data,
        step_id=getattr(form, "step", None) and form.step.data,
        stage_id=getattr(form, "stage", None) and form.stage.data,
        lane_id=getattr(form, "lane", None) and form.lane.data,
        severity=form.severity.data if kind == EntryKind.POINT else None,
        category_value=form.category.data if kind == EntryKind.POINT else None,
    )


def _entry_sent(live: LiveSession, guest, kind: EntryKind, entry) -> Response:
    """Thanks, and a fresh form: the page again, or just the regions the entry changed."""
    message = str(SENT_PRIVATELY if entry.private else SENT[kind])
    if not wants_fragment():
        _say_here(kind.value, message)
        return redirect(_phone_url(live, guest, f"{kind.value}-said"), 303)
    return _phone_regions(live, guest, _entry_forms(live), kind, message=message)


def _entry_kept(live: LiveSession, guest, kind: EntryKind, error, status: int) -> Response:
    """The form kept as typed, with its text and the reason it was not added."""
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
    live = live_or_404(session_id)
    guest, _by = _actor(live)
    if (outside := _outside(live, guest)) is not None:
        return outside
    message, error, status = _change_dot(live, guest, DotForm(), adding)
    if not wants_fragment():
        if error:
            context = _phone_context(live, guest, _entry_forms(live)) | {"vote_error": error}
            return render_page("live/phone.html", status=status, **context)
        _say_here("vote", message)
        # Back at the point voted on, the answer in the bar at the bottom of the screen.
        point_id = parse_id(request.form.get("point")) if adding else None
        anchor = f"vote-{point_id}" if point_id is not None else "live-said"
        return redirect(_phone_url(live, guest, anchor), 303)
    context = _phone_context(live, guest) | {"vote_message": message, "vote_error": error}
    return make_response(render_template("live/_dot_answer.html", **context), status)


def _change_dot(live: LiveSession, guest, form: DotForm, adding: bool) -> tuple:
    """Add or take back the dot the form names: (message, error, status)."""
    point_id = parse_id(form.point.data)
    if not form.validate_on_submit() or point_id is None:
        return None, refusal_text(services.Refused("unknown_point")), 422
    # The form's key is one per drawing of the list: a double tap on one button is one dot.
    key = f"{form.submission_key.data[:24]}-{point_id}" if form.submission_key.data else None
    try:
        if adding:
            services.add_dot(live, guest, point_id, key)
        else:
            services.remove_dot(live, guest, point_id)
    except services.Refused as refusal:
        db.session.rollback()
        return None, refusal_text(refusal), refusal_status(refusal)
    db.session.commit()
    left = max(0, live.vote_budget - sum(services.dots_of(live, guest).values()))
    if adding:
        return (
            ngettext("Dot added. %(num)d dot left.", "Dot added. %(num)d dots left.", left),
            None,
            200,
        )
    message = ngettext(
        "Dot taken back. %(num)d dot left.", "Dot taken back. %(num)d dots left.", left
    )
    return message, None, 200


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
        _actor(live_or_404(session_id))
    elif joined_guest_id(session_id) is None:
        not_in_room()
    known = known_versions()

    def render(state):
        live = live_or_404(session_id)
        guest, _by = _actor(live)
        if not guest.counts:
            # Let in, turned away or removed since: the phone loads its page again.
            abort(make_response("", 200, {"HX-Refresh": "true"}))
        context = _phone_context(live, guest) | changed_regions(state, known) | {"state": state}
        return render_template("live/_phone_changes.html", **context)

    return poll_answer(services.poll_state(session_id), known, render)
