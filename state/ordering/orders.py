"""Orders in the portal: one order's page (kept live by portal/live_updates.py) and the lists.

State holds the orders as plain JSON-ready data (`OrderView.as_dict()`: decimal strings, ISO UTC
times); computed vars format them in the viewer's language and time zone, so a language switch
needs no reload. Every read goes through services.ordering.views, which scopes it to the viewer's
organisation (a customer: to the customer alone).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models import OrderStatus, Role
from models.db import session_scope
from services.catalog.lists import Page
from services.i18n import KEYS
from services.i18n.names import row_name
from services.ordering.placement import cancel_order, get_order, list_orders
from services.platform.errors import DomainError, NotFound, PermissionDenied
from services.platform.formatting import format_day, format_money
from services.showroom.configured_orders import order_configuration_view
from state.ordering.order_watchers import WATCHERS
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.shared.timeline import TimelineRow

ORDER_ROLES = (Role.DEALER, Role.CUSTOMER)
ALL = "__all__"
SIDES = ("buyer", "seller")
RECENT_ORDERS = 5
# The badge colour of each status (Radix colour scales).
STATUS_COLOURS = {
    OrderStatus.PENDING_PAYMENT: "amber",
    OrderStatus.PAID: "blue",
    OrderStatus.ALLOCATED: "grass",
    OrderStatus.CANCELLED: "red",
}


class OrderSummaryRow(TypedDict):
    """One order of a list, formatted for the viewer."""

    id: str
    number: str
    href: str
    status: str
    status_label: str
    kind: str
    created: str
    location: str
    lines: str
    total: str


class OrderLineRow(TypedDict):
    line_no: str
    code: str
    name: str
    kind: str
    quantity: str
    unit_price: str
    line_total: str


def _order_id_from_path(path: str) -> int | None:
    """12 for "/orders/12" (or "/orders/12/"); None when the address names no order."""
    reference = path.rstrip("/").rsplit("/", 1)[-1]
    return int(reference) if reference.isdigit() and len(reference) < 12 else None


class OrderFormatMixin(rx.State, mixin=True):
    """Labels shared by the order page and the lists (mixed into AuthState subclasses)."""

    def _label(self, prefix: str, value: str | None) -> str:
        """The label of a status or event: in plain words for a customer ("Being prepared", not
        "Allocated"), in the trade's terms for dealers, suppliers and managers."""
        key = f"{prefix}.{value}"
        if self.role == "customer" and f"customer.{key}" in KEYS:
            return self.t(f"customer.{key}")
        return self.t(key) if key in KEYS else (value or "")

    def _money(self, amount: str | None, currency: str) -> str:
        return format_money(amount, currency, self.language) if amount not in (None, "") else ""

    def _summary_row(self, row: dict) -> OrderSummaryRow:
        return {
            "id": str(row["id"]),
            "number": row["number"],
            "href": routes.order_page(row["id"]),
            "status": row["status"],
            "status_label": self._label("order.status", row["status"]),
            "kind": self._label("order.kind", row["kind"]),
            "created": self.fmt_time(row["created_at"]),
            "location": row_name(row, "buyer_location_name", self.language),
            "lines": self.fmt_number(row["line_count"]),
            "total": self._money(row["total"], row["currency"]),
        }


