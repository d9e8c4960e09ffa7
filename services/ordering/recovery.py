"""Finding orders whose processing was lost, so the worker can take them up again.

A placed order is processed by a task sent through the broker. If the worker running it dies
(`kill -9`, a machine lost), the broker may hold the message as "delivered" for a long time (Redis:
its visibility timeout, an hour by default) or never give it back (the SQLite transport). The
database knows better: an order still `pending_payment` whose payment is still `pending` (the bank
was never asked, or its answer was never recorded) long after placement has stalled. Processing
it again is safe: the bank is asked with the order's fixed key, so a capture that happened before
the crash is answered again, never taken twice.

An order whose processing keeps failing (each failure is counted by services/ordering/payments.py) is parked
after `settings.order_sweep_max_failures` attempts and no longer retried here, until an admin
retries it (services/ordering/attention.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from models import OrderStatus, Payment, PaymentStatus, SalesOrder
from models.settings import get_settings
from models.types import utcnow
from services.ordering.attention import not_parked

__all__ = ["stalled_order_ids"]


def stalled_order_ids(
    session: Session,
    *,
    older_than_seconds: float | None = None,
    now: datetime | None = None,
    batch: int = 100,
) -> list[int]:
    """Ids of orders placed at least `older_than_seconds` ago (default
    `settings.order_stalled_seconds`) that still wait for their first payment answer and whose
    hold has not run out (those are the expiry sweep's) and that are not parked, oldest first, at
    most `batch`. Read-only; ends its transaction.
    """
    settings = get_settings()
    now = now or utcnow()
    older_than = timedelta(
        seconds=settings.order_stalled_seconds if older_than_seconds is None else older_than_seconds
    )
    # hold_expires_at = placed_at + hold, so "placed before now - older_than" is a range on the
    # (status, hold_expires_at) index.
    placed_before_hold_end = now - older_than + timedelta(minutes=settings.order_hold_minutes)
    ids = session.exec(
        select(SalesOrder.id)
        .join(Payment, Payment.order_id == SalesOrder.id)
        .where(
            SalesOrder.status == OrderStatus.PENDING_PAYMENT,
            SalesOrder.hold_expires_at > now,
            SalesOrder.hold_expires_at <= placed_before_hold_end,
            Payment.status == PaymentStatus.PENDING,
            not_parked(SalesOrder.id),
        )
        .order_by(SalesOrder.hold_expires_at, SalesOrder.id)
        .limit(batch)
    ).all()
    session.commit()
    return list(ids)
