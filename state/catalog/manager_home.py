"""The carmaker manager's KPI overview: network-wide figures from the cached summary, and charts."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from services.catalog import dashboards
from services.i18n.names import category_label
from services.platform.errors import PermissionDenied
from state.shared.auth import AuthState
from state.shared.figures import FiguresMixin

PARTS_COLOUR = "#3e63dd"  # indigo 9, the accent
VEHICLES_COLOUR = "#12a594"  # teal 9
CHART_FONT = "Inter, 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif"


def chart_layout(**extra) -> dict:
    """The plot styling every chart of the portal shares (transparent, compact, theme-neutral)."""
    return {
        "margin": {"l": 8, "r": 8, "t": 8, "b": 8},
        "height": 320,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": CHART_FONT, "size": 13},
        "legend": {"orientation": "h", "y": -0.15},
        "xaxis": {"automargin": True},
        "yaxis": {"automargin": True, "gridcolor": "rgba(128,128,128,0.2)"},
        **extra,
    }


class ManagerState(FiguresMixin, AuthState):
    """The network-wide figures (FiguresMixin) and the chart data behind them."""

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
        self._load_figures(principal)
        with session_scope() as session:
            self.by_location_kind = dashboards.units_by_location_kind(session, principal)
            self.by_category = dashboards.part_units_by_category(session, principal, limit=8)
        self.loading = False

    @rx.var
    def location_kind_figure(self) -> go.Figure:
        """Part units (left axis) and vehicles (right axis) side by side per kind of location:
        parts run to hundreds of thousands and vehicles to hundreds, so each gets its own scale."""
        kinds = [self.t(f"location_kind.{row['kind']}") for row in self.by_location_kind]
        figure = go.Figure(
            [
                go.Bar(
                    name=self.t("chart.parts"),
                    x=kinds,
                    offsetgroup=1,
                    marker_color=PARTS_COLOUR,
                    y=[row["part_units"] for row in self.by_location_kind],
                ),
                go.Bar(
                    name=self.t("chart.vehicles"),
                    x=kinds,
                    offsetgroup=2,
                    yaxis="y2",
                    marker_color=VEHICLES_COLOUR,
                    y=[row["vehicle_units"] for row in self.by_location_kind],
                ),
            ]
        )
        figure.update_layout(
            **chart_layout(
                barmode="group",
                yaxis={
                    "title": {"text": self.t("chart.parts")},
                    "automargin": True,
                    "gridcolor": "rgba(128,128,128,0.2)",
                    "rangemode": "tozero",
                },
                yaxis2={
                    "title": {"text": self.t("chart.vehicles")},
                    "overlaying": "y",
                    "side": "right",
                    "automargin": True,
                    "showgrid": False,
                    "rangemode": "tozero",
                },
            )
        )
        return figure

    @rx.var
    def category_figure(self) -> go.Figure:
        rows = list(reversed(self.by_category))
        figure = go.Figure(
            go.Bar(
                x=[row["units"] for row in rows],
                y=[category_label(row["category"], self.language) for row in rows],
                orientation="h",
                marker_color=PARTS_COLOUR,
            )
        )
        figure.update_layout(**chart_layout(showlegend=False))
        return figure
