"""Booking a test drive: hold a slot, confirm it, reschedule or cancel it by the manage link.

Every function here is one transaction in the caller's session and commits it; on any error
nothing is written (the session is rolled back). The guarantee that a car or a salesperson is
never booked twice at overlapping times (buffers included) is the database's (models/showroom.py,
services/showroom/guard.py): a booker who loses the race gets `SlotTaken` ("just taken", 409)
with the next three free slots, never a double booking. Each effect for the visitor (e-mails,
calendar invites: a later mail task) leaves through the outbox as a `test_drive.*` message
carrying the drive's id and version.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, delete, or_, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Location, LocationKind, Trim
from models.settings import get_settings
from models.showroom import ACTIVE_STATUSES, ShowroomStore, TestDrive, TestDriveHold, TestDriveStatus
from models.types import UTCDateTime, column_length, utcnow
from services.i18n import DEFAULT_LANGUAGE, LANGUAGES
from services.platform import outbox
from services.platform.errors import DomainError, FieldCollector, NotFound, PermissionDenied, ValidationFailed
from services.showroom import availability, guard, manage_links
from services.showroom.availability import Slot
from services.showroom.manage_links import LinkGone
from services.showroom.states import require_status, require_transition
from services.showroom.stores import StoreRules, rules_from, store_rules

BOOKED = "test_drive.booked"
RESCHEDULED = "test_drive.rescheduled"
CANCELLED = "test_drive.cancelled"
MAX_IDEMPOTENCY_KEY = 100
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{4,38}$")
_LICENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 -]{3,39}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class SlotTaken(DomainError):
    """Someone else got the slot first (or it is no longer free). HTTP 409; `next_slots` holds the
    next three free slots of that trim at that store."""

    status = 409

    def __init__(self, next_slots: list[Slot], field: str = "starts_at") -> None:
        super().__init__("test_drive.just_taken", field=field)
        self.next_slots = next_slots


@dataclass(frozen=True)
class Visitor:
    """Who drives: checked by `visitor_from`."""

    name: str
    phone: str
    email: str
    licence_number: str
    licence_expires_on: date
    language: str = "en"  # the visitor's e-mails are in it (services/showroom/mail.py)


def visitor_from(raw: dict) -> Visitor:
    """The visitor's details from untrusted input, or FieldErrors naming every bad field at once
    (visitor_name, phone, email, licence_number, licence_expires_on, language: "en" or "zh",
    "en" when not given): a bad name does not hide a bad phone number."""
    problems = FieldCollector()

    def text(name: str, pattern: re.Pattern | None, code: str, max_length: int) -> str:
        value = raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise ValidationFailed("test_drive.field_required", field=name, name=name)
        value = value.strip()
        if len(value) > max_length or _CONTROL.search(value) or (pattern and not pattern.match(value)):
            raise ValidationFailed(code, field=name)
        return value

    def expiry() -> date:
        expires = raw.get("licence_expires_on")
        try:
            return expires if isinstance(expires, date) else date.fromisoformat(expires)
        except (TypeError, ValueError):
            raise ValidationFailed("test_drive.licence_expiry_invalid", field="licence_expires_on") from None

    name = problems.check(
        text, "visitor_name", None, "test_drive.name_invalid", column_length(TestDrive, "visitor_name")
    )
    phone = problems.check(
        text, "phone", _PHONE, "test_drive.phone_invalid", column_length(TestDrive, "visitor_phone")
    )
    email = problems.check(
        text, "email", _EMAIL, "test_drive.email_invalid", column_length(TestDrive, "visitor_email")
    )
    licence = problems.check(
        text,
        "licence_number",
        _LICENCE,
        "test_drive.licence_number_invalid",
        column_length(TestDrive, "licence_number"),
    )
    expires_on = problems.check(expiry)
    language = raw.get("language")
    if language is None:
        language = DEFAULT_LANGUAGE
    if language not in LANGUAGES:
        problems.add("language", "test_drive.language_invalid", allowed=", ".join(LANGUAGES))
    problems.raise_if_any()
    return Visitor(name, phone, email, licence.upper(), expires_on, language)


def check_licence(visitor: Visitor, rules: StoreRules, starts_at: datetime) -> None:
    """A licence that expires before the drive's (local) day is refused, naming the field."""
    drive_day = rules.local_day(starts_at)
    if visitor.licence_expires_on < drive_day:
        raise ValidationFailed(
            "test_drive.licence_expires_before_drive",
            field="licence_expires_on",
            expires=visitor.licence_expires_on.isoformat(),
            day=drive_day.isoformat(),
        )


