"""Critical points in a browser: suggestions, reports, merge, votes, filters, heat, CSV, insights.

Tests that take the `page` fixture run twice (ids js-on / js-off, see conftest.py); the critical
point pages are plain forms and redirects, so both runs must get the same result. Journeys come
from the apprenticeship template and, apart from what a test does through the UI itself, their
points are written straight into the live server's database through the services, each with a
unique name in a workspace of the test's own.
"""

import csv
import io
import re
from dataclasses import dataclass

from flask import Flask
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import Person, Space, assert_fits_sideways, log_in
from tests.conftest import ROOT
from workshop.accounts import services as accounts
from workshop.accounts.models import OrganisationKind, User, Workspace
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.journey_templates.loader import load_template
from workshop.journeys import services as journeys
from workshop.journeys.models import Journey, JourneyKind, Step

TEMPLATE = load_template(ROOT / "journeys" / "apprenticeship.toml")
TEMPLATE_STEPS = {step.id: step for step in TEMPLATE.steps}

# Template steps, each alone in its cell of the board.
CONTRACT = "employment_contract"  # Planning and agreements × Employer, two suggestions
INSTRUCTOR = "name_instructor"  # Getting started × Employer, one suggestion
ORIENTATION = "orientation"  # Preparing the workplace × Workplace instructor, one suggestion

SEVERITY = {
    1: "1 – minor: slows things down",
    2: "2 – serious: causes rework or harm",
    3: "3 – critical: the process fails here",
}
CSV_HEADER = [
    "Stage",
    "Lane",
    "Step",
    "Critical point",
    "Details",
    "Severity",
    "Category",
    "Status",
    "Votes",
    "Reports",
    "Organisations",
    "Reported by",
]


def step_title(key: str) -> str:
    return TEMPLATE_STEPS[key].title.en


def suggestion_texts(key: str) -> list[str]:
    return [point.text.en for point in TEMPLATE_STEPS[key].critical_points]


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class JourneyRef:
    id: int
    name: str
    url: str
    list_url: str
    step_ids: dict[str, int]  # template step id -> step id

    def step_url(self, key: str) -> str:
        return f"{self.url}steps/{self.step_ids[key]}/points"

    def point_url(self, point_id: int) -> str:
        return f"{self.url}points/{point_id}"


def make_journey(app: Flask, space: Space, owner: Person, name: str) -> JourneyRef:
    """An English apprenticeship journey from the template, with its suggestions."""
    with app.app_context():
        journey = journeys.create_journey(
            db.session.get(Workspace, space.id),
            db.session.get(User, owner.id),
            name,
            JourneyKind.APPRENTICESHIP,
            "en",
            template=TEMPLATE,
        )
        db.session.commit()
        step_ids = {
            step.key.removeprefix(f"{TEMPLATE.id}."): step.id
            for step in db.session.scalars(db.select(Step).where(Step.journey_id == journey.id))
        }
        url = f"/w/{space.id}/journeys/{journey.id}/"
        return JourneyRef(journey.id, name, url, f"{url}points/", step_ids)


def add_point(
    app: Flask,
    space: Space,
    owner: Person,
    journey: JourneyRef,
    key: str,
    title: str,
    severity: int,
    role: ReporterRole = ReporterRole.EMPLOYER,
    organisation: str | None = None,
    quote: str = "",
) -> int:
    """A reported point on the journey's step `key`, with a new organisation if named; its id."""
    with app.app_context():
        workspace = db.session.get(Workspace, space.id)
        organisation_id = None
        if organisation:
            kind = (
                OrganisationKind.EMPLOYER
                if role == ReporterRole.EMPLOYER
                else OrganisationKind.OTHER
            )
            organisation_id = accounts.add_organisation(workspace, organisation, kind).id
        point = points.report_point(
            workspace,
            db.session.get(Journey, journey.id),
            db.session.get(User, owner.id),
            points.NewPoint(
                step=db.session.get(Step, journey.step_ids[key]),
                title=title,
                severity=severity,
                report=points.ReportData(role=role, organisation_id=organisation_id, quote=quote),
            ),
        )
        db.session.commit()
        return point.id


def facilitator_with_space(seed) -> tuple[Person, Space]:
    facilitator = seed.user(name=f"Fiia Facilitator {seed.tag()}")
    return facilitator, seed.workspace(facilitator)


# --- locators ----------------------------------------------------------------------------------


