"""Institution sign-in through OpenID Connect, against a real provider on 127.0.0.1
(tests/oidc_provider.py): the test client follows the redirects, the provider answers Polku's
token and key requests over HTTP, and every refusal signs nobody in and changes nothing."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from tests.oidc_provider import (
    PROVIDER_WARNINGS,
    expired_provider,
    flipped_signature,
    running_provider,
    running_relay,
)
from workshop.accounts import services as accounts
from workshop.accounts.models import Membership, Role, User
from workshop.accounts.signin_models import ProviderIdentity
from workshop.audit.models import Action, AuditEvent
from workshop.extensions import db

pytestmark = PROVIDER_WARNINGS

NOT_VERIFIED = "The answer from MPASSid could not be verified, so nobody was signed in."


@pytest.fixture(scope="module")
def provider():
    with running_provider() as running:
        yield running


def configure(app, discovery_url: str, **more) -> None:
    app.config.update(
        OIDC_DISCOVERY_URL=discovery_url,
        OIDC_CLIENT_ID="polku",
        OIDC_CLIENT_SECRET="polku-secret",
        OIDC_LABEL="MPASSid",
        **more,
    )


@pytest.fixture
def oidc_app(app, provider):
    configure(app, provider.discovery_url)
    return app


def start(client, **query) -> str:
    """Press "Sign in with MPASSid"; the provider's authorization address it sends us to."""
    response = client.get("/login/institution", query_string=query)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def back(client, callback: str):
    """Follow the provider's redirect back to Polku."""
    parts = urlsplit(callback)
    assert parts.path == "/login/institution/callback"
    return client.get(f"{parts.path}?{parts.query}")


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (User, Membership, ProviderIdentity)
    )


def test_login_page_offers_the_institution_only_when_configured(app, client, provider):
    assert "Sign in with" not in client.get("/login").text
    assert client.get("/login/institution").status_code == 404
    assert client.get("/login/institution/callback?code=x&state=y").status_code == 404
    configure(app, provider.discovery_url)
    page = client.get("/login").text
    assert "Sign in with MPASSid" in page
    assert 'href="/login/institution"' in page


def test_a_member_signs_in_and_is_found_again_after_an_email_change(
    oidc_app, client, provider, make_user
):
    user = make_user(email="maija.meikalainen@example.fi", name="Maija")
    provider.set_user("maija-1", email="Maija.Meikalainen@Example.fi", email_verified=True)
    authorize_url = start(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["client_id"] == ["polku"]
    assert query["code_challenge_method"] == ["S256"] and query["nonce"] and query["state"]

    response = back(client, provider.authorize(authorize_url, "maija-1"))

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert signed_in(client)
    identity = db.session.scalar(
        select(ProviderIdentity).where(ProviderIdentity.user_id == user.id)
    )
    assert identity.subject == "maija-1" and identity.issuer == provider.url
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == Action.SIGN_IN))
    assert (event.object_id, event.detail, event.actor_id) == (user.id, "oidc", user.id)

    client.post("/logout")
    provider.set_user("maija-1", email="maija@uusi.example", email_verified=True)
    back(client, provider.authorize(start(client), "maija-1"))
    assert signed_in(client)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_an_unknown_email_is_refused_with_the_way_in(oidc_app, client, provider, make_user):
    make_user(email="someone@example.fi")
    before = counts()
    provider.set_user("stranger", email="stranger@example.fi", email_verified=True)

    response = back(client, provider.authorize(start(client), "stranger"))

    assert response.status_code == 403
    assert "Ask a facilitator of your workspace for an invitation link." in response.text
    assert not signed_in(client)
    assert counts() == before


def test_an_invitation_makes_the_account_from_the_provider(
    oidc_app, client, provider, make_workspace
):
    workspace = make_workspace(name="Kasvu")
    invitation, token = accounts.create_invitation(
        workspace, Role.PARTICIPANT, workspace.memberships[0].user, 7
    )
    db.session.commit()
    assert "Sign in with MPASSid" in client.get(f"/invite/{token}").text
    provider.set_user(
        "uusi-1", email="Uusi.Opettaja@Example.fi", email_verified=True, name="Uusi Opettaja"
    )

    response = back(client, provider.authorize(start(client, invitation=token), "uusi-1"))

    assert response.status_code == 302
    assert response.headers["Location"] == f"/w/{workspace.id}/"
    user = accounts.get_user_by_email("uusi.opettaja@example.fi")
    assert user.name == "Uusi Opettaja"
    assert accounts.membership_for(user, workspace).role == Role.PARTICIPANT
    assert "Welcome to Kasvu." in client.get(response.headers["Location"]).text
    db.session.refresh(invitation)
    assert invitation.used_by_id == user.id


