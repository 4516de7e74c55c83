"""Design sprints in a browser: plan, run and close one, its PDF, share links and the keyboard.

Tests that take the `page` fixture run twice (ids js-on / js-off, see conftest.py). The sprint
pages are plain forms and redirects; JavaScript only adds the busy state of the PDF button.
The summary page is a printable document without htmx, so it is checked with `check_document`
(axe and a screenshot) instead of `check_page`. Journeys, critical points and the sprints the
PDF and sharing tests start from are written straight into the live server's database.
"""

import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from flask_babel import force_locale
from flask_babel import gettext as _
from playwright.sync_api import Download, Locator, Page, expect

from tests.browser.conftest import SCREENSHOTS, Person, Space, assert_accessible, js_enabled, log_in
from tests.browser.test_critical_points import CONTRACT, JourneyRef, add_point, make_journey
from workshop import filenames
from workshop.accounts import services as accounts
from workshop.accounts.models import OrganisationKind, User, Workspace
from workshop.critical_points.models import ReporterRole
from workshop.extensions import db
from workshop.sprints import services as sprints
from workshop.sprints.models import DecisionStatus, ExperimentStatus, Sprint

DOWNLOAD_PDF = "Download PDF"
MAKING_PDF = "Making the PDF…"
PDF_READY = "The PDF is ready."
CLOSED_NOTICE = "This sprint is closed: it is kept as it was and can no longer be changed."
GONE = "This link has been withdrawn or has expired. Ask the sender for a new one."
PDF_TO_PNG = ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "3"]  # the first 3 pages


def translated(app: Flask, language: str, message: str) -> str:
    """A message in another language, as the app translates it (as the integration tests do)."""
    with app.app_context(), force_locale(language):
        text = _(message)
    assert text != message or language == "en", f"{message!r} is not translated to {language}"
    return text


# --- data --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SprintRef:
    id: int
    title: str
    space: Space
    guest: str
    point: str

    @property
    def url(self) -> str:
        return f"/w/{self.space.id}/sprints/{self.id}"

    @property
    def summary_url(self) -> str:
        return f"{self.url}/summary"


def make_sprint(
    app: Flask,
    space: Space,
    owner: Person,
    journey: JourneyRef,
    title: str,
    tag: str,
) -> SprintRef:
    """A closed sprint on the journey: a critical point, a guest, a running experiment and a
    decision owned by someone outside the workspace."""
    point = f"The contract reaches the employer too late {tag}"
    point_id = add_point(app, space, owner, journey, CONTRACT, point, 3, quote=f"Too late. {tag}")
    guest = f"Kalle Kivijalka {tag}"
    with app.app_context():
        workspace = db.session.get(Workspace, space.id)
        user = db.session.get(User, owner.id)
        sprint = sprints.create_sprint(
            workspace,
            user,
            sprints.SprintData(
                title,
                "How might employers get the contract in time?",
                date(2026, 3, 2),
                date(2026, 3, 20),
                ["Understand", "Experiment", "Decide"],
                [journey.id],
            ),
        )
        sprints.start_sprint(sprint)
        company = accounts.add_organisation(
            workspace, f"Rakennus Oy {tag}", OrganisationKind.EMPLOYER
        )
        sprints.add_participant(
            sprint, sprints.ParticipantData(None, guest, ReporterRole.EMPLOYER, company.id, False)
        )
        sprints.add_experiment(
            sprint,
            user,
            sprints.ExperimentData(
                title=f"Contract checklist {tag}",
                hypothesis="We believe that a checklist gets the contract signed a week earlier.",
                change="A one-page checklist sent with the first e-mail.",
                owner="Teacher Tiina",
                starts_on=date(2026, 3, 4),
                ends_on=date(2026, 3, 18),
                success_measure="Three of four contracts signed before the start.",
                result="",
                status=ExperimentStatus.RUNNING,
                point_ids=[point_id],
            ),
        )
        sprints.add_decision(
            sprint,
            sprints.DecisionData(
                text=f"Send the checklist to every new employer {tag}",
                owner_user_id=None,
                owner_name="Eeva Employer",
                owner_organisation_id=company.id,
                due_on=date(2026, 4, 1),
                status=DecisionStatus.IN_PROGRESS,
            ),
        )
        sprints.close_sprint(sprint, user)
        db.session.commit()
        return SprintRef(sprint.id, title, space, guest, point)


