"""The journey and sprint documents: archived version-1 snapshots and exports still read and
render, documents survive their JSON form, and the sprint domain reads the room only through
what the live domain hands down."""

import ast
import json
import subprocess
from datetime import timedelta

import pytest

from tests.conftest import ROOT, template_journey, text_of
from workshop.critical_points import document as points_document
from workshop.critical_points import services as points
from workshop.critical_points.models import ReporterRole
from workshop.export import journey_json
from workshop.extensions import db
from workshop.journeys import document as journey_document
from workshop.journeys import services as journeys
from workshop.live import services as live_services
from workshop.sprints import document as sprint_document
from workshop.sprints import services as sprints
from workshop.sprints import snapshot

FIXTURES = ROOT / "tests" / "fixtures"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def team(make_team):
    made = make_team(facilitator="Fiia Fasilitaattori", workspace="Opisto", participant=None)
    return made.workspace, made.facilitator, made.observer


def closed_sprint(workspace, user, journey, title: str, document: dict | None = None):
    sprint = sprints.create_sprint(
        workspace,
        user,
        sprints.SprintData(title, "Haaste", None, None, ["Ymmärrä"], [journey.id]),
    )
    sprints.start_sprint(sprint)
    sprints.close_sprint(sprint, user)
    if document is not None:
        # As Polku kept it before the typed document: version 1, as it was written then.
        sprint.snapshot.document = document
    db.session.commit()
    return sprint


