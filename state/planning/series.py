"""/manager/planning/<series>: one part at one stock location: ONE chart of the demand history, the
backtest windows' forecasts (the chosen model, out of sample), the forecast and its interval band;
beside it the chosen model and why (its backtest errors against the runner-up's), the demand class,
the stock and the value at risk."""

from __future__ import annotations

from typing import TypedDict

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import localized_name
from services.planning import runs
from services.platform.errors import NotFound, PermissionDenied
from services.platform.formatting import format_money
from state.planning.labels import PlanningLabelsMixin
from state.shared.auth import AuthState

HISTORY_COLOUR = "#1f2937"
FORECAST_COLOUR = "#2563eb"
BAND_COLOUR = "rgba(37, 99, 235, 0.16)"
BACKTEST_COLOUR = "#d97706"
CENSORED_COLOUR = "#dc2626"


class ErrorRow(TypedDict):
    role: str
    model: str
    mase: str
    rmsse: str
    bias: str


def _series_id_from_path(path: str) -> int | None:
    reference = path.rstrip("/").rsplit("/", 1)[-1]
    return int(reference) if reference.isdigit() and len(reference) < 10 else None


def _detail_dict(detail: runs.SeriesDetail) -> dict:
    row = detail.row
    return {
        "series_id": detail.series_id,
        "run_id": detail.run.id,
        "run_finished_at": detail.run.finished_at.isoformat() if detail.run.finished_at else "",
        "horizon": detail.run.horizon,
        "status": detail.status,
        "error": detail.error,
        "sku": row.sku,
        "part_name": row.part_name,
        "part_name_zh": row.part_name_zh,
        "location_code": row.location_code,
        "location_name": row.location_name,
        "location_name_zh": row.location_name_zh,
        "demand_class": row.demand_class,
        "model": row.model,
        "members": detail.members,
        "mase": row.mase,
        "rmsse": detail.rmsse,
        "bias": detail.bias,
        "windows": detail.windows,
        "runner_up": detail.runner_up,
        "runner_up_mase": detail.runner_up_mase,
        "runner_up_rmsse": detail.runner_up_rmsse,
        "runner_up_bias": detail.runner_up_bias,
        "risk_demand": row.risk_demand,
        "free_stock": row.free_stock,
        "shortfall": row.shortfall,
        "value_at_risk": str(row.value_at_risk),
        "unit_price": str(row.unit_price),
        "currency": row.currency,
        "history": [[period.isoformat(), demand, censored] for period, demand, censored in detail.history],
        "backtest": [
            [window, period.isoformat(), forecast, actual]
            for window, period, forecast, actual in detail.backtest
        ],
        "forecast": [[period.isoformat(), yhat, lo, hi] for period, yhat, lo, hi in detail.forecast],
    }