def parse_start(value: object, field: str = "starts_at") -> datetime:
    """An aware instant from an ISO 8601 string with an offset (a naive time is ambiguous)."""
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise ValidationFailed("test_drive.start_invalid", field=field)
    return parsed.astimezone(UTC)


def floor_to_slot(instant: datetime, rules: StoreRules) -> datetime:
    """The start of the store's slot that holds `instant` (counted from the store's opening)."""
    opening = rules.opening(rules.local_day(instant))
    if opening is None or instant < opening[0]:
        raise ValidationFailed("test_drive.store_closed", field="starts_at")
    step = rules.slot
    return opening[0].astimezone(instant.tzinfo) + ((instant - opening[0]) // step) * step


# --- holds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeldSlot:
    hold_id: int
    hold_token: str
    expires_at: datetime
    slot: Slot
    dealer_id: int
    trim_code: str

    def as_dict(self) -> dict:
        return {
            "hold_id": self.hold_id,
            "hold_token": self.hold_token,
            "expires_at": self.expires_at.isoformat(),
            "dealer_id": self.dealer_id,
            "trim": self.trim_code,
            "slot": self.slot.as_dict(),
        }


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _drop_expired_holds(
    session: Session, car_ids: list[int], salesperson_ids: list[int], now: datetime
) -> None:
    """Delete dead holds on these cars and salespeople, so their rows block no one (on SQLite the
    slot rows go with them)."""
    table = TestDriveHold.__table__
    session.connection().execute(
        delete(table).where(
            table.c.expires_at <= now,
            or_(table.c.car_id.in_(car_ids), table.c.salesperson_id.in_(salesperson_ids)),
        )
    )


def _offered_slot(
    session: Session,
    rules: StoreRules,
    trim: Trim,
    starts_at: datetime,
    now: datetime,
    *,
    ignore_drive_id: int | None = None,
    ignore_hold_id: int | None = None,
) -> Slot:
    """The slot at `starts_at` with its free cars and salespeople; SlotTaken when none is free,
    ValidationFailed when the store offers no such start."""
    if not availability.is_offered(rules, trim, starts_at) or starts_at <= now:
        raise ValidationFailed("test_drive.start_not_offered", field="starts_at")
    drive = rules.drive_length(trim.code)
    # Read up to the end of the next day: should the slot be gone, the same rows give the next
    # free slots of the "just taken" answer without reading again.
    resources = availability.load_resources(
        session,
        rules,
        trim.id,
        starts_at,
        availability.near_window_end(rules, starts_at, drive),
        now=now,
        ignore_drive_id=ignore_drive_id,
        ignore_hold_id=ignore_hold_id,
    )
    cars, people = availability.free_pairs(resources, rules, starts_at, drive)
    slot = Slot(
        starts_at,
        starts_at + drive,
        starts_at + drive + rules.buffer,
        rules.zone.key,
        tuple(cars),
        tuple(people),
        resources.stale_holds,
    )
    if not cars or not people:
        raise _taken(session, rules, trim, starts_at, now, resources=resources)
    return slot


def _taken(
    session: Session,
    rules: StoreRules,
    trim: Trim,
    starts_at: datetime,
    now: datetime,
    field: str = "starts_at",
    resources: availability.Resources | None = None,
) -> SlotTaken:
    return SlotTaken(
        availability.next_free_slots(session, rules, trim, starts_at, now=now, resources=resources),
        field=field,
    )


def _pairs(slot: Slot) -> list[tuple[int, int]]:
    return [(car, person) for car in slot.car_ids for person in slot.salesperson_ids]


def hold_slot(
    session: Session,
    *,
    trim: object,
    dealer: object,
    starts_at: object,
    visitor_token: str | None = None,
    now: datetime | None = None,
) -> HeldSlot:
    """Hold the slot at `starts_at` for `test_drive_hold_minutes` with a free car and salesperson.

    The visitor's earlier holds (same `visitor_token`) are released. Returns the hold with the
    token that confirms it (a new random one unless the visitor sent theirs). Raises NotFound
    (trim, dealer), ValidationFailed (starts_at not offered) or SlotTaken (another visitor holds
    or booked it: the database refused the second hold)."""
    now = now or utcnow()
    trim_row = availability.trim_by_code(session, trim)
    rules = store_rules(session, dealer)
    start = parse_start(starts_at)
    if visitor_token is not None and (
        not isinstance(visitor_token, str) or not 16 <= len(visitor_token) <= 200
    ):
        raise ValidationFailed("test_drive.visitor_token_invalid", field="visitor_token")
    token = visitor_token or secrets.token_urlsafe(24)
    digest = _token_hash(token)
    try:
        session.connection().execute(
            delete(TestDriveHold.__table__).where(TestDriveHold.__table__.c.visitor_token_hash == digest)
        )
        slot = _offered_slot(session, rules, trim_row, start, now)
        _drop_expired_holds(session, list(slot.car_ids), list(slot.salesperson_ids), now)
        expires_at = now + timedelta(minutes=get_settings().test_drive_hold_minutes)
        for car_id, salesperson_id in _pairs(slot):
            hold = TestDriveHold(
                location_id=rules.location_id,
                trim_id=trim_row.id,
                car_id=car_id,
                salesperson_id=salesperson_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                visitor_token_hash=digest,
                expires_at=expires_at,
            )
            if not guard.claim(session, hold, slot_minutes=rules.slot_minutes):
                continue
            session.commit()
            return HeldSlot(hold.id, token, expires_at, slot, rules.location_id, trim_row.code)
        raise _taken(session, rules, trim_row, start, now)
    except BaseException:
        session.rollback()
        raise


# --- bookings ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookedDrive:
    """A drive as the visitor sees it, with the manage token (deterministic per version)."""

    drive: TestDrive
    rules: StoreRules
    trim_code: str
    manage_token: str
    replayed: bool = False

    def as_dict(self) -> dict:
        drive, zone = self.drive, self.rules.zone
        local = drive.starts_at.astimezone(zone)
        return {
            "id": drive.id,
            "status": drive.status,
            "version": drive.version,
            "trim": self.trim_code,
            "dealer_id": drive.location_id,
            "dealer_name": self.rules.name,
            "car_id": drive.car_id,
            "salesperson_id": drive.salesperson_id,
            "starts_at": drive.starts_at.isoformat(),
            "ends_at": drive.drive_ends_at.isoformat(),
            "buffer_ends_at": drive.ends_at.isoformat(),
            "time_zone": zone.key,
            "local_start": local.isoformat(),
            "local_label": f"{local:%a %d %b %Y %H:%M} {local.tzname()} ({zone.key})",
            "visitor_name": drive.visitor_name,
            "email": drive.visitor_email,
            "language": drive.language,
            "walk_in": drive.walk_in,
            "manage_token": self.manage_token,
            "manage_until": (drive.starts_at - timedelta(hours=self.rules.cutoff_hours)).isoformat(),
        }


def token_for(drive: TestDrive) -> str:
    """The manage token of the drive's current version; good until the drive starts."""
    return manage_links.manage_token(drive.id, drive.version, drive.starts_at)


def _booked(session: Session, drive: TestDrive, rules: StoreRules, *, replayed: bool = False) -> BookedDrive:
    trim_code = session.get(Trim, drive.trim_id).code
    return BookedDrive(drive, rules, trim_code, token_for(drive), replayed)


def place_drive(
    session: Session,
    rules: StoreRules,
    trim: Trim,
    slot: Slot,
    visitor: Visitor,
    *,
    now: datetime,
    walk_in: bool = False,
    idempotency_key: str | None = None,
    fingerprint: str | None = None,
) -> TestDrive | None:
    """Insert the drive on the first free (car, salesperson) pair of `slot`, each try in a
    savepoint; None when the database refused every pair. A pair refused because its car (or its
    salesperson) is taken skips every other pair with that car (or salesperson): under contention
    a loser learns in one try per resource, not one per pair. Does not commit."""
    if slot.stale_holds:
        _drop_expired_holds(session, list(slot.car_ids), list(slot.salesperson_ids), now)
    taken: dict[str, set[int]] = {guard.CAR: set(), guard.SALESPERSON: set()}
    for car_id, salesperson_id in _pairs(slot):
        if car_id in taken[guard.CAR] or salesperson_id in taken[guard.SALESPERSON]:
            continue
        drive = TestDrive(
            location_id=rules.location_id,
            trim_id=trim.id,
            car_id=car_id,
            salesperson_id=salesperson_id,
            starts_at=slot.starts_at,
            drive_ends_at=slot.drive_ends_at,
            ends_at=slot.ends_at,
            walk_in=walk_in,
            visitor_name=visitor.name,
            visitor_phone=visitor.phone,
            visitor_email=visitor.email,
            licence_number=visitor.licence_number,
            licence_expires_on=visitor.licence_expires_on,
            language=visitor.language,
            idempotency_key=idempotency_key,
            request_fingerprint=fingerprint,
            created_at=now,
            updated_at=now,
        )
        if not guard.uses_slot_rows(session):
            if _insert_drive(session, drive):
                return drive
            # Refused (someone took the car or the salesperson since the slot was read): the
            # conflicting drive is committed now, so one read says which resources are gone.
            busy_cars, busy_people = _taken_now(session, slot, rules.location_id)
            taken[guard.CAR].update(busy_cars)
            taken[guard.SALESPERSON].update(busy_people)
            continue
        refused: list[str | None] = []
        if not guard.claim(session, drive, slot_minutes=rules.slot_minutes, refused=refused):
            if refused and refused[0] is not None:
                taken[refused[0]].add(car_id if refused[0] == guard.CAR else salesperson_id)
            continue
        outbox.enqueue(session, BOOKED, {"test_drive_id": drive.id, "version": drive.version})
        return drive
    return None


_DRIVES = TestDrive.__table__
_DRIVE_COLUMNS = [column for column in _DRIVES.columns if column.name != "id"]
# PostgreSQL: the drive and its "test_drive.booked" outbox message in one statement. ON CONFLICT DO
# NOTHING makes a refusal by the exclusion constraints (or a twin request's idempotency key) an
# empty answer instead of an error, so no savepoint is needed around the try.
_INSERT_DRIVE = text(
    f"WITH drive AS (INSERT INTO test_drive ({', '.join(c.name for c in _DRIVE_COLUMNS)}) "
    f"VALUES ({', '.join(':' + c.name for c in _DRIVE_COLUMNS)}) ON CONFLICT DO NOTHING "
    "RETURNING id, version), "
    "message AS (INSERT INTO outbox_message (topic, payload, created_at) "
    "SELECT :topic, json_build_object('test_drive_id', drive.id, 'version', drive.version), :created_at "
    "FROM drive RETURNING id) "
    "SELECT drive.id FROM drive, message"
).bindparams(
    *(bindparam(column.name, type_=column.type) for column in _DRIVE_COLUMNS),
    bindparam("created_at", type_=UTCDateTime),
)
_TAKEN_NOW = text(
    "SELECT car_id, salesperson_id FROM test_drive WHERE location_id = :location_id "
    "AND status IN :statuses AND starts_at < :ends_at AND ends_at > :starts_at "
    "AND (car_id IN :cars OR salesperson_id IN :people)"
).bindparams(
    bindparam("statuses", expanding=True),
    bindparam("cars", expanding=True),
    bindparam("people", expanding=True),
    bindparam("starts_at", type_=UTCDateTime),
    bindparam("ends_at", type_=UTCDateTime),
)


def _insert_drive(session: Session, drive: TestDrive) -> bool:
    """PostgreSQL: insert `drive` (and its outbox message); True with `drive.id` set, False when
    the database refused it. The drive stays outside the session."""
    values = {column.name: getattr(drive, column.name) for column in _DRIVE_COLUMNS}
    row = (
        session.connection()
        .execute(_INSERT_DRIVE, {**values, "topic": BOOKED, "created_at": drive.created_at})
        .first()
    )
    if row is None:
        return False
    drive.id = row[0]
    return True


def _taken_now(session: Session, slot: Slot, location_id: int) -> tuple[set[int], set[int]]:
    """The slot's cars and salespeople that an active drive overlapping it holds now."""
    rows = session.connection().execute(
        _TAKEN_NOW,
        {
            "location_id": location_id,
            "statuses": [status.value for status in ACTIVE_STATUSES],
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "cars": list(slot.car_ids),
            "people": list(slot.salesperson_ids),
        },
    )
    cars, people = set(), set()
    for car_id, salesperson_id in rows:
        cars.add(car_id)
        people.add(salesperson_id)
    return cars & set(slot.car_ids), people & set(slot.salesperson_ids)


def _check_key(idempotency_key: object) -> str:
    key = idempotency_key.strip() if isinstance(idempotency_key, str) else ""
    if not key:
        raise ValidationFailed("test_drive.idempotency_key_required", field="idempotency_key")
    if len(key) > MAX_IDEMPOTENCY_KEY or _CONTROL.search(key):
        raise ValidationFailed("test_drive.idempotency_key_invalid", field="idempotency_key")
    return key


def _fingerprint(request: dict) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


def _replay(session: Session, key: str, fingerprint: str) -> BookedDrive | None:
    drive = session.exec(select(TestDrive).where(TestDrive.idempotency_key == key)).first()
    if drive is None:
        return None
    if drive.request_fingerprint != fingerprint:
        raise ValidationFailed("test_drive.idempotency_conflict", field="idempotency_key")
    return _booked(session, drive, store_rules(session, drive.location_id), replayed=True)


def book(
    session: Session,
    *,
    idempotency_key: object,
    visitor: dict,
    hold_id: object = None,
    hold_token: object = None,
    trim: object = None,
    dealer: object = None,
    starts_at: object = None,
    now: datetime | None = None,
) -> BookedDrive:
    """Book a drive: confirm the visitor's hold (`hold_id` + `hold_token`), or book `trim` at
    `dealer` at `starts_at` directly. Idempotent per `idempotency_key`: the same request again
    returns the same drive (`replayed`), the same key with another request is ValidationFailed.

    Raises ValidationFailed naming the field (visitor details, a licence expiring before the
    drive, a start the store does not offer), NotFound (hold, trim, dealer), PermissionDenied
    (a hold confirmed with another visitor's token), LinkGone (the hold expired: 410) and
    SlotTaken (409, with the next three free slots) when the slot went to someone else.
    """
    now = now or utcnow()
    key = _check_key(idempotency_key)
    details = visitor_from(visitor if isinstance(visitor, dict) else {})
    fingerprint = _fingerprint(
        {
            "hold_id": hold_id,
            "trim": trim,
            "dealer": dealer,
            "starts_at": starts_at,
            "visitor": details.__dict__,
        }
    )
    try:
        # A repeat of a booking finds its own drive in the way (or its hold gone), so the replay
        # is looked for only when the booking cannot be made: no read for it on the way in.
        try:
            booked = _book_now(
                session, key, fingerprint, details, hold_id, hold_token, trim, dealer, starts_at, now
            )
        except DomainError:
            session.rollback()
            replay = _replay(session, key, fingerprint)
            if replay is None:
                raise
            session.commit()
            return replay
        session.commit()
    except IntegrityError as error:
        session.rollback()
        if "idempotency_key" not in str(error.orig):
            raise
        # A twin request with the same key committed first: answer with its drive.
        replay = _replay(session, key, fingerprint)
        session.commit()
        if replay is None:
            raise
        return replay
    except BaseException:
        session.rollback()
        raise
    return booked


def _book_now(
    session: Session,
    key: str,
    fingerprint: str,
    details: Visitor,
    hold_id: object,
    hold_token: object,
    trim: object,
    dealer: object,
    starts_at: object,
    now: datetime,
) -> BookedDrive:
    """The booking of `book`, in the caller's transaction (flushed, not committed)."""
    if hold_id is not None:
        drive, rules = _confirm_hold(session, hold_id, hold_token, details, key, fingerprint, now)
        trim_code = session.get(Trim, drive.trim_id).code
    else:
        trim_row, rules = _trim_and_store(session, trim, dealer)
        start = parse_start(starts_at)
        check_licence(details, rules, start)
        slot = _offered_slot(session, rules, trim_row, start, now)
        drive = place_drive(
            session, rules, trim_row, slot, details, now=now, idempotency_key=key, fingerprint=fingerprint
        )
        if drive is None:
            raise _taken(session, rules, trim_row, start, now)
        trim_code = trim_row.code
    # The answer is made before the commit, from what this transaction wrote, and the drive
    # leaves the session, so the commit expires nothing that would be read back again.
    session.flush()
    if drive in session:
        session.expunge(drive)
    return BookedDrive(drive, rules, trim_code, token_for(drive))


def _trim_and_store(session: Session, trim: object, dealer: object) -> tuple[Trim, StoreRules]:
    """`availability.trim_by_code` and `store_rules` in one read (NotFound naming "trim" first,
    then "dealer", as the two would)."""
    if isinstance(trim, str) and isinstance(dealer, int) and not isinstance(dealer, bool):
        row = session.exec(
            select(Location, ShowroomStore, Trim)
            .join(ShowroomStore, ShowroomStore.location_id == Location.id)
            .join(Trim, Trim.code == trim)
            .where(Location.id == dealer, Location.kind == LocationKind.STORE)
        ).first()
        if row is not None:
            location, store, trim_row = row
            return trim_row, rules_from(location, store)
    return availability.trim_by_code(session, trim), store_rules(session, dealer)


def _confirm_hold(
    session: Session,
    hold_id: object,
    hold_token: object,
    visitor: Visitor,
    key: str,
    fingerprint: str,
    now: datetime,
) -> tuple[TestDrive, StoreRules]:
    if not isinstance(hold_id, int) or isinstance(hold_id, bool):
        raise ValidationFailed("request.integer_expected", field="hold_id")
    hold = session.exec(select(TestDriveHold).where(TestDriveHold.id == hold_id).with_for_update()).first()
    if hold is None:
        raise NotFound("test_drive.hold_not_found", field="hold_id")
    if not isinstance(hold_token, str) or not secrets.compare_digest(
        _token_hash(hold_token), hold.visitor_token_hash
    ):
        raise PermissionDenied("test_drive.hold_not_yours", field="hold_token")
    if hold.expires_at <= now:
        raise LinkGone("test_drive.hold_expired", field="hold_id")
    rules = store_rules(session, hold.location_id)
    trim = session.get(Trim, hold.trim_id)
    check_licence(visitor, rules, hold.starts_at)
    slot = Slot(
        hold.starts_at,
        hold.starts_at + rules.drive_length(trim.code),
        hold.ends_at,
        rules.zone.key,
        (hold.car_id,),
        (hold.salesperson_id,),
    )
    session.delete(hold)  # on SQLite its slot rows go with it, so the drive can take them
    session.flush()
    drive = place_drive(
        session, rules, trim, slot, visitor, now=now, idempotency_key=key, fingerprint=fingerprint
    )
    if drive is None:
        raise _taken(session, rules, trim, hold.starts_at, now)
    return drive, rules


# --- the manage link ---------------------------------------------------------------------------


def _by_token(session: Session, token: object, now: datetime, *, lock: bool = False) -> TestDrive:
    drive_id, version = manage_links.read_token(token, now=now)
    query = select(TestDrive).where(TestDrive.id == drive_id)
    drive = session.exec(query.with_for_update() if lock else query).first()
    if drive is None:
        raise PermissionDenied("test_drive.link_invalid", field="token")
    if drive.version != version:
        raise LinkGone("test_drive.link_replaced", field="token")
    return drive


def view_by_token(session: Session, token: object, *, now: datetime | None = None) -> BookedDrive:
    """The drive behind a manage token (403 tampered, 410 expired or replaced)."""
    drive = _by_token(session, token, now or utcnow())
    booked = _booked(session, drive, store_rules(session, drive.location_id))
    session.commit()
    return booked


def _check_cutoff(drive: TestDrive, rules: StoreRules, now: datetime) -> None:
    until = drive.starts_at - timedelta(hours=rules.cutoff_hours)
    if now >= until:
        raise DomainError("test_drive.cutoff_passed", field="token", until=until, hours=rules.cutoff_hours)


def reschedule(
    session: Session, *, token: object, starts_at: object, now: datetime | None = None
) -> BookedDrive:
    """Move the visitor's drive to another free slot of the same trim and store (the same car and
    salesperson when they are free then). Refused after the store's cutoff (400
    test_drive.cutoff_passed), for a drive no longer booked, and with SlotTaken when the new slot
    is not free. The version rises: the returned token replaces the old one."""
    now = now or utcnow()
    try:
        drive = _by_token(session, token, now, lock=True)
        rules = store_rules(session, drive.location_id)
        require_status(drive.status, TestDriveStatus.BOOKED, field="token")
        _check_cutoff(drive, rules, now)
        start = parse_start(starts_at)
        trim = session.get(Trim, drive.trim_id)
        check_licence(
            Visitor(
                drive.visitor_name,
                drive.visitor_phone,
                drive.visitor_email,
                drive.licence_number,
                drive.licence_expires_on,
            ),
            rules,
            start,
        )
        slot = _offered_slot(session, rules, trim, start, now, ignore_drive_id=drive.id)
        if not move_drive(session, drive, rules, slot, now=now, prefer=(drive.car_id, drive.salesperson_id)):
            raise _taken(session, rules, trim, start, now)
        drive.version += 1
        session.add(drive)
        outbox.enqueue(session, RESCHEDULED, {"test_drive_id": drive.id, "version": drive.version})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _booked(session, drive, rules)


def move_drive(
    session: Session,
    drive: TestDrive,
    rules: StoreRules,
    slot: Slot,
    *,
    now: datetime,
    prefer: tuple[int, int] | None = None,
) -> bool:
    """Give `drive` the time of `slot` on the first of its (car, salesperson) pairs the database
    accepts (`prefer` first); False when it refused them all. Does not commit."""
    pairs = _pairs(slot)
    if prefer in pairs:
        pairs.remove(prefer)
        pairs.insert(0, prefer)
    _drop_expired_holds(session, list(slot.car_ids), list(slot.salesperson_ids), now)
    for car_id, salesperson_id in pairs:
        changes = {
            "car_id": car_id,
            "salesperson_id": salesperson_id,
            "starts_at": slot.starts_at,
            "drive_ends_at": slot.drive_ends_at,
            "ends_at": slot.ends_at,
            "updated_at": now,
        }
        if not guard.claim(session, drive, slot_minutes=rules.slot_minutes, changes=changes):
            continue
        return True
    return False


def cancel(session: Session, *, token: object, now: datetime | None = None) -> BookedDrive:
    """Cancel the visitor's drive until the store's cutoff; frees its car and salesperson. The
    version rises, so the link stops working (a second cancel gets 410)."""
    now = now or utcnow()
    try:
        drive = _by_token(session, token, now, lock=True)
        rules = store_rules(session, drive.location_id)
        require_transition(drive.status, TestDriveStatus.CANCELLED, field="token")
        _check_cutoff(drive, rules, now)
        drive.status = TestDriveStatus.CANCELLED
        drive.version += 1
        drive.updated_at = now
        session.add(drive)
        guard.release(session, test_drive_id=drive.id)
        outbox.enqueue(session, CANCELLED, {"test_drive_id": drive.id, "version": drive.version})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return _booked(session, drive, rules)


def get_drive(session: Session, drive_id: int) -> TestDrive:
    drive = session.get(TestDrive, drive_id)
    if drive is None:
        raise NotFound("test_drive.not_found", field="id")
    return drive
