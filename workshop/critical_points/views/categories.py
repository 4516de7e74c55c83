"""The workspace's categories of critical points, and where it hurts most across journeys."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workshop.access import workspace_role
from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.critical_points import services, staff_view
from workshop.critical_points.forms import CategoryForm, enum_or_none
from workshop.critical_points.models import ReporterRole
from workshop.critical_points.views.blueprint import bp
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.journeys.models import JourneyKind


def _categories_page(workspace, membership, status=200, form=None, error=None):
    return render_page(
        "critical_points/categories.html",
        status=status,
        workspace=workspace,
        membership=membership,
        choices=services.category_choices(workspace, include_retired=True),
        form=form or CategoryForm(formdata=None),
        can_manage=membership.role.allows(Role.FACILITATOR),
        action_form=EmptyForm(),
        error=error,
    )


@bp.get("/categories")
@workspace_role(Role.OBSERVER)
def categories(workspace, membership):
    """The workspace's categories of critical points."""
    return _categories_page(workspace, membership)


@bp.post("/categories")
@workspace_role(Role.FACILITATOR)
def add_category(workspace, membership):
    """Add a category of the workspace's own."""
    form = CategoryForm()
    if not form.validate_on_submit():
        return _categories_page(workspace, membership, 422, form)
    try:
        services.add_category(workspace, form.name.data)
    except services.NameTaken:
        form.name.errors.append(_("The workspace has a category of that name already."))
        return _categories_page(workspace, membership, 422, form)
    db.session.commit()
    flash(_("Category added."), "success")
    return redirect_page(url_for("critical_points.categories", workspace_id=workspace.id))


@bp.post("/categories/<value>/<any(rename, retire, restore):action>")
@workspace_role(Role.FACILITATOR)
def change_category(workspace, membership, value, action):
    """Rename, retire or restore a category."""
    form = CategoryForm() if action == "rename" else EmptyForm()
    if not form.validate_on_submit():
        return _categories_page(workspace, membership, 422)
    try:
        if action == "rename":
            services.rename_category(workspace, value, form.name.data)
        else:
            services.retire_category(workspace, value, action == "retire")
    except services.NameTaken:
        db.session.rollback()
        error = _("The workspace has a category of that name already.")
        return _categories_page(workspace, membership, 422, error=error)
    except services.NotFound:
        abort(404)
    db.session.commit()
    flash(_("Categories saved."), "success")
    return redirect_page(url_for("critical_points.categories", workspace_id=workspace.id))


@bp.get("/insights")
@workspace_role(Role.OBSERVER)
def insights(workspace, membership):
    """Which steps of a process collect the most critical points, across the journeys."""
    kind = enum_or_none(JourneyKind, request.args.get("kind", JourneyKind.APPRENTICESHIP.value))
    if kind is None:
        abort(404)
    # An instance administrator may look across every workspace of the installation.
    everywhere = current_user.is_admin and request.args.get("scope") == "all"
    workspaces = accounts.all_workspaces() if everywhere else [workspace]
    spots = services.hot_spots(workspaces, kind)
    categories = {c.id: c for w in workspaces for c in services.used_categories(w)}
    return render_page(
        "critical_points/insights.html",
        workspace=workspace,
        membership=membership,
        kind=kind,
        spots=spots,
        roles=list(ReporterRole),
        categories=categories,
        most=max((s.points for s in spots), default=0),
        everywhere=everywhere,
        # Staff's self-assessment is the workspace's own, so not across every workspace.
        staff_asked=not everywhere,
        staff=None if everywhere else _staff(workspace, spots, categories),
    )


def _staff(workspace, spots, categories):
    """What the competence survey says beside each hot spot: by its key and its categories."""
    by_category = {s.key: services.spot_category_keys(s, categories) for s in spots}
    return staff_view.for_steps(workspace, [s.key for s in spots], by_category)
