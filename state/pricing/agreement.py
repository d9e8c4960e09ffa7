"""/manager/prices/agreements/[agreement_ref]: one part's price agreement: a Plotly chart of the price in
force over time (a step line) with its indices on a secondary axis and the corridor (floor and
ceiling lines), the agreement's terms beside it, its open suggestions and every decision taken on it
(services/pricing/history.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

import plotly.graph_objects as go
import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import category_label, date_tick_format, localized_name
from services.platform.errors import DomainError, NotFound, PermissionDenied
from services.pricing import history
from state.pricing.view import (
    STATUS_COLOURS,
    approvals_label,
    index_name,
    signed_pct,
    status_label,
)
from state.shared.auth import AuthState
from state.supply.view import EMPTY, fmt_date, fmt_money, plain

_MARGIN = {"l": 10, "r": 10, "t": 30, "b": 10}


class TermRow(TypedDict):
    code: str
    name: str
    weight: str
    window: str


class OpenRow(TypedDict):
    id: str
    proposed: str
    change: str
    approvals: str
    status: str
    status_colour: str


class SourcingRow(TypedDict):
    supplier: str
    price: str
    converted: str
    lead_time: str
    min_quantity: str
    valid_to: str
    standing: str
    standing_colour: str
    ours: bool
    flagged: bool


STANDING_COLOURS = {"excellent": "green", "good": "teal", "watch": "amber", "poor": "red"}


class DecisionRow(TypedDict):
    id: str
    at: str
    action: str
    before: str
    after: str
    reason: str


def _share(value: object) -> str:
    """0.4500 -> '0.45' (a share as the formula writes it)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text if "." in text else f"{text}.0"


def agreement_id_from_path(path: str) -> int | None:
    """The id in "/manager/prices/agreements/12" (None for anything else)."""
    parts = path.strip("/").split("/")
    if len(parts) == 4 and parts[:3] == ["manager", "prices", "agreements"] and parts[3].isdigit():
        return int(parts[3])
    return None


