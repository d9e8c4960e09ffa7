"""Which browser tabs of this web process belong to which user: the bells' registry.

Every framed page's bell adds its tab (the Reflex client token) for the signed-in user when the page
loads; portal/live_updates.py reads it for each "notification.created" notice and reloads the bells
of exactly the users it names. One user per tab (a sign-in as someone else replaces it); the same
in-process registry as the order pages' (state/ordering/order_watchers.py).
"""

from __future__ import annotations

from state.ordering.order_watchers import OrderWatchers


class BellWatchers(OrderWatchers):
    """Tab token -> the user whose bell it shows (`watch(token, user_id)`, `tokens_for(user_id)`)."""


WATCHERS = BellWatchers()
