"""What the public showroom shows of a trim: its specs and list price, and the dealer stores that
offer it, for a test drive (an active demo car of that trim) and from stock (vehicles on hand
and not promised to an order), nearest first when the visitor gave a place.

Public data only: names, cities, opening hours and counts; nothing about an organisation's orders
or customers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, select

from models import Location, LocationKind, StockLevel, Trim, TrimColour, VehicleModel
from models.showroom import DemoCar, ShowroomStore
from models.types import utcnow
from services.platform.errors import NotFound
from services.showroom import vehicle_images
from services.showroom.locator import Origin, great_circle_km
from services.showroom.stores import WEEKDAYS, local_span, parse_hours, rules_from


def _trim_row(trim: Trim, model: VehicleModel) -> dict:
    return {
        "id": trim.id,
        "code": trim.code,
        "model": model.name,
        "model_zh": model.name_zh or "",
        "model_code": model.code,
        "model_description": model.description,
        "body": model.body,
        "name": trim.name,
        "name_zh": trim.name_zh or "",
        "powertrain": trim.powertrain,
        "range_km": trim.range_km,
        "consumption": str(trim.consumption_l_per_100km or ""),
        "power_kw": trim.power_kw,
        "price": str(trim.price),
        "currency": trim.currency,
    }


def parse_trim_id(raw: object) -> int | None:
    """A trim id as an address gives it ("12"), or None when it is no positive whole number."""
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    value = int(text)
    return value if value > 0 else None


def trim_detail(session: Session, trim_id: int | None) -> dict:
    """One trim with its model and its paint colours (each with its picture); NotFound naming
    "trim" when there is none with that id."""
    row = None
    if trim_id is not None:
        row = session.exec(
            select(Trim, VehicleModel)
            .join(VehicleModel, VehicleModel.id == Trim.model_id)
            .where(Trim.id == trim_id)
        ).first()
    if row is None:
        raise NotFound("showroom.trim_not_found", field="trim")
    trim, model = row
    colours = session.exec(
        select(TrimColour.key, TrimColour.hex)
        .where(TrimColour.trim_id == trim.id)
        .order_by(TrimColour.position)
    ).all()
    return {
        **_trim_row(trim, model),
        # The gallery: the trim in each of its paints (services/showroom/vehicle_images.py).
        "colours": [
            {"key": key, "hex": hex_colour, "image": vehicle_images.image_path(model.code, key)}
            for key, hex_colour in colours
        ],
    }


def trims_by_ids(session: Session, trim_ids: list[int]) -> list[dict]:
    """The trims of `trim_ids` that exist, in the order asked (unknown ids are left out)."""
    if not trim_ids:
        return []
    rows = session.exec(
        select(Trim, VehicleModel)
        .join(VehicleModel, VehicleModel.id == Trim.model_id)
        .where(Trim.id.in_(trim_ids))
    ).all()
    by_id = {trim.id: _trim_row(trim, model) for trim, model in rows}
    return [by_id[trim_id] for trim_id in trim_ids if trim_id in by_id]


@dataclass(frozen=True)
class TrimOffer:
    """One store offering a trim: test drive (demo cars) and/or stock (vehicles available)."""

    location_id: int
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    time_zone: str
    demo_cars: int
    available: int
    bookable: bool  # offers test drives (showroom settings and an active demo car of the trim)
    distance_km: float | None
    open_now: bool
    today_hours: str | None  # "09:00-18:00" in the store's zone, None when closed today
    local_time: str
    name_zh: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def store_clock(
    location: Location, store: ShowroomStore | None, now: datetime
) -> tuple[bool, str | None, str]:
    """(open now, today's hours "HH:MM-HH:MM" or None, the local clock "HH:MM TZ") of a store in
    its own zone; a store with showroom settings also honours its closures."""
    zone = ZoneInfo(location.time_zone)
    local_now = now.astimezone(zone)
    if store is not None:
        rules = rules_from(location, store)
        span = rules.opening(local_now.date())
    else:
        hours = parse_hours(location.opening_hours)
        span = local_span(local_now.date(), hours[WEEKDAYS[local_now.weekday()]], zone)
    today = f"{span[0]:%H:%M}-{span[1]:%H:%M}" if span else None
    open_now = bool(span and span[0] <= local_now < span[1])
    return open_now, today, f"{local_now:%H:%M} {local_now.tzname()}"


def trim_offers(
    session: Session, trim_id: int, origin: Origin | None = None, *, now: datetime | None = None
) -> list[TrimOffer]:
    """The stores with an active demo car of the trim or vehicles of it available (on hand less
    reserved), nearest first from `origin`; without one, test-drive stores first, then by name."""
    now = now or utcnow()
    demo = dict(
        session.exec(
            select(DemoCar.location_id, func.count(DemoCar.id))
            .where(DemoCar.trim_id == trim_id, DemoCar.active)
            .group_by(DemoCar.location_id)
        ).all()
    )
    stock = {
        location_id: int(units)
        for location_id, units in session.exec(
            select(StockLevel.location_id, func.sum(StockLevel.on_hand - StockLevel.reserved))
            .where(StockLevel.trim_id == trim_id)
            .group_by(StockLevel.location_id)
        ).all()
        if units and units > 0
    }
    ids = set(demo) | set(stock)
    if not ids:
        return []
    rows = session.exec(
        select(Location, ShowroomStore)
        .outerjoin(ShowroomStore, ShowroomStore.location_id == Location.id)
        .where(Location.id.in_(ids), Location.kind == LocationKind.STORE)
    ).all()
    offers = []
    for location, store in rows:
        open_now, today, clock = store_clock(location, store, now)
        distance = (
            round(
                great_circle_km(origin.latitude, origin.longitude, location.latitude, location.longitude), 1
            )
            if origin is not None
            else None
        )
        offers.append(
            TrimOffer(
                location_id=location.id,
                name=location.name,
                city=location.city,
                country=location.country,
                latitude=location.latitude,
                longitude=location.longitude,
                time_zone=location.time_zone,
                demo_cars=int(demo.get(location.id, 0)),
                available=stock.get(location.id, 0),
                bookable=store is not None and demo.get(location.id, 0) > 0,
                distance_km=distance,
                open_now=open_now,
                today_hours=today,
                local_time=clock,
                name_zh=location.name_zh or "",
            )
        )
    if origin is not None:
        offers.sort(key=lambda offer: (offer.distance_km, offer.name))
    else:
        offers.sort(key=lambda offer: (not offer.bookable, offer.name))
    return offers


def demo_trims_at(session: Session, location_ids: list[int]) -> dict[int, list[dict]]:
    """Per store, the trims it has an active demo car of ({id, name}), cheapest first."""
    if not location_ids:
        return {}
    rows = session.exec(
        select(DemoCar.location_id, Trim.id, Trim.name, Trim.name_zh)
        .join(Trim, Trim.id == DemoCar.trim_id)
        .where(DemoCar.location_id.in_(location_ids), DemoCar.active)
        .distinct()
        .order_by(DemoCar.location_id, Trim.name)
    ).all()
    found: dict[int, list[dict]] = {}
    for location_id, trim_id, name, name_zh in rows:
        found.setdefault(location_id, []).append({"id": trim_id, "name": name, "name_zh": name_zh or ""})
    return found
