"""The migrations build the whole schema from an empty database, match the models, and undo cleanly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table)
from models.db import engine_for
from models.migrate import downgrade, upgrade
from tests.conftest import PG_ADMIN_DSN, pg_url_for


@pytest.fixture
def empty_postgres() -> Iterator[str]:
    name = f"portal_migrate_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_url_for(name)
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def empty_sqlite(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    yield url
    engine_for(url).dispose()


@pytest.fixture(params=["postgres", "sqlite"])
def empty_db_url(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue(f"empty_{request.param}")


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def _schema_differences(url: str) -> list:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, SQLModel.metadata)
    finally:
        engine.dispose()


def test_upgrade_from_empty_builds_every_table_and_matches_the_models(empty_db_url):
    assert _tables(empty_db_url) == set()
    upgrade(empty_db_url)
    assert _tables(empty_db_url) == set(SQLModel.metadata.tables)
    assert _schema_differences(empty_db_url) == []


def test_downgrade_to_base_removes_every_table_and_upgrade_works_again(empty_db_url):
    upgrade(empty_db_url)
    downgrade(empty_db_url, "base")
    assert _tables(empty_db_url) == set()
    upgrade(empty_db_url)
    assert _tables(empty_db_url) == set(SQLModel.metadata.tables)
    assert _schema_differences(empty_db_url) == []


def test_upgrading_a_database_already_at_head_changes_nothing(empty_db_url):
    upgrade(empty_db_url)
    upgrade(empty_db_url)
    assert _tables(empty_db_url) == set(SQLModel.metadata.tables)
