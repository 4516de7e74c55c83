"""Institution sign-in (OpenID Connect) and password reset links, on the accounts blueprint."""

import secrets
import smtplib

from authlib.integrations.base_client import MismatchingStateError, OAuthError
from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from joserfc.errors import JoseError
from requests import RequestException

from workshop import addresses, mail
from workshop.access import admin_required, public
from workshop.accounts import oidc, reset, services
from workshop.accounts.forms import LoginForm
from workshop.accounts.models import User
from workshop.accounts.signin_forms import (
    ForgotPasswordForm,
    NewPasswordForm,
    ResetLinkForm,
)
from workshop.accounts.views import bp
from workshop.extensions import db
from workshop.forms_common import EmptyForm, safe_next
from workshop.htmx import render_page
from workshop.i18n import SESSION_KEY
from workshop.tokens import new_token

INVITATION_KEY = "oidc_invitation"
NEXT_KEY = "oidc_next"
NEW_RESET_KEY = "new_reset_link"

REFUSALS = {
    "state": _l("The sign-in took too long or was started in another window. Try again."),
    "provider": _l("%(label)s did not sign you in. Try again, or log in with your password."),
    "unreachable": _l(
        "%(label)s cannot be reached just now. Try again in a moment, or log in with your password."
    ),
    "token": _l("The answer from %(label)s could not be verified, so nobody was signed in."),
    "answer": _l("The answer from %(label)s could not be verified, so nobody was signed in."),
    "no_email": _l("%(label)s did not give your e-mail address, so nobody was signed in."),
    "unverified": _l(
        "%(label)s has not verified your e-mail address, so it cannot sign you in to Polku."
    ),
    "no_account": _l(
        "No account here uses your e-mail address. Ask a facilitator of your workspace "
        "for an invitation link."
    ),
    "invitation": _l("The invitation link no longer works. Ask the facilitator for a new link."),
}


def _refused(reason: str, status: int = 400):
    """The login page with the reason nobody was signed in."""
    wanted = oidc.settings()
    form = LoginForm(formdata=None)
    form.form_errors.append(REFUSALS[reason] % {"label": wanted.label if wanted else ""})
    return render_page("accounts/login.html", form=form, status=status)


@bp.get("/login/institution")
@public
def institution_sign_in():
    """Send the browser to the institution's sign-in page (a 404 while it is not configured).

    A link, not a form: the page's Content-Security-Policy lets forms post only to Polku, and
    a form's redirect to the provider would be stopped by it."""
    wanted = oidc.settings() or abort(404)
    invitation = request.args.get("invitation", "")[:100]
    if invitation:
        try:
            services.find_invitation(invitation)
        except services.InvitationUnusable:
            return render_page("accounts/invitation_unusable.html", status=410)
    session[INVITATION_KEY] = invitation or None
    session[NEXT_KEY] = safe_next(request.args.get("next"))
    try:
        return oidc.client(wanted).authorize_redirect(
            oidc.callback_url(), nonce=secrets.token_urlsafe(24)
        )
    except oidc.PROVIDER_ERRORS as error:
        current_app.logger.warning("institution sign-in could not start: %r", error)
        return _refused("unreachable")


def _reason(error: Exception) -> str:
    """Which refusal an error from Authlib, joserfc or the network is."""
    if isinstance(error, MismatchingStateError):
        return "state"
    if isinstance(error, RequestException):
        return "unreachable"
    if isinstance(error, OAuthError):
        return "provider"
    return "token" if isinstance(error, JoseError) else "answer"


def _verified_answer(wanted) -> oidc.Answer:
    """The person in the provider's verified ID token, or SignInRefused."""
    try:
        client = oidc.client(wanted)
        token = client.authorize_access_token(claims_options=oidc.claims_options(client))
    except oidc.PROVIDER_ERRORS as error:
        current_app.logger.warning("institution sign-in refused: %r", error)
        raise oidc.SignInRefused(_reason(error)) from error
    finally:
        oidc.forget_pending()
    if not token.get("userinfo"):
        raise oidc.SignInRefused("answer")
    return oidc.answer_from(token["userinfo"], wanted)


def _account_joining(answer: oidc.Answer, invitation_token: str | None):
    """The account to sign in, made and put in the workspace if an invitation brought them."""
    user = oidc.account_for(answer)
    if not invitation_token:
        if user is None:
            raise oidc.SignInRefused("no_account")
        return user, None
    try:
        invitation = services.find_invitation(invitation_token)
        if user is None:
            user = oidc.new_account(answer, session.get(SESSION_KEY))
        if services.membership_for(user, invitation.workspace) is None:
            services.accept_invitation(invitation, user)
    except services.AccountError as error:
        raise oidc.SignInRefused("invitation") from error
    return user, invitation


