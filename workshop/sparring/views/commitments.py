"""A session's commitments: the list with their follow-up, and the form for a new one (at
most three; a fourth is refused with the reason)."""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from workshop import clock
from workshop.access import workspace_role
from workshop.accounts.models import Role
from workshop.extensions import db
from workshop.htmx import redirect_page, render_page
from workshop.sparring import commitments, services
from workshop.sparring.forms_commitments import CommitmentForm
from workshop.sparring.models import MAX_COMMITMENTS
from workshop.sparring.views.blueprint import bp

TOO_MANY = _l(
    "A session makes at most %(max)d commitments: a team that commits to eight things does "
    "none. Few commitments, each with an owner, get done. Finish or drop one of these first, "
    "or take the idea to the next session."
)
ERRORS = {
    "due_before_session": _l("The due date cannot be before the session."),
    "owner_required": _l("Choose the owner from the members, or name them."),
    "unknown_owner": _l("Choose the owner from the list."),
    "unknown_witness": _l("Choose the witness from the session's sparring partners."),
    "unknown_choice": _l("Choose from the list."),
}


def _session_or_404(workspace, session_id):
    return services.get_session(workspace, session_id) or abort(404)


def session_url(workspace, session) -> str:
    """The session's page, where its commitments are listed."""
    return url_for("sparring.session", workspace_id=workspace.id, session_id=session.id)


def _form(session, formdata: bool) -> CommitmentForm:
    form = CommitmentForm() if formdata else CommitmentForm(formdata=None)
    form.owner_member.choices = [SelectChoice("", _("Someone named below"))] + [
        SelectChoice(m.user_id, m.user.name) for m in commitments.owner_choices(session)
    ]
    form.witness.choices = [SelectChoice("", _("No witness yet"))] + [
        SelectChoice(s.id, f"{s.name}, {s.organisation}")
        for s in commitments.witness_choices(session)
    ]
    form.points.choices = [
        SelectChoice(p.id, f"{p.title} ({p.journey.name})")
        for p in commitments.point_choices(session)
    ]
    form.answers.choices = [
        SelectChoice(c.id, c.text if len(c.text) <= 120 else c.text[:119] + "…")
        for c in commitments.capture_choices(session)
    ]
    return form


@bp.get("/sessions/<int:session_id>/commitments")
@workspace_role(Role.OBSERVER)
def commitments_page(workspace, membership, session_id):
    """The session's commitments and how each is followed up."""
    session = _session_or_404(workspace, session_id)
    return render_page(
        "sparring/commitments/index.html",
        workspace=workspace,
        membership=membership,
        session=session,
        today=clock.today(),
        back=session_url(workspace, session),
    )


def _data(form) -> commitments.CommitmentData:
    return commitments.CommitmentData(
        title=form.title.data,
        due_on=form.due_on.data,
        first_when=form.first_when.data,
        first_then=form.first_then.data,
        owner_user_id=form.owner_member.data,
        owner_name=form.owner_name.data or "",
        indicator=form.indicator.data or "",
        target=form.target.data or "",
        witness_id=form.witness.data,
        point_ids=list(form.points.data or []),
        capture_ids=list(form.answers.data or []),
    )


def _refuse(form, reason: str) -> None:
    """Put a refusal's words where the form shows them: the due date's beside that field."""
    if reason == "too_many_commitments":
        form.form_errors.append(TOO_MANY % {"max": MAX_COMMITMENTS})
    elif reason == "due_before_session":
        form.due_on.errors = [*form.due_on.errors, ERRORS[reason]]
    else:
        form.form_errors.append(ERRORS.get(reason, ERRORS["unknown_choice"]))


@bp.route("/sessions/<int:session_id>/commitments/new", methods=["GET", "POST"])
@workspace_role(Role.PARTICIPANT)
def new_commitment(workspace, membership, session_id):
    """Write down a commitment; it is followed up from the session's day."""
    session = _session_or_404(workspace, session_id)
    form = _form(session, request.method == "POST")
    full = commitments.room_left(session) == 0
    if full:
        form.form_errors.append(TOO_MANY % {"max": MAX_COMMITMENTS})
    elif form.validate_on_submit():
        try:
            commitments.add_commitment(session, current_user, _data(form))
        except services.SparringError as error:
            db.session.rollback()
            _refuse(form, error.reason)
        else:
            db.session.commit()
            flash(_("Commitment saved. Its follow-up has three check-ins."), "success")
            return redirect_page(session_url(workspace, session))
    return render_page(
        "sparring/commitments/form.html",
        status=422 if request.method == "POST" else 200,
        workspace=workspace,
        membership=membership,
        session=session,
        form=form,
        full=full,
        back=session_url(workspace, session),
    )
