"""The JSON document of a journey, through the export module and a real database: no HTTP."""

import json

import pytest
from sqlalchemy import func, select

from workshop.export import journey_json
from workshop.export.journey_json import ImportProblem, import_journey, validate_document
from workshop.extensions import db
from workshop.journey_templates.services import get_template
from workshop.journeys import services
from workshop.journeys.models import KEY_MAX, Activity, Journey, JourneyKind


@pytest.fixture
def people(make_user, make_workspace):
    user = make_user()
    return user, make_workspace(owner=user), make_workspace(owner=user, name="Toinen")


def document(**journey) -> dict:
    """A valid document: stages s1 and s2, lanes l1 and l2, steps not in reading order."""
    return {
        "format": "polku.journey",
        "version": 1,
        "journey": {"name": "Pieni", "kind": "custom", "language": "sv", **journey},
        "stages": [{"id": "s1", "title": "Alku"}, {"id": "s2", "title": "Loppu"}],
        "lanes": [
            {"id": "l1", "title": "Opiskelija", "kind": "frontstage"},
            {"id": "l2", "title": "Toimisto", "kind": "backstage"},
        ],
        "steps": [
            {"id": "late", "stage": "s2", "lane": "l1", "title": "Palaute"},
            {"id": "first", "stage": "s1", "lane": "l1", "title": "Haku", "emotion_student": -2},
            {"id": "office", "stage": "s1", "lane": "l2", "title": "Kirjaus", "channel": None},
            {"id": "second", "stage": "s1", "lane": "l1", "title": "Sopimus"},
        ],
    }


def problem_of(data) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        validate_document(data)
    return caught.value


def test_template_journey_survives_export_and_import(people):
    user, home, other = people
    original = services.create_journey(
        home,
        user,
        "Oppisopimus",
        JourneyKind.APPRENTICESHIP,
        "sv",
        "",
        get_template("apprenticeship"),
    )
    services.load_board(original).steps[0].emotion_employer = -1
    db.session.flush()
    exported = journey_json.export_journey(original)
    copy = import_journey(other, user, json.loads(journey_json.to_json(exported)))
    again = journey_json.export_journey(copy)
    del exported["exported_at"], again["exported_at"]
    assert again == exported
    assert services.compare_journeys(original, copy).empty
    assert copy.template_id == "apprenticeship" and copy.source_journey_id is None
    suggestions = [len(s.suggestions) for s in services.load_board(copy).steps]
    assert suggestions == [len(s.suggestions) for s in services.load_board(original).steps]
    assert sum(suggestions) > 0


def test_import_puts_steps_in_cells_in_document_order(people):
    user, home, _ = people
    journey = import_journey(home, user, document())
    board = services.load_board(journey)
    cell = board.steps_in(board.stages[0], board.lanes[0])
    assert [(s.key, s.position) for s in cell] == [("first", 0), ("second", 1)]
    assert [s.key for s in board.steps] == ["first", "second", "office", "late"]
    assert [s["id"] for s in journey_json.export_journey(journey)["steps"]] == [
        "first",
        "second",
        "office",
        "late",
    ]
    assert board.lanes[1].is_backstage
    assert board.steps[0].emotion_student == -2 and board.steps[0].channel is None


def test_import_logs_one_change_and_does_not_commit(people):
    user, home, _ = people
    journey = import_journey(home, user, document(), name="  Uusi nimi ")
    assert journey.name == "Uusi nimi"
    actions = db.session.scalars(select(Activity.action).where(Activity.journey_id == journey.id))
    assert list(actions) == ["journey_imported"]
    db.session.rollback()
    assert db.session.scalar(select(func.count(Journey.id))) == 0


def test_a_problem_in_the_last_step_writes_nothing(people):
    user, home, _ = people
    data = document()
    data["steps"][-1]["emotion_employer"] = 2.0
    with pytest.raises(ImportProblem) as caught:
        import_journey(home, user, data)
    assert caught.value.field == "steps[3].emotion_employer"
    assert not db.session.new
    assert db.session.scalar(select(func.count(Journey.id))) == 0