class SeriesState(PlanningLabelsMixin, AuthState):
    series_id: int = 0
    loading: bool = True
    _detail: dict = {}

    @rx.var
    def found(self) -> bool:
        return bool(self._detail)

    @rx.var
    def title(self) -> str:
        detail = self._detail
        if not detail:
            return ""
        return (
            f"{detail['sku']} · {localized_name(detail['part_name'], detail['part_name_zh'], self.language)}"
        )

    @rx.var
    def location_label(self) -> str:
        detail = self._detail
        if not detail:
            return ""
        name = localized_name(detail["location_name"], detail["location_name_zh"], self.language)
        return f"{detail['location_code']} · {name}"

    @rx.var
    def model_label(self) -> str:
        return self._model_label(self._detail.get("model", ""), self._detail.get("members", ""))

    @rx.var
    def class_label(self) -> str:
        return self._class_label(self._detail.get("demand_class", "")) if self._detail else ""

    @rx.var
    def why(self) -> str:
        """Why this model: its backtest error against the runner-up's, or why there was no contest."""
        detail = self._detail
        if not detail:
            return ""
        if not detail["windows"]:
            return self.t("planning.why.too_short", model=self._model_label(detail["model"]))
        values = {
            "model": self._model_label(detail["model"], detail["members"]),
            "mase": self._error(detail["mase"]),
            "windows": detail["windows"],
            "count": detail["windows"],
        }
        if not detail["runner_up"]:
            return self.t("planning.why.alone", **values)
        return self.t(
            "planning.why.beat",
            runner_up=self._model_label(detail["runner_up"]),
            runner_up_mase=self._error(detail["runner_up_mase"]),
            **values,
        )

    @rx.var
    def error_rows(self) -> list[ErrorRow]:
        detail = self._detail
        if not detail or not detail["windows"]:
            return []
        rows = [
            {
                "role": self.t("planning.errors.chosen"),
                "model": self._model_label(detail["model"], detail["members"]),
                "mase": self._error(detail["mase"]),
                "rmsse": self._error(detail["rmsse"]),
                "bias": self._error(detail["bias"]),
            }
        ]
        if detail["runner_up"]:
            rows.append(
                {
                    "role": self.t("planning.errors.runner_up"),
                    "model": self._model_label(detail["runner_up"]),
                    "mase": self._error(detail["runner_up_mase"]),
                    "rmsse": self._error(detail["runner_up_rmsse"]),
                    "bias": self._error(detail["runner_up_bias"]),
                }
            )
        return rows

    @rx.var
    def stock_facts(self) -> dict[str, str]:
        detail = self._detail
        if not detail:
            return {}
        return {
            "demand": self._units(detail["risk_demand"]),
            "free_stock": self.fmt_number(detail["free_stock"]),
            "shortfall": self._units(detail["shortfall"]),
            "value_at_risk": format_money(detail["value_at_risk"], detail["currency"], self.language),
            "unit_price": format_money(detail["unit_price"], detail["currency"], self.language),
            "run": self.t(
                "planning.series.run_of", run=detail["run_id"], time=self.fmt_time(detail["run_finished_at"])
            ),
        }

    @rx.var
    def risk_hint(self) -> str:
        return self.t("planning.worklist.risk_note", periods=runs.RISK_PERIODS)

    @rx.var
    def figure(self) -> go.Figure:
        """History, the backtest windows, the forecast with its band: one chart."""
        detail = self._detail
        figure = go.Figure()
        if detail:
            history = detail["history"]
            figure.add_scatter(
                x=[point[0] for point in history],
                y=[point[1] for point in history],
                name=self.t("planning.chart.history"),
                mode="lines+markers",
                line={"color": HISTORY_COLOUR, "width": 2},
                marker={"size": 5},
            )
            censored = [point for point in history if point[2]]
            if censored:
                figure.add_scatter(
                    x=[point[0] for point in censored],
                    y=[point[1] for point in censored],
                    name=self.t("planning.chart.censored"),
                    mode="markers",
                    marker={"color": CENSORED_COLOUR, "size": 10, "symbol": "x"},
                )
            for index, window in enumerate(sorted({point[0] for point in detail["backtest"]})):
                points = [point for point in detail["backtest"] if point[0] == window]
                figure.add_scatter(
                    x=[point[1] for point in points],
                    y=[point[2] for point in points],
                    name=self.t("planning.chart.backtest"),
                    legendgroup="backtest",
                    showlegend=index == 0,
                    mode="lines+markers",
                    line={"color": BACKTEST_COLOUR, "dash": "dot", "width": 1.5},
                    marker={"size": 4},
                )
            forecast = detail["forecast"]
            if forecast:
                periods = [point[0] for point in forecast]
                figure.add_scatter(
                    x=periods + periods[::-1],
                    y=[point[3] for point in forecast] + [point[2] for point in forecast][::-1],
                    name=self.t("planning.chart.interval"),
                    fill="toself",
                    fillcolor=BAND_COLOUR,
                    line={"width": 0},
                    hoverinfo="skip",
                    mode="lines",
                )
                # The forecast starts from the last observed point, so the line does not float.
                start = [history[-1]] if history else []
                figure.add_scatter(
                    x=[point[0] for point in start] + periods,
                    y=[point[1] for point in start] + [point[1] for point in forecast],
                    name=self.t("planning.chart.forecast"),
                    mode="lines+markers",
                    line={"color": FORECAST_COLOUR, "width": 2.5},
                    marker={"size": 5},
                )
        figure.update_layout(
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
            height=360,
            legend={"orientation": "h", "y": -0.15},
            hovermode="x unified",
            xaxis={"tickformat": "%Y-%m", "hoverformat": "%Y-%m"},
            yaxis={"rangemode": "tozero", "title": {"text": self.t("planning.chart.units")}},
        )
        return figure

    @rx.event
    def load(self):
        """on_load: the series named in the address, if the viewer is a planner; else a 404 notice."""
        series_id = _series_id_from_path(self.router.url.path)
        if series_id != self.series_id:
            self._detail, self.loading = {}, True
        self.series_id = series_id or 0
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            return  # the access guard has already sent the viewer away
        try:
            if series_id is None:
                raise NotFound("planning.series.not_found", field="series")
            with session_scope() as session:
                self._detail = _detail_dict(runs.series_detail(session, principal, series_id))
        except (NotFound, PermissionDenied):
            self._detail = {}
        self.loading = False
