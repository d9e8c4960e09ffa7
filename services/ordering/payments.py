"""Taking the money for an order, and everything that follows from the bank's answer.

Three ways an answer arrives, all ending in the same few steps:
- `process_order` (the Celery task's body): capture with the order's payment key;
- `handle_payment_notice` (POST /api/v1/payments/notify): the bank's signed notice;
- `expire_holds` (the beat task): for an order whose hold ran out, the bank's final status.

Approved, order still pending: in one transaction the payment is captured, the reserved units
leave stock (`on_hand -= q`, `reserved -= q`), the order goes pending_payment -> paid -> allocated,
a shipment to the buyer's location is created, and "order.changed" goes to the outbox.
Approved, order already cancelled (a late approval): the capture is recorded, then refunded in
full; the order stays cancelled. Declined: the reservation is released and the order cancelled with
the bank's reason. No answer: nothing changes but the payment's status (`unknown`); the expiry
sweep decides.

Crash safety: the bank is called outside any transaction of ours, under an idempotency key that is
fixed per order. A worker that dies after the capture and before its commit leaves the order
pending; the redelivered task asks again with the same key, the bank answers with the same
capture (no second charge), and the commit happens then. Every step re-reads the order under its
row lock and acts only if the order is still in the state that step expects, so duplicates
(redelivered tasks, repeated notices, a sweep racing a worker) change nothing twice. A capture
recorded on a cancelled order whose refund did not complete is refunded by the next sweep.

One broken order never stalls the others: each order's step runs in its own transaction, and a step
that raises (or a refund the bank refuses) is rolled back, logged and counted against that order
alone (services/ordering/attention.py); after `settings.order_sweep_max_failures` of them the order is
parked, left out of the sweeps until an admin retries it.

Every function here manages the transactions of the session it is given (and commits).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from types import SimpleNamespace

from sqlalchemy import bindparam, delete, update
from sqlmodel import Session, select

from models import (
    OrderAttention,
    OrderStatus,
    OrderTransition,
    OutboxMessage,
    Payment,
    PaymentStatus,
    Refund,
    SalesOrder,
    SalesOrderLine,
    Shipment,
)
from models.orders import GatewayStatus
from models.types import column_length, utcnow
from services.ordering import attention as order_attention
from services.ordering import reservations
from services.ordering.gateway import GatewayResult, PaymentGateway, get_gateway, sign_notice, verify_notice
from services.ordering.placement import ORDER_CHANGED, lock_order, order_changed_payload, release_and_cancel
from services.ordering.states import may_move, may_move_payment, move_payment
from services.platform import json_input, outbox, row_writes
from services.platform.errors import AuthenticationFailed, NotFound, ValidationFailed

__all__ = [
    "PaymentOutcome",
    "expire_holds",
    "handle_payment_notice",
    "process_order",
    "sign_notice",
    "verify_notice",
]

log = logging.getLogger(__name__)

HOLD_EXPIRED_REASON = "payment not received in time"
LATE_PAYMENT_REFUND_REASON = "payment arrived after the order was cancelled"


@dataclass(frozen=True)
class PaymentOutcome:
    """What a payment step did. `action`: "completed" (paid and allocated), "cancelled",
    "refunded" (late capture given back), "waiting" (no answer yet, or a refund the bank refused),
    "nothing" (already done), "failed" (the step raised; rolled back and counted against the
    order, `reason` says why), "parked" (failed and parked, or a refused refund parked it),
    "skipped" (a sweep met a database or network error; nothing counted, the next run retries)."""

    order_id: int
    action: str
    order_status: str | None
    payment_status: str | None
    reason: str | None = None
    # The "order.changed" notice of the change just committed (`order_changed_payload`), when
    # the step knows it without another read: the worker publishes it at once.
    notice: dict | None = None

    @property
    def changed(self) -> bool:
        """Whether the step may have changed the order (so its pages should hear of it)."""
        return self.action not in _UNCHANGED_ACTIONS


_UNCHANGED_ACTIONS = frozenset({"nothing", "failed", "parked", "skipped"})


# --------------------------------------------------------------------------------------------
# The three entry points


def process_order(
    session: Session, order_id: int, *, gateway: PaymentGateway | None = None, message_id: int | None = None
) -> PaymentOutcome:
    """Ask the bank to capture an order's payment and act on the answer. Idempotent.

    An order that is gone or no longer `pending_payment` is left alone (action "nothing"); a
    redelivery after a crash re-asks the bank with the same key and completes the order without a
    second capture. Returns what happened; raises only on infrastructure errors (the database, the
    bank unreachable: the task retries). A step that fails otherwise (e.g. the stock rows no longer
    hold the order's reservation) is rolled back and counted (action "failed" or "parked").

    `message_id`: the order's "order.placed" outbox message, when the placing process sent this
    task itself (workers/dispatch.py): it is marked sent here, so the relay does not send it again.
    """
    gateway = gateway or get_gateway()
    if message_id is not None:
        outbox.mark_sent(session, message_id)
    row = session.connection().execute(_TO_CAPTURE, {"order_id": order_id}).first()
    session.commit()  # the bank is called outside our transaction
    if row is None:
        return PaymentOutcome(order_id, "nothing", None, None)
    order_status, key, amount, currency, payment_status, failures = row
    if order_status != OrderStatus.PENDING_PAYMENT:
        return PaymentOutcome(order_id, "nothing", order_status, payment_status)
    result = gateway.capture(key, amount, currency)
    return _guarded(
        session,
        order_id,
        "process",
        failures,
        partial(_apply, session, order_id, result, gateway),
        skip_transient=False,
    )


def handle_payment_notice(
    session: Session, body: bytes, signature: str | None, *, gateway: PaymentGateway | None = None
) -> PaymentOutcome:
    """Act on a bank notice (the raw request body and its signature header). Idempotent.

    The body is JSON: {"idempotency_key", "reference", "status": "approved" | "declined",
    "amount": "123.45", "currency", "reason"}. Raises AuthenticationFailed
    "payment.notice_signature_invalid" (401) when the HMAC-SHA256 signature does not match
    (nothing is read or written then), MalformedBody "request.malformed" (400) for a body that is
    not UTF-8 JSON nested at most 32 deep, ValidationFailed "payment.notice_invalid" for a notice
    of the wrong shape or with text longer than its column, NotFound "payment.not_found" for an
    unknown key, ValidationFailed "payment.notice_amount_mismatch" when amount or currency differ
    from the payment.
    A repeated notice changes nothing; an approval for a cancelled order is refunded.
    """
    if not verify_notice(body, signature):
        raise AuthenticationFailed("payment.notice_signature_invalid", field="signature")
    notice = _parse_notice(body)
    row = session.exec(
        select(Payment.order_id, Payment.amount, Payment.currency).where(
            Payment.idempotency_key == notice["idempotency_key"]
        )
    ).first()
    session.commit()
    if row is None:
        raise NotFound("payment.not_found", field="idempotency_key")
    order_id, amount, currency = row
    if notice["amount"] != amount or notice["currency"] != currency:
        raise ValidationFailed("payment.notice_amount_mismatch", field="amount")
    result = GatewayResult(
        GatewayStatus(notice["status"]),
        reference=notice["reference"],
        reason=notice["reason"],
        amount=notice["amount"],
        currency=notice["currency"],
    )
    return _apply(session, order_id, result, gateway or get_gateway())


def expire_holds(
    session: Session, now: datetime | None = None, *, gateway: PaymentGateway | None = None, batch: int = 100
) -> list[PaymentOutcome]:
    """Settle orders whose hold ran out, oldest first, up to `batch` of them. Idempotent.

    For each, the bank's final status decides: approved -> completed as if captured now; declined
    -> cancelled with the bank's reason; anything else -> the reservation is released and the order
    cancelled with "payment not received in time" (a later approval is then refunded).
    Also refunds captures recorded on cancelled orders whose refund did not complete.

    Each order is settled in its own transaction: one that fails is rolled back, counted ("failed",
    "parked") and the sweep goes on with the next. Parked orders are left out.
    """
    gateway = gateway or get_gateway()
    now = now or utcnow()
    due = session.exec(
        select(SalesOrder.id, Payment.idempotency_key, OrderAttention.failures)
        .join(Payment, Payment.order_id == SalesOrder.id)
        .outerjoin(OrderAttention, OrderAttention.order_id == SalesOrder.id)
        .where(
            SalesOrder.status == OrderStatus.PENDING_PAYMENT,
            SalesOrder.hold_expires_at <= now,
            OrderAttention.parked_at.is_(None),
        )
        .order_by(SalesOrder.hold_expires_at, SalesOrder.id)
        .limit(batch)
    ).all()
    unrefunded = session.exec(
        select(SalesOrder.id, OrderAttention.failures)
        .join(Payment, Payment.order_id == SalesOrder.id)
        .outerjoin(OrderAttention, OrderAttention.order_id == SalesOrder.id)
        .where(
            SalesOrder.status == OrderStatus.CANCELLED,
            Payment.status == PaymentStatus.CAPTURED,
            OrderAttention.parked_at.is_(None),
        )
        .order_by(SalesOrder.id)
        .limit(batch)
    ).all()
    session.commit()
    outcomes = []
    for order_id, key, failures in due:
        outcomes.append(
            _guarded(
                session,
                order_id,
                "expire_hold",
                failures,
                partial(_settle_expired, session, order_id, key, now, gateway),
            )
        )
    for order_id, failures in unrefunded:
        outcomes.append(
            _guarded(session, order_id, "refund", failures, partial(_refund, session, order_id, gateway))
        )
    return outcomes


def _settle_expired(
    session: Session, order_id: int, key: str, now: datetime, gateway: PaymentGateway
) -> PaymentOutcome:
    answer = gateway.status(key)
    if answer.status in (GatewayStatus.APPROVED, GatewayStatus.DECLINED):
        return _apply(session, order_id, answer, gateway)
    return _expire(session, order_id, now)


# A step that ends like this settled the order (or found it settled): its failures are forgotten.
_SETTLED_ACTIONS = frozenset({"completed", "cancelled", "nothing"})


def _guarded(
    session: Session,
    order_id: int,
    step: str,
    failures: int | None,
    run: Callable[[], PaymentOutcome],
    *,
    skip_transient: bool = True,
) -> PaymentOutcome:
    """Run one order's step so that its failure stays its own: an exception is rolled back, logged
    with its traceback and counted against the order (services/ordering/attention.py). A database or
    network error is not the order's fault: re-raised when `skip_transient` is false (the task
    retries), else logged and the order skipped until the next sweep. `failures`: the order's
    count before this run (None or 0: none), cleared when the step settles the order."""
    try:
        outcome = run()
    except order_attention.TRANSIENT_ERRORS:
        session.rollback()
        if not skip_transient:
            raise
        log.warning(
            "order %s: %s hit a database or network error; the next sweep retries",
            order_id,
            step,
            exc_info=True,
        )
        return PaymentOutcome(order_id, "skipped", None, None)
    except Exception as error:
        session.rollback()
        log.exception("order %s: %s failed", order_id, step)
        return _count_failure(session, order_id, step, order_attention.describe(error))
    if failures and outcome.action in _SETTLED_ACTIONS:
        order_attention.clear(session, order_id)
    return outcome


def _count_failure(session: Session, order_id: int, step: str, error: str) -> PaymentOutcome:
    try:
        counted = order_attention.record_failure(session, order_id, step=step, error=error)
    except Exception:  # e.g. the order was deleted meanwhile: the sweep still goes on
        log.warning("order %s: could not count its failure", order_id, exc_info=True)
        return PaymentOutcome(order_id, "failed", None, None, error)
    return PaymentOutcome(order_id, "parked" if counted.parked else "failed", None, None, error)


# --------------------------------------------------------------------------------------------
# The steps


def _apply(session: Session, order_id: int, result: GatewayResult, gateway: PaymentGateway) -> PaymentOutcome:
    if result.status == GatewayStatus.APPROVED:
        return _settle_approval(session, order_id, result, gateway)
    if result.status == GatewayStatus.DECLINED:
        return _settle_decline(session, order_id, result.reason or "declined by the bank")
    if result.status == GatewayStatus.TIMEOUT:
        return _mark_unknown(session, order_id)
    return _current(session, order_id, "nothing")


def _settle_approval(
    session: Session, order_id: int, result: GatewayResult, gateway: PaymentGateway
) -> PaymentOutcome:
    """The bank took the money: complete a pending order, or record and refund a late capture."""
    try:
        completed = _complete(session, order_id, result)
        if completed is not None:
            return completed
        # No longer pending (or its payment already settled): the order is locked; decide here.
        order = lock_order(session, order_id)
        if order is None:
            session.rollback()
            return PaymentOutcome(order_id, "nothing", None, None)
        # A separate query after the lock, not a join in the locking one: on PostgreSQL a join
        # re-checked after waiting for the lock would return the payment row as it was before the
        # other transaction's commit.
        payment = _payment(session, order_id)
        if payment.status == PaymentStatus.REFUNDED or (
            payment.status == PaymentStatus.CAPTURED and order.status != OrderStatus.CANCELLED
        ):
            session.rollback()
            return PaymentOutcome(order_id, "nothing", order.status, payment.status)
        if payment.status != PaymentStatus.CAPTURED:
            move_payment(payment, PaymentStatus.CAPTURED)
            payment.gateway_reference = result.reference
            payment.captured_at = utcnow()
            session.add(payment)
        # Cancelled meanwhile: the money is ours now. Record that before asking for it back, so a
        # crash during the refund leaves a captured payment on a cancelled order for the sweep.
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _refund(session, order_id, gateway)


def _complete(session: Session, order_id: int, result: GatewayResult) -> PaymentOutcome | None:
    """Paid -> stock committed -> allocated -> shipment, when the order is still pending and its
    payment may be captured; in plain SQL, one transaction, committed.

    Locks the order; then the payment is captured, the reserved units leave stock, the timeline
    gets pending_payment -> paid -> allocated, a shipment is created (a dealer's from the OEM
    warehouse to its location; a customer's vehicle is already at the store, so from = to: the
    handover) and "order.changed" and "stock.changed" go to the outbox. Otherwise returns None with
    the order locked and nothing written, for `_settle_approval` to decide."""
    connection = session.connection()
    order = connection.execute(_LOCK_ORDER, {"order_id": order_id}).mappings().first()
    if order is None or order["status"] != OrderStatus.PENDING_PAYMENT:
        return None
    # Read after the lock (see `_settle_approval`): the payment and the lines as they are now.
    rows = connection.execute(_PAYMENT_AND_LINES, {"order_id": order_id}).all()
    if not rows or not may_move_payment(rows[0].status, PaymentStatus.CAPTURED):
        return None
    if not (
        may_move(order["status"], OrderStatus.PAID) and may_move(OrderStatus.PAID, OrderStatus.ALLOCATED)
    ):
        return None
    now = utcnow()
    reservations.commit(session, [(row.stock_level_id, row.quantity) for row in rows])
    connection.execute(
        _CAPTURE_PAYMENT, {"payment_id": rows[0].id, "reference": result.reference, "now": now}
    )
    connection.execute(_ALLOCATE_ORDER, {"order_id": order_id, "now": now})
    notice = order_changed_payload(SimpleNamespace(**{**order, "status": OrderStatus.ALLOCATED}))
    row_writes.insert_together(
        session,
        [
            (
                OrderTransition,
                [
                    _transition(
                        order_id,
                        OrderStatus.PENDING_PAYMENT,
                        OrderStatus.PAID,
                        now,
                        "order.event.payment_captured",
                        result.reference or "",
                    ),
                    _transition(
                        order_id, OrderStatus.PAID, OrderStatus.ALLOCATED, now, "order.event.allocated", ""
                    ),
                ],
            ),
            (
                Shipment,
                [
                    {
                        "order_id": order_id,
                        "from_location_id": order["source_location_id"],
                        "to_location_id": order["buyer_location_id"],
                        "status": "created",
                        "carrier_reference": None,
                        "created_at": now,
                        # tracked from here on (services/logistics/shipments.py `prepare_shipment`)
                        "tracking_status": "pending",
                        "promise_at_risk": False,
                    }
                ],
            ),
            (
                OutboxMessage,
                [
                    outbox.row(ORDER_CHANGED, notice, now),
                    outbox.row(outbox.STOCK_CHANGED, {"location_ids": [order["source_location_id"]]}, now),
                ],
            ),
        ],
    )
    session.commit()
    return PaymentOutcome(order_id, "completed", OrderStatus.ALLOCATED, PaymentStatus.CAPTURED, notice=notice)


def _transition(
    order_id: int, from_status: str, to_status: str, at: datetime, cause: str, detail: str
) -> dict:
    return {
        "order_id": order_id,
        "from_status": from_status,
        "to_status": to_status,
        "at": at,
        "cause": cause,
        "detail": detail[:300],
        "actor_user_id": None,
    }


# Built once: these run for every order.
_ORDERS, _PAYMENTS, _LINES = SalesOrder.__table__, Payment.__table__, SalesOrderLine.__table__
_ATTENTION = OrderAttention.__table__
_TO_CAPTURE = (
    select(
        _ORDERS.c.status,
        _PAYMENTS.c.idempotency_key,
        _PAYMENTS.c.amount,
        _PAYMENTS.c.currency,
        _PAYMENTS.c.status,
        _ATTENTION.c.failures,
    )
    .join(_PAYMENTS, _PAYMENTS.c.order_id == _ORDERS.c.id)
    .outerjoin(_ATTENTION, _ATTENTION.c.order_id == _ORDERS.c.id)
    .where(_ORDERS.c.id == bindparam("order_id"))
)
_LOCK_ORDER = (
    select(
        _ORDERS.c.id,
        _ORDERS.c.number,
        _ORDERS.c.status,
        _ORDERS.c.buyer_organisation_id,
        _ORDERS.c.buyer_user_id,
        _ORDERS.c.seller_organisation_id,
        _ORDERS.c.source_location_id,
        _ORDERS.c.buyer_location_id,
    )
    .where(_ORDERS.c.id == bindparam("order_id"))
    .with_for_update()
)
_PAYMENT_AND_LINES = (
    select(_PAYMENTS.c.id, _PAYMENTS.c.status, _LINES.c.stock_level_id, _LINES.c.quantity)
    .join(_LINES, _LINES.c.order_id == _PAYMENTS.c.order_id)
    .where(_PAYMENTS.c.order_id == bindparam("order_id"))
    .order_by(_LINES.c.id)
)
_CAPTURE_PAYMENT = (
    update(_PAYMENTS)
    .where(_PAYMENTS.c.id == bindparam("payment_id"))
    .values(
        status=PaymentStatus.CAPTURED,
        gateway_reference=bindparam("reference"),
        captured_at=bindparam("now"),
        updated_at=bindparam("now"),
    )
)
_ALLOCATE_ORDER = (
    update(_ORDERS)
    .where(_ORDERS.c.id == bindparam("order_id"))
    .values(status=OrderStatus.ALLOCATED, updated_at=bindparam("now"))
)


def _refund(session: Session, order_id: int, gateway: PaymentGateway) -> PaymentOutcome:
    """Give back a capture recorded on a cancelled order (bank call first, then our record).

    A refund the bank refuses (e.g. a capture its ledger does not hold) leaves the payment
    captured for the next sweep and counts as a failure of the order: parked after too many."""
    payment = _payment(session, order_id)
    reference, amount, status = payment.gateway_reference, payment.amount, payment.status
    session.commit()
    if status != PaymentStatus.CAPTURED:
        return _current(session, order_id, "nothing")
    answer = gateway.refund(reference, amount)
    if answer.status != GatewayStatus.APPROVED:
        # Left captured on a cancelled order: the next sweep asks again, until the order is parked.
        reason = answer.reason or f"refund answered {answer.status}"
        counted = _count_failure(session, order_id, "refund", f"the bank refused the refund: {reason}")
        return PaymentOutcome(
            order_id,
            "parked" if counted.action == "parked" else "waiting",
            OrderStatus.CANCELLED,
            PaymentStatus.CAPTURED,
            reason,
        )
    try:
        order = lock_order(session, order_id)
        payment = _payment(session, order_id)
        if order.status != OrderStatus.CANCELLED or payment.status != PaymentStatus.CAPTURED:
            session.rollback()
            return PaymentOutcome(order_id, "nothing", order.status, payment.status)
        move_payment(payment, PaymentStatus.REFUNDED)
        session.add(payment)
        session.add(
            Refund(
                payment_id=payment.id,
                amount=payment.amount,
                currency=payment.currency,
                reason=LATE_PAYMENT_REFUND_REASON,
                gateway_reference=answer.reference,
            )
        )
        outbox.enqueue(session, ORDER_CHANGED, order_changed_payload(order))
        session.execute(delete(OrderAttention).where(OrderAttention.order_id == order_id))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return PaymentOutcome(order_id, "refunded", OrderStatus.CANCELLED, PaymentStatus.REFUNDED)


def _settle_decline(session: Session, order_id: int, reason: str) -> PaymentOutcome:
    try:
        order = lock_order(session, order_id)
        if order is None or order.status != OrderStatus.PENDING_PAYMENT:
            session.rollback()
            return _current(session, order_id, "nothing")
        release_and_cancel(
            session,
            order,
            cause="order.event.payment_declined",
            cancel_code="order.cancelled.payment_declined",
            reason=reason,
            payment_status=PaymentStatus.DECLINED,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return PaymentOutcome(order_id, "cancelled", OrderStatus.CANCELLED, PaymentStatus.DECLINED, reason)


def _mark_unknown(session: Session, order_id: int) -> PaymentOutcome:
    try:
        order = lock_order(session, order_id)
        payment = _payment(session, order_id)
        if order.status == OrderStatus.PENDING_PAYMENT and payment.status == PaymentStatus.PENDING:
            move_payment(payment, PaymentStatus.UNKNOWN)
            session.add(payment)
            outbox.enqueue(session, ORDER_CHANGED, order_changed_payload(order))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _current(session, order_id, "waiting")


def _expire(session: Session, order_id: int, now: datetime) -> PaymentOutcome:
    try:
        order = lock_order(session, order_id)
        if order.status != OrderStatus.PENDING_PAYMENT or order.hold_expires_at > now:
            session.rollback()
            return _current(session, order_id, "nothing")
        release_and_cancel(
            session,
            order,
            cause="order.event.hold_expired",
            cancel_code="order.cancelled.payment_timeout",
            reason=HOLD_EXPIRED_REASON,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return PaymentOutcome(
        order_id, "cancelled", OrderStatus.CANCELLED, PaymentStatus.VOID, HOLD_EXPIRED_REASON
    )


def _payment(session: Session, order_id: int) -> Payment:
    return session.exec(
        select(Payment).where(Payment.order_id == order_id).execution_options(populate_existing=True)
    ).one()


def _current(session: Session, order_id: int, action: str, reason: str | None = None) -> PaymentOutcome:
    row = session.exec(
        select(SalesOrder.status, Payment.status)
        .join(Payment, Payment.order_id == SalesOrder.id)
        .where(SalesOrder.id == order_id)
    ).first()
    session.commit()
    order_status, payment_status = row if row else (None, None)
    return PaymentOutcome(order_id, action, order_status, payment_status, reason)


def _parse_notice(body: bytes) -> dict:
    data = json_input.loads(body)  # MalformedBody (400) for what is not JSON at all
    try:
        key, reference, status = data["idempotency_key"], data["reference"], data["status"]
        amount, currency, reason = Decimal(str(data["amount"])), data["currency"], data.get("reason")
    except (ValueError, TypeError, KeyError, InvalidOperation):
        raise ValidationFailed("payment.notice_invalid", field="body") from None
    if (
        not _text(key, column_length(Payment, "idempotency_key"))
        or not _text(reference, column_length(Payment, "gateway_reference"))
        or not _text(currency, column_length(Payment, "currency"))
        or status not in (GatewayStatus.APPROVED, GatewayStatus.DECLINED)
        or not (reason is None or isinstance(reason, str))
        or not amount.is_finite()
    ):
        raise ValidationFailed("payment.notice_invalid", field="body")
    reason_length = column_length(Payment, "decline_reason")
    return {
        "idempotency_key": key,
        "reference": reference,
        "status": status,
        "amount": amount,
        "currency": currency,
        "reason": reason[:reason_length] if reason else None,
    }


def _text(value: object, max_length: int) -> bool:
    """A string that fits its column (longer ones would fail at the database, after the checks)."""
    return isinstance(value, str) and len(value) <= max_length
