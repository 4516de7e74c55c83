"""What the sprint views share: finding the sprint, the sprint's page (also the answer to a
refused change) and the way back to it."""

from flask import abort, current_app, flash, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.sprints import live_link, services, snapshot
from workshop.sprints.forms import (
    ParticipantForm,
    ShareLinkForm,
    member_choices,
    organisation_choices,
    read_language,
)


def sprint_or_404(workspace, sprint_id):
    return services.get_sprint(workspace, sprint_id) or abort(404)


def refuse(workspace, membership, sprint, message):
    """Undo the change and answer with the sprint's page saying why it was refused."""
    db.session.rollback()
    return sprint_page(workspace, membership, sprint, 409, error=message)


def closed_refusal(workspace, membership, sprint):
    message = _("This sprint is closed: it is kept as it was and can no longer be changed.")
    return refuse(workspace, membership, sprint, message)


def to_sprint(workspace, sprint, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(url_for("sprints.detail", workspace_id=workspace.id, sprint_id=sprint.id))


def participant_form(workspace, formdata=True) -> ParticipantForm:
    form = ParticipantForm() if formdata else ParticipantForm(formdata=None)
    form.member.choices = member_choices(accounts.members_of(workspace), _("A guest"))
    form.organisation.choices = organisation_choices(
        accounts.organisations_of(workspace), _("No organisation")
    )
    return form


NEW_LINK_KEY = "new_share_link"


def _new_link(sprint) -> str | None:
    """The share link just made for this sprint, once."""
    made = session.get(NEW_LINK_KEY)
    if made and made[0] == sprint.id:
        session.pop(NEW_LINK_KEY)
        return made[1]
    return None


def _changes_since(previous, sprint) -> list:
    """What changed since the previous sprint on the same journeys (none without one)."""
    if previous is None:
        return []
    return snapshot.changes(services.document_of(previous), services.document_of(sprint))


def sprint_page(workspace, membership, sprint, status=200, **extra):
    """The sprint's page; `extra` brings forms sent back as typed, or an error."""
    previous = services.previous_sprint(sprint)
    facilitator = membership.role.allows(Role.FACILITATOR)
    return render_page(
        "sprints/sprint.html",
        status=status,
        workspace=workspace,
        membership=membership,
        sprint=sprint,
        previous=previous,
        summary={"changes": _changes_since(previous, sprint)},
        expired_links={link.id for link in sprint.share_links if services.is_expired(link)},
        step_total=services.step_total(sprint),
        max_steps=current_app.config["PDF_MAX_STEPS"],
        can_edit=membership.role.allows(Role.PARTICIPANT) and not sprint.is_closed,
        facilitator=facilitator,
        participant_form=extra.pop("participant_form", None) or participant_form(workspace, False),
        share_form=extra.pop("share_form", None) or ShareLinkForm(formdata=None),
        action_form=EmptyForm(),
        language=read_language(str(get_locale()), "fi"),
        new_link=_new_link(sprint),
        reopenable=facilitator and sprint.is_closed and services.closed_after(sprint) is None,
        live=live_link.current_session(sprint),
        **extra,
    )
