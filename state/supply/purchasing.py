"""Purchase-order lists: the supplier's inbox and orders, the manager's orders, and the shipping
notices in transit that the manager's warehouse receives.

The services scope every read (a supplier sees only its own orders); each load re-reads the
principal, so a role change or a logout takes effect on the next click.
"""

from __future__ import annotations

import reflex as rx

from models import Role
from models.db import session_scope
from models.supply import PurchaseOrderStatus, ShippingNoticeStatus
from services.catalog.lists import Page
from services.i18n.names import row_name
from services.supply import purchasing
from services.supply.states import OPEN_STATUSES
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.supply.purchase_rows import NoticeRow
from state.supply.view import PO_STATUS_COLOURS, colour, fmt_date, fmt_int, fmt_money, label, plain

READERS = (Role.MANAGER, Role.SUPPLIER)
ALL = "__all__"
OPEN = "__open__"
# The notices the receiving list shows: still expected at the warehouse.
AWAITED_NOTICES = (ShippingNoticeStatus.IN_TRANSIT, ShippingNoticeStatus.PARTLY_RECEIVED)
STATUS_FILTERS = (ALL, OPEN, *[status.value for status in PurchaseOrderStatus])


class PurchaseOrderListState(PagedMixin, AuthState):
    """One page of purchase orders, newest first, filtered by state (and order number)."""

    _orders: list[dict] = []
    status_filter: str = OPEN

    @rx.var
    def status_options(self) -> list[dict[str, str]]:
        names = {ALL: self.t("common.all"), OPEN: self.t("purchase.filter_open")}
        return [
            {"value": value, "label": names.get(value) or self.t(f"purchase.status.{value}")}
            for value in STATUS_FILTERS
        ]

    @rx.var
    def rows(self) -> list[dict[str, str]]:
        language, base = self.language, routes.purchase_orders(self.role)
        return [
            {
                "id": str(order["id"]),
                "number": order["number"],
                "href": f"{base}/{order['id']}",
                "supplier": row_name(order, "supplier_name", self.language),
                "ship_to": row_name(order, "ship_to_name", self.language),
                "status": order["status"],
                "status_label": label("purchase.status", order["status"], language),
                "colour": colour(PO_STATUS_COLOURS, order["status"]),
                "issued": self.fmt_time(order["issued_at"]),
                "issued_day": self.fmt_time_parts(order["issued_at"])[0],
                "issued_time": self.fmt_time_parts(order["issued_at"])[1],
                "lines": fmt_int(order["lines"], language),
                "line_count": self.t("purchase.line_count", count=order["lines"]),
                "total": fmt_money(order["total"], order["currency"], language),
                "next_due": fmt_date(order["next_due"], language),
                "progress": self.t(
                    "purchase.progress",
                    shipped=fmt_int(order["quantity_shipped"], language),
                    received=fmt_int(order["quantity_accepted"] + order["quantity_rejected"], language),
                    ordered=fmt_int(order["quantity_ordered"], language),
                ),
                "warning": order["standing_at_issue"] == "poor",
            }
            for order in self._orders
        ]

    def _fetch(self) -> None:
        principal = self._principal(*READERS)
        status = (
            None
            if self.status_filter == ALL
            else (sorted(OPEN_STATUSES) if self.status_filter == OPEN else self.status_filter)
        )
        with session_scope() as session:
            orders, self.total = purchasing.list_purchase_orders(
                session, principal, page=Page(self.page, PAGE_SIZE), status=status, text=self.search or None
            )
        self._orders = plain(orders)

    def _empty(self) -> None:
        self._orders, self.total = [], 0

    @rx.event
    def load(self):
        self.page, self.search = 1, ""
        # The supplier's inbox opens on the orders waiting for its answer when there are any.
        query = self.router.url.query_parameters.get("status", "")
        self.status_filter = query if query in STATUS_FILTERS else OPEN
        yield from self._reload()

    @rx.event
    def set_status_filter(self, value: str):
        self.status_filter = value if value in STATUS_FILTERS else OPEN
        self.page = 1
        yield from self._reload()


class ReceivingState(PagedMixin, AuthState):
    """Shipping notices on their way to the manager's warehouses (in transit or partly received),
    oldest first, a page at a time: what should have arrived first is received first."""

    _notices: list[dict] = []

    @rx.var
    def rows(self) -> list[NoticeRow]:
        return [
            NoticeRow(
                id=str(notice["id"]),
                number=notice["number"],
                order=notice["purchase_order_number"],
                href=routes.purchase_order(Role.MANAGER, notice["purchase_order_id"]),
                supplier=row_name(notice, "supplier_name", self.language),
                carrier=notice["carrier"],
                tracking=notice["tracking_number"],
                shipped=self.fmt_time(notice["shipped_at"]),
                status=label("asn.status", notice["status"], self.language),
                colour="cyan" if notice["status"] == ShippingNoticeStatus.IN_TRANSIT else "teal",
            )
            for notice in self._notices
        ]

    def _fetch(self) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            notices, self.total = purchasing.list_shipping_notices(
                session, principal, page=Page(self.page, PAGE_SIZE), status=AWAITED_NOTICES, oldest_first=True
            )
        self._notices = plain(notices)

    def _empty(self) -> None:
        self._notices, self.total = [], 0

    @rx.event
    def load(self):
        self.page, self.search = 1, ""
        yield from self._reload()
