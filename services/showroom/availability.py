"""Which test-drive slots a store can offer for a trim: a suitable car AND a salesperson both free.

A slot starts at the store's opening time plus whole slot lengths, in the store's time zone
(`zoneinfo`, so daylight-saving days are right), and runs the trim's drive length; the car and the
salesperson are then taken until the buffer after it ends. A car is suitable on a day when its
plate and insurance are valid that day and its charge or fuel is at least the store's threshold;
a salesperson works on it when the drive lies inside their working hours that weekday. Active
drives and live holds (not yet expired) make their car and salesperson busy; holidays and closures
offer nothing. Times come back UTC with the store's local time beside them, clearly labelled.

This is the courtesy check; the database constraints (models/showroom.py) are the guarantee.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, Date, Integer, String, bindparam, cast, literal, null, or_, union_all
from sqlmodel import Session, select

from models import Trim
from models.showroom import ACTIVE_STATUSES, DemoCar, Salesperson, TestDrive, TestDriveHold
from models.types import UTCDateTime, utcnow
from services.platform.errors import NotFound, ValidationFailed
from services.showroom.stores import WEEKDAYS, StoreRules, local_span, parse_hours

Interval = tuple[datetime, datetime]
# No drive plus its buffer lasts longer (a store's drive length and buffer are minutes to hours).
MAX_DRIVE_SPAN = timedelta(days=1)


@dataclass(frozen=True)
class Slot:
    """One bookable start: the drive [starts_at, drive_ends_at), resources busy until ends_at."""

    starts_at: datetime
    drive_ends_at: datetime
    ends_at: datetime
    time_zone: str
    car_ids: tuple[int, ...] = field(default=(), compare=False)
    salesperson_ids: tuple[int, ...] = field(default=(), compare=False)
    stale_holds: bool = field(default=True, compare=False)  # see Resources.stale_holds

    @property
    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.time_zone))

    def as_dict(self) -> dict:
        local = self.local_start
        return {
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.drive_ends_at.isoformat(),
            "buffer_ends_at": self.ends_at.isoformat(),
            "time_zone": self.time_zone,
            "local_start": local.isoformat(),
            "local_label": f"{local:%a %d %b %Y %H:%M} {local.tzname()} ({self.time_zone})",
            "cars": len(self.car_ids),
            "salespeople": len(self.salesperson_ids),
        }


@dataclass
class Resources:
    """The cars of one trim and the salespeople of one store, with their busy intervals.

    What depends only on the local day (a salesperson's working span, a car's suitability) is
    worked out once per day and kept here: a 14-day look-up asks it for hundreds of starts."""

    cars: list  # rows of (id, plate_valid_until, insurance_valid_until, energy_percent)
    salespeople: list  # rows of (id, working_hours)
    car_busy: dict[int, list[Interval]]
    salesperson_busy: dict[int, list[Interval]]
    # Whether an expired hold of these cars or salespeople overlaps the window (its row is deleted
    # before anything is written there: booking.py `_drop_expired_holds`).
    stale_holds: bool = True
    _spans: dict[date, list[tuple[int, Interval]]] = field(default_factory=dict, repr=False)
    _suitable: dict[date, list[int]] = field(default_factory=dict, repr=False)
    _hours: list[tuple[int, dict]] | None = field(default=None, repr=False)

    def working_spans(self, day: date, rules: StoreRules) -> list[tuple[int, Interval]]:
        """(salesperson id, working span) of everyone working on local `day`, in id order."""
        if day not in self._spans:
            if self._hours is None:
                self._hours = [(person.id, parse_hours(person.working_hours)) for person in self.salespeople]
            weekday = WEEKDAYS[day.weekday()]
            spans = (
                (person_id, local_span(day, hours[weekday], rules.zone)) for person_id, hours in self._hours
            )
            self._spans[day] = [(person_id, span) for person_id, span in spans if span is not None]
        return self._spans[day]

    def suitable_cars(self, day: date, rules: StoreRules) -> list[int]:
        """The ids of the cars suitable on local `day` (`car_suitable`), in id order."""
        if day not in self._suitable:
            self._suitable[day] = [car.id for car in self.cars if car_suitable(car, day, rules)]
        return self._suitable[day]


def trim_by_code(session: Session, code: object) -> Trim:
    trim = session.exec(select(Trim).where(Trim.code == code)).first() if isinstance(code, str) else None
    if trim is None:
        raise NotFound("showroom.trim_not_found", field="trim")
    return trim


# The statements of `load_resources`, built once (it runs for every booking and availability
# look-up): plain columns, no ORM objects.
_CAR_TABLE, _PERSON_TABLE = DemoCar.__table__, Salesperson.__table__
_DRIVE_TABLE, _HOLD_TABLE = TestDrive.__table__, TestDriveHold.__table__
_ACTIVE = [status.value for status in ACTIVE_STATUSES]
_CAR_IDS = select(_CAR_TABLE.c.id).where(
    _CAR_TABLE.c.location_id == bindparam("location_id"),
    _CAR_TABLE.c.trim_id == bindparam("trim_id"),
    _CAR_TABLE.c.active,
)
_PERSON_IDS = select(_PERSON_TABLE.c.id).where(
    _PERSON_TABLE.c.location_id == bindparam("location_id"), _PERSON_TABLE.c.active
)


def _nulls(*types) -> list:
    return [cast(null(), kind) for kind in types]


# Everything `load_resources` reads in one round trip, one row per car ("c"), salesperson ("s"),
# active drive ("d") and hold ("h"), in the columns: kind, id, plate_valid_until,
# insurance_valid_until, energy_percent, working_hours, car_id, salesperson_id, starts_at, ends_at,
# expires_at (what a kind has not is NULL; the first SELECT's types read every row).
_RESOURCES = union_all(
    select(
        literal("c", String).label("kind"),
        _CAR_TABLE.c.id,
        _CAR_TABLE.c.plate_valid_until,
        _CAR_TABLE.c.insurance_valid_until,
        _CAR_TABLE.c.energy_percent,
        cast(null(), JSON).label("working_hours"),
        *_nulls(Integer, Integer, UTCDateTime, UTCDateTime, UTCDateTime),
    ).where(_CAR_TABLE.c.id.in_(_CAR_IDS.scalar_subquery())),
    select(
        literal("s", String),
        _PERSON_TABLE.c.id,
        *_nulls(Date, Date, Integer),
        _PERSON_TABLE.c.working_hours,
        *_nulls(Integer, Integer, UTCDateTime, UTCDateTime, UTCDateTime),
    ).where(_PERSON_TABLE.c.id.in_(_PERSON_IDS.scalar_subquery())),
    select(
        literal("d", String),
        _DRIVE_TABLE.c.id,
        *_nulls(Date, Date, Integer, JSON),
        _DRIVE_TABLE.c.car_id,
        _DRIVE_TABLE.c.salesperson_id,
        _DRIVE_TABLE.c.starts_at,
        _DRIVE_TABLE.c.ends_at,
        cast(null(), UTCDateTime),
    ).where(
        # A drive is at the store of its car and salesperson (place_drive, the desk's moves): the
        # store and a start no earlier than a day before `start` (no drive and buffer last longer)
        # let the (location_id, starts_at) index find the few candidates among the store's history.
        _DRIVE_TABLE.c.location_id == bindparam("location_id"),
        _DRIVE_TABLE.c.starts_at > bindparam("earliest_start"),
        _DRIVE_TABLE.c.starts_at < bindparam("end"),
        _DRIVE_TABLE.c.status.in_(bindparam("statuses", expanding=True)),
        or_(
            _DRIVE_TABLE.c.car_id.in_(_CAR_IDS.scalar_subquery()),
            _DRIVE_TABLE.c.salesperson_id.in_(_PERSON_IDS.scalar_subquery()),
        ),
        _DRIVE_TABLE.c.ends_at > bindparam("start"),
    ),
    select(
        literal("h", String),
        _HOLD_TABLE.c.id,
        *_nulls(Date, Date, Integer, JSON),
        _HOLD_TABLE.c.car_id,
        _HOLD_TABLE.c.salesperson_id,
        _HOLD_TABLE.c.starts_at,
        _HOLD_TABLE.c.ends_at,
        _HOLD_TABLE.c.expires_at,
    ).where(
        or_(
            _HOLD_TABLE.c.car_id.in_(_CAR_IDS.scalar_subquery()),
            _HOLD_TABLE.c.salesperson_id.in_(_PERSON_IDS.scalar_subquery()),
        ),
        _HOLD_TABLE.c.starts_at < bindparam("end"),
        _HOLD_TABLE.c.ends_at > bindparam("start"),
    ),
)


@dataclass(frozen=True)
class _Car:
    id: int
    plate_valid_until: date
    insurance_valid_until: date
    energy_percent: int


@dataclass(frozen=True)
class _Person:
    id: int
    working_hours: dict


def load_resources(
    session: Session,
    rules: StoreRules,
    trim_id: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    ignore_drive_id: int | None = None,
    ignore_hold_id: int | None = None,
) -> Resources:
    """The store's active cars of `trim_id` and active salespeople, and what keeps each busy
    between `start` and `end` (active drives, holds alive at `now`), leaving out one drive or hold
    (the one being rescheduled or confirmed)."""
    rows = (
        session.connection()
        .execute(
            _RESOURCES,
            {
                "location_id": rules.location_id,
                "trim_id": trim_id,
                "start": start,
                "earliest_start": start - MAX_DRIVE_SPAN,
                "end": end,
                "statuses": _ACTIVE,
            },
        )
        .all()
    )
    cars, salespeople = [], []
    car_busy: dict[int, list[Interval]] = defaultdict(list)
    salesperson_busy: dict[int, list[Interval]] = defaultdict(list)
    stale_holds = False
    for (
        kind,
        row_id,
        plate,
        insurance,
        energy,
        hours,
        car_id,
        salesperson_id,
        busy_from,
        busy_to,
        expires_at,
    ) in rows:
        if kind == "c":
            cars.append(_Car(row_id, plate, insurance, energy))
            continue
        if kind == "s":
            salespeople.append(_Person(row_id, hours))
            continue
        if kind == "d":
            if row_id == ignore_drive_id:
                continue
        elif expires_at <= now:
            stale_holds = True  # dead, but its row still blocks a new hold (and on SQLite a drive)
            continue
        elif row_id == ignore_hold_id:
            continue
        car_busy[car_id].append((busy_from, busy_to))
        salesperson_busy[salesperson_id].append((busy_from, busy_to))
    cars.sort(key=lambda car: car.id)
    salespeople.sort(key=lambda person: person.id)
    return Resources(cars, salespeople, car_busy, salesperson_busy, stale_holds)


def _free(busy: list[Interval], start: datetime, end: datetime) -> bool:
    return all(not (busy_from < end and start < busy_to) for busy_from, busy_to in busy)


def car_suitable(car: DemoCar, day: date, rules: StoreRules) -> bool:
    """Plate and insurance valid on `day`, charge or fuel at least the store's threshold."""
    return (
        car.plate_valid_until >= day
        and car.insurance_valid_until >= day
        and car.energy_percent >= rules.min_energy_percent
    )


