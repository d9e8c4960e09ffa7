"""The demo's showroom: every dealer store's test-drive settings, demo cars and salespeople, three
months of past drives (show-ups, no-shows, a few cancellations) and a few drives booked for the
coming days, so a seeded portal offers test drives at once and the dealer desk has a history.

The drives are written as rows, not through the booking service, but they keep its guarantees:
no two drives share a car or a salesperson at overlapping times (buffers included), every drive
lies on the store's slot grid, inside its opening hours and the salesperson's working hours, and
the booked ones own their SQLite slot rows (services/showroom/guard.py), so later bookings cannot
take them. Finished drives own none, as after the dealer desk closes them.

Deterministic for one `rng_seed` and `now`; idempotent (a store that has its showroom settings is
left alone); a few thousand rows in well under a second.
"""

from __future__ import annotations

import json
import random
import string
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select
from sqlmodel import Session

from models import Location, LocationKind, StockLevel, Trim
from models.showroom import DemoCar, Salesperson, ShowroomStore, TestDrive, TestDriveStatus, TrimViewCount
from services.logistics.vin import build_vin
from services.seed.plan import Fakers, person
from services.showroom import guard
from services.showroom.availability import slot_starts, works
from services.showroom.places import find_city
from services.showroom.stores import WEEKDAYS, StoreRules, rules_from

HISTORY_DAYS = 91
UPCOMING_DAYS = 7
VIN_PLANT = "S"  # the showroom fleet's own plant letter: no clash with the logistics VINs
DEFAULT_HOURS = {day: ["09:00", "18:00"] for day in WEEKDAYS[:6]} | {"sun": []}
# Fixed-date public holidays per country (month, day, reason): each store closes on the next two.
HOLIDAYS: dict[str, tuple[tuple[int, int, str], ...]] = {
    "CN": ((1, 1, "New Year's Day"), (5, 1, "Labour Day"), (10, 1, "National Day")),
    "DE": (
        (1, 1, "Neujahr"),
        (5, 1, "Tag der Arbeit"),
        (10, 3, "Tag der Deutschen Einheit"),
        (12, 25, "Weihnachten"),
    ),
    "GB": ((1, 1, "New Year's Day"), (12, 25, "Christmas Day"), (12, 26, "Boxing Day")),
    "AE": ((1, 1, "New Year's Day"), (12, 2, "National Day"), (12, 3, "National Day holiday")),
    "AU": (
        (1, 1, "New Year's Day"),
        (1, 26, "Australia Day"),
        (4, 25, "Anzac Day"),
        (12, 25, "Christmas Day"),
    ),
    "TH": (
        (1, 1, "New Year's Day"),
        (4, 13, "Songkran"),
        (12, 5, "Father's Day"),
        (12, 10, "Constitution Day"),
    ),
    "BR": (
        (1, 1, "Confraternização Universal"),
        (4, 21, "Tiradentes"),
        (9, 7, "Independência"),
        (11, 15, "República"),
    ),
    "MX": ((1, 1, "Año Nuevo"), (9, 16, "Día de la Independencia"), (12, 25, "Navidad")),
    "NO": (
        (1, 1, "Første nyttårsdag"),
        (5, 1, "Arbeidernes dag"),
        (5, 17, "Grunnlovsdag"),
        (12, 25, "Juledag"),
    ),
    "SG": ((1, 1, "New Year's Day"), (8, 9, "National Day"), (12, 25, "Christmas Day")),
}
_LOCALES = {"CN": "zh_CN", "DE": "de_DE", "GB": "en_GB", "AU": "en_AU", "TH": "en_TH", "BR": "pt_BR",
            "MX": "es_MX", "NO": "no_NO", "SG": "zh_CN"}  # fmt: skip
_CN_PLATE_PREFIX = {"Shanghai": "沪A", "Beijing": "京N", "Shenzhen": "粤B", "Guangzhou": "粤A",
                    "Hangzhou": "浙A", "Chengdu": "川A"}  # fmt: skip
