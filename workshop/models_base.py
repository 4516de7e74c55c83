"""Declarative base shared by every model, and the SQLite connection settings."""

import enum
from datetime import UTC, datetime

from flask import g, has_request_context, request
from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.types import TypeDecorator

# Stable constraint names, so Alembic migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of all Polku models."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def db_enum(cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by its value, as a VARCHAR with a CHECK constraint on every database."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [m.value for m in members],
    )


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def _lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _configure_sqlite(dbapi_connection, connection_record):
    """Give every SQLite connection WAL, a generous busy timeout, enforced foreign keys and a
    lower() that knows every alphabet."""
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    cursor = dbapi_connection.cursor()
    # WAL lets readers go on while one writer writes; in-memory databases ignore it.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # SQLite's own lower() folds A–Z only, and Finnish and Swedish names begin with Ä, Ö and Å:
    # searches that ignore case, and lists sorted by lower(name), would treat them apart.
    dbapi_connection.create_function("lower", 1, _lower, deterministic=True)
    # Let SQLAlchemy start transactions itself (below) instead of the driver's own guesswork.
    dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _begin_sqlite(connection):
    """Writes take SQLite's write lock at BEGIN, so they queue for it instead of failing.

    A deferred transaction that reads first and writes later cannot wait for the lock when
    another writer got in between ("database is locked" at once); an immediate one waits up
    to busy_timeout. Pages that only read (GET) keep deferred transactions and never block.
    """
    if connection.dialect.name != "sqlite":
        return
    # A connection may ask for a deferred transaction itself (the rate limiter's counters).
    deferred = connection.get_execution_options().get("polku_deferred", False)
    reading = deferred or (
        has_request_context()
        and (request.method in ("GET", "HEAD", "OPTIONS") or g.get("polku_committed", False))
    )
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


@event.listens_for(Session, "after_commit")
def _note_commit(session):
    """A view commits once: what it reads afterwards to draw its answer needs no write lock,
    and holding one while rendering would make every other writer wait for the page."""
    if has_request_context():
        g.polku_committed = True


def render_migration_item(type_, obj, autogen_context):
    """Write UTCDateTime columns into migrations as plain DateTime, so they never import us."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False
