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

Live-page notices (shipment and ETA changes, test-drive changes, recomputed scorecards) are announced
the same way (migration 0016, channel `portal_outbox_live`, the topic as payload): the listener
hands each topic to a relay thread, which relays every waiting message of the topics it was told
about in one go (announcements that come while it relays are served by its next round), so an
open page hears of a change within a few milliseconds of its commit, not on beat's next relay.

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
LIVE_CHANNEL = "portal_outbox_live"
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
        connection.execute(f"LISTEN {LIVE_CHANNEL}")
        relay_now((ORDER_PLACED,))  # what was committed before we listened
        while True:
            for notice in connection.notifies(timeout=60.0):
                if notice.channel == LIVE_CHANNEL:
                    _live_relay.want(notice.payload)
                    continue
                try:
                    message_id, order_id = (int(part) for part in notice.payload.split())
                except ValueError:
                    log.warning("ignoring a malformed outbox notice %r", notice.payload)
                    continue
                process_order.apply_async(args=[order_id], kwargs={"message_id": message_id})


class _LiveRelay:
    """One thread that relays the live topics it is told about; a burst of announcements while it
    relays becomes one more round, not one relay each."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wanted: set[str] = set()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def want(self, topic: str) -> None:
        with self._lock:
            self._wanted.add(topic)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="outbox-live-relay", daemon=True)
                self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        from workers.tasks import relay_now

        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                topics, self._wanted = sorted(self._wanted), set()
            if topics:
                relay_now(topics)  # never raises; the beat relay covers a failure


_live_relay = _LiveRelay()
