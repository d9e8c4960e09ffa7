"""Which slots a visitor is offered: opening hours in the store's zone across daylight saving,
holidays, buffers, car fitness and salespeople's hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from models.db import get_engine
from models.showroom import DemoCar
from services.showroom import availability, booking
from services.showroom.stores import store_rules
from tests.showroom_world import WEEK, make_world, visitor

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
OPEN_EVERY_DAY = {day: ["10:00", "16:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


def _slots(session, world, first: date, last: date, now=NOW):
    rules = store_rules(session, world.store_id)
    trim = availability.trim_by_code(session, world.trim_code)
    return availability.free_slots(session, rules, trim, first, last, now=now)


def test_slots_keep_the_local_opening_time_across_berlins_spring_forward(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, hours=OPEN_EVERY_DAY)
        slots = _slots(session, world, date(2026, 3, 28), date(2026, 3, 29))
    by_day = {}
    for slot in slots:
        by_day.setdefault(slot.local_start.date(), []).append(slot)
    saturday, sunday = by_day[date(2026, 3, 28)], by_day[date(2026, 3, 29)]
    # 10:00 local both days: 09:00 UTC in winter time, 08:00 UTC once the clocks went forward.
    assert saturday[0].starts_at == datetime(2026, 3, 28, 9, 0, tzinfo=UTC)
    assert sunday[0].starts_at == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert saturday[0].as_dict()["local_label"].startswith("Sat 28 Mar 2026 10:00 CET")
    assert sunday[0].as_dict()["local_label"].startswith("Sun 29 Mar 2026 10:00 CEST")
    # The last drive (60 min) ends at closing, 16:00 local, on both days.
    assert saturday[-1].local_start.strftime("%H:%M") == sunday[-1].local_start.strftime("%H:%M") == "15:00"
    assert len(saturday) == len(sunday) == 11


def test_closed_weekdays_and_holidays_offer_nothing(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, closures=[{"date": "2026-03-24", "reason": "Inventory day"}])
        slots = _slots(session, world, date(2026, 3, 22), date(2026, 3, 25))
    days = {slot.local_start.date() for slot in slots}
    assert days == {date(2026, 3, 23), date(2026, 3, 25)}  # Sunday closed, Tuesday a closure
    assert all("09:00" <= f"{slot.local_start:%H:%M}" <= "17:00" for slot in slots)


def test_a_drive_and_its_buffer_keep_the_only_car_busy(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, drive_minutes=60, buffer_minutes=30, salespeople=2)
        first = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)  # 10:00 in Munich
        booking.book(
            session,
            idempotency_key="k1",
            visitor=visitor(),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=first.isoformat(),
            now=NOW,
        )
        slots = _slots(session, world, date(2026, 3, 23), date(2026, 3, 23))
    starts = [slot.starts_at for slot in slots]
    # The car is busy 10:00-11:30 local (drive + buffer): 09:30 (its drive would run into 10:00),
    # 10:00, 10:30 and 11:00 are gone; 11:30 is the first start after the buffer.
    for gone in (
        first - timedelta(minutes=30),
        first,
        first + timedelta(minutes=30),
        first + timedelta(hours=1),
    ):
        assert gone not in starts
    assert first + timedelta(minutes=90) in starts


def test_a_car_with_an_expired_plate_or_low_charge_is_not_offered(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, valid_until=date(2026, 3, 24))
        slots = _slots(session, world, date(2026, 3, 23), date(2026, 3, 25))
        assert {slot.local_start.date() for slot in slots} == {date(2026, 3, 23), date(2026, 3, 24)}
        car = session.get(DemoCar, world.car_ids[0])
        car.energy_percent = 20
        session.add(car)
        session.commit()
        assert _slots(session, world, date(2026, 3, 23), date(2026, 3, 23)) == []


def test_a_salesperson_only_works_their_own_hours(sqlite_url):
    mornings = {**WEEK, "mon": ["09:00", "12:00"]}
    with Session(get_engine()) as session:
        world = make_world(session)
        from models.showroom import Salesperson

        person = session.get(Salesperson, world.salesperson_ids[0])
        person.working_hours = mornings
        session.add(person)
        session.commit()
        slots = _slots(session, world, date(2026, 3, 23), date(2026, 3, 23))
    assert [f"{slot.local_start:%H:%M}" for slot in slots] == ["09:00", "09:30", "10:00", "10:30", "11:00"]


def test_a_held_slot_is_not_offered_until_the_hold_expires(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        start = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
        booking.hold_slot(
            session, trim=world.trim_code, dealer=world.store_id, starts_at=start.isoformat(), now=NOW
        )
        assert start not in [
            s.starts_at for s in _slots(session, world, date(2026, 3, 23), date(2026, 3, 23))
        ]
        later = NOW + timedelta(minutes=6)
        assert start in [
            s.starts_at for s in _slots(session, world, date(2026, 3, 23), date(2026, 3, 23), later)
        ]
