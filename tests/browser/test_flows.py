"""The main flows as a person in a browser does them, with JavaScript (htmx) on and off.

Tests that take the `page` fixture run twice (ids js-on / js-off, see conftest.py).
"""

import re
import tomllib

from playwright.sync_api import expect

from tests.browser.conftest import (
    PHONE,
    assert_fits_sideways,
    assert_marker_survived,
    log_in,
    set_marker,
)
from tests.conftest import ROOT
from workshop.accounts.models import Role

JOURNEYS = ROOT / "journeys"
WRONG_LOGIN = "The e-mail address or the password is wrong."


def journey(name: str) -> dict:
    with open(JOURNEYS / f"{name}.toml", "rb") as f:
        return tomllib.load(f)


# --- a. login, language, template list ---------------------------------------------------------


def test_facilitator_logs_in_switches_to_swedish_and_sees_the_templates_in_swedish(
    page, seed, check_page
):
    facilitator = seed.user(name="Aino Fasilitaattori")
    seed.workspace(facilitator)
    sv_titles = [
        journey("apprenticeship")["title"]["sv"],
        journey("training_agreement")["title"]["sv"],
    ]
    assert sv_titles[0] == "Läroavtalsutbildning"

    page.goto("/login")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "1-login")
    log_in(page, facilitator)
    check_page(page, "2-home-en")

    page.locator(".language-switcher").get_by_role("button", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("button", name="Svenska")).to_have_attribute("aria-pressed", "true")
    check_page(page, "3-home-sv")

    page.locator(".site-nav").get_by_role("link", name="Mallar för servicestigar").click()
    expect(page).to_have_url(re.compile(r"/templates/$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mallar för servicestigar")
    for title in sv_titles:
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
    check_page(page, "4-templates-sv")


# --- b. wrong password -------------------------------------------------------------------------


def test_wrong_password_shows_one_generic_error_and_keeps_the_email(page, seed, check_page):
    person = seed.user()
    page.goto("/login")
    page.get_by_label("E-mail").fill(person.email)
    page.get_by_label("Password").fill("not the password at all")
    page.get_by_role("button", name="Log in", exact=True).click()

    errors = page.get_by_role("alert")
    expect(errors).to_have_count(1)
    expect(errors).to_have_text(WRONG_LOGIN)
    expect(page.locator(".field__errors")).to_have_count(0)
    expect(page.locator("[aria-invalid=true]")).to_have_count(0)
    expect(page.get_by_label("E-mail")).to_have_value(person.email)
    expect(page.get_by_label("Password")).to_have_value("")  # never sent back to the browser
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator(".user-name")).to_have_count(0)
    check_page(page, "wrong-password")


# --- c. invite and join ------------------------------------------------------------------------


def test_facilitator_invites_an_observer_who_joins_with_the_link_once(
    page, js, seed, open_page, check_page
):
    facilitator = seed.user()
    space = seed.workspace(facilitator)
    note = f"Olli Observer {seed.tag()}"

    log_in(page, facilitator)
    page.goto(space.path)
    page.locator(".tabs").get_by_role("link", name="People and organisations").click()
    expect(page).to_have_url(re.compile(rf"{space.people_path}$"))
    check_page(page, "1-people")

    people_url = page.url
    if js:
        set_marker(page)
    invitations = page.locator("#invitations")
    invitations.get_by_label("Role", exact=True).select_option(label="Observer")
    invitations.get_by_label("For whom").fill(note)
    invitations.get_by_role("button", name="Create invitation link").click()

    link_field = page.get_by_label("Invitation link (shown only now):")
    expect(link_field).to_be_visible()
    if js:
        expect(page).to_have_url(people_url)
        assert_marker_survived(page)
    else:
        expect(page).to_have_url(re.compile(rf"{space.people_path}(#invitations)?$"))
    expect(page.locator("#invitations li", has_text=note)).to_contain_text("Observer")
    link = link_field.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invite/[\w-]+", link), link
    check_page(page, "2-link-created")

    newcomer = open_page(js=js)
    newcomer.goto(link)
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(f"Join {space.name}")
    check_page(newcomer, "3-invitation")
    email = f"joiner-{seed.tag()}@example.fi"
    newcomer.get_by_label("Your name").fill(note)
    newcomer.get_by_label("E-mail").fill(email)
    newcomer.get_by_label("Password", exact=True).fill("a long enough password")
    newcomer.get_by_label("Password again").fill("a long enough password")
    newcomer.get_by_role("button", name="Create account and join").click()

    expect(newcomer).to_have_url(re.compile(rf"{space.path}$"))
    expect(newcomer.get_by_role("heading", level=1)).to_have_text(space.name)
    expect(newcomer.get_by_role("status")).to_contain_text(f"Welcome to {space.name}.")
    expect(newcomer.get_by_text("Your role:")).to_contain_text("Observer")
    expect(newcomer.locator(".user-name")).to_have_text(note)
    check_page(newcomer, "4-joined")

    latecomer = open_page(js=js)
    latecomer.goto(link)
    expect(latecomer.get_by_role("heading", level=1)).to_have_text(
        "This invitation link no longer works"
    )
    check_page(latecomer, "5-link-used")


