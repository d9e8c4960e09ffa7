"""Which browser tabs of this web process show a KPI dashboard: the dashboards' registry.

The dashboard adds its tab (the Reflex client token) when it loads; portal/live_updates.py reads it
for each "analytics.facts_changed" notice (a refresh began, or its facts landed) and reloads those
tabs' tiles, each with its own viewer's scope and filter. The same in-process registry as the order
pages' (state/ordering/order_watchers.py), with one key for every dashboard.
"""

from __future__ import annotations

from state.ordering.order_watchers import OrderWatchers

DASHBOARDS = 0  # the one key: every dashboard hears every facts change


class KpiWatchers(OrderWatchers):
    """Tab token -> DASHBOARDS (`watch(token, DASHBOARDS)`, `tokens_for(DASHBOARDS)`)."""


WATCHERS = KpiWatchers()
