"""Engines and sessions for SQLite (embedded default) and PostgreSQL.

Transactions are owned by the edges (a request, a task): services receive a session and
never commit. On SQLite every transaction starts with `BEGIN IMMEDIATE`: a deferred
transaction that reads and then writes fails at once with SQLITE_BUSY when another
connection wrote in between (WAL snapshots), whereas an immediate one waits its turn
under `busy_timeout`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# A server that does not answer at all (a network cut) must fail a connection attempt, not
# hang it: the loops that wait out outages need the error to know there is one.
POSTGRESQL_CONNECT_TIMEOUT_SECONDS = 10
# PostgreSQL takes at most 65,535 parameters in one statement: an `IN (...)` list that grows
# with the data is sent in slices of this many.
IN_LIST_SLICE = 500

_Value = TypeVar("_Value")


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"connect_timeout": POSTGRESQL_CONNECT_TIMEOUT_SECONDS},
        )
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)

    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin_immediate(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception."""
    with factory() as session, session.begin():
        yield session


def rows_changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed: the rowcount its cursor result carries
    (typed as a plain Result by `Session.execute`)."""
    assert isinstance(result, CursorResult)
    return result.rowcount


def slices(values: Iterable[_Value]) -> Iterator[list[_Value]]:
    """`values`, without repeats, in lists of at most IN_LIST_SLICE: one `IN (...)` each."""
    distinct = list(dict.fromkeys(values))
    for start in range(0, len(distinct), IN_LIST_SLICE):
        yield distinct[start : start + IN_LIST_SLICE]
