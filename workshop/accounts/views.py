"""Login, language, workspaces, members, organisations and invitations."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user

from workshop import addresses
from workshop.access import public, workspace_role
from workshop.accounts import overview, services
from workshop.accounts.forms import (
    AccountForm,
    InvitationForm,
    LanguageForm,
    LoginForm,
    MemberForm,
    OrganisationForm,
    WorkspaceForm,
)
from workshop.accounts.models import OrganisationKind, Role
from workshop.extensions import db
from workshop.forms_common import EmptyForm
from workshop.htmx import redirect_page, render_page, wants_fragment
from workshop.i18n import SESSION_KEY, supported

bp = Blueprint("accounts", __name__)


NEW_INVITATION_KEY = "new_invitation"


def _login_limits() -> tuple[int, int]:
    """Failed logins allowed in a row, and the minutes a lockout lasts."""
    return current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_LOCKOUT_MINUTES"]


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """Log in with e-mail and password; one message for every kind of failure."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm(next=request.args.get("next"))
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.email.data, form.password.data, request.remote_addr or "", _login_limits()
            )
        except services.LoginThrottled as throttled:
            form.form_errors.append(
                ngettext(
                    "Too many failed attempts. Wait %(num)d minute and try again.",
                    "Too many failed attempts. Wait %(num)d minutes and try again.",
                    throttled.minutes,
                )
            )
            return render_page("accounts/login.html", form=form, status=429)
        db.session.commit()
        if user is not None:
            login_user(user)
            current_app.logger.info("user %s logged in", user.id)
            return redirect(form.next.data or url_for("main.index"), code=303)
        form.form_errors.append(_("The e-mail address or the password is wrong."))
        status = 422
    elif form.is_submitted():
        status = 422
    return render_page("accounts/login.html", form=form, status=status)


@bp.post("/logout")
def logout():
    """End the session."""
    form = EmptyForm()
    if form.validate_on_submit():
        logout_user()
        session.pop(NEW_INVITATION_KEY, None)
    return redirect(url_for("accounts.login"), code=303)


@bp.post("/language")
@public
def language():
    """Switch the interface language; an unknown code leaves the default in force."""
    form = LanguageForm()
    if form.validate_on_submit():
        code = supported(form.lang.data)
        if code:
            session[SESSION_KEY] = code
            if current_user.is_authenticated:
                services.set_language(current_user, code)
                db.session.commit()
        else:
            session.pop(SESSION_KEY, None)
    return redirect(form.next.data or url_for("main.index"), code=303)


