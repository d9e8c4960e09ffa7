"""The dealer's funnel on its home: trim page views -> bookings -> show-ups -> orders (a Plotly funnel)
and the weekly conversion trend, for every trim or one (services/showroom/funnel.py scopes them)."""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx

from models import Role, Trim
from models.db import session_scope
from services.i18n.names import date_tick_format, row_name
from services.platform.errors import PermissionDenied
from services.showroom import funnel
from state.shared.auth import AuthState


class FunnelState(AuthState):
    loading: bool = True
    trim: str = "all"
    _rows: list[dict] = []
    _trims: list[dict] = []

    @rx.var
    def trim_options(self) -> list[dict]:
        return [
            {"value": "all", "label": self.t("funnel.all_trims")},
            *[
                {"value": trim["value"], "label": row_name(trim, "label", self.language)}
                for trim in self._trims
            ],
        ]

    @rx.var
    def empty(self) -> bool:
        return not self._rows

    def _selected(self) -> list[funnel.FunnelRow]:
        rows = [funnel.FunnelRow(**row) for row in self._rows]
        return [row for row in rows if self.trim == "all" or str(row.trim_id) == self.trim]

    @rx.var
    def funnel_figure(self) -> go.Figure:
        rows = self._selected()
        steps = ["funnel.views", "funnel.bookings", "funnel.show_ups", "funnel.orders"]
        values = [sum(getattr(r, f) for r in rows) for f in ("views", "bookings", "show_ups", "orders")]
        figure = go.Figure(
            go.Funnel(y=[self.t(step) for step in steps], x=values, textinfo="value+percent previous")
        )
        figure.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=300)
        return figure

    @rx.var
    def trend_figure(self) -> go.Figure:
        weeks = funnel.weekly_totals(self._selected())
        x = [week.week.isoformat() for week in weeks]
        figure = go.Figure()
        for key, attr in (("funnel.booking_rate", "booking_rate"), ("funnel.order_rate", "order_rate")):
            figure.add_scatter(
                x=x, y=[getattr(week, attr) for week in weeks], name=self.t(key), mode="lines+markers"
            )
        figure.update_layout(
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
            height=300,
            yaxis_tickformat=".0%",
            xaxis_tickformat=date_tick_format(self.language),
        )
        return figure

    @rx.event
    def set_trim(self, value: str):
        self.trim = value

    @rx.event
    def load(self):
        try:
            principal = self._principal(Role.DEALER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        with session_scope() as session:
            rows = funnel.funnel_rows(session, principal)
            ids = sorted({row.trim_id for row in rows})
            names = (
                {
                    trim.id: (trim.name, trim.name_zh or "")
                    for trim in session.query(Trim).filter(Trim.id.in_(ids))
                }
                if ids
                else {}
            )
        self._rows = [{**row.__dict__} for row in rows]
        self._trims = [
            {"value": str(i), "label": names.get(i, (str(i), ""))[0], "label_zh": names.get(i, ("", ""))[1]}
            for i in ids
        ]
        self.loading = False