_PLATE_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
# (cumulative share of past drives, status): most visitors come, some do not, a few cancel ahead.
_OUTCOMES = (
    (0.78, TestDriveStatus.COMPLETED),
    (0.92, TestDriveStatus.NO_SHOW),
    (1.0, TestDriveStatus.CANCELLED),
)
DRIVE_COLUMNS = TestDrive.__table__
_CHECK_IN_OUT = (
    "checked_in_at",
    "odometer_out_km",
    "energy_out_percent",
    "checked_out_at",
    "odometer_in_km",
    "energy_in_percent",
)


def _plate(rng: random.Random, country: str, city: str) -> str:
    letters = lambda n: "".join(rng.choice(_PLATE_LETTERS) for _ in range(n))  # noqa: E731
    digits = lambda n: "".join(rng.choice(string.digits) for _ in range(n))  # noqa: E731
    if country == "CN":
        return (
            f"{_CN_PLATE_PREFIX.get(city, '沪A')}·D{digits(4)}{rng.choice(_PLATE_LETTERS)}"  # green EV plates
        )
    if country == "DE":
        return f"M-Q{letters(1)} {rng.randint(1, 9999)}"
    if country == "GB":
        return f"LN{rng.randint(21, 25)} {letters(3)}"
    if country == "NO":
        return f"EL {rng.randint(10000, 99999)}"
    return f"{letters(3)} {digits(4)}"


def _closures(rng: random.Random, country: str, today: date) -> list[dict]:
    """The next two public holidays of `country` after today, and (some stores) a stock-take day."""
    upcoming = sorted(
        date(year, month, day)
        for year in (today.year, today.year + 1)
        for month, day, _ in HOLIDAYS.get(country, HOLIDAYS["GB"])
        if date(year, month, day) > today
    )[:2]
    reasons = {(month, day): reason for month, day, reason in HOLIDAYS.get(country, HOLIDAYS["GB"])}
    closures = [{"date": day.isoformat(), "reason": reasons[(day.month, day.day)]} for day in upcoming]
    if rng.random() < 0.3:
        closures.append(
            {"date": (today + timedelta(days=rng.randint(20, 40))).isoformat(), "reason": "Stock-take"}
        )
    return sorted(closures, key=lambda item: item["date"])


def _working_hours(opening: dict, index: int) -> dict:
    """The store's hours on five of its open days; days off staggered so every open day is covered."""
    open_days = [day for day in WEEKDAYS if opening.get(day)]
    off = {open_days[(2 * index + k) % len(open_days)] for k in range(2)} if len(open_days) > 4 else set()
    return {day: (list(opening[day]) if day in open_days and day not in off else []) for day in WEEKDAYS}


