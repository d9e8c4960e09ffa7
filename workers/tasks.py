"""The portal's tasks: thin, idempotent wrappers of service functions.

Outbox messages reach their consumers through `ROUTES`, one entry per topic: a later feature adds
its topic there. The relay claims only the topics in `ROUTES`; a message of a topic this worker
does not know stays undispatched (nothing is lost) until a worker that knows it relays it, so a
rolling upgrade where the app is newer than the worker drops nothing.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import asdict, dataclass
from datetime import timedelta

from celery.signals import worker_ready
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from models import SalesOrder
from models.db import session_scope
from models.settings import get_settings
from services import live, order_recovery, outbox, payments, scorecards, summary
from services.ordering import ORDER_CHANGED, ORDER_PLACED, order_changed_payload
from workers import outbox_listener
from workers.celery_app import app
from workers.schedule import (
    EXPIRE_HOLDS,
    PROCESS_ORDER,
    PRUNE_OUTBOX,
    RECOMPUTE_SCORECARDS,
    REFRESH_SUMMARY,
    RELAY_OUTBOX,
    RETRY_STALLED_ORDERS,
)

log = logging.getLogger(__name__)


@app.task(name=REFRESH_SUMMARY)
def refresh_summary() -> dict:
    """Recompute the catalogue and stock summary into the cache.

    Idempotent: a second run computes the same figures from the same data.
    """
    with session_scope() as session:
        figures = summary.refresh_summary(session)
    return {"computed_at": figures["computed_at"], "parts": figures["catalogue"]["parts"]}


# A database that is briefly unreachable or locked: try the order again shortly (it stays pending).
PROCESS_RETRY = {"autoretry_for": (OperationalError,), "retry_backoff": 1, "retry_backoff_max": 30,
                 "max_retries": 8}


# Nobody waits on its result (the order row is the result): none is stored.
@app.task(name=PROCESS_ORDER, ignore_result=True, **PROCESS_RETRY)
def process_order(order_id: int, message_id: int | None = None) -> dict:
    """Take the payment for a placed order and act on the bank's answer (services.payments).

    Idempotent, so late acks are safe: a redelivered or repeated task (the relay, the stalled-order
    sweep) re-asks the bank under the order's fixed key and changes nothing twice. When it changed
    the order, the change is announced at once (`announce_changes`) so the order page hears within
    a second. Returns the outcome (order_id, action, order_status, payment_status, reason).
    """
    with session_scope() as session:
        outcome = payments.process_order(session, order_id, message_id=message_id)
    if outcome.notice is not None:
        announce_notice(outcome.notice)
    elif outcome.changed:
        announce_changes([order_id])
    return asdict(outcome)


@app.task(name=EXPIRE_HOLDS)
def expire_holds() -> dict:
    """Beat: settle orders whose hold ran out (the bank's final status decides; else release the
    stock and cancel), and refund late captures on cancelled orders. Idempotent. An order that
    fails is rolled back and counted (parked after `settings.order_sweep_max_failures`) without
    stopping the others.

    Returns {"settled": n, "actions": {action: count}} (including "failed" and "parked").
    """
    with session_scope() as session:
        outcomes = payments.expire_holds(session)
    announce_changes([o.order_id for o in outcomes if o.changed])
    return {"settled": len(outcomes), "actions": dict(Counter(o.action for o in outcomes))}


@app.task(name=RETRY_STALLED_ORDERS)
def retry_stalled_orders() -> dict:
    """Beat: process again the orders whose processing was lost with a dead worker (see
    services/order_recovery.py). Returns {"retried": [order ids]}."""
    with session_scope() as session:
        order_ids = order_recovery.stalled_order_ids(session)
    for order_id in order_ids:
        process_order.delay(order_id)
    if order_ids:
        log.warning("re-queued %d stalled orders: %s", len(order_ids), order_ids)
    return {"retried": order_ids}


@app.task(name=PRUNE_OUTBOX)
def prune_outbox() -> dict:
    """Beat, hourly: delete outbox messages sent more than `settings.outbox_retention_days` ago
    (in batches, until none is left). Unsent ones stay. Returns {"deleted": n}."""
    older_than = timedelta(days=get_settings().outbox_retention_days)
    deleted = 0
    while True:
        with session_scope() as session:
            count = outbox.prune(session, older_than=older_than)
        deleted += count
        if count < outbox.PRUNE_BATCH:
            return {"deleted": deleted}


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
    # One task per order, never coalesced; a second delivery finds the order settled and does nothing.
    # (workers/dispatch.py delivers these two topics the same way from the web process.)
    ORDER_PLACED: Route(lambda payload: process_order.delay(payload["order_id"])),
    # The live order pages (services/live.py): Redis pub/sub, or nothing when the row is the notice.
    ORDER_CHANGED: Route(live.publish),
}


@app.task(name=RELAY_OUTBOX)
def relay_outbox(topics: list[str] | None = None) -> dict:
    """Hand every undispatched outbox message of a known topic to its consumer, in id order.

    `topics` restricts the run to those topics; unknown topics are ignored. (The placement fast
    path relays "order.placed" in the web process itself: workers/dispatch.py.)
    Returns `{"relayed": messages marked dispatched, "deliveries": {topic: deliveries made}}`.
    Idempotent: a message is marked dispatched in the transaction that claimed it, so a second
    run finds nothing to send; a crash between delivery and commit delivers again, and every
    consumer is idempotent.
    """
    known = tuple(ROUTES) if topics is None else tuple(topic for topic in topics if topic in ROUTES)
    if not known:
        return {"relayed": 0, "deliveries": {}}
    return _relay(known)


def _hold_back() -> dict[str, float]:
    """New orders are handed to the worker at once (PostgreSQL: by the worker's own listener,
    workers/outbox_listener.py; SQLite: by the placing process, workers/dispatch.py
    `start_processing`); their messages wait this long for that before the relay sends them."""
    return {ORDER_PLACED: get_settings().order_relay_grace_seconds}


def relay_now(topics: Collection[str]) -> dict:
    """Relay the undispatched messages of `topics` in this process, now; never raises (the beat
    relay is the guarantee). For the outbox listener's wake-ups."""
    try:
        return _relay(tuple(topic for topic in topics if topic in ROUTES))
    except Exception:
        log.warning("relaying %s failed; the beat relay will", list(topics), exc_info=True)
        return {}