def sprint_status(app: Flask, sprint_id: int) -> str:
    with app.app_context():
        return db.session.get(Sprint, sprint_id).status.value


def facilitator_with_journey(seed) -> tuple[Person, Space, JourneyRef]:
    facilitator = seed.user(name=f"Fiia Facilitator {seed.tag()}")
    space = seed.workspace(facilitator)
    journey = make_journey(seed.app, space, facilitator, f"Apprenticeship journey {seed.tag()}")
    return facilitator, space, journey


# --- pages that are documents, PDFs ------------------------------------------------------------


@pytest.fixture
def check_document(open_page, screenshot) -> Callable[[Page, str], None]:
    """check_page for the summary: axe and a screenshot, but no htmx (a document has none).

    With JavaScript off, axe runs on a snapshot of the page in a JS-on inspector page.
    """
    inspectors: list[Page] = []

    def check(page: Page, step: str) -> None:
        page.wait_for_load_state("load")
        inspector = None
        if not js_enabled(page):
            if not inspectors:
                inspectors.append(open_page(js=True, viewport=page.viewport_size))
            inspector = inspectors[0]
        screenshot(page, step)
        assert_accessible(page, inspector)

    return check


@pytest.fixture
def keep_pdf(request) -> Callable[[Download, str], bytes]:
    """keep_pdf(download, step): save the PDF beside the screenshots, with its first 3 pages
    as PNGs for a human to look at; the file's bytes."""

    def keep(download: Download, step: str) -> bytes:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"-?chromium(?=\]|-)", "", request.node.name)
        prefix = "-".join(
            re.sub(r"[^A-Za-z0-9_.-]+", "-", part).strip("-") for part in (name, step)
        )
        path = SCREENSHOTS / f"{prefix}.pdf"
        download.save_as(path)
        data = path.read_bytes()
        assert data.startswith(b"%PDF"), data[:20]
        subprocess.run(
            [*PDF_TO_PNG, str(path), str(SCREENSHOTS / prefix)], check=True, capture_output=True
        )
        assert list(SCREENSHOTS.glob(f"{prefix}-*.png")), f"pdftoppm made no pages of {path}"
        return data

    return keep


def pdf_text(data: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True)
    return " ".join(out.stdout.decode().split())


def is_pdf_name(name: str, sprint_title: str) -> bool:
    """A summary PDF's file name: journeys, the sprint and the day, e.g. `…_contract-…_2026-12-06.pdf`."""
    return bool(re.fullmatch(r"[\w-]+_[\w-]+_\d{4}-\d{2}-\d{2}\.pdf", name)) and (
        filenames.slug(sprint_title, ascii_only=False) in name
    )


def read_download(download: Download) -> bytes:
    with open(download.path(), "rb") as f:
        return f.read()


# Records every state the PDF button passes through, so that a busy state shorter than one
# poll of expect() (a small PDF is made in well under a second) is still seen.
WATCH_BUTTON = """form => {
    const button = form.querySelector("button[data-busy-text]");
    const status = form.querySelector("[role=status]");
    if (window.__pdfWatch) window.__pdfWatch.disconnect();
    window.__pdfStates = [];
    window.__pdfWatch = new MutationObserver(() => window.__pdfStates.push({
        busy: button.getAttribute("aria-busy"),
        label: button.textContent.trim(),
        status: status.textContent.trim(),
    }));
    window.__pdfWatch.observe(
        form, {attributes: true, childList: true, characterData: true, subtree: true}
    );
}"""


