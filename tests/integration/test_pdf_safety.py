"""Hostile text in every field a participant can type must reach the sprint summary and its PDF
as text, never as markup, and must never make the renderer fetch or embed anything.

A real HTTP listener on 127.0.0.1 stands in for an internal service: every connection it sees
counts as a leak. poppler-utils (`pdftotext`, `pdfdetach`, `pdfinfo`) read the PDFs back.
"""

import http.server
import os
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
import weasyprint
from bs4 import BeautifulSoup
from sqlalchemy import select

from workshop import pdf
from workshop.accounts import services as accounts
from workshop.accounts.models import OrganisationKind
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.critical_points.services import ReportData
from workshop.extensions import db
from workshop.journeys import services as journeys
from workshop.journeys.models import Channel, JourneyKind, LaneKind, Step
from workshop.sprints import services as sprints
from workshop.sprints.models import DecisionStatus, ExperimentStatus

# --- the listener ------------------------------------------------------------------------------


class _Recorder(http.server.ThreadingHTTPServer):
    """Notes every connection and every request line it is sent, and answers 404."""

    daemon_threads = True

    def __init__(self):
        self.connections: list[str] = []
        self.requests: list[str] = []

        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _note(self):
                recorder.requests.append(f"{self.command} {self.path}")
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _note

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    def verify_request(self, request, client_address):
        self.connections.append(f"{client_address[0]}:{client_address[1]}")
        return True

    @property
    def port(self) -> int:
        return self.server_address[1]

    @property
    def seen(self) -> list[str]:
        """Everything that reached the listener: connections and the requests sent on them."""
        return self.connections + self.requests


@pytest.fixture
def listener():
    server = _Recorder()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


# --- poppler-utils -----------------------------------------------------------------------------


def poppler(tool: str, *args: str) -> str:
    """Run one of poppler-utils' tools; skipped where they are missing, except under CI."""
    if shutil.which(tool) is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {tool} is missing: apt-get install poppler-utils")
        pytest.skip(f"{tool} is not installed (apt-get install poppler-utils)")
    done = subprocess.run([tool, *args], capture_output=True, text=True, timeout=60, check=True)
    return done.stdout


def embedded_files(path: Path) -> list[str]:
    """What `pdfdetach -list` finds: files embedded in the document or in its annotations."""
    output = poppler("pdfdetach", "-list", str(path))
    first, *rest = output.splitlines() or ["0 embedded files"]
    count = int(first.split()[0])
    assert len([line for line in rest if line.strip()]) == count, output
    return [line.split(":", 1)[1].strip() for line in rest if line.strip()]


def linked_urls(path: Path) -> list[str]:
    """The URLs in the PDF's objects (link annotations and actions), from `pdfinfo -url`."""
    lines = poppler("pdfinfo", "-url", str(path)).splitlines()
    return [line.split(None, 2)[-1] for line in lines[1:] if line.strip()]


def pdf_text(path: Path) -> str:
    """The PDF's text in drawing order, with all whitespace and the hyphens of hyphenated line
    ends taken out, so a line break inside a payload does not hide it."""
    text = poppler("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-")
    # `hyphens: auto` breaks "attachment" as "attach‐" + "ment"; the payloads have no U+2010.
    return squeeze(re.sub(r"[\u2010\u00ad]\s*\n", "", text))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- hostile text ------------------------------------------------------------------------------


def payloads(port: int) -> list[str]:
    """Markup that would fetch, embed or run something if it reached a renderer as markup."""
    here = f"http://127.0.0.1:{port}"
    return [
        '<link rel="attachment" href="file:///etc/passwd">',
        f'<img src="{here}/img">',
        f"<style>@import url({here}/css);</style>",
        '<div style="background:url(file:///etc/passwd)">',
        f'<svg><image href="{here}/svg"/></svg>',
        "<script>alert(1)</script>",
        f'<a rel="attachment" href="{here}/a">',
        f'<iframe src="{here}/frame"></iframe>',
    ]


