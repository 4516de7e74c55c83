"""The facilitator's console: starting a session, phase and activity, timer, voting, private
input, lock, end, entries, and polling for what changed."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from workshop import addresses
from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.accounts.services import organisations_of
from workshop.confirm import ask_first
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.journeys import services as journeys
from workshop.live import services
from workshop.live.forms import (
    ActivityForm,
    OfflineGuestForm,
    PresenterForm,
    RemoveForm,
    StartForm,
    TimerForm,
    VotingForm,
)
from workshop.live.labels import PRESENTER_LABELS
from workshop.live.models import Entry, LiveSession
from workshop.live.views.blueprint import room
from workshop.live.views.common import (
    changed_regions,
    join_url,
    known_versions,
    poll_answer,
    qr_svg,
    refusal_status,
    refusal_text,
    room_context,
    session_or_404,
    sprint_or_404,
    steps_by_stage,
)
from workshop.models_base import utcnow


def console_context(workspace, membership, sprint, live, **forms) -> dict:
    """What the console shows: a start form without a session, the room's controls with one;
    `forms` are those sent back as typed."""
    context = {
        "workspace": workspace,
        "membership": membership,
        "sprint": sprint,
    }
    if live is None:
        start_form = forms.get("start_form") or StartForm(formdata=None)
        start_form.journey.choices = [SelectChoice(j.id, j.name) for j in sprint.journeys]
        return context | {"live": None, "start_form": start_form}
    return (
        context
        | room_context(live)
        | _control_forms(sprint, live, forms)
        | _room_lists(workspace, sprint, live)
    )


def _control_forms(sprint, live: LiveSession, forms: dict) -> dict:
    """The console's forms, filled with the session's settings unless sent back as typed."""
    activity_form = forms.get("activity_form") or ActivityForm(
        formdata=None, phase=live.phase_id, activity=live.activity
    )
    activity_form.phase.choices = [SelectChoice("", _("No phase"))] + [
        SelectChoice(p.id, p.name) for p in sprint.phases
    ]
    return {
        "activity_form": activity_form,
        "timer_form": forms.get("timer_form") or TimerForm(formdata=None),
        "voting_form": forms.get("voting_form")
        or VotingForm(formdata=None, budget=live.vote_budget, stacking=live.stacking),
        "guest_form": forms.get("guest_form") or OfflineGuestForm(formdata=None),
        "presenter_form": forms.get("presenter_form")
        or PresenterForm(
            formdata=None,
            mode=live.presenting.value,
            step=live.presenting_step_id,
            text=live.presenting_text,
        ),
        "step_groups": steps_by_stage(journeys.load_board(live.journey)),
    }


def _room_lists(workspace, sprint, live: LiveSession) -> dict:
    """The join code's address and QR code, the entries and the people in the room."""
    return {
        "join_url": join_url(live),
        "join_on_loopback": addresses.is_loopback(urlsplit(join_url(live)).hostname or ""),
        "qr": qr_svg(live),
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


def console_page(workspace, membership, sprint, live, status=200, presenter_done=None, **forms):
    context = console_context(workspace, membership, sprint, live, **forms)
    return render_page("live/console.html", status=status, presenter_done=presenter_done, **context)


def to_console(workspace, sprint, message=None):
    db.session.commit()
    if message:
        flash(message, "success")
    return redirect_page(url_for("room.console", workspace_id=workspace.id, sprint_id=sprint.id))


def refused(workspace, membership, sprint, live, refusal):
    db.session.rollback()
    flash(refusal_text(refusal), "error")
    return console_page(workspace, membership, sprint, live, refusal_status(refusal))


@room.get("/")
@workspace_role(Role.FACILITATOR)
def console(workspace, membership, sprint_id):
    """Run the room: start a session, then phase, timer, voting, reveal, lock, end."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = services.current_session(sprint)
    if live is not None and not live.is_open(utcnow()):
        live = None  # expired, or the sprint was closed: the console offers a fresh start
    return console_page(workspace, membership, sprint, live)


@room.post("/start")
@workspace_role(Role.FACILITATOR)
def start(workspace, membership, sprint_id):
    """Start a live session with a fresh join code."""
    sprint = sprint_or_404(workspace, sprint_id)
    form = StartForm()
    form.journey.choices = [SelectChoice(j.id, j.name) for j in sprint.journeys]
    if not form.validate_on_submit():
        return console_page(workspace, membership, sprint, None, 422, start_form=form)
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
        return console_page(workspace, membership, sprint, None, code, start_form=form)
    return to_console(workspace, sprint, _("The live session has started."))


def control(workspace, membership, sprint_id, session_id, change, form_cls=None, form_name=None):
    """Run one control change on an open session, then back to the console."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    form = form_cls() if form_cls else EmptyForm()
    if form_cls is ActivityForm:
        form.phase.choices = [SelectChoice("", "")] + [
            SelectChoice(p.id, p.name) for p in sprint.phases
        ]
    if not form.validate_on_submit():
        forms = {form_name: form} if form_name else {}
        return console_page(workspace, membership, sprint, live, 422, **forms)
    try:
        message = change(live, form)
    except services.Refused as refusal:
        return refused(workspace, membership, sprint, live, refusal)
    return to_console(workspace, sprint, message)


@room.post("/<int:session_id>/activity")
@workspace_role(Role.FACILITATOR)
def activity(workspace, membership, sprint_id, session_id):
    """Set the phase and activity every screen shows."""

    def change(live, form):
        services.set_activity(live, form.phase.data, form.activity.data or "")
        return _("Every screen now shows the new activity.")

    return control(
        workspace, membership, sprint_id, session_id, change, ActivityForm, "activity_form"
    )


@room.post("/<int:session_id>/presenter")
@workspace_role(Role.FACILITATOR)
def present(workspace, membership, sprint_id, session_id):
    """Choose what the projector shows; htmx swaps the console's projector section alone."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    form = PresenterForm()
    if form.validate_on_submit():
        try:
            services.present(live, form.mode.data, form.step.data, form.text.data or "")
        except services.Refused as refusal:
            db.session.rollback()
            # Said next to the field it is about, which a swapped section shows too.
            wrong = form.step if refusal.reason == "unknown_step" else form.mode
            wrong.errors = [*wrong.errors, refusal_text(refusal)]
            return console_page(
                workspace, membership, sprint, live, refusal_status(refusal), presenter_form=form
            )
        message = _("The projector now shows: %(what)s.", what=PRESENTER_LABELS[live.presenting])
        if not wants_fragment():
            return to_console(workspace, sprint, message)
        db.session.commit()
        return console_page(workspace, membership, sprint, live, presenter_done=message)
    return console_page(workspace, membership, sprint, live, 422, presenter_form=form)


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

    return control(workspace, membership, sprint_id, session_id, change, TimerForm, "timer_form")


@room.post("/<int:session_id>/voting")
@workspace_role(Role.FACILITATOR)
def voting(workspace, membership, sprint_id, session_id):
    """Open or close dot voting, with its budget and stacking rule."""
    opening = request.form.get("action") == "open"

    def change(live, form):
        services.set_voting(live, opening, form.budget.data, form.stacking.data)
        return _("Voting is open.") if opening else _("Voting is closed.")

    return control(workspace, membership, sprint_id, session_id, change, VotingForm, "voting_form")


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

    return control(workspace, membership, sprint_id, session_id, change)


@room.post("/<int:session_id>/reveal")
@workspace_role(Role.FACILITATOR)
def reveal(workspace, membership, sprint_id, session_id):
    """Show every private entry to the room."""

    def change(live, form):
        shown = services.reveal(live)
        return ngettext("%(num)d entry revealed.", "%(num)d entries revealed.", shown)

    return control(workspace, membership, sprint_id, session_id, change)


@room.post("/<int:session_id>/lock")
@workspace_role(Role.FACILITATOR)
def lock(workspace, membership, sprint_id, session_id):
    """Lock or unlock editing for guests."""
    on = request.form.get("on") == "1"

    def change(live, form):
        services.set_locked(live, on)
        return _("Editing is locked.") if on else _("Editing is open again.")

    return control(workspace, membership, sprint_id, session_id, change)


@room.route("/<int:session_id>/end", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def end(workspace, membership, sprint_id, session_id):
    """End the session, after asking: the code stops working and guests can only look."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    confirm = ConfirmForm()
    if request.method == "GET" or not confirm.is_confirmed():
        return _ask_before_ending(workspace, sprint, live, confirm)

    def change(live, form):
        services.end_session(live)
        return _("The live session has ended. Guests can still look at what was made.")

    return control(workspace, membership, sprint_id, session_id, change)


def _ask_before_ending(workspace, sprint, live: LiveSession, confirm: ConfirmForm):
    """The page (or the browser's question) saying what ending the session does."""
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


def ask_reason(template, workspace, membership, sprint, live, form, **shown):
    """The page asking why something is taken away; a reason missing or too long says so."""
    return render_page(
        template,
        workspace=workspace,
        membership=membership,
        sprint=sprint,
        live=live,
        form=form,
        status=422 if form.errors else 200,
        **shown,
    )


def _entry(live, entry_id) -> Entry:
    return services.get_entry(live, entry_id) or abort(404)


@room.route("/<int:session_id>/entries/<int:entry_id>/remove", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def remove_entry(workspace, membership, sprint_id, session_id, entry_id):
    """Take an inappropriate entry away, with a reason that is kept."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    entry = _entry(live, entry_id)
    form = RemoveForm()
    if form.validate_on_submit():
        services.remove_entry(live, entry, current_user, form.reason.data)
        return to_console(workspace, sprint, _("The entry was removed; the log keeps why."))
    return ask_reason("live/remove.html", workspace, membership, sprint, live, form, entry=entry)


@room.post("/<int:session_id>/entries/<int:entry_id>/accept")
@workspace_role(Role.FACILITATOR)
def accept_step(workspace, membership, sprint_id, session_id, entry_id):
    """Put a suggested step on the journey."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    entry = _entry(live, entry_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        services.accept_step(live, entry, current_user)
    except services.Refused as refusal:
        return refused(workspace, membership, sprint, live, refusal)
    except journeys.TooLarge:
        db.session.rollback()
        flash(_("The journey has as many steps as Polku handles."), "error")
        return console_page(workspace, membership, sprint, live, 409)
    return to_console(workspace, sprint, _("The step is on the journey."))


@room.get("/<int:session_id>/console/changes")
@workspace_role(Role.FACILITATOR)
def console_changes(workspace, membership, sprint_id, session_id):
    """The console's entries and counts, when the room changed."""
    known = known_versions()
    guests = request.args.get("g", "")
    if not (guests.isascii() and guests.isdigit()) or len(guests) > 6:
        abort(400)
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    state = services.poll_state(live.id)
    joined = len(live.guests) != int(guests)

    def render(state):
        context = console_context(workspace, membership, sprint, live) | {"state": state}
        changed = changed_regions(state, known)
        changed["entries_changed"] |= joined
        return render_template("live/_console_changes.html", **context | changed)

    if joined:
        # Not "unchanged", whatever the counters say: the console's list of people moved.
        known = services.PollState(-1, -1, -1, -1)
    return poll_answer(state, known, render)
