"""The portal's tasks: thin, idempotent wrappers of service functions.

Outbox messages reach their consumers through `ROUTES`, one entry per topic: a later feature adds
its topic there. The relay claims only the topics in `ROUTES`; a message of a topic this worker
does not know stays undispatched (nothing is lost) until a worker that knows it relays it, so a
rolling upgrade where the app is newer than the worker drops nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from models import OutboxMessage
from models.db import session_scope
from services import outbox, summary
from workers.celery_app import app
from workers.schedule import REFRESH_SUMMARY, RELAY_OUTBOX

log = logging.getLogger(__name__)


@app.task(name=REFRESH_SUMMARY)
def refresh_summary() -> dict:
    """Recompute the catalogue and stock summary into the cache.

    Idempotent: a second run computes the same figures from the same data.
    """
    with session_scope() as session:
        figures = summary.refresh_summary(session)
    return {"computed_at": figures["computed_at"], "parts": figures["catalogue"]["parts"]}


@dataclass(frozen=True)
class Route:
    """What an outbox message of one topic becomes.

    `deliver(payload)` hands the message on (usually `some_task.delay(...)`). `coalesce` says one
    delivery per relay batch serves every message of the topic in it, because the consumer reads
    the database afresh rather than the payload.
    """

    deliver: Callable[[dict], object]
    coalesce: bool = False


ROUTES: dict[str, Route] = {
    outbox.STOCK_CHANGED: Route(lambda payload: refresh_summary.delay(), coalesce=True),
}


@app.task(name=RELAY_OUTBOX)
def relay_outbox() -> dict:
    """Hand every undispatched outbox message of a known topic to its consumer, in id order.

    Returns `{"relayed": messages marked dispatched, "deliveries": {topic: deliveries made}}`.
    Idempotent: a message is marked dispatched in the transaction that claimed it, so a second
    run finds nothing to send; a crash between delivery and commit delivers again, and every
    consumer is idempotent.
    """
    deliveries: Counter[str] = Counter()

    def send(message: OutboxMessage) -> None:
        route = ROUTES[message.topic]
        if route.coalesce and deliveries[message.topic]:
            return
        route.deliver(message.payload)
        deliveries[message.topic] += 1

    with session_scope() as session:
        relayed = outbox.relay(session, send, topics=tuple(ROUTES))
    if relayed:
        log.info("relayed %d outbox messages: %s", relayed, dict(deliveries))
    return {"relayed": relayed, "deliveries": dict(deliveries)}
