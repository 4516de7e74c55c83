"""Every column that holds a person's name or e-mail is marked, and redaction finds names in text."""

import pytest
from sqlalchemy import Enum, String

from workshop.extensions import db
from workshop.personal_data import (
    FREE_TEXT_KEY,
    frozen_document_columns,
    personal_columns,
    redact,
    replace_words,
)
from workshop.privacy import mentions

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


# Long texts that are nobody's own words: the deployment's, the item bank's, or a source's.
NOT_PEOPLES_WORDS = {
    ("accessibility_statement", f"{name}_{language}")
    for name in ("known_issues",)
    for language in ("fi", "sv", "en")
} | {
    ("accessibility_statement", "feedback_url"),
    ("audit_event", "detail"),
    ("critical_point", "suggestion_source"),
    ("step_suggestion", "text"),
    ("step_suggestion", "source_title"),
    ("step_suggestion", "source_url"),
    *(
        (table, f"text_{language}")
        for table in ("survey_item", "survey_own_item")
        for language in ("fi", "sv", "en")
    ),
}
LONG_TEXT = 300


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


def test_every_long_text_column_is_marked_as_peoples_words_or_known_not_to_be(app):
    # The person search looks for names in people's words by this mark (privacy/mentions.py).
    with app.app_context():
        unmarked = [
            (table.name, column.name)
            for table in db.metadata.sorted_tables
            for column in table.columns
            if isinstance(column.type, String)
            and not isinstance(column.type, Enum)
            and (column.type.length is None or column.type.length >= LONG_TEXT)
            and not column.info
            and (table.name, column.name) not in NOT_PEOPLES_WORDS
        ]
        marked = [
            (t.name, c.name)
            for t in db.metadata.sorted_tables
            for c in t.columns
            if c.info.get(FREE_TEXT_KEY)
        ]
    assert unmarked == []
    assert ("critical_point", "description") in marked and ("live_entry", "text") in marked


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Soita Eevalle", "Soita [x]"),
        ("EEVAN mielestä", "[x] mielestä"),
        ("Eeva Esimerkki tietää", "[x] tietää"),
        ("Leevi ja Eeva", "Leevi ja [x]"),
        ("Ei ketään", "Ei ketään"),
    ],
)
def test_replace_words_takes_the_whole_inflected_word(text, expected):
    assert replace_words(text, ["Eeva Esimerkki", "Eeva"], "[x]") == expected


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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sanna Lehtosen mukaan", "[x] [x] mukaan"),
        ("Lehtoselle soitettiin", "[x] soitettiin"),
        ("Esimerkin Eevan kanssa", "[x] [x] kanssa"),
        ("Lehtonen ja Lehtola", "[x] ja Lehtola"),
    ],
)
def test_a_finnish_name_is_replaced_as_it_inflects(text, expected):
    names = mentions.words(["Sanna Lehtonen", "Eeva Esimerkki"], None)
    assert replace_words(text, names, "[x]") == expected