@dataclass
class Fields:
    """Hands out hostile text for each field, within its length limit, and remembers it.

    Every value starts with a marker of its own ("[07]") and then as many payloads as fit,
    each field starting at a different payload so that short fields between them carry all.
    """

    port: int
    values: dict[str, str] = field(default_factory=dict)

    def __call__(self, name: str, limit: int) -> str:
        n = len(self.values)
        marker = f"[{n:02d}]"
        kinds = payloads(self.port)
        text = marker
        for i in range(len(kinds)):
            candidate = f"{text} {kinds[(n + i) % len(kinds)]}"
            if len(candidate) > limit:
                break
            text = candidate
        assert text != marker, f"no payload fits in {name} ({limit} characters)"
        assert name not in self.values
        self.values[name] = text
        return text

    def start(self, name: str) -> str:
        """The field's marker and first payload, without whitespace, as the PDF's text is read."""
        n = list(self.values).index(name)
        kinds = payloads(self.port)
        return squeeze(f"[{n:02d}] {kinds[n % len(kinds)]}")


# Fields the summary does not print (it shows the first report's quote, and neither step nor
# point descriptions, nor report sources, nor share-link labels): they are still filled with
# payloads, and must still leak nothing.
NOT_PRINTED = {
    "journey description",
    "step description 1",
    "step description 2",
    "step description 3",
    "point description 1",
    "point description 2",
    "report source 1",
    "report source 2",
    "report quote 2",
    "share link label",
    "previous sprint challenge",
    "previous sprint phase",
}
# Only with names=1, which a share link never allows: people's names, and the owners of
# decisions and experiments (shown by role and organisation instead).
NAMES = {
    "user name 1",
    "guest name 1",
    "guest name 2",
    "guest name 3",
    "decision owner name",
    "experiment owner",
}


@dataclass
class Scene:
    workspace: object
    facilitator: object
    sprint: object
    journey: object
    token: str
    fields: Fields