@bp.get("/login/institution/callback")
@public
def institution_callback():
    """Sign in the person the provider vouches for; refuse anything else, changing nothing."""
    wanted = oidc.settings() or abort(404)
    invitation_token, next_url = session.pop(INVITATION_KEY, None), session.pop(NEXT_KEY, None)
    try:
        user, invitation = _account_joining(_verified_answer(wanted), invitation_token)
    except oidc.SignInRefused as refused:
        db.session.rollback()
        status = 403 if refused.reason in ("no_account", "unverified", "invitation") else 400
        return _refused(refused.reason, status)
    if current_user.is_authenticated and current_user.id != user.id:
        logout_user()
    # The audit log records every sign-in (flask_login's signal) and names the way in from g.
    g.sign_in_via = "oidc"
    login_user(user)
    db.session.commit()
    current_app.logger.info("user %s signed in through %s", user.id, wanted.label)
    if invitation is not None:
        flash(_("Welcome to %(name)s.", name=invitation.workspace.name), "success")
        return redirect(url_for("accounts.workspace", workspace_id=invitation.workspace_id))
    return redirect(next_url or url_for("main.index"), code=303)


# --- password reset links ---------------------------------------------------------------------


def _hours() -> int:
    return current_app.config["RESET_LINK_HOURS"]


@bp.get("/admin/password-links")
@admin_required
def password_links(form=None, status=200):
    """Reset links that still work, and the form making a new one."""
    return render_page(
        "accounts/password_links.html",
        status=status,
        form=form or ResetLinkForm(formdata=None),
        links=reset.open_links(),
        new_link=session.pop(NEW_RESET_KEY, None),
        action_form=EmptyForm(),
    )


@bp.post("/admin/password-links")
@admin_required
def create_password_link():
    """Make a link for an account, shown once to copy and hand over."""
    form = ResetLinkForm()
    if not form.validate_on_submit():
        return password_links(form=form, status=422)
    user = services.get_user_by_email(form.email.data)
    if user is None:
        form.email.errors.append(_("No account uses this e-mail address."))
        return password_links(form=form, status=422)
    _link, token = reset.create(user, _hours(), created_by=current_user)
    db.session.commit()
    link = addresses.external_url("accounts.reset_password", token=token)
    session[NEW_RESET_KEY] = {"link": link, "name": user.name}
    return redirect(url_for("accounts.password_links"), code=303)


@bp.post("/admin/password-links/<int:reset_id>/revoke")
@admin_required
def revoke_password_link(reset_id):
    """Stop a reset link from working."""
    if not EmptyForm().validate_on_submit():
        return password_links(status=422)
    if not reset.revoke(reset_id):
        abort(404)
    db.session.commit()
    flash(_("The password link no longer works."), "success")
    return redirect(url_for("accounts.password_links"), code=303)


@bp.route("/password/<token>", methods=["GET", "POST"])
@public
def reset_password(token):
    """Set a new password through a link; a used, revoked or expired link changes nothing."""
    try:
        link = reset.find(token)
        form = NewPasswordForm()
        if form.validate_on_submit():
            user = reset.use(link, form.password.data)
            db.session.commit()
            logout_user()
            g.sign_in_via = "reset link"
            login_user(user)
            flash(_("Your new password is saved. You are logged in."), "success")
            return redirect(url_for("main.index"), code=303)
    except reset.ResetUnusable as unusable:
        db.session.rollback()
        status = 410 if unusable.gone else 404
        return render_page("accounts/password_link_unusable.html", status=status)
    status = 422 if form.is_submitted() else 200
    return render_page("accounts/password_reset.html", form=form, user=link.user, status=status)


@bp.route("/password/forgotten", methods=["GET", "POST"])
@public
def forgot_password():
    """E-mail a reset link to the address typed, if an account uses it; the page says the same
    either way, so it tells nobody which addresses have accounts."""
    if not mail.is_configured():
        abort(404)
    form = ForgotPasswordForm()
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_page("accounts/password_forgotten.html", form=form, status=status)
    user = services.get_user_by_email(form.email.data)
    # The same work whether or not the address has an account: a token and its address. The
    # link is stored and mailed once the answer has gone out, so no wait tells the difference.
    token, _hash = new_token()
    address = addresses.external_url("accounts.reset_password", token=token)
    response = make_response(render_page("accounts/password_forgotten.html", form=form, sent=True))
    if user is not None:
        response.call_on_close(_mailer(current_app._get_current_object(), user.id, token, address))
    return response


def _mailer(app, user_id: int, token: str, address: str):
    """Store the link and send its e-mail; a mail server that fails leaves no usable link."""

    def send() -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            if user is None:  # removed meanwhile
                return
            hours = app.config["RESET_LINK_HOURS"]
            link, _token = reset.create(user, hours, token=token)
            db.session.commit()
            message = reset.mail_for(user, address, hours, app.config["DEFAULT_LANGUAGE"])
            try:
                mail.send([message])
            except (OSError, smtplib.SMTPException) as error:
                reset.revoke(link.id)
                db.session.commit()
                app.logger.warning("password link mail for link %s failed: %r", link.id, error)

    return send
