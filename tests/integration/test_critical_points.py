"""Critical points over HTTP: suggestions, reports, merging, votes, the board's badges and
heat, the list and its CSV, insights, categories, and input that must be refused."""

import csv
import io
import uuid

import pytest
from sqlalchemy import func, select

from tests.conftest import ROOT, page, text_of
from workshop.accounts import services as accounts
from workshop.accounts.models import Organisation, OrganisationKind
from workshop.critical_points import services as points
from workshop.critical_points.models import Category, CriticalPoint, Report, ReporterRole, Vote
from workshop.extensions import db
from workshop.journey_templates.loader import load_template
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey, JourneyKind, Step, StepSuggestion


def template_journey(workspace, user, name="Oppisopimus"):
    journey = journeys.create_journey(
        workspace,
        user,
        name,
        JourneyKind.APPRENTICESHIP,
        "en",
        template=load_template(ROOT / "journeys" / "apprenticeship.toml"),
    )
    db.session.commit()
    return journey


def url(journey, path=""):
    return f"/w/{journey.workspace_id}/journeys/{journey.id}/{path}"


def step_of(journey, key: str) -> Step:
    return db.session.scalar(
        select(Step).where(Step.journey_id == journey.id, Step.key == f"apprenticeship.{key}")
    )


def folded(text: str) -> str:
    return " ".join(text.split())


def point_count() -> int:
    return db.session.scalar(select(func.count(CriticalPoint.id)))


def report_form(**overrides) -> dict:
    """What the report form sends, with a fresh submission key unless given."""
    data = {
        "title": "Kukaan ei vastaa",
        "description": "",
        "severity": "2",
        "category": "",
        "role": "employer",
        "organisation": "",
        "new_organisation": "",
        "quote": "",
        "source": "",
        "reported_on": "",
        "submission_key": uuid.uuid4().hex,
    }
    data.update(overrides)
    return data


def post_report(client, journey, step, **overrides):
    return client.post(url(journey, f"steps/{step.id}/points"), data=report_form(**overrides))


def make_point(journey, user, key="assess_workplace", title="Piste", severity=2, role="employer"):
    """A point made through the services, committed, for tests about what comes after."""
    point = points.report_point(
        journey.workspace,
        journey,
        user,
        points.NewPoint(
            step=step_of(journey, key),
            title=title,
            severity=severity,
            report=points.ReportData(role=ReporterRole(role)),
        ),
    )
    db.session.commit()
    return point


def point_by_title(title: str) -> CriticalPoint:
    return db.session.scalar(select(CriticalPoint).where(CriticalPoint.title == title))


def card(board, step):
    return board.select_one(f"table.blueprint #step-{step.id}")


# --- (1) template suggestions ------------------------------------------------------------------


def test_confirmed_suggestions_become_points_and_a_board_badge(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "contact_provider")
    suggestions = points.open_suggestions(step)
    assert len(suggestions) == 4
    first, second, third = suggestions[:3]
    back = url(journey, f"steps/{step.id}/points")
    for suggestion in (first, second):
        response = client.post(
            url(journey, f"suggestions/{suggestion.id}/confirm"), data={"severity": "2"}
        )
        assert response.status_code == 303
        assert response.headers["Location"].endswith(back)

    step_page = client.get(back)
    assert step_page.status_code == 200
    assert "The suggestion is now a critical point." in text_of(step_page)
    listed = [
        folded(a.get_text()) for a in page(step_page).select(".point-list .point-row__title a")
    ]
    assert sorted(listed) == sorted(
        folded(p.title) for p in db.session.scalars(select(CriticalPoint))
    )
    assert len(listed) == 2
    assert folded(first.text)[:60] in " ".join(listed)
    assert folded(second.text)[:60] in " ".join(listed)

    board = page(client.get(url(journey)))
    badge = card(board, step).select_one(".badge--point")
    assert "2 critical points" in folded(badge.get_text())
    assert "2 suggested critical points" in folded(card(board, step).get_text())

    response = client.post(url(journey, f"suggestions/{third.id}/dismiss"), data={"severity": "2"})
    assert response.status_code == 303
    step_page = client.get(back)
    assert "Suggestion dismissed." in text_of(step_page)
    waiting = folded(page(step_page).select_one(".suggestion-list").get_text())
    assert folded(third.text) not in waiting
    assert folded(suggestions[3].text) in waiting
    assert point_count() == 2
    assert "1 suggested critical point" in folded(
        card(page(client.get(url(journey))), step).get_text()
    )