@bp.route("/workspaces/new", methods=["GET", "POST"])
def create_workspace():
    """Start a workspace and become its facilitator."""
    if not services.can_create_workspace(current_user):
        flash(_("Ask an administrator or a facilitator to create a workspace for you."), "error")
        return redirect(url_for("main.index"))
    form = WorkspaceForm()
    if form.validate_on_submit():
        workspace = services.create_workspace(current_user, form.name.data, form.description.data)
        db.session.commit()
        flash(_("Workspace created."), "success")
        return redirect(url_for("accounts.workspace", workspace_id=workspace.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_page("accounts/workspace_form.html", form=form, status=status)


@bp.get("/w/<int:workspace_id>/")
@workspace_role(Role.OBSERVER)
def workspace(workspace, membership):
    """A workspace's front page: who is in it and where to start."""
    return render_page(
        "accounts/workspace.html",
        workspace=workspace,
        membership=membership,
        members=services.members_of(workspace),
        organisations=services.organisations_of(workspace),
        journeys=overview.journeys_of(workspace),
        due=overview.due_of(workspace),
    )


@bp.route("/w/<int:workspace_id>/edit", methods=["GET", "POST"])
@workspace_role(Role.FACILITATOR)
def edit_workspace(workspace, membership):
    """Rename a workspace or change its description."""
    form = WorkspaceForm(obj=workspace)
    if form.validate_on_submit():
        workspace.name = form.name.data.strip()
        workspace.description = (form.description.data or "").strip()
        db.session.commit()
        flash(_("Workspace saved."), "success")
        return redirect(url_for("accounts.workspace", workspace_id=workspace.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_page(
        "accounts/workspace_form.html", form=form, workspace=workspace, status=status
    )


def _people_page(workspace, membership, status=200, block=None, **shown):
    """The people page, or one of its blocks for htmx; forms not given start empty.

    `shown` may bring a notice, an error, a new_invitation, the invitation_form or
    organisation_form sent back as typed, and member_form: (a member's id, their form)."""
    organisations = services.organisations_of(workspace)
    return render_page(
        "accounts/people.html",
        block=block,
        status=status,
        workspace=workspace,
        membership=membership,
        manage=membership.role.allows(Role.FACILITATOR),
        member_forms=_member_forms(workspace, organisations, shown.get("member_form")),
        organisations=organisations,
        invitations=services.open_invitations(workspace),
        new_invitation=shown.get("new_invitation") or session.pop(NEW_INVITATION_KEY, None),
        invitation_form=shown.get("invitation_form") or InvitationForm(formdata=None),
        organisation_form=shown.get("organisation_form") or OrganisationForm(formdata=None),
        action_form=EmptyForm(),
        notice=shown.get("notice"),
        error=shown.get("error"),
    )


def _member_forms(workspace, organisations, member_form: tuple | None) -> dict:
    """Each member's role form: as saved, or for the one member_form names, as sent back."""
    member_forms = {}
    for member in services.members_of(workspace):
        if member_form is not None and member_form[0] == member.id:
            form = member_form[1]
        else:
            form = MemberForm(
                formdata=None,
                role=member.role.value,
                organisation=str(member.organisation_id or ""),
            )
        form.set_organisations(organisations)
        member_forms[member] = form
    return member_forms


@bp.get("/w/<int:workspace_id>/people")
@workspace_role(Role.OBSERVER)
def people(workspace, membership):
    """Members, organisations and open invitations of a workspace."""
    return _people_page(workspace, membership)


@bp.post("/w/<int:workspace_id>/people/<int:member_id>")
@workspace_role(Role.FACILITATOR)
def update_member(workspace, membership, member_id):
    """Change a member's role or organisation."""
    member = services.get_membership(workspace, member_id) or abort(404)
    form = MemberForm()
    form.set_organisations(services.organisations_of(workspace))
    if not form.validate_on_submit():
        return _people_page(
            workspace, membership, 422, block="member_list", member_form=(member.id, form)
        )
    try:
        services.update_member(
            member, Role(form.role.data), int(form.organisation.data or 0) or None
        )
    except services.LastFacilitator:
        return _keep_a_facilitator(workspace, membership)
    db.session.commit()
    return _after_people_change(
        workspace, membership, "member_list", _("Saved: %(name)s.", name=member.user.name)
    )


@bp.post("/w/<int:workspace_id>/people/<int:member_id>/remove")
@workspace_role(Role.FACILITATOR)
def remove_member(workspace, membership, member_id):
    """Take a member out of the workspace."""
    member = services.get_membership(workspace, member_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        return _people_page(workspace, membership, 422, block="member_list")
    name, leaving = member.user.name, member.id == membership.id
    try:
        services.remove_member(member)
    except services.LastFacilitator:
        return _keep_a_facilitator(workspace, membership)
    db.session.commit()
    if leaving:
        return redirect_page(url_for("main.index"))
    message = _("%(name)s was removed from the workspace.", name=name)
    return _after_people_change(workspace, membership, "member_list", message)


def _keep_a_facilitator(workspace, membership):
    """The member list again, saying why the last facilitator stays."""
    db.session.rollback()
    error = _("A workspace needs at least one facilitator.")
    return _people_page(workspace, membership, 422, block="member_list", error=error)


@bp.post("/w/<int:workspace_id>/organisations")
@workspace_role(Role.FACILITATOR)
def add_organisation(workspace, membership):
    """Add a partner organisation to the workspace."""
    form = OrganisationForm()
    if form.validate_on_submit():
        try:
            services.add_organisation(workspace, form.name.data, OrganisationKind(form.kind.data))
        except services.AccountError:
            db.session.rollback()
            form.name.errors.append(_("The workspace already has an organisation of that name."))
        else:
            db.session.commit()
            return _after_people_change(
                workspace, membership, "organisation_list", _("Organisation added.")
            )
    return _people_page(
        workspace, membership, 422, block="organisation_list", organisation_form=form
    )


@bp.post("/w/<int:workspace_id>/invitations")
@workspace_role(Role.FACILITATOR)
def create_invitation(workspace, membership):
    """Make a one-time link to copy and send to the person joining."""
    form = InvitationForm()
    if not form.validate_on_submit():
        return _people_page(
            workspace, membership, 422, block="invitation_list", invitation_form=form
        )
    days = current_app.config["INVITATION_DAYS"]
    invitation, token = services.create_invitation(
        workspace, Role(form.role.data), current_user, days, form.note.data or ""
    )
    db.session.commit()
    link = addresses.external_url("accounts.accept_invitation", token=token)
    new = {"id": invitation.id, "link": link}
    if wants_fragment():
        return _people_page(workspace, membership, block="invitation_list", new_invitation=new)
    session[NEW_INVITATION_KEY] = new
    return redirect(
        url_for("accounts.people", workspace_id=workspace.id, _anchor="invitations"), code=303
    )


@bp.post("/w/<int:workspace_id>/invitations/<int:invitation_id>/revoke")
@workspace_role(Role.FACILITATOR)
def revoke_invitation(workspace, membership, invitation_id):
    """Stop an invitation link from working."""
    if not EmptyForm().validate_on_submit():
        return _people_page(workspace, membership, 422, block="invitation_list")
    try:
        services.revoke_invitation(workspace, invitation_id)
    except services.InvitationUnusable:
        abort(404)
    db.session.commit()
    return _after_people_change(
        workspace, membership, "invitation_list", _("The invitation link no longer works.")
    )


@bp.route("/invite/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token):
    """Join a workspace through an invitation, making an account first if needed."""
    try:
        invitation = services.find_invitation(token)
    except services.InvitationUnusable:
        return render_page("accounts/invitation_unusable.html", status=410)
    if current_user.is_authenticated and services.membership_for(
        current_user, invitation.workspace
    ):
        # Leave the link unused: it was probably meant for somebody else on this computer.
        flash(_("You are already a member of %(name)s.", name=invitation.workspace.name), "info")
        return redirect(url_for("accounts.workspace", workspace_id=invitation.workspace_id))
    form = EmptyForm() if current_user.is_authenticated else AccountForm()
    if form.validate_on_submit():
        joined = _join_through(invitation, form)
        if joined is not None:
            return joined
    status = 422 if form.is_submitted() else 200
    return render_page(
        "accounts/invitation.html", form=form, invitation=invitation, token=token, status=status
    )


EMAIL_TAKEN = _l(
    "An account with this e-mail address exists. Log in first, then open the link again."
)


def _join_through(invitation, form):
    """Accept the invitation with the valid form, making the account first if needed; None
    when the form must show why not (the e-mail address has an account)."""
    try:
        user = current_user if current_user.is_authenticated else _new_account(form)
        services.accept_invitation(invitation, user)
    except services.EmailTaken:
        db.session.rollback()
        form.email.errors.append(EMAIL_TAKEN)
        return None
    except services.InvitationUnusable:
        db.session.rollback()
        return render_page("accounts/invitation_unusable.html", status=410)
    except services.AccountError:
        # Joined through another link a moment ago: leave this one for somebody else.
        db.session.rollback()
        return redirect(url_for("accounts.workspace", workspace_id=invitation.workspace_id))
    db.session.commit()
    if not current_user.is_authenticated:
        login_user(user)
    flash(_("Welcome to %(name)s.", name=invitation.workspace.name), "success")
    return redirect(url_for("accounts.workspace", workspace_id=invitation.workspace_id), code=303)


def _new_account(form):
    """The account the valid form describes, in the language this browser chose."""
    return services.create_user(
        form.email.data, form.name.data, form.password.data, language=session.get(SESSION_KEY)
    )


def _after_people_change(workspace, membership, block, message):
    """303 back to the people page, or the changed block for htmx, with a confirmation."""
    if wants_fragment():
        return _people_page(workspace, membership, block=block, notice=message)
    flash(message, "success")
    return redirect(url_for("accounts.people", workspace_id=workspace.id), code=303)


# Institution sign-in and password reset links add their routes to bp.
from workshop.accounts import signin_views  # noqa: E402,F401