def board_table(page: Page) -> Locator:
    """The desktop board (the stage-by-stage phone copy is hidden on wide screens)."""
    return page.locator("#board table.blueprint")


def step_card(page: Page, key: str) -> Locator:
    return page.get_by_role("article", name=step_title(key), exact=True)


def card(page: Page, key: str) -> Locator:
    """A step's card on the desktop board."""
    return board_table(page).locator(step_card(page, key))


def cell_of(page: Page, key: str) -> Locator:
    """The board cell that holds the step's card."""
    return board_table(page).locator("td.blueprint__cell").filter(has=step_card(page, key))


def point_row(page: Page, title: str) -> Locator:
    return page.locator("li.point-row").filter(has=page.get_by_role("link", name=title, exact=True))


def expect_badge(step_card: Locator, name: str) -> None:
    """The card's critical-point badge, by what a screen reader announces (the shape is hidden)."""
    # The badge names its step too: "3 critical points, worst: critical: <step title>".
    expect(step_card.locator(".badge--point")).to_have_accessible_name(
        re.compile(rf"^{re.escape(name)}: .+")
    )


def expect_flash(page: Page, text: str) -> None:
    expect(page.locator(".flashes[role=status]")).to_contain_text(text)


# --- 1. suggestions confirmed, a point reported, the badge ------------------------------------


