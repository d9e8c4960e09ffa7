"""The showroom: the trims on offer, filtered by body and powertrain; a dealer also sees how many
of each stand at its own stores."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.catalog import dashboards
from services.catalog.lists import MAX_PAGE_SIZE, Page, list_trims
from services.i18n.names import row_name
from services.platform.errors import PermissionDenied
from services.platform.formatting import format_money, format_number
from state.shared import routes
from state.shared.auth import AuthState

SHOWROOM_ROLES = (Role.CUSTOMER, Role.DEALER, Role.MANAGER)
ALL = "__all__"


class TrimCard(TypedDict):
    """One trim as its showroom card shows it; `stock` is the dealer's own count as words (empty
    for other roles) and `in_stock` whether any stands at its stores."""

    id: str
    code: str
    href: str
    model: str
    name: str
    image: str
    body: str
    powertrain: str
    efficiency: str
    power: str
    price: str
    currency: str
    stock: str
    in_stock: bool


class ShowroomState(AuthState):
    _trims: list[dict] = []
    bodies: list[str] = []
    powertrains: list[str] = []
    body: str = ALL
    powertrain: str = ALL
    # trim id (as text) -> vehicles at the dealer's own stores; empty for other roles.
    _store_stock: dict[str, int] = {}
    shows_store_stock: bool = False
    loading: bool = True

    @rx.var
    def cards(self) -> list[TrimCard]:
        """Each trim as the card shows it, in the viewer's language."""
        language = self.language
        cards = []
        for trim in self._trims:
            if trim["range_km"] and trim["powertrain"] == "bev":
                efficiency = self.t("showroom.range", km=format_number(trim["range_km"], language))
            elif trim["consumption"]:
                efficiency = self.t(
                    "showroom.consumption", litres=format_number(Decimal(trim["consumption"]), language)
                )
            elif trim["range_km"]:
                efficiency = self.t("showroom.range", km=format_number(trim["range_km"], language))
            else:
                efficiency = ""
            in_stock = self._store_stock.get(str(trim["id"]), 0)
            cards.append(
                {
                    "id": str(trim["id"]),
                    "code": trim["code"],
                    "href": routes.trim_page(trim["id"]),
                    "model": row_name(trim, "model", language),
                    "name": row_name(trim, "name", language),
                    "image": f"/vehicles/{trim['model_code']}.svg",
                    "body": self.t(f"body.{trim['body']}"),
                    "powertrain": self.t(f"powertrain.{trim['powertrain']}"),
                    "efficiency": efficiency,
                    "power": self.t("showroom.power", kw=format_number(trim["power_kw"], language)),
                    "price": format_money(trim["price"], trim["currency"], language),
                    "currency": trim["currency"],
                    "stock": self.t("showroom.in_stock", count=format_number(in_stock, language))
                    if self.shows_store_stock
                    else "",
                    "in_stock": in_stock > 0,
                }
            )
        return cards

    @rx.var
    def currency_note(self) -> str:
        """Which currency the prices are in: each trim's list currency (no conversion is made)."""
        currencies = sorted({trim["currency"] for trim in self._trims})
        return self.t("showroom.price_currency", currency=", ".join(currencies)) if currencies else ""

    @rx.var
    def body_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("common.all")}] + [
            {"value": body, "label": self.t(f"body.{body}")} for body in self.bodies
        ]

    @rx.var
    def powertrain_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("common.all")}] + [
            {"value": kind, "label": self.t(f"powertrain.{kind}")} for kind in self.powertrains
        ]

    def _fetch(self) -> None:
        """The trims for anyone (visitors too); a dealer also gets its own stores' counts."""
        with session_scope() as session:
            principal = self._resolve(session)
            if not self.bodies:
                everything, _ = list_trims(session, page=Page(1, MAX_PAGE_SIZE))
                self.bodies = sorted({trim["body"] for trim in everything})
                self.powertrains = sorted({trim["powertrain"] for trim in everything})
            rows, _ = list_trims(
                session,
                page=Page(1, MAX_PAGE_SIZE),
                body=None if self.body == ALL else self.body,
                powertrain=None if self.powertrain == ALL else self.powertrain,
            )
            self.shows_store_stock = principal is not None and principal.role == Role.DEALER
            self._store_stock = (
                {
                    str(trim_id): figures["on_hand"]
                    for trim_id, figures in dashboards.trim_stock(session, principal).items()
                }
                if self.shows_store_stock
                else {}
            )
        # Decimals become strings: state holds plain data only.
        self._trims = [
            {key: value for key, value in row.items() if key != "consumption_l_per_100km"}
            | {"price": str(row["price"]), "consumption": str(row["consumption_l_per_100km"] or "")}
            for row in rows
        ]

    def _reload(self):
        self.loading = True
        yield
        try:
            self._fetch()
        except PermissionDenied:
            self._trims = []
        self.loading = False

    @rx.event
    def load(self):
        self.body, self.powertrain, self.bodies, self.powertrains = ALL, ALL, [], []
        yield from self._reload()

    @rx.event
    def set_body(self, body: str):
        self.body = body if body in self.bodies else ALL
        yield from self._reload()

    @rx.event
    def set_powertrain(self, powertrain: str):
        self.powertrain = powertrain if powertrain in self.powertrains else ALL
        yield from self._reload()
