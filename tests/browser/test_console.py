"""Every kind of page, on a laptop and on a phone, leaves the browser console clean.

The Content-Security-Policy is strict (no inline scripts or styles): a page that breaks it logs
"Refused to apply inline style …" and fires a `securitypolicyviolation` event. One test walks
every kind of page a workshop meets and fails on any such event and on any console error.
"""

import re
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from tests.browser.conftest import PHONE, log_in
from tests.browser.test_critical_points import CONTRACT, INSTRUCTOR, add_point, step_title
from tests.browser.test_live import join, report
from tests.browser.test_sprints import facilitator_with_journey, make_sprint
from workshop.accounts.models import User, Workspace
from workshop.extensions import db
from workshop.journeys.models import Journey, Step
from workshop.live import services as live_services
from workshop.sprints import services as sprints
from workshop.sprints.models import Sprint

# Report every policy violation to the test, whatever page or frame it happens on.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__polkuViolation(
    `${event.violatedDirective} blocked ${event.blockedURI || "inline"} on ` +
    `${event.documentURI} (${event.sourceFile || "?"}:${event.lineNumber}) ${event.sample}`
  );
});
"""


@dataclass
class Console:
    """What the pages of the watched contexts logged as errors or reported as violations."""

    problems: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> BrowserContext:
        context.expose_function("__polkuViolation", lambda text: self.problems.append(text))
        context.add_init_script(REPORT_VIOLATIONS)
        context.on("page", self._watch_page)
        for page in context.pages:
            self._watch_page(page)
        return context

    def _watch_page(self, page: Page) -> None:
        page.on("console", lambda message: self._console(page, message))
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def _console(self, page: Page, message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        # An error page's own status is logged as a failed load; that is the page, not a fault.
        if (
            message.text.startswith("Failed to load resource")
            and message.location.get("url", "").split("#")[0] == page.url.split("#")[0]
        ):
            return
        self.problems.append(f"{page.url}: [{message.type}] {message.text}")

    def visit(self, page: Page, url: str, status: int = 200, polls: bool = False) -> None:
        response = page.goto(url)
        assert response is not None and response.status == status, (url, response)
        settle(page, polls)


def settle(page: Page, polls: bool = False) -> None:
    """Let the page's scripts run: htmx processes, pollers fire, the timer ticks."""
    page.wait_for_load_state("load")
    # A live screen polls every 2 s: wait for a poll, so a swapped-in region is checked too.
    page.wait_for_timeout(2300 if polls else 300)


def test_no_page_logs_a_console_error_or_breaks_the_content_security_policy(open_page, seed):
    app = seed.app
    tag = seed.tag()
    console = Console()

    # A closed sprint (summary, share link) and a running one with a live session on one journey.
    facilitator, space, journey = facilitator_with_journey(seed)
    closed = make_sprint(app, space, facilitator, journey, f"Closed sprint {tag}", tag)
    point_id = add_point(app, space, facilitator, journey, INSTRUCTOR, f"No instructor {tag}", 2)
    add_point(app, space, facilitator, journey, CONTRACT, f"Wage unclear {tag}", 1)
    with app.app_context():
        user = db.session.get(User, facilitator.id)
        running = sprints.create_sprint(
            db.session.get(Workspace, space.id),
            user,
            sprints.SprintData(f"Running sprint {tag}", "", None, None, ["Vote"], [journey.id]),
        )
        sprints.start_sprint(running)
        live = live_services.start_session(
            running, db.session.get(Journey, journey.id), user, 12, budget=3
        )
        live_services.set_voting(live, True, 3, False)
        live_services.timer(live, "start", 5)
        for step_id, student, employer in [
            (journey.step_ids[CONTRACT], -2, 1),
            (journey.step_ids[INSTRUCTOR], 2, -1),
        ]:
            step = db.session.get(Step, step_id)
            step.emotion_student, step.emotion_employer = student, employer
        _, share_token = sprints.create_share_link(
            db.session.get(Sprint, closed.id), user, f"Partners {tag}", None
        )
        db.session.commit()
        running_id, live_id, code = running.id, live.id, live.join_code

    laptop = open_page(js=True)
    console.watch(laptop.context)
    console.visit(laptop, "/login")
    console.visit(laptop, "/no-such-page", status=404)
    log_in(laptop, facilitator)
    settle(laptop)

    w = f"/w/{space.id}"
    pages = [
        "/",
        f"{w}/",
        f"{w}/people",
        f"{w}/journeys/",
        journey.url,
        f"{journey.url}?role=employer&severity=3",
        f"{journey.url}?view=heat",
        f"{journey.url}compare",
        f"{journey.url}structure",
        f"{journey.url}trash",
        journey.list_url,
        journey.step_url(CONTRACT),
        journey.point_url(point_id),
        f"{w}/insights",
        f"{w}/categories",
        "/templates/",
        "/templates/apprenticeship",
        f"{w}/sprints/",
        closed.url,
        closed.summary_url,
    ]
    for url in pages:
        console.visit(laptop, url)
    console.visit(laptop, f"{w}/journeys/{journey.id + 10**6}/", status=404)

    # The running sprint's live session: voting open, a timer running.
    console_url = f"{w}/sprints/{running_id}/live/"
    console.visit(laptop, console_url, polls=True)
    console.visit(laptop, f"{console_url}{live_id}/projector", polls=True)

    phone = open_page(js=True, viewport=PHONE, has_touch=True, is_mobile=True)
    console.watch(phone.context)
    console.visit(phone, "/j/")
    join(phone, f"/j/{code}", f"Eija {tag}")
    settle(phone, polls=True)
    expect(phone.locator(".timer__value")).to_have_text(re.compile(r"^\d+:\d\d$"))
    phone.locator("#live-points .vote-row").first.get_by_role(
        "button", name=re.compile("Add a dot")
    ).click()
    expect(phone.locator("#live-said")).to_contain_text("2 dots left")
    report(phone, step_title(CONTRACT), f"The wage subsidy form is unclear {tag}")
    expect(phone.locator("#live-entries")).to_contain_text(f"wage subsidy form is unclear {tag}")
    settle(phone, polls=True)
    console.visit(phone, f"/live/{live_id}/", polls=True)
    console.visit(phone, "/j/NOCODE", status=404)

    # A partner without an account opens the share link.
    partner = open_page(js=True)
    console.watch(partner.context)
    console.visit(partner, f"{w}/", status=200)  # the login page it is sent to
    console.visit(partner, f"/shared/{share_token}")

    assert console.problems == []

    # The watch itself sees a violation: an inline style added to the shared page is refused.
    directive = partner.evaluate(
        """() => new Promise((resolve) => {
            document.addEventListener(
                "securitypolicyviolation", (event) => resolve(event.violatedDirective), {once: true}
            );
            const p = document.createElement("p");
            p.setAttribute("style", "color: red");
            document.body.append(p);
        })"""
    )
    assert directive == "style-src-attr"
    for _ in range(50):
        if len(console.problems) >= 2:
            break
        partner.wait_for_timeout(100)
    assert any("style-src-attr blocked inline" in p for p in console.problems), console.problems
    assert any("inline style violates" in p for p in console.problems), console.problems
