"""The demo's design sprints, and `flask export-pdf` writing a sprint's summary."""

import subprocess

import pytest
from sqlalchemy import func, select

from workshop import demo
from workshop.critical_points.models import Vote
from workshop.extensions import db
from workshop.sprints import services as sprints
from workshop.sprints import snapshot
from workshop.sprints.models import (
    Decision,
    Experiment,
    Participant,
    Snapshot,
    Sprint,
    SprintStatus,
)

COUNTED = (Sprint, Participant, Experiment, Decision, Snapshot, Vote)


def _counts() -> list[int]:
    return [db.session.scalar(select(func.count()).select_from(m)) for m in COUNTED]


def _sprint(title: str) -> Sprint:
    return db.session.scalar(select(Sprint).where(Sprint.title == title))


@pytest.fixture
def demo_loaded(app, tmp_path):
    """The demo content, committed so the commands (in their own app context) see it."""
    demo.load_demo(tmp_path / "instance")
    db.session.commit()


def _pdf_text(path) -> str:
    """The PDF's text as poppler reads it, whitespace folded."""
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    return " ".join(text.split())


def test_demo_twice_makes_its_sprints_once(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    counts = _counts()
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert _counts() == counts
    assert counts[0] == 2


def test_demo_sprint_is_closed_with_its_snapshot(app, demo_loaded):
    sprint = _sprint(demo.DEMO_SPRINT)
    assert sprint.status == SprintStatus.CLOSED and sprint.closed_at is not None
    assert [p.name for p in sprint.phases] == demo.DEMO_PHASES
    assert 4 <= len(sprint.participants) <= 6
    assert [p.is_facilitator for p in sprint.participants].count(True) == 1
    assert {p.user_id is None for p in sprint.participants} == {True, False}
    assert len(sprint.experiments) == 2 and any(e.points for e in sprint.experiments)
    owners = [(d.owner_user_id, d.owner_name, d.owner_organisation_id) for d in sprint.decisions]
    assert any(user for user, _name, _org in owners)
    assert any(name and org for user, name, org in owners if user is None)
    assert all(d.due_on for d in sprint.decisions)

    document = sprints.document_of(sprint)
    assert document.sprint.title == demo.DEMO_SPRINT
    assert document.sprint.status == "closed"
    assert len(document.participants) == len(sprint.participants)
    points = document.journeys[0].points
    assert sum(p.votes for p in points) > 0
    assert any(e.points for e in document.experiments)


def test_demo_next_sprint_shows_changes_since_the_closed_one(app, demo_loaded):
    running = _sprint(demo.DEMO_NEXT_SPRINT)
    assert running.status == SprintStatus.RUNNING and running.snapshot is None
    assert sprints.previous_sprint(running) == _sprint(demo.DEMO_SPRINT)
    closed = sprints.document_of(_sprint(demo.DEMO_SPRINT))
    changes = snapshot.changes(closed, sprints.document_of(running))
    assert changes and not changes[0].empty
    assert changes[0].steps_changed and changes[0].points_new


def test_export_pdf_writes_the_summary_in_finnish(app, demo_loaded, tmp_path):
    sprint = _sprint(demo.DEMO_SPRINT)
    output = tmp_path / "summary.pdf"
    result = app.test_cli_runner().invoke(
        args=["export-pdf", "--sprint", str(sprint.id), "--lang", "fi", "-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    assert "pages in" in result.output
    assert output.read_bytes().startswith(b"%PDF")
    text = _pdf_text(output)
    assert demo.DEMO_SPRINT in text
    for word in ("Työtila", "Palvelupolut", "Tunnekäyrä", "Työpaikkaohjaaja"):
        assert word in text
    # Without --names only counts are printed, never a guest's name.
    assert "Leevi Mäkinen" not in text


def test_export_pdf_in_swedish_with_names(app, demo_loaded, tmp_path):
    sprint = _sprint(demo.DEMO_SPRINT)
    output = tmp_path / "sammanfattning.pdf"
    result = app.test_cli_runner().invoke(
        args=["export-pdf", "--sprint", str(sprint.id), "--lang", "sv", "--names"]
        + ["-o", str(output)]
    )
    assert result.exit_code == 0, result.output
    text = _pdf_text(output)
    assert demo.DEMO_SPRINT in text
    for word in ("Arbetsyta", "Servicestigar", "Känslokurva", "Arbetsplatshandledare"):
        assert word in text
    assert "Työtila" not in text
    assert "Leevi Mäkinen" in text


def test_export_pdf_refuses_an_unknown_sprint(app, tmp_path):
    output = tmp_path / "none.pdf"
    result = app.test_cli_runner().invoke(args=["export-pdf", "--sprint", "999", "-o", str(output)])
    assert result.exit_code == 1
    assert "there is no sprint 999" in result.output
    assert not output.exists()


def test_export_pdf_names_the_languages_it_knows(app, tmp_path):
    result = app.test_cli_runner().invoke(
        args=["export-pdf", "--sprint", "1", "--lang", "de", "-o", str(tmp_path / "x.pdf")]
    )
    assert result.exit_code == 2
    assert "'de' is not one of 'fi', 'sv', 'en'" in result.output


def test_export_pdf_refuses_a_sprint_above_the_step_limit(app, demo_loaded, tmp_path):
    app.config["PDF_MAX_STEPS"] = 5
    sprint = _sprint(demo.DEMO_SPRINT)
    output = tmp_path / "big.pdf"
    result = app.test_cli_runner().invoke(
        args=["export-pdf", "--sprint", str(sprint.id), "-o", str(output)]
    )
    assert result.exit_code == 1
    assert "can show at most 5 (PDF_MAX_STEPS)" in result.output
    assert not output.exists()
