"""A sparring session's plan: the new-session form, the session's page (with the evidence,
room, commitment and summary sections of the other modules), its edit form and its agenda."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.htmx import redirect_page, render_page
from workshop.sparring import planning, services
from workshop.sparring.forms import (
    AgendaItemForm,
    NewAgendaItemForm,
    SessionForm,
    VersionForm,
    question_lines,
)
from workshop.sparring.models import MAX_AGENDA_ITEMS, MAX_SPARRERS
from workshop.sparring.views.blueprint import bp
from workshop.sparring.views.series import common, series_or_404

STALE_MESSAGE = _l(
    "Someone saved this session while you were editing. Your text is still in the form; "
    "the saved version is on the session's page. Save again to keep yours."
)
AGENDA_STALE_MESSAGE = _l(
    "Someone changed the agenda while you were looking at it, so nothing was changed. "
    "Here is the agenda as it is now; try again."
)
ERRORS = {
    "sparrers": _l("Choose from the list."),
    "too_many_sparrers": _l(
        "At most %(max)d sparring partners take part in one session.", max=MAX_SPARRERS
    ),
    "fixed_item": _l("The open commitments always come first on the agenda and cannot be removed."),
    "agenda_full": _l("An agenda has at most %(max)d parts.", max=MAX_AGENDA_ITEMS),
    "title": _l("A part of your own needs a title."),
}


def session_or_404(workspace, session_id):
    return services.get_session(workspace, session_id) or abort(404)


def version_of(field) -> int | None:
    """The version a form was loaded with; None if it was tampered with."""
    try:
        return int(field.data)
    except (TypeError, ValueError):
        return None


def to_session(workspace, session, message):
    db.session.commit()
    flash(message, "success")
    return redirect_page(
        url_for("sparring.session", workspace_id=workspace.id, session_id=session.id)
    )


def session_form(series, session=None, formdata=True) -> SessionForm:
    """The form, as typed (POST) or filled from the session."""
    if formdata:
        form = SessionForm()
    elif session is None:
        form = SessionForm(formdata=None)
    else:
        form = SessionForm(
            formdata=None,
            held_on=session.held_on,
            place=session.place,
            themes=session.themes,
            confidentiality=session.confidentiality,
            recipients=session.recipients,
            deciders=session.deciders,
            sparrers=[str(s.id) for s in session.sparrers],
            questions="\n".join(q.text for q in session.questions),
            version=str(session.version),
        )
    taking_part = {s.id for s in session.sparrers} if session else set()
    form.sparrers.choices = [
        SelectChoice(str(s.id), f"{s.name}, {s.organisation}")
        for s in series.sparrers
        if s.revoked_at is None or s.id in taking_part
    ]
    return form


def plan_of(form: SessionForm) -> planning.SessionPlan:
    return planning.SessionPlan(
        held_on=form.held_on.data,
        place=form.place.data or "",
        themes=form.themes.data or "",
        confidentiality=form.confidentiality.data or "",
        recipients=form.recipients.data or "",
        deciders=form.deciders.data or "",
        sparrer_ids=tuple(int(value) for value in form.sparrers.data or []),
        questions=tuple(question_lines(form.questions.data)),
    )


def form_page(workspace, membership, series, form, session=None, status=200, error=None):
    return render_page(
        "sparring/series/session_form.html",
        status=status,
        series=series,
        session=session,
        form=form,
        error=error,
        max_sparrers=MAX_SPARRERS,
        **common(workspace, membership),
    )


def save_plan(workspace, membership, series, form, session, version):
    """Apply the form; a refusal sends the form back as typed."""
    try:
        planning.apply_plan(session, plan_of(form), version)
    except services.SparringError as error:
        db.session.rollback()
        if error.reason == "stale":
            fresh = services.get_session(workspace, session.id)
            form.version.data = str(fresh.version)
            return form_page(workspace, membership, series, form, fresh, 409, STALE_MESSAGE)
        field = form.questions if error.reason == "questions" else form.sparrers
        field.errors = [*field.errors, ERRORS.get(error.reason, ERRORS["sparrers"])]
        return form_page(
            workspace, membership, series, form, None if version is None else session, 422
        )
    return None


@bp.route("/series/<int:series_id>/sessions/new", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def new_session(workspace, membership, series_id):
    """Plan a session: day, place, agreement, sparrers, questions; the agenda comes by default."""
    series = series_or_404(workspace, series_id)
    form = session_form(series, formdata=request.method == "POST")
    if request.method == "GET":
        return form_page(workspace, membership, series, form)
    if not form.validate_on_submit():
        return form_page(workspace, membership, series, form, status=422)
    session = services.plan_session(series, current_user, form.held_on.data)
    refused = save_plan(workspace, membership, series, form, session, session.version)
    if refused is not None:
        return refused
    return to_session(workspace, session, _("Session planned. Check its agenda."))


@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit_session(workspace, membership, session_id):
    """Change a session's plan."""
    session = session_or_404(workspace, session_id)
    form = session_form(session.series, session, formdata=request.method == "POST")
    if request.method == "GET":
        return form_page(workspace, membership, session.series, form, session)
    if not form.validate_on_submit():
        return form_page(workspace, membership, session.series, form, session, 422)
    refused = save_plan(
        workspace, membership, session.series, form, session, version_of(form.version)
    )
    if refused is not None:
        return refused
    return to_session(workspace, session, _("Session saved."))


