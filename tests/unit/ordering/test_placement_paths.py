"""Each way placement writes an order, on SQLite and on PostgreSQL alike.

On PostgreSQL placement takes shortcuts (services/ordering/placement.py): the order id comes with
the buyer-location check (the sequence's next value), the order, its lines, timeline, payment and
outbox rows go in one statement, and a one-line cart reserves its stock in that same statement.
On SQLite each step is a statement of its own. Whichever way, the same rows must be written: the
order with its number, its lines, the reservation, the pending payment and the two outbox
messages, or nothing at all when the stock is short.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from models import OrderTransition, OutboxMessage, Payment, PaymentStatus, SalesOrder, SalesOrderLine
from models.db import get_engine
from services.ordering import placement as ordering
from services.ordering.placement import ORDER_PLACED, OutOfStock, order_number, payment_key
from services.platform.outbox import STOCK_CHANGED
from tests.ordering_world import new_key, part_line, stock_of


@pytest.fixture
def session(any_db_url: str) -> Iterator[Session]:
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def separate_order_inserts(monkeypatch) -> list[int]:
    """Each order written by a statement of its own (SQLite's way; PostgreSQL writes it with the rest)."""
    calls: list[int] = []
    insert_order = ordering._insert_order

    def counted(session, order):
        calls.append(1)
        return insert_order(session, order)

    monkeypatch.setattr(ordering, "_insert_order", counted)
    return calls


def _place(session, world, lines):
    return ordering.place_order(
        session, world.dealer, lines=lines, buyer_location_id=world.store.id, idempotency_key=new_key()
    )


def _written(session, order_id: int) -> dict:
    """What the database holds for one order, read fresh."""
    session.expire_all()
    order = session.get(SalesOrder, order_id)
    lines = session.exec(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order_id).order_by(SalesOrderLine.line_no)
    ).all()
    payment = session.exec(select(Payment).where(Payment.order_id == order_id)).one()
    transitions = session.exec(select(OrderTransition).where(OrderTransition.order_id == order_id)).all()
    messages = session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    written = {
        "order": (order.number, order.status, order.total, order.buyer_location_id, order.source_location_id),
        "lines": [
            (
                line.line_no,
                line.item_code,
                line.quantity,
                line.unit_price,
                line.line_total,
                line.stock_level_id,
            )
            for line in lines
        ],
        "payment": (payment.idempotency_key, payment.amount, payment.status),
        "transitions": [(row.from_status, row.to_status) for row in transitions],
        "outbox": [(row.topic, row.payload) for row in messages],
    }
    session.commit()
    return written


def _nothing_written(session) -> bool:
    counts = [
        session.exec(select(func.count()).select_from(model)).one()
        for model in (SalesOrder, SalesOrderLine, Payment, OrderTransition, OutboxMessage)
    ]
    session.commit()
    return counts == [0, 0, 0, 0, 0]


def test_a_one_line_cart_writes_the_order_and_reserves_in_one_go(
    session, world, any_db_url, separate_order_inserts
):
    placed = _place(session, world, [part_line(world.parts[0], 3)])

    assert len(separate_order_inserts) == (0 if any_db_url.startswith("postgresql") else 1)
    order_id = placed.order.id
    number = order_number(order_id)
    assert placed.order.number == number and not placed.replayed
    assert _written(session, order_id) == {
        "order": (number, "pending_payment", Decimal("30.00"), world.store.id, world.warehouse.id),
        "lines": [(1, world.parts[0].sku, 3, Decimal("10.00"), Decimal("30.00"), world.part_stock[0])],
        "payment": (payment_key(number), Decimal("30.00"), PaymentStatus.PENDING),
        "transitions": [(None, "pending_payment")],
        "outbox": [
            (STOCK_CHANGED, {"location_ids": [world.warehouse.id]}),
            (ORDER_PLACED, {"order_id": order_id, "number": number}),
        ],
    }
    assert stock_of(session, world.part_stock[0]) == (100, 3)


def test_a_cart_of_several_parts_writes_every_line_and_reserves_each(session, world):
    placed = _place(session, world, [part_line(world.parts[0], 2), part_line(world.parts[1], 4)])

    order_id = placed.order.id
    written = _written(session, order_id)
    assert written["order"][:3] == (order_number(order_id), "pending_payment", Decimal("122.00"))
    assert written["lines"] == [
        (1, world.parts[0].sku, 2, Decimal("10.00"), Decimal("20.00"), world.part_stock[0]),
        (2, world.parts[1].sku, 4, Decimal("25.50"), Decimal("102.00"), world.part_stock[1]),
    ]
    assert written["payment"][1:] == (Decimal("122.00"), PaymentStatus.PENDING)
    assert [topic for topic, _ in written["outbox"]] == [STOCK_CHANGED, ORDER_PLACED]
    assert (stock_of(session, world.part_stock[0]), stock_of(session, world.part_stock[1])) == (
        (100, 2),
        (100, 4),
    )


def test_a_cart_of_parts_and_a_vehicle_takes_the_separate_checks_and_writes_the_same(session, world):
    placed = _place(
        session,
        world,
        [part_line(world.parts[1], 1), {"item_kind": "trim", "code": world.trim.code, "quantity": 1}],
    )

    written = _written(session, placed.order.id)
    assert [line[1:3] for line in written["lines"]] == [(world.parts[1].sku, 1), (world.trim.code, 1)]
    assert written["order"][0] == order_number(placed.order.id)
    assert [topic for topic, _ in written["outbox"]] == [STOCK_CHANGED, ORDER_PLACED]
    assert stock_of(session, world.part_stock[1]) == (100, 1)
    assert stock_of(session, world.trim_warehouse_stock) == (5, 1)


def test_a_one_line_cart_short_of_stock_writes_nothing(session, world):
    with pytest.raises(OutOfStock) as short:
        _place(session, world, [part_line(world.parts[0], 101)])

    assert [(line.index, line.requested, line.available) for line in short.value.shortages] == [(0, 101, 100)]
    assert _nothing_written(session)
    assert stock_of(session, world.part_stock[0]) == (100, 0)


def test_a_cart_with_one_short_line_writes_nothing_and_reserves_nothing(session, world):
    with pytest.raises(OutOfStock) as short:
        _place(session, world, [part_line(world.parts[0], 5), part_line(world.parts[1], 500)])

    assert [(line.index, line.available) for line in short.value.shortages] == [(1, 100)]
    assert _nothing_written(session)
    assert (stock_of(session, world.part_stock[0]), stock_of(session, world.part_stock[1])) == (
        (100, 0),
        (100, 0),
    )
