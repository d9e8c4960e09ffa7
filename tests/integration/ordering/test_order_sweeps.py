"""A REAL beat and worker (PostgreSQL, Redis): one order that cannot be settled does not keep beat's
hold-expiry sweep from releasing the others; it is parked after ORDER_SWEEP_MAX_FAILURES runs, the
worker's log says so, and an admin's retry hands it back to the sweep."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from models import OrderAttention, SalesOrder, StockLevel
from models.db import get_engine
from models.types import utcnow
from services.identity.auth import principal_for
from services.ordering import attention as order_attention
from services.ordering.gateway import SimulatedGateway
from tests.factories import make_user
from tests.integration.ordering.order_api_helpers import open_shop, status_of, stock, sweeping_settings
from tests.integration.worker_helpers import running, start_beat, start_worker, wait_for

SETTLE_TIMEOUT = 30  # seconds; a bound, not a figure
MAX_FAILURES = 2


def _attention(order_id: int) -> OrderAttention | None:
    with Session(get_engine(), expire_on_commit=False) as session:
        row = session.get(OrderAttention, order_id)
        session.commit()
    return row


def _set_stock_reserved(stock_level_id: int, reserved: int) -> None:
    with Session(get_engine()) as session:
        session.exec(update(StockLevel).where(StockLevel.id == stock_level_id).values(reserved=reserved))
        session.commit()


@pytest.mark.postgres
@pytest.mark.redis
def test_beat_expires_the_other_holds_parks_the_broken_order_and_takes_it_up_after_a_retry(
    pg_url, redis_url, tmp_path
):
    shop = open_shop()
    SimulatedGateway().set_behaviour("timeout")  # no answer: every order waits for its hold to run out
    broken_stock, healthy_stock = shop.world.part_stock[1], shop.world.part_stock[0]

    with running(
        sweeping_settings(order_sweep_max_failures=MAX_FAILURES), tmp_path, start_worker, start_beat
    ) as (worker, _beat):
        broken = shop.place(quantity=2, part=1)
        healthy = [shop.place(quantity=2, part=0), shop.place(quantity=3, part=0)]
        for order in (broken, *healthy):
            wait_for(
                lambda order=order: shop.read(order["id"])["payment_status"] == "unknown",
                timeout=SETTLE_TIMEOUT,
            )
        # The incident: the broken order's stock row lost its reservation; every hold has run out.
        _set_stock_reserved(broken_stock, 0)
        with Session(get_engine()) as session:
            session.exec(update(SalesOrder).values(hold_expires_at=utcnow() - timedelta(seconds=1)))
            session.commit()

        for order in healthy:
            wait_for(lambda order=order: status_of(order["id"]) == "cancelled", timeout=SETTLE_TIMEOUT)
        assert stock(healthy_stock) == (10, 0)
        parked = wait_for(
            lambda: (row := _attention(broken["id"])) and row.parked_at and row, timeout=SETTLE_TIMEOUT
        )
        assert (parked.failures, parked.step) == (MAX_FAILURES, "expire_hold")
        assert "ReservationInvariantBroken" in parked.last_error
        assert status_of(broken["id"]) == "pending_payment"
        wait_for(
            lambda: f"order {broken['id']} parked after {MAX_FAILURES} failed attempts" in worker.log(),
            timeout=SETTLE_TIMEOUT,
        )

        # The operator repairs the stock row and retries the order from the admin page.
        _set_stock_reserved(broken_stock, 2)
        with Session(get_engine(), expire_on_commit=False) as session:
            admin = make_user(session, "admin", shop.world.oem)
            session.commit()
            order_attention.retry(session, principal_for(admin, shop.world.oem), broken["id"])
        wait_for(lambda: status_of(broken["id"]) == "cancelled", timeout=SETTLE_TIMEOUT)

    assert stock(broken_stock) == (10, 0)
    assert _attention(broken["id"]) is None
    assert shop.read(broken["id"])["cancel_reason"] == "payment not received in time"
