"""The phone in the room: the next action first (the vote while it is open, otherwise the
report), and the answer to a dot or a report where the thumb is, with and without htmx."""

from sqlalchemy import select

from tests.conftest import page
from tests.integration import test_live as live_tests
from tests.integration.test_live import control, join, steps
from workshop.critical_points.models import CriticalPoint
from workshop.extensions import db

# The live tests' room: a facilitator has started a session; a phone with cookies of its own.
team, sprint, room, guest_client = (
    live_tests.team,
    live_tests.sprint,
    live_tests.room,
    live_tests.guest_client,
)

HX = {"HX-Request": "true"}


def send_point(guest_client, live, step, text="Sopimus tulee liian myöhään", headers=None):
    data = {"point-step": step.id, "point-text": text, "point-severity": 3}
    return guest_client.post(f"/live/{live.id}/points", data=data, headers=headers)


def dot(guest_client, live, point, key=None, remove=False, headers=None):
    url = f"/live/{live.id}/dots" + ("/remove" if remove else "")
    data = {"point": point.id} | ({"submission_key": key} if key else {})
    return guest_client.post(url, data=data, headers=headers)


def order_on_phone(guest_client, live) -> list[str]:
    """The ids of the phone's two main blocks, in the page's order."""
    html = page(guest_client.get(f"/live/{live.id}/"))
    return [block["id"] for block in html.select("#live-actions > div")]


def test_reporting_comes_first_while_voting_is_closed_and_voting_while_it_is_open(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    assert order_on_phone(guest_client, room) == ["live-report", "live-vote"]
    control(client, team, sprint, room, "voting", action="open", budget=3)
    assert order_on_phone(guest_client, room) == ["live-vote", "live-report"]
    control(client, team, sprint, room, "voting", action="close", budget=3)
    assert order_on_phone(guest_client, room) == ["live-report", "live-vote"]


def test_the_thanks_for_a_report_is_under_its_send_button_without_javascript(room, guest_client):
    join(guest_client, room)
    sent = send_point(guest_client, room, steps(room)[0])
    assert sent.status_code == 303
    assert sent.headers["Location"].endswith("#point-said")
    html = page(guest_client.get(sent.headers["Location"]))
    said = html.select_one("#point-said")
    assert said["role"] == "status"
    assert said.get_text() == "Thank you: the critical point is on the journey."
    # Right after the form, not in the flashes at the top of the page.
    assert said.find_previous_sibling("form")["id"] == "point-form"
    assert html.select_one(".flashes") is None
    # Said once: a reload no longer thanks.
    again = page(guest_client.get(f"/live/{room.id}/"))
    assert again.select_one("#point-said").get_text() == ""


def test_the_thanks_for_a_report_with_htmx_fills_the_status_under_the_form(room, guest_client):
    join(guest_client, room)
    sent = send_point(guest_client, room, steps(room)[0], headers=HX)
    html = page(sent)
    assert html.select_one("#point-form") is not None
    said = html.select_one('#point-said[data-hx-swap-oob="innerHTML"]')
    assert said.get_text() == "Thank you: the critical point is on the journey."
    refused = send_point(guest_client, room, steps(room)[0], text="", headers=HX)
    assert refused.status_code == 422
    # The old thanks goes; the field says what is missing.
    assert page(refused).select_one("#point-said").get_text() == ""


def test_a_dot_without_javascript_leads_back_to_its_point_with_the_answer_in_the_bar(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0])
    control(client, team, sprint, room, "voting", action="open", budget=3)
    point = db.session.scalar(select(CriticalPoint))
    voted = dot(guest_client, room, point)
    assert voted.status_code == 303
    assert voted.headers["Location"].endswith(f"#vote-{point.id}")
    html = page(guest_client.get(voted.headers["Location"]))
    assert html.select_one(f"#vote-{point.id}") is not None
    assert html.select_one("#live-said").get_text() == "Dot added. 2 dots left."
    assert "You have 2 dots left" in html.select_one("#live-budget").get_text()
    assert html.select_one(".flashes") is None

    taken = dot(guest_client, room, point, remove=True)
    assert taken.headers["Location"].endswith("#live-said")
    html = page(guest_client.get(taken.headers["Location"]))
    assert html.select_one("#live-said").get_text() == "Dot taken back. 3 dots left."


def test_a_dot_with_htmx_answers_in_the_status_that_stays_in_the_page(
    client, team, sprint, room, guest_client
):
    join(guest_client, room)
    send_point(guest_client, room, steps(room)[0])
    control(client, team, sprint, room, "voting", action="open", budget=1)
    point = db.session.scalar(select(CriticalPoint))
    html = page(dot(guest_client, room, point, headers=HX))
    assert html.select_one('#live-said[data-hx-swap-oob="innerHTML"]').get_text() == (
        "Dot added. 0 dots left."
    )
    refused = dot(guest_client, room, point, key="another-key", headers=HX)
    assert refused.status_code == 409
    assert "You have used all your dots" in page(refused).select_one("#live-said").get_text()
    phone = page(guest_client.get(f"/live/{room.id}/"))
    # The page's status region is the one the answers fill.
    assert phone.select_one("#live-said")["role"] == "status"


def test_an_address_in_an_entry_reads_decoded_and_links_as_typed(room, guest_client):
    join(guest_client, room)
    address = "https://www.example.fi/ty%C3%B6paikka?h=%C3%A4"
    guest_client.post(f"/live/{room.id}/comments", data={"comment-text": f"Katso {address}"})
    html = page(guest_client.get(f"/live/{room.id}/"))
    link = html.select_one(f'#live-entries .entry__text a[href="{address}"]')
    assert link.get_text() == "https://www.example.fi/työpaikka?h=ä"