class OrderState(OrderFormatMixin, AuthState):
    """/orders/[order_ref]: one order, its lines, money, shipment and timeline."""

    _order: dict = {}
    _configuration: dict = {}  # a configured vehicle's colour, packs and promise (ConfigurationView.as_dict)
    viewer_is_buyer: bool = False
    loading: bool = True
    cancelling: bool = False

    # --- display -----------------------------------------------------------------------

    @rx.var
    def order_id(self) -> int:
        return int(self._order.get("id", 0))

    @rx.var
    def header(self) -> dict[str, str]:
        order = self._order
        if not order:
            return {}
        currency = order["currency"]
        cancel_code = order.get("cancel_code")
        deposit = order.get("deposit")
        # A vehicle ordered at a store is handed over where it stands: no separate source to show.
        same_place = order["source_location_id"] == order["buyer_location_id"]
        return {
            "number": order["number"],
            "status": order["status"],
            "status_label": self._label("order.status", order["status"]),
            "kind": self._label("order.kind", order["kind"]),
            "created": self.fmt_time(order["created_at"]),
            "updated": self.fmt_time(order["updated_at"]),
            "buyer_location": row_name(order, "buyer_location_name", self.language),
            "source_location": "" if same_place else row_name(order, "source_location_name", self.language),
            "total": self._money(order["total"], currency),
            "deposit": self._money(deposit, currency),
            "balance": self._money(str(Decimal(order["total"]) - Decimal(deposit)), currency)
            if deposit
            else "",
            "payment_status": self._label("payment.status", order["payment_status"]),
            "hold_until": self.fmt_time(order["hold_expires_at"])
            if order["status"] == OrderStatus.PENDING_PAYMENT
            else "",
            "cancel_text": self.t(cancel_code, reason=order.get("cancel_reason") or "")
            if cancel_code
            else "",
            "refunded": self._money(order.get("refunded_amount"), currency),
            "from_drive": f"#{order['test_drive_id']}" if order.get("test_drive_id") else "",
        }

    @rx.var
    def configuration(self) -> dict[str, str]:
        """A configured vehicle order: the colour and packs as ordered, and how the car comes."""
        kept = self._configuration
        if not kept or not self._order:
            return {}
        currency = self._order["currency"]

        def named(kind: str, key: str, fallback: str) -> str:
            text = self.t(f"configurator.{kind}.{key}")
            return fallback if text == f"configurator.{kind}.{key}" else text

        ready = format_day(kept["ready_by"], self.language) if kept.get("ready_by") else ""
        return {
            "colour": named("colour", kept["colour"]["key"], kept["colour"]["label"]),
            "packs": ", ".join(
                f"{named('pack', p['code'], p['name'])} ({self._money(p['price'], currency)})"
                for p in kept["packs"]
            )
            or self.t("orders.no_packs"),
            "delivery": self.t("orders.from_plant", date=ready)
            if kept["from_plant"]
            else self.t("orders.built_car", vin=kept.get("vin") or "", date=ready),
        }

    @rx.var
    def line_rows(self) -> list[OrderLineRow]:
        return [
            {
                "line_no": str(line["line_no"]),
                "code": line["item_code"],
                "name": row_name(line, "item_name", self.language),
                "kind": self.t(f"cart.kind.{line['item_kind']}"),
                "quantity": self.fmt_number(line["quantity"]),
                "unit_price": self._money(line["unit_price"], line["currency"]),
                "line_total": self._money(line["line_total"], line["currency"]),
            }
            for line in self._order.get("lines", [])
        ]

    @rx.var
    def timeline(self) -> list[TimelineRow]:
        """The order's transitions, oldest first, at the viewer's local time: the new status is
        the title, the cause a line of words, the detail (a gateway's reference, say) in code."""
        return [
            {
                "at": self.fmt_time(entry["at"]),
                "status": entry["to_status"],
                "title": self._label("order.status", entry["to_status"]),
                "change": "",
                "cause": self._label(*entry["cause"].rsplit(".", 1))
                if entry["cause"] in KEYS
                else entry["cause"],
                "detail": "",
                "code": entry.get("detail") or "",
                "actor": "",
            }
            for entry in self._order.get("timeline", [])
        ]

    @rx.var
    def shipment(self) -> dict[str, str]:
        shipment = self._order.get("shipment")
        if not shipment:
            return {}
        handover = shipment["from_location_id"] == shipment["to_location_id"]
        return {
            "status": self.t(f"customer.shipment.{shipment['tracking_status']}")
            if self.role == "customer"
            else self._label("shipment.tracking", shipment["tracking_status"]),
            "reference": shipment.get("carrier_reference") or "",
            "created": self.fmt_time(shipment["created_at"]),
            "href": routes.shipment(shipment["id"]),
            "from": row_name(self._order, "source_location_name", self.language),
            "to": row_name(self._order, "buyer_location_name", self.language),
            "handover": self.t(
                "orders.handover_at", store=row_name(self._order, "buyer_location_name", self.language)
            )
            if handover
            else "",
        }

    @rx.var
    def may_cancel(self) -> bool:
        return self.viewer_is_buyer and self._order.get("status") == OrderStatus.PENDING_PAYMENT

    @rx.var
    def back_path(self) -> str:
        return routes.orders_list(self.role)

    # --- loading, and the live push ---------------------------------------------------

    def show(self, order: dict) -> None:
        """Show `order` (an `OrderView.as_dict()`); portal/live_updates.py calls this too."""
        self._order = order
        self.loading = False

    @rx.event
    def load(self):
        """on_load: the order named in the address, if the viewer may see it."""
        token = self.router.session.client_token
        order_id = _order_id_from_path(self.router.url.path)
        if order_id != self.order_id:
            self._order, self.loading = {}, True
        try:
            principal = self._principal(*ORDER_ROLES)
        except PermissionDenied:
            return None  # the access guard has already sent the viewer away
        try:
            if order_id is None:
                raise NotFound("order.not_found", field="order_id")
            with session_scope() as session:
                view = get_order(session, principal, order_id)
                configuration = order_configuration_view(session, order_id)  # (may see it: checked above)
        except NotFound:
            WATCHERS.forget(token)
            self._order, self.loading = {}, False
            return [
                rx.redirect(routes.orders_list(principal.role)),
                rx.toast.error(self.t("orders.not_yours"), id="order-not-found"),
            ]
        self.viewer_is_buyer = (
            view.buyer_user_id == principal.user_id
            if principal.role == Role.CUSTOMER
            else view.buyer_organisation_id == principal.organisation_id
        )
        self._configuration = configuration.as_dict() if configuration is not None else {}
        self.show(view.as_dict())
        WATCHERS.watch(token, order_id)
        return None

    @rx.event
    def stop_watching(self):
        """on_unmount of the order page: this tab no longer needs the order's changes."""
        WATCHERS.forget(self.router.session.client_token)

    @rx.event
    def cancel(self):
        """The buyer cancels the order while it still waits for payment."""
        if self.cancelling or not self.order_id:
            return
        self.cancelling = True
        yield
        try:
            principal = self._principal(*ORDER_ROLES)
            with session_scope() as session:
                view = cancel_order(session, principal, self.order_id)
        except DomainError as error:
            self.cancelling = False
            yield self._denied(error)
            return
        self.cancelling = False
        self.show(view.as_dict())
        yield rx.toast.success(self.t("orders.cancelled_toast", number=view.number), id="order-cancelled")