class AgreementPageState(AuthState):
    loading: bool = True
    missing: bool = False
    _data: dict = {}

    @rx.var
    def title(self) -> str:
        agreement = self._data.get("agreement")
        if not agreement:
            return ""
        name = localized_name(agreement["part_name"], agreement.get("part_name_zh"), self.language)
        return f"{agreement['sku']} · {name}"

    @rx.var
    def facts(self) -> dict[str, str]:
        agreement = self._data.get("agreement")
        if not agreement:
            return {}
        language, currency = self.language, agreement["currency"]

        def money(value) -> str:
            return fmt_money(value, currency, language) if value else EMPTY

        return {
            "supplier": localized_name(
                agreement["supplier_name"], agreement.get("supplier_name_zh"), language
            ),
            "category": category_label(agreement.get("category"), language),
            "current": money(agreement["current_price"]),
            "base": self.t(
                "pricing.agreement.base_value",
                price=money(agreement["base_price"]),
                day=fmt_date(agreement["base_date"], language),
            ),
            "corridor": f"{money(agreement['floor_price'])} – {money(agreement['ceiling_price'])}",
            "fixed_share": _share(agreement["fixed_share"]),
            "step": signed_pct(agreement["max_change_pct"], language, places=2).lstrip("+"),
            "bands": self.t(
                "pricing.agreement.bands_value",
                auto=signed_pct(agreement["auto_band_pct"], language, places=2).lstrip("+"),
                four=signed_pct(agreement["four_eyes_pct"], language, places=2).lstrip("+"),
            ),
            "review": self.t("pricing.agreement.review_value", days=agreement["review_period_days"]),
            "last_review": fmt_date(agreement["last_reviewed_on"], language),
            "status": self.t(f"pricing.agreement.status.{agreement['status']}"),
        }

    @rx.var
    def terms(self) -> list[TermRow]:
        language = self.language
        names = {item["code"]: item["name"] for item in self._data.get("indices", [])}
        return [
            {
                "code": term["index"],
                "name": index_name(term["index"], names.get(term["index"], term["index"]), language),
                "weight": _share(term["weight"]),
                "window": self.t(
                    "pricing.agreement.window_value", window=term["window_months"], lag=term["lag_months"]
                ),
            }
            for term in (self._data.get("agreement") or {}).get("terms", [])
        ]

    @rx.var
    def open_rows(self) -> list[OpenRow]:
        language = self.language
        return [
            {
                "id": str(row["id"]),
                "proposed": fmt_money(
                    row["counter_price"] or row["proposed_price"], row["currency"], language
                ),
                "change": signed_pct(row["change_pct"], language, places=2),
                "approvals": approvals_label(row, language),
                "status": status_label(row["status"], language),
                "status_colour": STATUS_COLOURS.get(row["status"], "gray"),
            }
            for row in self._data.get("suggestions", [])
        ]

    @rx.var
    def sourcing_rows(self) -> list[SourcingRow]:
        """The part's valid quotes, cheapest first in the agreement's currency, each supplier's
        standing beside its price (the cheapest flagged when it stands Poor)."""
        agreement = self._data.get("agreement") or {}
        currency, language = agreement.get("currency", ""), self.language
        return [
            {
                "supplier": localized_name(row["supplier_name"], row["supplier_name_zh"], language),
                "price": fmt_money(row["price"], row["currency"], language),
                "converted": EMPTY
                if row["price_in_agreement_currency"] is None
                else fmt_money(row["price_in_agreement_currency"], currency, language),
                "lead_time": self.t("pricing.sourcing.days", count=row["lead_time_days"]),
                "min_quantity": str(row["min_quantity"]),
                "valid_to": fmt_date(row["valid_to"], language)
                if row["valid_to"]
                else self.t("pricing.sourcing.open"),
                "standing": self.t(f"scorecard.standing.{row['standing']}")
                if row["standing"]
                else self.t("pricing.sourcing.unscored"),
                "standing_colour": STANDING_COLOURS.get(row["standing"] or "", "gray"),
                "ours": bool(row["ours"]),
                "flagged": bool(row["flagged"]),
            }
            for row in self._data.get("sourcing", [])
        ]

    @rx.var
    def decision_rows(self) -> list[DecisionRow]:
        agreement = self._data.get("agreement") or {}
        currency, language = agreement.get("currency", ""), self.language
        return [
            {
                "id": str(row["id"]),
                "at": self.fmt_time(row["at"]),
                "action": self.t(f"pricing.decision.{row['action']}"),
                "before": fmt_money(row["before_price"], currency, language),
                "after": fmt_money(row["after_price"], currency, language),
                "reason": self._reason(row),
            }
            for row in self._data.get("decisions", [])
        ]

    def _reason(self, row: dict) -> str:
        """A person's reason as typed; the system's own (an automatic approval) in the viewer's words."""
        if row["action"] == "auto_approved":
            return self.t("pricing.decision.reason_auto")
        return "" if row["automatic"] else row["reason"]

    @rx.var
    def figure(self) -> go.Figure:
        figure = go.Figure()
        agreement = self._data.get("agreement")
        if not agreement:
            return figure
        language, currency = self.language, agreement["currency"]
        prices = self._data.get("prices", [])
        days = [point["day"] for point in prices]
        figure.add_scatter(
            x=days,
            y=[float(point["price"]) for point in prices],
            name=self.t("pricing.agreement.chart_price", currency=currency),
            mode="lines+markers",
            line={"shape": "hv", "width": 3},
        )
        first, last = (days[0], days[-1]) if days else (None, None)
        for index in self._data.get("indices", []):
            if index["points"]:
                first = min(first or index["points"][0]["month"], index["points"][0]["month"])
        for key, field, dash in (("floor", "floor_price", "dot"), ("ceiling", "ceiling_price", "dash")):
            if agreement.get(field) and first and last:
                figure.add_scatter(
                    x=[first, last],
                    y=[float(agreement[field])] * 2,
                    name=self.t(f"pricing.agreement.chart_{key}"),
                    mode="lines",
                    line={"dash": dash, "color": "#9ca3af"},
                )
        for index in self._data.get("indices", []):
            figure.add_scatter(
                x=[point["month"] for point in index["points"]],
                y=[float(point["level"]) for point in index["points"]],
                name=index_name(index["code"], index["name"], language),
                mode="lines",
                yaxis="y2",
                opacity=0.7,
            )
        figure.update_layout(
            margin=_MARGIN,
            height=360,
            yaxis={"title": {"text": currency}},
            yaxis2={
                "overlaying": "y",
                "side": "right",
                "showgrid": False,
                "title": {"text": self.t("pricing.agreement.chart_index")},
            },
            xaxis_tickformat=date_tick_format(language),
            legend={"orientation": "h", "y": -0.15},
        )
        return figure

    @rx.event
    def load(self):
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            return
        agreement_id = agreement_id_from_path(self.router.url.path)
        if self._data.get("agreement", {}).get("id") != agreement_id:
            self._data = {}
        self.loading, self.missing = True, False
        yield
        if agreement_id is None:
            self.loading, self.missing = False, True
            return
        try:
            with session_scope() as session:
                self._data = plain(history.agreement_history(session, principal, agreement_id))
        except NotFound:
            self._data, self.missing = {}, True
        except DomainError as error:
            yield self._denied(error)
        self.loading = False
