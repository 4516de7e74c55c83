"""`flask survey check` and the app's start refuse a broken item bank with a clear message."""

import pytest

from tests.conftest import ROOT, config_for_tests
from workshop import create_app
from workshop.competence.bank import BankError

SHIPPED = ROOT / "journeys" / "competence" / "bank-2026-1.toml"


def test_the_shipped_bank_checks_out(app):
    result = app.test_cli_runner().invoke(args=["survey", "check"])
    assert result.exit_code == 0, result.output
    assert "ok   bank 2026-1: 24 items" in result.output


def test_an_item_pointing_at_a_missing_step_fails_the_check(app, tmp_path, monkeypatch):
    source = SHIPPED.read_text(encoding="utf-8")
    (tmp_path / "bank.toml").write_text(
        source.replace('"apprenticeship.draft_hoks"', '"apprenticeship.no_such_step"', 1),
        encoding="utf-8",
    )
    # The app is shared between tests: the change goes when this test ends.
    monkeypatch.setitem(app.config, "SURVEY_BANK_DIR", str(tmp_path))
    result = app.test_cli_runner().invoke(args=["survey", "check"])
    assert result.exit_code == 1
    assert "2026-1: item A04.steps: unknown step 'apprenticeship.no_such_step'" in result.output


def test_the_app_does_not_start_on_a_broken_bank(tmp_path):
    (tmp_path / "bank.toml").write_text(
        SHIPPED.read_text(encoding="utf-8").replace('level = "B"', 'level = "Z"', 1),
        encoding="utf-8",
    )
    with pytest.raises(BankError, match=r"bank.toml: item B01.level: must be one of: A, B, C"):
        create_app(config_for_tests(tmp_path, SURVEY_BANK_DIR=str(tmp_path)))
