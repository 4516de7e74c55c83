"""Backups of the whole database while the app runs, and their restore into an empty database.

SQLite is copied with its online backup API (one consistent snapshot, what is still in the WAL
included), PostgreSQL with `pg_dump` in its custom format and brought back with `pg_restore`.
The schema revision travels inside both kinds (the alembic_version table), so a backup needs no
manifest beside it: restore reads it from the file before anything is touched.
"""

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import upgrade
from sqlalchemy import Engine, column, func, inspect, select, table
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from workshop.extensions import db

SQLITE = "SQLite"
POSTGRESQL = "PostgreSQL"
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
VERSION_TABLE = "alembic_version"
# Connection settings a database URL may carry in its query, as libpq's environment names them.
LIBPQ_QUERY = {
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
}
DEBIAN_PG_BIN = Path("/usr/lib/postgresql")


class BackupError(Exception):
    """A backup or restore that was refused or failed; the message says why and what to do."""


@dataclass(frozen=True)
class Backup:
    """What a backup file holds: its kind, size and schema revision."""

    kind: str
    size: int
    revision: str | None


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup it brought back, what it replaced, any upgrade."""

    backup: Backup
    replaced: dict[str, int]
    replaced_revision: str | None
    upgraded_from: str | None


# --- schema revisions ------------------------------------------------------------------------


def _scripts() -> ScriptDirectory:
    return ScriptDirectory(current_app.extensions["migrate"].directory)


def head_revision() -> str:
    """The schema revision this code needs (the newest migration)."""
    return _scripts().get_current_head()


def older_than_head(revision: str) -> bool:
    """Whether the migrations know `revision` as an earlier step towards the head."""
    known = {script.revision for script in _scripts().walk_revisions()}
    return revision in known and revision != head_revision()


def check_revision(revision: str | None) -> bool:
    """Refuse a backup this code cannot bring back; True when it needs upgrading afterwards."""
    head = head_revision()
    if revision is None:
        raise BackupError(
            f"the file holds no schema revision (no {VERSION_TABLE} table): "
            "it is not a backup of a Polku database"
        )
    if revision == head:
        return False
    if older_than_head(revision):
        return True
    raise BackupError(
        f"the backup has schema revision {revision}, which this Polku does not know: it needs "
        f"{head}. The backup was made by a newer Polku: restore it with that version (or a "
        "newer one), then run `flask --app workshop db upgrade` there."
    )


# --- the app's database ----------------------------------------------------------------------


def database_kind(engine: Engine) -> str:
    """SQLite or PostgreSQL; any other database is refused."""
    name = engine.dialect.name
    if name == "sqlite":
        return SQLITE
    if name == "postgresql":
        return POSTGRESQL
    raise BackupError(f"backups work on SQLite and PostgreSQL, not on {name}")


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError("the database is not an SQLite file: there is nothing to copy")
    return Path(database)


def table_rows(engine: Engine) -> dict[str, int]:
    """Rows in each table that has any, alembic_version left out."""
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        counts = {
            name: connection.scalar(select(func.count()).select_from(table(name)))
            for name in names
            if name != VERSION_TABLE
        }
    return {name: count for name, count in sorted(counts.items()) if count}


def database_revision(engine: Engine) -> str | None:
    """The schema revision the database says it has, if it has one."""
    with engine.connect() as connection:
        if VERSION_TABLE not in inspect(connection).get_table_names():
            return None
        return connection.scalar(select(table(VERSION_TABLE, column("version_num"))))


# --- PostgreSQL's tools ----------------------------------------------------------------------


def _tool_major(path: Path) -> int | None:
    try:
        result = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    found = re.search(r"\(PostgreSQL\) (\d+)", result.stdout)
    return int(found.group(1)) if found else None


def _server_major(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.exec_driver_sql("SHOW server_version_num").scalar()) // 10000


def pg_tools(engine: Engine) -> Path:
    """The folder of a pg_dump and pg_restore at least as new as the server."""
    server = _server_major(engine)
    configured = current_app.config.get("PG_BIN") or os.environ.get("POLKU_PG_BIN")
    if configured:
        folders = [Path(configured)]
    else:
        installed = sorted(DEBIAN_PG_BIN.glob("*/bin"), key=lambda p: p.parent.name)
        on_path = shutil.which("pg_dump")
        folders = [DEBIAN_PG_BIN / str(server) / "bin"]
        folders += [Path(on_path).parent] if on_path else []
        folders += [f for f in installed if f.parent.name.isdigit() and int(f.parent.name) > server]
    found = []
    for folder in folders:
        major = _tool_major(folder / "pg_dump")
        if major is not None and (folder / "pg_restore").exists():
            if major >= server:
                return folder
            found.append(f"{folder / 'pg_dump'} is version {major}")
    where = "; ".join(found) or "no pg_dump found on PATH, in POLKU_PG_BIN or /usr/lib/postgresql"
    raise BackupError(
        f"the PostgreSQL server is version {server} and needs pg_dump and pg_restore {server} "
        f"or newer ({where}): install postgresql-client-{server}, or set POLKU_PG_BIN to the "
        "folder holding them"
    )


def _pg_environment(url: URL) -> dict[str, str]:
    """libpq's settings for the URL, so no password ever shows on a command line."""
    environment = dict(os.environ)
    parts = {
        "PGHOST": url.host,
        "PGPORT": url.port,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }
    for key, value in url.query.items():
        if key in LIBPQ_QUERY:
            parts[LIBPQ_QUERY[key]] = value if isinstance(value, str) else value[-1]
    environment.update({key: str(value) for key, value in parts.items() if value is not None})
    return environment


