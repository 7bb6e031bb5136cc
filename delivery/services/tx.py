"""Transactions that behave alike on SQLite and PostgreSQL.

pysqlite opens transactions lazily and SQLAlchemy drops `FOR UPDATE` on SQLite, so a read-then-write
use case there could read a row another thread is about to change. `write_transaction` makes such a
use case start with `BEGIN IMMEDIATE` on SQLite (the write lock up front; other writers wait on the
busy timeout), while PostgreSQL keeps ordinary transactions and row locks.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

_SQLITE_IMMEDIATE = "delivery_sqlite_immediate"


def install_sqlite_hooks() -> None:
    """Make every SQLite connection use foreign keys, WAL and explicit BEGINs (idempotent)."""
    if event.contains(Engine, "connect", _on_connect):
        return
    event.listen(Engine, "connect", _on_connect)
    event.listen(Engine, "begin", _on_begin)


def _on_connect(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    # Take over BEGIN from pysqlite so that _on_begin decides DEFERRED or IMMEDIATE.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.close()


def _on_begin(connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    immediate = connection.get_execution_options().get(_SQLITE_IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


@contextmanager
def write_transaction(session: Session | scoped_session) -> Iterator[Session]:
    """Run a read-then-write use case in one transaction: commit on success, roll back on error."""
    if isinstance(session, scoped_session):  # Flask-SQLAlchemy's db.session: use this context's session
        session = session()
    if session.in_transaction():
        # Reads done earlier in the request (the signed-in user, say) end here, so the write lock
        # below is taken at the start of a fresh transaction.
        session.commit()
    session.connection(execution_options={_SQLITE_IMMEDIATE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
