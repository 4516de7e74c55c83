"""Text goes out compressed to a browser that accepts it; what is compressed already (PDFs) does
not, and the polls' empty 304s stay empty 304s."""

import gzip
import re

import brotli
import pytest

from tests.conftest import ROOT
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey
from workshop.live import services as live_services
from workshop.sprints import services as sprints

GZIP = {"Accept-Encoding": "gzip"}
HX = {"HX-Request": "true"}


def board_url(journey) -> str:
    return f"/w/{journey.workspace_id}/journeys/{journey.id}/"


def version_of(journey) -> int:
    return db.session.get(Journey, journey.id).version


def varies_on_encoding(response) -> bool:
    return "accept-encoding" in {v.strip().lower() for v in response.headers["Vary"].split(",")}


def test_the_board_comes_gzipped_smaller_and_decodes_to_the_same_page(client, login, team, journey):
    login(team["facilitator"])
    plain = client.get(board_url(journey))
    packed = client.get(board_url(journey), headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 4
    # The same page but for the one-time values each rendering draws (CSRF tokens).
    assert _without_tokens(gzip.decompress(packed.data)) == _without_tokens(plain.data)
    assert varies_on_encoding(packed) and varies_on_encoding(plain)


def _without_tokens(html: bytes) -> str:
    # A CSRF token: payload, timestamp and signature (itsdangerous); it changes every second.
    return re.sub(r'"[\w-]+\.[\w-]{6}\.[\w-]{27}"', '"token"', html.decode())


def test_a_browser_asking_for_brotli_gets_brotli(client, login, team, journey):
    login(team["facilitator"])
    response = client.get(board_url(journey), headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert brotli.decompress(response.data).decode().lstrip().lower().startswith("<!doctype")


def test_the_board_poll_stays_an_empty_304_and_its_etag_works_compressed(
    client, login, team, journey
):
    login(team["facilitator"])
    poll = f"/w/{journey.workspace_id}/journeys/{journey.id}/changes?since="
    unchanged = client.get(poll + str(version_of(journey)), headers=GZIP | HX)
    assert unchanged.status_code == 304 and unchanged.data == b""
    assert "Content-Encoding" not in unchanged.headers
    before = version_of(journey)
    board = journeys.load_board(journey)
    journeys.add_step(journey, team["facilitator"], board.stages[0].id, board.lanes[0].id, "Uusi")
    db.session.commit()
    changed = client.get(poll + str(before), headers=GZIP | HX)
    assert changed.status_code == 200 and changed.headers["Content-Encoding"] == "gzip"
    assert "Uusi" in gzip.decompress(changed.data).decode()
    # A client that keeps the compressed answer's ETag hears "unchanged" until the next change.
    again = client.get(poll + "0", headers=GZIP | HX | {"If-None-Match": changed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_the_live_poll_stays_an_empty_304(client, login, team, journey, app):
    login(team["facilitator"])
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData("Työpaja", "", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    live = live_services.start_session(sprint, journey, team["facilitator"], hours=2)
    db.session.commit()
    phone = app.test_client()
    joined = phone.post(f"/j/{live.join_code}", data={"display_name": "Eija", "role": "employer"})
    assert joined.status_code == 303
    known = live_services.poll_state(live.id).as_args()
    unchanged = phone.get(f"/live/{live.id}/changes", query_string=known, headers=GZIP | HX)
    assert unchanged.status_code == 304 and unchanged.data == b""
    page = phone.get(f"/live/{live.id}/", headers=GZIP)
    assert page.headers["Content-Encoding"] == "gzip"
    assert "Eija" in gzip.decompress(page.data).decode()


@pytest.mark.parametrize("name", ["css/polku.css", "js/polku.js"])
def test_static_text_files_come_compressed_and_revalidate(client, name):
    original = (ROOT / "static" / name).read_bytes()
    with client.get(f"/static/{name}", headers=GZIP) as response:
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.data) == original
        assert varies_on_encoding(response)
        etag = response.headers["ETag"]
    with client.get(f"/static/{name}", headers=GZIP | {"If-None-Match": etag}) as cached:
        assert cached.status_code == 304 and cached.data == b""


def test_a_pdf_is_sent_as_it_is(client, login, team, journey):
    login(team["facilitator"])
    sprint = sprints.create_sprint(
        team["workspace"],
        team["facilitator"],
        sprints.SprintData("Työpaja", "", None, None, ["Ymmärrä"], [journey.id]),
    )
    db.session.commit()
    response = client.get(
        f"/w/{team['workspace'].id}/sprints/{sprint.id}/summary.pdf?lang=en",
        headers={"Accept-Encoding": "gzip, br, zstd"},
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Content-Encoding" not in response.headers
    assert response.data.startswith(b"%PDF-")
