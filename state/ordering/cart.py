"""The dealer's cart: parts and vehicles with quantities, a delivery store, prices from the server's
price list, and the checkout that places the order.

The cart's lines live on the server per user (services/ordering/carts.py), so they follow the dealer
across logout, tabs and devices; this state mirrors them after each change. Money shown here is
computed on the server with Decimal (services.ordering.cart_pricing) and formatted for the viewer;
placement prices the order again itself.
Each checkout attempt carries an idempotency key made when the cart last changed, so a double
click (or a retried request) can never place the same cart twice.
"""

from __future__ import annotations

import uuid
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from models.settings import get_settings
from services.i18n.names import place_label, row_name
from services.ordering import carts
from services.ordering.cart_pricing import ITEM_KINDS, quote_cart
from services.ordering.placement import OutOfStock, delivery_locations, place_order
from services.platform.errors import DomainError, PermissionDenied
from services.platform.fields import whole_quantity
from services.platform.formatting import format_money
from state.shared import routes
from state.shared.auth import AuthState
from workers.dispatch import start_processing

MAX_CART_LINES = carts.MAX_CART_LINES
LOCATION_FIELD = "buyer_location_id"
FORM_FIELD = "form"


def line_key(kind: str, item_id: int | str) -> str:
    """The cart's key for an item ("part:12"): stable while other lines come and go."""
    return f"{kind}:{item_id}"


def _maximum(kind: str) -> int:
    settings = get_settings()
    return settings.order_max_part_quantity if kind == "part" else settings.order_max_vehicle_quantity


def _line_index(field: str | None) -> int | None:
    """2 for "lines[2].quantity"; None for a field that is not a cart line."""
    if not field or not field.startswith("lines["):
        return None
    number = field[len("lines[") :].split("]", 1)[0]
    return int(number) if number.isdigit() else None


def _state_lines(lines: list[dict]) -> list[dict[str, str]]:
    """The server's cart lines as this state keeps them (plain strings, keyed)."""
    return [
        {
            "key": line_key(line["kind"], line["item_id"]),
            "kind": line["kind"],
            "item_id": str(line["item_id"]),
            "code": line["code"],
            "name": line["name"],
            "name_zh": line.get("name_zh") or "",
            "quantity": line["quantity"],
        }
        for line in lines
    ]


def _plain(params: dict) -> dict:
    """An error's parameters that a message can show (no nested lists)."""
    return {key: value for key, value in params.items() if isinstance(value, str | int)}


class CartRow(TypedDict):
    """One cart line as the table shows it: prices formatted ("—" until the server priced it),
    the line's refusal and the warehouse's shortage as words (empty when there is none)."""

    key: str
    code: str
    name: str
    quantity: str
    kind: str
    unit_price: str
    line_total: str
    error: str
    shortage: str


