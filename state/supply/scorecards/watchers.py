"""Which browser tabs of this web process show a scorecard page: the card of one supplier, or
the managers' ranking. The pages add their tab (the Reflex client token) on load and remove it
on unmount; portal/live_updates.py asks it which tabs a "scorecards.changed" notice concerns and
reloads exactly those. In-process on purpose, like state/ordering/order_watchers.py: a tab's
events reach the process holding its socket, and every web process runs its own listener.
"""

from __future__ import annotations

import threading

CARD = "card"
RANKING = "ranking"


class ScorecardWatchers:
    """Tab token -> (page, supplier id or None). Thread-safe; a tab shows one page at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pages: dict[str, tuple[str, int | None]] = {}

    def watch(self, token: str, page: str, supplier_id: int | None = None) -> None:
        if token:
            with self._lock:
                self._pages[token] = (page, supplier_id)

    def forget(self, token: str) -> None:
        with self._lock:
            self._pages.pop(token, None)

    def affected(self, supplier_ids: list[int] | None) -> list[tuple[str, str]]:
        """(token, page) of the tabs a recompute of `supplier_ids` (None: every supplier) changes:
        every ranking, and the cards of those suppliers."""
        wanted = None if supplier_ids is None else set(supplier_ids)
        with self._lock:
            return sorted(
                (token, page)
                for token, (page, supplier_id) in self._pages.items()
                if page == RANKING or wanted is None or supplier_id in wanted
            )

    def __len__(self) -> int:
        with self._lock:
            return len(self._pages)


WATCHERS = ScorecardWatchers()
