"""/manager/pricing/markets: the market price lists (services/pricing/market_lists.py). Pick a market
(its currency and countries); its list prices, searched and paged; the list-price changes waiting
for managers, approved or rejected here (above the four-eyes threshold two different managers); a
list price set by hand; the repricing run started now (a Celery worker, through the outbox)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.catalog.lists import Page
from services.i18n.names import row_name
from services.platform.errors import DomainError
from services.pricing import market_lists
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.supply.view import fmt_date, fmt_money, plain

MAX_CHANGES = 100


class MarketRow(TypedDict):
    id: str
    label: str


class PriceRow(TypedDict):
    id: int
    kind: str
    item_id: int
    kind_label: str
    code: str
    name: str
    price: str
    raw_price: str
    manual: bool
    effective: str


class ChangeRow(TypedDict):
    id: int
    code: str
    name: str
    previous: str
    proposed: str
    change: str
    approvals: str
    mine: bool


class MarketListsState(PagedMixin, AuthState):
    market_id: str = ""
    _markets: list[dict] = []
    _prices: list[dict] = []
    _changes: list[dict] = []
    changes_total: int = 0
    deciding: bool = False
    # the manual price dialog
    manual_open: bool = False
    manual_kind: str = ""
    manual_item_id: int = 0
    manual_label: str = ""
    manual_price: str = ""
    manual_error: str = ""

    def _market(self) -> dict:
        return next((m for m in self._markets if str(m["id"]) == self.market_id), {})

    @rx.var
    def market_options(self) -> list[MarketRow]:
        return [
            {"id": str(m["id"]), "label": f"{row_name(m, 'name', self.language)} · {m['currency']}"}
            for m in self._markets
        ]

    @rx.var
    def market_summary(self) -> str:
        market = self._market()
        if not market:
            return ""
        return self.t(
            "market_lists.summary",
            currency=market["currency"],
            countries=", ".join(market["countries"]) or "—",
            prices=self.fmt_number(market["prices"]),
            pending=self.fmt_number(market["pending"]),
        )

    @rx.var
    def rows(self) -> list[PriceRow]:
        language = self.language
        return [
            {
                "id": row["id"],
                "kind": row["item_kind"],
                "item_id": row["item_id"],
                "kind_label": self.t(f"market_lists.kind.{row['item_kind']}"),
                "code": row["code"],
                "name": row_name(row, "name", language),
                "price": fmt_money(row["list_price"], row["currency"], language),
                "raw_price": row["list_price"],
                "manual": row["manual"],
                "effective": fmt_date(row["effective_from"], language) if row["effective_from"] else "—",
            }
            for row in self._prices
        ]

    @rx.var
    def change_rows(self) -> list[ChangeRow]:
        language = self.language
        return [
            {
                "id": row["id"],
                "code": row["code"],
                "name": row_name(row, "name", language),
                "previous": fmt_money(row["previous_price"], row["currency"], language)
                if row["previous_price"]
                else "—",
                "proposed": fmt_money(row["list_price"], row["currency"], language),
                "change": f"{'+' if not row['change_pct'].startswith('-') else ''}{row['change_pct']} %"
                if row["change_pct"]
                else "—",
                "approvals": self.t(
                    "market_lists.approvals_of",
                    given=len(row["approvals"]),
                    needed=max(row["required_approvals"], 1),
                ),
                "mine": self.user_id in row["approvals"],
            }
            for row in self._changes
        ]

    def _fetch(self) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            self._markets = plain(market_lists.list_markets(session, principal))
            if self._markets and not self._market():
                self.market_id = str(self._markets[0]["id"])
            if not self._markets:
                self._empty()
                return
            page = Page(self.page, PAGE_SIZE)
            prices, self.total = market_lists.list_prices(
                session, principal, self.market_id, search=self.search, offset=page.offset, limit=PAGE_SIZE
            )
            changes, self.changes_total = market_lists.pending_changes(
                session, principal, self.market_id, limit=MAX_CHANGES
            )
        self._prices, self._changes = plain(prices), plain(changes)

    def _empty(self) -> None:
        self._prices, self._changes, self.total, self.changes_total = [], [], 0, 0

    @rx.event
    def load(self):
        self.page, self.search, self.manual_open = 1, "", False
        yield from self._reload()

    @rx.event
    def choose_market(self, market_id: str):
        self.market_id, self.page, self.search = market_id, 1, ""
        yield from self._reload()

    def _decided(self, key: str):
        self.deciding = False
        yield rx.toast.success(self.t(key))
        yield from self._reload()

    @rx.event
    def approve(self, price_id: int):
        self.deciding = True
        yield
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                row = market_lists.approve_change(session, principal, price_id)
        except DomainError as error:
            self.deciding = False
            yield self._denied(error)
            return
        yield from self._decided(
            "market_lists.toast_applied" if row["status"] == "active" else "market_lists.toast_approved"
        )

    @rx.event
    def reject(self, price_id: int):
        self.deciding = True
        yield
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                market_lists.reject_change(session, principal, price_id)
        except DomainError as error:
            self.deciding = False
            yield self._denied(error)
            return
        yield from self._decided("market_lists.toast_rejected")

    @rx.event
    def open_manual(self, kind: str, item_id: int, label: str, price: str):
        self.manual_kind, self.manual_item_id, self.manual_label = kind, item_id, label
        self.manual_price, self.manual_error, self.manual_open = price, "", True

    @rx.event
    def set_manual_open(self, value: bool):
        self.manual_open = value

    @rx.event
    def set_manual_price(self, value: str):
        self.manual_price, self.manual_error = value[:20], ""

    @rx.event
    def save_manual(self):
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                row = market_lists.set_manual_price(
                    session,
                    principal,
                    market_id=self.market_id,
                    item_kind=self.manual_kind,
                    item_id=self.manual_item_id,
                    price=self.manual_price,
                )
        except DomainError as error:
            if error.field == "price":
                self.manual_error = self.t(error.code, **plain(error.params))
                return None
            return self._denied(error)
        self.manual_open = False
        key = (
            "market_lists.toast_manual" if row["status"] == "active" else "market_lists.toast_manual_pending"
        )
        return [rx.toast.success(self.t(key)), MarketListsState.refresh]

    @rx.event
    def refresh(self):
        yield from self._reload()

    @rx.event
    def reprice_now(self):
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                market_lists.request_repricing(session, principal)
        except DomainError as error:
            return self._denied(error)
        return rx.toast.info(self.t("market_lists.toast_repricing"))
