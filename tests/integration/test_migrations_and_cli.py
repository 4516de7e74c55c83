"""Migrations match the models; the flask commands do what the README says."""

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from tests.conftest import ROOT, close_app, config_for_tests
from workshop import create_app
from workshop.accounts.models import Membership, Organisation, User, Workspace
from workshop.extensions import db
from workshop.journeys.models import Journey


@pytest.fixture
def empty_app(tmp_path):
    """An app on an empty database: no tables at all."""
    app = create_app(config_for_tests(tmp_path))
    with app.app_context():
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        yield app
        db.session.remove()
        db.drop_all()
        db.session.execute(db.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
    close_app(app)


def test_migrations_build_exactly_the_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_migrations_go_down_and_up_again(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert "membership" in inspect(db.engine).get_table_names()


def test_demo_loads_once_and_prints_a_working_login(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    counts = [
        db.session.scalar(select(func.count(m.id)))
        for m in (User, Workspace, Organisation, Membership)
    ]
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert [
        db.session.scalar(select(func.count(m.id)))
        for m in (User, Workspace, Organisation, Membership)
    ] == counts
    assert counts[1] == 1 and counts[2] >= 3
    journeys = db.session.scalars(select(Journey)).all()
    assert sorted(j.template_id for j in journeys) == ["apprenticeship", "training_agreement"]
    email = re.search(r"Log in as: (\S+)", second.output).group(1)
    password = re.search(r"Password:\s+(\S+)", second.output).group(1)
    assert password == re.search(r"Password:\s+(\S+)", first.output).group(1)
    response = app.test_client().post("/login", data={"email": email, "password": password})
    assert response.status_code == 303


def test_create_admin_makes_the_first_account(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-admin", "--email", "Admin@Example.fi", "--name", "Ada"],
        input="a long enough secret\na long enough secret\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.email == "admin@example.fi" and user.is_admin
    again = runner.invoke(
        args=[
            "create-admin",
            "--email",
            "admin@example.fi",
            "--name",
            "B",
            "--password",
            "another long secret",
        ]
    )
    assert again.exit_code == 1
    assert "exists already" in again.output


def test_journeys_check_passes_on_the_shipped_files(app):
    result = app.test_cli_runner().invoke(args=["journeys", "check"])
    assert result.exit_code == 0, result.output
    assert "apprenticeship.toml" in result.output and "training_agreement.toml" in result.output


def test_journeys_check_names_file_and_field(app, tmp_path):
    broken = tmp_path / "apprenticeship.toml"
    text = (ROOT / "journeys" / "apprenticeship.toml").read_text(encoding="utf-8")
    broken.write_text(text.replace('channel = "', 'channel = "carrier pigeon', 1), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["journeys", "check", str(broken)])
    assert result.exit_code != 0
    assert re.search(
        r"FAIL apprenticeship\.toml: steps\[0\]\.channel: must be one of", result.output
    )
