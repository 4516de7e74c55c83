"""What the checkers people run on a web app say of every page a user reaches: the Nu HTML
Checker finds no error in its markup, and each page says in a meta description what it is.

One app with the demo's content serves the module. The pages are those a crawl from the front
page reaches, in Finnish, as the demo facilitator, a phone in the running live session, a
phone waiting at its door and a visitor without an account, plus the error pages; the crawl
must reach each page of REQUIRED, so a page it stops finding fails the test rather than going
unchecked.
"""

import json
import os
import shutil
import subprocess
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT, close_app, fresh_app
from tests.sparring_data import open_room as open_sparring_room
from tests.survey_data import answered_round
from workshop import demo
from workshop.accounts import services as accounts
from workshop.accounts.models import Role
from workshop.competence import report as survey_report
from workshop.competence import services as survey
from workshop.competence.services import local_today
from workshop.config import VNU_VERSION
from workshop.extensions import db
from workshop.followup import links as follow_links
from workshop.followup.models import LinkRole
from workshop.live import services as live_services
from workshop.sparring import evidence as sparring_evidence
from workshop.sparring import services as sparring
from workshop.sparring import summary as sparring_summary
from workshop.sprints import services as sprints

HOST = "polku.test"
# Full pages only: the polls answer fragments (or 304) that land inside a page already checked.
SKIPPED = {
    "static",
    "sprints.summary_pdf",
    "shared.download",
    "critical_points.export_csv",
    "answer.report_pdf",
    "answer.shared_pdf",
    "survey.report_pdf",
    "survey.report_csv_download",
    "survey.report_json_download",
    "answer.shared_report_pdf",
    "audit.export_csv",
}
# Pages each visitor must reach (endpoint names); what they look like in several states is
# covered by visiting up to PER_ENDPOINT addresses of each.
REQUIRED = {
    "facilitator": {
        "main.index",
        "main.admin",
        "site.accessibility",
        "site.about",
        "site.edit_statement",
        "accounts.password_links",
        "audit.index",
        "accounts.workspace",
        "accounts.edit_workspace",
        "accounts.create_workspace",
        "archive.export",
        "archive.import_workspace",
        "accounts.people",
        "journeys.index",
        "journeys.create",
        "journeys.board",
        "journeys.structure",
        "journeys.edit",
        "journeys.add_step",
        "journeys.edit_step",
        "journeys.compare",
        "journeys.trash",
        "journeys.duplicate",
        "journeys.delete",
        "critical_points.index",
        "critical_points.point",
        "critical_points.step_points",
        "critical_points.insights",
        "critical_points.categories",
        "sprints.index",
        "sprints.detail",
        "sprints.create",
        "sprints.edit",
        "sprints.new_experiment",
        "sprints.new_decision",
        "sprints.summary",
        "room.console",
        "room.projector",
        "live.journey_presenter",
        "workshops.start",
        "critical_points.new_point",
        "journey_templates.index",
        "journey_templates.preview",
        "export.import_journey",
        "survey.index",
        "survey.new_round",
        "survey.edit_round",
        "survey.round_page",
        "survey.print_links",
        "survey.items",
        "survey.new_item",
        "survey.edit_item",
        "survey.settings",
        "survey.new_theme",
        "survey.edit_theme",
        "survey.report",
        "sparring.index",
        "sparring.new_series",
        "sparring.series",
        "sparring.new_session",
        "sparring.session",
        "sparring.edit_session",
        "sparring.run",
        "sparring.pack",
        "sparring.new_commitment",
        "sparring.summary_page",
        "sparring.said_did_form",
        "followup.index",
        "followup.detail",
        "followup.calendar_page",
        "privacy.notice",
        "privacy.edit",
        "people.search",
    },
    "guest": {"live.phone"},
    "waiting": {"live.phone"},
    # A sparrer's phone in a sparring session's room: the capture form above the workshop's.
    "sparrer": {"live.phone"},
    # Someone answering the competence survey: while answering, then their own report.
    "respondent": {
        "answer.about",
        "answer.level",
        "answer.free_text",
        "answer.review",
        "answer.report",
    },
    "anonymous": {
        "accounts.login",
        "accounts.accept_invitation",
        "live.enter_code",
        "live.join",
        "shared.page",
        "answer.start",
        "answer.shared",
        "answer.shared_report",
        "sparrer.landing",
        "sparrer.sparrer_pack",
        "sparrer.sparrer_room",
        "sparrer.said_did_page",
        "sparrer.shared_summary",
        "sparrer.shared_pack",
        "follow_link.page",
        "site.accessibility",
        "site.about",
        "privacy.for_guests",
        "privacy.for_sparrer",
        "privacy.for_follow_link",
    },
}
PER_ENDPOINT = 2