def test_a_used_invitation_cannot_start_a_sign_in(oidc_app, client, make_workspace, make_user):
    workspace = make_workspace()
    invitation, token = accounts.create_invitation(
        workspace, Role.PARTICIPANT, workspace.memberships[0].user, 7
    )
    accounts.accept_invitation(invitation, make_user())
    db.session.commit()
    response = client.get("/login/institution", query_string={"invitation": token})
    assert response.status_code == 410


@pytest.mark.parametrize("verified", [False, "true", None])
def test_an_email_the_provider_does_not_vouch_for_is_refused(
    oidc_app, client, provider, make_user, verified
):
    make_user(email="vahvistamaton@example.fi")
    claims = {"email": "vahvistamaton@example.fi"}
    if verified is not None:
        claims["email_verified"] = verified
    provider.set_user(f"unverified-{verified}", **claims)
    before = counts()

    response = back(client, provider.authorize(start(client), f"unverified-{verified}"))

    assert response.status_code == 403
    assert "MPASSid has not verified your e-mail address" in response.text
    assert not signed_in(client)
    assert counts() == before


def test_trusting_the_providers_emails_signs_in_without_the_claim(
    oidc_app, client, provider, make_user
):
    oidc_app.config["OIDC_TRUST_EMAIL"] = True
    make_user(email="entra@example.fi")
    provider.set_user("entra-1", email="entra@example.fi")
    assert back(client, provider.authorize(start(client), "entra-1")).status_code == 303
    assert signed_in(client)


def test_a_missing_email_is_refused(oidc_app, client, provider):
    provider.set_user("no-mail", name="Nimetön")
    oidc_app.config["OIDC_SCOPES"] = "openid profile"
    response = back(client, provider.authorize(start(client), "no-mail"))
    assert response.status_code == 403 or response.status_code == 400
    assert "did not give your e-mail address" in response.text
    assert not signed_in(client)


def test_a_wrong_state_is_refused(oidc_app, client, provider, make_user, app):
    make_user(email="tila@example.fi")
    provider.set_user("tila", email="tila@example.fi", email_verified=True)
    callback = provider.authorize(start(client), "tila")
    forged = callback.replace("state=", "state=x")

    response = back(client, forged)

    assert response.status_code == 400
    assert "The sign-in took too long or was started in another window." in response.text
    assert not signed_in(client)
    # The real state no longer works either: one answer per sign-in.
    assert back(client, callback).status_code == 400
    # Nor in another browser, which never started a sign-in.
    other = app.test_client()
    assert back(other, provider.authorize(start(client), "tila")).status_code == 400
    assert not signed_in(other)


def test_a_code_issued_for_another_nonce_is_refused(oidc_app, client, provider, make_user, caplog):
    make_user(email="nonce@example.fi")
    provider.set_user("nonce", email="nonce@example.fi", email_verified=True)
    before = counts()
    # A code the provider issued for the same person in another sign-in (another nonce),
    # brought back with this browser's state.
    callback = provider.authorize(start(client), "nonce", nonce="someone-elses-nonce")

    with caplog.at_level(logging.WARNING):
        response = back(client, callback)

    assert response.status_code == 400
    assert NOT_VERIFIED in response.text
    assert "nonce" in caplog.text
    assert not signed_in(client)
    assert counts() == before


def test_an_id_token_for_another_client_is_refused(oidc_app, client, provider, make_user, caplog):
    make_user(email="yleiso@example.fi")
    provider.set_user("yleiso", email="yleiso@example.fi", email_verified=True)
    with running_relay(provider) as relay:
        configure(oidc_app, relay.discovery_url)
        authorize_url = start(client)
        # The provider's own, correctly signed answer, for the same person and nonce, but
        # issued to another application.
        foreign = provider.tokens_for(authorize_url, "yleiso", client_id="other-app")
        relay.change = lambda answer: foreign
        with caplog.at_level(logging.WARNING):
            response = back(client, provider.authorize(authorize_url, "yleiso"))
    assert response.status_code == 400
    assert NOT_VERIFIED in response.text
    assert "aud" in caplog.text
    assert not signed_in(client)


