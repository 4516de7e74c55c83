"""The JSON document of a journey, through the export module and a real database: no HTTP."""

import copy
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from workshop.accounts import services as accounts
from workshop.accounts.models import Organisation, OrganisationKind
from workshop.critical_points import services as points
from workshop.critical_points.models import (
    Category,
    CriticalPoint,
    PointStatus,
    Report,
    ReporterRole,
    Vote,
)
from workshop.critical_points.services import ReportData
from workshop.export import journey_json
from workshop.export.journey_json import (
    ImportProblem,
    import_journey,
    validate_document,
)
from workshop.extensions import db
from workshop.journey_templates.services import get_template
from workshop.journeys import services
from workshop.journeys.models import KEY_MAX, Activity, Journey, JourneyKind, Step, StepSuggestion


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


def with_points(data: dict) -> dict:
    """The document with two critical points: one with two reports, one made from a suggestion."""
    data["steps"][1]["suggestions"] = [
        {"text": "Hidas", "basis": "rule", "handled": True},
        {"text": "Kallis", "basis": "hypothesis", "handled": False},
    ]
    data["critical_points"] = [
        {
            "step": "first",
            "title": "Lomake hukassa",
            "description": "Kukaan ei tiedä missä.",
            "severity": 3,
            "category": {"key": "paperwork", "name": None},
            "status": "open",
            "suggestion_source": "",
            "reports": [
                {
                    "role": "employer",
                    "organisation": "Konepaja Oy",
                    "quote": "Ei löydy.",
                    "source": "puhelu",
                    "reported_on": "2026-01-31",
                },
                {"role": "student", "organisation": None, "quote": "", "source": ""},
            ],
        },
        {
            "step": "late",
            "title": "Hidas",
            "severity": 1,
            "category": {"key": None, "name": "Palkka-asiat"},
            "status": "testing",
            "suggestion_source": "rule",
            "reports": [],
        },
    ]
    return data


def count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def nothing_written() -> bool:
    """No row of a journey's parts, points or what they name exists, and none is pending."""
    tables = (Journey, Step, CriticalPoint, Report, Category, Organisation, Activity)
    return not db.session.new and all(count(model) == 0 for model in tables)


def without_tallies(data: dict) -> dict:
    """The exported document as a workspace where nobody voted would export it."""
    points = [{**p, "votes": 0, "dots": 0} for p in data["critical_points"]]
    return {**data, "critical_points": points}


def problem_of(data) -> ImportProblem:
    with pytest.raises(ImportProblem) as caught:
        validate_document(data)
    return caught.value


