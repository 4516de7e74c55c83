"""The room holds: nobody outside a room learns that it exists, join codes cannot be guessed
at speed, nothing a guest types is lost, and the facilitator can undo ballot stuffing."""

import re

import pytest

from tests.conftest import text_of
from tests.integration import test_live as base
from tests.integration.test_live import count, join
from workshop.live.models import Entry

# The room of the live tests: a workspace, a running sprint, a started session, a phone.
team, sprint, room, guest_client = base.team, base.sprint, base.room, base.guest_client


def _body(response) -> str:
    """The page without what differs between any two answers (nonces, tokens)."""
    text = response.get_data(as_text=True)
    text = re.sub(r"hx-headers='[^']*'", "", text)
    return re.sub(r'(nonce|value|content)="[^"]*"', "", text)


# --- defect 5: polls and pages of a room answer its outsiders as if it did not exist ---------


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/"),
        ("get", "/changes?c=1&v=1&e=1&j=1"),
        ("get", "/changes?c=1&v=1&e=1&j=1&proxy=1"),
        ("get", "/changes?proxy=1"),
        ("get", "/changes"),
        ("get", "/?proxy=1"),
        ("post", "/points"),
        ("post", "/steps"),
        ("post", "/comments"),
        ("post", "/dots"),
        ("post", "/dots/remove"),
        ("post", "/points?proxy=1"),
    ],
)
def test_an_outsider_gets_the_same_404_for_a_room_that_exists_and_one_that_does_not(
    app, room, method, path, make_user, make_workspace
):
    outsiders = [app.test_client(), app.test_client()]
    # Someone logged in to another workspace is an outsider too.
    other = make_user()
    make_workspace(owner=other, name="Toinen")
    logged_in = outsiders[1].post(
        "/login", data={"email": other.email, "password": "correct horse battery"}
    )
    assert logged_in.status_code == 303
    for outsider in outsiders:
        real = getattr(outsider, method)(f"/live/{room.id}{path}")
        missing = getattr(outsider, method)(f"/live/{room.id + 1000}{path}")
        assert real.status_code == missing.status_code == 404
        assert "ETag" not in real.headers and "ETag" not in missing.headers
        assert _body(real) == _body(missing)
        assert "You have not joined this session" in text_of(real)
    assert count(Entry) == 0


def test_a_guest_and_a_member_of_the_workspace_still_poll_their_room(
    client, room, guest_client
):
    join(guest_client, room)
    query = "c=1&v=1&e=1&j=1"
    assert guest_client.get(f"/live/{room.id}/changes?{query}").status_code in (200, 304)
    assert guest_client.get(f"/live/{room.id}/").status_code == 200
