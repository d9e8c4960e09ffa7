"""On PostgreSQL: the relay of new orders wakes when their outbox messages are committed.

A statement trigger on `outbox_message` (migration 0005) sends `NOTIFY portal_outbox` with every
insert, delivered at commit. The worker's main process keeps one connection that LISTENs, and on
each wake-up relays the "order.placed" messages waiting (`workers.tasks.relay_outbox` for that
topic: claimed, handed to `process_order`, marked sent, in one transaction). Several placements
committed close together are relayed in one round. So the web process never talks to the broker
when it places an order. Should this connection be lost, it is opened again; meanwhile the beat
relay (every `outbox_relay_seconds`) still sends everything.

In embedded mode (SQLite) there is no NOTIFY: the placing process sends the task itself
(workers/dispatch.py `start_processing`).
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
from sqlalchemy.engine import make_url

from models.settings import get_settings

log = logging.getLogger(__name__)

CHANNEL = "portal_outbox"
RECONNECT_SECONDS = 2.0


def start() -> threading.Thread | None:
    """Start the listening thread in this process (the worker's main process); None on SQLite."""
    settings = get_settings()
    if settings.uses_sqlite:
        return None
    dsn = make_url(settings.database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    thread = threading.Thread(target=_listen_forever, args=(dsn,), name="outbox-listener", daemon=True)
    thread.start()
    return thread


def _listen_forever(dsn: str) -> None:
    while True:
        try:
            _listen(dsn)
        except Exception:
            log.warning("outbox listener lost its connection; opening it again", exc_info=True)
        time.sleep(RECONNECT_SECONDS)


def _listen(dsn: str) -> None:
    from services.ordering import ORDER_PLACED
    from workers.tasks import relay_now

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        relay_now((ORDER_PLACED,))  # what was committed before we listened
        while True:
            for _ in connection.notifies(timeout=60.0, stop_after=1):
                break
            else:
                continue  # a quiet minute: listen on
            # Take every wake-up already queued, then relay once for all of them.
            for _ in connection.notifies(timeout=0.0):
                pass
            relay_now((ORDER_PLACED,))
