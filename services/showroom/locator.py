"""The dealer locator: test-drive stores sorted by great-circle distance from a point, a city or a
postcode (the offline gazetteer in services/showroom/places.py), with opening hours in each
store's own time zone."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session, select

from models import Location, LocationKind, Trim
from models.showroom import DemoCar, ShowroomStore
from models.types import utcnow
from services.platform.errors import NotFound, ValidationFailed
from services.showroom import places
from services.showroom.stores import WEEKDAYS, rules_from

EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)


def great_circle_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The haversine distance between two points on the mean Earth sphere, in kilometres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class NearbyDealer:
    location_id: int
    organisation_id: int
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    time_zone: str
    distance_km: float
    opening_hours: dict[str, str | None]  # weekday -> "09:00-18:00" local, None when closed
    open_now: bool
    local_time: str  # the store's clock now, "HH:MM" with the zone's abbreviation
    name_zh: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Origin:
    latitude: float
    longitude: float
    label: str


def resolve_origin(
    *, near: str | None = None, postcode: str | None = None, city: str | None = None
) -> Origin:
    """The point to measure from: `near` ("lat,lon"), else a postcode, else a city. Raises
    ValidationFailed naming the field when it cannot be read or is not in the gazetteer."""
    if near is not None:
        parts = near.split(",")
        try:
            latitude, longitude = (float(part) for part in parts)
        except ValueError:
            raise ValidationFailed("showroom.near_invalid", field="near") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or math.isnan(latitude + longitude):
            raise ValidationFailed("showroom.near_invalid", field="near")
        return Origin(latitude, longitude, f"{latitude:.4f},{longitude:.4f}")
    if postcode is not None:
        place = places.find_postcode(postcode)
        if place is None:
            raise ValidationFailed("showroom.postcode_unknown", field="postcode", postcode=postcode)
        return Origin(place.latitude, place.longitude, place.city)
    if city is not None:
        place = places.find_city(city)
        if place is None:
            raise ValidationFailed("showroom.city_unknown", field="city", city=city)
        return Origin(place.latitude, place.longitude, place.city)
    raise ValidationFailed("showroom.origin_required", field="near")


def nearest_dealers(
    session: Session,
    origin: Origin,
    *,
    trim_code: str | None = None,
    limit: int = 20,
    now: datetime | None = None,
) -> list[NearbyDealer]:
    """Test-drive stores nearest first (ties by name); with `trim_code`, only stores with an
    active demo car of that trim (NotFound naming "trim" for an unknown code)."""
    now = now or utcnow()
    query = (
        select(Location, ShowroomStore)
        .join(ShowroomStore, ShowroomStore.location_id == Location.id)
        .where(Location.kind == LocationKind.STORE)
    )
    if trim_code is not None:
        trim_id = session.exec(select(Trim.id).where(Trim.code == trim_code)).first()
        if trim_id is None:
            raise NotFound("showroom.trim_not_found", field="trim")
        query = query.where(
            Location.id.in_(select(DemoCar.location_id).where(DemoCar.trim_id == trim_id, DemoCar.active))
        )
    found = []
    for location, store in session.exec(query).all():
        rules = rules_from(location, store)
        local_now = now.astimezone(rules.zone)
        today = rules.opening(local_now.date())
        hours = {
            day: (f"{span[0]:%H:%M}-{span[1]:%H:%M}" if span else None)
            for day, span in rules.opening_hours.items()
        }
        found.append(
            NearbyDealer(
                location_id=location.id,
                organisation_id=location.organisation_id,
                name=location.name,
                city=location.city,
                country=location.country,
                latitude=location.latitude,
                longitude=location.longitude,
                time_zone=location.time_zone,
                distance_km=round(
                    great_circle_km(origin.latitude, origin.longitude, location.latitude, location.longitude),
                    1,
                ),
                opening_hours={day: hours[day] for day in WEEKDAYS},
                open_now=bool(today and today[0] <= local_now < today[1]),
                local_time=f"{local_now:%H:%M} {local_now.tzname()}",
                name_zh=location.name_zh or "",
            )
        )
    found.sort(key=lambda dealer: (dealer.distance_km, dealer.name))
    return found[:limit]
