"""The migrations build the whole schema from an empty database, match the models, and undo cleanly."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool, text
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


def test_the_localized_names_migration_turns_system_incident_titles_into_keys_and_back(empty_db_url):
    upgrade(empty_db_url, "0019_cart_lines")
    engine = create_engine(empty_db_url, poolclass=pool.NullPool)
    now = "2026-12-01 08:00:00+00:00"
    incident = (
        "INSERT INTO quality_incident (id, supplier_id, part_id, lot_number, source, status, title,"
        " description, quantity_affected, opened_at, containment_action, root_cause, evidence,"
        " reopened_count, status_changed_at) VALUES (:id, 1, 1, 'L-1', :source, 'open', :title, '', 3,"
        " :now, '', '', '', 0, :now)"
    )
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO organisation (id, slug, name, kind, country, currency, time_zone,"
                    " created_at) VALUES (1, 's', 'Supplier', 'supplier', 'CN', 'CNY', 'Asia/Shanghai', :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO part (id, sku, name, category, unit, list_price, currency, supplier_id)"
                    " VALUES (1, 'BRP-000001', 'Pad', 'Brake pads', 'set', 10, 'CNY', 1)"
                )
            )
            for incident_id, source, title in (
                (1, "receipt_reject", "BRP-000001: 3 rejected at receipt"),
                (2, "field_complaint", "BRP-000001: field complaint, lot L-1"),
                (3, "field_complaint", "Squeal at low speed"),
            ):
                connection.execute(
                    text(incident), {"id": incident_id, "source": source, "title": title, "now": now}
                )
        upgrade(empty_db_url)
        query = text("SELECT id, title, title_key, title_params FROM quality_incident ORDER BY id")
        with engine.connect() as connection:
            rows = [(i, title, key, _json(params)) for i, title, key, params in connection.execute(query)]
        assert rows == [
            (1, "", "incident.title.receipt_reject", {"sku": "BRP-000001", "count": 3}),
            (2, "", "incident.title.field_complaint", {"sku": "BRP-000001", "lot": "L-1"}),
            (3, "Squeal at low speed", None, {}),
        ]
        downgrade(empty_db_url, "0019_cart_lines")
        with engine.connect() as connection:
            titles = (
                connection.execute(text("SELECT title FROM quality_incident ORDER BY id")).scalars().all()
            )
        assert titles == [
            "BRP-000001: 3 rejected at receipt",
            "BRP-000001: field complaint, lot L-1",
            "Squeal at low speed",
        ]
    finally:
        engine.dispose()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value
