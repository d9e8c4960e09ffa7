"""On PostgreSQL: new orders reach the worker the moment their placement commits.

A row trigger on `outbox_message` (migration 0005) announces every "order.placed" message with
`NOTIFY portal_outbox, '<message id> <order id>'`, delivered at commit (never for a rolled-back
placement). The worker's main process keeps one connection that LISTENs and sends a
`process_order(order id, message_id=...)` task per announcement; the task marks the message sent.
So the web process never talks to the broker when it places an order. Should this connection be
lost, it is opened again and catches up with a relay of what waits; the beat relay sends any
message still unsent after `order_relay_grace_seconds`.

The LISTEN connection is the main process's alone: pool children forked later inherit its socket
but not the thread that uses it, and psycopg never ends a connection from a process other than
the one that opened it (its PGconn checks the pid), so a child neither uses nor closes it. The
relays here go through the guarded engine of models/db.py.

In embedded mode (SQLite) there is no NOTIFY: the placing process sends the task itself
(workers/dispatch.py `start_processing`).
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg

from models.db import libpq_dsn
from models.settings import get_settings

log = logging.getLogger(__name__)

CHANNEL = "portal_outbox"
RECONNECT_SECONDS = 2.0


def start() -> threading.Thread | None:
    """Start the listening thread in this process (the worker's main process); None on SQLite."""
    settings = get_settings()
    if settings.uses_sqlite:
        return None
    # Its own session on PostgreSQL itself: LISTEN through PgBouncer's transaction pooling would
    # subscribe a server connection that is handed to someone else after the statement.
    dsn = libpq_dsn(settings.listen_database_url)
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
    from services.ordering.placement import ORDER_PLACED
    from workers.tasks import process_order, relay_now

    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"LISTEN {CHANNEL}")
        relay_now((ORDER_PLACED,))  # what was committed before we listened
        while True:
            for notice in connection.notifies(timeout=60.0):
                try:
                    message_id, order_id = (int(part) for part in notice.payload.split())
                except ValueError:
                    log.warning("ignoring a malformed outbox notice %r", notice.payload)
                    continue
                process_order.apply_async(args=[order_id], kwargs={"message_id": message_id})
