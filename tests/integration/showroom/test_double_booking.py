"""No car and no salesperson is ever booked twice, whoever races for it, on both databases: the
database's guarantee (exclusion constraints on PostgreSQL, slot rows on SQLite), not the
application's check."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, create_engine, select

from models.db import get_engine
from models.showroom import TestDrive, TestDriveHold
from services.platform.errors import DomainError
from services.showroom import booking, dealer_desk, guard
from services.showroom.booking import SlotTaken
from tests.showroom_world import make_world, visitor

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
START = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)  # Monday 10:00 in Munich


def _race(url: str, count: int, attempt) -> list[object]:
    """Run `attempt(session, n)` in `count` threads at once, each on its own connection; returns
    each one's result or exception."""
    engine = (
        create_engine(url, pool_size=8, max_overflow=0, pool_timeout=120)
        if url.startswith("postgresql")
        else get_engine()
    )
    results: list[object] = [None] * count
    barrier = threading.Barrier(count)

    def run(n: int) -> None:
        with Session(engine, expire_on_commit=False) as session:
            barrier.wait()
            try:
                results[n] = attempt(session, n)
            except Exception as error:  # noqa: BLE001 - the outcome is what the test checks
                results[n] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if engine is not get_engine():
        engine.dispose()
    return results


def test_a_hundred_bookers_for_the_last_slot_of_one_car_get_one_booking(any_db_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=1, salespeople=3)

    results = _race(
        any_db_url,
        100,
        lambda session, n: booking.book(
            session,
            idempotency_key=f"racer-{n}",
            visitor=visitor(n),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=START.isoformat(),
            now=NOW,
        ),
    )

    booked = [result for result in results if isinstance(result, booking.BookedDrive)]
    taken = [result for result in results if isinstance(result, SlotTaken)]
    assert len(booked) == 1 and len(taken) == 99, [
        r for r in results if not isinstance(r, (SlotTaken, booking.BookedDrive))
    ]
    assert all(error.code == "test_drive.just_taken" and len(error.next_slots) == 3 for error in taken)
    assert all(slot.starts_at > START for error in taken for slot in error.next_slots)
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(TestDrive)).one() == 1


def test_two_holds_on_one_slot_cannot_both_exist(any_db_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=1, salespeople=1)

    results = _race(
        any_db_url,
        20,
        lambda session, n: booking.hold_slot(
            session, trim=world.trim_code, dealer=world.store_id, starts_at=START.isoformat(), now=NOW
        ),
    )

    assert sum(isinstance(result, booking.HeldSlot) for result in results) == 1
    assert sum(isinstance(result, SlotTaken) for result in results) == 19
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(TestDriveHold)).one() == 1


def test_the_same_salesperson_asked_for_with_two_cars_at_overlapping_times_goes_to_one(any_db_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=2, salespeople=1)
    starts = [START, START + timedelta(minutes=30)]  # 10:00-11:30 and 10:30-12:00, buffers included

    results = _race(
        any_db_url,
        2,
        lambda session, n: booking.book(
            session,
            idempotency_key=f"pair-{n}",
            visitor=visitor(n),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=starts[n].isoformat(),
            now=NOW,
        ),
    )

    assert sorted(type(result).__name__ for result in results) == ["BookedDrive", "SlotTaken"]


def test_the_database_refuses_an_overlapping_drive_the_application_did_not_check(any_db_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=1, salespeople=2)
        booking.book(
            session,
            idempotency_key="first",
            visitor=visitor(),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=START.isoformat(),
            now=NOW,
        )
        # Straight into the table, no availability check: starts inside the first drive's buffer.
        sneaky_start = START + timedelta(minutes=60)
        sneaky = TestDrive(
            location_id=world.store_id,
            trim_id=world.trim_id,
            car_id=world.car_ids[0],
            salesperson_id=world.salesperson_ids[1],
            starts_at=sneaky_start,
            drive_ends_at=sneaky_start + timedelta(hours=1),
            ends_at=sneaky_start + timedelta(minutes=90),
            visitor_name="X",
            visitor_phone="1",
            visitor_email="x@example.com",
            licence_number="L1",
            licence_expires_on=datetime(2030, 1, 1).date(),
        )
        with pytest.raises(IntegrityError) as raised:
            session.add(sneaky)
            session.flush()
            guard.occupy(
                session,
                car_id=sneaky.car_id,
                salesperson_id=sneaky.salesperson_id,
                starts_at=sneaky.starts_at,
                ends_at=sneaky.ends_at,
                slot_minutes=30,
                test_drive_id=sneaky.id,
            )
        assert guard.is_taken(raised.value)


def test_a_dealer_moving_a_car_onto_an_overlapping_booking_is_refused_clearly(any_db_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=2, salespeople=2)
        first = booking.book(
            session,
            idempotency_key="a",
            visitor=visitor(1),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=START.isoformat(),
            now=NOW,
        ).drive
        second = booking.book(
            session,
            idempotency_key="b",
            visitor=visitor(2),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=(START + timedelta(minutes=30)).isoformat(),
            now=NOW,
        ).drive
        assert first.car_id != second.car_id
        with pytest.raises(DomainError) as refused:
            dealer_desk.move(session, world.dealer, second.id, car_id=first.car_id, now=NOW)
        assert (refused.value.status, refused.value.code, refused.value.field) == (
            409,
            "test_drive.move_conflict",
            "car_id",
        )
        session.expire_all()
        assert session.get(TestDrive, second.id).car_id == second.car_id  # nothing changed
        # The same goes for the salesperson: the second drive's seller is busy at 10:30.
        with pytest.raises(DomainError) as refused:
            dealer_desk.move(session, world.dealer, first.id, salesperson_id=second.salesperson_id, now=NOW)
        assert refused.value.field == "salesperson_id"