def _run(command: list[str], environment: dict[str, str], what: str) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = " ".join(result.stderr.split()[-60:]) or f"exit code {result.returncode}"
        raise BackupError(f"{what} failed: {detail}")


# --- reading a backup file -------------------------------------------------------------------


def file_kind(path: Path) -> str:
    """SQLite or PostgreSQL by the file's first bytes; anything else is refused."""
    try:
        with path.open("rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {path}: {error.strerror}") from None
    if not start:
        raise BackupError(f"{path} is empty: it is not a backup")
    if start.startswith(SQLITE_MAGIC[: len(start)]) and len(start) == len(SQLITE_MAGIC):
        return SQLITE
    if start.startswith(PG_DUMP_MAGIC):
        return POSTGRESQL
    if start.startswith(b"--"):
        raise BackupError(
            f"{path} looks like a plain SQL dump: this command restores only what "
            "`flask --app workshop backup` writes (pg_dump's custom format or an SQLite file)"
        )
    raise BackupError(
        f"{path} is not a Polku backup: neither an SQLite database nor a PostgreSQL "
        "custom-format dump"
    )


def _sqlite_revision(path: Path) -> str | None:
    """The revision inside an SQLite backup, after checking it is whole and undamaged."""
    size = path.stat().st_size
    with path.open("rb") as file:
        header = file.read(100)
    page_size = int.from_bytes(header[16:18], "big") if len(header) == 100 else 0
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big") if len(header) == 100 else 0
    # The header's page count holds when its change counter matches the one beside it.
    counted = len(header) == 100 and header[24:28] == header[92:96]
    if not page_size or (counted and size < page_size * pages) or size % page_size:
        raise BackupError(f"{path} is incomplete (cut short?): it cannot be restored")
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as source:
            check = source.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise BackupError(f"{path} is damaged ({check}): it cannot be restored")
            tables = {row[0] for row in source.execute("SELECT name FROM sqlite_master")}
            if VERSION_TABLE not in tables:
                return None
            row = source.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(
            f"{path} is damaged or unreadable ({error}): it cannot be restored"
        ) from None
    return row[0] if row else None


def _pg_dump_revision(path: Path, tools: Path) -> str | None:
    """The revision inside a pg_dump custom file, read in a full pass that checks it is whole."""
    command = [str(tools / "pg_restore"), "--file=-", str(path)]
    versions: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace"
    ) as process:
        in_versions = False
        for line in process.stdout:
            line = line.rstrip("\n")
            if in_versions:
                if line == "\\.":
                    in_versions = False
                else:
                    versions.append(line)
            elif re.match(rf"COPY (\S+\.)?{VERSION_TABLE} \(.*\) FROM stdin;$", line):
                in_versions = True
        problem = process.stderr.read()
    if process.returncode != 0:
        detail = " ".join(problem.split()[-40:])
        raise BackupError(f"{path} is damaged or incomplete ({detail}): it cannot be restored")
    return versions[0] if versions else None


