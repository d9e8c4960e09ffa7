"""The home figures every role's home shows, from services.catalog.summary.home_figures (cached)."""

from __future__ import annotations

import reflex as rx

from models.db import session_scope
from services.catalog.summary import home_figures
from services.identity.auth import Principal
from services.platform.formatting import format_money


class FiguresMixin(rx.State, mixin=True):
    """Raw figures (ints, decimal strings, an ISO time) loaded by `_load_figures`; the computed
    vars format them for the viewer's language, so switching language needs no reload."""

    figures: dict[str, int] = {}
    stock_value: dict[str, str] = {}
    low_stock_threshold: int = 0
    computed_at: str = ""
    loading: bool = True

    def _load_figures(self, principal: Principal) -> None:
        with session_scope() as session:
            figures = home_figures(session, principal)
        stock = figures.get("stock", {})
        self.figures = {
            **{key: int(value) for key, value in figures["catalogue"].items()},
            **{key: int(value) for key, value in stock.items() if key != "stock_value"},
        }
        self.stock_value = dict(stock.get("stock_value", {}))
        self.low_stock_threshold = int(figures.get("low_stock_threshold", 0))
        self.computed_at = figures.get("computed_at", "")

    @rx.var
    def kpi(self) -> dict[str, str]:
        """Every loaded figure formatted for the viewer."""
        return {key: self.fmt_number(value) for key, value in self.figures.items()}

    @rx.var
    def stock_values(self) -> list[str]:
        """The stock value per currency (one entry per currency, by currency code)."""
        return [
            format_money(amount, currency, self.language)
            for currency, amount in sorted(self.stock_value.items())
        ]

    @rx.var
    def low_stock_hint(self) -> str:
        return self.t("kpi.low_stock_hint", threshold=self.low_stock_threshold)

    @rx.var
    def computed_at_text(self) -> str:
        return (
            self.t("common.last_computed", time=self.fmt_time(self.computed_at)) if self.computed_at else ""
        )
