"""Which browser tabs of this web process show the planning worklist: the registry the live push
of "forecast_run.progress" reads (portal/live_updates.py), so a run's progress reaches the open pages
without any tab polling. Every worklist tab watches the same key (`RUNS`): there is one run at a time."""

from __future__ import annotations

from state.ordering.order_watchers import OrderWatchers

RUNS = 0


class PlanningWatchers(OrderWatchers):
    """Tab token -> RUNS (`watch(token, RUNS)`, `tokens_for(RUNS)`)."""


WATCHERS = PlanningWatchers()
