"""`flask backup` and `flask restore`: every row comes back, a backup taken under writes is
consistent, and whatever restore refuses leaves the target database as it was."""

import sqlite3
import stat
import threading
import uuid
from contextlib import closing
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp, upgrade
from sqlalchemy import create_engine, func, insert, inspect, make_url, select, text
from sqlalchemy.pool import NullPool

from tests.conftest import POSTGRES_URL, ROOT, close_app, config_for_tests, fresh_app, page
from workshop import backup, create_app, demo
from workshop.accounts import services as accounts
from workshop.audit.models import Action, ActorKind, AuditEvent
from workshop.extensions import db

KIND = "PostgreSQL" if POSTGRES_URL else "SQLite"
# The newest migration in migrations/versions/, which every fresh database is at.
HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()


def contents(app) -> dict[str, list]:
    """Every table of the models and alembic_version, row for row, in primary-key order."""
    with app.app_context(), db.engine.connect() as connection:
        names = set(inspect(connection).get_table_names())
        rows = {
            table.name: connection.execute(select(table).order_by(*table.primary_key)).all()
            for table in db.metadata.sorted_tables
            if table.name in names
        }
        if "alembic_version" in names:
            rows["alembic_version"] = connection.execute(
                text("SELECT version_num FROM alembic_version")
            ).all()
    return rows


