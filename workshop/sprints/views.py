"""Design sprints: plan, run and close them; experiments, decisions, the summary, its PDF and
share links."""

import re

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    make_response,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop import addresses, pdf
from workshop.access import public, workspace_role
from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.confirm import ask_first
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.errors import render_error
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.journeys import services as journeys
from workshop.sprints import live_link, services, snapshot
from workshop.sprints.forms import (
    DecisionForm,
    ExperimentForm,
    ParticipantForm,
    ShareLinkForm,
    SprintForm,
    member_choices,
    organisation_choices,
    read_language,
    version_of,
)
from workshop.sprints.labels import DEFAULT_PHASES
from workshop.sprints.models import DecisionStatus, ExperimentStatus, SprintStatus
from workshop.sprints.summary import render_summary

bp = Blueprint("sprints", __name__)
shared = Blueprint("shared", __name__)

# The browser sends this back with a PDF request, so the page can tell when the file arrived.
READY_TOKEN = re.compile(r"^[A-Za-z0-9]{8,40}$")


# --- helpers -----------------------------------------------------------------------------------


def _sprint(workspace, sprint_id):
    return services.get_sprint(workspace, sprint_id) or abort(404)


def _closed_refusal(workspace, membership, sprint):
    db.session.rollback()
    return _sprint_page(
        workspace,
        membership,
        sprint,
        409,
        error=_("This sprint is closed: it is kept as it was and can no longer be changed."),
    )


