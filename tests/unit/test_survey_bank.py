"""The competence item bank: the shipped file loads, points at real template steps and
categories, and a broken file is refused with a message naming the item and the field."""

from pathlib import Path

import pytest

from workshop.competence.bank import BankError, load_bank, load_banks, unknown_references
from workshop.critical_points.models import DEFAULT_CATEGORIES
from workshop.journey_templates.loader import load_directory

ROOT = Path(__file__).resolve().parents[2]
BANK_DIR = ROOT / "journeys" / "competence"
SHIPPED = BANK_DIR / "bank-2026-1.toml"


def test_the_shipped_bank_has_the_24_drafts_on_three_levels():
    bank = load_banks(BANK_DIR)["2026-1"]
    assert [item.id for item in bank.items][:3] == ["A01", "A02", "A03"]
    assert len(bank.items) == 24
    assert {level: sum(i.level == level for i in bank.items) for level in "ABC"} == {
        "A": 8,
        "B": 8,
        "C": 8,
    }
    # ALL is read as every role, so a report can ask "is this item a teacher's?"
    assert bank.item("A01").concerns("OFF") and not bank.item("B06").concerns("OFF")
    assert bank.item("B07").text.get("sv").startswith("Jag flyttar")


def test_every_item_points_at_steps_and_categories_that_exist():
    templates = load_directory(ROOT / "journeys").templates
    keys = {f"{t.id}.{step.id}" for t in templates.values() for step in t.steps}
    bank = load_bank(SHIPPED)
    assert all(item.steps for item in bank.items)
    assert unknown_references(bank, keys, set(DEFAULT_CATEGORIES)) == []
    assert unknown_references(bank, keys - {"apprenticeship.draft_hoks"}, {"timing"})[:2] == [
        "item A01.categories: unknown category 'communication'",
        "item A02.categories: unknown category 'contact_person'",
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('id = "B03"', 'id = "B02"', "items[10].id: duplicate item id 'B02'"),
        ('level = "C"\nroles = ["MGT"]', 'level = "D"\nroles = ["MGT"]', "item C08.level"),
        ('roles = ["WBL", "SC"]', 'roles = ["WBL", "JANITOR"]', "item B07.roles[1]"),
        (
            'steps = ["apprenticeship.draft_hoks", "training_agreement.refine_hoks"]',
            'steps = ["draft hoks"]',
            "item B02.steps[0]: is not a valid key",
        ),
        (
            'en = "I act on our service promise to working life." }',
            'en = "" }',
            "item A08.text.en: must be a non-empty string",
        ),
        ("schema = 1", "schema = 2", "schema: must be 1"),
    ],
)
def test_a_broken_bank_names_the_item_and_field(tmp_path, old, new, message):
    source = SHIPPED.read_text(encoding="utf-8")
    assert old in source
    broken = tmp_path / "bank.toml"
    broken.write_text(source.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(BankError) as error:
        load_bank(broken)
    assert message in str(error.value)


def test_two_files_with_one_version_are_refused(tmp_path):
    for name in ("a.toml", "b.toml"):
        (tmp_path / name).write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(BankError, match="b.toml: version: '2026-1' is in two files"):
        load_banks(tmp_path)
