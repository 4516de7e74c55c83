"""A live workshop with a laptop and a phone side by side: the facilitator starts a session and
shows the projector, a participant joins by the QR address, reports privately, the facilitator
reveals, the room votes within its budget, the timer counts on every screen, the session ends.
A participant without JavaScript takes part with plain forms."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.test_sprints import facilitator_with_journey
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.sprints import services as sprints

# The projector and phones poll every 2 s: a change shows without a reload (10 s: a loaded CI).
WITHIN = 10_000


def running_sprint(seed, tag):
    """A running sprint on a fresh English apprenticeship journey, and its facilitator."""
    facilitator, space, journey = facilitator_with_journey(seed)
    with seed.app.app_context():
        sprint = sprints.create_sprint(
            db.session.get(Workspace, space.id),
            db.session.get(User, facilitator.id),
            sprints.SprintData(
                f"Workshop {tag}", "", None, None, ["Understand", "Vote"], [journey.id]
            ),
        )
        sprints.start_sprint(sprint)
        db.session.commit()
        return facilitator, f"/w/{space.id}/sprints/{sprint.id}", journey


def start_session(laptop: Page, sprint_url: str, budget: int = 3) -> str:
    """From the sprint page to a started session; the join address."""
    laptop.goto(sprint_url)
    laptop.get_by_role("link", name="Start a live session").click()
    laptop.get_by_label("Dots per participant").fill(str(budget))
    laptop.get_by_role("button", name="Start the live session").click()
    expect(laptop.locator(".flashes")).to_contain_text("The live session has started.")
    return laptop.locator(".copy-field a").get_attribute("href")


def open_projector(laptop: Page) -> Page:
    with laptop.context.expect_page() as opened:
        laptop.get_by_role("link", name=re.compile("Open the projector view")).click()
    projector = opened.value
    projector.wait_for_load_state()
    return projector


def show_on_projector(
    laptop: Page, what: str, step: str | None = None, text: str | None = None, expect_shown=True
) -> None:
    """Choose on the console what the projector shows."""
    form = laptop.locator("#presenter-control form")
    form.get_by_label(what, exact=True).check()
    if step is not None:
        choose_step(form.get_by_label("Step", exact=True), step)
    if text is not None:
        form.get_by_label("Question or instruction", exact=True).fill(text)
    form.get_by_role("button", name="Show on the projector").click()
    laptop.wait_for_load_state()
    if expect_shown:
        expect(laptop.locator("#presenter-control")).to_contain_text(f"Now showing: {what}")


def join(phone: Page, join_url: str, name: str, role: str = "Employer") -> None:
    phone.goto(join_url)
    phone.get_by_label("Your name as others see it").fill(name)
    phone.get_by_label(role, exact=True).check()
    phone.get_by_label("Organisation (optional)").fill("Konepaja Oy")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator(".live-phone__head")).to_contain_text(f"You: {name}, {role}")


def choose_step(select, step_title: str) -> None:
    """Pick a step by its title; the options read "title (lane)", grouped by stage."""
    value = select.locator("option", has_text=step_title).first.get_attribute("value")
    select.select_option(value=value)


def report(phone: Page, step_title: str, text: str, severity: str = "critical") -> None:
    form = phone.locator("#point-form")
    choose_step(form.get_by_label("Step"), step_title)
    form.get_by_label("What goes wrong?").fill(text)
    form.get_by_label(re.compile(rf"\b{severity}$")).check()
    form.get_by_label("Category").select_option(label="Paperwork")
    form.get_by_role("button", name="Send").click()


def console_button(laptop: Page, name: str) -> None:
    laptop.get_by_role("button", name=name).click()
    laptop.wait_for_load_state()


def timer_text(page: Page) -> str:
    return page.locator(".timer__value").first.inner_text()


def test_a_workshop_from_start_to_end_with_a_laptop_and_a_phone(open_page, seed, check_page):
    tag = seed.tag()
    facilitator, sprint_url, journey = running_sprint(seed, tag)
    laptop = open_page(js=True)
    log_in(laptop, facilitator)
    join_url = start_session(laptop, sprint_url)
    check_page(laptop, "1-console")
    projector = open_projector(laptop)
    check_page(projector, "2-projector")
    show_on_projector(laptop, "The ranking of critical points")

    phone = open_page(js=True, viewport=PHONE, has_touch=True, is_mobile=True)
    join(phone, join_url, f"Eija {tag}")
    check_page(phone, "3-phone")

    # Private input: the point stays on the phone until the reveal.
    laptop.bring_to_front()
    console_button(laptop, "Turn private input on")
    expect(phone.locator("#live-controls")).to_contain_text("Private input", timeout=WITHIN)
    secret = f"The contract comes too late {tag}"
    report(phone, "Finding a workplace for the apprenticeship", secret)
    expect(phone.locator("#point-said")).to_contain_text("Only you and the facilitators see it")
    expect(phone.locator("#live-mine")).to_contain_text(secret)
    expect(phone.locator("#live-entries")).not_to_contain_text(secret)
    expect(projector.locator("#live-controls")).to_contain_text(
        "1 private entry waits for the reveal", timeout=WITHIN
    )
    expect(projector.locator("#live-ranked")).not_to_contain_text(secret)
    check_page(phone, "4-phone-private")

    expect(laptop.locator("#console-entries")).to_contain_text(
        "1 private entry waits for the reveal", timeout=WITHIN
    )
    console_button(laptop, "Reveal the private entries")
    expect(projector.locator("#live-ranked")).to_contain_text(secret, timeout=WITHIN)
    show_on_projector(laptop, "The journey with its critical points")
    expect(projector.locator("#live-map")).to_contain_text("1 critical point", timeout=WITHIN)
    show_on_projector(laptop, "The ranking of critical points")

    # The reveal ended private input: a point now reaches the projector within one poll.
    second = f"Nobody tells the instructor the goals {tag}"
    report(
        phone, "Employer appoints a responsible workplace instructor", second, severity="serious"
    )
    expect(projector.locator("#live-ranked")).to_contain_text(second, timeout=WITHIN)

    # Voting within the budget of 2 dots. Until it opens, reporting comes first.
    expect(phone.locator("#live-actions > div").first).to_have_id("live-report")
    half_typed = phone.locator("#point-form").get_by_label("What goes wrong?")
    half_typed.fill(f"Half-typed {tag}")
    laptop.get_by_label("Dots per participant").fill("2")
    console_button(laptop, "Open voting")
    points, mine = phone.locator("#live-points"), phone.locator("#live-mine")
    said = phone.locator("#live-said")
    expect(phone.locator("#live-budget")).to_contain_text("You have 2 dots left", timeout=WITHIN)
    # The vote opened under the open page: the list of points moved above the report form,
    # and what was half-typed in the form stays.
    expect(phone.locator("#live-actions > div").first).to_have_id("live-vote")
    expect(half_typed).to_have_value(f"Half-typed {tag}")

    def add_dot(title: str) -> None:
        points.locator(".vote-row", has_text=title).get_by_role(
            "button", name=re.compile("Add a dot")
        ).click()

    add_dot(secret)
    expect(said).to_have_text("Dot added. 1 dot left.")
    add_dot(secret)
    expect(said).to_have_text("Dot added. 0 dots left.")
    expect(mine.locator(".my-dot")).to_contain_text(f"{secret}: 2 dots")
    add_dot(second)
    expect(said).to_contain_text("You have used all your dots")
    expect(projector.locator("#live-ranked li").first).to_contain_text("2 dots", timeout=WITHIN)
    expect(projector.locator("#live-ranked li").first).to_contain_text(secret)
    check_page(phone, "5-phone-voted")
    # Taking one back frees it for another point.
    phone.locator("summary", has_text="Your dots and entries").click()
    mine.get_by_role("button", name=re.compile("Take one back")).click()
    expect(said).to_have_text("Dot taken back. 1 dot left.")
    add_dot(second)
    expect(points.locator(".vote-row", has_text=second)).to_contain_text("1 dot")

    # The timer: the server decides, both screens count.
    laptop.get_by_label("Minutes").fill("5")
    console_button(laptop, "Start")
    expect(phone.locator(".timer__value")).to_have_text(re.compile(r"^4:5\d$"), timeout=WITHIN)
    expect(projector.locator(".timer__value")).to_have_text(re.compile(r"^4:5\d$"), timeout=WITHIN)
    shown = timer_text(phone)
    expect(phone.locator(".timer__value")).not_to_have_text(shown, timeout=WITHIN)
    check_page(projector, "6-projector-voted")

    # The end: the phone can only look.
    laptop.once("dialog", lambda dialog: dialog.accept())  # "End the live session …?"
    console_button(laptop, "End the live session")
    expect(phone.locator("#live-controls")).to_contain_text("The session has ended", timeout=WITHIN)
    expect(phone.locator("#point-form").get_by_label("What goes wrong?")).to_be_disabled()
    check_page(phone, "7-phone-ended")
    ended = open_page(js=True, viewport=PHONE)
    ended.goto(join_url)
    expect(ended.get_by_role("heading", level=1)).to_have_text("The workshop has ended")
    check_page(ended, "8-code-ended")


def test_a_participant_without_javascript_reports_and_votes_with_plain_forms(
    open_page, seed, check_page
):
    tag = seed.tag()
    facilitator, sprint_url, journey = running_sprint(seed, tag)
    laptop = open_page(js=True)
    log_in(laptop, facilitator)
    join_url = start_session(laptop, sprint_url)
    console_button(laptop, "Open voting")
    show_on_projector(laptop, "The ranking of critical points")
    projector = open_projector(laptop)

    phone = open_page(js=False, viewport=PHONE)
    # The code typed by hand, as someone without the QR would.
    phone.goto("/j/")
    check_page(phone, "0-code")
    phone.get_by_label("Join code").fill(join_url.rsplit("/", 1)[1].lower())
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_label("Your name as others see it")).to_be_visible()
    check_page(phone, "0-join")
    join(phone, join_url, f"Pekka {tag}", role="Workplace instructor")
    check_page(phone, "1-phone-nojs")
    text = f"No time set aside for instructing {tag}"
    report(phone, "Employer appoints a responsible workplace instructor", text)
    expect(phone.locator("#point-said")).to_contain_text("the critical point is on the journey")
    expect(projector.locator("#live-ranked")).to_contain_text(text, timeout=WITHIN)

    phone.locator(".vote-row", has_text=text).get_by_role(
        "button", name=re.compile("Add a dot")
    ).click()
    expect(phone.locator("#live-said")).to_contain_text("Dot added. 2 dots left.")
    expect(phone.locator("#live-mine .my-dot")).to_contain_text(f"{text}: 1 dot")
    expect(projector.locator("#live-ranked li", has_text=text)).to_contain_text(
        "1 dot", timeout=WITHIN
    )
    # A refused form comes back with what was typed (maxlength taken off, as an old browser
    # or a hand-made request would send it).
    text_box = phone.locator("#point-form").get_by_label("What goes wrong?")
    text_box.evaluate("(box) => box.removeAttribute('maxlength')")
    text_box.fill("x" * 501)
    phone.locator("#point-form").get_by_role("button", name="Send").click()
    expect(phone.locator("#point-form")).to_contain_text("At most 500 characters")
    expect(phone.locator("#point-form").get_by_label("What goes wrong?")).to_have_value("x" * 501)
    check_page(phone, "2-phone-nojs-refused")


def test_a_dropped_connection_shows_reconnecting_and_loses_nothing_typed(open_page, seed):
    tag = seed.tag()
    facilitator, sprint_url, journey = running_sprint(seed, tag)
    laptop = open_page(js=True)
    log_in(laptop, facilitator)
    join_url = start_session(laptop, sprint_url)
    show_on_projector(laptop, "The ranking of critical points")
    projector = open_projector(laptop)
    phone = open_page(js=True, viewport=PHONE)
    join(phone, join_url, f"Sari {tag}")

    phone.context.set_offline(True)
    expect(phone.locator("#live-connection")).to_have_text(
        re.compile("Reconnecting"), timeout=WITHIN + 2000
    )
    typed = f"Typed while offline {tag}"
    report(phone, "Employer appoints a responsible workplace instructor", typed)
    expect(phone.locator("#point-form").get_by_label("What goes wrong?")).to_have_value(typed)
    # A reload in the dead zone keeps the draft too.
    phone.context.set_offline(False)
    phone.reload()
    expect(phone.locator("#point-form").get_by_label("What goes wrong?")).to_have_value(typed)
    expect(phone.locator("#live-connection")).to_be_hidden(timeout=WITHIN)
    phone.locator("#point-form").get_by_label("Category").select_option(label="Paperwork")
    phone.locator("#point-form").get_by_role("button", name="Send").click()
    expect(projector.locator("#live-ranked")).to_contain_text(typed, timeout=WITHIN)
    phone.reload()
    expect(phone.locator("#point-form").get_by_label("What goes wrong?")).to_have_value("")


def test_a_phone_participant_reports_by_keyboard_alone(open_page, seed):
    tag = seed.tag()
    facilitator, sprint_url, journey = running_sprint(seed, tag)
    laptop = open_page(js=True)
    log_in(laptop, facilitator)
    join_url = start_session(laptop, sprint_url)
    phone = open_page(js=True, viewport=PHONE)
    join(phone, join_url, f"Kaisa {tag}")

    step = phone.locator("#point-step")
    step.focus()
    choose_step(step, "Employer appoints a responsible workplace instructor")
    phone.keyboard.press("Tab")
    phone.keyboard.type(f"Keyboard only {tag}")
    phone.keyboard.press("Tab")  # the severity group: "serious" is chosen
    phone.keyboard.press("ArrowRight")  # → critical
    phone.keyboard.press("Tab")  # the category list
    phone.keyboard.press("ArrowDown")
    phone.keyboard.press("Tab")
    expect(phone.locator("#point-form").get_by_role("button", name="Send")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.locator("#point-said")).to_contain_text("the critical point is on the journey")
    expect(phone.locator("#live-entries")).to_contain_text(f"Keyboard only {tag}")
