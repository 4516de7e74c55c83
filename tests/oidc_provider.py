"""A real OpenID provider for the tests (oidc-provider-mock) on 127.0.0.1, and a relay in front
of its token endpoint that can hand Polku another genuine answer, to test Polku's checks.

The provider signs real ID tokens with its own key, publishes the key at its JWKS address and
lets a test say who signs in (its authorization form takes the subject) and with which claims
(PUT /users/<sub>).
"""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import oidc_provider_mock
import pytest
import requests
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

TIMEOUT = 10
# The provider, in a thread of the test process, runs on Authlib's deprecated server parts;
# their warnings are the provider's business, not an error of the test.
PROVIDER_WARNINGS = pytest.mark.filterwarnings("ignore::DeprecationWarning:authlib")


class _Quiet(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass


@contextmanager
def serving(wsgi_app) -> Iterator[str]:
    """Serve a WSGI app on 127.0.0.1 on a free port in a thread; yields its root URL."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@dataclass
class Provider:
    """A running provider."""

    url: str

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def set_user(self, sub: str, **claims) -> None:
        """The claims the provider gives for this subject."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=TIMEOUT)
        response.raise_for_status()

    def authorize(self, authorize_url: str, sub: str, **changes) -> str:
        """Sign `sub` in on the provider's form, for the request at authorize_url with any
        parameters changed; the address the provider sends the browser back to."""
        parts = urlsplit(authorize_url)
        params = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
        response = requests.post(
            f"{self.url}{parts.path}?{urlencode(params)}",
            data={"sub": sub},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def deny(self, authorize_url: str) -> str:
        """Press the provider's Deny button; the address it sends the browser back to."""
        response = requests.post(
            authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=TIMEOUT
        )
        assert response.status_code == 302, response.text
        return response.headers["Location"]

    def tokens_for(self, authorize_url: str, sub: str, client_id: str, **changes) -> dict:
        """A genuine token answer of this provider for another client, for the same person
        and nonce as the request at authorize_url: what a relay could try to pass off."""
        verifier = "v" * 50
        callback = self.authorize(
            authorize_url,
            sub,
            client_id=client_id,
            code_challenge=verifier,
            code_challenge_method="plain",
            **changes,
        )
        code = parse_qs(urlsplit(callback).query)["code"][0]
        params = parse_qs(urlsplit(authorize_url).query)
        response = requests.post(
            f"{self.url}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": params["redirect_uri"][0],
                "code_verifier": verifier,
            },
            auth=(client_id, "their-secret"),
            timeout=TIMEOUT,
        )
        response.raise_for_status()
        return response.json()


@contextmanager
def running_provider(**options) -> Iterator[Provider]:
    """oidc-provider-mock on 127.0.0.1 (options as for oidc_provider_mock.app)."""
    with serving(oidc_provider_mock.app(**options)) as url:
        yield Provider(url)


def expired_provider():
    """A provider whose ID tokens expired before they were issued (beyond any leeway)."""
    return running_provider(access_token_max_age=timedelta(minutes=-10))


@dataclass
class Relay:
    """Stands between Polku and the provider: passes discovery on with its own token
    endpoint, forwards token requests, and lets a test change the provider's answer."""

    provider: Provider
    url: str = ""
    change: Callable[[dict], dict] = field(default=lambda answer: answer)

    @property
    def discovery_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def __call__(self, environ, start_response):
        request = Request(environ)
        if request.path == "/.well-known/openid-configuration":
            document = requests.get(self.provider.discovery_url, timeout=TIMEOUT).json()
            document["token_endpoint"] = f"{self.url}/token"
            body = document
        else:
            answer = requests.post(
                f"{self.provider.url}/oauth2/token",
                data=request.form,
                headers={"Authorization": request.headers.get("Authorization", "")},
                timeout=TIMEOUT,
            ).json()
            body = self.change(answer)
        response = Response(json.dumps(body), content_type="application/json")
        return response(environ, start_response)


@contextmanager
def running_relay(provider: Provider) -> Iterator[Relay]:
    relay = Relay(provider)
    with serving(relay) as url:
        relay.url = url
        yield relay


def flipped_signature(id_token: str) -> str:
    """The token with one bit of its signature changed."""
    head, payload, signature = id_token.split(".")
    first = "B" if signature[0] != "B" else "C"
    return f"{head}.{payload}.{first}{signature[1:]}"
