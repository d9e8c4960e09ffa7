"""The order's life as an explicit state machine, and the payment's.

Every change of `SalesOrder.status` goes through `move_order`, which refuses a move that is not in
`ORDER_TRANSITIONS` (raising IllegalTransition before anything is written) and records each legal
move as an `OrderTransition` row: the timeline the order page shows.

    pending_payment --payment captured--> paid --stock committed, shipment created--> allocated
    pending_payment --declined / hold expired / cancelled by the buyer--> cancelled

An order the sweeps cannot settle is not moved to a state of its own: it keeps its status and gets
an `OrderAttention` record (failures, last error, parked), see services/ordering/attention.py.

`paid` and `allocated` are reached in the same transaction today (see services/ordering/payments.py); they
stay two states so the timeline says when the money came and when the goods were set aside, and
so a later flow (back-orders, split shipments) can wait between them. `allocated` and `cancelled`
are final here; the logistics flow adds the moves after `allocated`.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import OrderStatus, OrderTransition, PaymentStatus, SalesOrder
from models.orders import Payment
from models.types import utcnow
from services.platform.errors import DomainError

ORDER_TRANSITIONS: dict[str, frozenset[str]] = {
    OrderStatus.PENDING_PAYMENT: frozenset({OrderStatus.PAID, OrderStatus.CANCELLED}),
    OrderStatus.PAID: frozenset({OrderStatus.ALLOCATED}),
    OrderStatus.ALLOCATED: frozenset(),
    OrderStatus.CANCELLED: frozenset(),
}

# A capture can arrive after any answer short of a refund: the bank is the truth about money, so a
# capture reported for a declined or void payment is recorded (and then refunded, see payments.py).
PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentStatus.PENDING: frozenset(
        {PaymentStatus.CAPTURED, PaymentStatus.DECLINED, PaymentStatus.UNKNOWN, PaymentStatus.VOID}
    ),
    PaymentStatus.UNKNOWN: frozenset({PaymentStatus.CAPTURED, PaymentStatus.DECLINED, PaymentStatus.VOID}),
    PaymentStatus.DECLINED: frozenset({PaymentStatus.CAPTURED}),
    PaymentStatus.VOID: frozenset({PaymentStatus.CAPTURED}),
    PaymentStatus.CAPTURED: frozenset({PaymentStatus.REFUNDED}),
    PaymentStatus.REFUNDED: frozenset(),
}

FINAL_ORDER_STATES = frozenset(s for s, targets in ORDER_TRANSITIONS.items() if not targets)


class IllegalTransition(DomainError):
    """A move the state machine does not allow; nothing was written. HTTP 409 Conflict."""

    status = 409

    def __init__(
        self, code: str = "order.illegal_transition", field: str | None = None, **params: object
    ) -> None:
        super().__init__(code, field, **params)


def may_move(from_status: str, to_status: str) -> bool:
    """True when the order state machine allows `from_status` -> `to_status`."""
    return to_status in ORDER_TRANSITIONS.get(from_status, frozenset())


def may_move_payment(from_status: str, to_status: str) -> bool:
    """True when the payment state machine allows `from_status` -> `to_status`."""
    return to_status in PAYMENT_TRANSITIONS.get(from_status, frozenset())


def placement_row(order_id: int, *, actor_user_id: int | None, at: datetime) -> dict:
    """The first timeline entry of a new order (None -> pending_payment) as a plain row, for a
    caller writing with Core (services/platform/row_writes.py)."""
    return {
        "order_id": order_id,
        "from_status": None,
        "to_status": OrderStatus.PENDING_PAYMENT,
        "at": at,
        "cause": "order.event.placed",
        "detail": "",
        "actor_user_id": actor_user_id,
    }


def move_order(
    session: Session,
    order: SalesOrder,
    to_status: str,
    *,
    cause: str,
    detail: str = "",
    actor_user_id: int | None = None,
    at: datetime | None = None,
) -> OrderTransition:
    """Move `order` to `to_status` and add its timeline row, in the caller's transaction.

    `cause` is an i18n key ("order.event.payment_captured"); `detail` free text shown with it.
    Raises IllegalTransition (code "order.illegal_transition", params from_status, to_status) when
    the machine has no such move; the order is then left untouched.
    """
    from_status = order.status
    if not may_move(from_status, to_status):
        raise IllegalTransition(from_status=from_status, to_status=to_status)
    at = at or utcnow()
    order.status = to_status
    order.updated_at = at
    session.add(order)
    transition = OrderTransition(
        order_id=order.id,
        from_status=from_status,
        to_status=to_status,
        at=at,
        cause=cause,
        detail=detail[:300],
        actor_user_id=actor_user_id,
    )
    session.add(transition)
    return transition


def move_payment(payment: Payment, to_status: str, *, at: datetime | None = None) -> None:
    """Move `payment` to `to_status`; raises IllegalTransition (code "payment.illegal_transition")."""
    if not may_move_payment(payment.status, to_status):
        raise IllegalTransition("payment.illegal_transition", from_status=payment.status, to_status=to_status)
    payment.status = to_status
    payment.updated_at = at or utcnow()
