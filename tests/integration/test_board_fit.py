"""The board that fits: one markup for every screen, one actions link per card, no forms of
its own per card, a byte budget per step, and critical points reported from a card."""

from sqlalchemy import func, select

from tests.conftest import page, text_of
from workshop.critical_points import services as points
from workshop.critical_points.models import CriticalPoint, ReporterRole
from workshop.extensions import db
from workshop.journeys import services

HX = {"HX-Request": "true"}
# What one more step (scored for both perspectives, some with critical points) may add to the
# board's map, in bytes: its card, no forms (a card with its own forms took about 4,500).
BYTES_PER_STEP = 1000
# What a browser sends for the fields a person does not touch: the first option of each select.
UNTOUCHED = {"category": "", "organisation": "", "new_organisation": "", "reported_on": ""}


def url(journey, path=""):
    return f"/w/{journey.workspace_id}/journeys/{journey.id}/{path}"


def add_steps(team, journey, count: int, start: int = 0) -> list:
    board = services.load_board(journey)
    user = team["facilitator"]
    steps = []
    for n in range(start, start + count):
        stage, lane = board.stages[n % len(board.stages)], board.lanes[n % len(board.lanes)]
        steps.append(
            services.add_step(
                journey, user, stage.id, lane.id, f"Askel {n:03d}", "Kuvaus", None, n % 5 - 2, 1
            )
        )
    db.session.commit()
    return steps


def test_every_card_has_one_actions_link_and_the_board_no_form_of_its_own(
    client, team, journey, login
):
    login(team["participant"])
    board = page(client.get(url(journey)))
    cards = board.select("#board .step-card")
    assert len(cards) == len(services.load_board(journey).steps) > 0
    for card in cards:
        title = card.select_one(".step-card__title").get_text(strip=True)
        menus = card.select("a.step-card__menu")
        assert [m.get_text("", strip=True) for m in menus] == [f"⋯Actions: {title}"]
        assert menus[0]["href"].endswith("/edit")
        assert card.select("form, button") == []
    assert board.select("#board form[method=post]") == []
    # One table for laptops and phones alike, in no scroll box of its own.
    assert len(board.select("table.blueprint")) == 1
    assert board.select(".board-phone, .blueprint-scroll") == []
    # The one editor sits outside the board that polling replaces.
    assert (
        board.select("#board #step-editor") == [] and len(board.select("dialog#step-editor")) == 1
    )


def test_the_board_headings_go_down_one_level_at_a_time(client, team, journey, login):
    login(team["observer"])
    board = page(client.get(url(journey)))
    levels = [int(h.name[1]) for h in board.select("h1, h2, h3, h4, h5, h6")]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert board.select("#board .step-card h3") and not board.select("#board h4")


def test_observers_see_no_actions(client, team, journey, login):
    login(team["observer"])
    board = page(client.get(url(journey)))
    assert board.select(".step-card__menu, .step-card__point, .add-step, dialog") == []


def map_size(response) -> int:
    """The bytes of the board's map (the table), as sent."""
    html = response.get_data(as_text=True)
    start = html.index('<table class="blueprint')
    return len(html[start : html.index("</table>", start)].encode())


def test_each_step_adds_at_most_its_byte_budget_to_the_board(client, team, journey, login):
    login(team["participant"])
    add_steps(team, journey, 10)
    before = map_size(client.get(url(journey))), len(services.load_board(journey).steps)
    added = add_steps(team, journey, 60, start=10)
    for n, step in enumerate(added[:12]):
        points.report_point(
            team["workspace"],
            journey,
            team["facilitator"],
            points.NewPoint(
                step=step,
                title=f"Kohta {n}",
                severity=1 + n % 3,
                report=points.ReportData(ReporterRole.EMPLOYER, None, "", "", None),
            ),
        )
    db.session.commit()
    after = map_size(client.get(url(journey))), len(services.load_board(journey).steps)
    per_step = (after[0] - before[0]) / (after[1] - before[1])
    assert per_step <= BYTES_PER_STEP, f"{per_step:.0f} bytes per step"


