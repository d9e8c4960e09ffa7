"""Tile values are cached per filter under the facts version: a new order shows once the facts are
refreshed, and a value computed from an older version is never shown after a bump (embedded cache
table and Redis)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.analytics import facts
from services.analytics.filters import parse_filter
from services.analytics.tiles import compute_tiles, dashboard
from tests.analytics_world import add_order, build_world, local

MARCH = parse_filter("period=month&day=2026-03-10", today=date(2026, 3, 10))


def _built():
    with Session(get_engine(), expire_on_commit=False) as session:
        built = build_world(session)
        facts.rebuild(session)
        session.commit()
    return built


@pytest.fixture(params=["sqlite-embedded", "postgres-redis"])
def world(request):
    database, cache = request.param.split("-")
    request.getfixturevalue("sqlite_url" if database == "sqlite" else "pg_url")
    if cache == "redis":
        request.getfixturevalue("redis_url")
    return _built()


@pytest.fixture
def pg_world(pg_url, redis_url):
    """PostgreSQL: a second session may commit a refresh while the first is still open (SQLite's
    single writer would make it wait)."""
    return _built()


def _gmv(world, **kwargs) -> tuple[str, bool]:
    with Session(get_engine()) as session:
        result = dashboard(session, world.manager, MARCH, **kwargs)
        session.commit()
    return next(t["value"] for t in result["tiles"] if t["key"] == "gmv"), result["cached"]


def _new_order(world) -> None:
    with Session(get_engine()) as session:
        add_order(
            session,
            world,
            dealer="a",
            created_at=local(2026, 3, 12),
            status="paid",
            lines=[(world.stock_brake, 1, "56.69")],
            paid_after=timedelta(minutes=3),
        )
        session.commit()


def test_a_new_order_shows_in_the_tile_after_the_refresh_and_not_before(world):
    assert _gmv(world) == ("201643.31", False)
    assert _gmv(world) == ("201643.31", True)
    _new_order(world)
    assert _gmv(world) == ("201643.31", True)  # the facts do not know it yet
    with Session(get_engine()) as session:
        facts.refresh_changed(session)
        session.commit()
    assert _gmv(world) == ("201700.00", False)


def test_a_value_computed_before_a_bump_is_never_shown_after_it(pg_world):
    world = pg_world

    def compute_then_refresh(session, principal, flt):
        stale = compute_tiles(session, principal, flt)  # computed from the facts before the new order
        _new_order(world)
        with Session(get_engine()) as other:
            facts.refresh_changed(other)  # the bump commits while this request is still rendering
            other.commit()
        return stale

    assert _gmv(world, compute=compute_then_refresh) == ("201643.31", False)  # this request: its own figures
    assert _gmv(world) == ("201700.00", False)  # the next: the new version, never the stale entry
    assert _gmv(world) == ("201700.00", True)