def pdf_button_states(page: Page) -> list[dict]:
    return page.evaluate("() => window.__pdfStates")


def expect_busy_then_ready(page: Page, form: Locator) -> None:
    """The button said it was busy right after the click, and is back to normal now."""
    states = pdf_button_states(page)
    assert states, "the PDF button never changed"
    assert states[0] == {"busy": "true", "label": MAKING_PDF, "status": MAKING_PDF}, states
    # The cookie the server sent with the file tells the page it has arrived.
    button = form.locator("button[data-busy-text]")
    expect(button).to_have_text(DOWNLOAD_PDF)
    expect(button).not_to_have_attribute("aria-busy", "true")
    expect(form.get_by_role("status")).to_have_text(PDF_READY)


def download_pdf(page: Page, form: Locator) -> Download:
    """Click the form's Download PDF button; with JavaScript, watch it say it is busy."""
    if js_enabled(page):
        form.evaluate(WATCH_BUTTON)
    with page.expect_download() as info:
        form.get_by_role("button", name=DOWNLOAD_PDF).click()
    download = info.value
    assert download.failure() is None, download.failure()
    if js_enabled(page):
        expect_busy_then_ready(page, form)
    return download


def expect_flash(page: Page, text: str) -> None:
    expect(page.locator(".flashes[role=status]")).to_contain_text(text)


def expect_focus_visible(locator: Locator) -> None:
    """Focused, and drawn with an outline a sighted keyboard user can see."""
    expect(locator).to_be_focused()
    ring = locator.evaluate(
        """el => {
            const s = getComputedStyle(el);
            return {visible: el.matches(":focus-visible"), style: s.outlineStyle,
                    width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow};
        }"""
    )
    assert ring["visible"], f"no :focus-visible on {locator}"
    assert (ring["style"] != "none" and ring["width"] >= 2) or ring["shadow"] != "none", ring


# --- 1. plan, run and close a sprint -----------------------------------------------------------