def test_template_journey_survives_export_and_import(people, make_user):
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
    steps = services.load_board(original).steps
    steps[0].emotion_employer = -1
    db.session.flush()
    points.rename_category(home, "key:timing", "Aikataulut")
    own = points.add_category(home, "Palkka-asiat")
    firm = accounts.add_organisation(home, "Konepaja Oy", OrganisationKind.EMPLOYER)
    late = points.report_point(
        home,
        original,
        user,
        points.NewPoint(
            step=steps[1],
            title="Myöhässä",
            severity=1,
            category="key:assessment",
            report=ReportData(role=ReporterRole.TEACHER),
        ),
    )
    first = points.report_point(
        home,
        original,
        user,
        points.NewPoint(
            step=steps[0],
            title="Lomake hukassa",
            description="Kukaan ei tiedä missä.",
            severity=3,
            category="key:timing",
            report=ReportData(
                ReporterRole.EMPLOYER, firm.id, "Ei löydy.", "puhelu", date(2026, 1, 31)
            ),
        ),
    )
    points.add_report(home, first, user, ReportData(role=ReporterRole.STUDENT))
    points.toggle_vote(first, user)
    with_suggestions = next(step for step in steps[3:] if len(step.suggestions) > 1)
    confirmed = points.confirm_suggestion(
        home, original, with_suggestions.suggestions[0], user, 2, f"id:{own.id}"
    )
    points.set_status(confirmed, user, PointStatus.TESTING)
    points.dismiss_suggestion(original, with_suggestions.suggestions[1], user)
    trashed = points.report_point(
        home,
        original,
        user,
        points.NewPoint(
            step=steps[2], title="Roskiin", severity=2, report=ReportData(ReporterRole.OTHER)
        ),
    )
    services.trash_step(original, user, steps[2])

    exported = journey_json.export_journey(original)
    importer = make_user()
    copy = import_journey(other, importer, json.loads(journey_json.to_json(exported)))
    again = journey_json.export_journey(copy)
    del exported["exported_at"], again["exported_at"]
    # The same document, but for the votes: nobody in the other workspace has given any.
    assert again == without_tallies(exported)
    assert services.compare_journeys(original, copy).empty
    assert copy.template_id == "apprenticeship" and copy.source_journey_id is None
    suggestions = [len(s.suggestions) for s in services.load_board(copy).steps]
    assert suggestions == [len(s.suggestions) for s in services.load_board(original).steps]
    assert sum(suggestions) > 0

    # Points in the ranking's order (the voted one, then by severity); the trashed step's left out.
    made = [first, confirmed, late]
    assert [p["title"] for p in exported["critical_points"]] == [p.title for p in made]
    assert trashed.title not in json.dumps(exported)
    entry = next(p for p in exported["critical_points"] if p["title"] == "Lomake hukassa")
    assert entry == {
        "step": steps[0].key,
        "title": "Lomake hukassa",
        "description": "Kukaan ei tiedä missä.",
        "severity": 3,
        "category": {"key": "timing", "name": "Aikataulut"},
        "status": "open",
        "suggestion_source": "",
        "votes": 1,
        "dots": 0,
        "reports": [
            {
                "role": "employer",
                "organisation": "Konepaja Oy",
                "quote": "Ei löydy.",
                "source": "puhelu",
                "reported_on": "2026-01-31",
            },
            {
                "role": "student",
                "organisation": None,
                "quote": "",
                "source": "",
                "reported_on": None,
            },
        ],
    }
    handled = [s["handled"] for step in exported["steps"] for s in step["suggestions"]]
    assert handled.count(True) == 2

    # The copy's points are the importer's, in the other workspace, and nobody has voted yet.
    copied = db.session.scalars(select(CriticalPoint).where(CriticalPoint.journey_id == copy.id))
    copied = list(copied)
    assert len(copied) == 3
    assert {p.created_by_id for p in copied} == {importer.id}
    assert {r.created_by_id for p in copied for r in p.reports} == {importer.id}
    assert {p.category.workspace_id for p in copied} == {other.id}
    assert count(Vote) == 1
    assert all(p.status_changed_at is None for p in copied)
    theirs = accounts.organisations_of(other)
    assert [(o.name, o.kind) for o in theirs] == [("Konepaja Oy", OrganisationKind.EMPLOYER)]
    # The export says how the room voted; the import gave nobody's vote to anyone.
    assert [p["votes"] for p in exported["critical_points"]] == [1, 0, 0]


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
    journey = import_journey(home, user, with_points(document()), name="  Uusi nimi ")
    assert journey.name == "Uusi nimi"
    assert count(CriticalPoint) == 2 and count(Report) == 2
    actions = db.session.scalars(select(Activity.action).where(Activity.journey_id == journey.id))
    assert list(actions) == ["journey_imported"]
    db.session.rollback()
    assert nothing_written()


def test_a_document_without_points_or_handled_flags_still_imports(people):
    user, home, _ = people
    data = document()
    data["steps"][0]["suggestions"] = [{"text": "Hidas", "basis": "rule"}]
    assert validate_document(data).points == ()
    journey = import_journey(home, user, data)
    assert count(CriticalPoint) == 0
    suggestion = db.session.scalar(select(StepSuggestion))
    assert suggestion.step.journey_id == journey.id and suggestion.handled_at is None
    assert journey_json.export_journey(journey)["critical_points"] == []