def works(person: Salesperson, start: datetime, end: datetime, rules: StoreRules) -> bool:
    """Whether [start, end) lies in the salesperson's working hours of that local day."""
    local = start.astimezone(rules.zone)
    span = local_span(local.date(), parse_hours(person.working_hours)[WEEKDAYS[local.weekday()]], rules.zone)
    return span is not None and span[0] <= start and end <= span[1]


def free_pairs(
    resources: Resources, rules: StoreRules, starts_at: datetime, drive: timedelta, day: date | None = None
) -> tuple[list[int], list[int]]:
    """The car ids and salesperson ids free for a drive starting at `starts_at` (on local `day`,
    worked out when not given)."""
    drive_end = starts_at + drive
    end = drive_end + rules.buffer
    day = day or rules.local_day(starts_at)
    car_busy, salesperson_busy = resources.car_busy, resources.salesperson_busy
    cars = [
        car_id for car_id in resources.suitable_cars(day, rules) if _free(car_busy[car_id], starts_at, end)
    ]
    if not cars:
        return cars, []
    people = [
        person_id
        for person_id, span in resources.working_spans(day, rules)
        if span[0] <= starts_at
        and drive_end <= span[1]
        and _free(salesperson_busy[person_id], starts_at, end)
    ]
    return cars, people


