"""The transactional outbox: effects for other processes, written with the change that causes them."""

from __future__ import annotations

from collections.abc import Callable

from sqlmodel import Session, select

from models import OutboxMessage
from models.types import utcnow

STOCK_CHANGED = "stock.changed"


def enqueue(session: Session, topic: str, payload: dict | None = None) -> OutboxMessage:
    """Add a message to `session`; it exists exactly when the caller's transaction commits."""
    message = OutboxMessage(topic=topic, payload=payload or {})
    session.add(message)
    return message


def relay(session: Session, send: Callable[[OutboxMessage], None], batch: int = 100) -> int:
    """Send undispatched messages in id order and mark each sent; returns how many were sent.

    Rows are locked (`FOR UPDATE SKIP LOCKED` where the database has it) so two relays never
    send the same row at once. A crash after `send` and before the commit sends it again:
    consumers are idempotent.
    """
    statement = (
        select(OutboxMessage)
        .where(OutboxMessage.dispatched_at.is_(None))
        .order_by(OutboxMessage.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    messages = session.exec(statement).all()
    for message in messages:
        send(message)
        message.dispatched_at = utcnow()
        session.add(message)
    session.commit()
    return len(messages)