def test_import_writes_points_reports_and_handled_suggestions(people):
    user, home, _ = people
    journey = import_journey(home, user, with_points(document()))
    board = services.load_board(journey)
    first = next(step for step in board.steps if step.key == "first")
    assert [s.handled_at is not None for s in first.suggestions] == [True, False]
    saved = db.session.scalars(select(CriticalPoint).order_by(CriticalPoint.id)).all()
    assert [(p.step.key, p.severity, p.status) for p in saved] == [
        ("first", 3, PointStatus.OPEN),
        ("late", 1, PointStatus.TESTING),
    ]
    assert saved[1].suggestion_source == "rule" and saved[1].reports == []
    employer, student = saved[0].reports
    assert employer.organisation.name == "Konepaja Oy"
    assert employer.organisation.kind == OrganisationKind.EMPLOYER
    assert employer.reported_on == date(2026, 1, 31) and employer.quote == "Ei löydy."
    assert student.organisation is None and student.reported_on is None
    assert saved[0].category.key == "paperwork" and saved[0].category.name is None
    assert saved[1].category.key is None and saved[1].category.name == "Palkka-asiat"


def test_import_finds_the_workspaces_categories_and_organisations_and_renames_none(people):
    user, home, _ = people
    points.rename_category(home, "key:timing", "Ajoitus")
    own = points.add_category(home, "palkka-asiat")
    firm = accounts.add_organisation(home, "KONEPAJA OY", OrganisationKind.OTHER)
    db.session.flush()
    data = with_points(document())
    first, second = data["critical_points"]
    first["category"] = {"key": "timing", "name": "Aikataulut"}
    second["category"] = {"key": None, "name": "Palkka-Asiat"}
    second["reports"] = [
        {"role": "teacher", "organisation": "Uusi Oy"},
        {"role": "employer", "organisation": "  uusi oy "},
        {"role": "workplace_instructor", "organisation": "Työmaa Ky"},
        {"role": "other", "organisation": "konepaja oy"},
    ]
    third = {**copy.deepcopy(first), "category": {"key": "compensation", "name": "Palkka"}}
    fourth = {**copy.deepcopy(first), "category": {"key": "timing"}}
    data["critical_points"] += [third, fourth]
    import_journey(home, user, data)

    saved = db.session.scalars(select(CriticalPoint).order_by(CriticalPoint.id)).all()
    assert saved[0].category.name == "Ajoitus" and saved[3].category is saved[0].category
    assert saved[1].category.id == own.id and own.name == "palkka-asiat"
    assert (saved[2].category.key, saved[2].category.name) == ("compensation", "Palkka")
    categories = db.session.scalars(select(Category).where(Category.workspace_id == home.id))
    assert sorted((c.key or "", c.name or "") for c in categories) == [
        ("", "palkka-asiat"),
        ("compensation", "Palkka"),
        ("timing", "Ajoitus"),
    ]
    assert {r.organisation.name for r in saved[0].reports if r.organisation} == {"KONEPAJA OY"}
    named = [r.organisation for r in saved[1].reports]
    assert named[0] is named[1] and named[3] is firm
    assert [(o.name, o.kind) for o in accounts.organisations_of(home)] == [
        ("KONEPAJA OY", OrganisationKind.OTHER),
        ("Työmaa Ky", OrganisationKind.EMPLOYER),
        ("Uusi Oy", OrganisationKind.OTHER),
    ]


def test_points_are_exported_in_the_rankings_order(people):
    user, home, _ = people
    data = with_points(document())
    data["critical_points"].reverse()
    data["critical_points"].append({"step": "second", "title": "Välissä", "severity": 2})
    journey = import_journey(home, user, data)
    exported = journey_json.export_journey(journey)["critical_points"]
    # Nobody voted: the most severe first.
    assert [(p["step"], p["title"]) for p in exported] == [
        ("first", "Lomake hukassa"),
        ("second", "Välissä"),
        ("late", "Hidas"),
    ]
    assert exported[1] == {
        "step": "second",
        "title": "Välissä",
        "description": "",
        "severity": 2,
        "category": None,
        "status": "open",
        "suggestion_source": "",
        "votes": 0,
        "dots": 0,
        "reports": [],
    }


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
    data["version"] = 3
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