def read_backup(path: Path, engine: Engine) -> Backup:
    """What the backup at `path` holds, refusing anything that is not a whole backup of the
    app's kind of database."""
    kind = file_kind(path)
    target = database_kind(engine)
    if kind != target:
        raise BackupError(
            f"{path} is a backup of a {kind} database, but this Polku's database is {target}. "
            f"Restore it into a Polku that uses {kind}, then move the content with "
            "the workspace archive."
        )
    if kind == SQLITE:
        revision = _sqlite_revision(path)
    else:
        revision = _pg_dump_revision(path, pg_tools(engine))
    return Backup(kind, path.stat().st_size, revision)


# --- backup ----------------------------------------------------------------------------------


def _copy_sqlite(source: Path, copy: Path) -> None:
    if not source.is_file():
        raise BackupError(f"there is no database file {source}")
    # mode=rw: should it vanish now, it is an error, not a new empty file.
    uri = f"{source.resolve().as_uri()}?mode=rw"
    try:
        with (
            closing(sqlite3.connect(uri, uri=True, timeout=30)) as origin,
            closing(sqlite3.connect(copy)) as target,
        ):
            # All pages in one step: one read transaction, so one consistent snapshot that
            # includes what is still in the WAL, while writers carry on.
            origin.backup(target)
            # A single self-contained file, with no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE")
            check = target.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not copy {source}: {error}") from None
    if check != "ok":
        raise BackupError(f"the copy failed its integrity check ({check})")


def _dump_postgres(engine: Engine, copy: Path) -> None:
    tools = pg_tools(engine)
    command = [str(tools / "pg_dump"), "--format=custom", "--no-password", f"--file={copy}"]
    _run(command, _pg_environment(engine.url), "pg_dump")


def write_backup(engine: Engine, output: Path) -> Backup:
    """Write a consistent backup of the database to `output` (mode 0600, replaced whole)."""
    kind = database_kind(engine)
    folder = output.parent
    if not folder.is_dir():
        raise BackupError(f"there is no folder {folder} to write the backup in")
    if output.is_dir():
        raise BackupError(f"{output} is a folder: name the backup file to write")
    descriptor, name = tempfile.mkstemp(dir=folder, prefix=f".{output.name}.", suffix=".part")
    os.close(descriptor)
    part = Path(name)
    try:
        if kind == SQLITE:
            _copy_sqlite(_sqlite_file(engine), part)
        else:
            _dump_postgres(engine, part)
        os.chmod(part, 0o600)
        with part.open("rb") as file:
            os.fsync(file.fileno())
        backup = read_backup(part, engine)
        os.replace(part, output)
    finally:
        part.unlink(missing_ok=True)
    return backup


# --- restore ---------------------------------------------------------------------------------


def _drop_statement(engine: Engine) -> str:
    """SQL that removes every table the database holds now."""
    with engine.connect() as connection:
        names = inspect(connection).get_table_names()
        quote = connection.dialect.identifier_preparer.quote
    if not names:
        return ""
    return f"DROP TABLE IF EXISTS {', '.join(quote(n) for n in names)} CASCADE;\n"


def _restore_sqlite(engine: Engine, path: Path) -> None:
    target_file = _sqlite_file(engine)
    engine.dispose()  # no pooled connection keeps the old content open
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        with (
            closing(sqlite3.connect(uri, uri=True)) as source,
            closing(sqlite3.connect(target_file, timeout=30)) as target,
        ):
            # The backup API replaces the whole target in one transaction.
            source.backup(target)
    except sqlite3.Error as error:
        raise BackupError(f"SQLite could not write {target_file}: {error}") from None


