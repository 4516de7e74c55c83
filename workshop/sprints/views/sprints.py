"""The list of sprints and one sprint: planning, editing, starting, closing (asked first),
reopening and deleting it."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.confirm import ask_first
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.journeys import services as journeys
from workshop.sprints import services
from workshop.sprints.forms import SprintForm, version_of
from workshop.sprints.labels import DEFAULT_PHASES
from workshop.sprints.models import SprintStatus
from workshop.sprints.views.blueprint import bp
from workshop.sprints.views.common import (
    closed_refusal,
    refuse,
    sprint_or_404,
    sprint_page,
    to_sprint,
)


def _sprint_form(workspace, sprint=None, formdata=True) -> SprintForm:
    if sprint is None and not formdata:
        form = SprintForm(formdata=None, phases="\n".join(str(p) for p in DEFAULT_PHASES))
    elif sprint is not None and not formdata:
        form = SprintForm(
            formdata=None,
            obj=sprint,
            journeys=[j.id for j in sprint.journeys],
            phases="\n".join(p.name for p in sprint.phases),
            version=sprint.version,
        )
    else:
        form = SprintForm()
    form.journeys.choices = [SelectChoice(j.id, j.name) for j in journeys.journeys_of(workspace)]
    return form


def _sprint_data(form: SprintForm) -> services.SprintData:
    return services.SprintData(
        title=form.title.data.strip(),
        challenge=form.challenge.data or "",
        starts_on=form.starts_on.data,
        ends_on=form.ends_on.data,
        phases=form.phase_names(),
        journey_ids=list(form.journeys.data or []),
    )


@bp.get("/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership):
    """The workspace's sprints."""
    return render_page(
        "sprints/index.html",
        workspace=workspace,
        membership=membership,
        sprints=services.sprints_of(workspace),
    )


