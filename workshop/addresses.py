"""The address phones in the room can open: a configured public URL, or this machine on its network."""

import ipaddress
import socket
from urllib.parse import urlsplit

from flask import current_app, request, url_for

# Addresses a server listens on when it listens on every interface.
ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]"})
# Any address outside this machine will do: connecting a UDP socket only picks the route
# (and so the local address it would leave from); it sends nothing.
PROBE = ("10.254.254.254", 9)


def lan_address() -> str | None:
    """This machine's IPv4 address on its network, or None when it has none but loopback."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(PROBE)
            address = probe.getsockname()[0]
    except OSError:
        return None
    ip = ipaddress.ip_address(address)
    return None if ip.is_loopback or ip.is_unspecified else address


def is_loopback(host: str) -> bool:
    """Whether a host name or address reaches only this machine (localhost, 127.0.0.1, ::1)."""
    name = host.strip("[]").lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _netloc(host: str, port: int | str | None) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host if port in (None, "") else f"{host}:{port}"


def room_root(
    scheme: str, host: str, port: int | str | None, listen: str | None, public_url: str | None
) -> str:
    """The root URL for phones: the public URL if one is set; else the host asked for, except
    that a loopback one becomes the address the server is reachable at on the network."""
    if public_url:
        return public_url.rstrip("/")
    if is_loopback(host) or host in ALL_INTERFACES:
        if listen in ALL_INTERFACES:
            host = lan_address() or ("127.0.0.1" if host in ALL_INTERFACES else host)
        elif listen and not is_loopback(listen):
            host = listen
        elif host in ALL_INTERFACES:
            host = "127.0.0.1"
    return f"{scheme}://{_netloc(host, port)}"


def request_root() -> str:
    """room_root() for the current request; werkzeug's server names its listening address in
    SERVER_NAME, so `flask run --host 0.0.0.0` shows up there as 0.0.0.0."""
    parts = urlsplit(f"//{request.host}")
    return room_root(
        request.scheme,
        parts.hostname or "",
        parts.port,
        request.environ.get("SERVER_NAME"),
        current_app.config.get("PUBLIC_URL"),
    )


def external_url(endpoint: str, **values) -> str:
    """A full address of this app to hand to someone elsewhere (a phone, a partner): on
    request_root(), not on the loopback address the facilitator happens to use."""
    return request_root() + url_for(endpoint, **values)


def check_public_url(url: str | None) -> str | None:
    """The problem with a configured PUBLIC_URL, if any."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"PUBLIC_URL must be an http:// or https:// address, not {url!r}"
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return f"PUBLIC_URL is the server's address alone, without a path: not {url!r}"
    return None