def run(app, *args):
    """A flask command as `flask --app workshop` runs it: in an app context of its own."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=list(args))
        db.session.remove()
    return result


def take_backup(app, path: Path) -> Path:
    result = run(app, "backup", "-o", str(path))
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """An app on a database at the head revision holding the demo content."""
    folder = tmp_path_factory.mktemp("demo")
    app = fresh_app(folder)
    with app.app_context():
        stamp()
        demo.load_demo(folder / "instance")
        demo.demo_live_session()
        db.session.commit()
        db.session.remove()
    yield app
    close_app(app)


@pytest.fixture(scope="module")
def demo_backup(demo_app, tmp_path_factory):
    return take_backup(demo_app, tmp_path_factory.mktemp("backups") / "polku.backup")


@pytest.fixture
def blank_app(tmp_path):
    """An app on a database with no tables at all: a new SQLite file or PostgreSQL database."""
    admin = None
    if POSTGRES_URL:
        name = f"polku_restore_{uuid.uuid4().hex[:12]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'restored.sqlite'}"
    app = create_app(config_for_tests(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    yield app
    close_app(app)
    if admin is not None:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def used_app(tmp_path):
    """An app on a database holding the schema and one account, which nothing may lose."""
    app = fresh_app(tmp_path)
    with app.app_context():
        accounts.create_user("kept@example.fi", "Kept", "a long enough secret")
        db.session.commit()
        db.session.remove()
    yield app
    close_app(app)


def test_backup_and_restore_bring_back_every_row(demo_app, demo_backup, blank_app):
    source = contents(demo_app)
    assert sum(bool(rows) for rows in source.values()) >= 40
    assert source["alembic_version"] == [(HEAD,)]
    assert stat.S_IMODE(demo_backup.stat().st_mode) == 0o600

    result = run(blank_app, "restore", str(demo_backup))

    assert result.exit_code == 0, result.output
    assert f"schema revision {HEAD}" in result.output
    assert contents(blank_app) == source


def test_backup_says_what_it_wrote(demo_app, tmp_path):
    result = run(demo_app, "backup", "-o", str(tmp_path / "nightly.backup"))

    assert result.exit_code == 0, result.output
    size = (tmp_path / "nightly.backup").stat().st_size
    assert f"{KIND}, {size / 1024:.1f} KiB, schema revision {HEAD}" in result.output
    assert [path.name for path in tmp_path.iterdir()] == ["nightly.backup"]  # no temp file left


def test_backup_to_standard_output(demo_app):
    result = run(demo_app, "backup", "-o", "-")

    assert result.exit_code == 0, result.stderr
    assert result.stdout_bytes.startswith(b"SQLite format 3\x00" if KIND == "SQLite" else b"PGDMP")
    assert f"Backup written to standard output: {KIND}" in result.stderr


def test_restore_into_a_database_with_the_schema_and_no_rows(demo_app, demo_backup, tmp_path):
    app = fresh_app(tmp_path)
    try:
        result = run(app, "restore", str(demo_backup))
        assert result.exit_code == 0, result.output
        assert "Replaced" not in result.output
        assert contents(app) == contents(demo_app)
    finally:
        close_app(app)


def test_restore_refuses_a_database_with_rows_unless_told(demo_app, demo_backup, used_app):
    before = contents(used_app)

    refused = run(used_app, "restore", str(demo_backup))

    assert refused.exit_code == 1
    assert "the database is not empty: 1 row in 1 table" in refused.output
    assert "--replace" in refused.output
    assert contents(used_app) == before

    replaced = run(used_app, "restore", "--replace", str(demo_backup))

    assert replaced.exit_code == 0, replaced.output
    assert "Replaced 1 row in 1 table." in replaced.output
    assert contents(used_app) == contents(demo_app)


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's write-ahead log")
def test_backup_holds_what_is_still_in_the_write_ahead_log(tmp_path):
    app = fresh_app(tmp_path)
    database = tmp_path / "test.sqlite"
    with app.app_context():
        stamp()
    writer = sqlite3.connect(database, isolation_level=None)
    try:
        writer.execute("PRAGMA journal_mode=WAL")
        writer.execute("PRAGMA wal_autocheckpoint=0")
        writer.execute("BEGIN")
        for number in range(50):
            writer.execute(
                "INSERT INTO audit_event (at, action, actor_kind, object_type, object_id, "
                "detail) VALUES ('2026-01-01 00:00:00', 'create', 'system', 'wal', ?, '')",
                (number,),
            )
        writer.execute("COMMIT")
        # A plain copy of the database file alone misses the rows: they are only in the WAL.
        plain = tmp_path / "plain.sqlite"
        plain.write_bytes(database.read_bytes())
        with closing(sqlite3.connect(plain)) as copy:
            assert copy.execute("SELECT count(*) FROM audit_event").fetchone() == (0,)

        written = take_backup(app, tmp_path / "wal.backup")
    finally:
        writer.close()
        close_app(app)

    with closing(sqlite3.connect(f"{written.as_uri()}?mode=ro", uri=True)) as copy:
        assert copy.execute("SELECT count(*) FROM audit_event").fetchone() == (50,)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not Path(f"{written}-wal").exists()


def test_backup_while_another_connection_writes_is_consistent(tmp_path, blank_app):
    """The writer adds audit events two at a time: a consistent copy holds an even number."""
    app = fresh_app(tmp_path)
    with app.app_context():
        stamp()
        url = db.engine.url
    engine = create_engine(url, poolclass=NullPool)
    stop = threading.Event()
    written = []

    def write():
        number = 0
        while not stop.is_set() or len(written) < 4:
            with engine.begin() as connection:
                for _ in range(2):
                    connection.execute(
                        insert(AuditEvent.__table__).values(
                            action=Action.CREATE,
                            actor_kind=ActorKind.SYSTEM,
                            object_type="writer",
                            object_id=number,
                            detail="x" * 200,
                        )
                    )
            number += 1
            written.append(number)

    writer = threading.Thread(target=write)
    writer.start()
    try:
        while len(written) < 2:
            stop.wait(0.01)
        started_at = len(written)
        path = take_backup(app, tmp_path / "busy.backup")
    finally:
        stop.set()
        writer.join()
        engine.dispose()
        close_app(app)

    result = run(blank_app, "restore", str(path))
    assert result.exit_code == 0, result.output
    with blank_app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        if KIND == "SQLite":
            assert db.session.execute(text("PRAGMA integrity_check")).all() == [("ok",)]
    assert events % 2 == 0
    assert events >= 2 * started_at


# --- refusals: each leaves the target as it was, even with --replace --------------------------


def other_kind_file(path: Path) -> Path:
    """A backup file of the other database kind than the suite runs on."""
    if KIND == "SQLite":
        path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200))
    else:
        with closing(sqlite3.connect(path)) as other:
            other.execute("CREATE TABLE alembic_version (version_num VARCHAR(32))")
            other.execute(f"INSERT INTO alembic_version VALUES ('{HEAD}')")
            other.commit()
    return path


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda path, _backup: path.write_bytes(b""), "is empty: it is not a backup"),
        (
            lambda path, _backup: path.write_bytes(bytes(range(256)) * 40),
            "is not a Polku backup: neither an SQLite database nor a PostgreSQL",
        ),
        (
            lambda path, _backup: path.write_text("-- PostgreSQL database dump\n"),
            "looks like a plain SQL dump",
        ),
        (
            lambda path, backup_file: path.write_bytes(
                backup_file.read_bytes()[: backup_file.stat().st_size // 2]
            ),
            "cannot be restored",
        ),
        (lambda path, _backup: other_kind_file(path), "but this Polku's database is"),
    ],
    ids=["empty", "random", "plain-sql", "truncated", "other-kind"],
)
def test_restore_refuses_what_is_not_a_whole_backup(
    demo_backup, used_app, tmp_path, make_file, message
):
    path = tmp_path / "suspect.backup"
    make_file(path, demo_backup)
    before = contents(used_app)

    result = run(used_app, "restore", "--replace", str(path))

    assert result.exit_code == 1
    assert "nothing was restored" in result.output and message in result.output
    assert contents(used_app) == before


def backup_with_revision(tmp_path: Path, revision: str | None) -> Path:
    """A backup of an empty Polku database that says it has `revision` (None: no table)."""
    folder = tmp_path / "source"
    folder.mkdir()
    app = fresh_app(folder)
    try:
        if revision is not None:
            with app.app_context():
                stamp()
                db.session.execute(
                    text("UPDATE alembic_version SET version_num = :r"), {"r": revision}
                )
                db.session.commit()
        return take_backup(app, tmp_path / "revision.backup")
    finally:
        close_app(app)


def test_restore_refuses_a_backup_of_a_newer_polku(used_app, tmp_path):
    path = backup_with_revision(tmp_path, "0099_from_the_future")
    before = contents(used_app)

    result = run(used_app, "restore", "--replace", str(path))

    assert result.exit_code == 1
    assert "the backup has schema revision 0099_from_the_future" in result.output
    assert f"it needs {HEAD}" in result.output
    assert "restore it with that version" in result.output
    assert contents(used_app) == before


def test_restore_refuses_a_database_without_a_schema_revision(used_app, tmp_path):
    path = backup_with_revision(tmp_path, None)
    before = contents(used_app)

    result = run(used_app, "restore", "--replace", str(path))

    assert result.exit_code == 1
    assert "holds no schema revision" in result.output
    assert contents(used_app) == before


def test_restore_refuses_a_missing_file(used_app, tmp_path):
    result = run(used_app, "restore", str(tmp_path / "nowhere.backup"))

    assert result.exit_code == 1
    assert "there is no file" in result.output


def test_an_older_backup_is_restored_and_upgraded(tmp_path, blank_app):
    folder = tmp_path / "old"
    folder.mkdir()
    old = create_app(config_for_tests(folder))
    try:
        with old.app_context():
            db.drop_all()
            upgrade(revision="0011_sparring")
            assert "audit_event" not in inspect(db.engine).get_table_names()
        path = take_backup(old, tmp_path / "old.backup")
    finally:
        close_app(old)

    result = run(blank_app, "restore", str(path))

    assert result.exit_code == 0, result.output
    assert f"Upgraded the schema from 0011_sparring to {HEAD}" in result.output
    restored = contents(blank_app)
    assert restored["alembic_version"] == [(HEAD,)]
    assert restored["audit_event"] == []


# --- PostgreSQL's tools -----------------------------------------------------------------------

postgres_only = pytest.mark.skipif(not POSTGRES_URL, reason="runs on PostgreSQL")


@postgres_only
def test_the_password_goes_through_the_environment(tmp_path, monkeypatch):
    url = make_url(POSTGRES_URL).set(password="never-on-a-command-line")
    app = fresh_app(tmp_path, SQLALCHEMY_DATABASE_URI=url.render_as_string(hide_password=False))
    commands = []
    real_run = backup.subprocess.run

    def watch(command, *args, **kwargs):
        commands.append((command, kwargs.get("env") or {}))
        return real_run(command, *args, **kwargs)

    monkeypatch.setattr(backup.subprocess, "run", watch)
    try:
        take_backup(app, tmp_path / "pw.backup")
    finally:
        close_app(app)
    dumps = [(command, env) for command, env in commands if "--format=custom" in command]
    assert dumps and all("never-on-a-command-line" not in " ".join(c) for c, _ in dumps)
    assert dumps[-1][1]["PGPASSWORD"] == "never-on-a-command-line"


@postgres_only
def test_a_missing_or_too_old_pg_dump_is_named(tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    for tool in ("pg_dump", "pg_restore"):
        (old / tool).write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
        (old / tool).chmod(0o755)
    for folder, message in ((tmp_path / "none", "no pg_dump found"), (old, "is version 9")):
        app = fresh_app(tmp_path, PG_BIN=str(folder))
        try:
            result = run(app, "backup", "-o", str(tmp_path / "x.backup"))
        finally:
            close_app(app)
        assert result.exit_code == 1
        assert message in result.output and "set POLKU_PG_BIN" in result.output
        assert not (tmp_path / "x.backup").exists()


def test_backup_refuses_a_folder_that_is_not_there(used_app, tmp_path):
    result = run(used_app, "backup", "-o", str(tmp_path / "missing" / "x.backup"))

    assert result.exit_code == 1
    assert "there is no folder" in result.output


def test_the_administration_page_tells_how_backups_are_made(client, make_user, login):
    login(make_user(is_admin=True))

    response = client.get("/admin", headers={"Accept-Language": "fi"})

    section = page(response).find(id="admin-backup-title").parent
    assert section.h2.get_text() == "Varmuuskopiot"
    commands = [code.get_text() for code in section.find_all("code")]
    assert commands == ["flask --app workshop backup -o FILE", "flask --app workshop restore FILE"]


@postgres_only
def test_a_restore_that_fails_half_way_changes_nothing(demo_app, used_app, tmp_path):
    # A backup holding a schema the target has too: loading it fails after the old tables are
    # dropped, and the drop must roll back with the rest.
    with demo_app.app_context():
        db.session.execute(text("CREATE SCHEMA polku_extra"))
        db.session.commit()
        try:
            path = take_backup(demo_app, tmp_path / "extra.backup")
        finally:
            db.session.execute(text("DROP SCHEMA polku_extra"))
            db.session.commit()
            db.session.remove()
    with used_app.app_context():
        db.session.execute(text("CREATE SCHEMA polku_extra"))
        db.session.commit()
        db.session.remove()
    before = contents(used_app)

    result = run(used_app, "restore", "--replace", str(path))

    assert result.exit_code == 1
    assert 'schema "polku_extra" already exists' in result.output
    assert "Nothing was changed" in result.output
    assert contents(used_app) == before
