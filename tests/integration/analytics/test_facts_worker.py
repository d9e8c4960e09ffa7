"""The KPI facts follow orders through the outbox and a REAL Celery worker (services mode: PostgreSQL,
Redis as broker, result backend and cache): a burst of order changes is one refresh, after which the
manager's tile shows the new orders."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.analytics import facts
from services.analytics.filters import parse_filter
from services.analytics.tiles import dashboard
from services.ordering.placement import ORDER_CHANGED, order_changed_payload
from services.platform import outbox
from tests.analytics_world import add_order, build_world, local
from tests.integration.worker_helpers import run_task, wait_for
from workers import tasks

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

REFRESH_TIMEOUT = 30  # seconds; a bound, not a figure
MARCH = parse_filter("period=month&day=2026-03-10", today=date(2026, 3, 10))


def _gmv(principal) -> str:
    with Session(get_engine()) as session:
        result = dashboard(session, principal, MARCH)
        session.commit()
    return next(tile["value"] for tile in result["tiles"] if tile["key"] == "gmv")


def _version() -> int:
    with Session(get_engine()) as session:
        return facts.facts_version(session)[0]


def test_a_burst_of_paid_orders_is_one_refresh_and_then_shows_in_the_tile(services_celery):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        facts.rebuild(session)
        session.commit()
    before = _version()
    assert _gmv(world.manager) == "201643.31"

    with Session(get_engine()) as session:
        for day in range(20):
            order = add_order(
                session,
                world,
                dealer="a",
                created_at=local(2026, 3, 1 + day),
                status="paid",
                lines=[(world.stock_brake, 1, "10.00")],
                paid_after=timedelta(minutes=1),
            )
            outbox.enqueue(session, ORDER_CHANGED, order_changed_payload(order))
        session.commit()
    relayed = run_task(services_celery, tasks.relay_outbox, [ORDER_CHANGED])

    assert relayed["relayed"] == 20
    wait_for(lambda: _version() > before, timeout=REFRESH_TIMEOUT)
    assert _version() == before + 1  # twenty messages, one refresh
    assert Decimal(_gmv(world.manager)) == Decimal("201643.31") + 20 * Decimal("10.00")