class CartState(AuthState):
    # In the order added: {"key", "kind", "item_id", "code", "name", "quantity"} (quantity as typed).
    lines: list[dict[str, str]] = []
    # Line key -> {"unit_price", "currency", "line_total"} as decimal strings, from the server.
    prices: dict[str, dict[str, str]] = {}
    # Currency -> total as a decimal string.
    totals: dict[str, str] = {}
    # Field ("form", "buyer_location_id" or a line key) -> [message key, params].
    errors: dict[str, list] = {}
    # Line key -> [requested, available] after the warehouse could not fill it.
    shortages: dict[str, list[int]] = {}
    locations: list[dict[str, str]] = []
    location_id: str = ""
    # The idempotency key of the next checkout: new whenever the cart changes.
    checkout_key: str = ""
    placing: bool = False
    loading: bool = True

    # --- display -----------------------------------------------------------------------

    @rx.var
    def rows(self) -> list[CartRow]:
        """Each line as the table shows it, in the viewer's language."""
        rows = []
        for line in self.lines:
            key = line["key"]
            price = self.prices.get(key)
            error = self.errors.get(key)
            short = self.shortages.get(key)
            rows.append(
                {
                    "key": key,
                    "code": line["code"],
                    "name": row_name(line, "name", self.language),
                    "quantity": line["quantity"],
                    "kind": self.t(f"cart.kind.{line['kind']}"),
                    "unit_price": format_money(price["unit_price"], price["currency"], self.language)
                    if price
                    else "—",
                    "line_total": format_money(price["line_total"], price["currency"], self.language)
                    if price and key not in self.errors
                    else "—",
                    "error": self.t(error[0], **error[1]) if error else "",
                    "shortage": self.t(
                        "cart.short", available=self.fmt_number(short[1]), requested=self.fmt_number(short[0])
                    )
                    if short
                    else "",
                }
            )
        return rows

    @rx.var
    def total_lines(self) -> list[str]:
        """The cart's total, one entry per currency."""
        return [
            format_money(amount, currency, self.language) for currency, amount in sorted(self.totals.items())
        ]

    @rx.var
    def mixed_currencies(self) -> bool:
        return len(self.totals) > 1

    @rx.var
    def has_shortages(self) -> bool:
        return bool(self.shortages)

    @rx.var
    def item_count(self) -> int:
        return len(self.lines)

    @rx.var
    def location_options(self) -> list[dict[str, str]]:
        return [
            {
                "value": location["id"],
                "label": place_label(location, self.language),
            }
            for location in self.locations
        ]

    @rx.var
    def form_error(self) -> str:
        error = self.errors.get(FORM_FIELD)
        if not error:
            return ""
        return self.t(
            error[0],
            **{
                key: self.fmt_number(value) if isinstance(value, int) else value
                for key, value in error[1].items()
            },
        )

    @rx.var
    def checkout_blocked(self) -> str:
        """Why "Place order" cannot act now (empty when it can): a line with a refused quantity,
        or no delivery location. The button is disabled and says this beside it."""
        if any(line["key"] in self.errors for line in self.lines):
            return self.t("cart.blocked_by_lines")
        if self.lines and not self.location_id:
            return self.t("cart.blocked_by_location")
        return ""

    @rx.var
    def location_error(self) -> str:
        error = self.errors.get(LOCATION_FIELD)
        return self.t(error[0], **error[1]) if error else ""

    # --- helpers -----------------------------------------------------------------------

    def _changed(self) -> None:
        """The cart differs from the last checkout attempt: a new key, no stale answers."""
        self.checkout_key = uuid.uuid4().hex
        self.shortages = {}
        self.errors = {
            key: value for key, value in self.errors.items() if key not in (FORM_FIELD, LOCATION_FIELD)
        }

    def _quantity(self, line: dict[str, str]) -> int:
        """The line's quantity as a whole positive number (ValidationFailed otherwise)."""
        return whole_quantity(line["quantity"], line["key"], maximum=_maximum(line["kind"]))

    def _reprice(self, principal) -> None:
        """Price every line from the buyer's market list; a line whose quantity is not valid yet
        counts as none (its unit price still shows, its total does not)."""
        requested = []
        for line in self.lines:
            try:
                quantity = self._quantity(line)
            except DomainError:
                quantity = 0
            requested.append((line["kind"], int(line["item_id"]), quantity))
        # Priced in the market of the chosen delivery location, where placement prices it.
        location_id = int(self.location_id) if self.location_id else None
        with session_scope() as session:
            quote = quote_cart(session, principal, requested, location_id=location_id)
        self.prices = {
            line_key(priced.item.kind, priced.item.id): {
                "unit_price": str(priced.item.unit_price),
                "currency": priced.item.currency,
                "line_total": str(priced.line_total),
            }
            for priced in quote.lines
        }
        self.totals = {currency: str(amount) for currency, amount in quote.totals.items()}

    def _clear(self) -> None:
        self.lines, self.prices, self.totals, self.errors, self.shortages = [], {}, {}, {}, {}
        self.checkout_key = uuid.uuid4().hex

    # --- events ------------------------------------------------------------------------

    @rx.event
    def load(self):
        """on_load of /cart: the dealer's delivery locations and fresh prices."""
        self.loading = True
        yield
        try:
            principal = self._principal(Role.DEALER)
            with session_scope() as session:
                locations = delivery_locations(session, principal)
                self._mirror(carts.cart_lines(session, principal))
            self.locations = [
                {
                    "id": str(location["id"]),
                    "name": location["name"],
                    "name_zh": location["name_zh"],
                    "city": location["city"],
                }
                for location in locations
            ]
            if self.location_id not in {location["id"] for location in self.locations}:
                self.location_id = self.locations[0]["id"] if self.locations else ""
            self._reprice(principal)
            if not self.checkout_key:
                self.checkout_key = uuid.uuid4().hex
        except PermissionDenied:
            self.locations = []
        except DomainError as error:
            yield self._denied(error)
        self.loading = False

    def _mirror(self, lines: list[dict]) -> None:
        """Show the server's cart, each line's quantity checked as it stands (a quantity kept as
        typed in another tab may be refused here at once); a line's refusal stays only while its
        line does."""
        self.lines = _state_lines(lines)
        errors = {k: v for k, v in self.errors.items() if k in (FORM_FIELD, LOCATION_FIELD)}
        for line in self.lines:
            try:
                self._quantity(line)
            except DomainError as error:
                errors[line["key"]] = [error.code, _plain(error.params)]
        self.errors = errors

    @rx.event
    def add_item(self, kind: str, code: str):
        """Put one more of the part (SKU) or vehicle (trim code) in the cart."""
        if kind not in ITEM_KINDS:
            return None
        try:
            principal = self._principal(Role.DEALER)
            with session_scope() as session:
                item, lines = carts.add_to_cart(session, principal, kind, code)
            key = line_key(item["kind"], item["item_id"])
            self.errors = {k: v for k, v in self.errors.items() if k != key}
            self._mirror(lines)
            self._changed()
            self._reprice(principal)
        except DomainError as error:
            if error.code == "order.too_many_lines":
                return rx.toast.error(self.t("order.too_many_lines", max=MAX_CART_LINES))
            return self._denied(error)
        return rx.toast.success(
            self.t("cart.added", item=row_name(item, "name", self.language)), id=f"cart-added-{key}"
        )

    @rx.event
    def set_quantity(self, key: str, text: str):
        """A quantity as typed: checked at once (whole, at least 1, at most the per-line limit)."""
        text = text.strip()[:12]
        line = next((line for line in self.lines if line["key"] == key), None)
        if line is None:
            return None
        line = {**line, "quantity": text}
        self.lines = [line if existing["key"] == key else existing for existing in self.lines]
        errors = {k: v for k, v in self.errors.items() if k != key}
        try:
            self._quantity(line)
        except DomainError as error:
            errors[key] = [error.code, _plain(error.params)]
        self.errors = errors
        self._changed()
        try:
            principal = self._principal(Role.DEALER)
            with session_scope() as session:  # kept as typed, so every tab and device shows it
                carts.set_cart_quantity(session, principal, line["kind"], int(line["item_id"]), text)
            self._reprice(principal)
        except DomainError as error:
            return self._denied(error)
        return None

    @rx.event
    def remove_line(self, key: str):
        line = next((line for line in self.lines if line["key"] == key), None)
        if line is None:
            return None
        self.errors = {k: v for k, v in self.errors.items() if k != key}
        self.prices = {k: v for k, v in self.prices.items() if k != key}
        self._changed()
        try:
            principal = self._principal(Role.DEALER)
            with session_scope() as session:
                self._mirror(carts.remove_from_cart(session, principal, line["kind"], int(line["item_id"])))
            self._reprice(principal)
        except DomainError as error:
            return self._denied(error)
        return None

    @rx.event
    def set_location(self, location_id: str):
        if location_id in {location["id"] for location in self.locations}:
            self.location_id = location_id
            self._changed()
            try:
                self._reprice(self._principal(Role.DEALER))
            except DomainError as error:
                return self._denied(error)
        return None

    @rx.event
    def checkout(self):
        """Place the cart as one order: reserve its stock, or say which lines are short.

        Repeats with the same cart (a double click) carry the same idempotency key, so at most
        one order is placed; nothing is reserved when any line is short.
        """
        if self.placing or not self.lines:
            return
        try:
            principal = self._principal(Role.DEALER)
        except DomainError as error:
            yield self._denied(error)
            return
        errors = {}
        quantities = []
        for line in self.lines:
            try:
                quantities.append(self._quantity(line))
            except DomainError as error:
                errors[line["key"]] = [error.code, _plain(error.params)]
        if not self.location_id:
            errors[LOCATION_FIELD] = ["order.buyer_location_invalid", {}]
        if errors:
            # Never silent: the button says why it did not place the order, beside each line and
            # above the button, where the click was.
            lines_to_fix = any(key != LOCATION_FIELD for key in errors)
            errors[FORM_FIELD] = [
                "cart.fix_lines_first" if lines_to_fix else "order.buyer_location_invalid",
                {},
            ]
        self.errors, self.shortages = errors, {}
        if errors:
            return
        if not self.checkout_key:
            self.checkout_key = uuid.uuid4().hex
        self.placing = True
        yield
        request = [
            {"item_kind": line["kind"], "item_id": int(line["item_id"]), "quantity": quantity}
            for line, quantity in zip(self.lines, quantities, strict=True)
        ]
        try:
            with session_scope() as session:
                placed = place_order(
                    session,
                    principal,
                    lines=request,
                    buyer_location_id=int(self.location_id),
                    idempotency_key=self.checkout_key,
                )
        except OutOfStock as short:
            self.shortages = {
                self.lines[s.index]["key"]: [s.requested, s.available]
                for s in short.shortages
                if s.index < len(self.lines)
            }
            self.errors = {FORM_FIELD: [short.code, _plain(short.params)]}
            self.placing = False
            return
        except DomainError as error:
            index = _line_index(error.field)
            if index is not None and index < len(self.lines):
                field = self.lines[index]["key"]
            elif error.field == LOCATION_FIELD:
                field = LOCATION_FIELD
            else:
                field = FORM_FIELD
            self.errors = {field: [error.code, _plain(error.params)]}
            self.placing = False
            return
        self.placing = False
        start_processing(placed)  # a worker takes the payment now
        order = placed.order
        with session_scope() as session:
            carts.clear_cart(session, principal)
        self._clear()
        yield rx.redirect(routes.order_page(order.id))
        yield rx.toast.success(self.t("cart.placed", number=order.number), id="order-placed")
