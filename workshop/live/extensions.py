"""Panels a higher layer adds to the room's phone and projector pages.

Live sits below sparring, so it never imports it: create_app hands the panels down with
`init_app(app, phone_panel=..., projector_panel=...)`. A panel is a callable taking the live
session (and, on a phone, the guest) and answering a Panel to draw, or None.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

_PHONE = "polku.live_phone_panel"
_PROJECTOR = "polku.live_projector_panel"


@dataclass(frozen=True)
class Panel:
    """A template to include and what it reads (as `panel`); `instead`: the panel is what the
    room is for, so the workshop's own forms fold away under it."""

    template: str
    context: dict[str, Any] = field(default_factory=dict)
    instead: bool = False


def init_app(
    app: Flask,
    phone_panel: Callable[..., Panel | None] | None = None,
    projector_panel: Callable[..., Panel | None] | None = None,
) -> None:
    """Take the callables drawing an extra panel on guests' phones and on the projector."""
    app.extensions[_PHONE] = phone_panel
    app.extensions[_PROJECTOR] = projector_panel


def phone_panel(live, guest) -> Panel | None:
    """The extra panel of this guest's phone, if a higher layer gives one."""
    panel = current_app.extensions.get(_PHONE)
    return panel(live, guest) if panel else None


def projector_panel(live) -> Panel | None:
    """The extra panel of the room's projector, if a higher layer gives one."""
    panel = current_app.extensions.get(_PROJECTOR)
    return panel(live) if panel else None
