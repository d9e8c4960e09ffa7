"""The ordering tasks: taking the payment for placed orders, settling orders whose hold ran out, re-queuing
stalled orders, and announcing order changes to the live order pages. Thin, idempotent wrappers of
`services.ordering`; their names (workers/schedule.py) stay what queued messages and the beat schedule
send."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import asdict

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from models import SalesOrder
from models.db import session_scope
from models.settings import get_settings
from services.ordering import payments
from services.ordering import recovery as order_recovery
from services.ordering.placement import order_changed_payload
from services.platform import live
from workers.celery_app import app
from workers.schedule import EXPIRE_HOLDS, PROCESS_ORDER, RETRY_STALLED_ORDERS

log = logging.getLogger(__name__)


# A database that is briefly unreachable or locked: try the order again shortly (it stays pending).
PROCESS_RETRY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 1,
    "retry_backoff_max": 30,
    "max_retries": 8,
}


# Nobody waits on its result (the order row is the result): none is stored.
@app.task(name=PROCESS_ORDER, ignore_result=True, **PROCESS_RETRY)
def process_order(order_id: int, message_id: int | None = None) -> dict:
    """Take the payment for a placed order and act on the bank's answer (services.ordering.payments).

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
    services/ordering/recovery.py). Returns {"retried": [order ids]}."""
    with session_scope() as session:
        order_ids = order_recovery.stalled_order_ids(session)
    for order_id in order_ids:
        process_order.delay(order_id)
    if order_ids:
        log.warning("re-queued %d stalled orders: %s", len(order_ids), order_ids)
    return {"retried": order_ids}


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
