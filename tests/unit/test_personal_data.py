"""Every column that holds a person's name or e-mail is marked, and redaction finds names in text."""

import pytest

from workshop.extensions import db
from workshop.personal_data import frozen_document_columns, personal_columns, redact

# Name-like columns that hold no person: an organisation, a workspace, a journey, a phase…
NOT_A_PERSON = {
    ("organisation", "name"),
    ("workspace", "name"),
    ("journey", "name"),
    ("category", "name"),
    ("sprint_phase", "name"),
    ("survey_round", "name"),
    ("survey_unit", "name"),
    ("live_guest", "organisation_name"),
}


def _looks_personal(column) -> bool:
    # Whoever owns or leads something is a person too (a coaching theme's owner, an experiment's).
    return column.name in {"name", "email", "owner"} or column.name.endswith(
        ("_name", "_email", "_owner")
    )


def test_every_name_or_email_column_is_marked_or_known_not_to_be_a_person(app):
    with app.app_context():
        marked = {(m.table.name, m.column.name) for m in personal_columns(db.metadata)}
        unmarked = [
            (table.name, column.name)
            for table in db.metadata.sorted_tables
            for column in table.columns
            if _looks_personal(column)
            and (table.name, column.name) not in marked
            and (table.name, column.name) not in NOT_A_PERSON
        ]
    assert unmarked == []
    assert ("user", "name") in marked and ("live_guest", "display_name") in marked


def test_frozen_documents_are_known(app):
    with app.app_context():
        found = {(m.table.name, m.column.name) for m in frozen_document_columns(db.metadata)}
    assert ("sprint_snapshot", "document") in found


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Matti Virtanen", "[removed]"),
        ("  matti virtanen ", "[removed]"),
        ("Matti Virtanen (Työnantaja)", "[removed] (Työnantaja)"),
        (
            {"who": ["Kysyi Matti Virtanen ja MATTI VIRTANEN"]},
            {"who": ["Kysyi [removed] ja [removed]"]},
        ),
        ("Matti", "Matti"),
        (3, 3),
    ],
)
def test_redact_replaces_the_name_wherever_it_stands(value, expected):
    assert redact(value, ["Matti Virtanen", ""], "[removed]") == expected


def test_redact_with_no_names_changes_nothing():
    assert redact({"a": "Matti"}, ["", "  "], "[removed]") == {"a": "Matti"}