def _set(data: dict, path: tuple, value) -> None:
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("steps", 1, "suggestions", 0, "handled"), "yes", "steps[1].suggestions[0].handled"),
        (("steps", 1, "suggestions", 1, "handled"), None, "steps[1].suggestions[1].handled"),
        (("critical_points",), {}, "critical_points"),
        (("critical_points", 0), [], "critical_points[0]"),
        (("critical_points", 1, "step"), "nowhere", "critical_points[1].step"),
        (("critical_points", 1, "step"), "s1", "critical_points[1].step"),
        (("critical_points", 0, "title"), "x" * 161, "critical_points[0].title"),
        (("critical_points", 0, "title"), " ", "critical_points[0].title"),
        (("critical_points", 0, "description"), "d" * 4001, "critical_points[0].description"),
        (("critical_points", 0, "severity"), 4, "critical_points[0].severity"),
        (("critical_points", 0, "severity"), 0, "critical_points[0].severity"),
        (("critical_points", 0, "severity"), True, "critical_points[0].severity"),
        (("critical_points", 0, "severity"), 2.0, "critical_points[0].severity"),
        (("critical_points", 0, "severity"), "2", "critical_points[0].severity"),
        (("critical_points", 0, "status"), "done", "critical_points[0].status"),
        (("critical_points", 0, "votes"), -1, "critical_points[0].votes"),
        (("critical_points", 0, "dots"), "3", "critical_points[0].dots"),
        (("critical_points", 0, "rank"), True, "critical_points[0].rank"),
        (
            ("critical_points", 1, "suggestion_source"),
            "s" * 301,
            "critical_points[1].suggestion_source",
        ),
        (("critical_points", 0, "category"), {}, "critical_points[0].category"),
        (
            ("critical_points", 0, "category"),
            {"key": None, "name": None},
            "critical_points[0].category",
        ),
        (("critical_points", 0, "category"), "timing", "critical_points[0].category"),
        (("critical_points", 0, "category", "key"), "weather", "critical_points[0].category.key"),
        (("critical_points", 0, "category", "key"), "", "critical_points[0].category.key"),
        (("critical_points", 0, "category", "colour"), "red", "critical_points[0].category.colour"),
        (("critical_points", 1, "category", "name"), "n" * 81, "critical_points[1].category.name"),
        (("critical_points", 1, "category", "name"), "", "critical_points[1].category.name"),
        (("critical_points", 0, "reports"), {}, "critical_points[0].reports"),
        (
            ("critical_points", 0, "reports", 1, "role"),
            "boss",
            "critical_points[0].reports[1].role",
        ),
        (("critical_points", 0, "reports", 1), {}, "critical_points[0].reports[1].role"),
        (
            ("critical_points", 0, "reports", 0, "organisation"),
            "o" * 161,
            "critical_points[0].reports[0].organisation",
        ),
        (
            ("critical_points", 0, "reports", 0, "organisation"),
            "  ",
            "critical_points[0].reports[0].organisation",
        ),
        (
            ("critical_points", 0, "reports", 0, "quote"),
            "q" * 4001,
            "critical_points[0].reports[0].quote",
        ),
        (
            ("critical_points", 0, "reports", 0, "source"),
            "s" * 201,
            "critical_points[0].reports[0].source",
        ),
        (
            ("critical_points", 0, "reports", 0, "reported_on"),
            "31.1.2026",
            "critical_points[0].reports[0].reported_on",
        ),
        (
            ("critical_points", 0, "reports", 0, "reported_on"),
            "2026-02-30",
            "critical_points[0].reports[0].reported_on",
        ),
        (
            ("critical_points", 0, "reports", 0, "reported_on"),
            "20260131",
            "critical_points[0].reports[0].reported_on",
        ),
        (
            ("critical_points", 0, "reports", 0, "reported_on"),
            20260131,
            "critical_points[0].reports[0].reported_on",
        ),
        (("critical_points", 0, "reports", 0, "votes"), 1, "critical_points[0].reports[0].votes"),
    ],
)
def test_each_critical_point_field_is_checked_and_nothing_is_written(
    app, people, path, value, field
):
    user, home, _ = people
    data = with_points(document())
    _set(data, path, value)
    with pytest.raises(ImportProblem) as caught:
        import_journey(home, user, data)
    assert caught.value.field == field
    with app.test_request_context():
        assert str(caught.value).startswith(f"{field}: ")
    assert nothing_written()


