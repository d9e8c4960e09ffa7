"""The one engine per database URL, and the session factory.

A database connection belongs to the process that opened it. A forked process (a Celery pool
child, re-forked whenever one dies or is recycled) starts with a copy of its parent's pools, whose
sockets the parent and its other children still use; two processes talking over one socket mix
up each other's results (another order's bank reference, "received 0 results from command
ROLLBACK", a shipment for the wrong order). So every engine made here (`guard_engine`):

- forgets, in a forked child, every connection it inherited, without closing them (closing would
  end the parent's session too): `os.register_at_fork` calls `forget_inherited_connections`,
  which the Celery pool child also calls on `worker_process_init` (workers/celery_app.py);
- refuses to hand out a connection opened by another process: the pool's checkout compares the
  pid recorded at connect with the current one, drops a foreign connection unclosed and opens a
  new one (the "Using Connection Pools with Multiprocessing or os.fork()" recipe of SQLAlchemy).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from models.settings import Settings, get_settings


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


# Every engine guarded in this process, so a fork can reset them all.
_engines: weakref.WeakSet[Engine] = weakref.WeakSet()


def guard_engine(engine: Engine) -> Engine:
    """Make `engine` process-safe (see the module docstring) and return it."""

    @event.listens_for(engine, "connect")
    def _remember_owner(_dbapi_connection, record) -> None:
        record.info["pid"] = os.getpid()

    @event.listens_for(engine, "checkout")
    def _refuse_other_process(_dbapi_connection, record, proxy) -> None:
        owner = record.info.get("pid")
        if owner is not None and owner != os.getpid():
            # Detach without closing: the socket is the owner's. The pool then opens a new one.
            record.dbapi_connection = proxy.dbapi_connection = None
            raise exc.DisconnectionError(
                f"connection opened by process {owner}, checked out in process {os.getpid()}"
            )

    _engines.add(engine)
    return engine


def forget_inherited_connections() -> None:
    """In a freshly forked process: drop every pooled connection inherited from the parent,
    unclosed, so each engine opens its own. Cheap and idempotent."""
    for engine in list(_engines):
        engine.dispose(close=False)


def close_pooled_connections() -> None:
    """In a process about to fork: close the idle pooled connections, so a child has none to
    inherit (connections in use stay open and are closed when given back)."""
    for engine in list(_engines):
        engine.dispose()


os.register_at_fork(after_in_child=forget_inherited_connections)


@dataclass(frozen=True)
class PoolSizing:
    """A PostgreSQL engine's pool: its size, overflow, checkout timeout, and whether it goes
    through PgBouncer in transaction mode (then no server-side prepared statements)."""

    size: int
    overflow: int
    timeout_seconds: float
    behind_pgbouncer: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> PoolSizing:
        return cls(
            size=settings.db_pool_size,
            overflow=settings.db_max_overflow,
            timeout_seconds=settings.db_pool_timeout_seconds,
            behind_pgbouncer=settings.database_behind_pgbouncer,
        )


def engine_for(url: str, pool: PoolSizing | None = None) -> Engine:
    """An engine for `url`, made once per process and pool sizing (the settings' by default)."""
    return _engine(url, pool or PoolSizing.from_settings(get_settings()))


@lru_cache(maxsize=8)
def _engine(url: str, pool: PoolSizing) -> Engine:
    return guard_engine(_create_engine(url, pool))


def _create_engine(url: str, pool: PoolSizing) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)

        # Let BEGIN take the write lock at once, so two writers queue instead of deadlocking.
        @event.listens_for(engine, "connect")
        def _no_pysqlite_begin(dbapi_connection, _record):
            dbapi_connection.isolation_level = None

        @event.listens_for(engine, "begin")
        def _begin_immediate(conn):
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    # No pre-ping: it costs a round trip on every checkout, and a session checks out once per
    # transaction. A connection the server dropped fails its next statement instead; SQLAlchemy
    # then invalidates the whole pool, so one request (or one task try: workers retry on
    # OperationalError) sees the error and the next ones get fresh connections. Connections are
    # also replaced after half an hour.
    # A checkout that waits longer than the timeout raises sqlalchemy.exc.TimeoutError, which the
    # API answers with 503 and Retry-After (portal/api/errors.py): the pools' sum is the connection
    # budget checked at start-up (models/connection_budget.py), so the server never refuses one.
    # Through PgBouncer in transaction mode consecutive transactions may run on different server
    # connections, where a statement psycopg prepared on another one does not exist: prepare none.
    connect_args = {"prepare_threshold": None} if pool.behind_pgbouncer else {}
    return create_engine(
        url,
        pool_size=pool.size,
        max_overflow=pool.overflow,
        pool_timeout=pool.timeout_seconds,
        pool_recycle=1800,
        connect_args=connect_args,
    )


def libpq_dsn(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL (postgresql+psycopg://...) as psycopg.connect() takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def get_engine() -> Engine:
    """The engine for the configured `DATABASE_URL`."""
    return engine_for(get_settings().database_url)


@contextmanager
def session_scope() -> Iterator[Session]:
    """One unit of work: commits when the block ends, rolls back on any exception."""
    with Session(get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
