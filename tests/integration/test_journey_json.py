"""Journeys out as JSON files and back in, over HTTP: round trip, refusals and access."""

import copy
import io
import json
from datetime import date

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import Team, page, text_of
from workshop.accounts import services as accounts
from workshop.accounts.models import Organisation, OrganisationKind
from workshop.critical_points import services as points
from workshop.critical_points.models import (
    Category,
    CriticalPoint,
    PointStatus,
    Report,
    ReporterRole,
)
from workshop.critical_points.services import ReportData
from workshop.extensions import db
from workshop.journey_templates.services import get_template
from workshop.journeys import services
from workshop.journeys.models import Journey, JourneyKind

SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def team(make_team, make_user, make_workspace):
    """A facilitator of two workspaces, with a participant, an observer and an outsider."""
    team = make_team("Fiia Facilitator", "Esimerkkiopisto", "Paavo Participant", "Olli Observer")
    return Team(
        home=team.workspace,
        other=make_workspace(owner=team.facilitator, name="Toinen opisto"),
        facilitator=team.facilitator,
        participant=team.participant,
        observer=team.observer,
        outsider=make_user(name="Ulla Outsider"),
    )


@pytest.fixture
def journey(team):
    """The apprenticeship template in Finnish, with emotions, markup as text and a trashed step.

    The participant reported critical points: one in a default category from a new employer,
    with a second report and a vote; one confirmed from a suggestion into a category of the
    workspace's own and resolved; and one on the step that went to the trash.
    """
    journey = services.create_journey(
        team.home,
        team.facilitator,
        "Oppisopimus – ääkköset/testi",
        JourneyKind.APPRENTICESHIP,
        "fi",
        "Kuvaus",
        get_template("apprenticeship"),
    )
    steps = services.load_board(journey).steps
    steps[0].emotion_student, steps[0].emotion_employer = -2, 1
    steps[1].emotion_student, steps[1].emotion_employer = 2, 0
    steps[2].title = SCRIPT
    steps[2].description = 'Sanoi "ei käy" & <b>lähti</b>'
    steps[3].channel = None
    db.session.flush()
    reporter = team.participant
    firm = accounts.add_organisation(team.home, "Konepaja Oy", OrganisationKind.EMPLOYER)
    own = points.add_category(team.home, "Palkka-asiat")
    lost = points.report_point(
        team.home,
        journey,
        reporter,
        points.NewPoint(
            step=steps[1],
            title="Lomake hukassa – ääkköset",
            description="Kukaan ei tiedä missä.",
            severity=3,
            category="key:paperwork",
            report=ReportData(ReporterRole.EMPLOYER, firm.id, SCRIPT, "puhelu", date(2026, 1, 31)),
        ),
    )
    points.add_report(team.home, lost, reporter, ReportData(role=ReporterRole.STUDENT))
    points.toggle_vote(lost, reporter)
    suggested = next(step for step in steps[5:] if step.suggestions)
    confirmed = points.confirm_suggestion(
        team.home, journey, suggested.suggestions[0], reporter, 1, f"id:{own.id}"
    )
    points.set_status(confirmed, reporter, PointStatus.RESOLVED)
    points.report_point(
        team.home,
        journey,
        reporter,
        points.NewPoint(
            step=steps[4], title="Roskiin", severity=2, report=ReportData(ReporterRole.OTHER)
        ),
    )
    services.trash_step(journey, team.facilitator, steps[4])
    db.session.commit()
    return journey


def export_url(workspace, journey) -> str:
    return f"/w/{workspace.id}/export/journeys/{journey.id}.json"


def import_url(workspace) -> str:
    return f"/w/{workspace.id}/export/journeys/import"


def upload(client, workspace, raw: bytes, filename="journey.polku.json", name="", **kwargs):
    return client.post(
        import_url(workspace),
        data={"file": (io.BytesIO(raw), filename), "name": name},
        content_type="multipart/form-data",
        **kwargs,
    )


def journey_count() -> int:
    return db.session.scalar(select(func.count(Journey.id)))


def row_counts() -> dict[str, int]:
    """How many journeys, points, reports, categories and organisations there are."""
    models = (Journey, CriticalPoint, Report, Category, Organisation)
    return {m.__name__: db.session.scalar(select(func.count(m.id))) for m in models}


def without_time(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "exported_at"}