def test_the_critical_point_form_without_javascript_is_a_page(client, team, journey, login):
    login(team["participant"])
    step = services.load_board(journey).steps[0]
    response = client.get(url(journey, f"steps/{step.id}/points/new"))
    assert response.status_code == 200
    form = page(response).select_one("form#point-form")
    assert form["action"].endswith(f"steps/{step.id}/points/new")
    assert (
        page(response)
        .select_one("h1")
        .get_text(" ", strip=True)
        .startswith("Report a critical point")
    )


def test_a_critical_point_from_the_card_is_reported_and_the_board_comes_back(
    client, team, journey, login
):
    login(team["participant"])
    step = services.load_board(journey).steps[0]
    path = url(journey, f"steps/{step.id}/points/new")
    data = {"title": "Lomake puuttuu", "severity": "3", "role": "employer", **UNTOUCHED}
    response = client.post(path, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{url(journey)}#step-{step.id}")
    point = db.session.scalar(select(CriticalPoint).where(CriticalPoint.step_id == step.id))
    assert (point.title, point.severity, len(point.reports)) == ("Lomake puuttuu", 3, 1)
    after = client.get(response.headers["Location"])
    assert "Critical point “Lomake puuttuu” reported." in text_of(after)
    board = page(after)
    badge = board.select_one(f"#step-{step.id} .badge--point")
    assert "1 critical point" in badge.get_text(" ", strip=True)


def test_with_htmx_the_board_comes_back_with_the_message(client, team, journey, login):
    login(team["participant"])
    step = services.load_board(journey).steps[0]
    path = url(journey, f"steps/{step.id}/points/new")
    data = {"title": "Liian vähän aikaa", "severity": "2", "role": "employer", **UNTOUCHED}
    response = client.post(path, data=data, headers=HX, follow_redirects=True)
    assert response.status_code == 200
    board = page(response)
    assert "<html" not in response.text
    assert board.select_one("section#board")
    assert (
        "Critical point “Liian vähän aikaa” reported."
        in board.select_one(".board__messages").get_text()
    )
    # Shown once: the next page does not repeat it.
    assert "Liian vähän aikaa” reported" not in text_of(client.get(url(journey)))


def test_a_critical_point_without_severity_stays_in_the_editor_and_changes_nothing(
    client, team, journey, login
):
    login(team["participant"])
    step = services.load_board(journey).steps[0]
    path = url(journey, f"steps/{step.id}/points/new")
    response = client.post(path, data={"title": "", "role": "employer", **UNTOUCHED}, headers=HX)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#step-editor-body"
    errors = [e.get_text(strip=True) for e in page(response).select(".field__errors li")]
    assert errors == ["This field is required.", "This field is required."]
    assert db.session.scalar(select(func.count(CriticalPoint.id))) == 0


def test_observers_cannot_report_from_the_board(client, team, journey, login):
    login(team["observer"])
    step = services.load_board(journey).steps[0]
    path = url(journey, f"steps/{step.id}/points/new")
    assert client.get(path).status_code == 403
    data = {"title": "Ei", "severity": "1", "role": "employer"}
    assert client.post(path, data=data).status_code == 403
    assert db.session.scalar(select(func.count(CriticalPoint.id))) == 0


def test_the_step_page_without_javascript_moves_and_deletes(client, team, journey, login):
    login(team["participant"])
    step = services.load_board(journey).steps[0]
    edit = page(client.get(url(journey, f"steps/{step.id}/edit")))
    directions = [b["value"] for b in edit.select(".move-form button[name=direction]")]
    assert directions == ["up", "down", "left", "right"]
    delete = edit.select_one(f"form[action$='steps/{step.id}/delete']")
    assert client.post(delete["action"]).status_code == 303
    assert db.session.get(type(step), step.id).deleted_at is not None