def build_scene(make_user, port: int) -> Scene:
    """A workspace, a journey, a closed earlier sprint and a running one: every text a
    participant can type holds hostile markup. Built through the services, as the forms do."""
    f = Fields(port)
    facilitator = make_user(name=f("user name 1", 120))
    workspace = accounts.create_workspace(facilitator, f("workspace name", 120))
    employer = accounts.add_organisation(
        workspace, f("organisation 1", 160), OrganisationKind.EMPLOYER
    )
    school = accounts.add_organisation(
        workspace, f("organisation 2", 160), OrganisationKind.INSTITUTION
    )
    custom = points.add_category(workspace, f("category 1", 80))
    points.rename_category(workspace, "key:paperwork", f("category 2", 80))

    journey = journeys.create_journey(
        workspace,
        facilitator,
        f("journey name", 160),
        JourneyKind.CUSTOM,
        "en",
        description=f("journey description", 2000),
    )
    first_stage = journey.stages[0]
    journeys.rename(journey, facilitator, first_stage, first_stage.version, f("stage 1", 120))
    second_stage = journeys.add_stage(journey, facilitator, f("stage 2", 120))
    lane = journey.lanes[0]
    journeys.rename(journey, facilitator, lane, lane.version, f("lane 1", 120))
    backstage = journeys.add_lane(journey, facilitator, f("lane 2", 120), LaneKind.BACKSTAGE)

    def step(n: int, stage, lane, emotions: tuple[int, int]) -> Step:
        made = journeys.add_step(
            journey,
            facilitator,
            stage.id,
            lane.id,
            f(f"step title {n}", 120),
            f(f"step description {n}", 2000),
            Channel.EMAIL,
        )
        change = journeys.StepChange(
            made.title, made.description, made.channel, stage.id, lane.id, *emotions
        )
        journeys.update_step(journey, facilitator, made, made.version, change)
        return made

    def report(n: int, organisation) -> ReportData:
        return ReportData(
            role=ReporterRole.EMPLOYER,
            organisation_id=organisation.id,
            quote=f(f"report quote {n}", 290),  # the summary quotes up to 300 characters
            source=f(f"report source {n}", 200),
            reported_on=date(2025, 3, 4),
        )

    first_step = step(1, first_stage, lane, (-2, 1))
    first_point = points.report_point(
        workspace,
        journey,
        facilitator,
        points.NewPoint(
            step=first_step,
            title=f("point title 1", 160),
            description=f("point description 1", 4000),
            severity=3,
            category=f"id:{custom.id}",
            report=report(1, employer),
        ),
    )
    points.add_report(workspace, first_point, facilitator, report(2, school))
    points.toggle_vote(first_point, facilitator)

    # An earlier sprint on the journey, closed, so the summary lists what changed since.
    previous = sprints.create_sprint(
        workspace,
        facilitator,
        sprints.SprintData(
            title=f("previous sprint title", 160),
            challenge=f("previous sprint challenge", 4000),
            starts_on=date(2025, 1, 1),
            ends_on=date(2025, 1, 31),
            phases=[f("previous sprint phase", 80)],
            journey_ids=[journey.id],
        ),
    )
    sprints.start_sprint(previous)
    sprints.close_sprint(previous, facilitator)

    # Since then: a step renamed (the summary shows the old title too), steps and a point added.
    renamed = journeys.StepChange(
        f("step title 1 renamed", 120),
        first_step.description,
        first_step.channel,
        first_stage.id,
        lane.id,
        first_step.emotion_student,
        first_step.emotion_employer,
    )
    journeys.update_step(journey, facilitator, first_step, first_step.version, renamed)
    second_step = step(2, second_stage, backstage, (0, -1))
    step(3, second_stage, lane, (2, 2))
    second_point = points.report_point(
        workspace,
        journey,
        facilitator,
        points.NewPoint(
            step=second_step,
            title=f("point title 2", 160),
            description=f("point description 2", 4000),
            severity=2,
            category="key:paperwork",
            report=ReportData(role=ReporterRole.STUDENT, source="", quote=""),
        ),
    )

    sprint = sprints.create_sprint(
        workspace,
        facilitator,
        sprints.SprintData(
            title=f("sprint title", 160),
            challenge=f("sprint challenge", 4000),
            starts_on=date(2025, 4, 1),
            ends_on=date(2025, 4, 30),
            phases=[f(f"sprint phase {n}", 80) for n in (1, 2, 3)],
            journey_ids=[journey.id],
        ),
    )
    guests = [
        (f("guest name 1", 120), ReporterRole.EMPLOYER, employer),
        (f("guest name 2", 120), ReporterRole.TEACHER, school),
        (f("guest name 3", 120), ReporterRole.STUDENT, None),
    ]
    for name, role, organisation in guests:
        sprints.add_participant(
            sprint,
            sprints.ParticipantData(
                user_id=None,
                name=name,
                role=role,
                organisation_id=organisation.id if organisation else None,
                is_facilitator=False,
            ),
        )
    sprints.add_experiment(
        sprint,
        facilitator,
        sprints.ExperimentData(
            title=f("experiment title", 160),
            hypothesis=f("experiment hypothesis", 4000),
            change=f("experiment change", 4000),
            owner=f("experiment owner", 120),
            starts_on=date(2025, 4, 2),
            ends_on=date(2025, 4, 20),
            success_measure=f("experiment success measure", 4000),
            result=f("experiment result", 4000),
            status=ExperimentStatus.RUNNING,
            point_ids=[first_point.id, second_point.id],
        ),
    )
    sprints.add_decision(
        sprint,
        sprints.DecisionData(
            text=f("decision text 1", 4000),
            owner_user_id=None,
            owner_name=f("decision owner name", 120),
            owner_organisation_id=employer.id,
            due_on=date(2025, 5, 15),
            status=DecisionStatus.IN_PROGRESS,
        ),
    )
    sprints.add_decision(
        sprint,
        sprints.DecisionData(
            text=f("decision text 2", 4000),
            owner_user_id=facilitator.id,
            owner_name="",
            owner_organisation_id=school.id,
            due_on=None,
            status=DecisionStatus.OPEN,
        ),
    )
    _link, token = sprints.create_share_link(sprint, facilitator, f("share link label", 120), None)
    sprints.start_sprint(sprint)
    db.session.commit()
    return Scene(workspace, facilitator, sprint, journey, token, f)


@pytest.fixture
def scene(app, make_user, listener):
    return build_scene(make_user, listener.port)


# --- checks ------------------------------------------------------------------------------------

URL_ATTRIBUTES = ("href", "src", "data", "srcset", "action", "poster", "background", "style")
LEAKY = re.compile(r"127\.0\.0\.1|file:|url\(|@import", re.IGNORECASE)


