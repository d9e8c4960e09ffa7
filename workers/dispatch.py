"""Asking the workers for something now, from the web process (the API and the page states).

The outbox relay on beat (every `outbox_relay_seconds`) is what guarantees delivery; these calls
only make it faster, so they never fail the caller: a broker that cannot be reached is logged and
the beat relay does the work a moment later.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache

from celery import Celery

from models.settings import get_settings
from services.ordering import ORDER_PLACED
from workers.celery_app import make_celery
from workers.schedule import RELAY_OUTBOX

log = logging.getLogger(__name__)


def kick_relay(topics: Sequence[str] = (ORDER_PLACED,)) -> None:
    """After a successful `place_order`: have a worker relay "order.placed" messages now, so the
    order is processed without waiting for the next beat relay. Fire-and-forget, no result kept.

    Only `topics` are relayed (by default "order.placed"; after a payment notice, "order.changed");
    the stock-summary refresh stays on beat's rhythm (one per relay batch), however many orders
    are placed. Never raises.
    """
    try:
        _client(get_settings().broker_url).send_task(
            RELAY_OUTBOX, kwargs={"topics": list(topics)}, ignore_result=True, retry=False)
    except Exception:
        log.warning("could not reach the broker to relay %s now; beat will", list(topics), exc_info=True)


@lru_cache(maxsize=4)
def _client(broker_url: str) -> Celery:
    """One Celery client per broker for this process (it keeps a pool of broker connections)."""
    return make_celery(get_settings())
