"""The workspace's journeys: the list, creating, renaming, deleting and restoring, copying one
(as-is into to-be) and comparing two."""

from flask import abort, flash, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.i18n import current_language
from workshop.ids import parse_id
from workshop.journey_templates import services as templates
from workshop.journeys import services
from workshop.journeys.forms import DuplicateForm, JourneyEditForm, JourneyForm
from workshop.journeys.labels import COMPARED_FIELD_LABELS
from workshop.journeys.models import JourneyKind
from workshop.journeys.views.blueprint import bp
from workshop.journeys.views.board import board_url, journey_or_404

UNDO_JOURNEY_KEY = "undo_journey"


@bp.get("/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership):
    """The workspace's journeys, last changed first."""
    can_manage = membership.role.allows(Role.FACILITATOR)
    deleted = services.deleted_journeys(workspace) if can_manage else []
    undo_id = session.pop(UNDO_JOURNEY_KEY, None)
    return render_page(
        "journeys/index.html",
        workspace=workspace,
        membership=membership,
        journeys=services.journeys_of(workspace),
        can_edit=membership.role.allows(Role.PARTICIPANT),
        can_manage=can_manage,
        deleted=deleted,
        undo=next((j for j in deleted if j.id == undo_id), None),
        keep_until={j.id: j.deleted_at + services.KEEP_DELETED for j in deleted},
        action_form=EmptyForm(),
    )


@bp.route("/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def create(workspace, membership):
    """Create a journey from a template or blank."""
    form = JourneyForm(language=current_language(), template=request.args.get("template", ""))
    form.template.choices = _template_choices()
    if form.validate_on_submit():
        template = templates.get_template(form.template.data) if form.template.data else None
        kind = JourneyKind(template.kind) if template else JourneyKind(form.kind.data)
        journey = services.create_journey(
            workspace,
            current_user,
            form.name.data,
            kind,
            form.language.data,
            form.description.data or "",
            template,
        )
        db.session.commit()
        flash(_("Journey created."), "success")
        return redirect_page(board_url(journey))
    status = 422 if form.is_submitted() else 200
    return render_page(
        "journeys/new.html", workspace=workspace, membership=membership, form=form, status=status
    )


def _template_choices() -> list[SelectChoice]:
    """A blank journey, then the journey templates, named in the reader's language."""
    lang = current_language()
    return [SelectChoice("", _("A blank journey"))] + [
        SelectChoice(t.id, _("Template: %(title)s", title=t.title.get(lang)))
        for t in templates.list_templates()
    ]


def _journey_form(journey, **kwargs) -> JourneyEditForm:
    """The rename form with the journey as saved (not `obj=`: Journey.version is the counter)."""
    saved = {
        "name": journey.name,
        "description": journey.description,
        "version": journey.edit_version,
    }
    return JourneyEditForm(data=saved, **kwargs)


JOURNEY_CONFLICT = _l(
    "Someone saved this journey while you were editing. "
    "Their version is shown; make your change again."
)


@bp.route("/<int:journey_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def edit(workspace, membership, journey_id):
    """Rename a journey or change its description."""
    journey = journey_or_404(workspace, journey_id)
    form = _journey_form(journey)
    if form.validate_on_submit():
        try:
            services.update_journey(
                journey,
                current_user,
                form.version.data,
                form.name.data,
                form.description.data or "",
            )
        except services.Conflict:
            db.session.rollback()
            form = _journey_form(journey, formdata=None)
            form.form_errors.append(JOURNEY_CONFLICT)
            return _edit_page(workspace, membership, journey, form, 409)
        db.session.commit()
        flash(_("Journey saved."), "success")
        return redirect_page(board_url(journey))
    return _edit_page(workspace, membership, journey, form, 422 if form.is_submitted() else 200)


def _edit_page(workspace, membership, journey, form, status: int):
    """The form renaming the journey."""
    return render_page(
        "journeys/edit.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        form=form,
        status=status,
    )


@bp.route("/<int:journey_id>/delete", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def delete(workspace, membership, journey_id):
    """Delete a journey, after asking; it can be restored for a while."""
    journey = journey_or_404(workspace, journey_id)
    form = ConfirmForm()
    if not form.is_confirmed():
        return render_page(
            "journeys/delete.html",
            workspace=workspace,
            membership=membership,
            journey=journey,
            steps=services.step_count(journey),
            days=services.KEEP_DELETED.days,
            expired=bool(form.errors),
            status=422 if form.errors else 200,
        )
    services.delete_journey(journey, current_user)
    db.session.commit()
    # The list says so, with "Undo", once.
    session[UNDO_JOURNEY_KEY] = journey.id
    return redirect_page(url_for("journeys.index", workspace_id=workspace.id))


@bp.post("/<int:journey_id>/restore")
@workspace_role(Role.FACILITATOR)
def restore(workspace, membership, journey_id):
    """Bring a deleted journey back, as it was."""
    journey = services.get_deleted_journey(workspace, journey_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.restore_journey(journey, current_user)
    db.session.commit()
    flash(_("Journey “%(name)s” restored.", name=journey.name), "success")
    return redirect_page(board_url(journey))


@bp.route("/<int:journey_id>/duplicate", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def duplicate(workspace, membership, journey_id):
    """Copy a journey, e.g. the as-is map into a to-be map."""
    journey = journey_or_404(workspace, journey_id)
    form = DuplicateForm(name=_("%(name)s (to-be)", name=journey.name)[:160])
    if form.validate_on_submit():
        copy = services.duplicate_journey(journey, current_user, form.name.data)
        db.session.commit()
        flash(_("Copy created. Compare it with the original at any time."), "success")
        return redirect_page(board_url(copy))
    status = 422 if form.is_submitted() else 200
    return render_page(
        "journeys/duplicate.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        form=form,
        status=status,
    )


@bp.get("/<int:journey_id>/compare")
@workspace_role(Role.OBSERVER)
def compare(workspace, membership, journey_id):
    """What differs between this journey and another of the workspace."""
    journey = journey_or_404(workspace, journey_id)
    others = [j for j in services.journeys_of(workspace) if j.id != journey.id]
    other_id = parse_id(request.args.get("with"))
    if other_id is None and any(j.id == journey.source_journey_id for j in others):
        other_id = journey.source_journey_id  # unless the original was deleted
    other = next((j for j in others if j.id == other_id), None)
    if other_id is not None and other is None:
        abort(404)
    diff = services.compare_journeys(other, journey) if other else None
    return render_page(
        "journeys/compare.html",
        workspace=workspace,
        membership=membership,
        journey=journey,
        others=others,
        other=other,
        diff=diff,
        field_labels=COMPARED_FIELD_LABELS,
    )
