"""The journey template files and the loader that validates them."""

import shutil
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from workshop.journey_templates.loader import (
    LANGUAGES,
    TemplateError,
    load_directory,
    load_template,
)

JOURNEYS = Path(__file__).resolve().parents[2] / "journeys"
FRONTSTAGE_ACTORS = ["student", "employer", "workplace_instructor", "teacher", "institution_office"]


@pytest.mark.parametrize("path", sorted(JOURNEYS.glob("*.toml")), ids=lambda p: p.name)
def test_shipped_template_is_complete(path):
    template = load_template(path)
    assert len(template.steps) >= 15
    assert [lane.id for lane in template.lanes if not lane.is_backstage] == FRONTSTAGE_ACTORS
    assert any(lane.is_backstage for lane in template.lanes)
    for step in template.steps:
        for lang in LANGUAGES:
            assert step.title.get(lang) and step.description.get(lang)
    assert template.critical_point_count > 0
    for step in template.steps:
        for point in step.critical_points:
            assert point.source in ("hypothesis", "inferred") or template.source(point.source)


def test_both_processes_have_a_template():
    kinds = {load_template(p).kind for p in JOURNEYS.glob("*.toml")}
    assert kinds == {"apprenticeship", "training_agreement"}


def test_loaded_template_cannot_be_changed():
    template = load_template(JOURNEYS / "apprenticeship.toml")
    with pytest.raises(FrozenInstanceError):
        template.steps[0].title.fi = "muutettu"


def broken_copy(tmp_path, old: str, new: str, name="apprenticeship.toml") -> Path:
    """A copy of a shipped template with one piece of text replaced."""
    text = (JOURNEYS / name).read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {name}"
    target = tmp_path / name
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


def first_step_lane(name="apprenticeship.toml") -> str:
    return load_template(JOURNEYS / name).steps[0].lane


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        ('kind = "apprenticeship"', 'kind = "internship"', "kind", "must be one of"),
        ("schema = 1", "schema = 2", "schema", "must be 1"),
        ('id = "apprenticeship"', 'id = "other"', "id", "file name"),
    ],
)
def test_top_level_problem_names_the_field(tmp_path, old, new, field, message):
    with pytest.raises(TemplateError) as raised:
        load_template(broken_copy(tmp_path, old, new))
    assert raised.value.problem.file == "apprenticeship.toml"
    assert raised.value.problem.field == field
    assert message in raised.value.problem.message


def test_missing_language_names_the_field(tmp_path):
    template = load_template(JOURNEYS / "apprenticeship.toml")
    swedish = template.steps[0].title.sv
    path = broken_copy(tmp_path, f'sv = "{swedish}", ', "")
    with pytest.raises(TemplateError) as raised:
        load_template(path)
    assert raised.value.problem.field == "steps[0].title.sv"
    assert raised.value.problem.message == "is missing"


def test_unknown_lane_names_the_step(tmp_path):
    lane = first_step_lane()
    path = broken_copy(tmp_path, f'lane = "{lane}"', 'lane = "no_such_lane"')
    with pytest.raises(TemplateError) as raised:
        load_template(path)
    assert raised.value.problem.field == "steps[0].lane"


def test_duplicate_step_id_is_refused(tmp_path):
    template = load_template(JOURNEYS / "apprenticeship.toml")
    first, second = template.steps[0].id, template.steps[1].id
    path = broken_copy(tmp_path, f'id = "{second}"', f'id = "{first}"')
    with pytest.raises(TemplateError) as raised:
        load_template(path)
    assert raised.value.problem.field == "steps[1].id"
    assert "duplicate" in raised.value.problem.message


def test_unknown_source_is_refused(tmp_path):
    template = load_template(JOURNEYS / "apprenticeship.toml")
    point = next(p for s in template.steps for p in s.critical_points if template.source(p.source))
    path = broken_copy(tmp_path, f'source = "{point.source}"', 'source = "NOWHERE"')
    with pytest.raises(TemplateError) as raised:
        load_template(path)
    assert "unknown source 'NOWHERE'" in raised.value.problem.message


def test_syntax_error_is_reported_not_raised(tmp_path):
    path = tmp_path / "apprenticeship.toml"
    path.write_text('schema = 1\nid = "apprenticeship\n', encoding="utf-8")
    with pytest.raises(TemplateError) as raised:
        load_template(path)
    assert raised.value.problem.field == "(syntax)"


def test_broken_file_leaves_the_others_usable(tmp_path):
    shutil.copy(JOURNEYS / "training_agreement.toml", tmp_path)
    broken_copy(tmp_path, 'kind = "apprenticeship"', 'kind = "nonsense"')
    loaded = load_directory(tmp_path)
    assert list(loaded.templates) == ["training_agreement"]
    assert [p.file for p in loaded.problems] == ["apprenticeship.toml"]


@pytest.mark.parametrize("path", sorted(JOURNEYS.glob("*.toml")), ids=lambda p: p.name)
def test_every_source_has_its_title_in_finnish_swedish_and_english(path):
    template = load_template(path)
    assert template.sources
    for source in template.sources:
        titles = {lang: source.title.get(lang) for lang in LANGUAGES}
        assert len(set(titles.values())) == len(LANGUAGES), source.key


def test_a_source_title_given_once_serves_every_language(tmp_path):
    template = load_template(JOURNEYS / "apprenticeship.toml")
    source = template.sources[0]
    old = f'title = {{ fi = "{source.title.fi}", sv = "{source.title.sv}", en = "{source.title.en}" }}'
    path = broken_copy(tmp_path, old, 'title = "Karvi 2021"')
    copy = load_template(path).source(source.key)
    assert [copy.title.get(lang) for lang in LANGUAGES] == ["Karvi 2021"] * 3
