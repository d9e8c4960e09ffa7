"""The desk calendar's data, on SQLite and PostgreSQL: the store's cars and salespeople, its drives
with buffers and its live holds in the store's zone; another dealer's store does not exist."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from models import Organisation, Role, User
from models.db import get_engine
from services.identity.auth import principal_for
from services.platform.errors import NotFound
from services.showroom import booking, dealer_desk, desk_calendar
from tests.showroom_world import make_world, visitor

AT = datetime(2026, 3, 23, 9, 10, tzinfo=UTC)  # Monday 10:10 in Munich


def test_the_calendar_shows_drives_buffers_and_holds_of_the_own_store_only(any_db_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=2, salespeople=2)
        drive = dealer_desk.walk_in(session, world.dealer, trim=world.trim_code, visitor=visitor(1), now=AT)
        held = booking.hold_slot(
            session,
            trim=world.trim_code,
            dealer=world.store_id,
            starts_at=datetime(2026, 3, 23, 13, 0, tzinfo=UTC).isoformat(),
            now=AT,
        )
        assert held.hold_id
        shown = desk_calendar.calendar_view(
            session, world.dealer, world.store_id, date(2026, 3, 23), 1, now=AT
        )
        assert shown["store"]["zone"] == "Europe/Berlin" and shown["window"] == [9, 18]
        assert shown["start"] == "2026-03-23T00:00:00+01:00"
        assert [c["id"] for c in shown["cars"]] == sorted(world.car_ids)
        assert len(shown["salespeople"]) == 2
        (row,) = shown["drives"]
        assert (row["id"], row["visitor_name"], row["status"]) == (drive.id, "Visitor 1", "booked")
        assert row["ends_at"] > row["drive_ends_at"]  # the buffer
        assert len(shown["holds"]) == 1
        later = desk_calendar.calendar_view(
            session, world.dealer, world.store_id, date(2026, 3, 23), 1, now=AT + timedelta(minutes=6)
        )
        assert later["holds"] == []  # an expired hold is no longer shown
        next_day = desk_calendar.calendar_view(
            session, world.dealer, world.store_id, date(2026, 3, 24), 1, now=AT
        )
        assert next_day["drives"] == []
        assert desk_calendar.own_stores(session, world.dealer)[0]["id"] == world.store_id

        other_org = Organisation(
            slug="other", name="Other", kind="dealer", country="DE", currency="EUR", time_zone="UTC"
        )
        session.add(other_org)
        session.flush()
        user = User(
            email="o@o.test",
            email_normalized="o@o.test",
            full_name="O",
            password_hash="x",
            role=Role.DEALER,
            organisation_id=other_org.id,
        )
        session.add(user)
        session.commit()
        other = principal_for(user, other_org)
        assert desk_calendar.own_stores(session, other) == []
        with pytest.raises(NotFound):
            desk_calendar.calendar_view(session, other, world.store_id, date(2026, 3, 23), 1, now=AT)
