"""A small JSON cache shared by every process: Redis in services mode, a table in embedded mode."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session

from models import CacheEntry
from models.db import get_engine
from models.settings import get_settings
from models.types import utcnow
from services.platform.redis_clients import redis_client


def _key(settings, key: str) -> str:
    return f"{settings.key_prefix}:cache:{key}"


def get(key: str, session: Session | None = None) -> dict | None:
    """The cached value of `key`, or None when missing or expired.

    In embedded mode a caller that holds a `session` passes it: on SQLite every transaction takes
    the write lock (see models.db), so a second session opened here would wait on the caller's.
    """
    settings = get_settings()
    if settings.uses_redis:
        raw = redis_client(settings.redis_url).get(_key(settings, key))
        return json.loads(raw) if raw else None
    if session is not None:
        return _live_value(session.get(CacheEntry, key))
    with Session(get_engine()) as own_session:
        return _live_value(own_session.get(CacheEntry, key))


def _live_value(entry: CacheEntry | None) -> dict | None:
    if entry is None or entry.expires_at <= utcnow():
        return None
    return entry.value


def put(key: str, value: dict, ttl_seconds: int | None = None, session: Session | None = None) -> None:
    """Store `value` (JSON-serialisable) under `key` for `ttl_seconds` (default: the setting).

    With Redis the value is stored at once. In embedded mode, given a `session`, the entry is
    written in that session's transaction (it is kept when the caller commits); without one it is
    committed here in a session of its own.
    """
    settings = get_settings()
    ttl = ttl_seconds or settings.cache_ttl_seconds
    if settings.uses_redis:
        redis_client(settings.redis_url).set(_key(settings, key), json.dumps(value), ex=ttl)
        return
    entry = CacheEntry(key=key, value=value, expires_at=utcnow() + timedelta(seconds=ttl))
    if session is not None:
        session.merge(entry)
        session.flush()
        return
    with Session(get_engine()) as own_session:
        own_session.merge(entry)
        own_session.commit()
