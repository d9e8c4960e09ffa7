"""One order that cannot be settled never stops the sweeps: it is counted, parked after N failures,
left out of later sweeps, shown to admins with its error, and put back by an admin's retry.
On both databases."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from models import AuditLog, OrderAttention, Payment, PaymentStatus, SalesOrder, StockLevel
from models.db import get_engine
from models.types import utcnow
from services.identity.auth import principal_for
from services.ordering import attention as order_attention
from services.ordering import payments
from services.ordering import placement as ordering
from services.ordering import recovery as order_recovery
from services.ordering.gateway import sign_notice
from services.platform.errors import NotFound, PermissionDenied
from tests.conftest import configure
from tests.factories import make_user
from tests.ordering_world import new_key, part_line, stock_of

MAX_FAILURES = 3


@pytest.fixture
def session(any_db_url, monkeypatch):
    configure(monkeypatch, order_sweep_max_failures=str(MAX_FAILURES))
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def admin(session, world):
    user = make_user(session, "admin", world.oem)
    session.commit()
    principal = principal_for(user, world.oem)
    session.commit()
    return principal


def later(minutes=16):
    return utcnow() + timedelta(minutes=minutes)


def place(session, world, part_index, quantity=3):
    return ordering.place_order(
        session,
        world.dealer,
        lines=[part_line(world.parts[part_index], quantity)],
        buyer_location_id=world.store.id,
        idempotency_key=new_key(),
    ).order


def unpaid(session, world, bank, part_index, quantity=3):
    """An order the bank never answered (its hold runs out after 15 minutes)."""
    order = place(session, world, part_index, quantity)
    bank.set_behaviour("timeout")
    payments.process_order(session, order.id, gateway=bank)
    bank.clear_behaviour()
    return order


def break_reservation(session, stock_level_id):
    """What the incident left: the stock row no longer holds the units the order reserved (an
    inventory sync wrote `reserved` = 0), so releasing or committing them raises."""
    session.exec(update(StockLevel).where(StockLevel.id == stock_level_id).values(reserved=0))
    session.commit()


def repair_reservation(session, stock_level_id, reserved):
    session.exec(update(StockLevel).where(StockLevel.id == stock_level_id).values(reserved=reserved))
    session.commit()


def status_of(session, order_id) -> tuple[str, str]:
    row = session.exec(
        select(SalesOrder.status, Payment.status)
        .join(Payment, Payment.order_id == SalesOrder.id)
        .where(SalesOrder.id == order_id)
    ).one()
    session.commit()
    return tuple(row)


def attention_of(session, order_id) -> OrderAttention | None:
    session.expire_all()
    row = session.get(OrderAttention, order_id)
    session.commit()
    return row


def actions(outcomes) -> dict[int, str]:
    return {outcome.order_id: outcome.action for outcome in outcomes}


def audit_actions(session, order_id) -> list[str]:
    rows = session.exec(
        select(AuditLog.action)
        .where(AuditLog.entity == "sales_order", AuditLog.entity_id == str(order_id))
        .order_by(AuditLog.id)
    ).all()
    session.commit()
    return list(rows)


# --- the hold-expiry sweep ---------------------------------------------------------------------


def test_one_broken_order_does_not_stop_the_sweep_from_expiring_the_others(session, world, bank):
    broken = unpaid(session, world, bank, part_index=1)  # the oldest: first in the sweep
    healthy = [unpaid(session, world, bank, part_index=0), unpaid(session, world, bank, part_index=0)]
    break_reservation(session, world.part_stock[1])

    outcomes = payments.expire_holds(session, now=later(), gateway=bank)

    assert actions(outcomes) == {broken.id: "failed", healthy[0].id: "cancelled", healthy[1].id: "cancelled"}
    failed = next(o for o in outcomes if o.order_id == broken.id)
    assert "ReservationInvariantBroken" in failed.reason
    for order in healthy:
        assert status_of(session, order.id) == ("cancelled", "void")
    assert stock_of(session, world.part_stock[0]) == (100, 0)  # their units are free again
    assert status_of(session, broken.id) == ("pending_payment", "unknown")  # rolled back, nothing half-done
    attention = attention_of(session, broken.id)
    assert (attention.failures, attention.step, attention.parked_at) == (1, "expire_hold", None)
    assert "ReservationInvariantBroken" in attention.last_error


def test_a_broken_order_is_parked_after_n_failures_and_left_out_of_later_sweeps(session, world, bank, admin):
    broken = unpaid(session, world, bank, part_index=1)
    break_reservation(session, world.part_stock[1])

    runs = [actions(payments.expire_holds(session, now=later(), gateway=bank)) for _ in range(MAX_FAILURES)]
    assert [run[broken.id] for run in runs] == ["failed"] * (MAX_FAILURES - 1) + ["parked"]
    assert payments.expire_holds(session, now=later(), gateway=bank) == []  # left out from now on
    assert attention_of(session, broken.id).failures == MAX_FAILURES

    # A new order expiring later is still settled: the parked one costs nothing.
    other = unpaid(session, world, bank, part_index=0)
    assert actions(payments.expire_holds(session, now=later(), gateway=bank)) == {other.id: "cancelled"}

    parked, total = order_attention.list_parked(session, admin)
    assert total == 1
    [row] = parked
    assert (row.order_id, row.number, row.status, row.payment_status) == (
        broken.id,
        broken.number,
        "pending_payment",
        "unknown",
    )
    assert (row.failures, row.step, row.buyer) == (MAX_FAILURES, "expire_hold", world.dealer_org.name)
    assert "ReservationInvariantBroken" in row.last_error and row.parked_at is not None
    assert audit_actions(session, broken.id) == ["order.parked"]


def test_an_admins_retry_puts_a_parked_order_back_into_the_sweep(session, world, bank, admin):
    broken = unpaid(session, world, bank, part_index=1)
    break_reservation(session, world.part_stock[1])
    for _ in range(MAX_FAILURES):
        payments.expire_holds(session, now=later(), gateway=bank)
    assert attention_of(session, broken.id).parked_at is not None

    repair_reservation(session, world.part_stock[1], reserved=3)  # the operator fixed the stock row
    order_attention.retry(session, admin, broken.id)

    assert order_attention.list_parked(session, admin) == ([], 0)
    assert actions(payments.expire_holds(session, now=later(), gateway=bank)) == {broken.id: "cancelled"}
    assert status_of(session, broken.id) == ("cancelled", "void")
    assert stock_of(session, world.part_stock[1]) == (100, 0)
    assert attention_of(session, broken.id) is None
    assert audit_actions(session, broken.id) == ["order.parked", "order.unparked"]


def test_a_retried_order_that_still_fails_is_counted_afresh_and_parked_again(session, world, bank, admin):
    broken = unpaid(session, world, bank, part_index=1)
    break_reservation(session, world.part_stock[1])
    for _ in range(MAX_FAILURES):
        payments.expire_holds(session, now=later(), gateway=bank)
    order_attention.retry(session, admin, broken.id)
    assert actions(payments.expire_holds(session, now=later(), gateway=bank)) == {broken.id: "failed"}
    assert attention_of(session, broken.id).failures == 1


def test_a_success_after_a_failure_forgets_the_count(session, world, bank):
    order = unpaid(session, world, bank, part_index=1)
    break_reservation(session, world.part_stock[1])
    payments.expire_holds(session, now=later(), gateway=bank)
    repair_reservation(session, world.part_stock[1], reserved=3)  # the cause went away by itself
    assert actions(payments.expire_holds(session, now=later(), gateway=bank)) == {order.id: "cancelled"}
    assert attention_of(session, order.id) is None


def test_a_database_error_is_not_counted_against_the_order(session, world, bank, monkeypatch):
    order = unpaid(session, world, bank, part_index=0)

    def unreachable(*_args, **_kwargs):
        raise OperationalError("UPDATE stock_level", {}, Exception("server closed the connection"))

    monkeypatch.setattr(payments, "_expire", unreachable)
    assert actions(payments.expire_holds(session, now=later(), gateway=bank)) == {order.id: "skipped"}
    assert attention_of(session, order.id) is None


# --- the stalled-order sweep -------------------------------------------------------------------


def test_the_stalled_order_sweep_stops_retrying_an_order_once_it_is_parked(session, world, bank):
    order = place(session, world, 1)
    break_reservation(session, world.part_stock[1])  # the bank approves; committing the stock raises

    for attempt in range(1, MAX_FAILURES + 1):
        assert order_recovery.stalled_order_ids(session, older_than_seconds=0) == [order.id]
        outcome = payments.process_order(session, order.id, gateway=bank)  # what the re-queued task runs
        assert outcome.action == ("parked" if attempt == MAX_FAILURES else "failed")
        assert "ReservationInvariantBroken" in outcome.reason
    assert order_recovery.stalled_order_ids(session, older_than_seconds=0) == []
    assert status_of(session, order.id) == ("pending_payment", "pending")
    assert attention_of(session, order.id).step == "process"


# --- a refund the bank's ledger does not back ----------------------------------------------------


def forged_approval(key: str, amount: str = "30.00") -> tuple[bytes, str]:
    """A validly signed approval whose capture reference the bank's ledger has never held."""
    body = json.dumps(
        {
            "idempotency_key": key,
            "reference": "SIM-CP-NOTINTHELEDGER",
            "status": "approved",
            "amount": amount,
            "currency": "CNY",
            "reason": None,
        }
    ).encode()
    return body, sign_notice(body)


