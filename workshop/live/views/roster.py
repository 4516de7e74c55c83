"""Who is in the room: entering for someone without a device, the door, removing, restoring
and admitting participants, and organisations guests typed."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.accounts.services import organisations_of
from workshop.extensions import db
from workshop.htmx import redirect_page
from workshop.live import services
from workshop.live.forms import OfflineGuestForm, OrganisationForm, RemoveForm
from workshop.live.models import Guest
from workshop.live.views.blueprint import room
from workshop.live.views.common import join_with, session_or_404, sprint_or_404
from workshop.live.views.console import (
    ask_reason,
    console_page,
    control,
    refused,
    to_console,
)


@room.post("/<int:session_id>/guests")
@workspace_role(Role.FACILITATOR)
def add_guest(workspace, membership, sprint_id, session_id):
    """Someone without a device: the facilitator enters their points and dots for them."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    form = OfflineGuestForm()
    if not form.validate_on_submit():
        return console_page(workspace, membership, sprint, live, 422, guest_form=form)
    try:
        guest = join_with(live, form, added_by=current_user)
    except services.Refused as refusal:
        return refused(workspace, membership, sprint, live, refusal)
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

    return control(workspace, membership, sprint_id, session_id, change)


def _guest(live, guest_id) -> Guest:
    return services.get_guest(live, guest_id) or abort(404)


@room.route("/<int:session_id>/people/<int:guest_id>/remove", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def remove_guest(workspace, membership, sprint_id, session_id, guest_id):
    """Take a participant out of every count, with a reason that is kept; undoable."""
    sprint = sprint_or_404(workspace, sprint_id)
    live = session_or_404(sprint, session_id)
    guest = _guest(live, guest_id)
    form = RemoveForm()
    if form.validate_on_submit():
        services.remove_guest(live, guest, current_user, form.reason.data)
        message = _(
            "%(name)s was removed: their entries and dots no longer count. "
            "“Restore” brings them back.",
            name=guest.display_name,
        )
        return to_console(workspace, sprint, message)
    votes_lost = services.votes_lost_with(live, guest)
    template = "live/remove_guest.html"
    return ask_reason(
        template, workspace, membership, sprint, live, form, guest=guest, votes_lost=votes_lost
    )


@room.post("/<int:session_id>/people/<int:guest_id>/restore")
@workspace_role(Role.FACILITATOR)
def restore_guest(workspace, membership, sprint_id, session_id, guest_id):
    """Undo a removal: the participant's entries and dots count again."""

    def change(live, form):
        guest = _guest(live, guest_id)
        services.restore_guest(live, guest)
        return _("%(name)s is back: their entries and dots count again.", name=guest.display_name)

    return control(workspace, membership, sprint_id, session_id, change)


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

    return control(workspace, membership, sprint_id, session_id, change)


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

    return control(workspace, membership, sprint_id, session_id, change, lambda: form)
