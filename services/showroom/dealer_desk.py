"""The store's side of a test drive: check-in, check-out, no-show, walk-ins, moving a drive to
another car or salesperson. Only the store's own dealer staff may (anyone else: 404, the drive
does not exist for them). Each function is one transaction and commits it; effects go through the
outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session, select

from models import Location, Role, Trim
from models.showroom import DemoCar, Salesperson, TestDrive, TestDriveStatus
from models.types import utcnow
from services.identity.access import require_role
from services.identity.auth import Principal
from services.platform import outbox
from services.platform.errors import DomainError, NotFound, ValidationFailed
from services.showroom import availability, booking, guard
from services.showroom.availability import Slot
from services.showroom.states import require_status, require_transition
from services.showroom.stores import StoreRules, store_rules

CHECKED_IN = "test_drive.checked_in"
COMPLETED = "test_drive.completed"
NO_SHOW = "test_drive.no_show"
MOVED = "test_drive.moved"


class MoveRefused(DomainError):
    """The car or salesperson is taken at that time (the database said so). HTTP 409."""

    status = 409


MAX_NOTES_LENGTH = 2000  # a drive's notes at check-in: longer is refused, never cut


def _own_drive(session: Session, principal: Principal, drive_id: object) -> tuple[TestDrive, StoreRules]:
    require_role(principal, Role.DEALER)
    if not isinstance(drive_id, int) or isinstance(drive_id, bool):
        raise NotFound("test_drive.not_found", field="id")
    row = session.exec(
        select(TestDrive, Location.organisation_id)
        .join(Location, Location.id == TestDrive.location_id)
        .where(TestDrive.id == drive_id)
        .with_for_update(of=TestDrive)
    ).first()
    if row is None or row[1] != principal.organisation_id:
        raise NotFound("test_drive.not_found", field="id")
    return row[0], store_rules(session, row[0].location_id)


def _whole(value: object, field: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValidationFailed("test_drive.number_invalid", field=field, low=low, high=high)
    return value


def _finish(session: Session, drive: TestDrive, topic: str, now: datetime) -> TestDrive:
    drive.updated_at = now
    session.add(drive)
    outbox.enqueue(session, topic, {"test_drive_id": drive.id, "version": drive.version})
    session.commit()
    return drive


def _transaction(function):
    def run(session: Session, *args, **kwargs):
        try:
            return function(session, *args, **kwargs)
        except BaseException:
            session.rollback()
            raise

    run.__doc__, run.__name__, run.__wrapped__ = function.__doc__, function.__name__, function
    return run


@_transaction
def check_in(
    session: Session,
    principal: Principal,
    drive_id: object,
    *,
    licence_seen: object,
    odometer_out_km: object,
    energy_out_percent: object,
    now: datetime | None = None,
) -> TestDrive:
    """The visitor is here: the licence was seen, the car leaves with this odometer and charge."""
    drive, _rules = _own_drive(session, principal, drive_id)
    require_transition(drive.status, TestDriveStatus.CHECKED_IN)
    if licence_seen is not True:
        raise ValidationFailed("test_drive.licence_not_seen", field="licence_seen")
    car = session.get(DemoCar, drive.car_id)
    drive.odometer_out_km = _whole(odometer_out_km, "odometer_out_km", car.odometer_km, 10_000_000)
    drive.energy_out_percent = _whole(energy_out_percent, "energy_out_percent", 0, 100)
    drive.licence_seen = True
    drive.status = TestDriveStatus.CHECKED_IN
    drive.checked_in_at = now or utcnow()
    return _finish(session, drive, CHECKED_IN, drive.checked_in_at)


@_transaction
def check_out(
    session: Session,
    principal: Principal,
    drive_id: object,
    *,
    odometer_in_km: object,
    energy_in_percent: object,
    notes: object = "",
    now: datetime | None = None,
) -> TestDrive:
    """The car is back: its odometer and charge are recorded on the drive and the car; the drive
    is completed and frees its car and salesperson."""
    drive, _rules = _own_drive(session, principal, drive_id)
    require_transition(drive.status, TestDriveStatus.COMPLETED)
    drive.odometer_in_km = _whole(odometer_in_km, "odometer_in_km", drive.odometer_out_km or 0, 10_000_000)
    drive.energy_in_percent = _whole(energy_in_percent, "energy_in_percent", 0, 100)
    if not isinstance(notes, str):
        raise ValidationFailed("test_drive.notes_invalid", field="notes")
    if len(notes.strip()) > MAX_NOTES_LENGTH:
        raise ValidationFailed("text.too_long", field="notes", max=MAX_NOTES_LENGTH)
    drive.notes = notes.strip()
    drive.status = TestDriveStatus.COMPLETED
    drive.checked_out_at = now or utcnow()
    car = session.get(DemoCar, drive.car_id)
    car.odometer_km, car.energy_percent = drive.odometer_in_km, drive.energy_in_percent
    session.add(car)
    guard.release(session, test_drive_id=drive.id)
    return _finish(session, drive, COMPLETED, drive.checked_out_at)


@_transaction
def mark_no_show(
    session: Session, principal: Principal, drive_id: object, *, now: datetime | None = None
) -> TestDrive:
    """The visitor did not come: allowed once the drive's start has passed."""
    now = now or utcnow()
    drive, _rules = _own_drive(session, principal, drive_id)
    require_transition(drive.status, TestDriveStatus.NO_SHOW)
    if now < drive.starts_at:
        raise DomainError("test_drive.no_show_too_early", field="id", starts_at=drive.starts_at)
    drive.status = TestDriveStatus.NO_SHOW
    guard.release(session, test_drive_id=drive.id)
    return _finish(session, drive, NO_SHOW, now)


