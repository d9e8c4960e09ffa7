"""A dealer store's test-drive rules as one plain value: zone, weekly hours, closures, lengths."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from models import Location, LocationKind
from models.showroom import ShowroomStore
from services.platform.errors import NotFound

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_hours(raw: str | dict | None) -> dict[str, tuple[time, time] | None]:
    """Weekly hours as stored ({"mon": ["09:00", "18:00"], "sun": []}) -> weekday -> (open, close)
    or None when closed. A day missing from the table is closed."""
    table = json.loads(raw) if isinstance(raw, str) and raw else (raw or {})
    hours: dict[str, tuple[time, time] | None] = {}
    for day in WEEKDAYS:
        span = table.get(day) or []
        hours[day] = (time.fromisoformat(span[0]), time.fromisoformat(span[1])) if len(span) == 2 else None
    return hours


def local_span(day: date, span: tuple[time, time] | None, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
    """The UTC instants of a local (open, close) span on `day` in `zone` (daylight saving applied)."""
    if span is None:
        return None
    start = datetime.combine(day, span[0], tzinfo=zone)
    end = datetime.combine(day, span[1], tzinfo=zone)
    return (start, end) if start < end else None


@dataclass(frozen=True)
class StoreRules:
    location_id: int
    organisation_id: int
    name: str
    city: str
    country: str
    latitude: float
    longitude: float
    zone: ZoneInfo
    opening_hours: dict[str, tuple[time, time] | None]
    closures: dict[date, str]
    slot_minutes: int
    drive_minutes: int
    drive_minutes_by_trim: dict[str, int]
    buffer_minutes: int
    min_energy_percent: int
    cutoff_hours: int

    def drive_length(self, trim_code: str) -> timedelta:
        return timedelta(minutes=int(self.drive_minutes_by_trim.get(trim_code, self.drive_minutes)))

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def slot(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    def opening(self, day: date) -> tuple[datetime, datetime] | None:
        """The store's open span on local `day` (aware, in the store's zone), or None: closed that
        weekday, or a holiday or closure."""
        if day in self.closures:
            return None
        return local_span(day, self.opening_hours[WEEKDAYS[day.weekday()]], self.zone)

    def local_day(self, instant: datetime) -> date:
        return instant.astimezone(self.zone).date()


def rules_from(location: Location, store: ShowroomStore) -> StoreRules:
    closures = {
        date.fromisoformat(item["date"]): str(item.get("reason", "")) for item in store.closures or []
    }
    return StoreRules(
        location_id=location.id,
        organisation_id=location.organisation_id,
        name=location.name,
        city=location.city,
        country=location.country,
        latitude=location.latitude,
        longitude=location.longitude,
        zone=ZoneInfo(location.time_zone),
        opening_hours=parse_hours(location.opening_hours),
        closures=closures,
        slot_minutes=store.slot_minutes,
        drive_minutes=store.drive_minutes,
        drive_minutes_by_trim=dict(store.drive_minutes_by_trim or {}),
        buffer_minutes=store.buffer_minutes,
        min_energy_percent=store.min_energy_percent,
        cutoff_hours=store.cutoff_hours,
    )


def store_rules(session: Session, location_id: object, *, field: str = "dealer") -> StoreRules:
    """The rules of the test-drive store `location_id`. Raises NotFound (naming `field`) when it is
    no store that offers test drives."""
    if not isinstance(location_id, int) or isinstance(location_id, bool):
        raise NotFound("showroom.dealer_not_found", field=field)
    row = session.exec(
        select(Location, ShowroomStore)
        .join(ShowroomStore, ShowroomStore.location_id == Location.id)
        .where(Location.id == location_id, Location.kind == LocationKind.STORE)
    ).first()
    if row is None:
        raise NotFound("showroom.dealer_not_found", field=field)
    return rules_from(*row)