def check_page(html: str, scene: Scene, expected: set[str]) -> None:
    """The summary page shows each field's text as text, and no payload became an element."""
    soup = BeautifulSoup(html, "html.parser")
    assert not soup.find_all("link", rel="attachment")
    assert not soup.find_all(["img", "image", "iframe", "object", "embed", "base", "style"])
    for script in soup.find_all("script"):
        assert not script.string, f"an inline script: {script}"
        assert script["src"].startswith("/static/js/"), script
    for element in soup.find_all(True):
        for name in URL_ATTRIBUTES:
            value = element.get(name)
            value = " ".join(value) if isinstance(value, list) else value or ""
            assert not LEAKY.search(value), f"{element.name} {name}={value!r}"
    text = soup.get_text()
    missing = [name for name in sorted(expected) if scene.fields.values[name] not in text]
    assert not missing, f"fields not shown as text on the page: {missing}"
    for payload in payloads(scene.fields.port):
        assert payload in text


def check_pdf(data: bytes, path: Path, scene: Scene, expected: set[str]) -> None:
    """The PDF embeds nothing, links nowhere the payloads point, and prints the payloads.

    Each field is looked for by its marker and first payload: a whole long value may cross a
    page break, where the running header and footer come between its lines. Every payload in
    full is looked for too; each is in many fields, so one of them is always in one piece.
    """
    assert data.startswith(b"%PDF-")
    path.write_bytes(data)
    assert embedded_files(path) == []
    assert not [url for url in linked_urls(path) if LEAKY.search(url)]
    text = pdf_text(path)
    missing = [n for n in sorted(expected) if scene.fields.start(n) not in text]
    assert not missing, f"fields not printed as text in the PDF: {missing}"
    for payload in payloads(scene.fields.port):
        assert squeeze(payload) in text, payload


def summary_urls(scene: Scene) -> dict[str, str]:
    base = f"/w/{scene.workspace.id}/sprints/{scene.sprint.id}"
    return {
        "page": f"{base}/summary?lang=en&names=1",
        "pdf": f"{base}/summary.pdf?lang=en&names=1",
        "shared page": f"/shared/{scene.token}?lang=en",
        "shared pdf": f"/shared/{scene.token}/summary.pdf?lang=en",
    }


def check_everything(client, scene: Scene, tmp_path: Path, label: str) -> None:
    everything = set(scene.fields.values) - NOT_PRINTED
    without_names = everything - NAMES
    urls = summary_urls(scene)
    for kind, expected in (("page", everything), ("shared page", without_names)):
        response = client.get(urls[kind])
        assert response.status_code == 200, (kind, response.status_code)
        check_page(response.get_data(as_text=True), scene, expected)
    for kind, expected in (("pdf", everything), ("shared pdf", without_names)):
        response = client.get(urls[kind])
        assert response.status_code == 200, (kind, response.status_code)
        assert response.mimetype == "application/pdf"
        slug = kind.replace(" ", "-")
        check_pdf(response.data, tmp_path / f"{label}-{slug}.pdf", scene, expected)


# --- through the app ---------------------------------------------------------------------------


def test_every_field_of_an_open_sprint_prints_as_text_and_fetches_nothing(
    client, login, scene, listener, tmp_path
):
    login(scene.facilitator)
    check_everything(client, scene, tmp_path, "open")
    assert listener.seen == []


def test_the_snapshot_of_a_closed_sprint_prints_as_text_and_fetches_nothing(
    client, login, scene, listener, tmp_path
):
    sprints.close_sprint(scene.sprint, scene.facilitator)
    db.session.commit()
    # Changed after closing: the summary must come from the snapshot, so this never shows.
    step = db.session.scalar(
        select(Step).where(Step.journey_id == scene.journey.id).order_by(Step.id)
    )
    change = journeys.StepChange(
        "Renamed after the sprint closed",
        step.description,
        step.channel,
        step.stage_id,
        step.lane_id,
        step.emotion_student,
        step.emotion_employer,
    )
    journeys.update_step(scene.journey, scene.facilitator, step, step.version, change)
    db.session.commit()

    login(scene.facilitator)
    check_everything(client, scene, tmp_path, "closed")
    for url in summary_urls(scene).values():
        response = client.get(url)
        if response.mimetype == "application/pdf":
            path = tmp_path / "closed-again.pdf"
            path.write_bytes(response.data)
            shown = pdf_text(path)
        else:
            shown = squeeze(BeautifulSoup(response.get_data(as_text=True), "html.parser").text)
        assert squeeze("Renamed after the sprint closed") not in shown, url
    assert listener.seen == []


