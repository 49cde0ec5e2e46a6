"""Engine creation. SQLite gets WAL and a busy timeout so readers and a writer do not block each other."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import create_engine

SQLITE_BUSY_TIMEOUT_MS = 5_000


def make_engine(url: str, *, sqlite_foreign_keys: bool = True, **kwargs: Any) -> Engine:
    """`sqlite_foreign_keys=False` is for migrations only: SQLite alters a table by copying it and dropping the
    original, and with foreign keys on that drop would cascade-delete every row that refers to it."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _configure_sqlite if sqlite_foreign_keys else _configure_sqlite_for_migrations)
        event.listen(engine, "begin", _begin_sqlite)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite_for_migrations(dbapi_connection: Any, record: Any) -> None:
    _configure_sqlite(dbapi_connection, record)
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin, so that SAVEPOINTs and
    # rollbacks work as on PostgreSQL (SQLAlchemy's documented pysqlite recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


WRITE_INTENT = "commentdesk_write"  # execution option: this connection's transaction will write


def for_reading(engine: Engine) -> Engine:
    """The engine for requests that only read. On PostgreSQL their statements run without a transaction
    (autocommit): at READ COMMITTED each statement sees its own snapshot anyway, and it saves the BEGIN and the
    ROLLBACK, two round trips of a handful per request. SQLite keeps its transaction: there it gives one
    snapshot for the whole request and costs no round trip."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT")
    return engine


def for_writing(engine: Engine) -> Engine:
    return engine.execution_options(**{WRITE_INTENT: True})


def _begin_sqlite(connection: Any) -> None:
    # A transaction that reads and then writes must take the write lock at BEGIN: upgrading a read lock
    # later fails at once with "database is locked" when another writer got there first.
    immediate = connection.get_execution_options().get(WRITE_INTENT)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

