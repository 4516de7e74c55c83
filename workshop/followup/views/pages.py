"""The workspace's follow-up pages: every follow-up with its next check-in, one follow-up
with its history, its status and check-ins, its links; and following up a sprint's decision
or experiment."""

from flask import abort, flash, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workshop import clock
from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.confirm import ask_first
from workshop.extensions import db
from workshop.followup import links, services, tracking
from workshop.followup.forms import CheckInForm, LinkForm, StatusForm
from workshop.followup.labels import error_text
from workshop.followup.models import FollowUp, LinkRole
from workshop.followup.views.blueprint import bp
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.sprints import services as sprints
from workshop.sprints.forms import version_of


def _follow_up_or_404(workspace, follow_up_id: int) -> FollowUp:
    return services.get_follow_up(workspace, follow_up_id) or abort(404)


def _detail_url(follow_up: FollowUp) -> str:
    return url_for(
        "followup.detail", workspace_id=follow_up.workspace_id, follow_up_id=follow_up.id
    )


@bp.get("/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership):
    """Every follow-up of the workspace with status, owner, due date and next check-in."""
    today = clock.today()
    follow_ups = services.follow_ups_of(workspace)
    rows = [(f, tracking.next_check_in(f)) for f in follow_ups]
    return render_page(
        "followup/index.html",
        workspace=workspace,
        membership=membership,
        rows=rows,
        due=tracking.due_list(workspace, today),
        today=today,
        is_overdue=services.is_overdue,
    )


def _detail_page(workspace, membership, follow_up, status=200, **forms):
    forms.setdefault("status_form", StatusForm.showing(follow_up))
    forms.setdefault("check_in_form", None)
    forms.setdefault("link_form", LinkForm(formdata=None, name=follow_up.owner_name))
    return render_page(
        "followup/detail.html",
        status=status,
        workspace=workspace,
        membership=membership,
        follow_up=follow_up,
        commitment=tracking.commitment_of(follow_up),
        today=clock.today(),
        is_overdue=services.is_overdue,
        link_url=lambda link: url_for(
            "follow_link.page", token=links.link_token(link), _external=True
        ),
        action_form=EmptyForm(),
        **forms,
    )


@bp.get("/<int:follow_up_id>")
@workspace_role(Role.OBSERVER)
def detail(workspace, membership, follow_up_id):
    """One follow-up: its progress, check-ins, links and history."""
    follow_up = _follow_up_or_404(workspace, follow_up_id)
    return _detail_page(workspace, membership, follow_up)


@bp.post("/<int:follow_up_id>/status")
@workspace_role(Role.PARTICIPANT)
def status(workspace, membership, follow_up_id):
    """Move the follow-up on (dropping needs a reason); a stale form keeps what was typed."""
    follow_up = _follow_up_or_404(workspace, follow_up_id)
    form = StatusForm()
    if form.validate_on_submit():
        try:
            tracking.set_status(
                follow_up,
                form.status.data,
                version_of(form.version),
                form.reason.data,
                user=current_user,
            )
        except services.FollowUpError as error:
            db.session.rollback()
            form.form_errors.append(error_text(error.reason))
            form.version.data = str(follow_up.version)
            code = 409 if error.reason == "stale" else 422
            return _detail_page(workspace, membership, follow_up, code, status_form=form)
        db.session.commit()
        flash(_("Status saved."), "success")
        return redirect_page(_detail_url(follow_up))
    return _detail_page(workspace, membership, follow_up, 422, status_form=form)


@bp.post("/<int:follow_up_id>/check-ins")
@workspace_role(Role.PARTICIPANT)
def check_in(workspace, membership, follow_up_id):
    """Record a check-in with its note."""
    follow_up = _follow_up_or_404(workspace, follow_up_id)
    form = CheckInForm()
    if form.validate_on_submit():
        try:
            tracking.record_check_in(follow_up, form.kind.data, form.note.data, user=current_user)
        except services.FollowUpError as error:
            db.session.rollback()
            form.form_errors.append(error_text(error.reason))
            return _detail_page(workspace, membership, follow_up, 422, check_in_form=form)
        db.session.commit()
        flash(_("Check-in recorded."), "success")
        return redirect_page(_detail_url(follow_up))
    return _detail_page(workspace, membership, follow_up, 422, check_in_form=form)


@bp.post("/<int:follow_up_id>/links")
@workspace_role(Role.PARTICIPANT)
def new_link(workspace, membership, follow_up_id):
    """A link without an account for an owner outside the workspace."""
    follow_up = _follow_up_or_404(workspace, follow_up_id)
    form = LinkForm()
    if not form.validate_on_submit():
        return _detail_page(workspace, membership, follow_up, 422, link_form=form)
    links.create_link(
        follow_up,
        LinkRole.OWNER,
        form.name.data,
        form.organisation.data or "",
        form.email.data or "",
        current_user,
    )
    db.session.commit()
    flash(_("Link made. Copy it from the list and send it to the owner."), "success")
    return redirect_page(_detail_url(follow_up))


@bp.post("/<int:follow_up_id>/links/<int:link_id>/revoke")
@workspace_role(Role.PARTICIPANT)
def revoke_link(workspace, membership, follow_up_id, link_id):
    """Stop a link from working, after asking."""
    follow_up = _follow_up_or_404(workspace, follow_up_id)
    link = links.get_link(follow_up, link_id) or abort(404)
    form = ConfirmForm()
    if not form.is_confirmed():
        return ask_first(
            _("Withdraw the link of %(name)s?", name=link.name),
            [_("The link stops working at once. What was said through it stays in the history.")],
            url_for(
                "followup.revoke_link",
                workspace_id=workspace.id,
                follow_up_id=follow_up.id,
                link_id=link.id,
            ),
            _("Withdraw the link"),
            _detail_url(follow_up),
            follow_up.title,
            form,
        )
    links.revoke_link(link, current_user)
    db.session.commit()
    flash(_("The link was withdrawn."), "success")
    return redirect_page(_detail_url(follow_up))


def _follow_sprint_item(workspace, sprint_id, decision_id=None, experiment_id=None):
    sprint = sprints.get_sprint(workspace, sprint_id) or abort(404)
    if decision_id is not None:
        item = sprints.get_decision(sprint, decision_id) or abort(404)
    else:
        item = sprints.get_experiment(sprint, experiment_id) or abort(404)
    EmptyForm().validate_on_submit() or abort(400)
    existing = tracking.follow_up_of_sprint_item(item)
    if existing is not None:
        return redirect_page(_detail_url(existing))
    follow_up = tracking.follow_sprint_item(workspace, current_user, clock.today(), item)
    db.session.commit()
    flash(_("Follow-up started: three check-ins are scheduled."), "success")
    return redirect_page(_detail_url(follow_up))


@bp.post("/sprints/<int:sprint_id>/decisions/<int:decision_id>")
@workspace_role(Role.PARTICIPANT)
def follow_decision(workspace, membership, sprint_id, decision_id):
    """Follow up a sprint's decision (with an owner link when its owner is outside)."""
    return _follow_sprint_item(workspace, sprint_id, decision_id=decision_id)


@bp.post("/sprints/<int:sprint_id>/experiments/<int:experiment_id>")
@workspace_role(Role.PARTICIPANT)
def follow_experiment(workspace, membership, sprint_id, experiment_id):
    """Follow up a sprint's experiment (with an owner link for its owner)."""
    return _follow_sprint_item(workspace, sprint_id, experiment_id=experiment_id)
