"""Which browser tabs of this web process show which order: the live order pages' registry.

The order page adds its tab (the Reflex client token) when it loads an order and removes it when
the page unmounts; portal/live_updates.py reads it for each order-change event and pushes the
fresh order to exactly those tabs, dropping tabs that have disconnected. It lives in this process's
memory on purpose: a tab's events (and so its registration) always reach the process holding its
socket, and every web process runs its own listener.
"""

from __future__ import annotations

import threading


class OrderWatchers:
    """Tab token -> the order it shows, and the reverse index. Thread-safe (event handlers may run
    in worker threads); each tab watches at most one order."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._order_of: dict[str, int] = {}
        self._tokens_of: dict[int, set[str]] = {}

    def watch(self, token: str, order_id: int) -> None:
        """The tab `token` now shows `order_id` (and no longer any other order)."""
        if not token:
            return
        with self._lock:
            self._drop(token)
            self._order_of[token] = order_id
            self._tokens_of.setdefault(order_id, set()).add(token)

    def forget(self, token: str, order_id: int | None = None) -> None:
        """The tab no longer shows an order (or no longer `order_id`, if it still shows that one)."""
        with self._lock:
            if order_id is None or self._order_of.get(token) == order_id:
                self._drop(token)

    def tokens_for(self, order_id: int) -> list[str]:
        with self._lock:
            return sorted(self._tokens_of.get(order_id, ()))

    def __len__(self) -> int:
        with self._lock:
            return len(self._order_of)

    def _drop(self, token: str) -> None:
        previous = self._order_of.pop(token, None)
        if previous is not None:
            tokens = self._tokens_of.get(previous)
            if tokens is not None:
                tokens.discard(token)
                if not tokens:
                    del self._tokens_of[previous]


WATCHERS = OrderWatchers()