def test_the_optional_parts_of_a_point_may_be_left_out():
    data = document()
    data["critical_points"] = [
        {"step": "late", "title": "Vain otsikko", "severity": 2, "reports": [{"role": "other"}]}
    ]
    (point,) = validate_document(data).points
    assert (point.description, point.category, point.status, point.suggestion_source) == (
        "",
        None,
        PointStatus.OPEN,
        "",
    )
    assert point.reports[0].organisation is None and point.reports[0].reported_on is None


def test_at_most_5000_points_in_one_file():
    data = document()
    point = {"step": "first", "title": "x", "severity": 1}
    data["critical_points"] = [point] * journey_json.MAX_CRITICAL_POINTS
    assert len(validate_document(data).points) == 5000
    data["critical_points"].append(point)
    problem = problem_of(data)
    assert problem.field == "critical_points"
    assert "5000" in str(problem.message)


def test_at_most_20000_reports_in_one_file():
    data = document()
    reports = [{"role": "other"}] * 5000
    point = {"step": "first", "title": "x", "severity": 1, "reports": reports}
    data["critical_points"] = [point] * 4
    assert sum(len(p.reports) for p in validate_document(data).points) == 20_000
    data["critical_points"].append({**point, "reports": [{"role": "other"}]})
    problem = problem_of(data)
    assert problem.field == "critical_points[4].reports"
    assert "20000" in str(problem.message)


def test_a_long_address_and_http_addresses_are_accepted():
    data = document()
    data["steps"][0]["suggestions"] = [
        {"text": "x", "basis": "rule", "source_title": "OPH", "source_url": "http://oph.fi/a"}
    ]
    assert validate_document(data).steps[0].suggestions[0].source_url == "http://oph.fi/a"


def test_no_steps_is_a_valid_journey():
    data = document()
    data["steps"] = []
    assert validate_document(data).steps == ()


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


def test_import_reuses_categories_and_organisations_whatever_their_case(people):
    user, workspace, _other = people
    from workshop.accounts import services as accounts
    from workshop.accounts.models import OrganisationKind
    from workshop.critical_points import services as points
    from workshop.critical_points.models import Category

    accounts.add_organisation(workspace, "Straße Oy", OrganisationKind.EMPLOYER)
    own = points.add_category(workspace, "Money")
    data = with_points(document())
    data["critical_points"][0]["category"] = {"key": None, "name": "PAPERWORK"}
    data["critical_points"][0]["reports"][0]["organisation"] = "STRASSE OY"
    data["critical_points"][1]["category"] = {"key": "compensation", "name": "money"}
    import_journey(workspace, user, data)
    categories = db.session.scalars(select(Category).where(Category.workspace_id == workspace.id))
    shown = sorted((c.key or "", c.name or "") for c in categories)
    # "PAPERWORK" is the default Paperwork; "money" would clash with "Money", so no rename.
    assert shown == [("", "Money"), ("compensation", ""), ("paperwork", "")]
    assert own.name == "Money"
    assert [o.name for o in accounts.organisations_of(workspace)] == ["Straße Oy"]


def test_a_version_2_document_carries_tallies_that_the_import_reads_but_does_not_give(people):
    user, home, _ = people
    data = with_points(document())
    data["version"] = 2
    data["critical_points"][0] |= {"votes": 4, "dots": 2}
    (voted, _other) = validate_document(data).points
    assert (voted.votes, voted.dots, voted.support) == (4, 2, 6)
    journey = import_journey(home, user, data)
    assert count(Vote) == 0
    assert journey_json.export_journey(journey)["critical_points"][0]["votes"] == 0
    data["critical_points"][0]["dots"] = -1
    assert problem_of(data).field == "critical_points[0].dots"
    data["critical_points"][0]["dots"] = True
    assert problem_of(data).field == "critical_points[0].dots"