def test_a_bad_signature_is_refused(oidc_app, client, provider, make_user, caplog):
    make_user(email="allekirjoitus@example.fi")
    provider.set_user("allekirjoitus", email="allekirjoitus@example.fi", email_verified=True)
    with running_relay(provider) as relay:
        configure(oidc_app, relay.discovery_url)
        relay.change = lambda answer: answer | {"id_token": flipped_signature(answer["id_token"])}
        with caplog.at_level(logging.WARNING):
            response = back(client, provider.authorize(start(client), "allekirjoitus"))
    assert response.status_code == 400
    assert NOT_VERIFIED in response.text
    assert "signature" in caplog.text.lower()
    assert not signed_in(client)


def test_a_token_of_another_issuer_is_refused(oidc_app, client, provider, make_user, caplog):
    make_user(email="toinen@example.fi")
    provider.set_user("toinen", email="toinen@example.fi", email_verified=True)
    with running_provider() as impostor, running_relay(provider) as relay:
        impostor.set_user("toinen", email="toinen@example.fi", email_verified=True)
        configure(oidc_app, relay.discovery_url)
        authorize_url = start(client)
        # Signed by another provider with its own key, for this client and nonce.
        foreign = impostor.tokens_for(authorize_url, "toinen", client_id="polku")
        relay.change = lambda answer: foreign
        with caplog.at_level(logging.WARNING):
            response = back(client, provider.authorize(authorize_url, "toinen"))
    assert response.status_code == 400
    assert NOT_VERIFIED in response.text
    assert not signed_in(client)


def test_an_expired_token_is_refused(app, client, make_user, caplog):
    make_user(email="vanha@example.fi")
    with expired_provider() as old:
        configure(app, old.discovery_url)
        old.set_user("vanha", email="vanha@example.fi", email_verified=True)
        with caplog.at_level(logging.WARNING):
            response = back(client, old.authorize(start(client), "vanha"))
    assert response.status_code == 400
    assert NOT_VERIFIED in response.text
    assert "exp" in caplog.text
    assert not signed_in(client)


def test_a_provider_saying_no_signs_nobody_in(oidc_app, client, provider):
    response = back(client, provider.deny(start(client)))
    assert response.status_code == 400
    assert "MPASSid did not sign you in." in response.text
    assert not signed_in(client)


def test_an_unreachable_provider_is_explained(app, client, make_user):
    with running_provider() as gone:
        unreachable = gone.discovery_url
    configure(app, unreachable)
    response = client.get("/login/institution")
    assert response.status_code == 400
    assert "MPASSid cannot be reached just now." in response.text

    # Gone between the provider's page and the answer: the token request finds nobody.
    make_user(email="katkos@example.fi")
    with running_provider() as brief:
        configure(app, brief.discovery_url)
        brief.set_user("katkos", email="katkos@example.fi", email_verified=True)
        callback = brief.authorize(start(client), "katkos")
    response = back(client, callback)
    assert response.status_code == 400
    assert "MPASSid cannot be reached just now." in response.text
    assert not signed_in(client)


@pytest.mark.parametrize(
    "sub, email",
    [("pitka-osoite", "a" * 250 + "@example.fi"), ("s" * 300, "lyhyt@example.fi")],
    ids=["long-email", "long-subject"],
)
def test_an_answer_too_long_to_keep_is_refused(
    oidc_app, client, provider, make_workspace, sub, email
):
    workspace = make_workspace()
    _invitation, token = accounts.create_invitation(
        workspace, Role.PARTICIPANT, workspace.memberships[0].user, 7
    )
    db.session.commit()
    provider.set_user(sub, email=email, email_verified=True)
    before = counts()

    response = back(client, provider.authorize(start(client, invitation=token), sub))

    assert response.status_code == 400
    assert not signed_in(client)
    assert counts() == before
