"""The transactional outbox: effects for other processes, written with the change that causes them."""

from __future__ import annotations

from collections.abc import Callable, Collection

from sqlmodel import Session, select

from models import OutboxMessage
from models.types import utcnow

STOCK_CHANGED = "stock.changed"


def enqueue(session: Session, topic: str, payload: dict | None = None) -> OutboxMessage:
    """Add a message to `session`; it exists exactly when the caller's transaction commits."""
    message = OutboxMessage(topic=topic, payload=payload or {})
    session.add(message)
    return message


def message(topic: str, payload: dict | None = None) -> OutboxMessage:
    """A message not yet added to any session: for a caller that writes its rows with Core
    INSERTs in its own transaction (the same guarantee as `enqueue`)."""
    return OutboxMessage(topic=topic, payload=payload or {})


def relay(
    session: Session,
    send: Callable[[OutboxMessage], None],
    batch: int = 100,
    topics: Collection[str] | None = None,
) -> int:
    """Send undispatched messages in id order and mark each sent; returns how many were sent.

    Rows are locked (`FOR UPDATE SKIP LOCKED` where the database has it) so two relays never
    send the same row at once. A crash after `send` and before the commit sends it again:
    consumers are idempotent. When `send` raises, the messages sent before it are committed as
    dispatched, the failing one and those after it stay undispatched for the next relay (order
    is kept), and the error propagates. With `topics`, only messages of those topics are
    claimed; others wait for a relay that knows them.
    """
    statement = select(OutboxMessage).where(OutboxMessage.dispatched_at.is_(None))
    if topics is not None:
        statement = statement.where(OutboxMessage.topic.in_(list(topics)))
    statement = statement.order_by(OutboxMessage.id).limit(batch).with_for_update(skip_locked=True)
    messages = session.exec(statement).all()
    sent = 0
    try:
        for message in messages:
            send(message)
            message.dispatched_at = utcnow()
            session.add(message)
            sent += 1
    finally:
        session.commit()
    return sent
