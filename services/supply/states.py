"""The purchase-order and line state machines, and the timeline entries every change writes.

A purchase order moves only along `TRANSITIONS`; `move_order` checks before it writes, so an
illegal transition raises `IllegalTransition` (409) and leaves the order and its timeline untouched.
Once the supplier has answered every line, the order's state follows its quantities
(`status_from_lines`): shipping and receiving never pick a state by hand.

    issued -> acknowledged (every line answered) | cancelled (by the manager, or every line rejected)
    acknowledged -> partly_shipped | shipped | cancelled (nothing shipped yet)
    partly_shipped -> shipped | partly_received | received
    shipped -> partly_received | received
    partly_received -> received | closed (short close: the rest is no longer expected)
    received -> closed
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session

from models import PurchaseOrder, PurchaseOrderEvent, PurchaseOrderLine
from models.supply import PurchaseOrderLineStatus as LineStatus
from models.supply import PurchaseOrderStatus as Status
from models.types import utcnow
from services.identity.auth import Principal
from services.platform.errors import DomainError


class IllegalTransition(DomainError):
    """A change the state machine does not allow (e.g. shipping a cancelled order)."""

    status = 409


TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ISSUED: frozenset({Status.ACKNOWLEDGED, Status.CANCELLED}),
    Status.ACKNOWLEDGED: frozenset({Status.PARTLY_SHIPPED, Status.SHIPPED, Status.CANCELLED}),
    Status.PARTLY_SHIPPED: frozenset({Status.SHIPPED, Status.PARTLY_RECEIVED, Status.RECEIVED}),
    Status.SHIPPED: frozenset({Status.PARTLY_RECEIVED, Status.RECEIVED}),
    Status.PARTLY_RECEIVED: frozenset({Status.RECEIVED, Status.CLOSED}),
    Status.RECEIVED: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

LINE_TRANSITIONS: dict[str, frozenset[str]] = {
    LineStatus.OPEN: frozenset(
        {LineStatus.ACKNOWLEDGED, LineStatus.REJECTED, LineStatus.PROPOSED, LineStatus.CANCELLED}
    ),
    # Accepting a proposal acknowledges the line on the proposed terms; declining reopens it.
    LineStatus.PROPOSED: frozenset({LineStatus.ACKNOWLEDGED, LineStatus.OPEN, LineStatus.CANCELLED}),
    LineStatus.ACKNOWLEDGED: frozenset({LineStatus.CANCELLED}),
    LineStatus.REJECTED: frozenset(),
    LineStatus.CANCELLED: frozenset(),
}

# Orders the supplier still has work on, and orders still expecting goods.
OPEN_STATUSES: frozenset[str] = frozenset(
    {
        Status.ISSUED,
        Status.ACKNOWLEDGED,
        Status.PARTLY_SHIPPED,
        Status.SHIPPED,
        Status.PARTLY_RECEIVED,
    }
)
SHIPPABLE_STATUSES: frozenset[str] = frozenset(
    {Status.ACKNOWLEDGED, Status.PARTLY_SHIPPED, Status.PARTLY_RECEIVED}
)
RECEIVABLE_STATUSES: frozenset[str] = frozenset(
    {Status.PARTLY_SHIPPED, Status.SHIPPED, Status.PARTLY_RECEIVED}
)
# Lines whose quantity is owed by the supplier.
ACTIVE_LINE_STATUSES: frozenset[str] = frozenset({LineStatus.ACKNOWLEDGED})


def can_move(current: str, target: str) -> bool:
    """True when an order in `current` may move to `target`."""
    return target in TRANSITIONS.get(current, frozenset())


def may_cancel(status: str | None) -> bool:
    """True when an order in `status` may still be cancelled (nothing of it has shipped)."""
    return bool(status) and can_move(status, Status.CANCELLED)


def may_close(status: str | None) -> bool:
    """True when an order in `status` may be closed (received, or short-closed when partly)."""
    return bool(status) and can_move(status, Status.CLOSED)


def check_move(current: str, target: str) -> None:
    """Raise IllegalTransition unless an order may move from `current` to `target`."""
    if not can_move(current, target):
        raise IllegalTransition("purchase.illegal_transition", field="status", current=current, target=target)


def check_line_move(current: str, target: str) -> None:
    """Raise IllegalTransition unless a line may move from `current` to `target`."""
    if target not in LINE_TRANSITIONS.get(current, frozenset()):
        raise IllegalTransition(
            "purchase.line_illegal_transition", field="status", current=current, target=target
        )


def status_from_lines(lines: Iterable[PurchaseOrderLine]) -> str:
    """The state an answered order is in, judged by its acknowledged lines' quantities.

    Anything received -> partly_received until every acknowledged unit has arrived (received);
    otherwise anything shipped -> partly_shipped until all is shipped (shipped); else acknowledged.
    Rejected and cancelled lines owe nothing and do not count.
    """
    active = [line for line in lines if line.status in ACTIVE_LINE_STATUSES]
    if not active:
        return Status.CANCELLED
    ordered = sum(line.quantity for line in active)
    shipped = sum(line.shipped_quantity for line in active)
    received = sum(line.accepted_quantity + line.rejected_quantity for line in active)
    if received:
        return Status.RECEIVED if received >= ordered else Status.PARTLY_RECEIVED
    if shipped:
        return Status.SHIPPED if shipped >= ordered else Status.PARTLY_SHIPPED
    return Status.ACKNOWLEDGED


def record_event(
    session: Session,
    order: PurchaseOrder,
    principal: Principal | None,
    kind: str,
    *,
    from_status: str | None = None,
    to_status: str | None = None,
    line_id: int | None = None,
    details: dict | None = None,
    at: datetime | None = None,
) -> PurchaseOrderEvent:
    """Add one timeline entry to `session` (written with the caller's transaction)."""
    event = PurchaseOrderEvent(
        purchase_order_id=order.id,
        at=at or utcnow(),
        actor_user_id=principal.user_id if principal else None,
        actor_organisation_id=principal.organisation_id if principal else None,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        line_id=line_id,
        details=details or {},
    )
    session.add(event)
    return event


def move_order(
    session: Session,
    order: PurchaseOrder,
    target: str,
    principal: Principal | None,
    *,
    kind: str = "status_changed",
    details: dict | None = None,
    at: datetime | None = None,
) -> bool:
    """Move `order` to `target` and record it on the timeline; False (nothing written) when it is
    already there. Raises IllegalTransition, before writing anything, for a move not allowed."""
    if order.status == target:
        return False
    check_move(order.status, target)
    at = at or utcnow()
    record_event(
        session, order, principal, kind, from_status=order.status, to_status=target, details=details, at=at
    )
    order.status = target
    order.status_changed_at = at
    session.add(order)
    return True


def move_line(line: PurchaseOrderLine, target: str) -> None:
    """Set a line's state after checking the move (the caller records the timeline entry)."""
    check_line_move(line.status, target)
    line.status = target