@worker_ready.connect
def _listen_for_new_orders(**_kwargs) -> None:
    """The worker's main process hears each committed placement (PostgreSQL) and sends its task."""
    outbox_listener.start()


def announce_changes(order_ids: list[int]) -> None:
    """The fast path to the live order pages, right after a task committed changes to orders.

    Services mode: publish each order's current "order.changed" notice on Redis now (one read).
    Embedded mode: nothing, the committed outbox row is the notice. Either way the outbox rows the
    change wrote are relayed by beat as usual, which is the guarantee; a page may hear the same
    change twice, and reloads the order twice. A failure is only logged.
    """
    if not order_ids or not get_settings().uses_redis:
        return
    try:
        with session_scope() as session:
            for order in session.exec(select(SalesOrder).where(SalesOrder.id.in_(order_ids))):
                live.publish(order_changed_payload(order))
    except Exception:
        log.warning("announcing order changes failed; the beat relay will", exc_info=True)


def announce_notice(notice: dict) -> None:
    """`announce_changes` for a change whose notice the task already holds (no read)."""
    if not get_settings().uses_redis:
        return
    try:
        live.publish(notice)
    except Exception:
        log.warning("announcing an order change failed; the beat relay will", exc_info=True)


def _relay(topics: Collection[str]) -> dict:
    deliveries: Counter[str] = Counter()
    delivered_keys: set[tuple[str, object]] = set()

    def send(message: outbox.Claimed) -> None:
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
        relayed = outbox.relay(session, send, topics=tuple(topics), hold_back=_hold_back())
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