def test_team_confirms_suggestions_and_reports_a_point_the_badge_shows_the_worst(
    page, seed, check_page
):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    journey = make_journey(seed.app, space, facilitator, f"Points journey {tag}")
    first, second = suggestion_texts(CONTRACT)
    title = f"The contract reaches the employer too late {tag}"
    company = f"Konepaja Virtanen {tag} Oy"
    quote = f"We got the papers on the first working day. {tag}"

    log_in(page, facilitator)
    page.goto(journey.url)
    contract = card(page, CONTRACT)
    badge = contract.get_by_role("link", name="2 suggested critical points")
    expect(badge).to_be_visible()
    expect(contract.locator(".badge--point")).to_have_count(0)
    # The board itself is checked after the change (4-board-badge) and in the filter test.

    badge.click()
    expect(page).to_have_url(re.compile(re.escape(journey.step_url(CONTRACT)) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(step_title(CONTRACT))
    on_step = page.get_by_role("region", name="Critical points on this step")
    expect(on_step).to_contain_text("None reported yet.")
    suggested = page.get_by_role("region", name="Suggested by the template")
    expect(suggested.get_by_role("listitem")).to_have_count(2)
    check_page(page, "1-suggestions")

    for count, (text, severity) in enumerate(((first, 1), (second, 2)), start=1):
        item = (
            page.get_by_role("region", name="Suggested by the template")
            .get_by_role("listitem")
            .filter(has_text=text)
        )
        item.get_by_label("Severity").select_option(label=SEVERITY[severity])
        item.get_by_role("button", name=re.compile(r"^Confirm")).click()
        expect_flash(page, "The suggestion is now a critical point.")
        expect(on_step.locator("li.point-row")).to_have_count(count)
        row = point_row(page, text)
        expect(row.locator(".severity")).to_have_text(
            re.compile({1: "minor", 2: "serious"}[severity] + "$")
        )
        expect(row).to_contain_text("from the template, no reports yet")
    expect(page.get_by_role("region", name="Suggested by the template")).to_have_count(0)
    check_page(page, "2-confirmed")

    form = page.locator("form#report-form")
    form.get_by_label("What goes wrong").fill(title)
    form.get_by_label(SEVERITY[3]).check()
    form.get_by_label("Reported by").select_option(label="Employer")
    form.get_by_label("…or a new organisation").fill(company)
    form.get_by_label("Evidence: what was said").fill(quote)
    form.get_by_role("button", name="Save the critical point").click()

    expect_flash(page, f"Critical point “{title}” reported.")
    expect(on_step.locator("li.point-row")).to_have_count(3)
    row = point_row(page, title)
    expect(row).to_contain_text("reported by 1 organisation (employers: 1)")
    expect(row.locator(".severity")).to_have_text(re.compile("critical$"))
    # Sorted by severity: the new critical point comes first.
    expect(on_step.locator("li.point-row").first).to_contain_text(title)
    check_page(page, "3-reported")

    page.locator(".breadcrumb").get_by_role("link", name=journey.name).click()
    expect(page).to_have_url(
        re.compile(re.escape(journey.url) + rf"#step-{journey.step_ids[CONTRACT]}$")
    )
    contract = card(page, CONTRACT)
    expect_badge(contract, "3 critical points, worst: critical")
    expect(contract.locator(".badge--suggestion")).to_have_count(0)
    check_page(page, "4-board-badge")

    # The report keeps who said it and what they said.
    page.goto(journey.step_url(CONTRACT))
    point_row(page, title).get_by_role("link", name=title).click()
    reports = page.get_by_role("region", name="Reports")
    expect(reports.get_by_role("listitem")).to_have_count(1)
    expect(reports.get_by_role("listitem")).to_contain_text(f"Employer, {company}")
    expect(reports.locator("blockquote")).to_have_text(quote)


# --- 2. another report, then a merge -----------------------------------------------------------


def test_second_organisation_reports_the_same_and_another_point_is_merged_in(
    page, seed, check_page
):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    journey = make_journey(seed.app, space, facilitator, f"Merge journey {tag}")
    kept = f"Nobody explains the contract terms {tag}"
    merged = f"The terms of the contract are a mystery {tag}"
    merged_quote = f"I signed without understanding the probation period. {tag}"
    kept_id = add_point(
        seed.app, space, facilitator, journey, CONTRACT, kept, 2, organisation=f"Kauppa A {tag}"
    )
    merged_id = add_point(
        seed.app,
        space,
        facilitator,
        journey,
        INSTRUCTOR,
        merged,
        1,
        role=ReporterRole.STUDENT,
        organisation=f"Student union {tag}",
        quote=merged_quote,
    )
    instructor_org = f"Rakennus Lahtinen {tag}"

    log_in(page, facilitator)
    page.goto(journey.point_url(kept_id))
    expect(page.get_by_role("heading", level=1)).to_have_text(kept)
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("reported by 1 organisation (employers: 1)")
    check_page(page, "1-point")

    add = page.get_by_role("region", name="Someone else reports the same")
    add.get_by_label("Reported by").select_option(label="Workplace instructor")
    add.get_by_label("…or a new organisation").fill(instructor_org)
    add.get_by_label("Evidence: what was said").fill(f"Same here. {tag}")
    add.get_by_role("button", name="Add the report").click()

    expect_flash(page, "Report added.")
    expect(facts).to_contain_text("reported by 2 organisations (employers: 1)")
    reports = page.get_by_role("region", name="Reports", exact=True).get_by_role("listitem")
    expect(reports).to_have_count(2)
    expect(reports.nth(1)).to_contain_text(f"Workplace instructor, {instructor_org}")
    check_page(page, "2-report-added")

    page.get_by_label("The same problem as").select_option(label=merged)
    page.get_by_role("button", name="Merge into this point").click()

    expect_flash(page, "Merged: every report is kept here.")
    expect(page).to_have_url(re.compile(re.escape(journey.point_url(kept_id)) + "$"))
    expect(reports).to_have_count(3)
    expect(reports.filter(has_text=f"Student union {tag}")).to_contain_text(merged_quote)
    expect(facts).to_contain_text("reported by 3 organisations (employers: 1)")
    expect(
        page.get_by_label("The same problem as").locator("option", has_text=merged)
    ).to_have_count(0)
    check_page(page, "3-merged")

    page.goto(journey.list_url)
    expect(page.locator("#point-list [role=status]")).to_have_text("1 critical point")
    expect(point_row(page, kept)).to_contain_text("reported by 3 organisations")
    expect(page.get_by_text(merged)).to_have_count(0)
    assert page.request.get(journey.point_url(merged_id)).status == 404


# --- 3. votes from the list --------------------------------------------------------------------


def test_participant_votes_from_the_list_and_takes_the_vote_back(page, seed, check_page):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    journey = make_journey(seed.app, space, facilitator, f"Vote journey {tag}")
    title = f"The instructor has no time for the student {tag}"
    other = f"Orientation is rushed {tag}"
    point_id = add_point(seed.app, space, facilitator, journey, CONTRACT, title, 2)
    add_point(seed.app, space, facilitator, journey, ORIENTATION, other, 3)

    log_in(page, facilitator)
    page.goto(journey.url)
    page.get_by_role("link", name="All critical points of this journey").click()
    expect(page).to_have_url(re.compile(re.escape(journey.list_url) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Critical points")
    expect(page.locator("#point-list [role=status]")).to_have_text("2 critical points")
    row = point_row(page, title)
    vote = row.get_by_role("button", name=re.compile(rf"^Vote\s*: {re.escape(title)}$"))
    expect(row.locator(".votes")).to_have_text("0 votes")
    expect(vote).to_have_attribute("aria-pressed", "false")
    check_page(page, "1-list")

    vote.click()
    expect_flash(page, "Vote given.")
    expect(page).to_have_url(re.compile(re.escape(journey.list_url) + rf"#point-{point_id}$"))
    expect(row.locator(".votes")).to_have_text("1 vote")
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(point_row(page, other).locator(".votes")).to_have_text("0 votes")
    # Most votes first: the voted point now leads the list.
    expect(page.locator("li.point-row").first).to_contain_text(title)
    check_page(page, "2-voted")

    vote.click()
    expect_flash(page, "Vote taken back.")
    expect(row.locator(".votes")).to_have_text("0 votes")
    expect(vote).to_have_attribute("aria-pressed", "false")


# --- 4. filters and heat on the board ----------------------------------------------------------


def test_board_filters_by_reporter_and_severity_and_shows_the_heat(page, seed, check_page):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    journey = make_journey(seed.app, space, facilitator, f"Filter journey {tag}")
    add_point(seed.app, space, facilitator, journey, CONTRACT, f"Wage too heavy {tag}", 3)
    add_point(
        seed.app,
        space,
        facilitator,
        journey,
        CONTRACT,
        f"Unclear hours {tag}",
        1,
        role=ReporterRole.STUDENT,
    )
    add_point(
        seed.app,
        space,
        facilitator,
        journey,
        CONTRACT,
        f"Probation unclear {tag}",
        3,
        role=ReporterRole.STUDENT,
    )
    add_point(seed.app, space, facilitator, journey, INSTRUCTOR, f"No instructor {tag}", 2)
    add_point(
        seed.app,
        space,
        facilitator,
        journey,
        ORIENTATION,
        f"No safety talk {tag}",
        3,
        role=ReporterRole.STUDENT,
    )

    log_in(page, facilitator)
    page.goto(journey.url)
    expect_badge(card(page, CONTRACT), "3 critical points, worst: critical")
    expect_badge(card(page, INSTRUCTOR), "1 critical point, worst: serious")
    expect_badge(card(page, ORIENTATION), "1 critical point, worst: critical")
    check_page(page, "1-board")

    filters = page.get_by_role("form", name="Filter critical points")
    filters.get_by_label("Reported by").select_option(label="Employer")
    filters.get_by_label("Severity").select_option(label=SEVERITY[3])
    filters.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"\?.*role=employer.*&severity=3"))
    expect_badge(card(page, CONTRACT), "1 critical point, worst: critical")
    # Only a severity-2 point here, and only a student's report there: no badge at all.
    expect(card(page, INSTRUCTOR).locator(".badge--point")).to_have_count(0)
    expect(card(page, ORIENTATION).locator(".badge--point")).to_have_count(0)
    expect(page.locator("#board table.blueprint .badge--point")).to_have_count(1)
    expect(filters.get_by_label("Reported by").locator("option:checked")).to_have_text("Employer")
    expect(filters.get_by_label("Severity").locator("option:checked")).to_have_text(SEVERITY[3])
    expect(filters.get_by_role("link", name="Clear filters")).to_be_visible()
    check_page(page, "2-filtered")

    filters.get_by_label("Show").select_option(label="Heat: severity total per cell")
    filters.get_by_role("button", name="Show").click()

    expect(page).to_have_url(re.compile(r"view=heat"))
    expect(cell_of(page, CONTRACT).locator(".heat__value")).to_have_text("Severity total: 3")
    expect(cell_of(page, CONTRACT)).to_have_class(re.compile(r"\bheat--2\b"))
    expect(cell_of(page, INSTRUCTOR).locator(".heat__value")).to_have_count(0)
    expect(page.locator("#board .heat__value")).to_have_count(1)
    check_page(page, "3-heat-filtered")

    # Without the filters the heat counts every point: 3 + 1 + 3 on the contract.
    filters.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(re.escape(journey.url) + "$"))
    filters.get_by_label("Show").select_option(label="Heat: severity total per cell")
    filters.get_by_role("button", name="Show").click()
    expect(cell_of(page, CONTRACT).locator(".heat__value")).to_have_text("Severity total: 7")
    expect(cell_of(page, CONTRACT)).to_have_class(re.compile(r"\bheat--3\b"))
    expect(cell_of(page, INSTRUCTOR).locator(".heat__value")).to_have_text("Severity total: 2")
    expect(cell_of(page, ORIENTATION).locator(".heat__value")).to_have_text("Severity total: 3")
    check_page(page, "4-heat")


# --- 5. CSV ------------------------------------------------------------------------------------


def test_list_downloads_as_csv_with_bom_and_formulas_defused(page, js, seed, check_page):
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    journey = make_journey(seed.app, space, facilitator, f"CSV journey {tag}")
    plain = f"Työpaikkaohjaaja ei ehdi, sanoo åsa {tag}"
    formula = f'=HYPERLINK("http://example.com","click") {tag}'
    add_point(seed.app, space, facilitator, journey, CONTRACT, plain, 3, organisation=f"Oy {tag}")
    add_point(seed.app, space, facilitator, journey, ORIENTATION, formula, 1)

    log_in(page, facilitator)
    page.goto(journey.list_url)
    expect(page.locator("#point-list [role=status]")).to_have_text("2 critical points")
    check_page(page, "1-list")

    link = page.get_by_role("link", name="Download as CSV")
    if js:
        with page.expect_download() as info:
            link.click()
        download = info.value
        assert download.suggested_filename == f"critical-points-{journey.id}.csv"
        with open(download.path(), "rb") as f:
            content = f.read()
    else:
        # An API request sends no Accept-Language of its own; the browser would (en-GB).
        response = page.request.get(
            link.get_attribute("href"), headers={"Accept-Language": "en-GB,en;q=0.9"}
        )
        assert response.ok
        assert response.headers["content-type"].startswith("text/csv")
        assert (
            f'filename="critical-points-{journey.id}.csv"'
            in response.headers["content-disposition"]
        )
        content = response.body()

    assert content.startswith(b"\xef\xbb\xbf"), content[:20]
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0] == CSV_HEADER
    by_title = {row[3]: row for row in rows[1:]}
    assert set(by_title) == {plain, "'" + formula}, by_title.keys()
    contract = by_title[plain]
    assert contract[:3] == ["Planning and agreements", "Employer", step_title(CONTRACT)]
    assert contract[5] == "3"
    assert contract[11] == "Employer"
    assert by_title["'" + formula][2] == step_title(ORIENTATION)


