"""Editing a round's coaching plan: 2–3 themes, each for a role group, on some items, with an
owner, a date, a status and a follow-up note."""

from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.competence import coaching, services
from workshop.competence.models import MAX_THEMES, ThemeStatus
from workshop.competence.round_forms import ThemeForm
from workshop.competence.round_labels import THEME_STATUS_LABELS, language, role_names
from workshop.competence.views.blueprint import bp
from workshop.competence.views.rounds import (
    CONFLICT_MESSAGE,
    _common,
    round_or_404,
    to_round,
    version_of,
)
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import render_page

TOO_MANY_MESSAGE = _l(
    "A coaching plan has at most %(max)d themes: coaching aimed at everything reaches nobody. "
    "Fold this into a theme, or drop one first.",
    max=MAX_THEMES,
)


def _theme_form(round_, theme=None, formdata=True) -> ThemeForm:
    if formdata:
        form = ThemeForm()
    elif theme is None:
        form = ThemeForm(formdata=None, status=ThemeStatus.PLANNED.value)
    else:
        form = ThemeForm(
            formdata=None,
            obj=theme,
            status=theme.status.value,
            items=list(theme.items),
            version=theme.version,
        )
    names = role_names(services.bank_of(round_) or services.latest_bank())
    form.role.choices = [SelectChoice(role, names.get(role, role)) for role in coaching.ROLE_GROUPS]
    lang = language()
    form.items.choices = [
        SelectChoice(item.item_id, f"{item.item_id} {item.text(lang)}") for item in round_.items
    ]
    form.status.choices = [
        SelectChoice(status.value, str(label)) for status, label in THEME_STATUS_LABELS.items()
    ]
    return form


def _theme_data(form: ThemeForm) -> coaching.ThemeData:
    return coaching.ThemeData(
        title=form.title.data.strip(),
        role=form.role.data,
        items=list(form.items.data or []),
        owner=(form.owner.data or "").strip(),
        due_on=form.due_on.data,
        status=ThemeStatus(form.status.data),
        follow_up=(form.follow_up.data or "").strip(),
    )


def _page(workspace, membership, round_, form, theme=None, status=200, error=None, full=False):
    return render_page(
        "survey/rounds/theme_form.html",
        status=status,
        round=round_,
        form=form,
        theme=theme,
        error=error,
        full=full,
        max_themes=MAX_THEMES,
        **_common(workspace, membership),
    )


@bp.route("/rounds/<int:round_id>/themes/new", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def new_theme(workspace, membership, round_id):
    """Add a theme to the round's coaching plan."""
    round_ = round_or_404(workspace, round_id)
    form = _theme_form(round_, formdata=request.method == "POST")
    full = len(coaching.coaching_plan(round_)) >= MAX_THEMES
    if request.method == "GET":
        return _page(workspace, membership, round_, form, full=full)
    if not form.validate_on_submit():
        return _page(workspace, membership, round_, form, status=422, full=full)
    try:
        coaching.add_theme(round_, _theme_data(form))
    except coaching.TooManyThemes:
        db.session.rollback()
        return _page(workspace, membership, round_, form, None, 409, TOO_MANY_MESSAGE, True)
    except services.SurveyError:
        db.session.rollback()
        abort(400)
    return to_round(workspace, round_, _("Theme added to the coaching plan."))


@bp.route("/rounds/<int:round_id>/themes/<int:theme_id>", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit_theme(workspace, membership, round_id, theme_id):
    """Change a theme: its owner, date, status and how it was followed up."""
    round_ = round_or_404(workspace, round_id)
    theme = coaching.get_theme(round_, theme_id) or abort(404)
    form = _theme_form(round_, theme, formdata=request.method == "POST")
    if request.method == "GET":
        return _page(workspace, membership, round_, form, theme)
    if not form.validate_on_submit():
        return _page(workspace, membership, round_, form, theme, 422)
    try:
        coaching.update_theme(round_, theme, version_of(form.version), _theme_data(form))
    except coaching.Conflict:
        db.session.rollback()
        form.version.data = str(theme.version)
        return _page(workspace, membership, round_, form, theme, 409, CONFLICT_MESSAGE)
    except services.SurveyError:
        db.session.rollback()
        abort(400)
    return to_round(workspace, round_, _("Theme saved."))


@bp.route("/rounds/<int:round_id>/themes/<int:theme_id>/delete", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def delete_theme(workspace, membership, round_id, theme_id):
    """Take a theme out of the plan."""
    round_ = round_or_404(workspace, round_id)
    theme = coaching.get_theme(round_, theme_id) or abort(404)
    EmptyForm().validate_on_submit() or abort(400)
    coaching.delete_theme(theme)
    return to_round(workspace, round_, _("Theme removed from the coaching plan."))