def slot_starts(rules: StoreRules, day: date, drive: timedelta) -> list[datetime]:
    """Every start the store offers on local `day` (UTC instants): from opening, one slot length
    apart, the drive ending by closing time. Stepped in UTC, so a daylight-saving change inside
    the opening hours shifts nothing."""
    opening = rules.opening(day)
    if opening is None:
        return []
    start, close = opening[0].astimezone(UTC), opening[1].astimezone(UTC)
    starts = []
    while start + drive <= close:
        starts.append(start)
        start += rules.slot
    return starts


def check_range(from_day: object, to_day: object, max_days: int) -> tuple[date, date]:
    if not isinstance(from_day, date):
        raise ValidationFailed("showroom.date_invalid", field="from")
    if not isinstance(to_day, date):
        raise ValidationFailed("showroom.date_invalid", field="to")
    if to_day < from_day:
        raise ValidationFailed("showroom.range_reversed", field="to")
    if (to_day - from_day).days + 1 > max_days:
        raise ValidationFailed("showroom.range_too_long", field="to", days=max_days)
    return from_day, to_day


def free_slots(
    session: Session,
    rules: StoreRules,
    trim: Trim,
    from_day: date,
    to_day: date,
    *,
    now: datetime | None = None,
    ignore_drive_id: int | None = None,
    resources: Resources | None = None,
) -> list[Slot]:
    """The free slots from local `from_day` to `to_day` (both included), earliest first; only
    starts after `now`. `resources`: already loaded for the window of the starts the caller will
    look at (else they are loaded here)."""
    now = now or utcnow()
    drive = rules.drive_length(trim.code)
    days = [from_day + timedelta(days=n) for n in range((to_day - from_day).days + 1)]
    starts = [(start, day) for day in days for start in slot_starts(rules, day, drive) if start > now]
    if not starts:
        return []
    if resources is None:
        resources = load_resources(
            session,
            rules,
            trim.id,
            starts[0][0],
            starts[-1][0] + drive + rules.buffer,
            now=now,
            ignore_drive_id=ignore_drive_id,
        )
    slots = []
    for start, day in starts:
        cars, people = free_pairs(resources, rules, start, drive, day)
        if cars and people:
            slots.append(
                Slot(
                    start,
                    start + drive,
                    start + drive + rules.buffer,
                    rules.zone.key,
                    tuple(cars),
                    tuple(people),
                    resources.stale_holds,
                )
            )
    return slots


