"""The funnel's figures from known views and drives, weeks in the store's zone, scoping."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from models.db import get_engine
from models.showroom import TestDrive
from services.identity.access import PermissionDenied
from services.showroom import booking, funnel
from tests.showroom_world import make_world, visitor

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)


def _book(session, world, starts_at: datetime, n: int) -> TestDrive:
    return booking.book(
        session,
        idempotency_key=f"k{n}",
        visitor=visitor(n),
        trim=world.trim_code,
        dealer=world.store_id,
        starts_at=starts_at.isoformat(),
        now=NOW,
    ).drive


def test_known_views_and_drives_give_known_counts_and_rates_by_local_week(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=3, salespeople=3, zone="Asia/Shanghai")
        # Sunday 2026-03-22 23:30 UTC is Monday 07:30 in Shanghai: it belongs to the week of 03-23.
        for _ in range(5):
            funnel.record_trim_view(
                session, world.trim_id, world.store_id, now=datetime(2026, 3, 22, 23, 30, tzinfo=UTC)
            )
        funnel.record_trim_view(
            session, world.trim_id, world.store_id, now=datetime(2026, 3, 22, 10, 0, tzinfo=UTC)
        )
        funnel.record_trim_view(session, world.trim_id, None, now=NOW)
        first = _book(session, world, datetime(2026, 3, 23, 2, 0, tzinfo=UTC), 1)
        _book(session, world, datetime(2026, 3, 24, 2, 0, tzinfo=UTC), 2)
        first.status = "completed"
        session.add(first)
        session.commit()
        rows = funnel.funnel_rows(session, world.dealer)
    by_week = {row.week: row for row in rows}
    assert set(by_week) == {date(2026, 3, 16), date(2026, 3, 23)}
    earlier, later = by_week[date(2026, 3, 16)], by_week[date(2026, 3, 23)]
    assert (earlier.views, earlier.bookings) == (1, 0)
    assert (later.views, later.bookings, later.show_ups, later.orders) == (5, 2, 1, 0)
    assert later.booking_rate == 0.4 and later.show_up_rate == 0.5 and later.order_rate == 0.0
    assert earlier.show_up_rate is None  # no bookings: no rate, not zero
    total = funnel.dealer_totals(rows)
    assert [(t.location_id, t.views, t.bookings) for t in total] == [(world.store_id, 6, 2)]
    trend = funnel.weekly_totals(rows)
    assert [t.week for t in trend] == [date(2026, 3, 16), date(2026, 3, 23)]


def test_another_dealer_sees_nothing_and_a_customer_is_refused(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        funnel.record_trim_view(session, world.trim_id, world.store_id, now=NOW)
        assert funnel.funnel_rows(session, world.dealer)[0].views == 1
        stranger = dataclasses.replace(world.dealer, organisation_id=world.dealer.organisation_id + 999)
        assert funnel.funnel_rows(session, stranger) == []
        manager = dataclasses.replace(stranger, role="manager")
        assert funnel.funnel_rows(session, manager)[0].views == 1
        with pytest.raises(PermissionDenied):
            funnel.funnel_rows(session, dataclasses.replace(world.dealer, role="customer"))
