"""Holds and the manage link's rules, on SQLite with a pinned clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.platform.errors import DomainError, FieldErrors, ValidationFailed
from services.showroom import booking
from services.showroom.manage_links import LinkGone
from tests.showroom_world import make_world, visitor

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
START = datetime(2026, 3, 23, 9, 0, tzinfo=UTC)


def _hold(session, world, now=NOW):
    return booking.hold_slot(
        session, trim=world.trim_code, dealer=world.store_id, starts_at=START.isoformat(), now=now
    )


def test_an_expired_hold_frees_the_slot_and_cannot_be_confirmed(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        first = _hold(session, world)
        with pytest.raises(booking.SlotTaken):
            _hold(session, world, NOW + timedelta(minutes=4))
        later = NOW + timedelta(minutes=5, seconds=1)
        with pytest.raises(LinkGone) as gone:
            booking.book(
                session,
                idempotency_key="late",
                visitor=visitor(),
                hold_id=first.hold_id,
                hold_token=first.hold_token,
                now=later,
            )
        assert gone.value.status == 410 and gone.value.code == "test_drive.hold_expired"
        second = _hold(session, world, later)  # the first one expired: its slot is free again
        booked = booking.book(
            session,
            idempotency_key="ok",
            visitor=visitor(),
            hold_id=second.hold_id,
            hold_token=second.hold_token,
            now=later,
        )
        assert booked.drive.starts_at == START


def test_reschedule_and_cancel_are_refused_after_the_cutoff(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, cutoff_hours=2)
        booked = booking.book(
            session,
            idempotency_key="k",
            visitor=visitor(),
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=START.isoformat(),
            now=NOW,
        )
        too_late = START - timedelta(hours=1, minutes=59)
        for attempt in (
            lambda: booking.cancel(session, token=booked.manage_token, now=too_late),
            lambda: booking.reschedule(
                session,
                token=booked.manage_token,
                now=too_late,
                starts_at=(START + timedelta(hours=3)).isoformat(),
            ),
        ):
            with pytest.raises(DomainError) as refused:
                attempt()
            assert refused.value.code == "test_drive.cutoff_passed"
        assert booking.view_by_token(session, booked.manage_token, now=too_late).drive.status == "booked"


def test_a_walk_in_is_checked_in_and_out_and_the_car_remembers_its_odometer(sqlite_url):
    from models.showroom import DemoCar
    from services.showroom import dealer_desk

    at_the_counter = datetime(2026, 3, 23, 9, 10, tzinfo=UTC)  # 10:10 in Munich: the 10:00 slot
    with Session(get_engine()) as session:
        world = make_world(session)
        drive = dealer_desk.walk_in(
            session, world.dealer, trim=world.trim_code, visitor=visitor(), now=at_the_counter
        )
        assert drive.walk_in and drive.starts_at == START
        with pytest.raises(DomainError) as unseen:
            dealer_desk.check_in(
                session,
                world.dealer,
                drive.id,
                licence_seen=False,
                odometer_out_km=1000,
                energy_out_percent=90,
                now=at_the_counter,
            )
        assert unseen.value.field == "licence_seen"
        dealer_desk.check_in(
            session,
            world.dealer,
            drive.id,
            licence_seen=True,
            odometer_out_km=1000,
            energy_out_percent=90,
            now=at_the_counter,
        )
        with pytest.raises(ValidationFailed) as long_notes:  # refused naming the limit, never cut
            dealer_desk.check_out(
                session,
                world.dealer,
                drive.id,
                odometer_in_km=1031,
                energy_in_percent=81,
                notes="n" * (dealer_desk.MAX_NOTES_LENGTH + 1),
                now=at_the_counter + timedelta(hours=1),
            )
        assert (long_notes.value.field, long_notes.value.code, long_notes.value.params) == (
            "notes",
            "text.too_long",
            {"max": dealer_desk.MAX_NOTES_LENGTH},
        )
        done = dealer_desk.check_out(
            session,
            world.dealer,
            drive.id,
            odometer_in_km=1031,
            energy_in_percent=81,
            notes="Liked the seats",
            now=at_the_counter + timedelta(hours=1),
        )
        assert done.status == "completed"
        car = session.get(DemoCar, drive.car_id)
        assert (car.odometer_km, car.energy_percent) == (1031, 81)


def test_the_visitors_details_name_every_bad_field_at_once():
    with pytest.raises(FieldErrors) as raised:
        booking.visitor_from(
            {
                "visitor_name": "",
                "phone": "call me",
                "email": "not-an-address",
                "licence_number": "B1234567",
                "licence_expires_on": "someday",
                "language": "fr",
            }
        )
    assert [(error.field, error.code) for error in raised.value.errors] == [
        ("visitor_name", "test_drive.field_required"),
        ("phone", "test_drive.phone_invalid"),
        ("email", "test_drive.email_invalid"),
        ("licence_expires_on", "test_drive.licence_expiry_invalid"),
        ("language", "test_drive.language_invalid"),
    ]