@bp.route("/new", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def create(workspace, membership):
    """Plan a new sprint."""
    form = _sprint_form(workspace, formdata=request.method == "POST")
    if request.method == "POST" and form.validate_on_submit():
        sprint = services.create_sprint(workspace, current_user, _sprint_data(form))
        return to_sprint(workspace, sprint, _("Sprint planned."))
    status = 422 if request.method == "POST" else 200
    return _sprint_form_page(workspace, membership, form, None, status)


def _sprint_form_page(workspace, membership, form, sprint, status, error=None):
    """The form planning a new sprint (`sprint` None) or changing one."""
    return render_page(
        "sprints/sprint_form.html",
        status=status,
        workspace=workspace,
        membership=membership,
        form=form,
        sprint=sprint,
        error=error,
    )


@bp.get("/<int:sprint_id>")
@workspace_role(Role.OBSERVER)
def detail(workspace, membership, sprint_id):
    """A sprint: its plan, people, experiments, decisions, and what to share."""
    return sprint_page(workspace, membership, sprint_or_404(workspace, sprint_id))


SPRINT_CONFLICT = _l(
    "Someone saved this sprint while you were editing. Your text is still in "
    "the form; the saved version is on the sprint's page. Save again to keep yours."
)


@bp.route("/<int:sprint_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit(workspace, membership, sprint_id):
    """Change the sprint's title, challenge, dates, journeys or phases."""
    sprint = sprint_or_404(workspace, sprint_id)
    if sprint.is_closed:
        return closed_refusal(workspace, membership, sprint)
    form = _sprint_form(workspace, sprint, formdata=request.method == "POST")
    error, status = None, 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services.update_sprint(sprint, version_of(form.version), _sprint_data(form))
                return to_sprint(workspace, sprint, _("Sprint saved."))
            except services.Conflict:
                db.session.rollback()
                status, error = 409, SPRINT_CONFLICT
                form.version.data = str(sprint.version)
    return _sprint_form_page(workspace, membership, form, sprint, status, error)


@bp.get("/<int:sprint_id>/delete")
@workspace_role(Role.FACILITATOR)
def confirm_delete(workspace, membership, sprint_id):
    """Ask before deleting a sprint: it cannot be undone."""
    sprint = sprint_or_404(workspace, sprint_id)
    if sprint.is_closed:
        return closed_refusal(workspace, membership, sprint)
    return render_page(
        "sprints/delete.html", workspace=workspace, membership=membership, sprint=sprint
    )


def _close_question(workspace, sprint, form=None):
    return ask_first(
        _("Close the sprint “%(title)s”?", title=sprint.title),
        [
            _(
                "A snapshot of its journeys, critical points, experiments and decisions is "
                "frozen as they are now; the summary and its PDF come from it from then on."
            ),
            _("Nothing in the sprint can be changed after that, and its live session stops."),
            _(
                "The next sprint on the same journeys is compared with it. Until such a sprint "
                "has closed, a facilitator can reopen this one."
            ),
        ],
        url_for(
            "sprints.change_status", workspace_id=workspace.id, sprint_id=sprint.id, action="close"
        ),
        _("Close the sprint"),
        url_for("sprints.detail", workspace_id=workspace.id, sprint_id=sprint.id),
        sprint.title,
        form,
    )


@bp.get("/<int:sprint_id>/close")
@workspace_role(Role.FACILITATOR)
def confirm_close(workspace, membership, sprint_id):
    """Ask before closing a sprint: what freezes, and what can no longer change."""
    sprint = sprint_or_404(workspace, sprint_id)
    if sprint.is_closed:
        return closed_refusal(workspace, membership, sprint)
    return _close_question(workspace, sprint)


@bp.post("/<int:sprint_id>/<any(start, close, delete):action>")
@workspace_role(Role.FACILITATOR)
def change_status(workspace, membership, sprint_id, action):
    """Start a planned sprint, close a running one (freezing its snapshot; asked first), or
    delete one."""
    sprint = sprint_or_404(workspace, sprint_id)
    if action == "close" and sprint.status == SprintStatus.RUNNING:
        form = ConfirmForm()
        if not form.is_confirmed():
            return _close_question(workspace, sprint, form)
    else:
        EmptyForm().validate_on_submit() or abort(400)
    try:
        return _apply_status(workspace, sprint, action)
    except services.SprintClosed:
        return closed_refusal(workspace, membership, sprint)
    except services.WrongStatus:
        message = _("Only a planned sprint can start, and only a running one can close.")
        return refuse(workspace, membership, sprint, message)


def _apply_status(workspace, sprint, action: str):
    """Start, close or delete the sprint, and say so where the browser goes next."""
    if action == "start":
        services.start_sprint(sprint)
        return to_sprint(workspace, sprint, _("The sprint is running."))
    if action == "close":
        services.close_sprint(sprint, current_user)
        return to_sprint(workspace, sprint, _("Sprint closed. Its summary is now kept as it is."))
    services.delete_sprint(sprint)
    db.session.commit()
    flash(_("Sprint deleted."), "success")
    return redirect_page(url_for("sprints.index", workspace_id=workspace.id))


@bp.post("/<int:sprint_id>/reopen")
@workspace_role(Role.FACILITATOR)
def reopen(workspace, membership, sprint_id):
    """Undo closing: the sprint runs again and its snapshot goes, unless a later sprint on the
    same journeys has closed and is compared with it."""
    sprint = sprint_or_404(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        services.reopen_sprint(sprint)
    except (services.WrongStatus, services.ComparedLater) as refusal:
        return refuse(workspace, membership, sprint, _not_reopened(refusal))
    return to_sprint(
        workspace, sprint, _("The sprint is running again. Closing it freezes a new snapshot.")
    )


def _not_reopened(refusal: Exception) -> str:
    """Why the sprint stays closed."""
    if isinstance(refusal, services.WrongStatus):
        return _("This sprint is not closed.")
    return _(
        "A later sprint on the same journeys has closed and is compared with this "
        "one, so this sprint stays closed."
    )
