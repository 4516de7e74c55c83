"""Rendered fragments kept by version: a room of people watching one board or one live session,
and polling it, costs one render per change in each app process instead of one per person.

A key holds everything a fragment depends on besides the person looking at it, above all the
version counter that every change bumps in SQL; what differs per person in the HTML is only the
CSRF token of its forms (and, for live sessions, a one-time form key), put back on the way out.
Nothing is kept that the database does not decide: a process without the cache answers the same.
"""

import threading
from collections import OrderedDict

from flask import Flask, current_app

# Cannot occur in HTML we render: autoescaping turns no text into a NUL.
TOKEN_MARK = "\x00csrf\x00"
NONCE_MARK = "\x00nonce\x00"


class FragmentCache:
    """A small LRU of rendered fragments, with the CSRF token (and a nonce) taken out."""

    def __init__(self, size: int = 32):
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, str] = OrderedDict()
        self._rendering: dict[tuple, threading.Lock] = {}

    def get_or_render(self, key: tuple, token: str, nonce: str, render) -> str:
        """The fragment for `key`, rendered by `render()` on a miss. When a change makes a
        room of pollers miss at once, one thread renders and the others wait for it."""
        html = self.get(key, token, nonce)
        if html is not None:
            return html
        with self._lock:
            rendering = self._rendering.setdefault(key, threading.Lock())
        with rendering:
            html = self.get(key, token, nonce)
            if html is None:
                html = render()
                self.put(key, html, token, nonce)
        with self._lock:
            self._rendering.pop(key, None)
        return html

    def get(self, key: tuple, token: str, nonce: str = "") -> str | None:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
        if html is None:
            return None
        return html.replace(TOKEN_MARK, token).replace(NONCE_MARK, nonce)

    def put(self, key: tuple, html: str, token: str, nonce: str = "") -> None:
        stored = html.replace(token, TOKEN_MARK)
        if nonce:
            stored = stored.replace(nonce, NONCE_MARK)
        with self._lock:
            self._items[key] = stored
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def init_app(app: Flask) -> None:
    """Give the app its caches (one set per process; they only ever save work)."""
    size = app.config.get("FRAGMENT_CACHE_SIZE", 64)
    app.extensions["polku_fragments"] = {
        "boards": FragmentCache(size),
        "live": FragmentCache(size),
        # One per step card: a few boards' worth of cards in every language and role.
        "cards": FragmentCache(app.config.get("CARD_CACHE_SIZE", 4096)),
    }


def fragment_cache(name: str) -> FragmentCache:
    """The running app's cache of boards ("boards"), step cards ("cards") or live-session
    regions ("live")."""
    return current_app.extensions["polku_fragments"][name]