# --- the renderer itself, given markup no template would ever let through ----------------------


def hostile_markup(port: int, secret: Path) -> str:
    """Every way we know for HTML and CSS to make WeasyPrint fetch or embed something."""
    here = f"http://127.0.0.1:{port}"
    nested_svg = (
        "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'%3E"
        f"%3Cimage href='{here}/nested-svg' width='10' height='10'/%3E%3C/svg%3E"
    )
    return f"""
<link rel="attachment" href="file:///etc/passwd">
<link rel="attachment" href="{secret.as_uri()}">
<link rel="attachment" href="{here}/link-attachment">
<link rel="stylesheet" href="{here}/sheet.css">
<style>
  @import url({here}/import.css);
  @import "{secret.as_uri()}";
  @font-face {{ font-family: Leak; src: url({here}/font.woff2); }}
  body {{ background: url({here}/body.png); font-family: Leak, sans-serif; }}
  li {{ list-style-image: url({here}/bullet.png); }}
  .content::before {{ content: url({here}/content.png); }}
</style>
<p class="content">Hostile markup, not escaped.</p>
<ul><li>item</li></ul>
<a rel="attachment" href="file:///etc/passwd">passwd</a>
<a rel="attachment" href="{secret.as_uri()}">secret</a>
<a rel="attachment" href="{here}/a-attachment">remote</a>
<img src="{here}/img.png" alt="">
<img src="file:///etc/passwd" alt="">
<div style="background:url(file:///etc/passwd)">file background</div>
<div style="background-image:url({here}/inline.png)">remote background</div>
<svg width="20" height="20"><image href="{here}/svg-image" width="10" height="10"/>
  <use href="{here}/use.svg#shape"/></svg>
<img src="{nested_svg}" alt="">
<object data="{here}/object"></object>
<embed src="{here}/embed">
<iframe src="{here}/iframe"></iframe>
<script>document.write('<img src="{here}/script">')</script>
"""


ALLOWED = f"""
<link rel="stylesheet" href="{pdf.static_url("css/polku.css")}">
<img alt="" src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='8'
  height='8'%3E%3Crect width='8' height='8'/%3E%3C/svg%3E">
"""


@pytest.fixture
def secret(tmp_path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("not for the PDF\n")
    return path


def test_unescaped_hostile_markup_in_the_renderer_fetches_and_embeds_nothing(
    app, listener, secret, tmp_path
):
    html = f"<!doctype html><html lang=en><head><title>t</title></head><body>{ALLOWED}"
    html += f"{hostile_markup(listener.port, secret)}</body></html>"
    renderer: pdf.PdfRenderer = app.extensions["polku_pdf"]
    results = {
        "child process": renderer.render(html),
        "in process": pdf.write_pdf(html, Path(app.static_folder)),
    }
    for how, result in results.items():
        assert result.data.startswith(b"%PDF-"), how
        path = tmp_path / f"direct-{how.replace(' ', '-')}.pdf"
        path.write_bytes(result.data)
        assert embedded_files(path) == [], how
        assert not [url for url in linked_urls(path) if LEAKY.search(url)], how
        assert pdf.static_url("css/polku.css") in result.fetched, how
        assert all(url.startswith(pdf.static_url("")) for url in result.fetched), how
        assert "Hostile markup, not escaped." in poppler("pdftotext", str(path), "-")
    assert listener.seen == []


def test_without_the_fetcher_the_same_markup_does_leak(listener, secret, tmp_path):
    """The control: WeasyPrint's own fetcher, given the same markup, reaches the listener and
    embeds the file, so the checks above would notice if ours let anything through."""
    html = f"<!doctype html><html><body>{hostile_markup(listener.port, secret)}</body></html>"
    path = tmp_path / "unguarded.pdf"
    path.write_bytes(weasyprint.HTML(string=html).write_pdf())
    assert "secret.txt" in embedded_files(path)
    assert any(line.endswith("/img.png") for line in listener.requests)
    assert any(line.endswith("/import.css") for line in listener.requests)
    assert any(line.endswith("/svg-image") for line in listener.requests)