def _restore_postgres(engine: Engine, path: Path) -> None:
    """Drop the old tables and load the backup in one transaction that commits only once all
    of the backup has gone through, so a restore that fails anywhere changes nothing."""
    tools = pg_tools(engine)
    if not (tools / "psql").exists():
        raise BackupError(f"restoring needs psql beside pg_restore in {tools}: it is not there")
    drop = _drop_statement(engine)
    engine.dispose()
    environment = _pg_environment(engine.url)
    # pg_restore writes the backup as SQL; psql runs it. Not psql's --single-transaction: it
    # would commit whatever came before a pg_restore that broke off half way.
    script = [str(tools / "pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(path)]
    load = [str(tools / "psql"), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1"]
    load += ["--file=-", f"--dbname={engine.url.database}"]
    with tempfile.TemporaryFile() as script_errors, tempfile.TemporaryFile() as load_errors:
        reader = subprocess.Popen(
            script, env=environment, stdout=subprocess.PIPE, stderr=script_errors
        )
        loader = subprocess.Popen(
            load,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=load_errors,
        )
        _feed(reader, loader, drop)
        # psql first: when it stops at an error, pg_restore is stopped too.
        for process, errors, what in (
            (loader, load_errors, "psql"),
            (reader, script_errors, "pg_restore"),
        ):
            if process.returncode != 0:
                errors.seek(0)
                detail = " ".join(errors.read().decode(errors="replace").split()[-60:])
                raise BackupError(
                    f"{what} failed: {detail or f'exit code {process.returncode}'}. Nothing was "
                    "changed: the database is as it was"
                )


def _feed(reader: subprocess.Popen, loader: subprocess.Popen, drop: str) -> None:
    """Pipe pg_restore's SQL into psql between BEGIN and a COMMIT sent only if all of it came."""
    with suppress(BrokenPipeError):  # psql stopped at an error: its transaction rolls back
        loader.stdin.write(f"BEGIN;\n{drop}".encode())
        shutil.copyfileobj(reader.stdout, loader.stdin, 1 << 20)
        if reader.wait() == 0:
            loader.stdin.write(b"COMMIT;\n")
    reader.stdout.close()
    if reader.poll() is None:
        reader.kill()
    reader.wait()
    with suppress(BrokenPipeError):
        loader.stdin.close()
    loader.wait()


def restore_backup(engine: Engine, path: Path, replace: bool = False) -> Restored:
    """Bring the backup at `path` back into the app's database, which must be empty unless
    `replace`; an older schema revision is upgraded to this code's afterwards."""
    backup = read_backup(path, engine)
    needs_upgrade = check_revision(backup.revision)
    rows = table_rows(engine)
    current = database_revision(engine)
    if rows and not replace:
        raise BackupError(
            f"the database is not empty: {_describe(rows, current)}. Restoring would replace "
            "all of it: run again with --replace if that is what you want (and take a backup "
            "of it first)"
        )
    if backup.kind == SQLITE:
        _restore_sqlite(engine, path)
    else:
        _restore_postgres(engine, path)
    if needs_upgrade:
        upgrade()
    return Restored(backup, rows, current, backup.revision if needs_upgrade else None)


def _describe(rows: dict[str, int], revision: str | None) -> str:
    total = sum(rows.values())
    text = f"{total} {_plural(total, 'row')} in {len(rows)} {_plural(len(rows), 'table')}"
    return f"{text}, schema revision {revision}" if revision else text


def _plural(count: int, word: str) -> str:
    return word if count == 1 else f"{word}s"


def _size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


# --- commands --------------------------------------------------------------------------------


@click.command("backup")
@click.option(
    "-o",
    "--output",
    required=True,
    help="The file to write (replaced whole when it exists); - writes to standard output.",
)
def backup_command(output: str):
    """Write a consistent backup of the whole database while the app runs."""
    try:
        if output == "-":
            with tempfile.TemporaryDirectory(prefix="polku-backup-") as folder:
                path = Path(folder) / "backup"
                backup = write_backup(db.engine, path)
                with path.open("rb") as file:
                    shutil.copyfileobj(file, sys.stdout.buffer)
                sys.stdout.buffer.flush()
        else:
            backup = write_backup(db.engine, Path(output))
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"the database cannot be reached: {error.orig or error}"
        ) from None
    revision = backup.revision or "none (restore will refuse it: run `flask db upgrade` first)"
    click.echo(
        f"Backup written to {'standard output' if output == '-' else output}: "
        f"{backup.kind}, {_size(backup.size)}, schema revision {revision}.",
        err=output == "-",
    )


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Replace a database that is not empty.")
def restore_command(backup_file: Path, replace: bool):
    """Bring a backup back into an empty database (stop the app first)."""
    if not backup_file.is_file():
        raise click.ClickException(f"there is no file {backup_file}")
    try:
        restored = restore_backup(db.engine, backup_file, replace)
    except BackupError as error:
        raise click.ClickException(f"nothing was restored: {error}") from None
    except SQLAlchemyError as error:
        raise click.ClickException(
            f"the database cannot be reached: {error.orig or error}"
        ) from None
    if restored.replaced:
        click.echo(f"Replaced {_describe(restored.replaced, restored.replaced_revision)}.")
    click.echo(
        f"Restored {backup_file} ({restored.backup.kind}, schema revision "
        f"{restored.backup.revision})."
    )
    if restored.upgraded_from:
        click.echo(f"Upgraded the schema from {restored.upgraded_from} to {head_revision()}.")
