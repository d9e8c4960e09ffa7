"""/manager/planning/simulation[?proposal=<id>]: the proposal's order-up-to policy beside today's min/max
rule on the last 12 months of demand (services/planning/comparison.py). The replay takes a few
hundredths of a second on the demo seed, so it runs in the page's load event, behind a spinner."""

from __future__ import annotations

from typing import TypedDict

import plotly.graph_objects as go
import reflex as rx
from plotly.subplots import make_subplots

from models import Role
from models.db import session_scope
from services.i18n.names import localized_name
from services.planning import comparison
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.platform.formatting import format_day, format_money, format_rate
from state.shared import routes
from state.shared.auth import AuthState

PROPOSAL_COLOUR = "#2563eb"
MIN_MAX_COLOUR = "#9ca3af"
FIGURES = ("fill_rate", "stockout_rate", "average_inventory_value", "turnover")


class FigureRow(TypedDict):
    key: str
    label: str
    proposal: str
    min_max: str


class LocationRow(TypedDict):
    code: str
    name: str
    items: str
    fill_proposal: str
    fill_min_max: str
    stockout_proposal: str
    stockout_min_max: str
    value_proposal: str
    value_min_max: str
    turnover_proposal: str
    turnover_min_max: str


def _plain(figures: comparison.PolicyFigures) -> dict:
    return {
        "fill_rate": figures.fill_rate,
        "stockout_rate": figures.stockout_rate,
        "average_inventory_value": str(figures.average_inventory_value),
        "turnover": figures.turnover,
    }


def _comparison_dict(shown: comparison.Comparison) -> dict:
    return {
        "run_id": shown.run_id,
        "proposal_id": shown.proposal_id,
        "service_level": shown.service_level,
        "frequency": shown.frequency,
        "periods": shown.periods,
        "first": shown.first_period.isoformat() if shown.first_period else "",
        "last": shown.last_period.isoformat() if shown.last_period else "",
        "items": shown.items,
        "currency": shown.currency,
        "proposal": _plain(shown.proposal) if shown.proposal else None,
        "min_max": _plain(shown.min_max) if shown.min_max else None,
        "locations": [
            {
                "code": place.code,
                "name": place.name,
                "name_zh": place.name_zh,
                "items": place.items,
                "proposal": _plain(place.proposal),
                "min_max": _plain(place.min_max),
            }
            for place in shown.locations
        ],
    }


class SimulationState(AuthState):
    loading: bool = True
    error: str = ""
    _shown: dict = {}

    def _format(self, key: str, value: object) -> str:
        if key in ("fill_rate", "stockout_rate"):
            return format_rate(value, self.language)
        if key == "average_inventory_value":
            return format_money(value, self._shown.get("currency", "CNY"), self.language)
        return (
            "—"
            if value is None
            else self.t("simulation.turnover_value", turns=self.fmt_number(round(value, 2)))
        )

    @rx.var
    def has_result(self) -> bool:
        return bool(self._shown.get("proposal"))

    @rx.var
    def proposal_href(self) -> str:
        proposal_id = self._shown.get("proposal_id")
        return routes.proposal(proposal_id) if proposal_id else routes.MANAGER_PROPOSALS

    @rx.var
    def basis(self) -> str:
        shown = self._shown
        if not shown:
            return ""
        key = "simulation.basis_proposal" if shown.get("proposal_id") else "simulation.basis_run"
        return self.t(
            key,
            proposal=shown.get("proposal_id") or "",
            run=shown["run_id"],
            level=format_rate(shown["service_level"], self.language),
            items=self.fmt_number(shown["items"]),
            first=format_day(shown["first"], self.language),
            last=format_day(shown["last"], self.language),
            periods=self.t(f"simulation.periods.{shown['frequency']}", count=shown["periods"]),
        )

    @rx.var
    def figure_rows(self) -> list[FigureRow]:
        shown = self._shown
        if not shown.get("proposal"):
            return []
        return [
            {
                "key": key,
                "label": self.t(f"simulation.figure.{key}"),
                "proposal": self._format(key, shown["proposal"][key]),
                "min_max": self._format(key, shown["min_max"][key]),
            }
            for key in FIGURES
        ]

    @rx.var
    def location_rows(self) -> list[LocationRow]:
        rows = []
        for place in self._shown.get("locations", []):
            mine, today = place["proposal"], place["min_max"]
            rows.append(
                {
                    "code": place["code"],
                    "name": localized_name(place["name"], place["name_zh"], self.language),
                    "items": self.fmt_number(place["items"]),
                    "fill_proposal": self._format("fill_rate", mine["fill_rate"]),
                    "fill_min_max": self._format("fill_rate", today["fill_rate"]),
                    "stockout_proposal": self._format("stockout_rate", mine["stockout_rate"]),
                    "stockout_min_max": self._format("stockout_rate", today["stockout_rate"]),
                    "value_proposal": self._format(
                        "average_inventory_value", mine["average_inventory_value"]
                    ),
                    "value_min_max": self._format(
                        "average_inventory_value", today["average_inventory_value"]
                    ),
                    "turnover_proposal": self._format("turnover", mine["turnover"]),
                    "turnover_min_max": self._format("turnover", today["turnover"]),
                }
            )
        return rows

    @rx.var
    def figure(self) -> go.Figure:
        """The four figures, proposal beside min/max: one small bar panel each (their scales differ)."""
        shown = self._shown
        titles = [self.t(f"simulation.figure.{key}") for key in FIGURES]
        chart = make_subplots(rows=2, cols=2, subplot_titles=titles, vertical_spacing=0.2)
        if shown.get("proposal"):
            policies = (
                ("proposal", self.t("simulation.policy.proposal"), PROPOSAL_COLOUR),
                ("min_max", self.t("simulation.policy.min_max"), MIN_MAX_COLOUR),
            )
            for index, key in enumerate(FIGURES):
                row, col = index // 2 + 1, index % 2 + 1
                for policy, name, colour in policies:
                    value = shown[policy][key]
                    number = float(value) if value is not None else 0.0
                    if key in ("fill_rate", "stockout_rate"):
                        number *= 100
                    chart.add_bar(
                        x=[name],
                        y=[number],
                        name=name,
                        marker_color=colour,
                        legendgroup=policy,
                        showlegend=index == 0,
                        text=[self._format(key, value)],
                        textposition="auto",
                        hoverinfo="text",
                        row=row,
                        col=col,
                    )
        chart.update_yaxes(rangemode="tozero")
        chart.update_xaxes(showticklabels=False)
        chart.update_layout(
            margin={"l": 10, "r": 10, "t": 30, "b": 10},
            height=420,
            barmode="group",
            legend={"orientation": "h", "y": -0.05},
        )
        return chart

    @rx.event
    def load(self):
        """on_load: the comparison for `?proposal=<id>` (or the newest run), behind the spinner."""
        self.loading, self.error, self._shown = True, "", {}
        yield
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            return  # the access guard has already sent the viewer away
        raw = self.router.url.query_parameters.get("proposal", "") or None
        try:
            with session_scope() as session:
                self._shown = _comparison_dict(
                    comparison.compare_policies(session, principal, proposal_id=raw)
                )
        except (NotFound, PermissionDenied, ValidationFailed, DomainError) as error:
            self.error = self.t(error.code, **error.params)
        self.loading = False
