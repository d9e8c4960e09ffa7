"""Which browser tabs of this web process show which shipment: the live shipment pages' registry.

The shipment page adds its tab (the Reflex client token) when it loads a shipment and removes it on
unmount; portal/live_updates.py reads it for each "shipment.changed" / "shipment.eta_changed"
notice and reloads exactly those tabs. The same in-process registry as the order pages'
(state/ordering/order_watchers.py): one shipment per tab, thread-safe.
"""

from __future__ import annotations

from state.ordering.order_watchers import OrderWatchers


class ShipmentWatchers(OrderWatchers):
    """Tab token -> the shipment it shows (`watch(token, shipment_id)`, `tokens_for(shipment_id)`)."""


WATCHERS = ShipmentWatchers()
