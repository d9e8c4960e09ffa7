"""Asking for work now, from the web process (the API and the page states).

The outbox relay on beat (every `outbox_relay_seconds`) is what guarantees delivery; `kick_relay`
only makes it faster, so it never fails its caller: a database or broker that cannot be reached is
logged, the messages stay in the outbox, and the beat relay sends them a moment later.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from functools import lru_cache

from celery import Celery

from models.db import session_scope
from models.settings import get_settings
from services.ordering.placement import ORDER_CHANGED, ORDER_PLACED, PlacedOrder
from services.platform import live, outbox
from workers.celery_app import make_celery
from workers.schedule import PROCESS_ORDER

log = logging.getLogger(__name__)


def start_processing(placed: PlacedOrder) -> None:
    """Hand a newly placed order to the worker now; never raises (call it after `place_order`).

    On PostgreSQL there is nothing to do: the placement's commit is announced to the worker, which
    sends the task itself (workers/outbox_listener.py); the web process never talks to the broker
    on this path.
    In embedded mode (SQLite) this sends the `process_order` task straight to the broker with the
    order's "order.placed" outbox message id; the worker marks that message sent when it starts.
    Should this send fail (the broker is down, the process dies first), the message stays unsent
    and the beat relay sends it once it is `settings.order_relay_grace_seconds` old. A worker that
    dies while processing is covered by the stalled-order sweep. A replayed placement sends nothing.
    """
    if placed.replayed or placed.message_id is None:
        return
    if not get_settings().uses_sqlite:
        return  # PostgreSQL: the commit's NOTIFY reaches the worker (workers/outbox_listener.py)
    try:
        _client(get_settings().broker_url).send_task(
            PROCESS_ORDER,
            args=[placed.order.id],
            kwargs={"message_id": placed.message_id},
            retry=False,
            ignore_result=True,
        )
    except Exception:
        log.warning(
            "could not hand order %s to the worker now; the beat relay will", placed.order.id, exc_info=True
        )


def kick_relay(topics: Sequence[str] = (ORDER_PLACED,)) -> None:
    """Relay the outbox messages of `topics` now, in this process; never raises.

    Call it after a payment notice changed an order ("order.changed", for the live pages); new
    orders normally reach the worker through `start_processing` instead (the default topic,
    "order.placed", is for catching up). It claims the undispatched messages of those topics
    (`outbox.relay`: row locks, skip-locked, marked dispatched in the same transaction) and hands
    each to its consumer exactly as the worker's relay would (`workers.tasks.ROUTES`):
    "order.placed" -> the `process_order` task, "order.changed" -> `services.platform.live.publish`.
    Other topics (the stock summary) stay on beat's rhythm, however many orders are placed.
    Doing it here rather than in a relay task saves a trip through the broker per order.

    One relay at a time per process: a kick that arrives while one runs is left to it (it looks
    again before it stops), so under load one relay carries many orders' messages at once.
    """
    with _wanted_lock:
        _wanted.update(topic for topic in topics if topic in _DELIVER)
    while _relaying.acquire(blocking=False):
        try:
            while True:
                with _wanted_lock:
                    batch = sorted(_wanted)
                    _wanted.clear()
                if not batch:
                    break
                _relay_now(batch)
        finally:
            _relaying.release()
        with _wanted_lock:
            if not _wanted:  # else a kick came between the last look and the release: go again
                return


_relaying = threading.Lock()
_wanted_lock = threading.Lock()
_wanted: set[str] = set()


def _relay_now(topics: list[str]) -> None:
    try:
        with session_scope() as session:
            outbox.relay(session, _deliver, topics=topics)
    except Exception:
        log.warning("could not relay %s now; the beat relay will", topics, exc_info=True)


def _process_order(payload: dict) -> None:
    _client(get_settings().broker_url).send_task(
        PROCESS_ORDER, args=[payload["order_id"]], retry=False, ignore_result=True
    )


_DELIVER = {ORDER_PLACED: _process_order, ORDER_CHANGED: live.publish}


def _deliver(message: outbox.Claimed) -> None:
    _DELIVER[message.topic](message.payload)


@lru_cache(maxsize=4)
def _client(broker_url: str) -> Celery:
    """One Celery client per broker for this process (it keeps a pool of broker connections)."""
    return make_celery(get_settings())
