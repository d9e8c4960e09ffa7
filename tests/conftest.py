"""Shared fixtures: a migrated database per test (SQLite file, or the real PostgreSQL server)."""

from __future__ import annotations

import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from models.db import engine_for
from models.migrate import upgrade
from models.settings import get_settings

PG_ADMIN_DSN = os.environ.get("PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")
# This run's Redis keys, pub/sub channels and Celery queue (Settings.key_prefix): two runs on one
# machine share the server but never each other's data. Set here, so worker and app processes the
# tests start inherit it.
# Under pytest-xdist each worker process is a run of its own (the controller's prefix is inherited,
# so a worker takes a fresh one: its cleanup must never delete a sibling worker's keys).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}-{os.environ['PYTEST_XDIST_WORKER']}"
TEST_KEY_PREFIX = os.environ.setdefault("KEY_PREFIX", f"test-{uuid.uuid4().hex[:12]}")


def pg_url_for(database: str) -> str:
    base = PG_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{database}"


def configure(monkeypatch: pytest.MonkeyPatch, **env: str) -> None:
    """Point the process's Settings at `env` (DATABASE_URL=..., REDIS_URL=...)."""
    for key, value in env.items():
        monkeypatch.setenv(key.upper(), value)
    get_settings.cache_clear()


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own var/ and the embedded defaults unless it says otherwise."""
    for key in ("DATABASE_URL", "REDIS_URL", "BROKER_URL", "RESULT_BACKEND", "MODE", "SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "portal.db"
    upgrade(f"sqlite:///{path}")
    engine_for(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture
def sqlite_url(_sqlite_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh migrated SQLite file, configured as DATABASE_URL."""
    path = tmp_path / "portal.db"
    shutil.copy(_sqlite_template, path)
    url = f"sqlite:///{path}"
    configure(monkeypatch, database_url=url)
    return url


@pytest.fixture(scope="session")
def _pg_database() -> Iterator[str]:
    name = f"portal_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = pg_url_for(name)
    upgrade(url)
    yield url
    engine_for(url).dispose()
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(_pg_database: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The migrated PostgreSQL test database, emptied after the test, configured as DATABASE_URL."""
    configure(monkeypatch, database_url=_pg_database)
    yield _pg_database
    engine = engine_for(_pg_database)
    # A real worker of the test's module may still be finishing a task on these tables; PostgreSQL
    # then picks one side of the lock cycle to abort. If that is the TRUNCATE, try again.
    for attempt in range(5):
        try:
            with engine.begin() as conn:
                tables = (
                    conn.execute(
                        text(
                            "SELECT tablename FROM pg_tables"
                            " WHERE schemaname = 'public' AND tablename <> 'alembic_version'"
                        )
                    )
                    .scalars()
                    .all()
                )
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            break
        except OperationalError:
            if attempt == 4:
                raise
            time.sleep(0.5)


@pytest.fixture(params=["sqlite", "postgres"])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """Runs the test once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def redis_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The real Redis server, configured as REDIS_URL; this run's keys are deleted before and after."""
    import redis

    client = redis.Redis.from_url(REDIS_TEST_URL)
    _delete_run_keys(client)
    configure(monkeypatch, redis_url=REDIS_TEST_URL)
    yield REDIS_TEST_URL
    _delete_run_keys(client)


def _delete_run_keys(client) -> None:
    """Delete every key of this run (the ones under TEST_KEY_PREFIX), never another run's."""
    batch = list(client.scan_iter(match=f"{TEST_KEY_PREFIX}:*", count=1000))
    while batch:
        client.delete(*batch[:1000])
        batch = batch[1000:]


E2E_DIR = Path(__file__).parent / "e2e"
INTEGRATION_DIR = Path(__file__).parent / "integration"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main thread
    until the session ends, which would refuse `asyncio.run` in any test after it.

    Under pytest-xdist (`make test` runs unit and integration tests with `-n 2 --dist loadgroup`) a
    module's tests stay together on one worker (its module-scoped Celery workers and servers start
    once), unless a test names its own group; the integration modules, the slow ones, are handed
    out first, so no long module is left to run alone at the end."""
    if hasattr(config, "workerinput"):
        for item in items:
            if item.get_closest_marker("xdist_group") is None:
                item.add_marker(pytest.mark.xdist_group(item.module.__name__))
        items.sort(
            key=lambda item: (
                item.path.is_relative_to(E2E_DIR),
                not item.get_closest_marker("xdist_group").args[0].startswith("schemathesis"),
                not item.path.is_relative_to(INTEGRATION_DIR),
            )
        )
    else:
        items.sort(key=lambda item: item.path.is_relative_to(E2E_DIR))
