"""Rendered boards kept by journey version: a room of people watching one board, and polling it,
costs one render per change in each app process instead of one per person.

The key holds everything the board block depends on besides the person looking at it: the
journey's version (bumped in SQL by every change to it, its steps and its critical points), the
viewer's role, the language, the filters and the category names they offer. What differs per
person in the HTML is only the CSRF token of its forms, which is put back on the way out.
"""

import threading
from collections import OrderedDict

from flask import Flask, current_app

# Cannot occur in HTML we render: autoescaping turns no text into a NUL.
TOKEN_MARK = "\x00csrf\x00"


class BoardCache:
    """A small LRU of rendered board blocks, with the CSRF token taken out."""

    def __init__(self, size: int = 32):
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, str] = OrderedDict()

    def get(self, key: tuple, token: str) -> str | None:
        with self._lock:
            html = self._items.get(key)
            if html is not None:
                self._items.move_to_end(key)
        return None if html is None else html.replace(TOKEN_MARK, token)

    def put(self, key: tuple, html: str, token: str) -> None:
        with self._lock:
            self._items[key] = html.replace(token, TOKEN_MARK)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def init_app(app: Flask) -> None:
    """Give the app its cache (one per process; it only ever saves work)."""
    app.extensions["polku_board_cache"] = BoardCache(app.config.get("BOARD_CACHE_SIZE", 32))


def board_cache() -> BoardCache:
    """The running app's cache."""
    return current_app.extensions["polku_board_cache"]
