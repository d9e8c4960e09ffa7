"""The dealer's home figures: its stores' vehicles and parts, from the cached summary (its latest
orders come from state.ordering.orders.RecentOrdersState, its showroom stock from
state.showroom.browse)."""

from __future__ import annotations

import reflex as rx

from models import Role
from services.platform.errors import PermissionDenied
from state.shared.auth import AuthState
from state.shared.figures import FiguresMixin


class DealerState(FiguresMixin, AuthState):
    """Figures for the dealer's own stores (home_figures scopes them)."""

    @rx.event
    def load(self):
        try:
            principal = self._principal(Role.DEALER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        self._load_figures(principal)
        self.loading = False