class OrderListState(OrderFormatMixin, PagedMixin, AuthState):
    """/orders (a dealer: its purchases, or its customers' orders) and /my-orders (a customer)."""

    rows: list[dict] = []
    side: str = "buyer"
    status: str = ALL

    @rx.var
    def display_rows(self) -> list[OrderSummaryRow]:
        return [self._summary_row(row) for row in self.rows]

    @rx.var
    def status_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("common.all")}] + [
            {"value": status.value, "label": self._label("order.status", status.value)}
            for status in OrderStatus
        ]

    @rx.var
    def side_options(self) -> list[dict[str, str]]:
        return [{"value": side, "label": self.t(f"orders.side.{side}")} for side in SIDES]

    def _fetch(self) -> None:
        principal = self._principal(*ORDER_ROLES)
        side = "buyer" if principal.role == Role.CUSTOMER else self.side
        with session_scope() as session:
            summaries, self.total = list_orders(
                session,
                principal,
                Page(self.page, PAGE_SIZE),
                side=side,
                status=None if self.status == ALL else self.status,
            )
        self.rows = [summary.as_dict() for summary in summaries]

    def _empty(self) -> None:
        self.rows, self.total = [], 0

    @rx.event
    def load(self):
        self.page, self.status = 1, ALL
        yield from self._reload()

    @rx.event
    def set_status(self, status: str):
        self.status = status if status in {s.value for s in OrderStatus} else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_side(self, side: str):
        self.side = side if side in SIDES else "buyer"
        self.page = 1
        yield from self._reload()


class RecentOrdersState(OrderFormatMixin, AuthState):
    """The dealer home's Orders section: the latest orders it placed, or its customers placed."""

    rows: list[dict] = []
    total: int = 0
    side: str = "buyer"
    loading: bool = True

    @rx.var
    def display_rows(self) -> list[OrderSummaryRow]:
        return [self._summary_row(row) for row in self.rows]

    @rx.var
    def side_options(self) -> list[dict[str, str]]:
        return [{"value": side, "label": self.t(f"orders.side.{side}")} for side in SIDES]

    @rx.var
    def more_label(self) -> str:
        return self.t("orders.view_all", total=self.fmt_number(self.total))

    def _reload(self):
        self.loading = True
        yield
        try:
            principal = self._principal(Role.DEALER)
            with session_scope() as session:
                summaries, self.total = list_orders(
                    session, principal, Page(1, RECENT_ORDERS), side=self.side
                )
            self.rows = [summary.as_dict() for summary in summaries]
        except PermissionDenied:
            self.rows, self.total = [], 0
        except DomainError as error:
            yield self._denied(error)
        self.loading = False

    @rx.event
    def load(self):
        yield from self._reload()

    @rx.event
    def set_side(self, side: str):
        self.side = side if side in SIDES else "buyer"
        yield from self._reload()
