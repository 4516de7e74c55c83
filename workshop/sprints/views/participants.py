"""Who takes part in a sprint: members and guests, by organisation and role."""

from flask import abort
from flask_babel import gettext as _

from workshop.access import workspace_role
from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.sprints import services
from workshop.sprints.forms import ParticipantForm
from workshop.sprints.views.blueprint import bp
from workshop.sprints.views.common import (
    closed_refusal,
    participant_form,
    sprint_or_404,
    sprint_page,
    to_sprint,
)


@bp.post("/<int:sprint_id>/participants")
@workspace_role(Role.FACILITATOR)
def add_participant(workspace, membership, sprint_id):
    """Add a member or a guest to the sprint."""
    sprint = sprint_or_404(workspace, sprint_id)
    if sprint.is_closed:
        return closed_refusal(workspace, membership, sprint)
    form = participant_form(workspace)
    if not form.validate_on_submit():
        return sprint_page(workspace, membership, sprint, 422, participant_form=form)
    try:
        services.add_participant(sprint, _participant_data(workspace, form))
    except services.TooMany as error:
        db.session.rollback()
        form.form_errors.append(_("A sprint has at most %(max)d participants.", max=error.limit))
        return sprint_page(workspace, membership, sprint, 422, participant_form=form)
    except services.SprintError:
        abort(400)
    return to_sprint(workspace, sprint, _("Participant added."))


def _participant_data(workspace, form: ParticipantForm) -> services.ParticipantData:
    """Who the valid form names; a new organisation typed in joins the workspace."""
    role = ReporterRole(form.role.data)
    return services.ParticipantData(
        user_id=form.member.data,
        name=(form.name.data or "").strip(),
        role=role,
        organisation_id=accounts.chosen_or_new_organisation(
            workspace,
            form.organisation.data,
            form.new_organisation.data,
            points.organisation_kind_for(role),
        ),
        is_facilitator=form.is_facilitator.data,
    )


@bp.post("/<int:sprint_id>/participants/<int:participant_id>/remove")
@workspace_role(Role.FACILITATOR)
def remove_participant(workspace, membership, sprint_id, participant_id):
    """Take someone off the sprint."""
    sprint = sprint_or_404(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        services.remove_participant(sprint, participant_id)
    except services.SprintClosed:
        return closed_refusal(workspace, membership, sprint)
    except services.SprintError:
        abort(404)
    return to_sprint(workspace, sprint, _("Participant removed."))
