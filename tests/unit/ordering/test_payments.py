"""Payments: capture, decline, timeout, signed notices, hold expiry, late approvals refunded, and a
worker that dies between the bank's capture and our commit."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import func, select

from models import (
    GatewayLedger,
    OutboxMessage,
    Payment,
    PaymentStatus,
    Refund,
    SalesOrder,
    Shipment,
)
from models.types import utcnow
from services.ordering import payments
from services.ordering import placement as ordering
from services.ordering.gateway import sign_notice, verify_notice
from services.platform.errors import AuthenticationFailed, NotFound, ValidationFailed
from services.platform.json_input import MalformedBody
from tests.ordering_world import new_key, part_line, stock_of


def place(session, world, quantity=3, principal=None):
    principal = principal or world.dealer
    lines = (
        [part_line(world.parts[0], quantity)]
        if principal.role == "dealer"
        else [{"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}]
    )
    return ordering.place_order(
        session, principal, lines=lines, buyer_location_id=world.store.id, idempotency_key=new_key()
    ).order


# Each helper ends its read transaction: on SQLite an open one would hold the write lock the bank needs.


def key_of(session, order_id) -> str:
    key = session.exec(select(Payment.idempotency_key).where(Payment.order_id == order_id)).one()
    session.commit()
    return key


def view(session, world, order_id, principal=None):
    session.expire_all()
    order = ordering.get_order(session, principal or world.dealer, order_id)
    session.commit()
    return order


def captures(session) -> int:
    count = session.exec(
        select(func.count())
        .select_from(GatewayLedger)
        .where(GatewayLedger.status.in_(["approved", "refunded"]))
    ).one()
    session.commit()
    return count


def shipments(session, order_id) -> int:
    count = session.exec(
        select(func.count()).select_from(Shipment).where(Shipment.order_id == order_id)
    ).one()
    session.commit()
    return count


# --- process_order ---------------------------------------------------------------------------


def test_an_approved_payment_commits_the_stock_and_allocates_the_order(session, world, bank):
    order = place(session, world, quantity=3)
    outcome = payments.process_order(session, order.id, gateway=bank)
    assert outcome.action == "completed"
    after = view(session, world, order.id)
    assert after.status == "allocated" and after.payment_status == "captured"
    assert [(t.from_status, t.to_status) for t in after.timeline] == [
        (None, "pending_payment"),
        ("pending_payment", "paid"),
        ("paid", "allocated"),
    ]
    assert stock_of(session, world.part_stock[0]) == (97, 0)
    assert after.shipment.status == "created"
    assert (after.shipment.from_location_id, after.shipment.to_location_id) == (
        world.warehouse.id,
        world.store.id,
    )
    changed = session.exec(select(OutboxMessage.payload).where(OutboxMessage.topic == "order.changed")).all()
    assert {"order_id": order.id, "status": "allocated"}.items() <= changed[-1].items()
    assert captures(session) == 1


def test_a_customer_pays_the_deposit_not_the_price(session, world, bank):
    order = place(session, world, principal=world.customer)
    payments.process_order(session, order.id, gateway=bank)
    ledger = bank.ledger(key_of(session, order.id))
    assert ledger.amount == Decimal("20000.00") and ledger.status == "approved"
    assert view(session, world, order.id, world.customer).status == "allocated"
    assert stock_of(session, world.trim_store_stock) == (1, 0)


def test_a_declined_payment_cancels_the_order_with_the_banks_reason(session, world, bank):
    order = place(session, world, quantity=3)
    bank.set_behaviour("decline", key=key_of(session, order.id), reason="insufficient funds")
    outcome = payments.process_order(session, order.id, gateway=bank)
    assert (outcome.action, outcome.reason) == ("cancelled", "insufficient funds")
    after = view(session, world, order.id)
    assert after.status == "cancelled" and after.payment_status == "declined"
    assert after.cancel_code == "order.cancelled.payment_declined"
    assert after.cancel_reason == "insufficient funds"
    assert after.timeline[-1].cause == "order.event.payment_declined"
    assert stock_of(session, world.part_stock[0]) == (100, 0)
    assert after.shipment is None and captures(session) == 0


def test_no_answer_changes_nothing_but_the_payment_status(session, world, bank):
    order = place(session, world, quantity=3)
    bank.set_behaviour("timeout")
    outcome = payments.process_order(session, order.id, gateway=bank)
    assert outcome.action == "waiting"
    after = view(session, world, order.id)
    assert after.status == "pending_payment" and after.payment_status == "unknown"
    assert stock_of(session, world.part_stock[0]) == (100, 3)
    assert bank.ledger(key_of(session, order.id)) is None


def test_processing_again_does_nothing(session, world, bank):
    order = place(session, world, quantity=3)
    payments.process_order(session, order.id, gateway=bank)
    again = payments.process_order(session, order.id, gateway=bank)
    assert again.action == "nothing" and again.order_status == "allocated"
    assert stock_of(session, world.part_stock[0]) == (97, 0)
    assert captures(session) == 1 and shipments(session, order.id) == 1
    assert payments.process_order(session, 987654, gateway=bank).action == "nothing"


def test_a_worker_that_dies_after_the_capture_is_completed_by_the_redelivery_without_a_second_charge(
    session, world, bank, monkeypatch
):
    order = place(session, world, quantity=3)

    def killed(*_args, **_kwargs):
        raise SystemExit("worker killed after capture, before commit")

    with monkeypatch.context() as patch:
        patch.setattr(payments, "_complete", killed)
        with pytest.raises(SystemExit):
            payments.process_order(session, order.id, gateway=bank)
    assert view(session, world, order.id).status == "pending_payment"
    assert captures(session) == 1  # the bank has the money

    outcome = payments.process_order(session, order.id, gateway=bank)  # the redelivered task
    assert outcome.action == "completed"
    assert captures(session) == 1
    assert stock_of(session, world.part_stock[0]) == (97, 0)
    payment = session.exec(select(Payment).where(Payment.order_id == order.id)).one()
    reference, key = payment.gateway_reference, payment.idempotency_key
    session.commit()
    assert reference == bank.ledger(key).reference


def test_the_bank_never_captures_a_key_twice(bank, sqlite_url):
    first = bank.capture("PAY-X", Decimal("10.00"), "CNY")
    second = bank.capture("PAY-X", Decimal("10.00"), "CNY")
    assert first.status == second.status == "approved" and first.reference == second.reference
    other_amount = bank.capture("PAY-X", Decimal("99.00"), "CNY")
    assert other_amount.status == "declined"
    refund = bank.refund(first.reference, Decimal("10.00"))
    assert refund.status == "approved"
    assert bank.refund(first.reference, Decimal("10.00")).reference == refund.reference
    assert bank.refund("SIM-CP-NOPE", Decimal("1.00")).status == "declined"
    assert bank.status("PAY-X").status == "refunded" and bank.status("PAY-NEVER").status == "unknown"


# --- notices ---------------------------------------------------------------------------------


def late_order(session, world, bank, quantity=3):
    """An order whose capture the bank took but has not decided (the worker got no answer)."""
    order = place(session, world, quantity=quantity)
    key = key_of(session, order.id)
    bank.set_behaviour("late", key=key, notices=2)
    assert payments.process_order(session, order.id, gateway=bank).action == "waiting"
    return order, key


def test_a_notice_signature_is_an_hmac_of_the_raw_body(sqlite_url):
    body = b'{"a": 1}'
    assert verify_notice(body, sign_notice(body))
    assert verify_notice(body, "sha256=" + sign_notice(body))
    assert not verify_notice(body + b" ", sign_notice(body))
    assert not verify_notice(body, None) and not verify_notice(body, "")


def test_an_approval_notice_completes_a_waiting_order_and_its_repeat_changes_nothing(session, world, bank):
    order, key = late_order(session, world, bank)
    notices = bank.settle(key, approve=True)
    assert len(notices) == 2  # the bank sends it twice
    first = payments.handle_payment_notice(session, notices[0].body, notices[0].signature, gateway=bank)
    second = payments.handle_payment_notice(session, notices[1].body, notices[1].signature, gateway=bank)
    assert (first.action, second.action) == ("completed", "nothing")
    assert view(session, world, order.id).status == "allocated"
    assert stock_of(session, world.part_stock[0]) == (97, 0)
    assert captures(session) == 1 and shipments(session, order.id) == 1


def test_a_decline_notice_cancels_the_order(session, world, bank):
    order, key = late_order(session, world, bank)
    notice = bank.settle(key, approve=False, reason="card expired")[0]
    outcome = payments.handle_payment_notice(session, notice.body, notice.signature, gateway=bank)
    assert outcome.action == "cancelled"
    after = view(session, world, order.id)
    assert after.status == "cancelled" and after.cancel_reason == "card expired"
    assert stock_of(session, world.part_stock[0]) == (100, 0)


@pytest.mark.parametrize("signature", [None, "", "0" * 64, "not-hex"])
def test_an_unsigned_or_wrongly_signed_notice_is_refused_and_changes_nothing(session, world, bank, signature):
    order, key = late_order(session, world, bank)
    notice = bank.settle(key, approve=True)[0]
    with pytest.raises(AuthenticationFailed) as raised:
        payments.handle_payment_notice(session, notice.body, signature, gateway=bank)
    assert raised.value.status == 401 and raised.value.code == "payment.notice_signature_invalid"
    assert view(session, world, order.id).status == "pending_payment"


def test_a_tampered_notice_is_refused(session, world, bank):
    order, key = late_order(session, world, bank)
    notice = bank.settle(key, approve=False, reason="no")[0]
    tampered = notice.body.replace(b'"declined"', b'"approved"')
    with pytest.raises(AuthenticationFailed):
        payments.handle_payment_notice(session, tampered, notice.signature, gateway=bank)
    assert view(session, world, order.id).status == "pending_payment"


def signed(payload: dict) -> tuple[bytes, str]:
    body = json.dumps(payload).encode()
    return body, sign_notice(body)


def test_malformed_unknown_and_mismatched_notices_are_refused(session, world, bank):
    order, key = late_order(session, world, bank)
    with pytest.raises(ValidationFailed) as raised:
        payments.handle_payment_notice(session, *signed({"status": "approved"}), gateway=bank)
    assert raised.value.code == "payment.notice_invalid"
    with pytest.raises(MalformedBody) as malformed:  # not JSON at all: the API's one code for it
        payments.handle_payment_notice(session, b"not json", sign_notice(b"not json"), gateway=bank)
    assert (malformed.value.status, malformed.value.code) == (400, "request.malformed")
    base = {
        "idempotency_key": key,
        "reference": "R",
        "status": "approved",
        "amount": "30.00",
        "currency": "CNY",
    }
    with pytest.raises(NotFound):
        payments.handle_payment_notice(
            session, *signed({**base, "idempotency_key": "PAY-NONE"}), gateway=bank
        )
    with pytest.raises(ValidationFailed) as raised:
        payments.handle_payment_notice(session, *signed({**base, "amount": "1.00"}), gateway=bank)
    assert raised.value.code == "payment.notice_amount_mismatch"
    assert view(session, world, order.id).status == "pending_payment"


# --- expiry, late approvals, refunds ---------------------------------------------------------


def later(minutes=16):
    return utcnow() + timedelta(minutes=minutes)


def test_an_unpaid_order_is_released_when_its_hold_expires(session, world, bank):
    order = place(session, world, quantity=3)
    bank.set_behaviour("timeout")
    payments.process_order(session, order.id, gateway=bank)
    assert payments.expire_holds(session, now=later(14), gateway=bank) == []  # hold still running
    outcomes = payments.expire_holds(session, now=later(), gateway=bank)
    assert [(o.order_id, o.action) for o in outcomes] == [(order.id, "cancelled")]
    after = view(session, world, order.id)
    assert after.status == "cancelled" and after.payment_status == "void"
    assert after.cancel_code == "order.cancelled.payment_timeout"
    assert after.cancel_reason == "payment not received in time"
    assert after.timeline[-1].cause == "order.event.hold_expired"
    assert stock_of(session, world.part_stock[0]) == (100, 0)
    assert payments.expire_holds(session, now=later(), gateway=bank) == []


def test_expiry_asks_the_bank_first_and_completes_an_order_it_did_capture(session, world, bank):
    order, key = late_order(session, world, bank)
    bank.settle(key, approve=True)  # ...and the notice is lost
    outcomes = payments.expire_holds(session, now=later(), gateway=bank)
    assert [o.action for o in outcomes] == ["completed"]
    assert view(session, world, order.id).status == "allocated"
    assert stock_of(session, world.part_stock[0]) == (97, 0)


def test_expiry_cancels_with_the_banks_reason_when_it_declined(session, world, bank):
    order, key = late_order(session, world, bank)
    bank.settle(key, approve=False, reason="fraud suspected")
    payments.expire_holds(session, now=later(), gateway=bank)
    after = view(session, world, order.id)
    assert after.status == "cancelled" and after.cancel_reason == "fraud suspected"


def test_a_late_approval_after_expiry_is_refunded_and_the_order_stays_cancelled(session, world, bank):
    order, key = late_order(session, world, bank)
    payments.expire_holds(session, now=later(), gateway=bank)  # bank still undecided: released
    other = place(session, world, quantity=97)  # the released units are sold again
    notices = bank.settle(key, approve=True)
    outcomes = [payments.handle_payment_notice(session, n.body, n.signature, gateway=bank) for n in notices]
    assert [o.action for o in outcomes] == ["refunded", "nothing"]
    after = view(session, world, order.id)
    assert after.status == "cancelled" and after.payment_status == "refunded"
    assert after.refunded_amount == Decimal("30.00")
    assert bank.ledger(key).status == "refunded"
    assert session.exec(select(func.count()).select_from(Refund)).one() == 1
    session.commit()
    assert stock_of(session, world.part_stock[0]) == (100, 97)  # nothing taken for the dead order
    assert view(session, world, other.id).status == "pending_payment"


def test_a_capture_for_an_order_the_buyer_cancelled_meanwhile_is_refunded(session, world, bank):
    order = place(session, world, quantity=3)
    key = key_of(session, order.id)
    bank.capture(key, Decimal("30.00"), "CNY")  # the worker's capture is in flight...
    ordering.cancel_order(session, world.dealer, order.id, "changed my mind")  # ...the buyer cancels
    notice = bank.notices_for(key)[0]
    assert (
        payments.handle_payment_notice(session, notice.body, notice.signature, gateway=bank).action
        == "refunded"
    )
    assert view(session, world, order.id).payment_status == "refunded"


def test_a_refund_interrupted_by_a_crash_is_finished_by_the_next_sweep(session, world, bank, monkeypatch):
    order, key = late_order(session, world, bank)
    payments.expire_holds(session, now=later(), gateway=bank)
    notice = bank.settle(key, approve=True)[0]
    with monkeypatch.context() as patch:
        patch.setattr(payments, "_refund", lambda *args, **kwargs: (_ for _ in ()).throw(SystemExit()))
        with pytest.raises(SystemExit):
            payments.handle_payment_notice(session, notice.body, notice.signature, gateway=bank)
    status = session.exec(select(Payment.status).where(Payment.order_id == order.id)).one()
    session.commit()
    assert status == PaymentStatus.CAPTURED and bank.ledger(key).status == "approved"
    outcomes = payments.expire_holds(session, now=later(), gateway=bank)
    assert [o.action for o in outcomes] == ["refunded"]
    assert bank.ledger(key).status == "refunded"
    assert session.get(SalesOrder, order.id).status == "cancelled"
