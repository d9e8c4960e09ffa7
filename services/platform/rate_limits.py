"""Moving-window rate limits from the `limits` library: on Redis in services mode, on a table
(`rate_limit_entry`) in embedded mode.

`limits` has no SQL storage, so `DatabaseStorage` is one: a `limits.storage.Storage` that supports
the moving-window strategy only (the one the portal uses). Every process of a deployment shares
the same counts, whichever mode it runs in.
"""

from __future__ import annotations

import time
from functools import lru_cache

from limits.storage import RedisStorage, Storage
from limits.storage.base import MovingWindowSupport
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from models import RateLimitEntry
from models.db import engine_for
from models.settings import get_settings

_ENTRY = RateLimitEntry.__table__


class DatabaseStorage(Storage, MovingWindowSupport):
    """The moving window on the `rate_limit_entry` table: one row per counted hit.

    An acquisition counts and inserts in one transaction, serialised per key (an advisory lock on
    PostgreSQL; SQLite's BEGIN IMMEDIATE serialises every writer), so parallel hits never pass the
    limit. Expired rows of every key are deleted on the way.
    """

    STORAGE_SCHEME = None  # built directly, not from a URI

    def __init__(self, engine: Engine, **options: float | str | bool) -> None:
        super().__init__(None, **options)
        self.engine = engine

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key})
            conn.execute(delete(_ENTRY).where(_ENTRY.c.expires_at <= now))
            count = conn.execute(
                select(func.count()).where(_ENTRY.c.key == key, _ENTRY.c.at > now - expiry)
            ).scalar_one()
            if count + amount > limit:
                return False
            conn.execute(insert(_ENTRY), [{"key": key, "at": now, "expires_at": now + expiry}] * amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        with self.engine.connect() as conn:
            oldest, count = conn.execute(
                select(func.min(_ENTRY.c.at), func.count()).where(
                    _ENTRY.c.key == key, _ENTRY.c.at > now - expiry
                )
            ).one()
        return (oldest if count else now), count

    def clear(self, key: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(_ENTRY).where(_ENTRY.c.key == key))

    def reset(self) -> int | None:
        with self.engine.begin() as conn:
            return conn.execute(delete(_ENTRY)).rowcount

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    # The fixed-window strategy's counters: not used by the portal, so not kept.
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("DatabaseStorage supports the moving-window strategy only")

    def get(self, key: str) -> int:
        raise NotImplementedError("DatabaseStorage supports the moving-window strategy only")

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError("DatabaseStorage supports the moving-window strategy only")


def limiter() -> MovingWindowRateLimiter:
    """The moving-window limiter on this deployment's storage (one per process and configuration)."""
    settings = get_settings()
    return _limiter(settings.redis_url, settings.key_prefix, settings.database_url)


@lru_cache(maxsize=4)
def _limiter(redis_url: str, key_prefix: str, database_url: str) -> MovingWindowRateLimiter:
    if redis_url:
        storage = RedisStorage(
            redis_url, key_prefix=f"{key_prefix}:limits", socket_timeout=2, socket_connect_timeout=2
        )
    else:
        storage = DatabaseStorage(engine_for(database_url))
    return MovingWindowRateLimiter(storage)