def test_version_is_checked_before_anything_else():
    data = document()
    data["version"] = 2
    data["surprise"] = True
    assert problem_of(data).field == "version"
    data["version"] = "1"
    assert problem_of(data).field == "version"
    data = document()
    data["format"] = "trello.board"
    assert problem_of(data).field == "format"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("steps", 1, "emotion_student"), True, "steps[1].emotion_student"),
        (("steps", 1, "emotion_student"), -3, "steps[1].emotion_student"),
        (("steps", 1, "emotion_student"), "1", "steps[1].emotion_student"),
        (("steps", 0, "channel"), "pigeon", "steps[0].channel"),
        (("steps", 0, "title"), "   ", "steps[0].title"),
        (("steps", 0, "title"), "x" * 121, "steps[0].title"),
        (("steps", 0, "title"), "nolla\x00merkki", "steps[0].title"),
        (("steps", 0, "title"), "puoli\ud800merkki", "steps[0].title"),
        (("steps", 0, "id"), "k" * (KEY_MAX + 1), "steps[0].id"),
        (("steps", 0, "lane"), "l9", "steps[0].lane"),
        (("steps", 0, "suggestions"), {}, "steps[0].suggestions"),
        (("steps", 0, "suggestions"), [{"text": "x"}], "steps[0].suggestions[0].basis"),
        (
            ("steps", 0, "suggestions"),
            [{"text": "x", "basis": "rumour"}],
            "steps[0].suggestions[0].basis",
        ),
        (
            ("steps", 0, "suggestions"),
            [{"text": "x" * 601, "basis": "rule"}],
            "steps[0].suggestions[0].text",
        ),
        (
            ("steps", 0, "suggestions"),
            [{"text": "x", "basis": "rule", "source_url": "ftp://example.fi/a"}],
            "steps[0].suggestions[0].source_url",
        ),
        (("journey", "name"), "n" * 161, "journey.name"),
        (("journey", "kind"), "oppisopimus", "journey.kind"),
        (("journey", "language"), "de", "journey.language"),
        (("journey", "description"), "d" * 2001, "journey.description"),
        (("journey", "template_id"), 7, "journey.template_id"),
        (("stages", 1, "id"), "s1", "stages[1].id"),
        (("lanes", 1, "kind"), "sidestage", "lanes[1].kind"),
        (("stages",), [], "stages"),
        (("steps",), {}, "steps"),
        (("journey",), [], "journey"),
        (("exported_at",), 20260101, "exported_at"),
    ],
)
def test_each_field_is_checked(app, path, value, field):
    data = document()
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    problem = problem_of(data)
    assert problem.field == field
    with app.test_request_context():
        assert str(problem).startswith(f"{field}: ")


def test_a_long_address_and_http_addresses_are_accepted():
    data = document()
    data["steps"][0]["suggestions"] = [
        {"text": "x", "basis": "rule", "source_title": "OPH", "source_url": "http://oph.fi/a"}
    ]
    assert validate_document(data).steps[0].suggestions[0].source_url == "http://oph.fi/a"


def test_no_steps_is_a_valid_journey():
    data = document()
    data["steps"] = []
    assert validate_document(data).steps == []


@pytest.mark.parametrize(
    ("raw", "accepted"),
    [
        (b'\xef\xbb\xbf{"a": 1}', True),
        (b'{"a": 1}', True),
        (b'{"a": 1, "a": 2}', False),
        (b'{"a": NaN}', False),
        (b'{"a": ' + b"9" * 5000 + b"}", False),
        (b"[" * 100_000 + b"]" * 100_000, False),
        ('{"a": 1}'.encode("utf-16"), False),
        (b'"just text"', False),
    ],
)
def test_reading_a_file(app, raw, accepted):
    if accepted:
        assert journey_json.read_document(raw) == {"a": 1}
    else:
        with pytest.raises(ImportProblem) as caught:
            journey_json.read_document(raw)
        assert caught.value.field == ""
