"""/manager/funnel: the showroom funnel of every dealer store over the last 4, 12 or 26 weeks, for one
trim or all, as a sortable table, the network's funnel and weekly trend, and one store's on a click.

One load reads the whole period (services/showroom/funnel.network_funnel: the table is one grouped
query); sorting and choosing a store then work on what is in the state, without the database."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TypedDict

import plotly.graph_objects as go
import reflex as rx

from models import Role, Trim
from models.db import session_scope
from services.i18n.names import city_label, date_tick_format, row_name
from services.platform.errors import DomainError, PermissionDenied
from services.platform.formatting import format_day, format_rate
from services.showroom import funnel
from state.shared.auth import AuthState

ALL = "all"
PERIODS = tuple(str(weeks) for weeks in funnel.PERIOD_WEEKS)
DEFAULT_PERIOD = "12"
# The table's columns, in order: (key, label key, is a number).
COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("dealer_name", "manager_funnel.dealer", False),
    ("store_name", "manager_funnel.store", False),
    ("views", "funnel.views", True),
    ("bookings", "funnel.bookings", True),
    ("show_ups", "funnel.show_ups", True),
    ("orders", "funnel.orders", True),
    ("booking_rate", "funnel.booking_rate", True),
    ("show_up_rate", "manager_funnel.show_up_rate", True),
    ("order_rate", "funnel.order_rate", True),
)
SORTABLE = {key for key, _, _ in COLUMNS}
RATES = ("booking_rate", "show_up_rate", "order_rate")
STEPS = (("funnel.views", "views"), ("funnel.bookings", "bookings"), ("funnel.show_ups", "show_ups"))
STEPS += (("funnel.orders", "orders"),)
_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


class DealerRow(TypedDict):
    id: str
    dealer_name: str
    store_name: str
    city: str
    views: str
    bookings: str
    show_ups: str
    orders: str
    booking_rate: str
    show_up_rate: str
    order_rate: str
    selected: bool


def sort_dealers(dealers: list[dict], column: str, descending: bool) -> list[dict]:
    """`dealers` (DealerFunnel.as_dict) ordered by `column`; stores without a rate (no base) go last
    whichever the direction, names break ties."""
    known = [d for d in dealers if d[column] is not None]
    unknown = [d for d in dealers if d[column] is None]

    def key(d: dict):
        value = d[column]
        return value.casefold() if isinstance(value, str) else value

    by_name = sorted(known, key=lambda d: (d["dealer_name"].casefold(), d["store_name"].casefold()))
    ordered = sorted(by_name, key=key, reverse=descending)
    return ordered + sorted(unknown, key=lambda d: (d["dealer_name"].casefold(), d["store_name"].casefold()))


def display_row(dealer: dict, language: str, fmt_number, selected: bool) -> DealerRow:
    """One store as the table shows it: counts in the language's digits, rates as percentages or
    '—' where the base is zero."""
    return {
        "id": str(dealer["location_id"]),
        "dealer_name": row_name(dealer, "dealer_name", language),
        "store_name": row_name(dealer, "store_name", language),
        "city": city_label(dealer["city"], language),
        **{name: fmt_number(dealer[name]) for name in ("views", "bookings", "show_ups", "orders")},
        **{name: format_rate(dealer[name], language) for name in RATES},
        "selected": selected,
    }


class ManagerFunnelState(AuthState):
    loading: bool = True
    weeks: str = DEFAULT_PERIOD
    trim: str = ALL
    sort_column: str = "views"
    descending: bool = True
    selected_store: str = ""  # a store's id, or "" for the whole network
    period_start: str = ""
    period_end: str = ""
    _dealers: list[dict] = []
    _weeks: list[dict] = []
    _trims: list[dict] = []

    # --- what the page reads -----------------------------------------------------------------

    @rx.var
    def period_options(self) -> list[dict[str, str]]:
        return [{"value": w, "label": self.t("manager_funnel.last_weeks", weeks=int(w))} for w in PERIODS]

    @rx.var
    def trim_options(self) -> list[dict[str, str]]:
        return [
            {"value": ALL, "label": self.t("funnel.all_trims")},
            *[
                {"value": trim["value"], "label": row_name(trim, "label", self.language)}
                for trim in self._trims
            ],
        ]

    @rx.var
    def empty(self) -> bool:
        return not self._dealers

    @rx.var
    def rows(self) -> list[DealerRow]:
        ordered = sort_dealers(self._dealers, self.sort_column, self.descending)
        return [
            display_row(d, self.language, self.fmt_number, str(d["location_id"]) == self.selected_store)
            for d in ordered
        ]

    @rx.var
    def period_label(self) -> str:
        if not self.period_start:
            return ""
        return self.t(
            "manager_funnel.period", start=self._day(self.period_start), end=self._day(self.period_end)
        )

    @rx.var
    def chart_title(self) -> str:
        chosen = self._chosen()
        if chosen is None:
            return self.t("manager_funnel.network")
        language = self.language
        return f"{row_name(chosen, 'dealer_name', language)} · {row_name(chosen, 'store_name', language)}"

    @rx.var
    def funnel_figure(self) -> go.Figure:
        chosen = self._chosen()
        dealers = [chosen] if chosen else self._dealers
        values = [sum(d[field] for d in dealers) for _, field in STEPS]
        figure = go.Figure(
            go.Funnel(y=[self.t(key) for key, _ in STEPS], x=values, textinfo="value+percent previous")
        )
        figure.update_layout(margin=_MARGIN, height=300)
        return figure

    @rx.var
    def trend_figure(self) -> go.Figure:
        rows = [funnel.FunnelRow(**{**row, "week": date.fromisoformat(row["week"])}) for row in self._weeks]
        if self.selected_store:
            rows = [row for row in rows if str(row.location_id) == self.selected_store]
        weeks = funnel.weekly_totals(rows)
        x = [week.week.isoformat() for week in weeks]
        figure = go.Figure()
        for key, attr in (
            ("funnel.booking_rate", "booking_rate"),
            ("manager_funnel.show_up_rate", "show_up_rate"),
            ("funnel.order_rate", "order_rate"),
        ):
            figure.add_scatter(
                x=x, y=[getattr(week, attr) for week in weeks], name=self.t(key), mode="lines+markers"
            )
        figure.update_layout(
            margin=_MARGIN,
            height=300,
            yaxis_tickformat=".0%",
            xaxis_tickformat=date_tick_format(self.language),
            legend={"orientation": "h", "y": -0.2},
        )
        return figure

    def _chosen(self) -> dict | None:
        return next((d for d in self._dealers if str(d["location_id"]) == self.selected_store), None)

    def _day(self, iso: str) -> str:
        return format_day(date.fromisoformat(iso), self.language)

    # --- events -------------------------------------------------------------------------------

    @rx.event
    def sort_by(self, column: str):
        if column not in SORTABLE:
            return
        if column == self.sort_column:
            self.descending = not self.descending
        else:
            self.sort_column = column
            self.descending = column not in ("dealer_name", "store_name")

    @rx.event
    def choose_store(self, store_id: str):
        """Show one store's funnel and trend (the same store again: back to the network)."""
        self.selected_store = "" if store_id == self.selected_store else store_id

    @rx.event
    def show_network(self):
        self.selected_store = ""

    @rx.event
    def set_weeks(self, weeks: str):
        if weeks in PERIODS:
            self.weeks = weeks
            yield from self._reload()

    @rx.event
    def set_trim(self, trim: str):
        if trim == ALL or trim in {option["value"] for option in self._trims}:
            self.trim = trim
            yield from self._reload()

    @rx.event
    def load(self):
        yield from self._reload()

    def _reload(self):
        try:
            principal = self._principal(Role.MANAGER, Role.ADMIN)
        except PermissionDenied:
            return
        self.loading = True
        yield
        try:
            with session_scope() as session:
                if not self._trims:
                    trims = session.query(Trim).order_by(Trim.name).all()
                    self._trims = [
                        {"value": str(trim.id), "label": trim.name, "label_zh": trim.name_zh or ""}
                        for trim in trims
                    ]
                result = funnel.network_funnel(
                    session,
                    principal,
                    weeks=int(self.weeks),
                    trim_id=None if self.trim == ALL else int(self.trim),
                )
        except DomainError as error:
            self.loading = False
            yield self._denied(error)
            return
        self._dealers = [dealer.as_dict() for dealer in result.dealers]
        self._weeks = [{**asdict(row), "week": row.week.isoformat()} for row in result.weeks]
        self.period_start, self.period_end = result.start.isoformat(), result.end.isoformat()
        if self.selected_store and self._chosen() is None:
            self.selected_store = ""
        self.loading = False