def test_export_then_import_into_another_workspace_gives_the_same_journey(
    client, login, team, journey
):
    login(team.facilitator)
    first = client.get(export_url(team.home, journey))
    assert first.status_code == 200
    assert first.mimetype == "application/json"
    # Readable UTF-8, not \u escapes; markup is text inside a JSON string.
    assert "ääkköset" in first.get_data(as_text=True)
    assert json.dumps(SCRIPT) in first.get_data(as_text=True)

    response = upload(client, team.other, first.data)
    assert response.status_code == 303
    imported = db.session.scalar(select(Journey).where(Journey.workspace_id == team.other.id))
    assert response.headers["Location"] == f"/w/{team.other.id}/journeys/{imported.id}/"
    second = client.get(export_url(team.other, imported))

    # The same document, but for the votes: nobody in the other workspace has given any.
    expected = without_time(json.loads(first.data))
    expected["critical_points"] = [
        {**p, "votes": 0, "dots": 0} for p in expected["critical_points"]
    ]
    assert without_time(json.loads(second.data)) == expected
    assert services.compare_journeys(journey, imported).empty
    document = json.loads(first.data)
    assert [p["title"] for p in document["critical_points"]] == [
        "Lomake hukassa – ääkköset",
        next(p.title for p in imported_points(imported) if p.status == PointStatus.RESOLVED),
    ]
    assert document["critical_points"][0]["category"] == {"key": "paperwork", "name": None}
    assert document["critical_points"][1]["category"] == {"key": None, "name": "Palkka-asiat"}
    assert [r["organisation"] for r in document["critical_points"][0]["reports"]] == [
        "Konepaja Oy",
        None,
    ]
    assert "Roskiin" not in first.get_data(as_text=True)
    assert [(p["votes"], p["dots"]) for p in document["critical_points"]] == [(1, 0), (0, 0)]
    # Made anew in the other workspace, by the one who imported them, with nobody's votes.
    copied = imported_points(imported)
    assert {p.created_by_id for p in copied} == {team.facilitator.id}
    assert all(not p.votes for p in copied)
    assert [(o.name, o.kind) for o in accounts.organisations_of(team.other)] == [
        ("Konepaja Oy", OrganisationKind.EMPLOYER)
    ]
    assert {p.category.workspace_id for p in copied} == {team.other.id}
    assert SCRIPT in [step.title for step in services.load_board(imported).steps]
    board = client.get(f"/w/{team.other.id}/journeys/{imported.id}/")
    assert "Journey “Oppisopimus – ääkköset/testi” imported." in text_of(board)
    assert SCRIPT not in board.get_data(as_text=True)


def imported_points(journey) -> list[CriticalPoint]:
    return list(
        db.session.scalars(
            select(CriticalPoint)
            .where(CriticalPoint.journey_id == journey.id)
            .order_by(CriticalPoint.id)
        )
    )


def test_export_leaves_out_the_trash_and_keeps_the_page_order(client, login, team, journey):
    login(team.observer)
    document = json.loads(client.get(export_url(team.home, journey)).data)
    board = services.load_board(journey)
    assert board.trash_count == 1
    assert [s["id"] for s in document["steps"]] == [step.key for step in board.steps]
    assert [s["id"] for s in document["stages"]] == [
        f"s{n}" for n in range(1, 1 + len(board.stages))
    ]
    assert document["format"] == "polku.journey" and document["version"] == 2
    assert document["exported_at"].endswith("Z")


def test_download_is_an_attachment_with_an_ascii_and_a_utf8_name(client, login, team, journey):
    login(team.facilitator)
    response = client.get(export_url(team.home, journey))
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="oppisopimus-aakkoset-testi.polku.json"')
    assert "filename*=UTF-8''oppisopimus-%C3%A4%C3%A4kk%C3%B6set-testi.polku.json" in disposition


def test_import_with_a_new_name(client, login, team, journey):
    login(team.participant)
    raw = client.get(export_url(team.home, journey)).data
    assert upload(client, team.home, raw, name="  Tuleva malli ").status_code == 303
    names = db.session.scalars(select(Journey.name).where(Journey.workspace_id == team.home.id))
    assert sorted(names) == ["Oppisopimus – ääkköset/testi", "Tuleva malli"]


