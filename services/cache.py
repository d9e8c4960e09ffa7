"""A small JSON cache shared by every process: Redis in services mode, a table in embedded mode."""

from __future__ import annotations

import json
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import delete
from sqlmodel import Session

from models import CacheEntry
from models.db import get_engine
from models.settings import get_settings
from models.types import utcnow

_PREFIX = "portal:cache:"


@lru_cache(maxsize=4)
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def get(key: str) -> dict | None:
    """The cached value of `key`, or None when missing or expired."""
    settings = get_settings()
    if settings.uses_redis:
        raw = _redis(settings.redis_url).get(_PREFIX + key)
        return json.loads(raw) if raw else None
    with Session(get_engine()) as session:
        entry = session.get(CacheEntry, key)
        if entry is None or entry.expires_at <= utcnow():
            return None
        return entry.value


def put(key: str, value: dict, ttl_seconds: int | None = None) -> None:
    """Store `value` (JSON-serialisable) under `key` for `ttl_seconds` (default: the setting)."""
    settings = get_settings()
    ttl = ttl_seconds or settings.cache_ttl_seconds
    if settings.uses_redis:
        _redis(settings.redis_url).set(_PREFIX + key, json.dumps(value), ex=ttl)
        return
    with Session(get_engine()) as session:
        session.merge(CacheEntry(key=key, value=value, expires_at=utcnow() + timedelta(seconds=ttl)))
        session.commit()


def invalidate(key: str) -> None:
    settings = get_settings()
    if settings.uses_redis:
        _redis(settings.redis_url).delete(_PREFIX + key)
        return
    with Session(get_engine()) as session:
        session.exec(delete(CacheEntry).where(CacheEntry.key == key))
        session.commit()
