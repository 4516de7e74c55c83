"""Password reset links: one-time, expiring, kept only as hashes; made by an administrator to
copy, or e-mailed when the person asks and SMTP is configured."""

from datetime import timedelta

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from workshop import clock, mail
from workshop.accounts import services
from workshop.accounts.models import LoginFailure, User
from workshop.accounts.signin_models import PasswordReset
from workshop.extensions import db
from workshop.tokens import hash_token, is_token_shaped, new_token


class ResetUnusable(Exception):
    """The link was used, revoked, expired, or never existed; `gone` tells the first three."""

    def __init__(self, gone: bool):
        super().__init__(gone)
        self.gone = gone


def create(
    user: User, hours: int, created_by: User | None = None, token: str | None = None
) -> tuple[PasswordReset, str]:
    """A new link for the account and its token (made here unless given); the token is shown
    once, its hash kept."""
    token, token_hash = (token, hash_token(token)) if token else new_token()
    reset = PasswordReset(
        user=user,
        token_hash=token_hash,
        created_by=created_by,
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(hours=hours),
    )
    db.session.add(reset)
    db.session.flush()
    return reset, token


def open_links() -> list[PasswordReset]:
    """Links that still work, soonest to expire first."""
    return list(
        db.session.scalars(
            select(PasswordReset)
            .where(
                PasswordReset.used_at.is_(None),
                PasswordReset.revoked_at.is_(None),
                PasswordReset.expires_at > clock.now(),
            )
            .order_by(PasswordReset.expires_at, PasswordReset.id)
        )
    )


def revoke(reset_id: int) -> bool:
    """Stop a link from working; False when there is no such link."""
    reset = db.session.get(PasswordReset, reset_id)
    if reset is None:
        return False
    if reset.used_at is None and reset.revoked_at is None:
        reset.revoked_at = clock.now()
    return True


def find(token: str | None) -> PasswordReset:
    """The usable link behind a token, or ResetUnusable."""
    if not is_token_shaped(token):
        raise ResetUnusable(gone=False)
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(token))
    )
    if reset is None:
        raise ResetUnusable(gone=False)
    if not reset.is_open(clock.now()):
        raise ResetUnusable(gone=True)
    return reset


def use(reset: PasswordReset, password: str) -> User:
    """Set the new password and end this and every other open link of the account; the
    update claims the link only while unused, so it cannot be used twice at once."""
    now = clock.now()
    claimed = db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.id == reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.revoked_at.is_(None),
            PasswordReset.expires_at > now,
        )
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        raise ResetUnusable(gone=True)
    db.session.execute(
        update(PasswordReset)
        .where(
            PasswordReset.user_id == reset.user_id,
            PasswordReset.id != reset.id,
            PasswordReset.used_at.is_(None),
            PasswordReset.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    user = db.session.get(User, reset.user_id)
    services.set_password(user, password)
    # A locked-out person who has just proved who they are may log in at once.
    db.session.execute(delete(LoginFailure).where(LoginFailure.email == user.email))
    db.session.expire(reset)
    return user


def mail_for(user: User, link: str, hours: int, default_language: str) -> mail.Mail:
    """The message carrying a link, in the person's language."""
    language = user.preferred_language or default_language
    with force_locale(language):
        subject = _("A link to set a new password")
        body = "\n\n".join(
            (
                _("Hello %(name)s,", name=user.name),
                _("Someone asked for a link to set a new password for your account."),
                link,
                ngettext(
                    "The link works once and for %(num)d hour.",
                    "The link works once and for %(num)d hours.",
                    hours,
                ),
                _("If you did not ask for it, ignore this message: your password stays as it is."),
            )
        )
    return mail.Mail(to=user.email, subject=str(subject), body=str(body) + "\n", language=language)
