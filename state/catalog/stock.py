"""Stock lists (the /stock page and the supplier's home): scoped by services.catalog.lists.list_stock.

The /stock page also filters by location, part category and low stock; the choices are what the
principal may read, and a choice outside them falls back to all."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from models.settings import get_settings
from services.catalog.lists import Page, list_stock, stock_categories, stock_locations
from services.i18n.names import category_label, localized_name
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

STOCK_ROLES = (Role.MANAGER, Role.SUPPLIER, Role.DEALER, Role.ADMIN)
ALL = "__all__"


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
    # The filters' choices ({"value": location id as text, "label": ...}) and what is chosen.
    locations: list[dict[str, str]] = []
    categories: list[str] = []
    location: str = ALL
    category: str = ALL
    low_only: bool = False

    @rx.var
    def filtered(self) -> bool:
        """Whether a filter or the search narrows the list (the empty state then says so)."""
        return bool(self.search.strip()) or self.location != ALL or self.category != ALL or self.low_only

    @rx.var
    def display_rows(self) -> list[StockRow]:
        return [
            {
                "location": localized_name(row["location_name"], row.get("location_name_zh"), self.language),
                "location_code": row["location_code"],
                "code": row["item_code"] or "",
                "item": localized_name(row["item_name"], row.get("item_name_zh"), self.language),
                "kind": row["item_kind"],
                "on_hand": self.fmt_number(row["on_hand"]),
                "reserved": self.fmt_number(row["reserved"]),
                "available": self.fmt_number(row["available"]),
                "low": row["available"] <= self.low_threshold,
            }
            for row in self.rows
        ]

    @rx.var
    def location_choices(self) -> list[dict[str, str]]:
        """The location filter's choices, named in the viewer's language."""
        choices = []
        for choice in self.locations:
            name = localized_name(choice["name"], choice["name_zh"], self.language)
            choices.append({"value": choice["value"], "label": f"{name} · {choice['code']}"})
        return choices

    @rx.var
    def category_choices(self) -> list[dict[str, str]]:
        """The category filter's choices: the stored category, shown in the viewer's language."""
        return [{"value": name, "label": category_label(name, self.language)} for name in self.categories]

    def _fetch(self) -> None:
        principal = self._principal(*STOCK_ROLES)
        self.low_threshold = get_settings().low_stock_threshold
        with session_scope() as session:
            if not self.locations:
                self.locations = [
                    {
                        "value": str(row["id"]),
                        "name": row["name"],
                        "name_zh": row["name_zh"] or "",
                        "code": row["code"],
                    }
                    for row in stock_locations(session, principal)
                ]
                self.categories = stock_categories(session, principal)
            self.rows, self.total = list_stock(
                session,
                principal,
                page=Page(self.page, PAGE_SIZE),
                location_id=None if self.location == ALL else int(self.location),
                category=None if self.category == ALL else self.category,
                low_only=self.low_only,
                text=self.search or None,
            )

    def _empty(self) -> None:
        self.rows, self.total = [], 0

    @rx.event
    def load(self):
        self.page, self.search = 1, ""
        self.location, self.category, self.low_only = ALL, ALL, False
        self.locations, self.categories = [], []
        yield from self._reload()

    @rx.event
    def set_location(self, location: str):
        known = {choice["value"] for choice in self.locations}
        self.location = location if location in known else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_category(self, category: str):
        self.category = category if category in self.categories else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_low_only(self, low_only: bool):
        self.low_only = bool(low_only)
        self.page = 1
        yield from self._reload()