def test_a_handled_suggestion_is_not_handled_twice(client, team, journey, login):
    login(team["participant"])
    suggestion = points.open_suggestions(step_of(journey, "contact_provider"))[0]
    path = url(journey, f"suggestions/{suggestion.id}/confirm")
    assert client.post(path, data={"severity": "3"}).status_code == 303
    again = client.post(path, data={"severity": "3"}, follow_redirects=True)
    assert "Someone handled that suggestion already." in text_of(again)
    assert point_count() == 1


def test_observer_cannot_handle_suggestions(client, team, journey, login):
    login(team["observer"])
    suggestion = points.open_suggestions(step_of(journey, "contact_provider"))[0]
    for action in ("confirm", "dismiss"):
        response = client.post(
            url(journey, f"suggestions/{suggestion.id}/{action}"), data={"severity": "2"}
        )
        assert response.status_code == 403
    assert db.session.get(StepSuggestion, suggestion.id).handled_at is None
    assert point_count() == 0


# --- (2)–(4) reporting -------------------------------------------------------------------------


def test_report_as_employer_with_a_new_organisation(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    response = post_report(
        client,
        journey,
        step,
        title="Ohjaajaa ei ole nimetty",
        severity="3",
        category="key:instructor_support",
        role="employer",
        new_organisation="Rakennus Oy",
        quote="Kukaan ei kertonut meille.",
        source="työpaja 12.3.",
        reported_on="2026-03-12",
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith(url(journey, f"steps/{step.id}/points"))

    organisation = db.session.scalar(select(Organisation).where(Organisation.name == "Rakennus Oy"))
    assert organisation is not None
    assert organisation.workspace_id == team["workspace"].id
    assert organisation.kind == OrganisationKind.EMPLOYER
    assert "Rakennus Oy" in [o.name for o in accounts.organisations_of(team["workspace"])]

    point = point_by_title("Ohjaajaa ei ole nimetty")
    assert point.step_id == step.id and point.severity == 3
    assert point.category.key == "instructor_support"
    step_page = client.get(response.headers["Location"])
    assert "Critical point “Ohjaajaa ei ole nimetty” reported." in text_of(step_page)

    shown = text_of(client.get(url(journey, f"points/{point.id}")))
    assert "reported by 1 organisation (employers: 1)" in shown
    assert "Kukaan ei kertonut meille." in shown
    reports = page(client.get(url(journey, f"points/{point.id}"))).select(".report-list li")
    assert [folded(r.select_one("p").get_text()) for r in reports] == [
        "Employer, Rakennus Oy – työpaja 12.3. Mar 12, 2026"
    ]
    assert "Support for the workplace instructor" in shown


def test_a_double_submission_saves_one_point(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    form = report_form(title="Kaksoisklikkaus", new_organisation="Kauppa Oy")
    first = client.post(url(journey, f"steps/{step.id}/points"), data=form)
    second = client.post(url(journey, f"steps/{step.id}/points"), data=form)
    assert (first.status_code, second.status_code) == (303, 303)
    assert point_count() == 1
    assert db.session.scalar(select(func.count(Report.id))) == 1
    assert db.session.scalar(select(func.count(Organisation.id))) == 1
    listing = page(client.get(url(journey, f"steps/{step.id}/points")))
    assert len(listing.select(".point-list .point-row")) == 1


def test_a_second_report_from_another_organisation(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    post_report(client, journey, step, title="Sama ongelma", new_organisation="Rakennus Oy")
    point = point_by_title("Sama ongelma")
    response = client.post(
        url(journey, f"points/{point.id}/reports"),
        data={
            "role": "teacher",
            "organisation": "",
            "new_organisation": "Ammattiopisto",
            "quote": "Sama täällä.",
            "source": "",
            "reported_on": "",
        },
    )
    assert response.status_code == 303
    shown = text_of(client.get(response.headers["Location"]))
    assert "Report added." in shown
    assert "reported by 2 organisations (employers: 1)" in shown
    reports = page(client.get(response.headers["Location"])).select(".report-list li p")
    assert [folded(r.get_text()) for r in reports][1] == "Teacher, Ammattiopisto"
    school = db.session.scalar(select(Organisation).where(Organisation.name == "Ammattiopisto"))
    assert school.kind == OrganisationKind.OTHER
    # Choosing an existing organisation from the list counts it once.
    again = client.post(
        url(journey, f"points/{point.id}/reports"),
        data={"role": "employer", "organisation": str(school.id), "new_organisation": ""},
    )
    assert again.status_code == 303
    assert "reported by 2 organisations" in text_of(client.get(again.headers["Location"]))
    assert len(db.session.get(CriticalPoint, point.id).reports) == 3


# --- (5) merging -------------------------------------------------------------------------------


def test_merge_keeps_every_report_on_one_point(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    post_report(client, journey, step, title="Yksi", role="employer", new_organisation="A Oy")
    post_report(client, journey, step, title="Toinen", role="teacher", new_organisation="B Oy")
    keep, other = point_by_title("Yksi"), point_by_title("Toinen")
    other_id = other.id
    form = page(client.get(url(journey, f"points/{keep.id}")))
    offered = [o["value"] for o in form.select("select[name=other] option")]
    assert str(other_id) in offered and str(keep.id) not in offered

    response = client.post(url(journey, f"points/{keep.id}/merge"), data={"other": other_id})
    assert response.status_code == 303
    shown = client.get(response.headers["Location"])
    assert "Merged: every report is kept here." in text_of(shown)
    assert "reported by 2 organisations" in text_of(shown)
    assert point_count() == 1 and db.session.get(CriticalPoint, other_id) is None
    reports = db.session.scalars(select(Report).where(Report.point_id == keep.id)).all()
    assert sorted(r.reporter_role.value for r in reports) == ["employer", "teacher"]
    assert client.get(url(journey, f"points/{other_id}")).status_code == 404


def test_merging_a_point_with_itself_is_refused(client, team, journey, login):
    keep = make_point(journey, team["participant"], title="Yksi")
    make_point(journey, team["participant"], title="Toinen")
    login(team["participant"])
    version = db.session.scalar(select(Journey.version).where(Journey.id == journey.id))
    response = client.post(url(journey, f"points/{keep.id}/merge"), data={"other": keep.id})
    assert response.status_code == 422
    assert "Choose another critical point of this journey to merge." in text_of(response)
    assert point_count() == 2
    assert len(db.session.get(CriticalPoint, keep.id).reports) == 1
    assert db.session.scalar(select(Journey.version).where(Journey.id == journey.id)) == version


def test_merging_a_point_of_another_journey_is_refused(client, team, journey, login):
    keep = make_point(journey, team["participant"], title="Yksi")
    elsewhere = template_journey(team["workspace"], team["facilitator"], name="Tavoitetila")
    foreign = make_point(elsewhere, team["participant"], title="Vieras")
    login(team["participant"])
    response = client.post(url(journey, f"points/{keep.id}/merge"), data={"other": foreign.id})
    assert response.status_code == 422
    assert point_count() == 2
    assert db.session.get(CriticalPoint, foreign.id).journey_id == elsewhere.id


# --- (6) votes ---------------------------------------------------------------------------------


def test_vote_and_take_it_back(client, team, journey, login):
    point = make_point(journey, team["facilitator"], title="Äänestettävä")
    login(team["participant"])
    listing = url(journey, "points/")

    def votes_shown():
        row = page(client.get(listing)).select_one(f"#point-{point.id}")
        return folded(row.select_one(".votes").get_text())

    assert votes_shown() == "0 votes"
    response = client.post(url(journey, f"points/{point.id}/vote"), data={"next": listing})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(listing)
    assert votes_shown() == "1 vote"
    button = page(client.get(listing)).select_one(f"#point-{point.id} button")
    assert button["aria-pressed"] == "true"
    response = client.post(url(journey, f"points/{point.id}/vote"), data={"next": listing})
    assert response.status_code == 303
    assert votes_shown() == "0 votes"
    assert db.session.scalar(select(func.count(Vote.id))) == 0


def test_observer_cannot_vote(client, team, journey, login):
    point = make_point(journey, team["facilitator"])
    login(team["observer"])
    listing = client.get(url(journey, "points/"))
    assert listing.status_code == 200
    assert page(listing).select(f"#point-{point.id} form") == []
    assert client.post(url(journey, f"points/{point.id}/vote")).status_code == 403
    assert db.session.scalar(select(func.count(Vote.id))) == 0


# --- (7) the board: filters and heat -----------------------------------------------------------


def test_board_filters_badges_and_shows_heat(client, team, journey, login):
    user = team["participant"]
    make_point(journey, user, "assess_workplace", "Kriittinen työnantajalta", 3, "employer")
    make_point(journey, user, "assess_workplace", "Vakava", 2, "teacher")
    make_point(journey, user, "draft_hoks", "Kriittinen opettajalta", 3, "teacher")
    make_point(journey, user, "agree_compensation", "Pieni työnantajalta", 1, "employer")
    matching = step_of(journey, "assess_workplace")
    others = [step_of(journey, "draft_hoks"), step_of(journey, "agree_compensation")]
    login(team["observer"])

    board = page(client.get(url(journey)))
    assert "2 critical points" in folded(
        card(board, matching).select_one(".badge--point").get_text()
    )
    assert all(card(board, s).select_one(".badge--point") is not None for s in others)

    filtered = client.get(url(journey, "?role=employer&severity=3"))
    assert filtered.status_code == 200
    board = page(filtered)
    badge = card(board, matching).select_one(".badge--point")
    assert "1 critical point" in folded(badge.get_text())
    assert "critical" in folded(badge.get_text())
    assert all(card(board, s).select_one(".badge--point") is None for s in others)
    assert len(board.select("table.blueprint .badge--point")) == 1
    assert board.select_one("#role option[selected]")["value"] == "employer"

    heat = page(client.get(url(journey, "?view=heat")))
    cell = card(heat, matching).find_parent("td")
    loads = [folded(p.get_text()) for p in cell.select(".heat__value")]
    cards = cell.select(".step-card")
    expected = sum(
        {
            "apprenticeship.assess_workplace": 5,
            "apprenticeship.draft_hoks": 3,
            "apprenticeship.agree_compensation": 1,
        }.get(db.session.get(Step, int(c["id"].removeprefix("step-"))).key, 0)
        for c in cards
    )
    assert loads == [f"Severity total: {expected}"]
    assert expected >= 5
    level = 0 if expected == 0 else 1 if expected <= 2 else 2 if expected <= 5 else 3
    assert f"heat--{level}" in cell["class"]
    # Without ?view=heat the numbers are not shown.
    assert board.select(".heat__value") == []


# --- (8) the list and its CSV ------------------------------------------------------------------


def test_list_is_sorted_by_severity(client, team, journey, login):
    user = team["participant"]
    make_point(journey, user, title="Pieni", severity=1)
    make_point(journey, user, title="Kriittinen", severity=3)
    make_point(journey, user, title="Vakava", severity=2)
    login(team["observer"])
    response = client.get(url(journey, "points/?sort=severity"))
    assert response.status_code == 200
    titles = [folded(a.get_text()) for a in page(response).select(".point-row__title a")]
    assert titles == ["Kriittinen", "Vakava", "Pieni"]
    assert "3 critical points" in text_of(response)
    only = page(client.get(url(journey, "points/?severity=2")))
    assert [folded(a.get_text()) for a in only.select(".point-row__title a")] == ["Vakava"]


FORMULAS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)"]


def test_csv_download_is_utf8_with_a_bom_and_defuses_formulas(client, team, journey, login):
    user = team["participant"]
    for title in [*FORMULAS, "Hyvä työpäivä"]:
        make_point(journey, user, title=title)
    login(team["observer"])
    response = client.get(url(journey, "points.csv"))
    assert response.status_code == 200
    assert response.content_type.startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8").removeprefix("\ufeff"))))
    header = rows[0]
    assert header[:4] == ["Stage", "Lane", "Step", "Critical point"]
    assert "Severity" in header and "Votes" in header
    column = header.index("Critical point")
    titles = sorted(row[column] for row in rows[1:])
    assert titles == sorted(["'" + f for f in FORMULAS] + ["Hyvä työpäivä"])
    step_column = header.index("Step")
    assert {row[step_column] for row in rows[1:]} == {
        "Checking the workplace as a learning environment"
    }


# --- (9) insights ------------------------------------------------------------------------------


def test_insights_show_the_step_with_most_points_first(client, team, journey, login):
    user = team["participant"]
    make_point(journey, user, "draft_hoks", "d1", 1, "student")
    for title in ("a1", "a2"):
        make_point(journey, user, "assess_workplace", title, 2, "employer")
    to_be = template_journey(team["workspace"], team["facilitator"], name="Tavoitetila")
    make_point(to_be, user, "assess_workplace", "a3", 3, "teacher")
    login(team["observer"])
    response = client.get(f"/w/{team['workspace'].id}/insights?kind=apprenticeship")
    assert response.status_code == 200
    body = page(response)
    chart = body.select_one("svg.hot-chart")
    assert chart is not None
    labels = [folded(t.get_text()) for t in chart.select(".hot-chart__label")]
    assert labels[0].startswith("Checking the workplace")
    assert len(chart.select("rect.hot-chart__bar")) == 2
    rows = body.select("table tbody tr")
    assert len(rows) == 2
    first = [folded(c.get_text(" ")) for c in rows[0].select("th, td")]
    assert first[0].startswith("Checking the workplace as a learning environment")
    assert first[1:3] == ["3", "7"]
    assert folded(rows[1].select_one("th").get_text(" ")).startswith(
        "Planning the HOKS jointly with the employer"
    )
    headers = [folded(th.get_text()) for th in body.select("table thead th")]
    # Who reported, in one column so the table fits a laptop: only the roles that did.
    reporters = folded(rows[0].select("td")[headers.index("Reported by") - 1].get_text())
    assert "Employer: 2" in reporters and "Teacher: 1" in reporters
    assert "Student" not in reporters
    assert client.get(f"/w/{team['workspace'].id}/insights?kind=nonsense").status_code == 404


# --- (10) categories ---------------------------------------------------------------------------


def category_options(client, journey):
    form = page(client.get(url(journey, f"steps/{step_of(journey, 'assess_workplace').id}/points")))
    return {o["value"]: folded(o.get_text()) for o in form.select("#category option")}


def test_facilitator_adds_renames_and_retires_categories(client, team, journey, login):
    workspace_id = team["workspace"].id
    login(team["facilitator"])
    before = category_options(client, journey)
    assert before["key:paperwork"] == "Paperwork"
    assert before["key:timing"] == "Timing and schedules"

    response = client.post(f"/w/{workspace_id}/categories", data={"name": "Oma kategoria"})
    assert response.status_code == 303
    response = client.post(
        f"/w/{workspace_id}/categories/key:paperwork/rename", data={"name": "Paperit"}
    )
    assert response.status_code == 303
    response = client.post(f"/w/{workspace_id}/categories/key:timing/retire")
    assert response.status_code == 303

    listing = text_of(client.get(f"/w/{workspace_id}/categories"))
    assert "Oma kategoria" in listing and "Paperit" in listing
    assert "Timing and schedules (retired)" in listing

    after = category_options(client, journey)
    own = db.session.scalar(select(Category).where(Category.name == "Oma kategoria"))
    assert after[f"id:{own.id}"] == "Oma kategoria"
    assert after["key:paperwork"] == "Paperit"
    assert "key:timing" not in after
    assert "Timing and schedules" not in after.values()

    # A retired category cannot be chosen for a new point either.
    step = step_of(journey, "assess_workplace")
    refused = post_report(client, journey, step, category="key:timing")
    assert refused.status_code == 422
    assert "Not a valid choice" in text_of(refused)
    assert point_count() == 0

    assert client.post(f"/w/{workspace_id}/categories/key:timing/restore").status_code == 303
    assert category_options(client, journey)["key:timing"] == "Timing and schedules"


def test_participant_cannot_change_categories(client, team, journey, login):
    workspace_id = team["workspace"].id
    login(team["participant"])
    page_for_them = page(client.get(f"/w/{workspace_id}/categories"))
    assert page_for_them.select("form[action$='/categories']") == []
    posts = [
        (f"/w/{workspace_id}/categories", {"name": "Oma kategoria"}),
        (f"/w/{workspace_id}/categories/key:paperwork/rename", {"name": "Paperit"}),
        (f"/w/{workspace_id}/categories/key:timing/retire", {}),
        (f"/w/{workspace_id}/categories/key:timing/restore", {}),
    ]
    for path, data in posts:
        assert client.post(path, data=data).status_code == 403, path
    assert db.session.scalar(select(func.count(Category.id))) == 0
    assert category_options(client, journey)["key:paperwork"] == "Paperwork"


def test_renaming_another_workspaces_category_is_404(
    client, team, journey, login, make_workspace, make_user
):
    other = make_workspace(owner=make_user(), name="Toinen")
    theirs = points.add_category(other, "Heidän")
    db.session.commit()
    login(team["facilitator"])
    response = client.post(
        f"/w/{team['workspace'].id}/categories/id:{theirs.id}/rename", data={"name": "Meidän"}
    )
    assert response.status_code == 404
    assert db.session.get(Category, theirs.id).name == "Heidän"


# --- bad input ---------------------------------------------------------------------------------


def test_reporting_on_a_trashed_step_is_404(client, team, journey, login):
    step = step_of(journey, "assess_workplace")
    journeys.trash_step(journey, team["facilitator"], step)
    db.session.commit()
    login(team["participant"])
    assert client.get(url(journey, f"steps/{step.id}/points")).status_code == 404
    assert post_report(client, journey, step).status_code == 404
    assert point_count() == 0


def test_reporting_on_another_workspaces_step_is_404(
    client, team, journey, login, make_workspace, make_user
):
    stranger = make_user()
    elsewhere = make_workspace(owner=stranger, name="Muualla")
    theirs = template_journey(elsewhere, stranger, name="Heidän")
    foreign = step_of(theirs, "assess_workplace")
    login(team["participant"])
    assert client.get(url(journey, f"steps/{foreign.id}/points")).status_code == 404
    assert post_report(client, journey, foreign, new_organisation="Uusi Oy").status_code == 404
    assert point_count() == 0
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    # Nor through their journey under this workspace's address.
    path = f"/w/{team['workspace'].id}/journeys/{theirs.id}/steps/{foreign.id}/points"
    assert client.post(path, data=report_form()).status_code == 404
    assert point_count() == 0


def test_a_category_of_another_workspace_is_refused(
    client, team, journey, login, make_workspace, make_user
):
    elsewhere = make_workspace(owner=make_user(), name="Muualla")
    theirs = points.add_category(elsewhere, "Heidän")
    db.session.commit()
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    response = post_report(
        client, journey, step, category=f"id:{theirs.id}", new_organisation="Uusi Oy"
    )
    assert response.status_code in (404, 422)
    if response.status_code == 422:
        assert "Not a valid choice" in text_of(response)
    assert point_count() == 0
    assert db.session.scalar(select(func.count(Organisation.id))) == 0
    assert db.session.scalar(select(func.count(Category.id))) == 1


@pytest.mark.parametrize("severity", ["0", "4"])
def test_severity_outside_one_to_three_is_refused(client, team, journey, login, severity):
    login(team["participant"])
    response = post_report(client, journey, step_of(journey, "assess_workplace"), severity=severity)
    assert response.status_code == 422
    assert "Not a valid choice" in text_of(response)
    assert point_count() == 0


def test_a_severity_that_is_no_number_is_refused(client, team, journey, login):
    login(team["participant"])
    response = post_report(client, journey, step_of(journey, "assess_workplace"), severity="x")
    assert response.status_code == 422
    assert page(response).select(".field--error") != []
    assert point_count() == 0


def test_missing_severity_is_required(client, team, journey, login):
    login(team["participant"])
    data = report_form()
    del data["severity"]
    response = client.post(
        url(journey, f"steps/{step_of(journey, 'assess_workplace').id}/points"), data=data
    )
    assert response.status_code == 422
    assert "This field is required." in text_of(response)
    assert point_count() == 0


def test_a_title_over_160_characters_is_refused(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    response = post_report(client, journey, step, title="x" * 161)
    assert response.status_code == 422
    assert "At most 160 characters." in text_of(response)
    # The typed text stays in the form.
    assert page(response).select_one("#title")["value"] == "x" * 161
    assert point_count() == 0
    assert post_report(client, journey, step, title="x" * 160).status_code == 303


def test_bad_organisation_and_role_are_refused(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    assert post_report(client, journey, step, role="ceo").status_code == 422
    assert post_report(client, journey, step, organisation="999999").status_code == 422
    assert point_count() == 0


def test_html_in_title_and_quote_is_stored_as_typed_and_shown_escaped(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    title = '<script>alert("title")</script>'
    quote = '<script>alert("quote")</script><img src=x onerror="alert(1)">'
    assert post_report(client, journey, step, title=title, quote=quote).status_code == 303
    point = point_by_title(title)
    assert point is not None and point.reports[0].quote == quote
    for path in (
        f"steps/{step.id}/points",
        f"points/{point.id}",
        "points/",
        "",
    ):
        response = client.get(url(journey, path))
        body = response.get_data(as_text=True)
        assert "<script>alert(" not in body, path
        assert '<img src=x onerror="alert(1)">' not in body, path
    shown = text_of(client.get(url(journey, f"points/{point.id}")))
    assert title in shown and 'alert("quote")' in shown


def test_a_point_of_another_journey_is_404_here(client, team, journey, login):
    elsewhere = template_journey(team["workspace"], team["facilitator"], name="Tavoitetila")
    foreign = make_point(elsewhere, team["facilitator"], title="Vieras")
    login(team["participant"])
    assert client.get(url(journey, f"points/{foreign.id}")).status_code == 404
    assert client.post(url(journey, f"points/{foreign.id}/vote")).status_code == 404
    assert (
        client.post(
            url(journey, f"points/{foreign.id}/status"), data={"status": "resolved"}
        ).status_code
        == 404
    )
    edit = client.post(
        url(journey, f"points/{foreign.id}/edit"),
        data={"title": "Muutettu", "severity": "1", "category": "", "version": "1"},
    )
    assert edit.status_code == 404
    added = client.post(url(journey, f"points/{foreign.id}/reports"), data={"role": "student"})
    assert added.status_code == 404
    saved = db.session.get(CriticalPoint, foreign.id)
    assert saved.title == "Vieras" and saved.votes == [] and len(saved.reports) == 1
    assert saved.status.value == "open"


def test_a_stale_edit_answers_409_with_the_saved_version(client, team, journey, login):
    point = make_point(journey, team["facilitator"], title="Alkuperäinen")
    login(team["participant"])
    form = page(client.get(url(journey, f"points/{point.id}")))
    seen = form.select_one("form[action$='/edit'] input[name=version]")["value"]
    assert seen == "1"
    points.update_point(
        team["workspace"], point, team["facilitator"], 1, "Fiian otsikko", "", 3, None
    )
    db.session.commit()

    response = client.post(
        url(journey, f"points/{point.id}/edit"),
        data={
            "title": "Paavon otsikko",
            "description": "Paavon pitkä selitys",
            "severity": "1",
            "category": "",
            "version": seen,
        },
    )
    assert response.status_code == 409
    shown = text_of(response)
    assert "Someone saved this point while you were editing." in shown
    conflict = page(response)
    assert folded(conflict.select_one("h1").get_text()) == "Fiian otsikko"
    assert conflict.select_one("form[action$='/edit'] input[name=version]")["value"] == "2"
    # Nothing typed is lost: the form still holds this person's title and details.
    assert conflict.select_one("form[action$='/edit'] #title")["value"] == "Paavon otsikko"
    assert conflict.select_one("form[action$='/edit'] #description").get_text().strip() == (
        "Paavon pitkä selitys"
    )
    saved = db.session.get(CriticalPoint, point.id)
    assert (saved.title, saved.severity, saved.version) == ("Fiian otsikko", 3, 2)

    again = client.post(
        url(journey, f"points/{point.id}/edit"),
        data={"title": "Paavon otsikko", "severity": "1", "category": "", "version": "2"},
    )
    assert again.status_code == 303
    db.session.expire_all()
    assert db.session.get(CriticalPoint, point.id).title == "Paavon otsikko"


def test_status_change_shows_who_changed_it(client, team, journey, login):
    point = make_point(journey, team["facilitator"])
    login(team["participant"])
    response = client.post(url(journey, f"points/{point.id}/status"), data={"status": "testing"})
    assert response.status_code == 303
    shown = text_of(client.get(response.headers["Location"]))
    assert "Status: Being tested." in shown
    assert "Paavo" in shown
    refused = client.post(url(journey, f"points/{point.id}/status"), data={"status": "gone"})
    assert refused.status_code == 422
    assert db.session.get(CriticalPoint, point.id).status.value == "testing"


# --- trashed steps, retired categories, repeated submissions -----------------------------------


def test_a_point_on_a_trashed_step_is_not_a_server_error(client, team, journey, login):
    point = make_point(journey, team["facilitator"], title="Roskakorissa")
    step = step_of(journey, "assess_workplace")
    journeys.trash_step(journey, team["facilitator"], step)
    db.session.commit()
    login(team["participant"])
    assert "Roskakorissa" not in text_of(client.get(url(journey, "points/")))
    assert client.get(url(journey, f"points/{point.id}")).status_code in (200, 404)
    journeys.restore_step(journey, team["facilitator"], step)
    db.session.commit()
    shown = client.get(url(journey, f"points/{point.id}"))
    assert shown.status_code == 200 and "Roskakorissa" in text_of(shown)


def test_confirming_a_suggestion_of_a_trashed_step_is_404(client, team, journey, login):
    step = step_of(journey, "assess_workplace")
    suggestion = points.open_suggestions(step)[0]
    journeys.trash_step(journey, team["facilitator"], step)
    db.session.commit()
    login(team["participant"])
    response = client.post(
        url(journey, f"suggestions/{suggestion.id}/confirm"), data={"severity": "2"}
    )
    assert response.status_code == 404
    assert point_count() == 0
    assert db.session.get(StepSuggestion, suggestion.id).handled_at is None


def test_a_double_submission_is_one_change_in_the_log(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    form = report_form(title="Kaksoisklikkaus")
    for _ in range(2):
        assert client.post(url(journey, f"steps/{step.id}/points"), data=form).status_code == 303
    log = [folded(li.get_text()) for li in page(client.get(url(journey))).select(".activity li")]
    assert len([e for e in log if "reported the critical point “Kaksoisklikkaus”" in e]) == 1


def test_editing_a_point_keeps_its_retired_category(client, team, journey, login):
    login(team["participant"])
    step = step_of(journey, "assess_workplace")
    post_report(client, journey, step, title="Aikataulu", category="key:timing")
    point = point_by_title("Aikataulu")
    points.retire_category(team["workspace"], "key:timing", True)
    db.session.commit()
    form = page(client.get(url(journey, f"points/{point.id}"))).select_one("form[action$='/edit']")
    chosen = form.select("select[name=category] option[selected]")
    assert [o["value"] for o in chosen] == ["key:timing"]
    response = client.post(
        url(journey, f"points/{point.id}/edit"),
        data={
            "title": "Aikataulu pettää",
            "severity": "2",
            "category": "key:timing",
            "version": form.select_one("input[name=version]")["value"],
        },
    )
    assert response.status_code == 303
    saved = db.session.get(CriticalPoint, point.id)
    assert saved.title == "Aikataulu pettää" and saved.category.key == "timing"


def test_an_administrator_sees_where_it_hurts_across_workspaces(
    client, make_user, make_workspace, login
):
    admin = make_user(is_admin=True)
    template = load_template(ROOT / "journeys" / "apprenticeship.toml")
    own, other = make_workspace(owner=admin, name="Oma"), make_workspace(name="Muu")
    for workspace in (own, other):
        owner = workspace.memberships[0].user
        journey = journeys.create_journey(
            workspace, owner, "Polku", JourneyKind.APPRENTICESHIP, "en", template=template
        )
        step = journeys.load_board(journey).steps[0]
        points.report_point(
            workspace,
            journey,
            owner,
            points.NewPoint(
                step=step,
                title="Sama ongelma",
                severity=2,
                report=points.ReportData(ReporterRole.EMPLOYER),
            ),
        )
    db.session.commit()
    login(admin)
    mine = page(client.get(f"/w/{own.id}/insights?kind=apprenticeship"))
    everywhere = page(client.get(f"/w/{own.id}/insights?kind=apprenticeship&scope=all"))
    assert mine.select("tbody tr td")[0].get_text() == "1"
    assert everywhere.select("tbody tr td")[0].get_text() == "2"
    client.post("/logout")
    login(other.memberships[0].user)
    not_admin = page(client.get(f"/w/{other.id}/insights?kind=apprenticeship&scope=all"))
    assert not_admin.select("tbody tr td")[0].get_text() == "1"


def test_category_names_differ_by_more_than_case(client, team, login):
    login(team["facilitator"])
    ws = team["workspace"].id
    assert client.post(f"/w/{ws}/categories", data={"name": "Äänet"}).status_code == 303
    again = client.post(f"/w/{ws}/categories", data={"name": "äänet"})
    assert again.status_code == 422
    assert "has a category of that name already" in text_of(again)
    renamed = client.post(f"/w/{ws}/categories/key:paperwork/rename", data={"name": "ÄÄNET"})
    assert renamed.status_code == 422
    assert (
        db.session.scalar(select(func.count(Category.id)).where(Category.workspace_id == ws)) == 1
    )


def test_a_new_organisation_differing_only_in_case_is_the_same(client, team, journey, login):
    accounts.add_organisation(team["workspace"], "Straße Oy", OrganisationKind.EMPLOYER)
    db.session.commit()
    login(team["participant"])
    step = journeys.load_board(journey).steps[0]
    response = client.post(
        url(journey, f"steps/{step.id}/points"),
        data={
            "title": "T",
            "severity": "2",
            "role": "employer",
            "new_organisation": "STRASSE OY",
            "organisation": "",
            "category": "",
        },
    )
    assert response.status_code == 303
    count = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.workspace_id == team["workspace"].id)
    )
    assert count == 1
    report = db.session.scalar(select(Report))
    assert report.organisation.name == "Straße Oy"


def test_a_confirmed_suggestion_keeps_a_long_sources_address_whole(team, make_journey):
    """Every journey template's suggestions, confirmed in each language, fit the source column
    (PostgreSQL refuses a longer value); a title too long is shortened, never the address."""
    from workshop.critical_points.models import SUGGESTION_SOURCE_MAX

    for path in sorted((ROOT / "journeys").glob("*.toml")):
        for language in ("fi", "sv", "en"):
            journey = journeys.create_journey(
                team.workspace,
                team.facilitator,
                f"{path.stem} {language}",
                JourneyKind.APPRENTICESHIP,
                language,
                template=load_template(path),
            )
            for step in journeys.load_board(journey).steps:
                for suggestion in points.open_suggestions(step):
                    point = points.confirm_suggestion(
                        team.workspace, journey, suggestion, team.facilitator
                    )
                    assert len(point.suggestion_source) <= SUGGESTION_SOURCE_MAX
                    if suggestion.source_url:
                        assert point.suggestion_source.endswith(suggestion.source_url)
    long = points.open_suggestions(step_of(make_journey(team, "Pitkä"), "contact_provider"))[0]
    long.source_title = "Hyvin pitkä lähteen nimi " * 11
    long.source_url = "https://example.fi/" + "polku/" * 20
    point = points.confirm_suggestion(team.workspace, long.step.journey, long, team.facilitator)
    assert len(point.suggestion_source) == SUGGESTION_SOURCE_MAX
    assert point.suggestion_source.startswith("Hyvin pitkä lähteen nimi")
    assert point.suggestion_source.endswith("… – " + long.source_url)
