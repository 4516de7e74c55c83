"""The workspace's survey rounds from the staff side: the list, opening and editing a round,
its page with the answering links, closing it early."""

from datetime import date, timedelta

import segno
from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from workshop import addresses
from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.competence import coaching, rounds, services
from workshop.competence.bank import ALL_ROLES, ROLES
from workshop.competence.models import DEFAULT_K, MAX_LINKS
from workshop.competence.round_forms import LinksForm, RoundForm
from workshop.competence.round_labels import (
    language,
    role_names,
)
from workshop.competence.views.blueprint import bp
from workshop.confirm import ask_first
from workshop.extensions import db
from workshop.forms_common import ConfirmForm, EmptyForm
from workshop.htmx import redirect_page, render_page

LOCKED_MESSAGE = _l(
    "This round has answers, so its threshold, free text setting, questions, roles and units "
    "stay as they were: changing them would change what people answered or who a small group "
    "is. The name and the dates can still change."
)
CONFLICT_MESSAGE = _l(
    "Someone saved this while you were editing. Your text is still in the form; the saved "
    "version is on the round's page. Save again to keep yours."
)
CLOSED_MESSAGE = _l("This round is closed: nobody can answer it any more.")
LINKS_RACE_MESSAGE = _l(
    "Someone made links for this round at the same moment, so yours were not made. "
    "Check the list and make them again if you still need them."
)


def version_of(field) -> int | None:
    """The version a form was loaded with; None if it was tampered with."""
    try:
        return int(field.data)
    except (TypeError, ValueError):
        return None


def round_or_404(workspace, round_id):
    return services.get_round(workspace, round_id) or abort(404)


