"""The join address a phone can open: public URL, the request's host, or the network address."""

import socket

import pytest

from workshop import addresses
from workshop.addresses import check_public_url, is_loopback, room_root


@pytest.fixture
def lan(monkeypatch):
    """This machine is 192.168.1.23 on its network."""
    monkeypatch.setattr(addresses, "lan_address", lambda: "192.168.1.23")


@pytest.mark.parametrize(
    ("host", "port", "listen", "expected"),
    [
        # Asked at 127.0.0.1 or localhost, served on every interface: the network address.
        ("127.0.0.1", 5000, "0.0.0.0", "http://192.168.1.23:5000"),
        ("localhost", 5000, "0.0.0.0", "http://192.168.1.23:5000"),
        ("::1", 5000, "::", "http://192.168.1.23:5000"),
        ("0.0.0.0", 5000, "0.0.0.0", "http://192.168.1.23:5000"),
        # Asked at an address phones can already use: that address.
        ("192.168.1.23", 5000, "0.0.0.0", "http://192.168.1.23:5000"),
        ("polku.koulu.fi", None, "0.0.0.0", "http://polku.koulu.fi"),
        ("10.0.0.7", 8000, "10.0.0.7", "http://10.0.0.7:8000"),
        # Served on one network address but asked through the loopback name: that address.
        ("localhost", 8000, "10.0.0.7", "http://10.0.0.7:8000"),
        # Served on loopback alone: no phone can reach it, and no other address would work.
        ("127.0.0.1", 5000, "127.0.0.1", "http://127.0.0.1:5000"),
        ("localhost", 5000, None, "http://localhost:5000"),
    ],
)
def test_the_join_root_is_an_address_the_server_is_reachable_at(lan, host, port, listen, expected):
    assert room_root("http", host, port, listen, None) == expected


def test_a_configured_public_url_wins_over_every_host(lan):
    for host, listen in [("127.0.0.1", "0.0.0.0"), ("10.0.0.7", "10.0.0.7"), ("x", None)]:
        assert (
            room_root("http", host, 5000, listen, "https://polku.koulu.fi/")
            == "https://polku.koulu.fi"
        )


def test_without_a_network_the_loopback_address_stays(monkeypatch):
    monkeypatch.setattr(addresses, "lan_address", lambda: None)
    assert room_root("http", "127.0.0.1", 5000, "0.0.0.0", None) == "http://127.0.0.1:5000"
    assert room_root("http", "0.0.0.0", 5000, "0.0.0.0", None) == "http://127.0.0.1:5000"


def test_an_ipv6_address_is_bracketed(monkeypatch):
    monkeypatch.setattr(addresses, "lan_address", lambda: None)
    assert room_root("http", "fd00::5", 5000, "::", None) == "http://[fd00::5]:5000"


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("app.localhost", True),
        ("[::1]", True),
        ("192.168.1.23", False),
        ("polku.test", False),
        ("0.0.0.0", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert is_loopback(host) is loopback


class FakeSocket:
    """Records what the probe does; sending anything would be a fault."""

    calls: list = []

    def __init__(self, family, kind, address="192.168.1.23"):
        assert (family, kind) == (socket.AF_INET, socket.SOCK_DGRAM)
        self.address = address

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def connect(self, target):
        FakeSocket.calls.append(("connect", target))

    def getsockname(self):
        return (self.address, 40000)

    def send(self, *args):
        raise AssertionError("the probe must not send")

    sendto = send


def test_the_network_address_comes_from_the_route_without_sending(monkeypatch):
    FakeSocket.calls = []
    monkeypatch.setattr(addresses.socket, "socket", FakeSocket)
    assert addresses.lan_address() == "192.168.1.23"
    assert FakeSocket.calls == [("connect", addresses.PROBE)]


@pytest.mark.parametrize("route", ["127.0.0.1", "0.0.0.0"])
def test_a_machine_with_only_loopback_has_no_network_address(monkeypatch, route):
    monkeypatch.setattr(addresses.socket, "socket", lambda f, k: FakeSocket(f, k, route))
    assert addresses.lan_address() is None


def test_no_route_means_no_network_address(monkeypatch):
    class Unreachable(FakeSocket):
        def connect(self, target):
            raise OSError(101, "Network is unreachable")

    monkeypatch.setattr(addresses.socket, "socket", Unreachable)
    assert addresses.lan_address() is None


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        (None, True),
        ("", True),
        ("https://polku.koulu.fi", True),
        ("http://192.168.1.23:5000/", True),
        ("polku.koulu.fi", False),
        ("ftp://polku.koulu.fi", False),
        ("https://polku.koulu.fi/polku", False),
        ("https://polku.koulu.fi/?a=1", False),
    ],
)
def test_a_public_url_is_a_plain_server_address(url, ok):
    assert (check_public_url(url) is None) is ok
