"""The carmaker manager's KPI overview: network-wide figures from the cached summary, and charts."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from services import dashboards
from services.errors import PermissionDenied
from services.formatting import format_money
from services.summary import home_figures
from state.auth import AuthState

KPI_KEYS = ("suppliers", "parts", "dealers", "trims", "part_units_on_hand", "vehicle_units_on_hand",
            "low_stock_items", "locations")
CHART_FONT = "Inter, 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def chart_layout(**extra) -> dict:
    """The plot styling every chart of the portal shares (transparent, compact, theme-neutral)."""
    return {
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8}, "height": 320,
        "paper_bgcolor": "rgba(0,0,0,0)", "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": CHART_FONT, "size": 13},
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {"automargin": True}, "yaxis": {"automargin": True, "gridcolor": "rgba(128,128,128,0.2)"},
        **extra,
    }


class ManagerState(AuthState):
    """Raw figures (plain ints and decimal strings) are kept; the computed vars format them
    for the viewer's language, so the language switch re-formats without a reload."""

    loading: bool = True
    figures: dict[str, int] = {}
    stock_value: dict[str, str] = {}
    low_stock_threshold: int = 0
    computed_at: str = ""
    by_location_kind: list[dict] = []
    by_category: list[dict] = []

    @rx.event
    def load(self):
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        with session_scope() as session:
            figures = home_figures(session, principal)
            self.by_location_kind = dashboards.units_by_location_kind(session, principal)
            self.by_category = dashboards.part_units_by_category(session, principal, limit=8)
        stock = figures.get("stock", {})
        self.figures = {
            **{key: int(value) for key, value in figures["catalogue"].items()},
            **{key: int(value) for key, value in stock.items() if key != "stock_value"},
        }
        self.stock_value = dict(stock.get("stock_value", {}))
        self.low_stock_threshold = int(figures.get("low_stock_threshold", 0))
        self.computed_at = figures.get("computed_at", "")
        self.loading = False

    @rx.var
    def kpi(self) -> dict[str, str]:
        """Each KPI figure formatted for the viewer ('' while not loaded)."""
        return {key: self.fmt_number(self.figures[key]) if key in self.figures else ""
                for key in KPI_KEYS}

    @rx.var
    def stock_values(self) -> list[str]:
        """The stock value per currency, largest currency code first alphabetically."""
        return [format_money(amount, currency, self.language)
                for currency, amount in sorted(self.stock_value.items())]

    @rx.var
    def low_stock_hint(self) -> str:
        return self.t("kpi.low_stock_hint", threshold=self.low_stock_threshold)

    @rx.var
    def computed_at_text(self) -> str:
        return self.t("common.last_computed", time=self.fmt_time(self.computed_at)) \
            if self.computed_at else ""

    @rx.var
    def location_kind_figure(self) -> go.Figure:
        kinds = [self.t(f"location_kind.{row['kind']}") for row in self.by_location_kind]
        figure = go.Figure([
            go.Bar(name=self.t("chart.parts"), x=kinds,
                   y=[row["part_units"] for row in self.by_location_kind], marker_color="#3e63dd"),
            go.Bar(name=self.t("chart.vehicles"), x=kinds,
                   y=[row["vehicle_units"] for row in self.by_location_kind], marker_color="#12a594"),
        ])
        figure.update_layout(**chart_layout(barmode="group",
                                            yaxis_type="log" if self._spread_is_wide() else "linear"))
        return figure

    @rx.var
    def category_figure(self) -> go.Figure:
        rows = list(reversed(self.by_category))
        figure = go.Figure(go.Bar(
            x=[row["units"] for row in rows], y=[row["category"] for row in rows],
            orientation="h", marker_color="#3e63dd",
        ))
        figure.update_layout(**chart_layout(showlegend=False))
        return figure

    def _spread_is_wide(self) -> bool:
        """Parts run to millions and vehicles to hundreds: a log axis keeps both visible."""
        values = [value for row in self.by_location_kind
                  for value in (row["part_units"], row["vehicle_units"]) if value > 0]
        return bool(values) and max(values) / min(values) > 200
