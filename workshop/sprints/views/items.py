"""A sprint's experiments and decisions: one form flow for both."""

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import render_page
from workshop.sprints import services
from workshop.sprints.forms import (
    DecisionForm,
    ExperimentForm,
    member_choices,
    organisation_choices,
    version_of,
)
from workshop.sprints.models import DecisionStatus, ExperimentStatus
from workshop.sprints.views.blueprint import bp
from workshop.sprints.views.common import closed_refusal, sprint_or_404, to_sprint


def _experiment_form(sprint, experiment=None, formdata=True) -> ExperimentForm:
    if formdata:
        form = ExperimentForm()
    elif experiment is None:
        form = ExperimentForm(formdata=None)
    else:
        form = ExperimentForm(
            formdata=None,
            obj=experiment,
            status=experiment.status.value,
            points=[p.id for p in experiment.points],
            version=experiment.version,
        )
    form.points.choices = [
        SelectChoice(p.id, f"{p.title} ({p.journey.name})")
        for p in services.points_in_scope(sprint)
    ]
    return form


def _experiment_data(form) -> services.ExperimentData:
    return services.ExperimentData(
        title=form.title.data.strip(),
        hypothesis=form.hypothesis.data or "",
        change=form.change.data or "",
        owner=(form.owner.data or "").strip(),
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        success_measure=form.success_measure.data or "",
        result=form.result.data or "",
        status=ExperimentStatus(form.status.data),
        point_ids=list(form.points.data or []),
    )


def _item_page(template, workspace, membership, sprint, form, item, status=200, error=None):
    return render_page(
        template,
        status=status,
        workspace=workspace,
        membership=membership,
        sprint=sprint,
        form=form,
        item=item,
        error=error,
        action_form=EmptyForm(),
    )


EXPERIMENT_PAGE = "sprints/experiment_form.html"
DECISION_PAGE = "sprints/decision_form.html"

CONFLICT_MESSAGE = _l(
    "Someone saved this while you were editing. Your text is still in the form; the saved "
    "version is on the sprint's page. Save again to keep yours."
)


def _item_view(workspace, membership, sprint, template, form, item, save, message):
    """Show the form, or validate it, save through `save` and answer: the one flow that
    experiments and decisions share."""
    if request.method == "GET":
        return _item_page(template, workspace, membership, sprint, form, item)
    if sprint.is_closed:
        return closed_refusal(workspace, membership, sprint)
    if not form.validate_on_submit():
        return _item_page(template, workspace, membership, sprint, form, item, 422)
    try:
        save()
    except services.Conflict:
        db.session.rollback()
        form.version.data = str(item.version)
        return _item_page(
            template, workspace, membership, sprint, form, item, 409, CONFLICT_MESSAGE
        )
    except services.TooMany as error:
        db.session.rollback()
        form.form_errors.append(_("A sprint holds at most %(max)d of these.", max=error.limit))
        return _item_page(template, workspace, membership, sprint, form, item, 422)
    except services.SprintError:
        abort(400)
    return to_sprint(workspace, sprint, message)


@bp.route("/<int:sprint_id>/experiments/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def new_experiment(workspace, membership, sprint_id):
    """Plan a rapid trial."""
    sprint = sprint_or_404(workspace, sprint_id)
    form = _experiment_form(sprint, formdata=request.method == "POST")

    def save():
        services.add_experiment(sprint, current_user, _experiment_data(form))

    done = _("Experiment added.")
    return _item_view(workspace, membership, sprint, EXPERIMENT_PAGE, form, None, save, done)


@bp.route("/<int:sprint_id>/experiments/<int:experiment_id>", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit_experiment(workspace, membership, sprint_id, experiment_id):
    """Change a trial: its plan, status and result."""
    sprint = sprint_or_404(workspace, sprint_id)
    experiment = services.get_experiment(sprint, experiment_id) or abort(404)
    form = _experiment_form(sprint, experiment, formdata=request.method == "POST")

    def save():
        data = _experiment_data(form)
        services.update_experiment(sprint, experiment, current_user, version_of(form.version), data)

    done = _("Experiment saved.")
    return _item_view(workspace, membership, sprint, EXPERIMENT_PAGE, form, experiment, save, done)


def _decision_form(workspace, decision=None, formdata=True) -> DecisionForm:
    if formdata:
        form = DecisionForm()
    elif decision is None:
        form = DecisionForm(formdata=None)
    else:
        form = DecisionForm(
            formdata=None,
            obj=decision,
            owner_member=decision.owner_user_id,
            owner_organisation=decision.owner_organisation_id,
            status=decision.status.value,
            version=decision.version,
        )
    form.owner_member.choices = member_choices(accounts.members_of(workspace), _("Nobody yet"))
    form.owner_organisation.choices = organisation_choices(
        accounts.organisations_of(workspace), _("No organisation")
    )
    return form


def _decision_data(form) -> services.DecisionData:
    return services.DecisionData(
        text=form.text.data.strip(),
        owner_user_id=form.owner_member.data,
        owner_name=(form.owner_name.data or "").strip(),
        owner_organisation_id=form.owner_organisation.data,
        due_on=form.due_on.data,
        status=DecisionStatus(form.status.data),
    )


@bp.route("/<int:sprint_id>/decisions/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def new_decision(workspace, membership, sprint_id):
    """Record what the team agreed."""
    sprint = sprint_or_404(workspace, sprint_id)
    form = _decision_form(workspace, formdata=request.method == "POST")

    def save():
        services.add_decision(sprint, _decision_data(form))

    done = _("Decision added.")
    return _item_view(workspace, membership, sprint, DECISION_PAGE, form, None, save, done)


@bp.route("/<int:sprint_id>/decisions/<int:decision_id>", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit_decision(workspace, membership, sprint_id, decision_id):
    """Change a decision, its owner, due date or status."""
    sprint = sprint_or_404(workspace, sprint_id)
    decision = services.get_decision(sprint, decision_id) or abort(404)
    form = _decision_form(workspace, decision, formdata=request.method == "POST")

    def save():
        services.update_decision(sprint, decision, version_of(form.version), _decision_data(form))

    done = _("Decision saved.")
    return _item_view(workspace, membership, sprint, DECISION_PAGE, form, decision, save, done)


@bp.post("/<int:sprint_id>/<any(experiments, decisions):kind>/<int:item_id>/delete")
@workspace_role(Role.PARTICIPANT)
def delete_item(workspace, membership, sprint_id, kind, item_id):
    """Remove an experiment or a decision."""
    sprint = sprint_or_404(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        if kind == "experiments":
            item = services.get_experiment(sprint, item_id) or abort(404)
            services.delete_experiment(sprint, item)
        else:
            item = services.get_decision(sprint, item_id) or abort(404)
            services.delete_decision(sprint, item)
    except services.SprintClosed:
        return closed_refusal(workspace, membership, sprint)
    return to_sprint(workspace, sprint, _("Deleted."))
