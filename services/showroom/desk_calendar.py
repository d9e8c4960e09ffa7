"""What the dealer's test-drive calendar shows for one of its own stores: the demo cars and
salespeople (the rows), the drives (with their buffers) and the live holds over some local days,
in the store's time zone. Another organisation's store does not exist (NotFound)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session, select

from models import Location, Role, Trim
from models.showroom import DemoCar, Salesperson, TestDrive, TestDriveHold
from models.types import utcnow
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform.errors import NotFound
from services.showroom.stores import store_rules


def own_stores(session: Session, principal: Principal) -> list[dict]:
    """The dealer's stores that take test drives: [{"id", "name", "city"}] by name."""
    require_role(principal, Role.DEALER)
    rows = session.exec(
        select(Location.id, Location.name, Location.city, Location.name_zh)
        .where(Location.organisation_id == principal.organisation_id, Location.kind == "store")
        .order_by(Location.name, Location.id)
    ).all()
    session.commit()
    return [{"id": i, "name": n, "city": c, "name_zh": z or ""} for i, n, c, z in rows]


def calendar_view(
    session: Session,
    principal: Principal,
    store_id: object,
    day: date,
    days: int = 1,
    *,
    now: datetime | None = None,
) -> dict:
    """The store's calendar from local midnight of `day` for `days` days (1 to 7)."""
    require_role(principal, Role.DEALER)
    store = session.get(Location, store_id) if isinstance(store_id, int) else None
    if store is None or store.organisation_id != principal.organisation_id or store.kind != "store":
        session.rollback()
        raise NotFound("test_drive.store_not_found", field="store")
    rules = store_rules(session, store.id)
    days = max(1, min(7, days))
    start = datetime.combine(day, time(0), tzinfo=rules.zone)
    end = datetime.combine(day + timedelta(days=days), time(0), tzinfo=rules.zone)
    cars = session.exec(
        select(DemoCar, Trim.code)
        .join(Trim, Trim.id == DemoCar.trim_id)
        .where(DemoCar.location_id == store.id, DemoCar.active)
        .order_by(DemoCar.plate, DemoCar.id)
    ).all()
    people = session.exec(
        select(Salesperson)
        .where(Salesperson.location_id == store.id, Salesperson.active)
        .order_by(Salesperson.full_name, Salesperson.id)
    ).all()
    drives = session.exec(
        select(TestDrive, Trim.code, Trim.name, Trim.name_zh)
        .join(Trim, Trim.id == TestDrive.trim_id)
        .where(TestDrive.location_id == store.id, TestDrive.ends_at > start, TestDrive.starts_at < end)
        .order_by(TestDrive.starts_at, TestDrive.id)
    ).all()
    holds = session.exec(
        select(TestDriveHold).where(
            TestDriveHold.location_id == store.id,
            TestDriveHold.expires_at > (now or utcnow()),
            TestDriveHold.ends_at > start,
            TestDriveHold.starts_at < end,
        )
    ).all()
    session.commit()
    spans = [span for span in rules.opening_hours.values() if span]
    first_hour = min((span[0].hour for span in spans), default=8)
    last_hour = max((span[1].hour + (1 if span[1].minute else 0) for span in spans), default=20)
    plates = {car.id: car.plate for car, _ in cars}
    names = {person.id: person.full_name for person in people}
    return {
        "store": {"id": store.id, "name": store.name, "zone": rules.zone.key},
        "window": [first_hour, max(last_hour, first_hour + 1)],  # local hours the calendar spans
        "start": start.isoformat(),
        "end": end.isoformat(),
        "cars": [{"id": car.id, "plate": car.plate, "trim": code} for car, code in cars],
        "salespeople": [{"id": person.id, "name": person.full_name} for person in people],
        "drives": [
            {
                "id": drive.id,
                "status": drive.status,
                "trim": code,
                "trim_name": trim_name,
                "trim_name_zh": trim_name_zh or "",
                "car_id": drive.car_id,
                "car": plates.get(drive.car_id, ""),
                "salesperson_id": drive.salesperson_id,
                "salesperson": names.get(drive.salesperson_id, ""),
                "starts_at": drive.starts_at.isoformat(),
                "drive_ends_at": drive.drive_ends_at.isoformat(),
                "ends_at": drive.ends_at.isoformat(),
                "visitor_name": drive.visitor_name,
                "visitor_phone": drive.visitor_phone,
                "visitor_email": drive.visitor_email,
                "walk_in": drive.walk_in,
                "odometer_out_km": drive.odometer_out_km,
                "notes": drive.notes,
            }
            for drive, code, trim_name, trim_name_zh in drives
        ],
        "holds": [
            {
                "car_id": hold.car_id,
                "salesperson_id": hold.salesperson_id,
                "starts_at": hold.starts_at.isoformat(),
                "ends_at": hold.ends_at.isoformat(),
            }
            for hold in holds
        ],
    }
