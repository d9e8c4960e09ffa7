"""Orders a sweep cannot settle: counted, parked after too many failures, retried by an admin.

The sweeps (services/ordering/payments.py `expire_holds`, the refunds of late captures, the stalled-order
retries of services/ordering/recovery.py) handle each order in its own transaction. When one order's
step raises (a reservation row that no longer holds what the order says, a bug) or the bank refuses
a refund it will never grant, that transaction is rolled back, the failure is logged and counted
here in a transaction of its own, and the sweep moves on to the next order.

After `settings.order_sweep_max_failures` failures in a row the order is parked: an
`OrderAttention` row with `parked_at` set. Every sweep leaves parked orders out (`not_parked`), so
a broken order costs nothing after that; the admin page lists them with the last error
(`list_parked`), and `retry` deletes the row, so the next sweep takes the order up again with a
fresh count. A step that succeeds clears the count (`clear`).

Why a side record and not an order status: the order's status is its business state (pending with
stock reserved, or cancelled with a capture still to refund), which is what the money and the stock
say; a "needs attention" status would hide that, need a way back to the status it came from, and
add moves from every state to the transition table. Parking is orthogonal to it.

Not counted: failures of the infrastructure (the database unreachable, a network error to the bank:
`TRANSIENT_ERRORS`). Those are not the order's fault; counting them would park every due order
during a short outage. The sweep skips the order for this run and tries again on the next.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, exists, func, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, select

from models import OrderAttention, Organisation, Payment, Role, SalesOrder
from models.settings import get_settings
from models.types import utcnow
from services.catalog.lists import Page
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform import audit
from services.platform.errors import NotFound

__all__ = [
    "TRANSIENT_ERRORS",
    "AttentionResult",
    "ParkedOrder",
    "clear",
    "describe",
    "list_parked",
    "not_parked",
    "record_failure",
    "retry",
]

log = logging.getLogger(__name__)

# The database or the network failing, not the order: never counted against an order.
# (A constraint violation, IntegrityError, is the order's data: counted.)
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (OperationalError, InterfaceError, OSError)
MAX_ERROR = 500

_UPSERT_INSERTS = {"postgresql": postgresql_insert, "sqlite": sqlite_insert}
_TABLE = OrderAttention.__table__


@dataclass(frozen=True)
class AttentionResult:
    """The order's count after one more failure, and whether it is parked now."""

    order_id: int
    failures: int
    parked: bool


@dataclass(frozen=True)
class ParkedOrder:
    """One row of the admin's "needs attention" list."""

    order_id: int
    number: str | None
    status: str
    payment_status: str | None
    buyer: str
    failures: int
    step: str
    last_error: str
    first_failed_at: datetime
    last_failed_at: datetime
    parked_at: datetime


def describe(error: BaseException) -> str:
    """The error as an operator reads it: its class and message, at most MAX_ERROR characters."""
    text = f"{type(error).__name__}: {error}".strip()
    return text[:MAX_ERROR]


def not_parked(order_id: ColumnElement[int]) -> ColumnElement[bool]:
    """A sweep's condition: the order `order_id` (a column) is not parked."""
    return ~exists().where(OrderAttention.order_id == order_id, OrderAttention.parked_at.is_not(None))


