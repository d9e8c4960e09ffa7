"""The transactional outbox: effects for other processes, written with the change that causes them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, update
from sqlmodel import Session, select

from models import OutboxMessage
from models.types import utcnow

STOCK_CHANGED = "stock.changed"


def enqueue(session: Session, topic: str, payload: dict | None = None) -> OutboxMessage:
    """Add a message to `session`; it exists exactly when the caller's transaction commits."""
    message = OutboxMessage(topic=topic, payload=payload or {})
    session.add(message)
    return message


@dataclass(frozen=True)
class Claimed:
    """An outbox message as the relay hands it to `send`."""

    id: int
    topic: str
    payload: dict


def mark_sent(session: Session, message_id: int) -> None:
    """Mark one message dispatched (its consumer got it another way), in the caller's transaction."""
    session.connection().execute(_MARK_SENT, {"message_id": message_id, "now": utcnow()})


_MARK_SENT = (
    update(OutboxMessage.__table__)
    .where(
        OutboxMessage.__table__.c.id == bindparam("message_id"),
        OutboxMessage.__table__.c.dispatched_at.is_(None),
    )
    .values(dispatched_at=bindparam("now"))
)


PRUNE_BATCH = 10_000


def prune(
    session: Session, *, older_than: timedelta, now: datetime | None = None, batch: int = PRUNE_BATCH
) -> int:
    """Delete up to `batch` messages sent more than `older_than` ago, oldest first; commits.
    Unsent messages are never deleted. Returns how many were deleted (call again while it is
    `batch`)."""
    table = OutboxMessage.__table__
    cutoff = (now or utcnow()) - older_than
    oldest = (
        select(table.c.id)
        .where(table.c.dispatched_at.is_not(None), table.c.dispatched_at < cutoff)
        .order_by(table.c.id)
        .limit(batch)
    )
    deleted = session.execute(delete(table).where(table.c.id.in_(oldest.scalar_subquery()))).rowcount
    session.commit()
    return deleted


def row(topic: str, payload: dict, now: datetime) -> dict:
    """A message as a plain row, for a caller writing with Core (services/platform/row_writes.py) in its own
    transaction (the same guarantee as `enqueue`)."""
    return {"topic": topic, "payload": payload, "created_at": now, "dispatched_at": None}


def relay(
    session: Session,
    send: Callable[[Claimed], None],
    batch: int = 100,
    topics: Collection[str] | None = None,
    hold_back: Mapping[str, float] | None = None,
) -> int:
    """Send undispatched messages in id order and mark each sent; returns how many were sent.

    One statement claims the batch: it marks up to `batch` of the oldest undispatched rows
    dispatched and returns them, taking their row locks (`FOR UPDATE SKIP LOCKED` where the
    database has it, so two relays never claim the same row; SQLite serialises writers). The
    marks become visible only at the commit after the sends, so a crash after `send` and before
    the commit sends a row again: consumers are idempotent. When `send` raises, the messages
    sent before it are committed as dispatched, the failing one and those after it are put back
    (order is kept) for the next relay, and the error propagates. With `topics`, only messages of
    those topics are claimed; others wait for a relay that knows them. `hold_back` maps a topic
    to seconds: its messages younger than that are left for their fast path (see
    workers/dispatch.py `start_processing`).
    """
    table = OutboxMessage.__table__
    oldest = select(table.c.id).where(table.c.dispatched_at.is_(None))
    if topics is not None:
        oldest = oldest.where(table.c.topic.in_(list(topics)))
    for topic, seconds in (hold_back or {}).items():
        oldest = oldest.where(
            or_(table.c.topic != topic, table.c.created_at <= utcnow() - timedelta(seconds=seconds))
        )
    oldest = oldest.order_by(table.c.id).limit(batch).with_for_update(skip_locked=True)
    claimed = sorted(
        session.execute(
            update(table)
            .where(table.c.id.in_(oldest.scalar_subquery()))
            .values(dispatched_at=utcnow())
            .returning(table.c.id, table.c.topic, table.c.payload)
        ).all()
    )
    sent = 0
    try:
        for row in claimed:
            send(Claimed(*row))
            sent += 1
    finally:
        if sent < len(claimed):
            session.execute(
                update(table)
                .where(table.c.id.in_([row[0] for row in claimed[sent:]]))
                .values(dispatched_at=None)
            )
        session.commit()
    return sent
