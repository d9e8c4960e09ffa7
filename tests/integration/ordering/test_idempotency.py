"""Duplicates arriving at the same moment: one order per placement key, one capture per payment, on
PostgreSQL and on SQLite, each duplicate on its own connection."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, func, select

from models import GatewayLedger, Payment, SalesOrder, Shipment
from models.db import get_engine
from services.ordering import payments
from services.ordering import placement as ordering
from services.ordering.gateway import SimulatedGateway
from tests.ordering_world import build_world, part_line, stock_of

DUPLICATES = 5


def at_once(count: int, action) -> tuple[list, list]:
    """Run `action(session)` in `count` threads released together; (results, exceptions)."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def run():
        barrier.wait()
        try:
            with Session(get_engine()) as session:
                result = action(session)
            with lock:
                results.append(result)
        except Exception as error:  # noqa: BLE001 - the test reports every failure
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def count(session: Session, model, *where) -> int:
    value = session.exec(select(func.count()).select_from(model).where(*where)).one()
    session.commit()
    return value


@pytest.fixture
def world(any_db_url):
    with Session(get_engine()) as session:
        world = build_world(session)
        part_id = world.parts[0].id
    world.part_id = part_id
    return world


def test_the_same_placement_sent_five_times_at_once_makes_one_order(world):
    lines = [part_line(world.part_id, 4)]
    placed, errors = at_once(
        DUPLICATES,
        lambda session: ordering.place_order(
            session,
            world.dealer,
            lines=lines,
            buyer_location_id=world.store.id,
            idempotency_key="double-click",
        ),
    )
    assert errors == []
    assert len({p.order.id for p in placed}) == 1
    assert sorted(p.replayed for p in placed) == [False] + [True] * (DUPLICATES - 1)
    with Session(get_engine()) as session:
        assert count(session, SalesOrder) == 1 and count(session, Payment) == 1
        assert stock_of(session, world.part_stock[0]) == (100, 4)


def test_the_same_payment_notice_five_times_at_once_makes_one_capture(world):
    bank = SimulatedGateway(sleep=lambda _seconds: None)
    with Session(get_engine()) as session:
        order = ordering.place_order(
            session,
            world.dealer,
            lines=[part_line(world.part_id, 4)],
            buyer_location_id=world.store.id,
            idempotency_key="k",
        ).order
        key = session.exec(select(Payment.idempotency_key).where(Payment.order_id == order.id)).one()
        session.commit()
        bank.set_behaviour("late", key=key)
        assert payments.process_order(session, order.id, gateway=bank).action == "waiting"
    notice = bank.settle(key, approve=True)[0]

    outcomes, errors = at_once(
        DUPLICATES,
        lambda session: payments.handle_payment_notice(session, notice.body, notice.signature, gateway=bank),
    )
    assert errors == []
    assert sorted(o.action for o in outcomes) == ["completed"] + ["nothing"] * (DUPLICATES - 1)
    with Session(get_engine()) as session:
        assert count(session, GatewayLedger, GatewayLedger.status == "approved") == 1
        assert count(session, Shipment) == 1
        assert stock_of(session, world.part_stock[0]) == (96, 0)
        assert ordering.get_order(session, world.dealer, order.id).status == "allocated"


def test_a_payment_task_delivered_five_times_at_once_captures_once(world):
    bank = SimulatedGateway(sleep=lambda _seconds: None)
    with Session(get_engine()) as session:
        order = ordering.place_order(
            session,
            world.dealer,
            lines=[part_line(world.part_id, 4)],
            buyer_location_id=world.store.id,
            idempotency_key="k",
        ).order

    outcomes, errors = at_once(
        DUPLICATES, lambda session: payments.process_order(session, order.id, gateway=bank)
    )
    assert errors == []
    assert [o.action for o in outcomes].count("completed") == 1
    assert {o.order_status for o in outcomes} == {"allocated"}
    with Session(get_engine()) as session:
        assert count(session, GatewayLedger) == 1
        assert count(session, Shipment) == 1
        assert stock_of(session, world.part_stock[0]) == (96, 0)