def to_round(workspace, round_, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(
        url_for("survey.round_page", workspace_id=workspace.id, round_id=round_.id)
    )


def submitted_text(count: int) -> str:
    return ngettext("%(num)d answer submitted", "%(num)d answers submitted", count)


def roles_text(names: dict[str, str], ids) -> str:
    """Role names for a list of role ids; all of them read as "Everyone"."""
    if set(ids) >= set(ROLES):
        return names.get(ALL_ROLES, "")
    return ", ".join(names.get(role, role) for role in ids)


def _common(workspace, membership) -> dict:
    return {
        "roles_text": roles_text,
        "workspace": workspace,
        "membership": membership,
        "facilitator": membership.role.allows(Role.FACILITATOR),
        "submitted_text": submitted_text,
        "action_form": EmptyForm(),
    }


@bp.route("/")
@workspace_role(Role.OBSERVER)
def index(workspace, membership):
    """The workspace's rounds, newest first."""
    all_rounds = services.rounds_of(workspace)
    today = date.today()
    return render_page(
        "survey/rounds/index.html",
        rounds=all_rounds,
        counts=rounds.submitted_counts(all_rounds),
        statuses={r.id: rounds.status_of(r, today) for r in all_rounds},
        **_common(workspace, membership),
    )


def _initial(round_) -> dict:
    """What the form shows before anything is typed: a new round's defaults, or the round's."""
    if round_ is None:
        today = date.today()
        return {
            "roles": list(ROLES),
            "k": DEFAULT_K,
            "opens_on": today,
            "closes_on": today + timedelta(days=14),
            "bank_version": services.latest_bank().version,
        }
    # Not obj=round_: WTForms would take its units (the RoundUnit rows) over the text below.
    return {
        "name": round_.name,
        "opens_on": round_.opens_on,
        "closes_on": round_.closes_on,
        "bank_version": round_.bank_version,
        "k": round_.k,
        "free_text": round_.free_text,
        "roles": list(round_.roles),
        "units": "\n".join(unit.name for unit in round_.units),
        "version": round_.version,
    }


def _round_form(workspace, round_=None, formdata=True) -> RoundForm:
    form = RoundForm() if formdata else RoundForm(formdata=None, **_initial(round_))
    form.roles.choices = [
        SelectChoice(role.id, role.name.get(language())) for role in services.latest_bank().roles
    ]
    form.bank_version.choices = [
        SelectChoice(version, f"{version} – {bank.title.get(language())}")
        for version, bank in sorted(services.banks().items(), reverse=True)
    ]
    return form


def _round_data(form: RoundForm) -> rounds.RoundData:
    return rounds.RoundData(
        name=form.name.data.strip(),
        opens_on=form.opens_on.data,
        closes_on=form.closes_on.data,
        roles=list(form.roles.data or []),
        units=form.unit_names(),
        k=form.k.data,
        free_text=bool(form.free_text.data),
        bank_version=form.bank_version.data,
    )


FIELD_ERRORS = {
    "k": _l("Between %(min)d and %(max)d.", min=3, max=50),
    "units": _l("Each unit once, please."),
    "closes_on": _l("The end cannot be before the start."),
    "roles": _l("Choose at least one role."),
    "bank_version": _l("Choose from the list."),
}


def _form_page(workspace, membership, form, round_=None, status=200, error=None):
    return render_page(
        "survey/rounds/round_form.html",
        status=status,
        form=form,
        round=round_,
        error=error,
        locked_message=LOCKED_MESSAGE,
        **_common(workspace, membership),
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def new_round(workspace, membership):
    """Open a round: who it asks, when, and how small a group may be shown."""
    form = _round_form(workspace, formdata=request.method == "POST")
    if request.method == "GET":
        return _form_page(workspace, membership, form)
    if not form.validate_on_submit():
        return _form_page(workspace, membership, form, status=422)
    try:
        round_, _token = rounds.open_new_round(workspace, current_user, _round_data(form))
    except services.SurveyError as error:
        db.session.rollback()
        getattr(form, error.field, form.name).errors.append(FIELD_ERRORS.get(error.field, ""))
        return _form_page(workspace, membership, form, status=422)
    return to_round(workspace, round_, _("Round opened. Share its link with the staff it asks."))


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit_round(workspace, membership, round_id):
    """Change a round; once it has answers, only its name and dates."""
    round_ = round_or_404(workspace, round_id)
    form = _round_form(workspace, round_, formdata=request.method == "POST")
    closed = round_.is_closed(services.local_today())
    if request.method == "GET":
        # Said before anything is typed, not after "Save".
        return _form_page(
            workspace, membership, form, round_, error=CLOSED_MESSAGE if closed else None
        )
    # Past its last day too: moved dates would reopen a round whose report is out.
    if closed:
        return _form_page(workspace, membership, form, round_, 409, CLOSED_MESSAGE)
    if not form.validate_on_submit():
        return _form_page(workspace, membership, form, round_, 422)
    try:
        rounds.update_round(round_, version_of(form.version), _round_data(form))
    except rounds.Conflict:
        db.session.rollback()
        form.version.data = str(round_.version)
        return _form_page(workspace, membership, form, round_, 409, CONFLICT_MESSAGE)
    except rounds.Locked:
        db.session.rollback()
        return _form_page(workspace, membership, form, round_, 409, LOCKED_MESSAGE)
    except services.SurveyError as error:
        db.session.rollback()
        getattr(form, error.field, form.name).errors.append(FIELD_ERRORS.get(error.field, ""))
        return _form_page(workspace, membership, form, round_, 422)
    return to_round(workspace, round_, _("Round saved."))


@bp.route("/rounds/<int:round_id>/close", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def close_round(workspace, membership, round_id):
    """Stop answering now, before the closing date (asks first)."""
    round_ = round_or_404(workspace, round_id)
    form = ConfirmForm()
    if not form.is_confirmed():
        back = url_for("survey.round_page", workspace_id=workspace.id, round_id=round_.id)
        return ask_first(
            _("Close the round “%(name)s” now?", name=round_.name),
            [
                _("Nobody can answer it any more, through any of its links."),
                _("Answers already submitted stay, and the report can be read."),
                _("A closed round cannot be opened again."),
            ],
            url_for("survey.close_round", workspace_id=workspace.id, round_id=round_.id),
            _("Close the round"),
            back,
            round_.name,
            form,
        )
    rounds.close_round(round_)
    return to_round(workspace, round_, _("Round closed."))


def _qr(url: str) -> Markup:
    code = segno.make(url, error="m")
    return Markup(code.svg_inline(scale=4, dark="#111", light="#fff", svgclass="qr", omitsize=True))


def shared_url(round_) -> str | None:
    token = rounds.shared_token(round_)
    return addresses.external_url("answer.start", token=token) if token else None


def personal_url(round_, link) -> str:
    return addresses.external_url("answer.personal", token=rounds.personal_token(round_, link))


def round_page_response(workspace, membership, round_, status=200, **extra):
    """The round's page; `extra` brings a form sent back as typed, or an error."""
    today = date.today()
    previous = rounds.previous_round(round_)
    bank = services.bank_of(round_)
    facilitator = membership.role.allows(Role.FACILITATOR)
    return render_page(
        "survey/rounds/round.html",
        status=status,
        round=round_,
        status_value=rounds.status_of(round_, today),
        submitted=rounds.submitted_counts([round_])[round_.id],
        shared_url=shared_url(round_) if facilitator else None,
        links=[
            (link, personal_url(round_, link) if facilitator else None) for link in round_.links
        ],
        used=rounds.used_count(round_),
        links_form=extra.pop("links_form", None) or LinksForm(formdata=None),
        max_links=MAX_LINKS,
        roles=role_names(bank),
        plan=coaching.coaching_plan(round_),
        previous=previous,
        previous_plan=coaching.coaching_plan(previous) if previous else [],
        max_themes=coaching.MAX_THEMES,
        **_common(workspace, membership),
        **extra,
    )


@bp.route("/rounds/<int:round_id>")
@workspace_role(Role.OBSERVER)
def round_page(workspace, membership, round_id):
    """One round: its dates, links, answers so far and coaching plan."""
    return round_page_response(workspace, membership, round_or_404(workspace, round_id))


@bp.route("/rounds/<int:round_id>/shared-link", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def replace_shared_link(workspace, membership, round_id):
    """A new shared link; the old one stops working (asks first)."""
    round_ = round_or_404(workspace, round_id)
    form = ConfirmForm()
    if not form.is_confirmed():
        back = url_for("survey.round_page", workspace_id=workspace.id, round_id=round_.id)
        return ask_first(
            _("Make a new shared link for “%(name)s”?", name=round_.name),
            [
                _("The current shared link stops working at once."),
                _("Answers already given through it stay; personal links are not affected."),
            ],
            url_for("survey.replace_shared_link", workspace_id=workspace.id, round_id=round_.id),
            _("Make a new link"),
            back,
            round_.name,
            form,
        )
    try:
        rounds.replace_shared_link(round_)
    except rounds.Closed:
        db.session.rollback()
        return round_page_response(workspace, membership, round_, 409, error=CLOSED_MESSAGE)
    return to_round(workspace, round_, _("The round has a new shared link."))


@bp.route("/rounds/<int:round_id>/links", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def add_links(workspace, membership, round_id):
    """Add personal one-time links."""
    round_ = round_or_404(workspace, round_id)
    form = LinksForm()
    if not form.validate_on_submit():
        return round_page_response(workspace, membership, round_, 422, links_form=form)
    if round_.closed_at is not None:
        return round_page_response(workspace, membership, round_, 409, error=CLOSED_MESSAGE)
    if len(round_.links) + form.count.data > MAX_LINKS:
        form.count.errors.append(_("A round has at most %(max)d personal links.", max=MAX_LINKS))
        return round_page_response(workspace, membership, round_, 422, links_form=form)
    try:
        made = rounds.add_links(round_, form.count.data)
    except IntegrityError:
        # Someone else made links of this round at the same moment and took these numbers.
        db.session.rollback()
        return round_page_response(workspace, membership, round_, 409, error=LINKS_RACE_MESSAGE)
    message = ngettext("%(num)d personal link added.", "%(num)d personal links added.", len(made))
    return to_round(workspace, round_, message)


@bp.route("/rounds/<int:round_id>/links/<int:link_id>/revoke", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def revoke_link(workspace, membership, round_id, link_id):
    """A personal link stops working."""
    round_ = round_or_404(workspace, round_id)
    link = rounds.get_link(round_, link_id) or abort(404)
    form = ConfirmForm()
    if not form.is_confirmed():
        # Someone may hold this link on a printed card: a slip of the hand must not lock them out.
        return ask_first(
            _("Revoke personal link %(number)d?", number=link.number),
            [
                _("Whoever holds it can no longer answer through it."),
                _("A revoked link cannot be made to work again; make a new one if needed."),
            ],
            url_for(
                "survey.revoke_link", workspace_id=workspace.id, round_id=round_.id, link_id=link.id
            ),
            _("Revoke the link"),
            url_for("survey.round_page", workspace_id=workspace.id, round_id=round_.id),
            round_.name,
            form,
        )
    rounds.revoke_link(link)
    return to_round(workspace, round_, _("Revoked link %(number)d.", number=link.number))


@bp.route("/rounds/<int:round_id>/links/print")
@workspace_role(Role.FACILITATOR)
def print_links(workspace, membership, round_id):
    """The personal links as cards to print and cut: one link and QR code each."""
    round_ = round_or_404(workspace, round_id)
    cards = [
        (link, url, _qr(url))
        # A closed round's links no longer work: nothing to print.
        for link in (rounds.active_links(round_) if round_.closed_at is None else [])
        for url in [personal_url(round_, link)]
    ]
    return render_page(
        "survey/rounds/print_links.html",
        round=round_,
        cards=cards,
        **_common(workspace, membership),
    )