@_transaction
def move(
    session: Session,
    principal: Principal,
    drive_id: object,
    *,
    car_id: object = None,
    salesperson_id: object = None,
    now: datetime | None = None,
) -> TestDrive:
    """Give a booked drive another car (same trim, same store) and/or salesperson, at the same
    time. Refused with MoveRefused (409, naming car_id or salesperson_id) when the database finds
    the new one taken then."""
    now = now or utcnow()
    drive, rules = _own_drive(session, principal, drive_id)
    require_status(drive.status, TestDriveStatus.BOOKED, TestDriveStatus.CHECKED_IN)
    new_car, new_person = drive.car_id, drive.salesperson_id
    if car_id is not None:
        car = session.get(DemoCar, car_id) if isinstance(car_id, int) else None
        if car is None or car.location_id != drive.location_id or car.trim_id != drive.trim_id:
            raise NotFound("test_drive.car_not_found", field="car_id")
        new_car = car.id
    if salesperson_id is not None:
        person = session.get(Salesperson, salesperson_id) if isinstance(salesperson_id, int) else None
        if person is None or person.location_id != drive.location_id:
            raise NotFound("test_drive.salesperson_not_found", field="salesperson_id")
        new_person = person.id
    field = "car_id" if new_car != drive.car_id else "salesperson_id"
    changes = {"car_id": new_car, "salesperson_id": new_person}
    if not guard.claim(session, drive, slot_minutes=rules.slot_minutes, changes=changes):
        raise MoveRefused("test_drive.move_conflict", field=field)
    return _finish(session, drive, MOVED, now)


def _walk_in_store(session: Session, principal: Principal, store: object) -> int:
    """The dealer's store a walk-in is booked at: `store` when it is one of them, else the only one."""
    own = session.exec(
        select(Location.id)
        .where(Location.organisation_id == principal.organisation_id, Location.kind == "store")
        .order_by(Location.id)
    ).all()
    if store is None or store == "":
        if len(own) > 1:
            raise ValidationFailed("test_drive.walk_in_store_required", field="store")
        if not own:
            raise NotFound("test_drive.store_not_found", field="store")
        return own[0]
    if isinstance(store, str) and store.isdigit():
        store = int(store)
    if isinstance(store, bool) or not isinstance(store, int) or store not in own:
        raise NotFound("test_drive.store_not_found", field="store")
    return store


@_transaction
def walk_in(
    session: Session,
    principal: Principal,
    *,
    trim: object,
    visitor: dict,
    starts_at: object = None,
    store: object = None,
    now: datetime | None = None,
) -> TestDrive:
    """A visitor at the counter: book the trim now (the current slot, or `starts_at`) on any free
    car and salesperson of the dealer's store `store` (a location id; it may be left out when the
    dealer has one store). ValidationFailed `test_drive.walk_in_store_required` (field `store`)
    when it is left out and the dealer has several; NotFound `test_drive.store_not_found` when it
    is not one of the dealer's stores. SlotTaken when no pair is free then."""
    require_role(principal, Role.DEALER)
    now = now or utcnow()
    rules = store_rules(session, _walk_in_store(session, principal, store))
    trim_row = availability.trim_by_code(session, trim)
    details = booking.visitor_from(visitor if isinstance(visitor, dict) else {})
    start = booking.floor_to_slot(now, rules) if starts_at is None else booking.parse_start(starts_at)
    booking.check_licence(details, rules, start)
    drive_length = rules.drive_length(trim_row.code)
    resources = availability.load_resources(
        session, rules, trim_row.id, start, start + drive_length + rules.buffer, now=now
    )
    cars, people = availability.free_pairs(resources, rules, start, drive_length)
    slot = Slot(
        start,
        start + drive_length,
        start + drive_length + rules.buffer,
        rules.zone.key,
        tuple(cars),
        tuple(people),
    )
    drive = (
        booking.place_drive(session, rules, trim_row, slot, details, now=now, walk_in=True)
        if cars and people
        else None
    )
    if drive is None:
        raise booking.SlotTaken(availability.next_free_slots(session, rules, trim_row, start, now=now))
    session.commit()
    return drive


def calendar(session: Session, principal: Principal, *, start: datetime, days: int = 7) -> list[dict]:
    """The dealer's drives from `start` for `days` days, by start (for the later calendar page)."""
    require_role(principal, Role.DEALER)
    rows = session.exec(
        select(TestDrive, Trim.code)
        .join(Location, Location.id == TestDrive.location_id)
        .join(Trim, Trim.id == TestDrive.trim_id)
        .where(
            Location.organisation_id == principal.organisation_id,
            TestDrive.starts_at >= start,
            TestDrive.starts_at < start + timedelta(days=days),
        )
        .order_by(TestDrive.starts_at, TestDrive.id)
    ).all()
    session.commit()
    return [drive_row(drive, code) for drive, code in rows]


def drive_row(drive: TestDrive, trim_code: str) -> dict:
    return {
        "id": drive.id,
        "status": drive.status,
        "trim": trim_code,
        "car_id": drive.car_id,
        "salesperson_id": drive.salesperson_id,
        "starts_at": drive.starts_at.isoformat(),
        "ends_at": drive.drive_ends_at.isoformat(),
        "buffer_ends_at": drive.ends_at.isoformat(),
        "visitor_name": drive.visitor_name,
        "walk_in": drive.walk_in,
        "odometer_out_km": drive.odometer_out_km,
        "odometer_in_km": drive.odometer_in_km,
        "energy_out_percent": drive.energy_out_percent,
        "energy_in_percent": drive.energy_in_percent,
        "notes": drive.notes,
    }
