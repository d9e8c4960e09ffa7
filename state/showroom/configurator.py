"""/showroom/trims/[trim_id]/configure: choose a colour and option packs, see the price and the
deposit follow, pick the store, and (a signed-in customer) order the configuration.

The rules are the service's: `configurator.pack_states` says which packs may be ticked and why not,
`configurator.quote` prices the choice, and the order goes through
services/showroom/configured_orders.py, which prices it again in its own transaction. Ticking a pack
brings the packs it needs; unticking one drops the packs that need it. The idempotency key is made
when the page loads and whenever the choice or the store changes, so a double click orders once.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict
from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models import Role, Trim
from models.db import session_scope
from models.settings import get_settings
from services.i18n.names import city_label, localized_name, row_name
from services.ordering.placement import OutOfStock
from services.platform.errors import DomainError
from services.platform.formatting import format_money
from services.showroom import configurator
from services.showroom.configured_orders import options_at_store, order_configuration, stores_with_built
from services.showroom.trim_offers import trim_offers
from state.shared import routes
from state.shared.auth import AuthState
from state.showroom.trim_page import trim_id_from_path
from workers.dispatch import start_processing


class ColourRow(TypedDict):
    key: str
    label: str
    hex: str
    price: str
    selected: bool


class PackRow(TypedDict):
    code: str
    name: str
    price: str
    checked: bool
    enabled: bool
    reason: str


class StoreRow(TypedDict):
    id: str
    name: str
    city: str
    built: bool


def _options_from(data: dict) -> configurator.TrimOptions:
    """The TrimOptions kept in the state as plain data (dataclasses.asdict), back as dataclasses."""
    return configurator.TrimOptions(
        data["trim_id"],
        data["trim_code"],
        data["trim_name"],
        Decimal(data["base_price"]),
        data["currency"],
        tuple(configurator.Colour(**colour) for colour in data["colours"]),
        tuple(
            configurator.Pack(
                pack["code"],
                pack["name"],
                Decimal(pack["price"]),
                tuple(pack["requires_trims"]),
                tuple(pack["requires_packs"]),
                tuple(pack["excludes_packs"]),
            )
            for pack in data["packs"]
        ),
    )


class ConfiguratorState(AuthState):
    _options: dict = {}  # priced in the chosen store's market (what ordering there charges)
    _trim_options: dict = {}  # as the catalogue prices them, in the trim's currency
    _stores: list[dict] = []
    _built_at: list[int] = []  # stores with a car built in the current choice
    trim_id: int = 0
    trim_name: str = ""
    trim_name_zh: str = ""
    currency: str = ""
    colour: str = ""
    packs: list[str] = []
    store_id: str = ""
    # Decimal strings of the current quote ("" while the choice breaks a rule).
    total: str = ""
    deposit: str = ""
    choice_error: str = ""
    order_error: str = ""
    loading: bool = True
    missing: bool = False
    placing: bool = False
    _order_key: str = ""

    # --- what the page reads ----------------------------------------------------------------

    def _name(self, kind: str, key: str, fallback: str) -> str:
        """The seeded colours and packs have names in both languages; others show their own."""
        text = self.t(f"configurator.{kind}.{key}")
        return fallback if text == f"configurator.{kind}.{key}" else text

    def _price(self, amount: Decimal) -> str:
        if not amount:
            return self.t("configurator.no_extra_cost")
        return "+ " + format_money(amount, self.currency, self.language)

    @rx.var
    def colours(self) -> list[ColourRow]:
        if not self._options:
            return []
        return [
            {
                "key": c.key,
                "label": self._name("colour", c.key, c.label),
                "hex": c.hex,
                "price": self._price(c.price),
                "selected": c.key == self.colour,
            }
            for c in _options_from(self._options).colours
        ]

    @rx.var
    def colour_label(self) -> str:
        return next((row["label"] for row in self.colours if row["selected"]), "")

    @rx.var
    def pack_rows(self) -> list[PackRow]:
        if not self._options:
            return []
        options = _options_from(self._options)
        states = {s.code: s for s in configurator.pack_states(options, self.packs)}
        names = {p.code: self._name("pack", p.code, p.name) for p in options.packs}
        rows: list[PackRow] = []
        for pack in options.packs:
            state = states[pack.code]
            params = {"pack": names[pack.code], **state.reason_params}
            if state.reason_code == "configurator.rule.excluded_by":
                params["other"] = next(
                    (names[p.code] for p in options.packs if p.name == params["other"]), ""
                )
            elif state.reason_code == "configurator.rule.needs_pack":
                params["others"] = ", ".join(names.get(code, code) for code in pack.requires_packs)
            rows.append(
                {
                    "code": pack.code,
                    "name": names[pack.code],
                    "price": self._price(pack.price),
                    "checked": pack.code in self.packs,
                    "enabled": state.enabled,
                    "reason": self.t(state.reason_code, **params) if state.reason_code else "",
                }
            )
        return rows

    @rx.var
    def base_price_text(self) -> str:
        return (
            format_money(self._options["base_price"], self.currency, self.language) if self._options else ""
        )

    @rx.var
    def total_text(self) -> str:
        return format_money(self.total, self.currency, self.language) if self.total else "—"

    @rx.var
    def deposit_text(self) -> str:
        return format_money(self.deposit, self.currency, self.language) if self.deposit else "—"

    @rx.var
    def trim_label(self) -> str:
        """The trim's name in the viewer's language."""
        return localized_name(self.trim_name, self.trim_name_zh, self.language)

    @rx.var
    def stores(self) -> list[StoreRow]:
        return [
            {
                "id": str(s["location_id"]),
                "name": row_name(s, "name", self.language),
                "city": city_label(s["city"], self.language),
                "built": s["location_id"] in self._built_at,
            }
            for s in self._stores
        ]

    @rx.var
    def store_options(self) -> list[dict[str, str]]:
        return [
            {
                "value": row["id"],
                "label": f"{row['name']} · {row['city']}"
                + (f" · {self.t('configurator.store_built')}" if row["built"] else ""),
            }
            for row in self.stores
        ]

    @rx.var
    def delivery(self) -> str:
        """When the car would be ready, for the chosen store and configuration."""
        store = next((s for s in self._stores if str(s["location_id"]) == self.store_id), None)
        if store is None or not self.total:
            return ""
        settings = get_settings()
        if store["location_id"] in self._built_at:
            return self.t(
                "configurator.in_stock_at",
                store=row_name(store, "name", self.language),
                count=settings.store_ready_days,
            )
        return self.t("configurator.built_for_you", count=-(-settings.plant_build_days // 7))

    @rx.var
    def delivery_from_stock(self) -> bool:
        return self.store_id.isdigit() and int(self.store_id) in self._built_at

    @rx.var
    def is_customer(self) -> bool:
        return self.role == Role.CUSTOMER

    @rx.var
    def trim_href(self) -> str:
        return routes.trim_page(self.trim_id) if self.trim_id else routes.SHOWROOM

    # --- events --------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Price the current choice in the chosen store's market and find the stores that have it
        built; a new order key."""
        self.choice_error, self.order_error = "", ""
        if self.store_id:
            try:
                with session_scope() as session:
                    priced = options_at_store(session, _options_from(self._trim_options), int(self.store_id))
            except DomainError as error:
                self.order_error = self.t(error.code, **error.params)
            else:
                self._options, self.currency = asdict(priced), priced.currency
        options = _options_from(self._options)
        try:
            quote = configurator.quote(options, self.colour, self.packs)
        except DomainError as error:
            self.total, self.deposit = "", ""
            self.choice_error = self.t(error.code, **error.params)
        else:
            self.total, self.deposit = str(quote.total), str(quote.deposit)
        with session_scope() as session:
            self._built_at = sorted(
                stores_with_built(session, trim_id=self.trim_id, colour_key=self.colour, packs=self.packs)
            )
        self._order_key = uuid.uuid4().hex

    @rx.event
    def load(self):
        trim_id = trim_id_from_path(self.router.url.path)
        self.loading, self.missing, self.placing = True, False, False
        if trim_id != self.trim_id:
            self._options, self._stores, self.packs, self.colour, self.store_id = {}, [], [], "", ""
            self._trim_options = {}
        yield
        try:
            with session_scope() as session:
                options = configurator.load_options(session, trim_id)
                self.trim_name_zh = session.get(Trim, options.trim_id).name_zh or ""
                # Every store of the trim: without a car built as chosen, the plant builds one.
                stores = [o.as_dict() for o in trim_offers(session, options.trim_id)]
        except DomainError:
            self.missing, self.loading = True, False
            return
        self._options, self._trim_options = asdict(options), asdict(options)
        self.trim_id, self.trim_name, self.currency = options.trim_id, options.trim_name, options.currency
        self._stores = sorted(stores, key=lambda s: (s["name"], s["location_id"]))
        if self.colour not in {c.key for c in options.colours}:
            self.colour = options.colours[0].key if options.colours else ""
        self.packs = [code for code in self.packs if code in {p.code for p in options.packs}]
        dealer = self.router.url.query_parameters.get("dealer", "")
        if dealer in {str(s["location_id"]) for s in self._stores}:
            self.store_id = dealer
        elif self.store_id not in {str(s["location_id"]) for s in self._stores}:
            self.store_id = str(self._stores[0]["location_id"]) if self._stores else ""
        self._refresh()
        self.loading = False

    @rx.event
    def choose_colour(self, key: str):
        if self._options and key in {c["key"] for c in self._options["colours"]}:
            self.colour = key
            self._refresh()

    @rx.event
    def toggle_pack(self, code: str):
        """Tick a pack (with the packs it needs) or untick it (with the packs that need it)."""
        if not self._options or self.placing:
            return
        self.packs = configurator.toggle(_options_from(self._options), self.packs, code)
        self._refresh()

    @rx.event
    def choose_store(self, store_id: str):
        if store_id in {str(s["location_id"]) for s in self._stores}:
            self.store_id = store_id
            self.order_error = ""
            self._refresh()  # the store's market prices the car
            self._order_key = uuid.uuid4().hex

    @rx.event
    def order(self):
        """Order the configuration at the chosen store; then the order page."""
        if self.placing or not self._options:
            return
        try:
            principal = self._principal(Role.CUSTOMER)
        except DomainError as error:
            yield self._denied(error)
            return
        if not self.store_id:
            self.order_error = self.t("vehicle_order.choose_store")
            return
        self.placing, self.order_error = True, ""
        yield
        try:
            with session_scope() as session:
                ordered = order_configuration(
                    session,
                    principal,
                    trim_id=self.trim_id,
                    colour=self.colour,
                    packs=list(self.packs),
                    location_id=int(self.store_id),
                    idempotency_key=self._order_key,
                )
        except OutOfStock as short:
            self.order_error = self.t("vehicle_order.store_short", available=short.shortages[0].available)
            self.placing = False
            return
        except DomainError as error:
            params = {k: v for k, v in error.params.items() if isinstance(v, str | int)}
            self.order_error = self.t(error.code, **params)
            self.placing = False
            return
        start_processing(ordered.placed)  # a worker takes the deposit now
        self.placing = False
        number = ordered.placed.order.number
        yield rx.redirect(routes.order_page(ordered.placed.order.id))
        yield rx.toast.success(self.t("vehicle_order.placed", number=number), id="order-placed")
