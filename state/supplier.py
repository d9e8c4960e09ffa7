"""The supplier's dashboard: its parts, the stock at its plants (its own organisation only)."""

from __future__ import annotations

import reflex as rx

from models import Role
from services.errors import PermissionDenied
from state.auth import AuthState
from state.figures import FiguresMixin


class SupplierState(FiguresMixin, AuthState):
    """Figures for the supplier's own organisation (home_figures scopes them)."""

    @rx.event
    def load(self):
        try:
            principal = self._principal(Role.SUPPLIER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        self._load_figures(principal)
        self.loading = False