def near_window_end(rules: StoreRules, after: datetime, drive: timedelta) -> datetime:
    """Where resources read from `after` must reach to serve `next_free_slots`' first look: the end
    of the next local day, plus a drive and its buffer."""
    day_after_next = rules.local_day(after) + timedelta(days=2)
    return datetime.combine(day_after_next, time(0), tzinfo=rules.zone).astimezone(UTC) + drive + rules.buffer


def is_offered(rules: StoreRules, trim: Trim, starts_at: datetime) -> bool:
    """Whether `starts_at` is one of the starts the store offers for the trim (opening hours, not a
    holiday, on the slot grid)."""
    day = rules.local_day(starts_at)
    return starts_at in slot_starts(rules, day, rules.drive_length(trim.code))


def next_free_slots(
    session: Session,
    rules: StoreRules,
    trim: Trim,
    after: datetime,
    *,
    count: int = 3,
    now: datetime | None = None,
    horizon_days: int = 14,
    resources: Resources | None = None,
) -> list[Slot]:
    """The first `count` free slots starting after `after` (within `horizon_days`).

    The day of `after` and the next are looked at first (where a "just taken" answer's slots
    nearly always are), the whole horizon only when they hold fewer than `count`. `resources`,
    when given, cover `after` to the end of the next local day (`near_window`) and serve that
    first look."""
    first = rules.local_day(after)
    found: list[Slot] = []
    for days in sorted({min(1, horizon_days), horizon_days}):
        slots = free_slots(
            session,
            rules,
            trim,
            first,
            first + timedelta(days=days),
            now=now,
            resources=resources if days <= 1 else None,
        )
        found = [slot for slot in slots if slot.starts_at > after][:count]
        if len(found) == count:
            break
    return found
