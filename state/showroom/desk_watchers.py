"""Which browser tabs of this web process show which store's test-drive calendar (or the leads of
which dealer organisation): the live desk pages' registry, as state/ordering/order_watchers.py.

The calendar adds its tab when it loads a store and removes it when it unmounts;
portal/live_updates.py reads it for each `test_drive.*` notice and reloads exactly the tabs showing
that drive's store, dropping tabs that have disconnected.
"""

from __future__ import annotations

import threading


class DeskWatchers:
    """Tab token -> the store id it shows. Thread-safe; each tab shows at most one store."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._store_of: dict[str, int] = {}

    def watch(self, token: str, store_id: int) -> None:
        if token:
            with self._lock:
                self._store_of[token] = store_id

    def forget(self, token: str) -> None:
        with self._lock:
            self._store_of.pop(token, None)

    def tokens_for(self, store_id: int) -> list[str]:
        with self._lock:
            return sorted(token for token, store in self._store_of.items() if store == store_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._store_of)


WATCHERS = DeskWatchers()
