"""Orders placed through the API are paid by a REAL Celery worker process: services mode (PostgreSQL,
Redis as broker) and embedded mode (SQLite, kombu's SQLAlchemy broker). The API's kick relays the
"order.placed" message at once; no beat runs here, so nothing else could have processed it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from models import OutboxMessage, SalesOrder
from models.db import get_engine
from models.types import utcnow
from services.ordering import placement as ordering
from services.ordering.gateway import SIGNATURE_HEADER, SimulatedGateway
from services.ordering.placement import payment_key
from tests.integration.ordering.order_api_helpers import (
    open_shop,
    settled,
    status_of,
    stock,
    sweeping_settings,
)
from tests.integration.worker_helpers import running, start_beat, start_worker, wait_for
from tests.ordering_world import new_key, part_line

SETTLE_TIMEOUT = 30  # seconds; a bound, not a figure


def _assert_paid_once(shop, order: dict, quantity: int, on_hand_before: int = 10) -> None:
    outcome = settled(order)
    assert outcome.status == "allocated"
    assert outcome.payment_status == "captured"
    assert (outcome.bank_captures, outcome.captures_on_timeline, outcome.shipments) == (1, 1, 1)
    assert outcome.payment_reference == outcome.bank_reference
    assert stock(shop.world.part_stock[0]) == (on_hand_before - quantity, 0)
    seen = shop.read(order["id"])
    assert [entry["to_status"] for entry in seen["timeline"]] == ["pending_payment", "paid", "allocated"]
    assert seen["shipment"]["to_location_id"] == shop.world.store.id


@pytest.mark.postgres
@pytest.mark.redis
def test_an_order_placed_through_the_api_is_paid_and_allocated_by_the_worker(services_celery):
    """No beat here and the API sends nothing on PostgreSQL: the placement's commit is announced
    to the worker (NOTIFY, workers/outbox_listener.py), which sends the order to processing."""
    shop = open_shop()

    order = shop.place(quantity=3)

    assert order["status"] == "pending_payment"
    wait_for(lambda: status_of(order["id"]) == "allocated", timeout=SETTLE_TIMEOUT, interval=0.05)
    _assert_paid_once(shop, order, quantity=3)


@pytest.mark.postgres
@pytest.mark.redis
def test_a_declined_payment_cancels_the_order_with_the_reason_and_releases_the_stock(services_celery):
    shop = open_shop()
    SimulatedGateway().set_behaviour("decline", reason="card blocked by the issuer")

    order = shop.place(quantity=4)

    wait_for(lambda: status_of(order["id"]) == "cancelled", timeout=SETTLE_TIMEOUT, interval=0.05)
    outcome = settled(order)
    assert (outcome.payment_status, outcome.captures_on_timeline, outcome.shipments) == ("declined", 0, 0)
    assert stock(shop.world.part_stock[0]) == (10, 0)
    seen = shop.read(order["id"])
    assert seen["cancel_reason"] == "card blocked by the issuer"
    assert seen["timeline"][-1]["cause"] == "order.event.payment_declined"


@pytest.mark.postgres
@pytest.mark.redis
def test_each_placed_order_is_announced_to_the_worker_and_processed_once(services_celery):
    """Three orders placed back to back: each commit is announced to the worker (NOTIFY, no beat
    running here), which sends each to its own processing; "order.placed" is never coalesced
    (unlike the stock summary): three orders, three payments."""
    shop = open_shop()
    with Session(get_engine()) as session:
        orders = [
            ordering.place_order(
                session,
                shop.world.dealer,
                lines=[part_line(shop.world.parts[0], 2)],
                buyer_location_id=shop.world.store.id,
                idempotency_key=new_key(),
            ).order.as_dict()
            for _ in range(3)
        ]

    for order in orders:
        wait_for(lambda order=order: status_of(order["id"]) == "allocated", timeout=SETTLE_TIMEOUT)
        assert settled(order).bank_captures == 1
    assert stock(shop.world.part_stock[0]) == (4, 0)
    with Session(get_engine()) as session:  # the worker marked each message sent: no relay sends it
        unsent = session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.topic == "order.placed", OutboxMessage.dispatched_at.is_(None)
            )
        ).all()
    assert unsent == []


def test_embedded_mode_an_order_placed_through_the_api_is_paid_by_the_worker(embedded_celery):
    shop = open_shop()

    order = shop.place(quantity=2)

    wait_for(lambda: status_of(order["id"]) == "allocated", timeout=SETTLE_TIMEOUT, interval=0.05)
    _assert_paid_once(shop, order, quantity=2)


@pytest.mark.postgres
@pytest.mark.redis
def test_beat_releases_an_unpaid_order_after_its_hold_and_a_late_approval_is_refunded(
    pg_url, redis_url, tmp_path
):
    """The bank takes the request and stays silent: the order waits (payment `unknown`); once the hold
    has run out (moved into the past here rather than waiting 15 minutes) beat's sweep asks the bank,
    hears nothing final, releases the stock and cancels. The bank's approval arriving afterwards is
    refunded and the order stays cancelled."""
    shop = open_shop()
    bank = SimulatedGateway()
    bank.set_behaviour("late")

    with running(sweeping_settings(), tmp_path, start_worker, start_beat):
        order = shop.place(quantity=5)
        wait_for(lambda: shop.read(order["id"])["payment_status"] == "unknown", timeout=SETTLE_TIMEOUT)
        assert status_of(order["id"]) == "pending_payment"
        assert stock(shop.world.part_stock[0]) == (10, 5)

        with Session(get_engine()) as session:
            session.exec(
                update(SalesOrder)
                .where(SalesOrder.id == order["id"])
                .values(hold_expires_at=utcnow() - timedelta(seconds=1))
            )
            session.commit()
        wait_for(lambda: status_of(order["id"]) == "cancelled", timeout=SETTLE_TIMEOUT, interval=0.1)
        assert stock(shop.world.part_stock[0]) == (10, 0)
        seen = shop.read(order["id"])
        assert seen["cancel_reason"] == "payment not received in time"
        assert seen["timeline"][-1]["cause"] == "order.event.hold_expired"

        notice = bank.settle(payment_key(order["number"]), approve=True)[0]
        answer = shop.client.post(
            "/api/v1/payments/notify", content=notice.body, headers={SIGNATURE_HEADER: notice.signature}
        )

    assert answer.status_code == 200
    assert answer.json()["action"] == "refunded"
    seen = shop.read(order["id"])
    assert (seen["status"], seen["payment_status"], seen["refunded_amount"]) == (
        "cancelled",
        "refunded",
        seen["amount_due"],
    )
    assert stock(shop.world.part_stock[0]) == (10, 0)
