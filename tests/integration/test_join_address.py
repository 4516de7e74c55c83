"""The join address and QR code on the console and the projector are ones a phone can open."""

import re

import pytest
import segno

from tests.conftest import PASSWORD, page
from tests.integration.test_live import console_url
from tests.integration.test_live import room as room  # noqa: F401 (fixtures)
from tests.integration.test_live import sprint as sprint  # noqa: F401
from tests.integration.test_live import team as team  # noqa: F401
from workshop import addresses, create_app
from workshop.config import ConfigError

# `flask run --host 0.0.0.0`: werkzeug's server puts the address it listens on in SERVER_NAME;
# the browser names the address it asked in Host.
ON_ALL_INTERFACES = {"SERVER_NAME": "0.0.0.0"}
ON_LOOPBACK = {"SERVER_NAME": "127.0.0.1"}
LAPTOP = "http://127.0.0.1:5000"


def asked(base_url: str, server: dict | None = None) -> dict:
    """A request to base_url (the test client's cookies stay on its own host)."""
    host = base_url.split("://", 1)[1]
    return {"environ_overrides": {"HTTP_HOST": host, **(server or {})}}


@pytest.fixture(autouse=True)
def lan(monkeypatch):
    monkeypatch.setattr(addresses, "lan_address", lambda: "192.168.1.23")


def qr_path(url: str) -> str:
    """The QR code's drawing, as the console draws it, for an address."""
    svg = segno.make(url, error="m").svg_inline(scale=6, svgclass="qr", omitsize=True)
    return re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)


def join_addresses(client, team, sprint, room, **request):
    """The console's join link, its QR code, and the projector's "join at" text."""
    # Cookies belong to a host: log in again on the host asked.
    credentials = {"email": team["facilitator"].email, "password": PASSWORD}
    assert client.post("/login", data=credentials, **request).status_code in (302, 303)
    console = page(client.get(console_url(team, sprint), **request))
    projector = page(client.get(f"{console_url(team, sprint)}{room.id}/projector", **request))
    link = console.select_one(".copy-field a")["href"]
    assert console.select_one(".copy-field a").get_text() == link
    assert console.select_one("figure.qr-figure path.qrline")["d"] == qr_path(link)
    assert projector.select_one("figure.qr-figure path.qrline")["d"] == qr_path(link)
    return link, projector.select_one(".join-code__label").get_text()


def test_a_laptop_serving_on_every_interface_shows_phones_its_network_address(
    client, team, sprint, room
):
    link, join_at = join_addresses(client, team, sprint, room, **asked(LAPTOP, ON_ALL_INTERFACES))
    assert link == f"http://192.168.1.23:5000/j/{room.join_code}"
    assert join_at == "Join at http://192.168.1.23:5000/j/ with the code"


def test_localhost_is_replaced_as_well(client, team, sprint, room):
    link, _ = join_addresses(
        client,
        team,
        sprint,
        room,
        **asked("http://localhost:5000", ON_ALL_INTERFACES),
    )
    assert link == f"http://192.168.1.23:5000/j/{room.join_code}"


def test_an_address_phones_already_reach_is_kept(client, team, sprint, room):
    link, join_at = join_addresses(
        client,
        team,
        sprint,
        room,
        **asked("http://10.1.2.3:5000", ON_ALL_INTERFACES),
    )
    assert link == f"http://10.1.2.3:5000/j/{room.join_code}"
    assert join_at == "Join at http://10.1.2.3:5000/j/ with the code"


def test_a_laptop_serving_on_loopback_alone_keeps_its_address_and_says_so(
    client, team, sprint, room
):
    link, _ = join_addresses(client, team, sprint, room, **asked(LAPTOP, ON_LOOPBACK))
    assert link == f"{LAPTOP}/j/{room.join_code}"
    console = page(client.get(console_url(team, sprint), **asked(LAPTOP, ON_LOOPBACK)))
    hint = console.select_one(".console__join .notice").get_text()
    assert "Only this computer can open this address" in hint and "HOST=0.0.0.0" in hint