def _to_sprint(workspace, sprint, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(url_for("sprints.detail", workspace_id=workspace.id, sprint_id=sprint.id))


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


def _participant_form(workspace, formdata=True) -> ParticipantForm:
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


def _sprint_page(workspace, membership, sprint, status=200, **extra):
    previous = services.previous_sprint(sprint)
    changes = (
        snapshot.changes(services.document_of(previous), services.document_of(sprint))
        if previous
        else []
    )
    can_edit = membership.role.allows(Role.PARTICIPANT) and not sprint.is_closed
    facilitator = membership.role.allows(Role.FACILITATOR)
    return render_page(
        "sprints/sprint.html",
        status=status,
        workspace=workspace,
        membership=membership,
        sprint=sprint,
        previous=previous,
        summary={"changes": changes},
        expired_links={link.id for link in sprint.share_links if services.is_expired(link)},
        step_total=services.step_total(sprint),
        max_steps=current_app.config["PDF_MAX_STEPS"],
        can_edit=can_edit,
        facilitator=facilitator,
        participant_form=extra.pop("participant_form", None) or _participant_form(workspace, False),
        share_form=extra.pop("share_form", None) or ShareLinkForm(formdata=None),
        action_form=EmptyForm(),
        language=read_language(str(get_locale()), "fi"),
        new_link=_new_link(sprint),
        reopenable=facilitator and sprint.is_closed and services.closed_after(sprint) is None,
        live=live_link.current_session(sprint),
        **extra,
    )


# --- the list and one sprint ---------------------------------------------------------------------


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
        return _to_sprint(workspace, sprint, _("Sprint planned."))
    status = 422 if request.method == "POST" else 200
    return render_page(
        "sprints/sprint_form.html",
        status=status,
        workspace=workspace,
        membership=membership,
        form=form,
        sprint=None,
    )


@bp.get("/<int:sprint_id>")
@workspace_role(Role.OBSERVER)
def detail(workspace, membership, sprint_id):
    """A sprint: its plan, people, experiments, decisions, and what to share."""
    return _sprint_page(workspace, membership, _sprint(workspace, sprint_id))


@bp.route("/<int:sprint_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit(workspace, membership, sprint_id):
    """Change the sprint's title, challenge, dates, journeys or phases."""
    sprint = _sprint(workspace, sprint_id)
    if sprint.is_closed:
        return _closed_refusal(workspace, membership, sprint)
    form = _sprint_form(workspace, sprint, formdata=request.method == "POST")
    error, status = None, 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            try:
                services.update_sprint(sprint, version_of(form.version), _sprint_data(form))
                return _to_sprint(workspace, sprint, _("Sprint saved."))
            except services.Conflict:
                db.session.rollback()
                status = 409
                error = _(
                    "Someone saved this sprint while you were editing. Your text is still in "
                    "the form; the saved version is on the sprint's page. Save again to keep yours."
                )
                form.version.data = str(sprint.version)
    return render_page(
        "sprints/sprint_form.html",
        status=status,
        workspace=workspace,
        membership=membership,
        form=form,
        sprint=sprint,
        error=error,
    )


@bp.get("/<int:sprint_id>/delete")
@workspace_role(Role.FACILITATOR)
def confirm_delete(workspace, membership, sprint_id):
    """Ask before deleting a sprint: it cannot be undone."""
    sprint = _sprint(workspace, sprint_id)
    if sprint.is_closed:
        return _closed_refusal(workspace, membership, sprint)
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
    sprint = _sprint(workspace, sprint_id)
    if sprint.is_closed:
        return _closed_refusal(workspace, membership, sprint)
    return _close_question(workspace, sprint)


@bp.post("/<int:sprint_id>/<any(start, close, delete):action>")
@workspace_role(Role.FACILITATOR)
def change_status(workspace, membership, sprint_id, action):
    """Start a planned sprint, close a running one (freezing its snapshot; asked first), or
    delete one."""
    sprint = _sprint(workspace, sprint_id)
    if action == "close" and sprint.status == SprintStatus.RUNNING:
        form = ConfirmForm()
        if not form.is_confirmed():
            return _close_question(workspace, sprint, form)
    else:
        EmptyForm().validate_on_submit() or abort(400)
    try:
        if action == "start":
            services.start_sprint(sprint)
            return _to_sprint(workspace, sprint, _("The sprint is running."))
        if action == "close":
            services.close_sprint(sprint, current_user)
            return _to_sprint(
                workspace, sprint, _("Sprint closed. Its summary is now kept as it is.")
            )
        services.delete_sprint(sprint)
    except services.SprintClosed:
        return _closed_refusal(workspace, membership, sprint)
    except services.WrongStatus:
        db.session.rollback()
        return _sprint_page(
            workspace,
            membership,
            sprint,
            409,
            error=_("Only a planned sprint can start, and only a running one can close."),
        )
    db.session.commit()
    flash(_("Sprint deleted."), "success")
    return redirect_page(url_for("sprints.index", workspace_id=workspace.id))


@bp.post("/<int:sprint_id>/reopen")
@workspace_role(Role.FACILITATOR)
def reopen(workspace, membership, sprint_id):
    """Undo closing: the sprint runs again and its snapshot goes, unless a later sprint on the
    same journeys has closed and is compared with it."""
    sprint = _sprint(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        services.reopen_sprint(sprint)
    except services.WrongStatus:
        db.session.rollback()
        return _sprint_page(
            workspace, membership, sprint, 409, error=_("This sprint is not closed.")
        )
    except services.ComparedLater:
        db.session.rollback()
        return _sprint_page(
            workspace,
            membership,
            sprint,
            409,
            error=_(
                "A later sprint on the same journeys has closed and is compared with this "
                "one, so this sprint stays closed."
            ),
        )
    return _to_sprint(
        workspace, sprint, _("The sprint is running again. Closing it freezes a new snapshot.")
    )


# --- participants ------------------------------------------------------------------------------


@bp.post("/<int:sprint_id>/participants")
@workspace_role(Role.FACILITATOR)
def add_participant(workspace, membership, sprint_id):
    """Add a member or a guest to the sprint."""
    sprint = _sprint(workspace, sprint_id)
    if sprint.is_closed:
        return _closed_refusal(workspace, membership, sprint)
    form = _participant_form(workspace)
    if not form.validate_on_submit():
        return _sprint_page(workspace, membership, sprint, 422, participant_form=form)
    role = ReporterRole(form.role.data)
    try:
        services.add_participant(
            sprint,
            services.ParticipantData(
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
            ),
        )
    except services.TooMany as error:
        db.session.rollback()
        form.form_errors.append(_("A sprint has at most %(max)d participants.", max=error.limit))
        return _sprint_page(workspace, membership, sprint, 422, participant_form=form)
    except services.SprintError:
        abort(400)
    return _to_sprint(workspace, sprint, _("Participant added."))


@bp.post("/<int:sprint_id>/participants/<int:participant_id>/remove")
@workspace_role(Role.FACILITATOR)
def remove_participant(workspace, membership, sprint_id, participant_id):
    """Take someone off the sprint."""
    sprint = _sprint(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        services.remove_participant(sprint, participant_id)
    except services.SprintClosed:
        return _closed_refusal(workspace, membership, sprint)
    except services.SprintError:
        abort(404)
    return _to_sprint(workspace, sprint, _("Participant removed."))


# --- experiments and decisions -----------------------------------------------------------------


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
        return _closed_refusal(workspace, membership, sprint)
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
    return _to_sprint(workspace, sprint, message)


@bp.route("/<int:sprint_id>/experiments/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def new_experiment(workspace, membership, sprint_id):
    """Plan a rapid trial."""
    sprint = _sprint(workspace, sprint_id)
    form = _experiment_form(sprint, formdata=request.method == "POST")
    template = "sprints/experiment_form.html"
    return _item_view(
        workspace,
        membership,
        sprint,
        template,
        form,
        None,
        lambda: services.add_experiment(sprint, current_user, _experiment_data(form)),
        _("Experiment added."),
    )


@bp.route("/<int:sprint_id>/experiments/<int:experiment_id>", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit_experiment(workspace, membership, sprint_id, experiment_id):
    """Change a trial: its plan, status and result."""
    sprint = _sprint(workspace, sprint_id)
    experiment = services.get_experiment(sprint, experiment_id) or abort(404)
    form = _experiment_form(sprint, experiment, formdata=request.method == "POST")
    template = "sprints/experiment_form.html"
    return _item_view(
        workspace,
        membership,
        sprint,
        template,
        form,
        experiment,
        lambda: services.update_experiment(
            sprint, experiment, current_user, version_of(form.version), _experiment_data(form)
        ),
        _("Experiment saved."),
    )


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
    sprint = _sprint(workspace, sprint_id)
    form = _decision_form(workspace, formdata=request.method == "POST")
    template = "sprints/decision_form.html"
    return _item_view(
        workspace,
        membership,
        sprint,
        template,
        form,
        None,
        lambda: services.add_decision(sprint, _decision_data(form)),
        _("Decision added."),
    )


@bp.route("/<int:sprint_id>/decisions/<int:decision_id>", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit_decision(workspace, membership, sprint_id, decision_id):
    """Change a decision, its owner, due date or status."""
    sprint = _sprint(workspace, sprint_id)
    decision = services.get_decision(sprint, decision_id) or abort(404)
    form = _decision_form(workspace, decision, formdata=request.method == "POST")
    template = "sprints/decision_form.html"
    return _item_view(
        workspace,
        membership,
        sprint,
        template,
        form,
        decision,
        lambda: services.update_decision(
            sprint, decision, version_of(form.version), _decision_data(form)
        ),
        _("Decision saved."),
    )


@bp.post("/<int:sprint_id>/<any(experiments, decisions):kind>/<int:item_id>/delete")
@workspace_role(Role.PARTICIPANT)
def delete_item(workspace, membership, sprint_id, kind, item_id):
    """Remove an experiment or a decision."""
    sprint = _sprint(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        if kind == "experiments":
            item = services.get_experiment(sprint, item_id) or abort(404)
            services.delete_experiment(sprint, item)
        else:
            item = services.get_decision(sprint, item_id) or abort(404)
            services.delete_decision(sprint, item)
    except services.SprintClosed:
        return _closed_refusal(workspace, membership, sprint)
    return _to_sprint(workspace, sprint, _("Deleted."))


# --- the summary: print preview and PDF --------------------------------------------------------


def _too_large(sprint):
    """A refusal naming the limit when the sprint has more steps than a summary may show."""
    limit = current_app.config["PDF_MAX_STEPS"]
    steps = services.summary_step_count(sprint)
    if steps <= limit:
        return None
    return render_error(
        413,
        _(
            "This sprint's journeys have %(steps)d steps; a summary can show at most "
            "%(max)d. Take some journeys out of the sprint's scope and try again.",
            steps=steps,
            max=limit,
        ),
    )


def _summary(sprint, as_pdf: bool, links: dict) -> Response:
    """The summary page or its PDF, in the language asked for (or the page's own)."""
    refusal = _too_large(sprint)
    if refusal:
        return make_response(refusal)
    language = read_language(request.args.get("lang"), read_language(str(get_locale()), "fi"))
    show_names = request.args.get("names") == "1" and links.get("names_allowed", True)
    html = render_summary(sprint, language, show_names, links, as_pdf)
    if not as_pdf:
        return make_response(html)
    return _pdf_response(html, f"sprint-{sprint.id}-{language}.pdf")


def _pdf_response(html: str, filename: str):
    renderer: pdf.PdfRenderer = current_app.extensions["polku_pdf"]
    try:
        result = renderer.render(html)
    except pdf.RenderBusy:
        response = render_error(
            503, _("Other PDFs are being made right now. Try again in a few seconds.")
        )
        return make_response(response[0], 503, {"Retry-After": "5"})
    except pdf.RenderTimeout:
        current_app.logger.warning("PDF render stopped after %ss", renderer.timeout)
        return make_response(
            *render_error(
                503,
                _(
                    "Making the PDF took longer than %(seconds)d seconds and was stopped. "
                    "Try again later, or print the summary page from your browser.",
                    seconds=renderer.timeout,
                ),
            )
        )
    except pdf.RenderTooLarge:
        current_app.logger.warning("PDF render stopped at its memory limit")
        return make_response(
            *render_error(
                503,
                _(
                    "This summary needs more memory than a PDF may use. Take some journeys "
                    "out of the sprint's scope, or print the summary page from your browser."
                ),
            )
        )
    except pdf.PdfError:
        current_app.logger.exception("PDF render failed")
        return make_response(
            *render_error(
                500,
                _(
                    "The PDF could not be made. Try again in a moment, or print the summary "
                    "page from your browser."
                ),
            )
        )
    current_app.logger.info(
        "PDF %s: %d pages in %.2fs, %d KiB peak",
        filename,
        result.pages,
        result.seconds,
        result.peak_memory_kib,
    )
    response = Response(result.data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    ready = request.args.get("ready", "")
    if READY_TOKEN.match(ready):
        response.set_cookie("polku_pdf_ready", ready, max_age=120, samesite="Strict")
    return response


def _workspace_links(workspace, sprint) -> dict:
    return {
        "back": url_for("sprints.detail", workspace_id=workspace.id, sprint_id=sprint.id),
        "pdf": url_for("sprints.summary_pdf", workspace_id=workspace.id, sprint_id=sprint.id),
        "page": url_for("sprints.summary", workspace_id=workspace.id, sprint_id=sprint.id),
    }


@bp.get("/<int:sprint_id>/summary")
@workspace_role(Role.OBSERVER)
def summary(workspace, membership, sprint_id):
    """The summary as a page: the print preview of the PDF."""
    sprint = _sprint(workspace, sprint_id)
    return _summary(sprint, False, _workspace_links(workspace, sprint))


@bp.get("/<int:sprint_id>/summary.pdf")
@workspace_role(Role.OBSERVER)
def summary_pdf(workspace, membership, sprint_id):
    """The summary as a PDF to share and archive."""
    sprint = _sprint(workspace, sprint_id)
    return _summary(sprint, True, _workspace_links(workspace, sprint))


# --- share links -------------------------------------------------------------------------------


@bp.post("/<int:sprint_id>/share")
@workspace_role(Role.FACILITATOR)
def create_share_link(workspace, membership, sprint_id):
    """Make a read-only link to the summary; its address is shown once."""
    sprint = _sprint(workspace, sprint_id)
    form = ShareLinkForm()
    if not form.validate_on_submit():
        return _sprint_page(workspace, membership, sprint, 422, share_form=form)
    try:
        _link, token = services.create_share_link(
            sprint, current_user, (form.label.data or "").strip(), form.expires_on.data
        )
    except services.TooMany as error:
        db.session.rollback()
        form.form_errors.append(_("A sprint has at most %(max)d share links.", max=error.limit))
        return _sprint_page(workspace, membership, sprint, 422, share_form=form)
    # Shown once, on the page the browser is sent to: reloading that page makes no new link.
    session[NEW_LINK_KEY] = (sprint.id, addresses.external_url("shared.page", token=token))
    return _to_sprint(workspace, sprint, _("Share link made."))


def _revoke_question(workspace, sprint, link, form=None):
    question = (
        _("Withdraw the share link “%(label)s”?", label=link.label)
        if link.label
        else _("Withdraw this share link?")
    )
    return ask_first(
        question,
        [
            _(
                "Whoever opens it is told it was withdrawn, instead of seeing the sprint's "
                "summary and its PDF."
            ),
            _("You can restore it on the sprint's page until its end date; it keeps its address."),
        ],
        url_for(
            "sprints.revoke_share_link",
            workspace_id=workspace.id,
            sprint_id=sprint.id,
            link_id=link.id,
        ),
        _("Withdraw the link"),
        url_for(
            "sprints.detail", workspace_id=workspace.id, sprint_id=sprint.id, _anchor="share-title"
        ),
        sprint.title,
        form,
    )


@bp.route("/<int:sprint_id>/share/<int:link_id>/revoke", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def revoke_share_link(workspace, membership, sprint_id, link_id):
    """Stop a share link from working, after asking."""
    sprint = _sprint(workspace, sprint_id)
    link = services.get_share_link(sprint, link_id) or abort(404)
    form = ConfirmForm()
    if request.method == "GET" or not form.is_confirmed():
        return _revoke_question(workspace, sprint, link, form if form.is_submitted() else None)
    services.revoke_share_link(sprint, link.id)
    return _to_sprint(
        workspace, sprint, _("Share link withdrawn. “Restore” below makes it work again.")
    )


@bp.post("/<int:sprint_id>/share/<int:link_id>/restore")
@workspace_role(Role.FACILITATOR)
def restore_share_link(workspace, membership, sprint_id, link_id):
    """Undo a withdrawal: the link works again at the same address, unless it has expired."""
    sprint = _sprint(workspace, sprint_id)
    EmptyForm().validate_on_submit() or abort(400)
    try:
        services.restore_share_link(sprint, link_id)
    except services.ShareLinkGone:
        db.session.rollback()
        return _sprint_page(
            workspace,
            membership,
            sprint,
            409,
            error=_("This link has expired; make a new one instead."),
        )
    except services.SprintError:
        abort(404)
    return _to_sprint(workspace, sprint, _("Share link restored: it works again."))


def _shared_link(token):
    try:
        link = services.find_share_link(token)
    except services.ShareLinkGone:
        return None, render_error(
            410, _("This link has been withdrawn or has expired. Ask the sender for a new one.")
        )
    if link is None:
        return None, render_error(404)
    return link, None


def _shared_links(link, **links) -> dict:
    """What a shared summary links to: no names, and the last day the link works."""
    expires_on = None
    if link.expires_at is not None:
        expires_on = link.expires_at.astimezone(services.time_zone(link.sprint.workspace)).date()
    return {"names_allowed": False, "expires_on": expires_on} | links


@shared.get("/<token>")
@public
def page(token):
    """The sprint summary for someone without an account."""
    link, refusal = _shared_link(token)
    if refusal:
        return refusal
    links = _shared_links(link, pdf=url_for("shared.download", token=token))
    response = _summary(link.sprint, False, links)
    # The token is in the address: keep it out of caches and other sites' logs.
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@shared.get("/<token>/summary.pdf")
@public
def download(token):
    """The shared sprint summary as a PDF."""
    link, refusal = _shared_link(token)
    if refusal:
        return refusal
    return _summary(link.sprint, True, _shared_links(link))