def _free(busy: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    return all(not (busy_from < end and start < busy_to) for busy_from, busy_to in busy)


def seed_showroom(session: Session, *, rng_seed: int, now: datetime) -> dict:
    """Give every dealer store without showroom settings its settings, fleet, salespeople and
    drives (see the module's doc); commits. Returns the counts of what was written (all zero when
    every store has its settings already)."""
    rng = random.Random(rng_seed)
    fakers = Fakers(rng_seed)
    done = set(session.execute(select(ShowroomStore.location_id)).scalars())
    stores = [
        store
        for store in session.execute(
            select(Location).where(Location.kind == LocationKind.STORE).order_by(Location.id)
        ).scalars()
        if store.id not in done
    ]
    counts = {"stores": 0, "cars": 0, "salespeople": 0, "past_drives": 0, "booked_drives": 0, "view_days": 0}
    if not stores:
        return counts
    trims = {trim.id: trim for trim in session.execute(select(Trim).order_by(Trim.id)).scalars()}
    sold = defaultdict(set)
    for location_id, trim_id in session.execute(
        select(StockLevel.location_id, StockLevel.trim_id).where(
            StockLevel.trim_id.is_not(None), StockLevel.location_id.in_([s.id for s in stores])
        )
    ):
        sold[location_id].add(trim_id)
    visitors = 0
    for store in stores:
        store_rng = random.Random(rng.random())  # one stream per store: adding a store moves no other
        rules = _store(session, store_rng, store, now)
        trim_ids = sorted(sold[store.id]) or sorted(trims)
        cars = _cars(session, store_rng, store, [trims[t] for t in trim_ids], now)
        people = _salespeople(session, store_rng, fakers, store)
        session.flush()
        past, booked, visitors = _drives(
            session, store_rng, fakers, rules, cars, people, trims, now, visitors
        )
        counts["stores"] += 1
        counts["cars"] += len(cars)
        counts["salespeople"] += len(people)
        counts["past_drives"] += past
        counts["booked_drives"] += booked
        counts["view_days"] += _views(session, store_rng, store, trim_ids, now)
    counts["orders"] = _orders(session, random.Random(rng.random()), [store.id for store in stores])
    session.commit()
    return counts


def _store(session: Session, rng: random.Random, store: Location, now: datetime) -> StoreRules:
    place = find_city(store.city)
    if place is not None and (store.latitude is None or store.longitude is None):
        store.latitude, store.longitude = place.latitude, place.longitude
    if not store.opening_hours:
        store.opening_hours = json.dumps(DEFAULT_HOURS)
    settings = ShowroomStore(
        location_id=store.id,
        slot_minutes=rng.choice((15, 30, 30)),
        drive_minutes=rng.choice((45, 60, 60)),
        drive_minutes_by_trim={"taishan-20td": 90, "taishan-phev": 90, "harmony-phev": 75},
        buffer_minutes=rng.choice((15, 30)),
        min_energy_percent=rng.choice((30, 40)),
        cutoff_hours=rng.choice((2, 4)),
        closures=_closures(rng, store.country, now.date()),
    )
    session.add_all([store, settings])
    return rules_from(store, settings)


def _cars(
    session: Session, rng: random.Random, store: Location, trims: list[Trim], now: datetime
) -> list[DemoCar]:
    count = rng.randint(3, 8)
    chosen = rng.sample(trims, min(count, len(trims)))
    chosen += [rng.choice(trims) for _ in range(count - len(chosen))]
    cars = []
    for n, trim in enumerate(chosen):
        cars.append(
            DemoCar(
                location_id=store.id,
                trim_id=trim.id,
                vin=build_vin(
                    trim_code=trim.code,
                    model_year=now.year - rng.randint(0, 1),
                    plant=VIN_PLANT,
                    serial=store.id * 10 + n,
                ),
                plate=_plate(rng, store.country, store.city),
                plate_valid_until=now.date() + timedelta(days=rng.randint(400, 1100)),
                insurance_valid_until=now.date() + timedelta(days=rng.randint(120, 365)),
                odometer_km=rng.randint(300, 8000),  # at the start of the history; the drives add to it
                energy_percent=rng.randint(70, 100),
            )
        )
    session.add_all(cars)
    return cars


def _salespeople(session: Session, rng: random.Random, fakers: Fakers, store: Location) -> list[Salesperson]:
    opening = json.loads(store.opening_hours)
    locale = _LOCALES.get(store.country, "en_US")
    people = [
        Salesperson(
            location_id=store.id,
            full_name=person(fakers, rng, locale).full_name,
            working_hours=_working_hours(opening, index),
        )
        for index in range(rng.randint(2, 6))
    ]
    session.add_all(people)
    return people


def _drives(
    session: Session,
    rng: random.Random,
    fakers: Fakers,
    rules: StoreRules,
    cars: list[DemoCar],
    people: list[Salesperson],
    trims: dict[int, Trim],
    now: datetime,
    visitors: int,
) -> tuple[int, int, int]:
    """Past drives day by day (the fleet's odometers run along), then a few booked ones."""
    busy: dict[tuple[str, int], list[tuple[datetime, datetime]]] = defaultdict(list)
    odometer = {car.id: car.odometer_km for car in cars}
    locale = _LOCALES.get(rules.country, "en_US")
    past_rows, booked_rows = [], []
    today = rules.local_day(now)
    for offset in range(-HISTORY_DAYS, UPCOMING_DAYS + 1):
        if offset == 1:
            continue  # "now" is the seed's day start: tomorrow's drives may lie behind the clock already
        day = today + timedelta(days=offset)
        upcoming = offset > 1
        wanted = rng.randint(0, 1) if upcoming else rng.randint(1, 3) + (day.weekday() >= 5)
        for _ in range(wanted):
            car = rng.choice(cars)
            trim = trims[car.trim_id]
            drive = rules.drive_length(trim.code)
            starts = slot_starts(rules, day, drive)
            if not starts:
                break  # closed that day
            starts_at = rng.choice(starts)
            drive_ends_at, ends_at = starts_at + drive, starts_at + drive + rules.buffer
            in_time = starts_at > now + timedelta(hours=rules.cutoff_hours) if upcoming else ends_at <= now
            if not in_time or not _free(busy["car", car.id], starts_at, ends_at):
                continue
            seller = next(
                (
                    p
                    for p in rng.sample(people, len(people))
                    if works(p, starts_at, drive_ends_at, rules)
                    and _free(busy["sp", p.id], starts_at, ends_at)
                ),
                None,
            )
            if seller is None:
                continue
            busy["car", car.id].append((starts_at, ends_at))
            busy["sp", seller.id].append((starts_at, ends_at))
            visitors += 1
            someone = person(fakers, rng, locale)
            created = starts_at - timedelta(days=rng.randint(1, 12), minutes=rng.randint(0, 600))
            row = {
                "location_id": rules.location_id,
                "trim_id": trim.id,
                "car_id": car.id,
                "salesperson_id": seller.id,
                "starts_at": starts_at,
                "drive_ends_at": drive_ends_at,
                "ends_at": ends_at,
                "status": TestDriveStatus.BOOKED.value,
                "version": 1,
                "walk_in": False,
                "visitor_name": someone.full_name,
                "visitor_phone": f"+{rng.randint(10, 99)} {rng.randint(1, 10**10 - 1):010d}",
                "visitor_email": f"visitor{visitors}@example.com",
                "licence_number": "".join(
                    rng.choice(string.ascii_uppercase + string.digits) for _ in range(10)
                ),
                "licence_expires_on": (starts_at + timedelta(days=rng.randint(200, 3000))).date(),
                "licence_seen": False,
                **dict.fromkeys(_CHECK_IN_OUT),
                "notes": "",
                "created_at": created,
                "updated_at": created,
            }
            if upcoming:
                booked_rows.append(row)
                continue
            draw = rng.random()
            status = next(status for share, status in _OUTCOMES if draw < share)
            row["status"] = status.value
            if status == TestDriveStatus.COMPLETED:
                distance = rng.randint(8, 45)
                energy_out = rng.randint(60, 100)
                row |= {
                    "walk_in": rng.random() < 0.15,
                    "licence_seen": True,
                    "checked_in_at": starts_at - timedelta(minutes=rng.randint(0, 10)),
                    "odometer_out_km": odometer[car.id],
                    "energy_out_percent": energy_out,
                    "checked_out_at": drive_ends_at + timedelta(minutes=rng.randint(-10, 10)),
                    "odometer_in_km": odometer[car.id] + distance,
                    "energy_in_percent": energy_out - rng.randint(3, 15),
                    "updated_at": drive_ends_at,
                }
                odometer[car.id] += distance
            elif status == TestDriveStatus.NO_SHOW:
                row["updated_at"] = starts_at + timedelta(minutes=30)
            else:
                row |= {
                    "version": 2,
                    "updated_at": starts_at - timedelta(hours=rng.randint(rules.cutoff_hours, 48)),
                }
            past_rows.append(row)
    if past_rows:
        session.connection().execute(insert(DRIVE_COLUMNS), past_rows)
    for car in cars:
        car.odometer_km = odometer[car.id]
    for row in booked_rows:  # through the booking service's own claim: on SQLite it writes the slot rows
        if not guard.claim(session, TestDrive(**row), slot_minutes=rules.slot_minutes):
            raise RuntimeError(f"the showroom seed planned a clash at store {rules.location_id}")
    return len(past_rows), len(booked_rows), visitors


def _views(session: Session, rng: random.Random, store: Location, trim_ids: list[int], now: datetime) -> int:
    """Trim page views per trim and local day over the history, more than that day's bookings (a
    booking follows some 5 to 15 views); returns the rows written."""
    zone = ZoneInfo(store.time_zone)
    booked: dict[tuple[int, date], int] = defaultdict(int)
    for trim_id, starts_at in session.execute(
        select(TestDrive.trim_id, TestDrive.starts_at).where(TestDrive.location_id == store.id)
    ):
        starts_at = starts_at if starts_at.tzinfo else starts_at.replace(tzinfo=UTC)
        booked[(trim_id, starts_at.astimezone(zone).date())] += 1
    today = now.astimezone(zone).date()
    rows = []
    for offset in range(HISTORY_DAYS, -1, -1):
        day = today - timedelta(days=offset)
        for trim_id in trim_ids:
            bookings = booked.get((trim_id, day), 0)
            views = bookings * rng.randint(5, 15) + rng.randint(1, 6)
            rows.append({"location_id": store.id, "trim_id": trim_id, "day": day, "views": views})
    if rows:
        session.connection().execute(insert(TrimViewCount.__table__), rows)
    return len(rows)


ORDER_SHARE = 0.2  # of the completed drives, the share that ends in a vehicle order


def _orders(session: Session, rng: random.Random, store_ids: list[int]) -> int:
    """Some completed drives turn into customer vehicle orders (from the carmaker's warehouse stock of
    the trim driven, placed and paid an hour or two after the drive) linked by `test_drive_id`."""
    from models import Organisation, SalesOrder, SalesOrderLine, User  # noqa: PLC0415 - keeps the import list short
    from services.seed.logistics import captured_payment  # noqa: PLC0415

    warehouse = session.execute(
        select(Location)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(Location.kind == "warehouse", Organisation.kind == "oem")
        .order_by(Location.id)
    ).scalar()
    customer = session.execute(select(User).where(User.email_normalized == "customer@demo.test")).scalar()
    if warehouse is None or customer is None:
        return 0
    stock = dict(
        session.execute(
            select(StockLevel.trim_id, StockLevel.id).where(
                StockLevel.location_id == warehouse.id, StockLevel.trim_id.is_not(None)
            )
        ).all()
    )
    trims = {trim.id: trim for trim in session.execute(select(Trim)).scalars()}
    drives = session.execute(
        select(TestDrive.id, TestDrive.location_id, TestDrive.trim_id, TestDrive.drive_ends_at)
        .where(TestDrive.location_id.in_(store_ids), TestDrive.status == TestDriveStatus.COMPLETED)
        .order_by(TestDrive.id)
    ).all()
    written = 0
    for drive in drives:
        if rng.random() >= ORDER_SHARE or drive.trim_id not in stock:
            continue
        trim = trims[drive.trim_id]
        created = drive.drive_ends_at + timedelta(minutes=rng.randint(20, 120))
        order = SalesOrder(
            kind="customer_vehicle",
            buyer_organisation_id=customer.organisation_id,
            buyer_user_id=customer.id,
            buyer_location_id=drive.location_id,
            seller_organisation_id=warehouse.organisation_id,
            source_location_id=warehouse.id,
            status="paid",
            currency=trim.currency,
            total=trim.price,
            deposit=(trim.price / 10).quantize(Decimal("0.01")),
            test_drive_id=drive.id,
            idempotency_key=f"seed-showroom-{drive.id}",
            request_fingerprint="0" * 64,
            hold_expires_at=created + timedelta(minutes=15),
            created_at=created,
            updated_at=created,
        )
        session.add(order)
        session.flush()
        order.number = f"SO-{order.id:06d}"
        session.add(captured_payment(order, created))
        session.add(
            SalesOrderLine(
                order_id=order.id,
                line_no=1,
                trim_id=trim.id,
                stock_level_id=stock[trim.id],
                item_code=trim.code[:40],
                item_name=trim.name[:200],
                quantity=1,
                unit_price=trim.price,
                currency=trim.currency,
                line_total=trim.price,
            )
        )
        written += 1
    return written
