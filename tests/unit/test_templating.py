"""Templates get every label and filter from one place, workshop/templating.py."""

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import render_template_string
from jinja2 import meta

from workshop import create_app
from workshop.accounts import labels as accounts
from workshop.accounts.models import OrganisationKind, Role
from workshop.critical_points import labels as points
from workshop.critical_points.models import PointStatus, ReporterRole
from workshop.journeys import labels as journeys
from workshop.journeys.models import Channel, JourneyKind, LaneKind
from workshop.live import labels as live
from workshop.live.models import EntryKind
from workshop.sprints import labels as sprints
from workshop.sprints.models import DecisionStatus, ExperimentStatus, SprintStatus

ROOT = Path(__file__).resolve().parents[2]
REGISTERING = {
    "app_context_processor",
    "app_template_filter",
    "app_template_global",
    "app_template_test",
    "context_processor",
    "template_filter",
    "add_template_filter",
    "add_template_global",
}
# Label-like names a view passes to its own template instead (journey template files' keys).
PASSED_BY_VIEWS = {"kind_labels", "channel_labels", "basis_labels", "field_labels", "delete_label"}


@pytest.fixture(scope="module")
def app():
    return create_app(
        {"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    )


def test_only_templating_registers_what_templates_call():
    found = []
    for path in sorted((ROOT / "workshop").rglob("*.py")):
        if path.name == "templating.py" and path.parent.name == "workshop":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in REGISTERING:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.attr}")
    assert not found, "register it in workshop/templating.py instead:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("table", "keys"),
    [
        (accounts.ROLE_LABELS, Role),
        (accounts.ROLE_HINTS, Role),
        (accounts.ORGANISATION_KIND_LABELS, OrganisationKind),
        (journeys.KIND_LABELS, JourneyKind),
        (journeys.LANE_KIND_LABELS, LaneKind),
        (journeys.CHANNEL_LABELS, Channel),
        (points.ROLE_LABELS, ReporterRole),
        (points.STATUS_LABELS, PointStatus),
        (sprints.SPRINT_STATUS_LABELS, SprintStatus),
        (sprints.EXPERIMENT_STATUS_LABELS, ExperimentStatus),
        (sprints.DECISION_STATUS_LABELS, DecisionStatus),
        (live.ENTRY_KIND_LABELS, EntryKind),
    ],
)
def test_every_value_has_a_label(table, keys):
    assert set(table) == set(keys)


def test_every_label_a_template_calls_is_registered(app):
    with app.test_request_context():
        registered = set(app.jinja_env.globals)
        for processor in app.template_context_processors[None]:
            registered |= set(processor())
    missing = set()
    for path in (ROOT / "templates").rglob("*.html"):
        names = meta.find_undeclared_variables(app.jinja_env.parse(path.read_text()))
        for name in names - registered - PASSED_BY_VIEWS:
            if re.search(r"_labels?$|_hint$|^severity_|^activity_text$|_languages$", name):
                missing.add(f"{path.relative_to(ROOT)}: {name}")
    assert not missing


def test_labels_and_filters_render_in_the_readers_language(app):
    source = (
        "{{ role_label(role) }}|{{ reporter_role_label(reporter) }}|{{ severity_shape(3) }}"
        "|{{ channel_label(channel) }}|{{ sprint_status_label(status) }}"
        "|{{ entry_kind_label(kind) }}|{{ ('2026-03-12'|isodate).day }}"
        "|{{ ('2026-03-12T08:30:00Z'|isodatetime).hour }}"
    )
    values = dict(
        role=Role.FACILITATOR,
        reporter=ReporterRole.STUDENT,
        channel=Channel.PHONE,
        status=SprintStatus.RUNNING,
        kind=EntryKind.COMMENT,
    )
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        finnish = render_template_string(source, **values)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english = render_template_string(source, **values)
    assert english == "Facilitator|Student|▲|Phone|Running|Comment|12|8"
    assert finnish == "Fasilitaattori|Opiskelija|▲|Puhelin|Käynnissä|Kommentti|12|8"


@pytest.mark.parametrize(
    ("language", "moment", "clock"),
    [
        ("fi", "6.12.2026 klo 15.25", "klo 15.25"),
        ("sv", "6 dec. 2026 kl. 15:25", "kl. 15:25"),
        ("en", "Dec 6, 2026 at 3:25\u202fPM", "3:25\u202fPM"),
    ],
)
def test_times_read_the_way_each_language_writes_them(app, language, moment, clock):
    """In the app's zone (Europe/Helsinki, +2 in December), without seconds or an offset."""
    source = "{{ at|moment }}|{{ at|clock }}"
    at = datetime(2026, 12, 6, 13, 25, 15, tzinfo=UTC)
    with app.test_request_context(headers={"Accept-Language": language}):
        assert render_template_string(source, at=at) == f"{moment}|{clock}"
