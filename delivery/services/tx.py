"""Transactions that behave alike on SQLite and PostgreSQL.

pysqlite opens transactions lazily and SQLAlchemy drops `FOR UPDATE` on SQLite, so a read-then-write
use case there could read a row another thread is about to change. `write_transaction` makes such a
use case start with `BEGIN IMMEDIATE` on SQLite (the write lock up front; other writers wait on the
busy timeout), while PostgreSQL keeps ordinary transactions and row locks.
"""
from __future__ import annotations

import select
import weakref
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.sql import Executable
from sqlalchemy.orm import Session

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
def write_transaction(session: Session) -> Iterator[Session]:
    """Run a read-then-write use case in one transaction: commit on success, roll back on error."""
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


# PostgreSQL engines whose connections are in autocommit mode, one per application engine (same URL,
# a pool of its own: switching a pooled connection's mode costs more than the statement). Held
# weakly: an application (a test's, say) that goes away takes its twin along.
_AUTOCOMMIT: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def autocommit_engine(session: Session) -> Engine | None:
    """The autocommit twin of the session's PostgreSQL engine, or None on SQLite.

    A use case that is one statement runs there as its own transaction: no BEGIN and COMMIT (or
    ROLLBACK) round trips around it. Its pool tests a connection without a round trip (see
    `_drop_if_closed`) instead of pinging it.
    """
    engine = session.get_bind()
    if engine.dialect.name != "postgresql":
        return None
    twin = _AUTOCOMMIT.get(engine)
    if twin is None:
        twin = create_engine(engine.url, isolation_level="AUTOCOMMIT", pool_size=10, max_overflow=10)
        event.listen(twin, "checkout", _drop_if_closed)
        _AUTOCOMMIT[engine] = twin
    return twin


def _drop_if_closed(dbapi_connection, connection_record, connection_proxy) -> None:
    """Refuse a pooled connection the server has ended: the pool then opens another.

    An idle connection has nothing to read unless the server said goodbye (a restart, an
    administrator's termination) or closed it, so a readable socket is a dead connection; a `SELECT 1`
    ping would learn the same with a round trip, which on a busy host cost a quarter of a dispatch.
    """
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    if readable:
        raise DisconnectionError("the server closed this pooled connection")


def read_rows(session: Session, statement: Executable, params: dict | None = None) -> list:
    """The rows of one read-only statement: on PostgreSQL in autocommit (a snapshot of its own), on
    SQLite in the session's transaction.

    Should a connection fail all the same (dropped without a word), SQLAlchemy discards the pool's
    connections and the read, which changes nothing, runs again once.
    """
    engine = autocommit_engine(session)
    if engine is None:
        return session.execute(statement, params).all()
    try:
        return _read(engine, statement, params)
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
    return _read(engine, statement, params)


def _read(engine: Engine, statement: Executable, params: dict | None) -> list:
    with engine.connect() as connection:
        return connection.execute(statement, params).all()
