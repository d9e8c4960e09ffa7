"""The parts catalogue (/catalogue): a supplier sees the parts it supplies, other roles all parts."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.catalog.lists import Page, list_parts, part_categories
from services.i18n.names import category_label, localized_name, unit_label
from services.platform.formatting import format_money
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

CATALOGUE_ROLES = (Role.MANAGER, Role.SUPPLIER, Role.DEALER, Role.ADMIN)
ALL = "__all__"


class PartRow(TypedDict):
    """One part as the catalogue shows it (the price formatted in the viewer's language)."""

    sku: str
    name: str
    category: str
    unit: str
    price: str
    supplier: str
    available: str  # dealers: units one order can get now ("" for other roles)
    out_of_stock: bool


class CatalogueState(PagedMixin, AuthState):
    """One page of the parts the principal may read, by category and text (list_parts scopes them)."""

    rows: list[dict] = []
    categories: list[str] = []
    category: str = ALL

    @rx.var
    def display_rows(self) -> list[PartRow]:
        return [
            {
                "sku": row["sku"],
                "name": localized_name(row["name"], row.get("name_zh"), self.language),
                "category": category_label(row["category"], self.language),
                "unit": unit_label(row["unit"], self.language),
                "price": format_money(row["list_price"], row["currency"], self.language),
                "supplier": localized_name(row["supplier_name"], row.get("supplier_name_zh"), self.language),
                "available": self.fmt_number(row["available"]) if row.get("available") is not None else "",
                "out_of_stock": row.get("available") == 0,
            }
            for row in self.rows
        ]

    @rx.var
    def category_choices(self) -> list[dict[str, str]]:
        """The category filter's choices: the stored category, shown in the viewer's language."""
        return [{"value": name, "label": category_label(name, self.language)} for name in self.categories]

    def _fetch(self) -> None:
        principal = self._principal(*CATALOGUE_ROLES)
        with session_scope() as session:
            if not self.categories:
                self.categories = part_categories(session, principal)
            rows, self.total = list_parts(
                session,
                principal,
                page=Page(self.page, PAGE_SIZE),
                category=None if self.category == ALL else self.category,
                text=self.search or None,
            )
        # Decimal prices become strings: state holds plain data only.
        self.rows = [{**row, "list_price": str(row["list_price"])} for row in rows]

    def _empty(self) -> None:
        self.rows, self.total = [], 0

    @rx.event
    def load(self):
        self.page, self.search, self.category, self.categories = 1, "", ALL, []
        yield from self._reload()

    @rx.event
    def set_category(self, category: str):
        self.category = category if category == ALL or category in self.categories else ALL
        self.page = 1
        yield from self._reload()
