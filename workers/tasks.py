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
from services import outbox, scorecards, summary
from workers.celery_app import app
from workers.schedule import RECOMPUTE_SCORECARDS, REFRESH_SUMMARY, RELAY_OUTBOX

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
    # `coalesce_by(payload)` names what a delivery refreshes: one delivery per name per relay
    # batch; the name None means "everything", after which the topic's later messages in the
    # batch are skipped too (the delivery made reads the database when it runs, after them).
    coalesce_by: Callable[[dict], object] | None = None


ROUTES: dict[str, Route] = {
    outbox.STOCK_CHANGED: Route(lambda payload: refresh_summary.delay(), coalesce=True),
    # One recompute per supplier per batch; a message without a supplier means all of them.
    scorecards.SCORECARD_STALE: Route(
        lambda payload: recompute_scorecards_task.delay(payload.get("supplier_id")),
        coalesce_by=lambda payload: payload.get("supplier_id")),
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
    delivered_keys: set[tuple[str, object]] = set()

    def send(message: OutboxMessage) -> None:
        route = ROUTES[message.topic]
        if route.coalesce and deliveries[message.topic]:
            return
        if route.coalesce_by is not None:
            key = (message.topic, route.coalesce_by(message.payload))
            if key in delivered_keys or (message.topic, None) in delivered_keys:
                return
            delivered_keys.add(key)
        route.deliver(message.payload)
        deliveries[message.topic] += 1

    with session_scope() as session:
        relayed = outbox.relay(session, send, topics=tuple(ROUTES))
    if relayed:
        log.info("relayed %d outbox messages: %s", relayed, dict(deliveries))
    return {"relayed": relayed, "deliveries": dict(deliveries)}


@app.task(name=RECOMPUTE_SCORECARDS)
def recompute_scorecards_task(supplier_id: int | None = None) -> dict:
    """Recompute the scorecards of the twelve months ending with the current one (monthly and
    rolling-12-month rows) for one supplier, or for every supplier when `supplier_id` is None:
    nightly from beat, and through the relay after a receipt, an incident or a settings change
    (SCORECARD_STALE).

    Idempotent: a rerun rewrites the same rows from the same data; only `computed_at` moves.
    Returns {"supplier_id", "rows", "period_from", "period_to", "computed_at" (ISO 8601), "seconds"}.
    """
    supplier_ids = None if supplier_id is None else [int(supplier_id)]
    with session_scope() as session:
        result = scorecards.recompute_scorecards(session, supplier_ids=supplier_ids)
    return {"supplier_id": supplier_id, "rows": result["rows"], "period_from": result["period_from"],
            "period_to": result["period_to"], "computed_at": result["computed_at"].isoformat(),
            "seconds": result["seconds"]}