@dataclass
class Page:
    who: str
    endpoint: str
    url: str
    html: str

    @property
    def name(self) -> str:
        return f"{self.who} {self.url} ({self.endpoint})"


def _finnish_client(app):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    return client


def _match(app, url: str):
    parts = urlsplit(url)
    if parts.netloc not in ("", HOST) or not parts.path.startswith("/"):
        return None
    try:
        return app.url_map.bind(HOST).match(parts.path, method="GET")[0]
    except Exception:  # noqa: BLE001 - not one of ours
        return None


def _crawl(app, who: str, client, start: list[str]) -> list[Page]:
    """Full HTML pages reached from `start` by links, up to PER_ENDPOINT per endpoint."""
    queue, seen, pages = list(start), set(), []
    per_endpoint = defaultdict(int)
    while queue:
        url = queue.pop(0).split("#")[0]
        endpoint = _match(app, url)
        if endpoint is None or endpoint in SKIPPED or url in seen:
            continue
        if per_endpoint[endpoint] >= PER_ENDPOINT and url not in start:
            continue
        seen.add(url)
        response = client.get(url)
        response.close()
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        per_endpoint[endpoint] += 1
        pages.append(Page(who, endpoint, url, response.text))
        soup = BeautifulSoup(response.text, "html.parser")
        queue.extend(a["href"] for a in soup.find_all("a", href=True))
    return pages


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Page]:
    """Every page the crawl reaches, and the error pages, as their HTML."""
    tmp = tmp_path_factory.mktemp("checkers")
    app = fresh_app(tmp)
    with app.app_context():
        email, password = demo.load_demo(tmp / "instance")
        live = demo.demo_live_session()
        sprint = live.sprint
        facilitator = accounts.get_user_by_email(email)
        _link, share_token = sprints.create_share_link(sprint, facilitator, "Kumppanit", None)
        _inv, invitation_token = accounts.create_invitation(
            sprint.workspace, Role.PARTICIPANT, facilitator, 7
        )
        # A survey round with answers, one role under k, and a share link to its report.
        survey_team = SimpleNamespace(workspace=sprint.workspace, facilitator=facilitator)
        report_round = answered_round(survey_team, {"TCH": 7, "WBL": 5, "OFF": 3}, free_text=True)
        _share, report_token = survey_report.create_share(report_round, facilitator, "Johto")
        db.session.commit()
        today = local_today()
        survey_round, survey_token = survey.open_round(
            sprint.workspace,
            facilitator,
            name="Osaamiskysely",
            opens_on=today,
            closes_on=today,
            roles=["TCH", "OFF"],
            units=["Tekniikka"],
            free_text=True,
        )
        db.session.commit()
        demo_series = sparring.series_of(sprint.workspace)[0]
        sparrer_path = "/sp/" + sparring.sparrer_token(demo_series.sparrers[0])
        # The held session's witness link, and its summary and pack through share links.
        held = demo_series.sessions[0]
        held_id = held.id
        witness = follow_links.live_link(held.commitments[0].follow_up, LinkRole.WITNESS)
        shared_sparring = [
            "/f/" + follow_links.link_token(witness),
            "/sp/summary/" + sparring_summary.create_share(held, facilitator)[1],
            "/sp/pack/" + sparring_evidence.share(held, facilitator),
        ]
        survey_round_id, survey_unit_id = survey_round.id, survey_round.units[0].id
        survey_items = [(item.id, item.level) for item in survey_round.items]
        report_url = f"/w/{sprint.workspace_id}/survey/rounds/{report_round.id}/report"
        live_id, code, workspace_id = live.id, live.join_code, sprint.workspace_id
        sparring_run, sparring_live = open_sparring_room(sprint.workspace, facilitator)
        db.session.commit()
        sparring_code, sparring_live_id = sparring_live.join_code, sparring_live.id
        sprint_pages = [
            f"/w/{workspace_id}/sprints/{s.id}"
            for s in sprints.sprints_of(sprint.workspace)
            if s.id != sparring_live.sprint_id
        ]
        # The held sparring session: its done commitment links its "you said, we did" form.
        sprint_pages.append(f"/w/{workspace_id}/sparring/sessions/{held_id}")
        # Every round's page too: each state (open, closed with a plan) draws other links.
        sprint_pages += [
            f"/w/{workspace_id}/survey/rounds/{r.id}" for r in survey.rounds_of(sprint.workspace)
        ]
    clients = {
        who: _finnish_client(app)
        for who in ("facilitator", "guest", "waiting", "anonymous", "respondent", "sparrer")
    }
    with app.app_context():
        signed_in = clients["facilitator"].post(
            "/login", data={"email": email, "password": password}
        )
        assert signed_in.status_code == 303
        for who in ("guest", "waiting"):
            if who == "waiting":
                # From now on the facilitator lets each newcomer in: this phone waits.
                live_services.set_door(db.session.get(type(live), live_id), False, True)
                db.session.commit()
            joined = clients[who].post(f"/j/{code}", data={"display_name": who, "role": "employer"})
            assert joined.status_code == 303
        joined = clients["sparrer"].post(
            f"/j/{sparring_code}", data={"display_name": "Eeva", "role": "employer"}
        )
        assert joined.status_code == 303
        starts = ["/", *sprint_pages, report_url, sparring_run]
        found = _crawl(app, "facilitator", clients["facilitator"], starts)
        found += _crawl(app, "sparrer", clients["sparrer"], [f"/live/{sparring_live_id}/"])
        found += _crawl(app, "guest", clients["guest"], [f"/live/{live_id}/"])
        found += _crawl(app, "waiting", clients["waiting"], [f"/live/{live_id}/"])
        respondent = clients["respondent"]
        started = respondent.post(
            f"/s/{survey_token}", data={"role": "OFF", "unit": survey_unit_id}
        )
        assert started.status_code == 303
        # Half answered: the pages as they look while answering.
        for item_id, level in survey_items[:5]:
            respondent.post(f"/s/r/{survey_round_id}/level/{level}", data={f"a{item_id}": "3"})
        found += _crawl(app, "respondent", respondent, [f"/s/r/{survey_round_id}/about"])
        for item_id, level in survey_items:
            respondent.post(
                f"/s/r/{survey_round_id}/level/{level}",
                data={f"a{item_id}": "4", f"c{item_id}": "1"},
            )
        assert respondent.post(f"/s/r/{survey_round_id}/submit").status_code == 303
        respondent.post(f"/s/r/{survey_round_id}/share", data={"supervisor": "Esihenkilö"})
        report = respondent.get(f"/s/r/{survey_round_id}/report")
        shared_report = BeautifulSoup(report.text, "html.parser").select_one(".survey-share__url a")
        found += _crawl(app, "respondent", respondent, [f"/s/r/{survey_round_id}/report"])
        found += _crawl(
            app,
            "anonymous",
            clients["anonymous"],
            [
                "/",
                "/login",
                "/j/",
                f"/j/{code}",
                f"/shared/{share_token}",
                f"/s/r/{report_token}",
                f"/invite/{invitation_token}",
                f"/s/{survey_token}",
                urlsplit(shared_report["href"]).path,
                sparrer_path,
                *shared_sparring,
            ],
        )
        for who, url in (("facilitator", "/no/such/page"), ("anonymous", "/no/such/page")):
            response = clients[who].get(url)
            assert response.status_code == 404
            found.append(Page(who, "404", url, response.text))
        wrong = clients["anonymous"].post("/login", data={"email": email, "password": "wrong"})
        found.append(Page("anonymous", "accounts.login (refused)", "/login", wrong.text))
        db.session.remove()
    close_app(app)
    return found


