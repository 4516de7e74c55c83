"""Institution sign-in through OpenID Connect (MPASSid, Microsoft Entra ID, Haka's proxy):
Authlib's Flask client with discovery, the authorization code flow with PKCE, state and nonce.

Authlib checks the ID token: its signature against the provider's published keys, the issuer
the discovery document names, the audience (our client id), the nonce kept in the session, and
its expiry. This module decides what a verified answer means for Polku's accounts.
"""

import secrets
from dataclasses import dataclass

from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import current_app, session, url_for
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy import select

from workshop import mail
from workshop.accounts import services
from workshop.accounts.models import EMAIL_MAX, NAME_MAX, User
from workshop.accounts.signin_models import ISSUER_MAX, SUBJECT_MAX, ProviderIdentity
from workshop.extensions import db
from workshop.models_base import utcnow

CLIENT_NAME = "institution"
EXTENSION = "polku_oidc"
# Everything a provider, the network or a forged answer can make Authlib raise: a wrong state
# or provider error (OAuthError), a bad signature, issuer, audience, nonce or expiry (joserfc's
# JoseError), no answer (requests), a document that is not what OpenID Connect says (the rest).
PROVIDER_ERRORS = (
    AuthlibBaseError,
    JoseError,
    RequestException,
    ValueError,
    KeyError,
    RuntimeError,
)


class SignInRefused(Exception):
    """The provider's answer cannot sign anyone in; `reason` says which message to show."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Settings:
    """Where the provider is and who we are to it."""

    discovery_url: str
    client_id: str
    client_secret: str
    label: str
    scopes: str
    trust_email: bool
    timeout: float


def settings() -> Settings | None:
    """The configured provider, or None when institution sign-in is off."""
    config = current_app.config
    if not config.get("OIDC_DISCOVERY_URL") or not config.get("OIDC_CLIENT_ID"):
        return None
    return Settings(
        discovery_url=str(config["OIDC_DISCOVERY_URL"]),
        client_id=str(config["OIDC_CLIENT_ID"]),
        client_secret=str(config.get("OIDC_CLIENT_SECRET") or ""),
        label=str(config.get("OIDC_LABEL") or "") or "OpenID Connect",
        scopes=str(config.get("OIDC_SCOPES") or "openid email profile"),
        trust_email=bool(config.get("OIDC_TRUST_EMAIL")),
        timeout=float(config.get("OIDC_TIMEOUT") or 10),
    )


def client(wanted: Settings):
    """Authlib's client for these settings, made once per app and settings (it keeps the
    provider's discovery document and keys once fetched)."""
    clients = current_app.extensions.setdefault(EXTENSION, {})
    if wanted not in clients:
        oauth = OAuth()
        oauth.app = current_app._get_current_object()
        scopes = wanted.scopes if "openid" in wanted.scopes.split() else f"openid {wanted.scopes}"
        clients[wanted] = oauth.register(
            CLIENT_NAME,
            client_id=wanted.client_id,
            client_secret=wanted.client_secret or None,
            server_metadata_url=wanted.discovery_url,
            client_kwargs={
                "scope": scopes,
                "code_challenge_method": "S256",
                "default_timeout": wanted.timeout,
            },
        )
    return clients[wanted]


def for_templates() -> dict:
    """What the login and invitation pages offer besides a password."""
    wanted = settings()
    return {
        "institution_label": wanted.label if wanted else None,
        "password_mail": mail.is_configured(),
    }


def claims_options(client) -> dict:
    """What the ID token must say: issued by the provider discovery names, to us. Authlib
    alone compares the audience with our client id only through `azp`, which a token for
    another application that names us there would pass."""
    issuer = client.load_server_metadata().get("issuer")
    if not issuer:
        raise ValueError("the discovery document names no issuer")
    return {
        "iss": {"essential": True, "values": [issuer]},
        "aud": {"essential": True, "values": [client.client_id]},
    }


def forget_pending() -> None:
    """End every sign-in this browser started: one answer from the provider is all it gets."""
    prefix = f"_state_{CLIENT_NAME}_"
    for key in [key for key in session if key.startswith(prefix)]:
        session.pop(key, None)


def callback_url() -> str:
    """Where the provider sends the browser back: the configured public address, else the
    address this browser uses now (whose cookie holds the state and nonce)."""
    public_url = current_app.config.get("PUBLIC_URL")
    if public_url:
        return public_url.rstrip("/") + url_for("accounts.institution_callback")
    return url_for("accounts.institution_callback", _external=True)


@dataclass(frozen=True)
class Answer:
    """What a verified ID token says about the person."""

    issuer: str
    subject: str
    email: str
    name: str


def answer_from(claims, wanted: Settings) -> Answer:
    """The person in verified ID token claims; refuses an e-mail the provider does not vouch for."""
    issuer, subject = str(claims.get("iss") or ""), str(claims.get("sub") or "")
    if not issuer or not subject or len(issuer) > ISSUER_MAX or len(subject) > SUBJECT_MAX:
        raise SignInRefused("answer")
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or len(email.strip()) > EMAIL_MAX:
        raise SignInRefused("no_email")
    if claims.get("email_verified") is not True and not wanted.trust_email:
        raise SignInRefused("unverified")
    return Answer(issuer, subject, services.normalise_email(email), _name_of(claims, email))


def _name_of(claims, email: str) -> str:
    """The person's name as the provider gives it, or the e-mail's first part."""
    name = claims.get("name")
    if not isinstance(name, str) or not name.strip():
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(p for p in parts if isinstance(p, str) and p.strip())
    return (name.strip() if name else "") or email.split("@")[0]


def account_for(answer: Answer) -> User | None:
    """The account the provider's person is: by (issuer, subject) remembered earlier, else by
    the verified e-mail; the pair is remembered for the next time."""
    identity = db.session.scalar(
        select(ProviderIdentity).where(
            ProviderIdentity.issuer == answer.issuer, ProviderIdentity.subject == answer.subject
        )
    )
    if identity is not None:
        identity.last_used_at = utcnow()
        return identity.user
    user = services.get_user_by_email(answer.email)
    if user is not None:
        remember(user, answer)
    return user


def remember(user: User, answer: Answer) -> None:
    """Keep the provider's name for this account."""
    db.session.add(
        ProviderIdentity(
            user=user, issuer=answer.issuer, subject=answer.subject, last_used_at=utcnow()
        )
    )
    db.session.flush()


def new_account(answer: Answer, language: str | None) -> User:
    """An account for a person joining through an invitation, with an unusable password
    (they sign in through the provider; an administrator can make a reset link)."""
    user = services.create_user(
        answer.email, answer.name[:NAME_MAX], _unusable_password(), language=language
    )
    remember(user, answer)
    return user


def _unusable_password() -> str:
    """A random password nobody knows."""
    return secrets.token_urlsafe(32)
