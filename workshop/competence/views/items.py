"""The workspace's survey items (the bank's and its own, retired or asked) and its coaching
thresholds."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.competence import rounds, services
from workshop.competence.bank import LEVELS
from workshop.competence.round_forms import OwnItemForm, SettingsForm
from workshop.competence.round_labels import language, level_names, role_names
from workshop.competence.views.blueprint import bp
from workshop.competence.views.rounds import _common
from workshop.critical_points.models import DEFAULT_CATEGORIES
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page
from workshop.journey_templates import services as template_services

ASKED_MESSAGE = _l(
    "A round has asked this item, so its wording and level stay: rounds are compared on the "
    "same id, so new wording needs a new item (add one and retire this)."
)


def to_items(workspace, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(url_for("survey.items", workspace_id=workspace.id))


def step_choices() -> list[tuple[str, list[SelectChoice]]]:
    """Each journey template's steps, as keys "<template>.<step>", grouped by template."""
    lang = language()
    return [
        (
            template.title.get(lang),
            [
                SelectChoice(f"{template.id}.{step.id}", step.title.get(lang))
                for step in template.steps
            ],
        )
        for template in template_services.list_templates()
    ]


def step_titles() -> dict[str, str]:
    return {choice.value: choice.label for _t, group in step_choices() for choice in group}


@bp.route("/items")
@workspace_role(Role.OBSERVER)
def items(workspace, membership):
    """The bank's items and the workspace's own: which new rounds ask, which are retired."""
    bank = services.latest_bank()
    return render_page(
        "survey/rounds/items.html",
        bank=bank,
        bank_items=rounds.bank_listing(bank),
        own=rounds.own_items(workspace),
        retired=rounds.retired_ids(workspace),
        asked=rounds.asked_ids(workspace),
        roles=role_names(bank),
        levels=level_names(bank),
        lang=language(),
        steps=step_titles(),
        categories={key: str(label) for key, label in DEFAULT_CATEGORIES.items()},
        settings=services.settings_of(workspace),
        **_common(workspace, membership),
    )


def _item_form(workspace, item=None, formdata=True) -> OwnItemForm:
    if formdata:
        form = OwnItemForm()
    elif item is None:
        form = OwnItemForm(formdata=None, item_id=rounds.suggested_id(workspace), level="A")
    else:
        form = OwnItemForm(formdata=None, obj=item)
    bank = services.latest_bank()
    names = level_names(bank)
    form.level.choices = [SelectChoice(level, f"{level} – {names[level]}") for level in LEVELS]
    form.roles.choices = [SelectChoice(role.id, role.name.get(language())) for role in bank.roles]
    form.steps.choices = [choice for _t, group in step_choices() for choice in group]
    form.categories.choices = [
        SelectChoice(key, str(label)) for key, label in DEFAULT_CATEGORIES.items()
    ]
    return form


def _item_data(form: OwnItemForm) -> rounds.OwnItemData:
    return rounds.OwnItemData(
        item_id=form.item_id.data,
        level=form.level.data,
        roles=list(form.roles.data or []),
        text_fi=form.text_fi.data.strip(),
        text_sv=form.text_sv.data.strip(),
        text_en=form.text_en.data.strip(),
        steps=list(form.steps.data or []),
        categories=list(form.categories.data or []),
    )


def _item_page(workspace, membership, form, item=None, status=200, error=None, asked=False):
    return render_page(
        "survey/rounds/own_item_form.html",
        status=status,
        form=form,
        item=item,
        error=error,
        asked=asked,
        step_groups=step_choices(),
        asked_message=ASKED_MESSAGE,
        **_common(workspace, membership),
    )


@bp.route("/items/new", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def new_item(workspace, membership):
    """Write an item of the workspace's own."""
    form = _item_form(workspace, formdata=request.method == "POST")
    if request.method == "GET":
        return _item_page(workspace, membership, form)
    if not form.validate_on_submit():
        return _item_page(workspace, membership, form, status=422)
    try:
        rounds.add_own_item(workspace, _item_data(form))
    except services.SurveyError as error:
        db.session.rollback()
        if error.field == "item_id":
            form.item_id.errors.append(
                _(
                    "The id %(id)s is taken (by the item bank or another item); try %(free)s.",
                    id=form.item_id.data,
                    free=rounds.suggested_id(workspace),
                )
            )
        else:
            form.form_errors.append(_("Choose from the list."))
        return _item_page(workspace, membership, form, status=422)
    return to_items(workspace, _("Item %(id)s added.", id=form.item_id.data))


@bp.route("/items/own/<int:own_id>", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit_item(workspace, membership, own_id):
    """Change an own item: its wording only while no round has asked it."""
    item = rounds.get_own_item(workspace, own_id) or abort(404)
    asked = item.item_id in rounds.asked_ids(workspace)
    form = _item_form(workspace, item, formdata=request.method == "POST")
    if request.method == "GET":
        return _item_page(workspace, membership, form, item, asked=asked)
    if not form.validate_on_submit():
        return _item_page(workspace, membership, form, item, 422, asked=asked)
    try:
        rounds.update_own_item(workspace, item, _item_data(form))
    except rounds.Locked:
        db.session.rollback()
        return _item_page(workspace, membership, form, item, 409, ASKED_MESSAGE, asked)
    except services.SurveyError:
        db.session.rollback()
        form.item_id.errors.append(_("An item keeps its id; add a new item for a new id."))
        return _item_page(workspace, membership, form, item, 422, asked=asked)
    return to_items(workspace, _("Item %(id)s saved.", id=item.item_id))


@bp.route("/items/<item_id>/<any(retire, restore):action>", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def retire_item(workspace, membership, item_id, action):
    """New rounds stop (or start again) asking an item."""
    EmptyForm().validate_on_submit() or abort(400)
    try:
        if action == "retire":
            rounds.retire(workspace, item_id)
        else:
            rounds.restore(workspace, item_id)
    except services.SurveyError:
        abort(404)
    except IntegrityError:
        # Someone retired it at the same moment: it is retired, as asked.
        db.session.rollback()
    if action == "retire":
        return to_items(workspace, _("Item %(id)s retired: new rounds do not ask it.", id=item_id))
    return to_items(workspace, _("Item %(id)s restored: new rounds ask it.", id=item_id))


def _median_choices() -> list[SelectChoice]:
    return [SelectChoice(value, str(value)) for value in rounds.MEDIAN_CHOICES]


@bp.route("/settings", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def settings(workspace, membership):
    """When the report flags an item for coaching."""
    current = services.settings_of(workspace)
    if request.method == "POST":
        form = SettingsForm()
    else:
        form = SettingsForm(
            formdata=None,
            median_max=current.median_max,
            coaching_percent=current.coaching_percent,
        )
    form.median_max.choices = _median_choices()
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                rounds.save_settings(workspace, form.median_max.data, form.coaching_percent.data)
            except IntegrityError:
                # Someone saved the workspace's first thresholds at the same moment: save over them.
                db.session.rollback()
                rounds.save_settings(workspace, form.median_max.data, form.coaching_percent.data)
            return to_items(workspace, _("Coaching thresholds saved."))
        status = 422
    else:
        status = 200
    return render_page(
        "survey/rounds/settings.html", status=status, form=form, **_common(workspace, membership)
    )