def test_an_address_phones_can_open_needs_no_hint(client, team, sprint, room):
    for request in [asked(LAPTOP, ON_ALL_INTERFACES), asked("http://10.1.2.3:5000")]:
        join_addresses(client, team, sprint, room, **request)
        console = page(client.get(console_url(team, sprint), **request))
        assert "Only this computer" not in console.select_one(".console__join").get_text()


def test_a_configured_public_url_is_the_join_address(app, client, team, sprint, room):
    app.config["PUBLIC_URL"] = "https://polku.koulu.fi/"
    for request in [
        asked(LAPTOP, ON_ALL_INTERFACES),
        asked("http://10.1.2.3:8000"),
        {},
    ]:
        link, join_at = join_addresses(client, team, sprint, room, **request)
        assert link == f"https://polku.koulu.fi/j/{room.join_code}"
        assert join_at == "Join at https://polku.koulu.fi/j/ with the code"


def test_the_public_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("POLKU_PUBLIC_URL", "https://polku.koulu.fi")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/env.sqlite")
    assert create_app().config["PUBLIC_URL"] == "https://polku.koulu.fi"
    monkeypatch.setenv("POLKU_PUBLIC_URL", "polku.koulu.fi")
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        create_app()


def test_make_run_prints_the_join_address_a_phone_can_open(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    runner = app.test_cli_runner()

    on_network = runner.invoke(args=["demo", "--host", "0.0.0.0", "--port", "5000"])
    assert on_network.exit_code == 0, on_network.output
    code = re.search(r"\(code (\w{6})\)", on_network.output).group(1)
    assert f"phones join at http://192.168.1.23:5000/j/{code} " in on_network.output
    assert "Only this computer" not in on_network.output

    on_loopback = runner.invoke(args=["demo", "--host", "127.0.0.1", "--port", "5001"])
    assert f"phones join at http://127.0.0.1:5001/j/{code} " in on_loopback.output
    assert "make run HOST=0.0.0.0" in on_loopback.output

    app.config["PUBLIC_URL"] = "https://polku.koulu.fi"
    public = runner.invoke(args=["demo", "--host", "127.0.0.1"])
    assert f"phones join at https://polku.koulu.fi/j/{code} " in public.output
    assert "Only this computer" not in public.output


def test_share_and_invitation_links_use_the_address_others_can_open(app, client, team, sprint):
    """A facilitator on the laptop itself hands partners a link that works away from it."""
    credentials = {"email": team["facilitator"].email, "password": PASSWORD}
    request = asked(LAPTOP, ON_ALL_INTERFACES)
    assert client.post("/login", data=credentials, **request).status_code in (302, 303)
    workspace_id = sprint.workspace_id

    def made_links() -> tuple[str, str]:
        shared = client.post(
            f"/w/{workspace_id}/sprints/{sprint.id}/share", data={"label": "Kumppanit"}, **request
        )
        share_link = page(client.get(shared.headers["Location"], **request)).select_one(
            "#new-share-link"
        )["value"]
        invited = client.post(
            f"/w/{workspace_id}/invitations", data={"role": "observer"}, **request
        )
        invitation_link = page(client.get(invited.headers["Location"], **request)).select_one(
            "#new-invitation-link"
        )["value"]
        return share_link, invitation_link

    share_link, invitation_link = made_links()
    assert share_link.startswith("http://192.168.1.23:5000/shared/")
    assert invitation_link.startswith("http://192.168.1.23:5000/invite/")
    app.config["PUBLIC_URL"] = "https://polku.koulu.fi"
    share_link, invitation_link = made_links()
    assert share_link.startswith("https://polku.koulu.fi/shared/")
    assert invitation_link.startswith("https://polku.koulu.fi/invite/")