def record_failure(
    session: Session, order_id: int, *, step: str, error: str, now: datetime | None = None
) -> AttentionResult:
    """Count one failed attempt at `step` for the order and park it when it has failed
    `settings.order_sweep_max_failures` times in a row. One transaction, committed; the caller's
    failed transaction must already be rolled back. Logs the failure (and the parking)."""
    now = now or utcnow()
    limit = get_settings().order_sweep_max_failures
    error = error[:MAX_ERROR]
    try:
        insert = _UPSERT_INSERTS[session.get_bind().dialect.name](_TABLE)
        session.execute(
            insert.values(
                order_id=order_id,
                failures=1,
                step=step,
                last_error=error,
                first_failed_at=now,
                last_failed_at=now,
                parked_at=None,
            ).on_conflict_do_update(
                index_elements=["order_id"],
                set_={
                    "failures": _TABLE.c.failures + 1,
                    "step": step,
                    "last_error": error,
                    "last_failed_at": now,
                },
            )
        )
        parked = (
            session.execute(
                update(_TABLE)
                .where(
                    _TABLE.c.order_id == order_id, _TABLE.c.failures >= limit, _TABLE.c.parked_at.is_(None)
                )
                .values(parked_at=now)
            ).rowcount
            == 1
        )
        failures = session.execute(
            select(_TABLE.c.failures).where(_TABLE.c.order_id == order_id)
        ).scalar_one()
        if parked:
            audit.record(
                session,
                action="order.parked",
                entity="sales_order",
                entity_id=order_id,
                after={"step": step, "failures": failures, "error": error},
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    if parked:
        log.error(
            "order %s parked after %d failed attempts (last at %s): %s", order_id, failures, step, error
        )
    else:
        log.warning(
            "order %s: %s failed (%d of %d before parking): %s", order_id, step, failures, limit, error
        )
    return AttentionResult(order_id, failures, parked)


def clear(session: Session, order_id: int) -> None:
    """Forget the order's failures (a step for it succeeded). One transaction, committed."""
    try:
        session.execute(delete(_TABLE).where(_TABLE.c.order_id == order_id))
        session.commit()
    except BaseException:
        session.rollback()
        raise


def list_parked(
    session: Session, principal: Principal, *, page: Page = Page()
) -> tuple[list[ParkedOrder], int]:
    """The parked orders, most recently parked first, one page of them, and how many there are.
    Admins only (PermissionDenied otherwise): parked orders of every organisation. Read-only."""
    require_role(principal, Role.ADMIN)
    total = session.exec(
        select(func.count()).select_from(OrderAttention).where(OrderAttention.parked_at.is_not(None))
    ).one()
    rows = session.exec(
        select(OrderAttention, SalesOrder.number, SalesOrder.status, Payment.status, Organisation.name)
        .join(SalesOrder, SalesOrder.id == OrderAttention.order_id)
        .join(Organisation, Organisation.id == SalesOrder.buyer_organisation_id)
        .outerjoin(Payment, Payment.order_id == SalesOrder.id)
        .where(OrderAttention.parked_at.is_not(None))
        .order_by(OrderAttention.parked_at.desc(), OrderAttention.order_id.desc())
        .offset(page.offset)
        .limit(page.size)
    ).all()
    session.commit()
    return [
        ParkedOrder(
            order_id=attention.order_id,
            number=number,
            status=status,
            payment_status=payment_status,
            buyer=buyer,
            failures=attention.failures,
            step=attention.step,
            last_error=attention.last_error,
            first_failed_at=attention.first_failed_at,
            last_failed_at=attention.last_failed_at,
            parked_at=attention.parked_at,
        )
        for attention, number, status, payment_status, buyer in rows
    ], total


def retry(session: Session, principal: Principal, order_id: int) -> None:
    """Unpark an order: its failures are forgotten and the next sweep takes it up again.

    Admins only (PermissionDenied). Raises NotFound "order.attention_not_found" (field order_id)
    when the order is not parked; nothing is written then. Audited. One transaction, committed.
    """
    require_role(principal, Role.ADMIN)
    try:
        attention = session.exec(
            select(OrderAttention)
            .where(OrderAttention.order_id == order_id, OrderAttention.parked_at.is_not(None))
            .with_for_update()
        ).first()
        if attention is None:
            raise NotFound("order.attention_not_found", field="order_id")
        before = {"step": attention.step, "failures": attention.failures, "error": attention.last_error}
        session.delete(attention)
        audit.record(
            session,
            action="order.unparked",
            entity="sales_order",
            entity_id=order_id,
            actor_user_id=principal.user_id,
            organisation_id=principal.organisation_id,
            before=before,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
