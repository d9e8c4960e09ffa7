"""A customer's vehicle order with a deposit, from the showroom: one trim, at a dealer store.

The dialog shows the price and the deposit the server computes (services.ordering.cart_pricing, the rule
`place_order` applies) and which stores have the vehicle free now; placing the order reserves
it at the chosen store. The idempotency key is made when the dialog opens or the store changes,
so a double click places one order.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import localized_name, place_label, row_name
from services.ordering.cart_pricing import customer_deposit, find_item, stores_holding
from services.ordering.placement import OutOfStock, delivery_locations, place_order
from services.platform.errors import DomainError
from services.platform.formatting import format_money
from state.ordering.cart import FORM_FIELD, LOCATION_FIELD
from state.shared import routes
from state.shared.auth import AuthState
from workers.dispatch import start_processing


class StoreChoice(TypedDict):
    """A dealer store the vehicle may be ordered at; `available` when the vehicle is free there now."""

    id: str
    name: str
    city: str
    country: str
    dealer: str
    available: bool


class VehicleOrderState(AuthState):
    dialog_open: bool = False
    trim_id: int = 0
    trim_code: str = ""
    trim_name: str = ""
    trim_name_zh: str = ""
    currency: str = ""
    # Decimal strings, from the server's price list.
    price: str = ""
    deposit: str = ""
    stores: list[StoreChoice] = []
    store_id: str = ""
    checkout_key: str = ""
    placing: bool = False
    errors: dict[str, list] = {}

    @rx.var
    def price_text(self) -> str:
        return format_money(self.price, self.currency, self.language) if self.price else ""

    @rx.var
    def deposit_text(self) -> str:
        return format_money(self.deposit, self.currency, self.language) if self.deposit else ""

    @rx.var
    def balance_text(self) -> str:
        """What is left to pay at handover."""
        if not (self.price and self.deposit):
            return ""
        return format_money(Decimal(self.price) - Decimal(self.deposit), self.currency, self.language)

    @rx.var
    def trim_label(self) -> str:
        """The trim's name in the viewer's language."""
        return localized_name(self.trim_name, self.trim_name_zh, self.language)

    @rx.var
    def store_options(self) -> list[dict[str, str]]:
        return [
            {
                "value": store["id"],
                "label": place_label(store, self.language)
                + ("" if store["available"] else f" · {self.t('vehicle_order.not_in_stock')}"),
            }
            for store in self.stores
        ]

    @rx.var
    def store_available(self) -> bool:
        return any(store["id"] == self.store_id and store["available"] for store in self.stores)

    @rx.var
    def place_blocked(self) -> str:
        """Why "Place order" cannot act now (empty when it can): no store holds the vehicle
        free, none is chosen, or the chosen one has none free (placing would reserve nothing).
        The button is disabled and says this beside it."""
        if not any(store["available"] for store in self.stores):
            return self.t("vehicle_order.blocked_nowhere")
        if not self.store_id:
            return self.t("vehicle_order.blocked_no_store")
        if not self.store_available:
            return self.t("vehicle_order.blocked_no_stock")
        return ""

    @rx.var
    def store_error(self) -> str:
        error = self.errors.get(LOCATION_FIELD)
        return self.t(error[0], **error[1]) if error else ""

    @rx.var
    def form_error(self) -> str:
        error = self.errors.get(FORM_FIELD)
        return self.t(error[0], **error[1]) if error else ""

    @rx.event
    def open_for(self, trim_code: str):
        """Open the order dialog for the trim: price, deposit, and the stores to choose from."""
        try:
            principal = self._principal(Role.CUSTOMER)
            with session_scope() as session:
                trim = find_item(session, principal, "trim", trim_code)
                stores = delivery_locations(session, principal)
                holding = stores_holding(session, trim.id)
        except DomainError as error:
            return self._denied(error)
        self.trim_id, self.trim_code, self.trim_name = trim.id, trim.code, trim.name
        self.trim_name_zh = trim.name_zh
        self.currency, self.price = trim.currency, str(trim.unit_price)
        self.deposit = str(customer_deposit(trim.unit_price))
        # Stores with the vehicle free come first; the first of them is chosen for the customer.
        self.stores = sorted(
            (
                {
                    "id": str(store["id"]),
                    "name": store["name"],
                    "name_zh": store["name_zh"],
                    "city": store["city"],
                    "country": store["country"],
                    "dealer": row_name(store, "organisation_name", self.language),
                    "available": store["id"] in holding,
                }
                for store in stores
            ),
            key=lambda store: (not store["available"], store["name"]),
        )
        self.store_id = self.stores[0]["id"] if self.stores and self.stores[0]["available"] else ""
        self.errors, self.placing = {}, False
        if self.store_id:
            self._price_at_store(principal)
        self.checkout_key = uuid.uuid4().hex
        self.dialog_open = True
        return None

    @rx.event
    def set_open(self, is_open: bool):
        if not self.placing:
            self.dialog_open = is_open

    def _price_at_store(self, principal) -> None:
        """The price and deposit in the chosen store's market (what placing there charges); a store
        whose market does not list the trim says so under the store choice."""
        try:
            with session_scope() as session:
                trim = find_item(session, principal, "trim", self.trim_code, location_id=int(self.store_id))
        except DomainError as error:
            self.errors = {
                LOCATION_FIELD: [
                    error.code,
                    {k: v for k, v in error.params.items() if isinstance(v, str | int)},
                ]
            }
            return
        self.currency, self.price = trim.currency, str(trim.unit_price)
        self.deposit = str(customer_deposit(trim.unit_price))

    @rx.event
    def set_store(self, store_id: str):
        if store_id in {store["id"] for store in self.stores}:
            self.store_id = store_id
            self.errors = {}
            self.checkout_key = uuid.uuid4().hex
            try:
                principal = self._principal(Role.CUSTOMER)
            except DomainError as error:
                return self._denied(error)
            self._price_at_store(principal)
        return None

    @rx.event
    def place(self):
        """Place the order: the vehicle is reserved at the store and the deposit is charged."""
        if self.placing or not self.trim_id:
            return
        try:
            principal = self._principal(Role.CUSTOMER)
        except DomainError as error:
            yield self._denied(error)
            return
        if not self.store_id:
            self.errors = {LOCATION_FIELD: ["vehicle_order.choose_store", {}]}
            return
        self.placing, self.errors = True, {}
        yield
        try:
            with session_scope() as session:
                placed = place_order(
                    session,
                    principal,
                    lines=[{"item_kind": "trim", "item_id": self.trim_id, "quantity": 1}],
                    buyer_location_id=int(self.store_id),
                    idempotency_key=self.checkout_key,
                )
        except OutOfStock as short:
            self.errors = {
                LOCATION_FIELD: ["vehicle_order.store_short", {"available": short.shortages[0].available}]
            }
            self.placing = False
            return
        except DomainError as error:
            field = LOCATION_FIELD if error.field == LOCATION_FIELD else FORM_FIELD
            self.errors = {
                field: [error.code, {k: v for k, v in error.params.items() if isinstance(v, str | int)}]
            }
            self.placing = False
            return
        start_processing(placed)  # a worker takes the payment now
        self.placing, self.dialog_open = False, False
        yield rx.redirect(routes.order_page(placed.order.id))
        yield rx.toast.success(self.t("vehicle_order.placed", number=placed.order.number), id="order-placed")
