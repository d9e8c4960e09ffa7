"""The connection budget: how many PostgreSQL connections the portal may open at most, and the check
that refuses to start a deployment whose processes could open more than the server accepts.

Every process keeps its own SQLAlchemy pool (models/db.py): up to `db_pool_size + db_max_overflow`
connections. A deployment is
  - the app: `web_processes` web processes (APP_PROCESSES; one in embedded mode), one pool each;
  - the worker: `worker_concurrency` prefork children, one pool each, and the main process, which
    has a pool too (it relays the outbox) and the outbox listener's own LISTEN connection;
  - beat: one process, one pool.
Its sum must fit in the server's `max_connections`, less `superuser_reserved_connections` (only
superusers may use those) and less `db_reserved_connections` (psql, migrations, backups, a second
deployment's start-up). Otherwise a burst makes PostgreSQL refuse connections ("too many clients"),
which reaches users as 500s; within the budget, a burst waits at most `db_pool_timeout_seconds` for
a connection of its own process and is answered 503 with Retry-After.

Behind PgBouncer in transaction mode the pools connect to PgBouncer, which keeps its own (smaller)
budget towards the server; only the listener's direct connection counts against PostgreSQL.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from models.db import libpq_dsn
from models.settings import Settings

log = logging.getLogger(__name__)

LISTENER_CONNECTIONS = 1
BEAT_PROCESSES = 1


class ConnectionBudgetExceeded(RuntimeError):
    """The configured processes could open more connections than the server accepts."""


@dataclass(frozen=True)
class ConnectionBudget:
    """The most connections each part of a deployment may hold at once, and the server's room."""

    app: int
    worker: int
    beat: int
    available: int
    max_connections: int
    superuser_reserved: int
    reserve: int
    per_process: int

    @property
    def needed(self) -> int:
        return self.app + self.worker + self.beat

    @property
    def fits(self) -> bool:
        return self.needed <= self.available


def connection_budget(
    settings: Settings, *, max_connections: int, superuser_reserved: int
) -> ConnectionBudget:
    """The budget of `settings` against a server with these two PostgreSQL settings."""
    per_process = settings.db_pool_size + settings.db_max_overflow
    if settings.database_behind_pgbouncer:
        # The pools talk to PgBouncer; PostgreSQL sees PgBouncer's pool and the direct listener.
        app = worker_pools = beat = 0
    else:
        app = settings.web_processes * per_process
        worker_pools = (settings.worker_concurrency + 1) * per_process
        beat = BEAT_PROCESSES * per_process
    reserve = settings.db_reserved_connections
    return ConnectionBudget(
        app=app,
        worker=worker_pools + LISTENER_CONNECTIONS,
        beat=beat,
        available=max_connections - superuser_reserved - reserve,
        max_connections=max_connections,
        superuser_reserved=superuser_reserved,
        reserve=reserve,
        per_process=per_process,
    )


def refusal_message(settings: Settings, budget: ConnectionBudget) -> str:
    """What an operator reads when the budget does not fit: the numbers and what to change."""
    pool = f"(DB_POOL_SIZE {settings.db_pool_size} + DB_MAX_OVERFLOW {settings.db_max_overflow})"
    return (
        f"Refusing to start: the portal could open {budget.needed} PostgreSQL connections but the "
        f"server accepts {budget.available} (max_connections {budget.max_connections} - "
        f"superuser_reserved_connections {budget.superuser_reserved} - DB_RESERVED_CONNECTIONS "
        f"{budget.reserve}). Needed: app {budget.app} = APP_PROCESSES {settings.web_processes} x {pool}; "
        f"worker {budget.worker} = (WORKER_CONCURRENCY {settings.worker_concurrency} + 1 main process) x "
        f"{pool} + {LISTENER_CONNECTIONS} listener; beat {budget.beat} = {BEAT_PROCESSES} x {pool}. "
        f"Lower APP_PROCESSES, WORKER_CONCURRENCY, DB_POOL_SIZE or DB_MAX_OVERFLOW, raise the server's "
        f"max_connections, or run behind PgBouncer (README, 'Connection budget')."
    )


def check_connection_budget(
    settings: Settings, *, max_connections: int, superuser_reserved: int
) -> ConnectionBudget:
    """The budget when it fits; raises ConnectionBudgetExceeded (with `refusal_message`) otherwise."""
    budget = connection_budget(
        settings, max_connections=max_connections, superuser_reserved=superuser_reserved
    )
    if not budget.fits:
        raise ConnectionBudgetExceeded(refusal_message(settings, budget))
    return budget


def server_limits(listen_database_url: str) -> tuple[int, int]:
    """(max_connections, superuser_reserved_connections) of the PostgreSQL server itself, asked
    over one short direct connection (the listener's URL: never through PgBouncer)."""
    import psycopg

    with psycopg.connect(libpq_dsn(listen_database_url), autocommit=True, connect_timeout=10) as connection:
        max_connections = connection.execute("SHOW max_connections").fetchone()[0]
        reserved = connection.execute("SHOW superuser_reserved_connections").fetchone()[0]
    return int(max_connections), int(reserved)


def verify_connection_budget(settings: Settings) -> ConnectionBudget | None:
    """At start-up: check the budget against the configured server (None on SQLite, which has no
    connection limit). Raises ConnectionBudgetExceeded when it does not fit."""
    if settings.uses_sqlite:
        return None
    max_connections, reserved = server_limits(settings.listen_database_url)
    return check_connection_budget(settings, max_connections=max_connections, superuser_reserved=reserved)


def refuse_to_start_beyond_budget(settings: Settings) -> None:
    """A process's start-up check: exits (SystemExit with `refusal_message`, also logged) when the
    budget does not fit. A server out of reach is not refused here: the health check and the
    tasks' retries report that."""
    import psycopg

    try:
        verify_connection_budget(settings)
    except ConnectionBudgetExceeded as exc:
        log.critical("%s", exc)
        raise SystemExit(str(exc)) from None
    except psycopg.OperationalError as exc:
        log.warning("could not check the connection budget: %s", exc)
