"""The one synchronous Redis client per URL in this process (the cache, the live notices).

A client belongs to the process that made it: a forked child (a Celery pool child) starts with
none and makes its own, so no two processes ever share a Redis socket. (redis-py's connection pool
also notices a changed pid; forgetting the clients at fork does not depend on that.)
"""

from __future__ import annotations

import os
from functools import lru_cache

CONNECT_TIMEOUT_SECONDS = 2
COMMAND_TIMEOUT_SECONDS = 2


@lru_cache(maxsize=4)
def redis_client(url: str):
    """The client for `url`, made once per process, with 2 s connect and command timeouts."""
    import redis

    return redis.Redis.from_url(
        url, socket_timeout=COMMAND_TIMEOUT_SECONDS, socket_connect_timeout=CONNECT_TIMEOUT_SECONDS
    )


def forget_inherited_clients() -> None:
    """In a freshly forked process: drop the clients inherited from the parent (unclosed: their
    sockets are the parent's); the next call makes new ones."""
    redis_client.cache_clear()


os.register_at_fork(after_in_child=forget_inherited_clients)