def pdf_text(data: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


V1_POINTS = [
    "Yhteyshenkilö vaihtuu kesken prosessin",
    "Ohjaajan työaikaa ei ole varattu ohjaamiseen",
]


def test_a_version_1_snapshot_still_renders_its_summary_and_pdf(client, login, team):
    workspace, facilitator, observer = team
    journey = template_journey(workspace, facilitator, "Oppisopimus")
    before = closed_sprint(
        workspace, facilitator, journey, "Ensin", fixture("sprint-snapshot-v1-previous.json")
    )
    sprint = closed_sprint(
        workspace, facilitator, journey, "Sitten", fixture("sprint-snapshot-v1.json")
    )
    # The second closed after the first, as the demo's did.
    before.closed_at -= timedelta(days=30)
    db.session.commit()
    assert sprint.snapshot.document["version"] == 1

    login(observer)
    base = f"/w/{workspace.id}/sprints/{sprint.id}"
    page = text_of(client.get(f"{base}/summary?lang=en"))
    # The frozen record, not today's sprint: its title, points, steps, experiment and decision.
    assert "Työpaikkaohjaajan tuki oppisopimuksen aikana" in page
    assert "Sitten" not in page
    for title in V1_POINTS:
        assert title in page
    assert "Työpaikan löytäminen oppisopimukselle" in page
    assert "Työpaikkaohjaajan aloituspaketti" in page
    assert "Ohjaajan aloituspaketti otetaan käyttöön kaikilla aloilla." in page
    assert "Compared with “Oppisopimuksen alku sujuvaksi työnantajalle”" in page
    # Version 1 counted the room's dots among the votes: the top point kept its three.
    assert "3 votes" in page

    response = client.get(f"{base}/summary.pdf?lang=en&names=1")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "Työpaikkaohjaajan tuki oppisopimuksen aikana" in text
    for title in V1_POINTS:
        assert title in text
    assert "Alkuvaihe" in text and "Opiskelija" in text  # a stage and a lane of the map
    assert "Työpaikkaohjaajan aloituspaketti" in text
    assert "Tuomas Niemi" in text
    # The stored record itself is left as it was written.
    db.session.expire_all()
    assert db.session.get(type(sprint), sprint.id).snapshot.document["version"] == 1


def test_a_version_1_snapshot_upgrades_to_the_current_document():
    old = fixture("sprint-snapshot-v1.json")
    document = sprint_document.load(old)
    (journey,) = document.journeys
    assert (journey.id, journey.name) == (1, "Oppisopimuskoulutus – nykytila")
    assert [s.title for s in journey.stages] == [s["title"] for s in old["journeys"][0]["stages"]]
    assert len(journey.steps) == len(old["journeys"][0]["steps"])
    # Every step sits in a stage and a lane of the document.
    assert all(journey.stage(s.stage) and journey.lane(s.lane) for s in journey.steps)
    votes = {p["id"]: p["votes"] for p in old["journeys"][0]["points"]}
    assert {p.id: p.support for p in journey.points} == votes
    assert document.experiments[0].points == (2,)
    assert document.decisions[0].owner == "Tuomas Niemi"
    assert document.sprint.closed_at.strftime("%Y-%m-%dT%H:%M:%SZ") == old["sprint"]["closed_at"]
    # Once upgraded, the JSON form reads back the same.
    assert sprint_document.load(json.loads(json.dumps(document.to_dict()))) == document
    changes = snapshot.changes(
        sprint_document.load(fixture("sprint-snapshot-v1-previous.json")), document
    )
    assert changes and (changes[0].points_new or changes[0].points_reprioritised)


def test_an_old_version_1_export_still_imports(team):
    workspace, facilitator, _ = team
    data = fixture("journey-export-v1.json")
    journey = journey_json.import_journey(workspace, facilitator, data)
    db.session.commit()
    board = journeys.load_board(journey)
    assert [s.key for s in board.steps] == [s["id"] for s in data["steps"]]
    found = points_document.journey_document(journey)
    assert sorted(p.title for p in found.points) == sorted(
        p["title"] for p in data["critical_points"]
    )
    assert all(p.support == 0 for p in found.points)


def test_the_documents_survive_their_json_form(team, app):
    workspace, facilitator, observer = team
    journey = template_journey(workspace, facilitator, "Oppisopimus")
    steps = journeys.load_board(journey).steps
    top = points.report_point(
        workspace,
        journey,
        facilitator,
        points.NewPoint(
            step=steps[0],
            title="Lomake hukassa",
            description="Ei löydy",
            severity=3,
            category="key:paperwork",
            report=points.ReportData(ReporterRole.EMPLOYER, None, "Sanottua", "puhelu", None),
        ),
    )
    points.toggle_vote(top, facilitator)
    points.report_point(
        workspace,
        journey,
        facilitator,
        points.NewPoint(
            step=steps[1], title="Hidas", severity=1, report=points.ReportData(ReporterRole.STUDENT)
        ),
    )
    sprint = closed_sprint(workspace, facilitator, journey, "Kevät")

    built = points_document.journey_document(journey)
    assert [p.title for p in built.points] == ["Lomake hukassa", "Hidas"]
    assert (built.points[0].votes, built.points[0].dots) == (1, 0)
    assert any(s.suggestions for s in built.steps)
    again = journey_document.JourneyDocument.from_dict(json.loads(json.dumps(built.to_dict())))
    assert again == built

    stored = sprint.snapshot.document
    assert stored["version"] == sprint_document.SCHEMA_VERSION
    document = sprints.document_of(sprint)
    assert document.journeys[0] == built
    assert sprint_document.SprintDocument.from_dict(json.loads(json.dumps(stored))) == document


def test_a_journey_written_from_its_document_is_the_same_board(team):
    workspace, facilitator, _ = team
    journey = template_journey(workspace, facilitator, "Oppisopimus")
    copy = journeys.duplicate_journey(journey, facilitator, "Tavoite")
    assert journeys.compare_journeys(journey, copy).empty
    ours, theirs = journeys.structure_document(journey), journeys.structure_document(copy)
    assert ours.steps == theirs.steps and ours.stages == theirs.stages
    assert ours.lanes == theirs.lanes


def test_the_room_reaches_the_sprint_document_only_through_what_live_hands_down(team, app):
    # The modules that build and read the document (the views are the layers' own check).
    for name in ("document", "snapshot", "summary", "services"):
        path = ROOT / "workshop" / "sprints" / f"{name}.py"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        assert not [m for m in imported if m and m.startswith("workshop.live")], path
    assert app.extensions["polku.room_guests"] is live_services.room_participants
