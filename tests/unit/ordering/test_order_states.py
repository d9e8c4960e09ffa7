"""The order state machine: the legal moves are written with time and cause; illegal ones never are."""

from __future__ import annotations

import itertools

import pytest
from sqlmodel import Session, select

from models import OrderStatus, OrderTransition, Payment, PaymentStatus, SalesOrder
from models.db import get_engine
from services.ordering import placement as ordering
from services.ordering.states import (
    ORDER_TRANSITIONS,
    PAYMENT_TRANSITIONS,
    IllegalTransition,
    may_move,
    move_order,
    move_payment,
)
from tests.ordering_world import build_world, new_key, part_line

LEGAL = {
    (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID),
    (OrderStatus.PENDING_PAYMENT, OrderStatus.CANCELLED),
    (OrderStatus.PAID, OrderStatus.ALLOCATED),
}


@pytest.mark.parametrize("from_status,to_status", list(itertools.product(OrderStatus, OrderStatus)))
def test_only_the_documented_moves_are_allowed(from_status, to_status):
    assert may_move(from_status, to_status) == ((from_status, to_status) in LEGAL)


def test_every_status_has_an_entry_in_the_transition_tables():
    assert set(ORDER_TRANSITIONS) == set(OrderStatus)
    assert set(PAYMENT_TRANSITIONS) == set(PaymentStatus)


def test_a_refunded_payment_can_never_be_captured_again():
    payment = Payment(
        order_id=1, idempotency_key="k", amount=1, currency="CNY", status=PaymentStatus.REFUNDED
    )
    with pytest.raises(IllegalTransition) as raised:
        move_payment(payment, PaymentStatus.CAPTURED)
    assert raised.value.code == "payment.illegal_transition"
    assert payment.status == PaymentStatus.REFUNDED


@pytest.fixture
def pending_order(sqlite_url):
    with Session(get_engine()) as session:
        world = build_world(session)
        placed = ordering.place_order(
            session,
            world.dealer,
            lines=[part_line(world.parts[0], 1)],
            buyer_location_id=world.store.id,
            idempotency_key=new_key(),
        )
    return placed.order.id


def _timeline(session: Session, order_id: int) -> list[tuple]:
    return [
        (t.from_status, t.to_status, t.cause, t.detail)
        for t in session.exec(
            select(OrderTransition).where(OrderTransition.order_id == order_id).order_by(OrderTransition.id)
        )
    ]


def test_a_legal_move_changes_the_status_and_appends_to_the_timeline(pending_order):
    with Session(get_engine()) as session:
        order = session.get(SalesOrder, pending_order)
        move_order(session, order, OrderStatus.PAID, cause="order.event.payment_captured", detail="REF-1")
        session.commit()
        assert session.get(SalesOrder, pending_order).status == OrderStatus.PAID
        assert _timeline(session, pending_order) == [
            (None, "pending_payment", "order.event.placed", ""),
            ("pending_payment", "paid", "order.event.payment_captured", "REF-1"),
        ]


def test_an_illegal_move_raises_and_writes_nothing(pending_order):
    with Session(get_engine()) as session:
        order = session.get(SalesOrder, pending_order)
        with pytest.raises(IllegalTransition) as raised:
            move_order(session, order, OrderStatus.ALLOCATED, cause="order.event.allocated")
        assert raised.value.params == {"from_status": "pending_payment", "to_status": "allocated"}
        assert raised.value.status == 409
        session.commit()  # even committing afterwards writes nothing
        assert session.get(SalesOrder, pending_order).status == OrderStatus.PENDING_PAYMENT
        assert len(_timeline(session, pending_order)) == 1


def test_a_cancelled_order_cannot_be_revived(pending_order):
    with Session(get_engine()) as session:
        order = session.get(SalesOrder, pending_order)
        move_order(session, order, OrderStatus.CANCELLED, cause="order.event.hold_expired")
        session.commit()
        for target in OrderStatus:
            with pytest.raises(IllegalTransition):
                move_order(session, order, target, cause="x")
        session.rollback()
        assert session.get(SalesOrder, pending_order).status == OrderStatus.CANCELLED
        assert [t[1] for t in _timeline(session, pending_order)] == ["pending_payment", "cancelled"]
