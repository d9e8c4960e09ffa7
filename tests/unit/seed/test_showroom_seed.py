"""The showroom's demo data: every dealer store offers test drives, with a fleet, salespeople and
three months of drives that keep the booking service's guarantees; once, and the same every run."""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import Location, StockLevel, Trim
from models.db import engine_for
from models.migrate import upgrade
from models.showroom import DemoCar, Salesperson, ShowroomStore, TestDrive, TestDriveSlot
from services.logistics.vin import is_valid
from services.seed import seed
from services.seed.showroom import seed_showroom
from services.showroom import guard
from services.showroom.availability import free_slots, works
from services.showroom.places import find_city
from services.showroom.stores import store_rules

NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _copy(source: Path, target: Path) -> str:
    shutil.copy(source, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def unshown_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo world without its showroom (and without the slower histories)."""
    path = tmp_path_factory.mktemp("showroom") / "portal.db"
    url = f"sqlite:///{path}"
    upgrade(url)
    seed(
        engine_for(url),
        "demo",
        supply_history=False,
        logistics_history=False,
        showroom=False,
        pricing=False,
        sales_history=False,
        planning=False,
    )
    engine_for(url).dispose()
    return path


@pytest.fixture(scope="module")
def seeded(unshown_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict]:
    url = _copy(unshown_template, tmp_path_factory.mktemp("seeded") / "portal.db")
    with Session(engine_for(url)) as session:
        counts = seed_showroom(session, rng_seed=2026, now=NOW)
    return url, counts


def _snapshot(url: str) -> dict[str, list[tuple]]:
    with Session(engine_for(url)) as session:

        def rows(statement) -> list[tuple]:
            return sorted(tuple(row) for row in session.execute(statement).all())

        return {
            "stores": rows(
                select(
                    Location.code,
                    ShowroomStore.slot_minutes,
                    ShowroomStore.drive_minutes,
                    ShowroomStore.buffer_minutes,
                    ShowroomStore.min_energy_percent,
                    ShowroomStore.cutoff_hours,
                    ShowroomStore.closures,
                ).join(ShowroomStore, ShowroomStore.location_id == Location.id)
            ),
            "cars": rows(
                select(
                    DemoCar.vin,
                    DemoCar.plate,
                    DemoCar.plate_valid_until,
                    DemoCar.insurance_valid_until,
                    DemoCar.odometer_km,
                    DemoCar.energy_percent,
                )
            ),
            "salespeople": rows(select(Salesperson.location_id, Salesperson.full_name)),
            "drives": rows(
                select(
                    DemoCar.vin,
                    TestDrive.salesperson_id,
                    TestDrive.starts_at,
                    TestDrive.ends_at,
                    TestDrive.status,
                    TestDrive.visitor_name,
                    TestDrive.odometer_in_km,
                ).join(DemoCar, DemoCar.id == TestDrive.car_id)
            ),
            "slots": rows(
                select(TestDriveSlot.resource, TestDriveSlot.resource_id, TestDriveSlot.slot_start)
            ),
        }


def test_every_dealer_store_gets_settings_a_fleet_of_its_trims_and_salespeople(seeded):
    url, counts = seeded
    with Session(engine_for(url)) as session:
        stores = session.exec(select(Location).where(Location.kind == "store")).all()
        assert stores and counts["stores"] == len(stores)
        for store in stores:
            assert session.get(ShowroomStore, store.id) is not None, store.code
            rules = store_rules(session, store.id)
            place = find_city(store.city)
            assert place is not None and abs(rules.latitude - place.latitude) < 0.2, store.code
            assert abs(rules.longitude - place.longitude) < 0.2, store.code
            assert len(rules.closures) >= 2 and all(day > NOW.date() for day in rules.closures)
            cars = session.exec(select(DemoCar).where(DemoCar.location_id == store.id)).all()
            people = session.exec(select(Salesperson).where(Salesperson.location_id == store.id)).all()
            assert 3 <= len(cars) <= 8, store.code
            assert 2 <= len(people) <= 6, store.code
            sold = set(
                session.exec(
                    select(StockLevel.trim_id).where(
                        StockLevel.location_id == store.id, StockLevel.trim_id.is_not(None)
                    )
                ).all()
            )
            for car in cars:
                assert is_valid(car.vin), car.vin
                assert car.trim_id in sold
                assert car.plate and car.odometer_km > 0
                assert car.plate_valid_until > NOW.date() + timedelta(days=90)
                assert car.insurance_valid_until > NOW.date() + timedelta(days=90)
                assert car.energy_percent >= rules.min_energy_percent
            # every day the store opens, somebody works
            for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"):
                if rules.opening_hours[day]:
                    assert any(person.working_hours.get(day) for person in people), (store.code, day)


def test_three_months_of_past_drives_never_overlap_per_car_or_salesperson(seeded):
    url, counts = seeded
    with Session(engine_for(url)) as session:
        drives = session.exec(select(TestDrive).order_by(TestDrive.starts_at)).all()
        people = {person.id: person for person in session.exec(select(Salesperson)).all()}
        rules = {store_id: store_rules(session, store_id) for store_id in {d.location_id for d in drives}}
    past = [drive for drive in drives if drive.ends_at <= NOW]
    assert len(past) == counts["past_drives"] > 15 * 90
    statuses = Counter(drive.status for drive in past)
    assert statuses["completed"] > statuses["no_show"] > statuses["cancelled"] > 0
    assert set(statuses) == {"completed", "no_show", "cancelled"}
    assert min(drive.starts_at for drive in past) >= NOW - timedelta(days=92)
    assert max(drive.starts_at for drive in past) >= NOW - timedelta(days=2)
    for resource in ("car_id", "salesperson_id"):
        by_resource = defaultdict(list)
        for drive in drives:
            by_resource[getattr(drive, resource)].append(drive)
        for resource_drives in by_resource.values():
            for earlier, later in zip(resource_drives, resource_drives[1:], strict=False):
                assert earlier.ends_at <= later.starts_at, (resource, earlier.id, later.id)
    for drive in drives:
        store = rules[drive.location_id]
        opening = store.opening(store.local_day(drive.starts_at))
        assert opening is not None and opening[0] <= drive.starts_at and drive.drive_ends_at <= opening[1]
        assert drive.ends_at - drive.drive_ends_at == store.buffer
        assert works(people[drive.salesperson_id], drive.starts_at, drive.drive_ends_at, store)
        if drive.status == "completed":
            assert drive.checked_out_at and drive.odometer_in_km > drive.odometer_out_km
            assert drive.energy_in_percent < drive.energy_out_percent


def test_a_seeded_store_offers_free_slots_next_week(seeded):
    url, _ = seeded
    with Session(engine_for(url)) as session:
        store = session.exec(select(Location).where(Location.code == "ST-DE-MUC")).one()
        rules = store_rules(session, store.id)
        car = session.exec(select(DemoCar).where(DemoCar.location_id == store.id)).first()
        trim = session.get(Trim, car.trim_id)
        monday = NOW.date() + timedelta(days=7 - NOW.weekday())
        slots = free_slots(session, rules, trim, monday, monday + timedelta(days=6), now=NOW)
    assert len(slots) > 20
    assert all(slot.starts_at > NOW and slot.car_ids and slot.salesperson_ids for slot in slots)


def _a_clash_is_refused(url: str, after: datetime) -> int:
    """Try to book a seeded booked drive's car and salesperson one slot later, as the booking
    service would (guard.claim); asserts the database refuses it. Returns the booked drives."""
    with Session(engine_for(url)) as session:
        booked = session.exec(select(TestDrive).where(TestDrive.status == "booked")).all()
        assert booked and all(drive.starts_at > after for drive in booked)
        drive = booked[0]
        rules = store_rules(session, drive.location_id)
        clash = TestDrive(
            location_id=drive.location_id,
            trim_id=drive.trim_id,
            car_id=drive.car_id,
            salesperson_id=drive.salesperson_id,
            starts_at=drive.starts_at + rules.slot,
            drive_ends_at=drive.drive_ends_at + rules.slot,
            ends_at=drive.ends_at + rules.slot,
            visitor_name="Late Comer",
            visitor_phone="+49 89 1234567",
            visitor_email="late@example.com",
            licence_number="B072RRE2I99",
            licence_expires_on=after.date() + timedelta(days=999),
        )
        assert guard.claim(session, clash, slot_minutes=rules.slot_minutes) is False
        session.rollback()
        return len(booked)


def test_booked_drives_hold_their_slots_against_a_later_booking(seeded):
    url, counts = seeded
    assert _a_clash_is_refused(url, NOW) == counts["booked_drives"]


def test_seeding_twice_changes_nothing_and_the_same_seed_gives_the_same_rows(
    seeded, unshown_template, tmp_path
):
    url, _ = seeded
    before = _snapshot(url)
    with Session(engine_for(url)) as session:
        again = seed_showroom(session, rng_seed=2026, now=NOW)
    assert set(again.values()) == {0}
    assert _snapshot(url) == before
    other = _copy(unshown_template, tmp_path / "other.db")
    with Session(engine_for(other)) as session:
        seed_showroom(session, rng_seed=2026, now=NOW)
    assert _snapshot(other) == before


def test_the_demo_seed_includes_the_showroom_on_both_databases(any_db_url):
    counts = seed(
        engine_for(any_db_url),
        "demo",
        supply_history=False,
        logistics_history=False,
        pricing=False,
        sales_history=False,
        planning=False,
    )
    assert counts["showroom"]["stores"] == counts["stores"]
    assert counts["showroom"]["past_drives"] > 15 * 90
    # PostgreSQL: the exclusion constraints accepted every seeded drive and refuse a clash
    _a_clash_is_refused(any_db_url, datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0))


def test_seeded_views_outnumber_the_bookings_every_week_and_feed_the_funnel(seeded):
    from dataclasses import replace

    from models.showroom import TrimViewCount
    from services.identity.auth import Principal
    from services.showroom import funnel

    url, counts = seeded
    with Session(engine_for(url)) as session:
        assert session.exec(select(TrimViewCount)).all().__len__() == counts["view_days"] > 0
        manager = Principal(1, "m@x.test", "M", "manager", 1, "OEM", "oem", "en", "UTC")
        rows = funnel.funnel_rows(session, manager)
        assert sum(row.bookings for row in rows) == counts["past_drives"] + counts["booked_drives"]
        # Up to the last whole week (the coming days' bookings have no views yet): more views.
        past = funnel.funnel_rows(session, manager, end=funnel.week_of(NOW.date()) - timedelta(days=1))
        assert past and all(row.views > row.bookings for row in past)
        assert any(row.show_ups for row in rows)
        assert 0 < counts["orders"] == sum(row.orders for row in rows) < sum(row.show_ups for row in rows)
        stranger = replace(manager, role="dealer", organisation_id=10**6)
        assert funnel.funnel_rows(session, stranger) == []
