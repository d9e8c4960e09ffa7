"""/showroom/trims/[trim_id]: one trim's specs, photo and price, and the stores that have it for
a test drive and in stock, nearest first when the visitor gave a place (`?place=` a city or
postcode, `?near=lat,lon`, or typed on the page); `?dealer=` marks the store they came from."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models.db import session_scope
from services.i18n.names import city_label, model_description, row_name
from services.platform.errors import DomainError, NotFound
from services.platform.formatting import format_money, format_number
from services.showroom import funnel, places
from services.showroom.locator import resolve_origin
from services.showroom.trim_offers import parse_trim_id, trim_detail, trim_offers
from state.shared import routes
from state.shared.auth import AuthState


def trim_id_from_path(path: str) -> int | None:
    """The id in "/showroom/trims/12" (None for anything else)."""
    parts = path.strip("/").split("/")
    if len(parts) >= 3 and parts[0] == "showroom" and parts[1] == "trims":
        return parse_trim_id(parts[2])
    return None


def origin_for(place: str, near: str = ""):
    """The point to measure from: "lat,lon" in `near`, else `place` read as a postcode, then as a
    city; None when neither is given. Raises ValidationFailed naming the field it could not read."""
    if near.strip():
        return resolve_origin(near=near.strip())
    text = place.strip()
    if not text:
        return None
    if places.find_postcode(text) is not None or any(ch.isdigit() for ch in text):
        return resolve_origin(postcode=text)
    return resolve_origin(city=text)


class OfferRow(TypedDict):
    location_id: str
    name: str
    city: str
    distance: str
    demo_cars: str
    available: str
    in_stock: bool
    bookable: bool
    open_now: bool
    hours_today: str
    book_href: str
    highlighted: bool


class GalleryRow(TypedDict):
    key: str
    label: str
    hex: str
    image: str
    selected: bool


class TrimPageState(AuthState):
    _trim: dict = {}
    colour: str = ""  # the paint the gallery shows ("" before the visitor picks: the first)
    _offers: list[dict] = []
    place: str = ""
    place_error: str = ""
    suggestions: list[str] = []
    dealer_id: str = ""
    loading: bool = True
    missing: bool = False

    @rx.var
    def trim(self) -> dict[str, str]:
        trim = self._trim
        if not trim:
            return {}
        language = self.language
        if trim["range_km"] and trim["powertrain"] == "bev":
            efficiency = self.t("showroom.range", km=format_number(trim["range_km"], language))
        elif trim["consumption"]:
            efficiency = self.t(
                "showroom.consumption", litres=format_number(Decimal(trim["consumption"]), language)
            )
        else:
            efficiency = ""
        return {
            "id": str(trim["id"]),
            "code": trim["code"],
            "model": row_name(trim, "model", language),
            "name": row_name(trim, "name", language),
            "description": model_description(trim["model_code"], trim["model_description"], language),
            "image": f"/vehicles/{trim['model_code']}.svg",
            "body": self.t(f"body.{trim['body']}"),
            "powertrain": self.t(f"powertrain.{trim['powertrain']}"),
            "range": self.t("showroom.range", km=format_number(trim["range_km"], language))
            if trim["range_km"]
            else "",
            "efficiency": efficiency,
            "power": self.t("showroom.power", kw=format_number(trim["power_kw"], language)),
            "price": format_money(trim["price"], trim["currency"], language),
            "currency_note": self.t("showroom.price_currency", currency=trim["currency"]),
        }

    @rx.var
    def gallery(self) -> list[GalleryRow]:
        """The trim in each of its paints; the chosen one (or the first) is selected."""
        colours = self._trim.get("colours", []) if self._trim else []
        chosen = self.colour if any(c["key"] == self.colour for c in colours) else ""
        return [
            GalleryRow(
                key=c["key"],
                label=self.t(f"configurator.colour.{c['key']}"),
                hex=c["hex"],
                image=c["image"],
                selected=c["key"] == chosen or (not chosen and index == 0),
            )
            for index, c in enumerate(colours)
        ]

    @rx.var
    def shown_image(self) -> str:
        """The big picture: the selected paint's, else the model's own drawing."""
        selected = [row["image"] for row in self.gallery if row["selected"]]
        return (
            selected[0] if selected else (f"/vehicles/{self._trim['model_code']}.svg" if self._trim else "")
        )

    @rx.event
    def show_colour(self, key: str):
        self.colour = str(key)[:40]

    @rx.var
    def configure_href(self) -> str:
        """The trim's configurator, with the store the visitor came from chosen."""
        if not self._trim:
            return routes.SHOWROOM
        return routes.trim_configurator(self._trim["id"], self.dealer_id or None)

    @rx.var
    def offers(self) -> list[OfferRow]:
        language = self.language
        rows: list[OfferRow] = []
        for offer in self._offers:
            distance = offer["distance_km"]
            rows.append(
                {
                    "location_id": str(offer["location_id"]),
                    "name": row_name(offer, "name", language),
                    "city": city_label(offer["city"], language),
                    "distance": self.t(
                        "showroom.distance", km=format_number(Decimal(str(distance)), language)
                    )
                    if distance is not None
                    else "",
                    "demo_cars": self.t(
                        "showroom.demo_cars", count=format_number(offer["demo_cars"], language)
                    ),
                    "available": self.t(
                        "showroom.available", count=format_number(offer["available"], language)
                    ),
                    "in_stock": offer["available"] > 0,
                    "bookable": offer["bookable"],
                    "open_now": offer["open_now"],
                    "hours_today": self.t(
                        "showroom.hours_today", hours=offer["today_hours"], zone=offer["time_zone"]
                    )
                    if offer["today_hours"]
                    else self.t("showroom.closed_today", zone=offer["time_zone"]),
                    "book_href": routes.test_drive_booking(self._trim["id"], offer["location_id"]),
                    "highlighted": str(offer["location_id"]) == self.dealer_id,
                }
            )
        return rows

    def _count_view(self, trim_id: int, location_id: int | None) -> None:
        """Count one view of the trim's page (per dealer, trim and day; nothing personal)."""
        with session_scope() as session:
            funnel.record_trim_view(session, trim_id, location_id)

    def _fetch_offers(self, near: str = "") -> None:
        self.place_error, self.suggestions = "", []
        try:
            origin = origin_for(self.place, near)
        except DomainError as error:
            self.place_error = self.t(error.code, **error.params)
            self.suggestions = places.suggestions(self.place)
            origin = None
        with session_scope() as session:
            self._offers = [offer.as_dict() for offer in trim_offers(session, self._trim["id"], origin)]

    @rx.event
    def load(self):
        trim_id = trim_id_from_path(self.router.url.path)
        if not self._trim or self._trim.get("id") != trim_id:
            self._trim, self._offers, self.colour = {}, [], ""
        self.loading, self.missing = True, False
        query = self.router.url.query_parameters
        self.place = query.get("place", "")[:100]
        self.dealer_id = str(parse_trim_id(query.get("dealer", "")) or "")
        yield
        try:
            with session_scope() as session:
                self._trim = trim_detail(session, trim_id)
        except NotFound:
            self._trim, self._offers, self.missing, self.loading = {}, [], True, False
            return
        self._count_view(self._trim["id"], int(self.dealer_id) if self.dealer_id else None)
        self._fetch_offers(query.get("near", "")[:60])
        self.loading = False

    @rx.event
    def set_place(self, value: str):
        self.place = value[:100]

    @rx.event
    def search(self, _form: dict | None = None):
        """Sort the stores by distance from the place typed."""
        if not self._trim:
            return
        self._fetch_offers()

    @rx.event
    def pick_suggestion(self, place: str):
        self.place = place
        self._fetch_offers()