def session_page_response(workspace, membership, session, status=200, error=None, **forms):
    """The session's page; a refused agenda form comes back as typed, with its error."""
    typed = forms.get("item_forms", {})
    item_forms = {
        item.id: typed.get(item.id)
        or AgendaItemForm(formdata=None, title=item.title, minutes=item.minutes)
        for item in session.agenda
    }
    new_item_form = forms.get("new_item_form") or NewAgendaItemForm(formdata=None, minutes=15)
    # A form sent back keeps its text but takes the version now saved, so it can be sent again.
    for form in [*item_forms.values(), new_item_form]:
        form.version.data = str(session.version)
    return render_page(
        "sparring/series/session.html",
        status=status,
        session=session,
        series=session.series,
        open_commitments=services.open_commitments(session.series, before=session),
        error=error,
        item_forms=item_forms,
        new_item_form=new_item_form,
        version_form=VersionForm(formdata=None),
        max_agenda_items=MAX_AGENDA_ITEMS,
        **common(workspace, membership),
    )


@bp.route("/sessions/<int:session_id>")
@workspace_role(Role.OBSERVER)
def session(workspace, membership, session_id):
    """A session: its plan, agenda with the open commitments, and the parts that follow."""
    return session_page_response(workspace, membership, session_or_404(workspace, session_id))


def _agenda_refused(workspace, membership, session, error, **forms):
    db.session.rollback()
    fresh = services.get_session(workspace, session.id)
    if error.reason == "stale":
        return session_page_response(
            workspace, membership, fresh, 409, AGENDA_STALE_MESSAGE, **forms
        )
    return session_page_response(
        workspace, membership, fresh, 422, ERRORS.get(error.reason, ERRORS["title"]), **forms
    )


def _item_or_404(session, item_id):
    return planning.agenda_item(session, item_id) or abort(404)


@bp.route("/sessions/<int:session_id>/agenda/<int:item_id>", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def edit_agenda_item(workspace, membership, session_id, item_id):
    """Change a part's title and minutes."""
    session = session_or_404(workspace, session_id)
    item = _item_or_404(session, item_id)
    form = AgendaItemForm()
    if not form.validate_on_submit():
        return session_page_response(
            workspace, membership, session, 422, item_forms={item.id: form}
        )
    try:
        planning.edit_item(
            session, item, version_of(form.version), form.title.data or "", form.minutes.data
        )
    except services.SparringError as error:
        return _agenda_refused(workspace, membership, session, error, item_forms={item.id: form})
    return to_session(workspace, session, _("Agenda saved."))


@bp.route("/sessions/<int:session_id>/agenda", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def add_agenda_item(workspace, membership, session_id):
    """Add a part of the host's own at the end."""
    session = session_or_404(workspace, session_id)
    form = NewAgendaItemForm()
    if not form.validate_on_submit():
        return session_page_response(workspace, membership, session, 422, new_item_form=form)
    try:
        planning.add_item(session, version_of(form.version), form.title.data, form.minutes.data)
    except services.SparringError as error:
        return _agenda_refused(workspace, membership, session, error, new_item_form=form)
    return to_session(workspace, session, _("Part added to the agenda."))


@bp.route("/sessions/<int:session_id>/agenda/<int:item_id>/remove", methods=["POST"])
@workspace_role(Role.FACILITATOR)
def remove_agenda_item(workspace, membership, session_id, item_id):
    """Take a part off the agenda (not the open commitments)."""
    session = session_or_404(workspace, session_id)
    item = _item_or_404(session, item_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        planning.remove_item(session, item, version_of(form.version))
    except services.SparringError as error:
        return _agenda_refused(workspace, membership, session, error)
    return to_session(workspace, session, _("Part removed from the agenda."))


@bp.route(
    "/sessions/<int:session_id>/agenda/<int:item_id>/<any(up, down):direction>", methods=["POST"]
)
@workspace_role(Role.FACILITATOR)
def move_agenda_item(workspace, membership, session_id, item_id, direction):
    """Move a part one place up or down."""
    session = session_or_404(workspace, session_id)
    item = _item_or_404(session, item_id)
    form = VersionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        planning.move_item(session, item, version_of(form.version), -1 if direction == "up" else 1)
    except services.SparringError as error:
        return _agenda_refused(workspace, membership, session, error)
    return to_session(workspace, session, _("Agenda saved."))