def test_a_refund_the_bank_refuses_is_counted_and_parks_the_order(session, world, bank, admin):
    order = place(session, world, 0)
    ordering.cancel_order(session, world.dealer, order.id, "changed my mind")
    key = session.exec(select(Payment.idempotency_key).where(Payment.order_id == order.id)).one()
    session.commit()

    body, signature = forged_approval(key)
    first = payments.handle_payment_notice(session, body, signature, gateway=bank)
    assert (first.action, first.payment_status) == ("waiting", PaymentStatus.CAPTURED)
    assert "unknown capture reference" in first.reason

    sweeps = [
        actions(payments.expire_holds(session, now=later(), gateway=bank)) for _ in range(MAX_FAILURES - 1)
    ]
    assert [run[order.id] for run in sweeps] == ["waiting"] * (MAX_FAILURES - 2) + ["parked"]
    assert payments.expire_holds(session, now=later(), gateway=bank) == []  # no refund asked again
    assert status_of(session, order.id) == ("cancelled", "captured")

    [row], total = order_attention.list_parked(session, admin)
    assert (total, row.order_id, row.step, row.failures) == (1, order.id, "refund", MAX_FAILURES)
    assert "the bank refused the refund: unknown capture reference" in row.last_error


# --- who may see and retry ---------------------------------------------------------------------


def test_only_admins_see_and_retry_parked_orders(session, world, bank, admin):
    with pytest.raises(PermissionDenied):
        order_attention.list_parked(session, world.dealer)
    order = unpaid(session, world, bank, part_index=0)
    with pytest.raises(PermissionDenied):
        order_attention.retry(session, world.dealer, order.id)
    with pytest.raises(NotFound) as raised:  # not parked: nothing to retry, nothing written
        order_attention.retry(session, admin, order.id)
    assert (raised.value.code, raised.value.field) == ("order.attention_not_found", "order_id")
    assert audit_actions(session, order.id) == []