def test_the_crawl_reaches_every_page_a_user_opens(pages):
    reached = defaultdict(set)
    for page in pages:
        reached[page.who].add(page.endpoint)
    missing = {who: sorted(need - reached[who]) for who, need in REQUIRED.items()}
    assert not any(missing.values()), f"pages the crawl no longer reaches: {missing}"
    fragments = [p.name for p in pages if not p.html.lstrip().lower().startswith("<!doctype html>")]
    assert not fragments, f"not whole pages: {fragments}"


# --- the Nu HTML Checker ----------------------------------------------------------------------

JAVA = shutil.which("java")
VNU_JAR = ROOT / ".checkers" / f"vnu-{VNU_VERSION}.jar"


def _vnu_errors(pages: list[Page], folder) -> dict[str, list[str]]:
    """The checker's errors per page name, from one run of vnu (one JVM) over every page."""
    names = {}
    for n, page in enumerate(pages):
        path = folder / f"page-{n:03}.html"
        path.write_text(page.html, encoding="utf-8")
        names[path.name] = page
    command = [JAVA, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(folder)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    errors = defaultdict(list)
    for message in json.loads(result.stderr)["messages"]:
        page = names[Path(urlsplit(message["url"]).path).name]
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        extract = " ".join(message.get("extract", "").split())
        errors[page.name].append(f"{where}{message['message']} [{extract}]")
    return errors


@pytest.mark.skipif(
    JAVA is None and os.environ.get("CI") != "true",
    reason="no Java: the Nu HTML Checker did NOT run (apt-get install default-jre-headless)",
)
def test_the_nu_html_checker_finds_no_error_on_any_page(pages, tmp_path):
    if JAVA is None:
        pytest.fail("CI=true but no Java: install default-jre-headless to run the Nu HTML Checker")
    if not VNU_JAR.is_file():
        pytest.fail(
            f"{VNU_JAR.relative_to(ROOT)} missing: run `make test`, or "
            "`.venv/bin/python scripts/fetch_vendor.py vnu`, then the test again."
        )
    errors = _vnu_errors(pages, tmp_path)
    report = "\n".join(
        f"{page}: {len(found)} errors\n  " + "\n  ".join(found[:5])
        for page, found in sorted(errors.items())
    )
    assert not errors, f"{sum(map(len, errors.values()))} errors\n{report}"


# --- meta descriptions --------------------------------------------------------------------------


def _description(page: Page) -> str:
    meta = BeautifulSoup(page.html, "html.parser").find("meta", attrs={"name": "description"})
    return " ".join((meta.get("content") or "").split()) if meta else ""


def test_every_page_says_what_it_is_in_a_meta_description(pages):
    missing = [page.name for page in pages if not _description(page)]
    assert not missing, f"pages without a meta description: {missing}"


def test_the_pages_meta_descriptions_tell_them_apart(pages):
    by_endpoint = {}
    for page in pages:
        by_endpoint.setdefault(page.endpoint, _description(page))
    shared = Counter(by_endpoint.values()).most_common(1)[0]
    # A few pages may fairly share the general text (errors, say), most say what they are.
    assert shared[1] <= 3, f"{shared[1]} kinds of page all say {shared[0]!r}"
    alike = {
        text: sorted(e for e, t in by_endpoint.items() if t == text)
        for text, count in Counter(by_endpoint.values()).items()
        if count > 1
    }
    assert len(set(by_endpoint.values())) >= len(by_endpoint) - 5, alike