# --- d. change a member's role -----------------------------------------------------------------


def test_facilitator_changes_a_participant_to_observer(page, js, seed, check_page):
    facilitator = seed.user()
    space = seed.workspace(facilitator)
    participant = seed.user(name=f"Pia Participant {seed.tag()}")
    seed.member(space, participant, Role.PARTICIPANT, by=facilitator)

    log_in(page, facilitator)
    page.goto(space.people_path)
    role = page.get_by_label(f"Role of {participant.name}")
    expect(role.locator("option:checked")).to_have_text("Participant")
    check_page(page, "1-people")

    people_url = page.url
    if js:
        set_marker(page)
    role.select_option(label="Observer")
    page.get_by_role("button", name=f"Save – {participant.name}").click()

    saved = f"Saved: {participant.name}."
    if js:
        expect(page.locator("#member-list").get_by_role("status")).to_have_text(saved)
        expect(page).to_have_url(people_url)
        assert_marker_survived(page)
    else:
        expect(page.locator(".flashes")).to_have_text(saved)
    expect(page.get_by_label(f"Role of {participant.name}").locator("option:checked")).to_have_text(
        "Observer"
    )
    check_page(page, "2-saved")

    page.reload()
    expect(page.get_by_label(f"Role of {participant.name}")).to_have_value("observer")
    expect(page.get_by_label(f"Role of {participant.name}").locator("option:checked")).to_have_text(
        "Observer"
    )
    expect(page.get_by_text(saved)).to_have_count(0)


# --- e. keyboard -------------------------------------------------------------------------------


def test_login_page_works_with_the_keyboard_alone(js_page, seed, check_page):
    page = js_page
    person = seed.user()
    page.goto("/login")
    check_page(page, "1-login")

    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    check_page(page, "2-skip-link-focused")

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(re.compile(r"/login#main$"))

    page.keyboard.press("Tab")
    expect(page.get_by_label("E-mail")).to_be_focused()
    page.keyboard.type(person.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(person.password)
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your workspaces")
    expect(page.locator(".user-name")).to_have_text(person.name)
    check_page(page, "3-logged-in")


# --- f. phone ----------------------------------------------------------------------------------


def test_people_page_and_template_preview_fit_a_phone(open_page, seed, check_page):
    page = open_page(js=True, viewport=PHONE)
    facilitator = seed.user(name="Fanni Fasilitaattori-Esimerkkinen")
    space = seed.workspace(facilitator, name=f"Esimerkkiopiston työpaikkaohjaajat {seed.tag()}")
    seed.organisation(space, "Esimerkkiyritys Oy")
    member = seed.user(name="Teemu Työpaikkaohjaaja")
    seed.member(space, member, Role.PARTICIPANT, by=facilitator)

    log_in(page, facilitator)
    page.goto(space.people_path)
    expect(page.get_by_label(f"Role of {member.name}")).to_be_visible()
    assert_fits_sideways(page)
    check_page(page, "1-people")

    page.goto("/templates/apprenticeship")
    region = page.get_by_role("region", name="Journey map")
    expect(region).to_be_visible()
    assert_fits_sideways(page)
    sizes = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert sizes[0] > sizes[1], f"the journey table does not scroll in its own region: {sizes}"
    # The region takes keyboard focus, so the table can be scrolled without a mouse too.
    region.focus()
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.blueprint-scroll').scrollLeft > 0", timeout=5000
    )
    assert_fits_sideways(page)
    check_page(page, "2-template-preview")


# --- g. template preview -----------------------------------------------------------------------


def test_template_preview_shows_stages_across_and_lanes_down(js_page, seed, check_page):
    page = js_page
    data = journey("apprenticeship")
    stages = [stage["title"]["en"] for stage in data["stages"]]
    lanes = [lane["title"]["en"] for lane in data["lanes"]]
    assert "Workplace instructor" in lanes
    step = data["steps"][0]
    step_lane = next(lane["title"]["en"] for lane in data["lanes"] if lane["id"] == step["lane"])
    step_column = [stage["id"] for stage in data["stages"]].index(step["stage"])

    log_in(page, seed.user())
    page.goto("/templates/apprenticeship")
    expect(page.get_by_role("heading", level=1)).to_have_text(data["title"]["en"])

    table = page.get_by_role("table", name="Journey map")
    expect(table.get_by_role("columnheader")).to_have_count(len(stages))
    expect(table.get_by_role("columnheader")).to_contain_text(stages)
    expect(table.get_by_role("rowheader")).to_have_count(len(lanes))
    expect(table.get_by_role("rowheader")).to_contain_text(lanes)
    expect(table.get_by_role("rowheader", name="Workplace instructor", exact=True)).to_be_visible()

    lane_row = table.locator("tbody tr").filter(has=page.get_by_role("rowheader", name=step_lane))
    cell = lane_row.locator("td").nth(step_column)
    expect(cell.get_by_role("heading", name=step["title"]["en"])).to_be_visible()
    check_page(page, "preview")
