"""/manager/prices/savings: the savings backtest (services/pricing/savings.py) over the last 3, 6 or 12
months: what the agreements would have cost against the static prices paid, per category and
supplier, in the reporting currency, as a table and a Plotly bar chart."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import TypedDict

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from models.types import utcnow
from services.i18n.names import category_label, localized_name
from services.platform.errors import DomainError, PermissionDenied
from services.pricing import savings
from state.pricing.view import signed_pct
from state.shared.auth import AuthState
from state.supply.view import EMPTY, fmt_date, fmt_money, plain

PERIODS = ("3", "6", "12")
CHART_ROWS = 15
_MARGIN = {"l": 10, "r": 10, "t": 10, "b": 10}


class SavingsRow(TypedDict):
    key: str
    category: str
    supplier: str
    lines: str
    paid: str
    with_agreements: str
    savings: str
    savings_pct: str
    saved: bool


class SavingsState(AuthState):
    loading: bool = True
    months: str = "12"
    _report: dict = {}

    @rx.var
    def period_options(self) -> list[dict[str, str]]:
        return [{"value": m, "label": self.t("pricing.savings.last_months", months=int(m))} for m in PERIODS]

    @rx.var
    def totals(self) -> dict[str, str]:
        report, language = self._report, self.language
        if not report:
            return dict.fromkeys(
                ("paid", "with_agreements", "savings", "savings_pct", "period", "left_out"), ""
            )
        currency = report["currency"]
        left = report["left_out"]
        return {
            "paid": fmt_money(report["paid"], currency, language),
            "with_agreements": fmt_money(report["with_agreements"], currency, language),
            "savings": fmt_money(report["savings"], currency, language),
            "savings_pct": signed_pct(report["savings_pct"], language, places=2)
            if report["savings_pct"] is not None
            else EMPTY,
            "period": self.t(
                "pricing.savings.period",
                start=fmt_date(report["start"], language),
                end=fmt_date(report["end"], language),
                lines=self.fmt_number(report["lines"]),
                currency=currency,
            ),
            "left_out": self.t(
                "pricing.savings.left_out",
                before=self.fmt_number(left["before_agreement"]),
                no_rate=self.fmt_number(left["no_rate"]),
            )
            if left["before_agreement"] or left["no_rate"]
            else "",
        }

    @rx.var
    def rows(self) -> list[SavingsRow]:
        report, language = self._report, self.language
        currency = report.get("currency", "")
        return [
            {
                "key": f"{row['category']}|{row['supplier_id']}",
                "category": category_label(row["category"], language),
                "supplier": localized_name(row["supplier_name"], row.get("supplier_name_zh"), language),
                "lines": self.fmt_number(row["lines"]),
                "paid": fmt_money(row["paid"], currency, language),
                "with_agreements": fmt_money(row["with_agreements"], currency, language),
                "savings": fmt_money(row["savings"], currency, language),
                "savings_pct": signed_pct(row["savings_pct"], language, places=2)
                if row["savings_pct"] is not None
                else EMPTY,
                "saved": Decimal(row["savings"]) >= 0,
            }
            for row in report.get("rows", [])
        ]

    @rx.var
    def figure(self) -> go.Figure:
        report, language = self._report, self.language
        rows = report.get("rows", [])[:CHART_ROWS]
        labels = [
            f"{category_label(row['category'], language)} · "
            f"{localized_name(row['supplier_name'], row.get('supplier_name_zh'), language)}"
            for row in rows
        ]
        values = [float(Decimal(row["savings"])) for row in rows]
        figure = go.Figure(
            go.Bar(
                x=values,
                y=labels,
                orientation="h",
                marker_color=["#30a46c" if value >= 0 else "#e5484d" for value in values],
                name=self.t("pricing.savings.col_savings"),
            )
        )
        figure.update_layout(
            margin=_MARGIN,
            height=max(220, 34 * len(rows) + 60),
            yaxis={"autorange": "reversed", "automargin": True},
            xaxis={"title": {"text": report.get("currency", "")}},
        )
        return figure

    def _load_report(self):
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        end = utcnow().date()
        start = end - timedelta(days=int(self.months) * 365 // 12 - 1)
        try:
            with session_scope() as session:
                self._report = plain(savings.savings_report(session, principal, start=start, end=end))
        except DomainError as error:
            yield self._denied(error)
        self.loading = False

    @rx.event
    def load(self):
        yield from self._load_report()

    @rx.event
    def set_months(self, value: str):
        if value in PERIODS:
            self.months = value
            yield from self._load_report()
