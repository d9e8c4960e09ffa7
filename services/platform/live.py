"""Live notices for the web backend: how a worker's commit reaches the open pages.

A change worth showing live writes an outbox row in the same transaction as the change; its
payload names what changed (an order: services/ordering/placement.py `order_changed_payload`,
{"order_id", "number", "status", ...}; a scorecard recompute, a shipment's new event, ...). From there:

- services mode (`settings.uses_redis`): the outbox relay's route for the topic (workers/tasks ROUTES)
  calls `publish(payload, topic)`, which PUBLISHes the JSON, with "topic" in it, on the Redis
  channel "<KEY_PREFIX>:live"; `listen()` subscribes to it.
- embedded mode: the committed outbox row IS the notice (`publish` does nothing); `listen()` reads
  every new outbox row from the table (its topic put in the payload as "topic"), one light query
  per `poll_interval`. It follows the highest id seen, which is exact on SQLite (writers are
  serialised, so rows become visible in id order); PostgreSQL without Redis is not a supported
  mode, and there a row whose transaction commits after a later one's could be missed.

Which topics a page reacts to is the web side's business (portal/live_updates.py `PUSHES`, one
entry per topic); a notice without a "topic" is an order change (the oldest notice, published
before topics were carried). This module knows no domain.

`listen()` is meant to run ONCE per web process (a lifespan task of the app) and fan the events
out to the connected clients that show the order; never one loop per client. An event may arrive
more than once (a relay that crashed after publishing publishes again; the worker's fast path and
the beat relay may both publish): consumers just reload the order, so duplicates are harmless.
Events published while a services-mode listener is reconnecting are not replayed; a page that
reconnects loads the order afresh anyway.

Framework-free: no reflex, no celery import.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator
from functools import lru_cache
from typing import Any

from sqlalchemy import create_engine, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import OutboxMessage
from models.db import get_engine, guard_engine
from models.settings import get_settings
from services.platform.redis_clients import redis_client

__all__ = ["ORDER_CHANGED", "channel", "listen", "publish", "topic_of"]

log = logging.getLogger(__name__)

POLL_BATCH = 500
# The topic of a notice that carries none (services/ordering/placement.py ORDER_CHANGED).
ORDER_CHANGED = "order.changed"


def topic_of(event: dict) -> str:
    """What a notice is about: its "topic", or an order change for the notices that carry none."""
    topic = event.get("topic")
    return topic if isinstance(topic, str) and topic else ORDER_CHANGED


def channel(key_prefix: str) -> str:
    """The Redis pub/sub channel of the deployment whose Settings.key_prefix is `key_prefix`."""
    return f"{key_prefix}:live"


BACKOFF_START_SECONDS = 0.2
BACKOFF_MAX_SECONDS = 5.0


# --------------------------------------------------------------------------------------------
# Publishing (worker side)


def publish(event: dict, topic: str | None = None) -> None:
    """Tell every listening web process that something changed (`topic`, put in the notice as
    "topic"; without one the event is an order change or carries its own "topic").

    Services mode: PUBLISH `event` as JSON on the Redis channel "<KEY_PREFIX>:live" (raises on a Redis
    error, so the outbox relay keeps the message and tries again). Embedded mode: nothing to do,
    the committed outbox row is the notice.
    """
    settings = get_settings()
    if not settings.uses_redis:
        return
    if topic is not None:
        event = {**event, "topic": topic}
    redis_client(settings.redis_url).publish(channel(settings.key_prefix), json.dumps(event, default=str))


# --------------------------------------------------------------------------------------------
# Listening (web backend side)


async def listen(poll_interval: float = 0.2) -> AsyncIterator[dict]:
    """Yield live notices (the payload dicts above; `topic_of` says what each is about) as they
    happen, forever.

    Only changes made after the listener started are yielded. Services mode: a Redis pub/sub
    subscription, reconnected with backoff (0.2 s doubling to 5 s) after an error. Embedded mode:
    every `poll_interval` seconds one query (in a thread, in a new short session that leaves no
    transaction open) for outbox rows newer than the last one seen (each payload with its row's
    "topic"); a failing
    query is logged and retried with the same backoff. Cancel the consuming task to stop it.
    """
    settings = get_settings()
    if settings.uses_redis:
        async for event in _listen_redis(settings.redis_url, channel(settings.key_prefix)):
            yield event
    else:
        async for event in _listen_outbox(settings.database_url, poll_interval):
            yield event


async def _listen_redis(url: str, live_channel: str) -> AsyncIterator[dict]:
    import redis.asyncio as aioredis

    backoff = BACKOFF_START_SECONDS
    while True:
        client = aioredis.Redis.from_url(url, socket_connect_timeout=2)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(live_channel)
            backoff = BACKOFF_START_SECONDS
            while True:
                message = await pubsub.get_message(timeout=1.0)
                if message is None:
                    continue
                event = _decode(message.get("data"))
                if event is not None:
                    yield event
        except asyncio.CancelledError:
            raise
        except Exception as error:  # any Redis or network failure: reconnect
            log.warning("live: Redis subscription failed (%s); reconnecting in %.1fs", error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)
        finally:
            await _close(pubsub, client)


async def _close(pubsub: Any, client: Any) -> None:
    for closing in (pubsub.aclose, client.aclose):
        with contextlib.suppress(Exception):  # closing a broken connection may fail too
            await closing()


def _decode(data: Any) -> dict | None:
    try:
        event = json.loads(data)
    except (TypeError, ValueError):
        log.warning("live: ignoring a malformed notice %r", data)
        return None
    return event if isinstance(event, dict) else None


async def _listen_outbox(database_url: str, poll_interval: float) -> AsyncIterator[dict]:
    engine = _read_engine(database_url)
    backoff = BACKOFF_START_SECONDS
    last_id: int | None = None
    while True:
        try:
            if last_id is None:
                last_id = await asyncio.to_thread(_highest_id, engine)
            rows = await asyncio.to_thread(_rows_after, engine, last_id)
            backoff = BACKOFF_START_SECONDS
        except Exception as error:  # a locked or unreachable database: try again
            log.warning("live: reading the outbox failed (%s); retrying in %.1fs", error, backoff)
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, BACKOFF_MAX_SECONDS)
            continue
        for row_id, topic, payload in rows:
            last_id = row_id
            if isinstance(payload, dict):
                yield {**payload, "topic": topic}
        if len(rows) < POLL_BATCH:
            await asyncio.sleep(poll_interval)


def _read_engine(database_url: str) -> Engine:
    """The engine the poll reads through.

    On SQLite the portal's engine opens every transaction with BEGIN IMMEDIATE (it takes the write
    lock: see models/db.py); a poll several times a second must not, so it reads through a plain
    engine of its own, whose SELECTs run outside any transaction and lock nothing.
    """
    if database_url.startswith("sqlite"):
        return _plain_sqlite_engine(database_url)
    return get_engine()


@lru_cache(maxsize=4)
def _plain_sqlite_engine(database_url: str) -> Engine:
    return guard_engine(create_engine(database_url, connect_args={"check_same_thread": False, "timeout": 30}))


def _highest_id(engine: Engine) -> int:
    with Session(engine) as session:
        highest = session.exec(select(func.max(OutboxMessage.id))).one()
        session.rollback()
    return highest or 0


def _rows_after(engine: Engine, last_id: int) -> list[tuple[int, str, Any]]:
    with Session(engine) as session:
        rows = session.exec(
            select(OutboxMessage.id, OutboxMessage.topic, OutboxMessage.payload)
            .where(OutboxMessage.id > last_id)
            .order_by(OutboxMessage.id)
            .limit(POLL_BATCH)
        ).all()
        session.rollback()
    return [(row_id, topic, payload) for row_id, topic, payload in rows]