def test_facilitator_plans_runs_and_closes_a_sprint(page, seed, check_page, check_document):
    facilitator, space, journey = facilitator_with_journey(seed)
    tag = seed.tag()
    point = f"Nobody tells the employer who to call {tag}"
    add_point(seed.app, space, facilitator, journey, CONTRACT, point, 3)
    title = f"Spring sprint {tag}"
    challenge = "How might employers get the contract in time?"
    phases = ["Understand", "Try out", "Decide"]
    guest = f"Kalle Kivijalka {tag}"
    company = f"Rakennus Oy {tag}"
    experiment = f"Contract checklist {tag}"
    decision = f"Send the checklist to every new employer {tag}"
    outsider = f"Eeva Employer {tag}"

    log_in(page, facilitator)
    page.goto(space.path)
    page.locator(".tabs").get_by_role("link", name="Design sprints").click()
    expect(page).to_have_url(re.compile(rf"/w/{space.id}/sprints/$"))
    expect(page.get_by_role("heading", level=2)).to_have_text("Design sprints")
    expect(page.get_by_text("No sprints yet.")).to_be_visible()
    check_page(page, "1-list-empty")

    page.get_by_role("link", name="New sprint").click()
    expect(page).to_have_url(re.compile(rf"/w/{space.id}/sprints/new$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("New sprint")
    # The phases start from the default five.
    expect(page.get_by_label("Phases")).to_have_value(
        "Understand\nDefine\nIdeate\nExperiment\nDecide"
    )
    check_page(page, "2-form")

    page.get_by_label("Title").fill(title)
    page.get_by_label("Challenge").fill(challenge)
    page.get_by_label("Starts").fill("2026-03-02")
    page.get_by_label("Ends").fill("2026-03-20")
    page.get_by_role("checkbox", name=journey.name).check()
    page.get_by_label("Phases").fill("\n".join(phases))
    page.get_by_role("button", name="Save").click()

    expect_flash(page, "Sprint planned.")
    expect(page).to_have_url(re.compile(rf"/w/{space.id}/sprints/\d+$"))
    sprint_url = page.url
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(title)
    expect(heading.locator(".status")).to_have_text("Planned")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("2026")
    expect(facts.get_by_role("link", name=journey.name)).to_be_visible()
    expect(page.locator(".phase-list li")).to_have_text(phases)
    expect(page.get_by_role("region", name="Challenge")).to_contain_text(challenge)
    # The one who planned it facilitates it.
    people = page.get_by_role("region", name="Participants")
    expect(people.get_by_role("row", name=re.compile(re.escape(facilitator.name)))).to_contain_text(
        "(facilitator)"
    )
    expect(page.get_by_role("button", name="Close the sprint")).to_have_count(0)
    check_page(page, "3-planned")

    page.get_by_role("button", name="Start the sprint").click()
    expect_flash(page, "The sprint is running.")
    expect(page).to_have_url(sprint_url)
    expect(heading.locator(".status")).to_have_text("Running")
    expect(page.get_by_role("button", name="Start the sprint")).to_have_count(0)

    people.get_by_text("Add a participant").click()
    people.get_by_label("…or a guest's name").fill(guest)
    people.get_by_label("Role", exact=True).select_option(label="Employer")
    people.get_by_label("…or a new organisation").fill(company)
    people.get_by_role("button", name="Add", exact=True).click()

    expect_flash(page, "Participant added.")
    guest_row = people.get_by_role("row", name=re.compile(re.escape(guest)))
    expect(guest_row).to_contain_text("(guest)")
    expect(guest_row).to_contain_text("Employer")
    expect(guest_row).to_contain_text(company)
    check_page(page, "4-running")

    experiments = page.get_by_role("region", name="Experiments")
    expect(experiments).to_contain_text("No experiments yet.")
    experiments.get_by_role("link", name="New experiment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New experiment")
    expect(page.get_by_role("checkbox", name=f"{point} ({journey.name})")).not_to_be_checked()
    check_page(page, "5-experiment-form")

    page.get_by_label("Title").fill(experiment)
    page.get_by_label("Hypothesis").fill(
        "We believe that a checklist gets contracts signed sooner."
    )
    page.get_by_label("What is tried").fill("A one-page checklist sent with the first e-mail.")
    page.get_by_label("Owner").fill("Teacher Tiina")
    page.get_by_label("Status").select_option(label="Running")
    page.get_by_role("checkbox", name=f"{point} ({journey.name})").check()
    page.get_by_role("button", name="Save").click()

    expect_flash(page, "Experiment added.")
    expect(page).to_have_url(sprint_url)
    row = experiments.locator("li.item-row").filter(has_text=experiment)
    expect(row.locator(".status")).to_have_text("Running")
    expect(row).to_contain_text("Teacher Tiina")
    expect(row.get_by_role("link", name=point)).to_be_visible()

    decisions = page.get_by_role("region", name="Decisions and actions")
    decisions.get_by_role("link", name="New decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New decision")
    check_page(page, "6-decision-form")

    page.get_by_label("What was decided").fill(decision)
    expect(page.get_by_label("Owner (a member)").locator("option:checked")).to_have_text(
        "Nobody yet"
    )
    page.get_by_label("…or someone outside the workspace").fill(outsider)
    page.get_by_label("Their organisation").select_option(label=company)
    page.get_by_label("Due").fill("2026-04-01")
    page.get_by_label("Status").select_option(label="In progress")
    page.get_by_role("button", name="Save").click()

    expect_flash(page, "Decision added.")
    decision_row = decisions.get_by_role("row", name=re.compile(re.escape(decision)))
    expect(decision_row).to_contain_text(outsider)
    expect(decision_row).to_contain_text(company)
    expect(decision_row).to_contain_text("In progress")
    check_page(page, "7-running-with-work")

    close = page.get_by_role("button", name="Close the sprint")
    if js_enabled(page):
        # The browser asks first, naming the sprint: "no" leaves it running, "yes" closes it.
        questions: list[str] = []
        page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
        close.click()
        expect(heading.locator(".status")).to_have_text("Running")
        page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
        close.click()
        expect(heading.locator(".status")).to_have_text("Closed")
        assert len(questions) == 2 and all(title in q for q in questions), questions
    else:
        # Without a script the question is a page of its own, with the consequences.
        close.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Close the sprint “{title}”?")
        expect(page.get_by_role("link", name="Cancel")).to_be_visible()
        check_page(page, "7b-close-question")
        page.get_by_role("button", name="Close the sprint").click()
    expect_flash(page, "Sprint closed. Its summary is now kept as it is.")
    expect(page).to_have_url(sprint_url)
    expect(heading.locator(".status")).to_have_text("Closed")
    expect(page.get_by_text("Closed on ")).to_contain_text(f"by {facilitator.name}")
    # Nothing left to change: no edit, add, status or remove controls.
    for name in ("Edit the sprint", "New experiment", "New decision"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    for name in ("Start the sprint", "Close the sprint", "Delete the sprint", "Add"):
        expect(page.get_by_role("button", name=name, exact=True)).to_have_count(0)
    expect(page.get_by_text("Add a participant")).to_have_count(0)
    expect(people.get_by_role("button", name=re.compile("^Remove"))).to_have_count(0)
    # What stays: the record itself, the summary and the PDF.
    expect(guest_row).to_be_visible()
    expect(row).to_be_visible()
    expect(decision_row).to_be_visible()
    expect(page.get_by_role("button", name=DOWNLOAD_PDF)).to_be_visible()
    check_page(page, "8-closed")
    assert sprint_status(seed.app, int(sprint_url.rsplit("/", 1)[1])) == "closed"

    # An experiment of a closed sprint opens read-only.
    row.get_by_role("link", name=experiment).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(experiment)
    expect(page.get_by_text(CLOSED_NOTICE)).to_be_visible()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    expect(page.get_by_role("button", name="Delete the experiment")).to_have_count(0)
    page.go_back()

    page.get_by_role("link", name="Open the summary page").click()
    expect(page).to_have_url(re.compile(r"/sprints/\d+/summary$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_text("From the snapshot frozen when the sprint closed.")).to_be_visible()
    top = page.locator("ol.top-list")
    expect(top).to_contain_text(point)
    ranked = page.get_by_role("region", name="Critical points, ranked")
    expect(ranked.get_by_role("listitem").filter(has_text=point)).to_contain_text("Being tested")
    summary_decisions = page.get_by_role("region", name="Decisions and actions")
    decision_owner = summary_decisions.get_by_role("row", name=re.compile(re.escape(decision)))
    # Without names, the owner from outside is shown by organisation only.
    expect(decision_owner).to_contain_text(company)
    expect(decision_owner).not_to_contain_text(outsider)
    # Without asking for names, the participants are counted by organisation, not named.
    summary_people = page.get_by_role("region", name="Participants")
    expect(summary_people).to_contain_text(company)
    expect(summary_people).not_to_contain_text(guest)
    check_document(page, "9-summary")

    page.get_by_role("link", name="Back to the sprint").click()
    page.locator(".breadcrumb").get_by_role("link", name="Design sprints").click()
    listed = page.get_by_role("row", name=re.compile(re.escape(title)))
    expect(listed.locator(".status")).to_have_text("Closed")
    expect(listed).to_contain_text(journey.name)
    check_page(page, "10-list")


# --- 2. the PDF in Finnish and Swedish ---------------------------------------------------------


def test_facilitator_downloads_the_pdf_in_finnish_and_in_swedish(
    page, seed, check_page, check_document, keep_pdf
):
    facilitator, space, journey = facilitator_with_journey(seed)
    tag = seed.tag()
    sprint = make_sprint(seed.app, space, facilitator, journey, f"Spring sprint {tag}", tag)
    headings = {lang: translated(seed.app, lang, "Decisions and actions") for lang in ("fi", "sv")}
    ranked = {lang: translated(seed.app, lang, "Critical points, ranked") for lang in ("fi", "sv")}

    log_in(page, facilitator)
    page.goto(sprint.url)
    form = page.get_by_role("region", name="Summary and PDF").locator("form[data-pdf-form]")
    expect(form.get_by_label("Language of the PDF").locator("option")).to_have_text(
        ["Suomi", "Svenska", "English"]
    )
    check_page(page, "1-sprint")

    # Finnish, with the participants' names.
    form.get_by_label("Language of the PDF").select_option(label="Suomi")
    form.get_by_label("Include participants' names").check()
    download = download_pdf(page, form)
    assert is_pdf_name(download.suggested_filename, sprint.title)
    text = pdf_text(keep_pdf(download, "pdf-fi"))
    assert sprint.title in text
    assert sprint.point in text
    assert headings["fi"] in text and ranked["fi"] in text
    assert headings["sv"] not in text
    assert sprint.guest in text, "names were asked for"

    # Swedish, without names.
    form.get_by_label("Language of the PDF").select_option(label="Svenska")
    form.get_by_label("Include participants' names").uncheck()
    download = download_pdf(page, form)
    assert is_pdf_name(download.suggested_filename, sprint.title)
    text = pdf_text(keep_pdf(download, "pdf-sv"))
    assert sprint.title in text
    assert headings["sv"] in text and ranked["sv"] in text
    assert headings["fi"] not in text
    assert sprint.guest not in text, "names were not asked for"

    # The page itself stays where it was, in English.
    expect(page).to_have_url(re.compile(re.escape(sprint.url) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    check_page(page, "2-after-downloads")

    # The same pages for a Finnish-speaking facilitator, and the preview in both languages.
    page.locator(".language-switcher").get_by_role("button", name="Suomi").click()
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page).to_have_url(re.compile(re.escape(sprint.url) + "$"))
    summary_title = translated(seed.app, "fi", "Summary and PDF")
    expect(page.get_by_role("heading", level=2, name=summary_title)).to_be_visible()
    check_page(page, "3-sprint-fi")
    for lang in ("fi", "sv"):
        page.goto(f"{sprint.summary_url}?lang={lang}")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(page.get_by_role("heading", level=2, name=headings[lang])).to_be_visible()
        check_document(page, f"4-summary-{lang}")


# --- 3. share links ----------------------------------------------------------------------------


def test_a_share_link_opens_the_summary_in_a_private_window_until_withdrawn(
    page, js, seed, open_page, check_page, check_document, keep_pdf
):
    facilitator, space, journey = facilitator_with_journey(seed)
    tag = seed.tag()
    sprint = make_sprint(seed.app, space, facilitator, journey, f"Shared sprint {tag}", tag)
    label = f"Partner companies {tag}"

    log_in(page, facilitator)
    page.goto(sprint.url)
    sharing = page.get_by_role("region", name="Share links")
    sharing.get_by_label("Who it is for").fill(label)
    sharing.get_by_role("button", name="Make a share link").click()

    link_field = page.get_by_label("Copy the link now: it is shown only once.")
    expect(link_field).to_be_visible()
    expect(page.get_by_text("Copy the link now: it is shown only once.")).to_be_visible()
    link = link_field.input_value()
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/shared/[\w-]+", link), link
    link_row = sharing.get_by_role("row", name=re.compile(re.escape(label)))
    expect(link_row).to_contain_text("Works")
    check_page(page, "1-link-made")

    # A private window: a context of its own, with no cookies.
    guest = open_page(js=js)
    response = guest.goto(link)
    assert response.status == 200
    expect(guest.get_by_role("heading", level=1)).to_have_text(sprint.title)
    expect(guest.locator("ol.top-list")).to_contain_text(sprint.point)
    expect(guest.get_by_role("link", name="Back to the sprint")).to_have_count(0)
    # Names are never shared, so the choice is not even offered.
    expect(guest.get_by_label("Include participants' names")).to_have_count(0)
    expect(guest.get_by_text(sprint.guest)).to_have_count(0)
    check_document(guest, "2-shared")

    bar = guest.get_by_role("navigation", name="Summary").locator("form[data-pdf-form]")
    bar.get_by_label("Language").select_option(label="English")
    text = pdf_text(keep_pdf(download_pdf(guest, bar), "shared-pdf"))
    assert sprint.title in text and sprint.point in text
    assert sprint.guest not in text

    # The link opens the summary and nothing else.
    guest.goto(sprint.url)
    expect(guest).to_have_url(re.compile(r"/login(\?|$)"))
    expect(guest.get_by_role("heading", level=1)).to_have_text("Log in to Polku")

    page.goto(sprint.url)
    if js_enabled(page):
        page.once("dialog", lambda dialog: dialog.accept())
        sharing.get_by_role("button", name=f"Withdraw {label}").click()
    else:
        sharing.get_by_role("button", name=f"Withdraw {label}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"Withdraw the share link “{label}”?"
        )
        page.get_by_role("button", name="Withdraw the link").click()
    expect_flash(page, "Share link withdrawn.")
    expect(link_row).to_contain_text("Withdrawn")
    expect(link_row.get_by_role("button", name=f"Withdraw {label}")).to_have_count(0)
    expect(link_row.get_by_role("button", name=f"Restore {label}")).to_be_visible()
    check_page(page, "2b-withdrawn-restorable")

    response = guest.goto(link)
    assert response.status == 410
    expect(guest.get_by_role("heading", level=1)).to_have_text("No longer available")
    expect(guest.get_by_text(GONE)).to_be_visible()
    check_page(guest, "3-withdrawn")
    assert guest.request.get(link + "/summary.pdf").status == 410

    # Withdrawn by mistake: restored, the same address works again.
    link_row.get_by_role("button", name=f"Restore {label}").click()
    expect_flash(page, "Share link restored: it works again.")
    expect(link_row).to_contain_text("Works")
    assert guest.goto(link).status == 200


# --- 4. keyboard -------------------------------------------------------------------------------


def test_summary_preview_downloads_the_pdf_with_the_keyboard(js_page, seed, check_document):
    page = js_page
    facilitator, space, journey = facilitator_with_journey(seed)
    tag = seed.tag()
    sprint = make_sprint(seed.app, space, facilitator, journey, f"Keyboard sprint {tag}", tag)

    log_in(page, facilitator)
    page.goto(sprint.summary_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(sprint.title)
    check_document(page, "1-summary")

    bar = page.get_by_role("navigation", name="Summary")
    page.keyboard.press("Tab")
    expect_focus_visible(bar.get_by_role("link", name="Back to the sprint"))
    page.keyboard.press("Tab")
    language = bar.get_by_label("Language")
    expect_focus_visible(language)
    check_document(page, "2-language-focused")
    page.keyboard.press("Tab")
    expect_focus_visible(bar.get_by_label("Include participants' names"))
    page.keyboard.press("Tab")
    expect_focus_visible(bar.get_by_label("Include the staff self-assessment"))
    page.keyboard.press("Tab")
    button = bar.locator("button[data-busy-text]")
    expect(button).to_have_text(DOWNLOAD_PDF)
    expect_focus_visible(button)
    check_document(page, "3-button-focused")

    form = bar.locator("form[data-pdf-form]")
    form.evaluate(WATCH_BUTTON)
    with page.expect_download() as info:
        page.keyboard.press("Enter")
    assert is_pdf_name(info.value.suggested_filename, sprint.title)
    assert read_download(info.value).startswith(b"%PDF")
    expect_busy_then_ready(page, form)
    expect(button).to_be_focused()
