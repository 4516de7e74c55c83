"""Link tokens: made unguessable, stored only as hashes, and, where a page must show a link
again, derived from the app's secret instead of kept."""

import base64
import hashlib
import hmac
import re
import secrets

from flask import current_app

# What new_token() and derived() make: URL-safe base64. Anything else cannot be one of ours.
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{16,100}$")


def hash_token(token: str) -> str:
    """The stored form of a link's token: a copy of the database hands out no links."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """A fresh unguessable token and its hash."""
    token = secrets.token_urlsafe(24)
    return token, hash_token(token)


def derived(purpose: str, *parts) -> str:
    """A token only this app can make from `purpose` and `parts` (HMAC with SECRET_KEY), so a
    page can show the same link again while the database keeps only its hash."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    message = ":".join(str(part) for part in (purpose, *parts)).encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def is_token_shaped(text: str | None) -> bool:
    """True for text that could be one of our tokens (checked before any lookup)."""
    return bool(text) and TOKEN_SHAPE.match(text) is not None
