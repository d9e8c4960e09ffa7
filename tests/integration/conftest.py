"""Integration fixtures: real Celery processes (a worker in services mode and in embedded mode,
beat) and a client app on the same broker. A failing test's report carries their logs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from celery import Celery

from models.settings import Settings, get_settings
from tests.conftest import REDIS_TEST_URL, configure
from tests.integration.worker_helpers import CeleryProcess, running, start_beat, start_worker
from workers.celery_app import make_celery

# How often beat relays the outbox in tests that run beat (the default is 2 s).
TEST_RELAY_SECONDS = "0.5"


@pytest.fixture(scope="module")
def services_worker(_pg_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[CeleryProcess]:
    """One worker per test module on the PostgreSQL test database, with Redis (the test database)
    as broker, result backend and cache."""
    var_dir = tmp_path_factory.mktemp("services-worker")
    settings = Settings(
        database_url=_pg_database,
        redis_url=REDIS_TEST_URL,
        broker_url=REDIS_TEST_URL,
        result_backend=REDIS_TEST_URL,
        var_dir=var_dir,
    )
    with running(settings, var_dir, start_worker) as (worker,):
        yield worker


@pytest.fixture
def services_celery(services_worker: CeleryProcess, pg_url: str, redis_url: str) -> Iterator[Celery]:
    """A Celery client on the Redis the module's worker consumes; this process uses PostgreSQL and
    Redis too."""
    with make_celery(get_settings()) as client:
        yield client


@pytest.fixture
def embedded_worker(sqlite_url: str, tmp_path: Path) -> Iterator[CeleryProcess]:
    """A worker on this test's SQLite database with the embedded defaults: kombu's SQLAlchemy
    broker and the database result backend, both SQLite files under the test's VAR_DIR."""
    with running(get_settings(), tmp_path, start_worker) as (worker,):
        yield worker


@pytest.fixture
def embedded_celery(embedded_worker: CeleryProcess) -> Iterator[Celery]:
    """A Celery client on the embedded worker's SQLite broker."""
    with make_celery(get_settings()) as client:
        yield client


@pytest.fixture
def embedded_worker_and_beat(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[CeleryProcess, CeleryProcess]]:
    """Embedded mode as `make run` has it: a worker and beat (relaying the outbox every half second)
    on this test's SQLite database and SQLite broker."""
    configure(monkeypatch, outbox_relay_seconds=TEST_RELAY_SECONDS)
    with running(get_settings(), tmp_path, start_worker, start_beat) as (worker, beat):
        yield worker, beat


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.failed:
        for value in getattr(item, "funcargs", {}).values():
            for started in value if isinstance(value, tuple) else (value,):
                if isinstance(started, CeleryProcess):
                    report.sections.append(
                        (f"celery {started.name} log ({started.log_path})", started.log_tail())
                    )
    return report
