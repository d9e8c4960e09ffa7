"""The calendar invite of a drive, as a calendar application reads it: one entry per drive (same
UID), updated by a higher SEQUENCE, removed by METHOD:CANCEL, at the store's wall-clock time on
both sides of a daylight-saving change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar
from sqlmodel import Session

from models.db import get_engine
from services.showroom import booking, invites
from tests.showroom_world import make_world, visitor

NOW = datetime(2026, 3, 20, 8, 0, tzinfo=UTC)
# Europe/Berlin leaves winter time on Sunday 29 March 2026: 10:00 local is 09:00 UTC before, 08:00 after.
BEFORE_DST = datetime(2026, 3, 27, 9, 0, tzinfo=UTC)
AFTER_DST = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
DRIVE = timedelta(minutes=60)  # make_world's drive length (its buffer is not the visitor's time)


def _invite(session, drive) -> Calendar:
    details = invites.details_for(
        session, drive, manage_url="https://portal.example/test-drive/manage?token=t"
    )
    return Calendar.from_ical(invites.invite_bytes(details, now=NOW))


def _event(calendar: Calendar):
    (event,) = calendar.walk("VEVENT")
    return event


def _book(session, world, language="en"):
    return booking.book(
        session,
        idempotency_key="k",
        visitor=visitor() | {"language": language},
        trim=world.trim_code,
        dealer=world.store_id,
        starts_at=BEFORE_DST.isoformat(),
        now=NOW,
    )


def test_a_reschedule_updates_the_same_calendar_entry_at_the_stores_local_time_across_dst(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        booked = _book(session, world)
        first = _invite(session, booked.drive)
        moved = booking.reschedule(
            session, token=booked.manage_token, starts_at=AFTER_DST.isoformat(), now=NOW
        )
        second = _invite(session, moved.drive)

    assert str(first["method"]) == str(second["method"]) == "REQUEST"
    before, after = _event(first), _event(second)
    assert str(before["uid"]) == str(after["uid"]) == f"test-drive-{booked.drive.id}@portal.example"
    assert int(after["sequence"]) > int(before["sequence"])
    # Both at 10:00 in Berlin, though an hour apart in UTC; the zone travels with the times.
    for event, utc in ((before, BEFORE_DST), (after, AFTER_DST)):
        start = event.decoded("dtstart")
        assert event["dtstart"].params["TZID"] == "Europe/Berlin"
        assert (start.hour, start.minute) == (10, 0) and start.astimezone(UTC) == utc
        assert event.decoded("dtend") - start == DRIVE
    assert [str(zone["tzid"]) for zone in second.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(after["location"]) == "Test Store München, Landsberger Straße 290, Munich"
    assert str(after["summary"]) == "Test drive: Aura Long Range"
    assert "https://portal.example/test-drive/manage?token=t" in str(after["description"])
    assert str(after["organizer"]) == "mailto:test-drives@portal.example"
    assert str(after["attendee"]) == "mailto:visitor0@example.com"


def test_a_cancel_removes_the_entry_with_method_cancel_and_a_higher_sequence(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        booked = _book(session, world)
        first = _event(_invite(session, booked.drive))
        cancelled = booking.cancel(session, token=booked.manage_token, now=NOW)
        calendar = _invite(session, cancelled.drive)
        content_type = invites.content_type(invites.details_for(session, cancelled.drive))

    event = _event(calendar)
    assert str(calendar["method"]) == "CANCEL" and str(event["status"]) == "CANCELLED"
    assert str(event["uid"]) == str(first["uid"]) and int(event["sequence"]) > int(first["sequence"])
    assert "manage" not in str(event["description"])  # nothing left to manage
    assert content_type.startswith("text/calendar; method=CANCEL")


def test_the_invite_speaks_the_visitors_language(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        booked = _book(session, world, language="zh")
        event = _event(_invite(session, booked.drive))
    assert str(event["summary"]) == "试驾：Aura Long Range"
    assert str(event["description"]).startswith("您在Test Store München预约的 Aura Long Range 试驾。")
