"""Stock lists (the /stock page and the supplier's home): scoped by services.catalog.lists.list_stock."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from models.settings import get_settings
from services.catalog.lists import Page, list_stock
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

STOCK_ROLES = (Role.MANAGER, Role.SUPPLIER, Role.DEALER, Role.ADMIN)


class StockRow(TypedDict):
    """One stock row as the table shows it; `low` when what is available is at or under the
    low-stock threshold."""

    location: str
    location_code: str
    code: str
    item: str
    kind: str
    on_hand: str
    reserved: str
    available: str
    low: bool


class StockState(PagedMixin, AuthState):
    """One page of the stock rows the principal may read (the service applies the scoping)."""

    rows: list[dict] = []
    low_threshold: int = 0

    @rx.var
    def display_rows(self) -> list[StockRow]:
        return [
            {
                "location": row["location_name"],
                "location_code": row["location_code"],
                "code": row["item_code"] or "",
                "item": row["item_name"] or "",
                "kind": row["item_kind"],
                "on_hand": self.fmt_number(row["on_hand"]),
                "reserved": self.fmt_number(row["reserved"]),
                "available": self.fmt_number(row["available"]),
                "low": row["available"] <= self.low_threshold,
            }
            for row in self.rows
        ]

    def _fetch(self) -> None:
        principal = self._principal(*STOCK_ROLES)
        self.low_threshold = get_settings().low_stock_threshold
        with session_scope() as session:
            self.rows, self.total = list_stock(
                session, principal, page=Page(self.page, PAGE_SIZE), text=self.search or None
            )

    def _empty(self) -> None:
        self.rows, self.total = [], 0

    @rx.event
    def load(self):
        self.page = 1
        self.search = ""
        yield from self._reload()