# --- 6. where it hurts most --------------------------------------------------------------------


def test_where_it_hurts_most_lists_the_step_with_most_points_first(js_page, seed, check_page):
    # A static page, the same with JavaScript off: one run is enough.
    page = js_page
    facilitator, space = facilitator_with_space(seed)
    tag = seed.tag()
    journey = make_journey(seed.app, space, facilitator, f"Insights journey {tag}")
    add_point(seed.app, space, facilitator, journey, ORIENTATION, f"Rushed {tag}", 2)
    add_point(
        seed.app,
        space,
        facilitator,
        journey,
        ORIENTATION,
        f"No safety talk {tag}",
        3,
        role=ReporterRole.STUDENT,
    )
    add_point(seed.app, space, facilitator, journey, CONTRACT, f"Hours {tag}", 1)

    log_in(page, facilitator)
    page.goto(space.path)
    page.locator(".tabs").get_by_role("link", name="Where it hurts most").click()
    expect(page).to_have_url(re.compile(rf"/w/{space.id}/insights$"))
    expect(page.locator(".tabs").get_by_role("link", name="Where it hurts most")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", level=2)).to_have_text("Where it hurts most")

    chart = page.locator("svg.hot-chart")
    expect(chart).to_be_visible()
    expect(chart.locator("rect.hot-chart__bar")).to_have_count(2)
    expect(chart.locator("text.hot-chart__value")).to_have_text(["2", "1"])
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_role("rowheader")).to_contain_text(step_title(ORIENTATION))
    expect(rows.first.get_by_role("rowheader")).to_contain_text("Preparing the workplace")
    # Points, severity total, votes, who reported them, categories.
    expect(rows.first.locator("td").nth(0)).to_have_text("2")
    expect(rows.first.locator("td").nth(1)).to_have_text("5")
    expect(rows.nth(1).get_by_role("rowheader")).to_contain_text(step_title(CONTRACT))
    # The wide table scrolls in its own box, by keyboard too; the page itself does not widen.
    assert_fits_sideways(page)
    expect(page.locator(".table-scroll")).to_have_attribute("tabindex", "0")
    check_page(page, "insights")
