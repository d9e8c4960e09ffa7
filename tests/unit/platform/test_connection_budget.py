"""The connection budget: what a deployment may open against PostgreSQL, and the refusal an operator
reads when it does not fit."""

from __future__ import annotations

import pytest

from models.connection_budget import (
    ConnectionBudgetExceeded,
    check_connection_budget,
    connection_budget,
)
from models.db import PoolSizing, engine_for
from models.settings import Settings


def _settings(**values: object) -> Settings:
    base = {
        "database_url": "postgresql+psycopg://postgres@db/portal",
        "redis_url": "redis://cache:6379/0",  # services mode: APP_PROCESSES web processes
        "db_pool_size": 10,
        "db_max_overflow": 20,
        "app_processes": 5,
        "worker_concurrency": 2,
        "db_reserved_connections": 10,
    }
    return Settings(**{**base, **values})


def test_the_budget_counts_every_process_pool_the_worker_main_process_and_its_listener():
    budget = connection_budget(_settings(), max_connections=100, superuser_reserved=3)

    # What overloaded the server in issue 14: 5 app processes x (10 + 20) alone is 150.
    assert budget.app == 150
    assert budget.worker == (2 + 1) * 30 + 1
    assert budget.beat == 30
    assert budget.needed == 150 + 91 + 30
    assert budget.available == 100 - 3 - 10
    assert not budget.fits


def test_the_defaults_fit_a_stock_postgresql_server():
    budget = check_connection_budget(
        Settings(database_url="postgresql+psycopg://postgres@db/portal"),
        max_connections=100,
        superuser_reserved=3,
    )

    assert budget.fits


def test_a_budget_exactly_at_the_limit_fits_and_one_more_connection_is_refused():
    settings = _settings(
        db_pool_size=2, db_max_overflow=0, app_processes=3, worker_concurrency=2, db_reserved_connections=0
    )
    needed = 3 * 2 + (2 + 1) * 2 + 1 + 2  # app, worker pools, listener, beat: 15

    assert check_connection_budget(settings, max_connections=needed + 3, superuser_reserved=3).fits
    with pytest.raises(ConnectionBudgetExceeded):
        check_connection_budget(settings, max_connections=needed + 2, superuser_reserved=3)


def test_the_refusal_names_the_numbers_and_what_to_change():
    with pytest.raises(ConnectionBudgetExceeded) as refused:
        check_connection_budget(_settings(), max_connections=100, superuser_reserved=3)

    message = str(refused.value)
    assert "could open 271 PostgreSQL connections but the server accepts 87" in message
    assert "max_connections 100" in message and "superuser_reserved_connections 3" in message
    assert "APP_PROCESSES 5 x (DB_POOL_SIZE 10 + DB_MAX_OVERFLOW 20)" in message
    for knob in ("WORKER_CONCURRENCY", "DB_RESERVED_CONNECTIONS", "PgBouncer"):
        assert knob in message


def test_behind_pgbouncer_only_the_direct_listener_counts_against_the_server():
    budget = connection_budget(
        _settings(database_behind_pgbouncer=True, app_processes=40), max_connections=100, superuser_reserved=3
    )

    assert (budget.app, budget.worker, budget.beat) == (0, 1, 0)
    assert budget.fits


def test_the_listen_url_defaults_to_the_database_url():
    assert _settings().listen_database_url == "postgresql+psycopg://postgres@db/portal"
    direct = "postgresql+psycopg://postgres@db:5432/portal"
    assert _settings(listen_database_url=direct).listen_database_url == direct


def test_the_engine_takes_its_pool_from_the_settings():
    engine = engine_for(
        "postgresql+psycopg://postgres@127.0.0.1:1/never-connected",
        PoolSizing(size=4, overflow=1, timeout_seconds=0.5),
    )

    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (4, 1, 0.5)


def test_embedded_mode_serves_from_one_web_process_whatever_app_processes_says():
    """Reflex keeps a tab's state in the process's memory without Redis: a second web process would
    answer a tab's upload and miss its next click. Services mode serves from APP_PROCESSES."""
    embedded = _settings(redis_url="", app_processes=4)
    services = _settings(app_processes=4)

    assert (embedded.web_processes, services.web_processes) == (1, 4)
    assert connection_budget(embedded, max_connections=100, superuser_reserved=3).app == (
        embedded.db_pool_size + embedded.db_max_overflow
    )