def test_htmx_import_loads_the_board_as_a_whole_page(client, login, team, journey):
    login(team.facilitator)
    raw = client.get(export_url(team.home, journey)).data
    response = upload(client, team.other, raw, headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith(f"/w/{team.other.id}/journeys/")


def test_import_page_has_a_multipart_form_and_a_way_back(client, login, team):
    login(team.participant)
    response = client.get(import_url(team.home))
    assert response.status_code == 200
    form = page(response).find("form", enctype="multipart/form-data")
    assert form["action"] == import_url(team.home)
    assert form.find("input", type="file", attrs={"name": "file"}) is not None
    assert page(response).find("a", href=f"/w/{team.home.id}/journeys/") is not None


# --- refusals ------------------------------------------------------------------------------------


def small_document() -> dict:
    """A valid document with two stages, one lane and two steps."""
    step = {
        "id": "a",
        "stage": "s1",
        "lane": "l1",
        "title": "Haku",
        "description": "",
        "channel": "online_service",
        "emotion_student": None,
        "emotion_employer": None,
        "suggestions": [
            {"text": "Hidas", "basis": "hypothesis", "source_title": "", "source_url": ""}
        ],
    }
    return {
        "format": "polku.journey",
        "version": 1,
        "exported_at": "2026-01-01T00:00:00Z",
        "journey": {
            "name": "Pieni",
            "kind": "custom",
            "description": "",
            "language": "fi",
            "template_id": None,
        },
        "stages": [{"id": "s1", "title": "Alku"}, {"id": "s2", "title": "Loppu"}],
        "lanes": [{"id": "l1", "title": "Opiskelija", "kind": "frontstage"}],
        "steps": [step, {**copy.deepcopy(step), "id": "b", "stage": "s2"}],
        "critical_points": [
            {
                "step": "b",
                "title": "Palaute ei kulje",
                "description": "",
                "severity": 2,
                "category": {"key": "communication", "name": "Viestintä"},
                "status": "open",
                "suggestion_source": "",
                "reports": [
                    {
                        "role": "teacher",
                        "organisation": "Uusi Oy",
                        "quote": "",
                        "source": "",
                        "reported_on": "2026-03-12",
                    }
                ],
            },
            {
                "step": "a",
                "title": "Hidas",
                "severity": 1,
                "category": {"key": None, "name": "Oma luokka"},
            },
        ],
    }


def _set(path, value):
    def change(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def _delete(path):
    def change(document):
        *parents, last = path
        target = document
        for key in parents:
            target = target[key]
        del target[last]

    return change


def _too_many_steps(document):
    step = document["steps"][0]
    document["steps"] = [{**step, "id": f"k{n}", "suggestions": []} for n in range(1001)]


REFUSED_DOCUMENTS = {
    "unknown version": (_set(["version"], 3), "version"),
    "missing field": (_delete(["steps", 0, "title"]), "steps[0].title"),
    "wrong type": (_set(["stages", 1, "title"], 5), "stages[1].title"),
    "unknown key": (_set(["steps", 1, "colour"], "red"), "steps[1].colour"),
    "duplicate step id": (_set(["steps", 1, "id"], "a"), "steps[1].id"),
    "step in an unknown stage": (_set(["steps", 1, "stage"], "s9"), "steps[1].stage"),
    "emotion 3": (_set(["steps", 1, "emotion_student"], 3), "steps[1].emotion_student"),
    "emotion true": (_set(["steps", 0, "emotion_employer"], True), "steps[0].emotion_employer"),
    "over 1000 steps": (_too_many_steps, "steps"),
    "script address": (
        _set(["steps", 0, "suggestions", 0, "source_url"], "javascript:alert(1)"),
        "steps[0].suggestions[0].source_url",
    ),
    "no lanes": (_set(["lanes"], []), "lanes"),
    "point on an unknown step": (
        _set(["critical_points", 1, "step"], "c"),
        "critical_points[1].step",
    ),
    "severity 4": (_set(["critical_points", 0, "severity"], 4), "critical_points[0].severity"),
    "severity true": (
        _set(["critical_points", 1, "severity"], True),
        "critical_points[1].severity",
    ),
    "unknown reporter role": (
        _set(["critical_points", 0, "reports", 0, "role"], "boss"),
        "critical_points[0].reports[0].role",
    ),
    "unknown category key": (
        _set(["critical_points", 0, "category", "key"], "weather"),
        "critical_points[0].category.key",
    ),
    "category without key and name": (
        _set(["critical_points", 1, "category"], {}),
        "critical_points[1].category",
    ),
    "bad report date": (
        _set(["critical_points", 0, "reports", 0, "reported_on"], "2026-13-01"),
        "critical_points[0].reports[0].reported_on",
    ),
    "over-long point title": (
        _set(["critical_points", 1, "title"], "x" * 161),
        "critical_points[1].title",
    ),
    "votes in a point that are no count": (
        _set(["critical_points", 0, "votes"], -3),
        "critical_points[0].votes",
    ),
    "unknown field in a point": (
        _set(["critical_points", 0, "likes"], 3),
        "critical_points[0].likes",
    ),
}


@pytest.mark.parametrize("case", REFUSED_DOCUMENTS, ids=list(REFUSED_DOCUMENTS))
def test_a_faulty_document_is_refused_naming_the_field(client, login, team, case):
    change, field = REFUSED_DOCUMENTS[case]
    document = small_document()
    change(document)
    login(team.participant)
    before = row_counts()
    response = upload(client, team.home, json.dumps(document).encode())
    assert response.status_code == 422
    assert f"Nothing was imported. {field}:" in text_of(response)
    assert row_counts() == before


def test_the_small_document_itself_is_accepted(client, login, team):
    login(team.participant)
    before = row_counts()
    response = upload(client, team.home, json.dumps(small_document()).encode())
    assert response.status_code == 303
    after = row_counts()
    assert {name: after[name] - before[name] for name in after} == {
        "Journey": 1,
        "CriticalPoint": 2,
        "Report": 1,
        "Category": 2,
        "Organisation": 1,
    }


REFUSED_FILES = {
    "not JSON at all": (b"name: Pieni\n", "The file is not valid JSON (line 1, column 1)."),
    "a JSON array": (b"[1, 2]", "The file must hold one JSON object"),
    "not UTF-8": ('{"name": "Pieni ääkkönen"}'.encode("latin-1"), "The file is not UTF-8 text."),
    "an empty file": (b"", "The file is not valid JSON"),
}


@pytest.mark.parametrize("case", REFUSED_FILES, ids=list(REFUSED_FILES))
def test_a_file_that_is_no_json_object_is_refused(client, login, team, case):
    raw, message = REFUSED_FILES[case]
    login(team.participant)
    before = journey_count()
    response = upload(client, team.home, raw)
    assert response.status_code == 422
    assert message in text_of(response)
    assert journey_count() == before


def test_a_file_without_the_json_extension_is_refused(client, login, team):
    login(team.participant)
    response = upload(client, team.home, json.dumps(small_document()).encode(), "journey.txt")
    assert response.status_code == 422
    assert "Choose a .json file exported from Polku." in text_of(response)
    assert journey_count() == 0


def test_posting_no_file_is_refused(client, login, team):
    login(team.participant)
    response = client.post(import_url(team.home), data={"name": ""})
    assert response.status_code == 422
    assert "This field is required." in text_of(response)


def test_a_file_over_the_size_limit_is_refused_with_413(client, login, team):
    login(team.participant)
    # Encoded here in memory: the test client would spool a body this large to a temporary
    # file it never closes, and the ResourceWarning fails the next test.
    boundary, body = encode_multipart(
        {"file": FileStorage(io.BytesIO(b" " * (1024 * 1024 + 1)), "big.json"), "name": ""}
    )
    response = client.post(
        import_url(team.home), data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "larger than Polku accepts" in text_of(response)
    assert journey_count() == 0


# --- access --------------------------------------------------------------------------------------


def test_observer_may_export_but_not_import(client, login, team, journey):
    login(team.observer)
    assert client.get(export_url(team.home, journey)).status_code == 200
    assert client.get(import_url(team.home)).status_code == 403
    raw = json.dumps(small_document()).encode()
    assert upload(client, team.home, raw).status_code == 403
    assert journey_count() == 1


def test_outsider_gets_404_for_export_and_import(client, login, team, journey):
    login(team.outsider)
    assert client.get(export_url(team.home, journey)).status_code == 404
    assert client.get(import_url(team.home)).status_code == 404
    raw = json.dumps(small_document()).encode()
    assert upload(client, team.home, raw).status_code == 404
    assert journey_count() == 1


def test_another_workspaces_journey_is_not_found_through_ones_own(client, login, team, journey):
    login(team.facilitator)
    assert client.get(export_url(team.other, journey)).status_code == 404


def test_visitors_are_sent_to_login(client, team, journey):
    for response in (client.get(export_url(team.home, journey)), client.get(import_url(team.home))):
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login?next=")
