"""The booking pages' pure logic: slots grouped by the dealer's local day (across a DST change),
the visitor's own time beside them, and the hold's countdown."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from state.showroom.booking import countdown_label, day_range, group_by_day, seconds_left, slot_option


def test_slots_group_by_the_dealers_local_day_across_the_spring_dst_change():
    # Berlin moves from UTC+1 to UTC+2 on Sunday 29 March 2026 at 02:00 local.
    starts = [
        datetime(2026, 3, 28, 23, 30, tzinfo=UTC),  # Sun 29 Mar 00:30 CET
        datetime(2026, 3, 28, 8, 0, tzinfo=UTC),  # Sat 28 Mar 09:00 CET
        datetime(2026, 3, 29, 7, 0, tzinfo=UTC),  # Sun 29 Mar 09:00 CEST
        datetime(2026, 3, 29, 22, 30, tzinfo=UTC),  # Mon 30 Mar 00:30 CEST (UTC day is the 29th)
    ]
    days = group_by_day(starts, "Europe/Berlin")
    assert list(days) == ["2026-03-28", "2026-03-29", "2026-03-30"]
    assert [slot["label"] for slot in days["2026-03-28"]] == ["09:00"]
    assert [slot["label"] for slot in days["2026-03-29"]] == ["00:30", "09:00"]
    assert [slot["label"] for slot in days["2026-03-30"]] == ["00:30"]
    assert days["2026-03-29"][1]["starts_at"] == "2026-03-29T07:00:00+00:00"


def test_autumn_dst_day_keeps_the_repeated_hour_apart_and_in_order():
    # 25 Oct 2026: 02:30 local happens twice in Berlin (CEST, then CET).
    first = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    days = group_by_day([second, first], "Europe/Berlin")
    assert [slot["starts_at"] for slot in days["2026-10-25"]] == [first.isoformat(), second.isoformat()]
    assert [slot["label"] for slot in days["2026-10-25"]] == ["02:30", "02:30"]


def test_the_visitors_own_time_shows_only_when_their_offset_differs():
    start = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 10:00 in Berlin (CEST)
    assert slot_option(start, "Europe/Berlin", "Europe/Berlin")["viewer_label"] == ""
    assert slot_option(start, "Europe/Berlin", "Europe/Paris")["viewer_label"] == ""  # same offset
    assert slot_option(start, "Europe/Berlin", "Asia/Shanghai")["viewer_label"] == "16:00"
    late = datetime(2026, 3, 30, 20, 0, tzinfo=UTC)  # 22:00 Berlin, next day in Shanghai
    assert slot_option(late, "Europe/Berlin", "Asia/Shanghai")["viewer_label"] == "04:00 (31.03)"
    assert slot_option(start, "Europe/Berlin", "Not/AZone")["viewer_label"] == ""


def test_day_range_is_the_next_fourteen_days():
    days = day_range(date(2026, 12, 25))
    assert len(days) == 14 and days[0] == date(2026, 12, 25) and days[-1] == date(2027, 1, 7)


def test_countdown_runs_down_to_zero_and_stays_there():
    expires = datetime(2026, 3, 1, 10, 5, tzinfo=UTC)
    assert seconds_left(expires, expires - timedelta(minutes=5)) == 300
    assert seconds_left(expires.isoformat(), expires - timedelta(seconds=0.2)) == 1
    assert seconds_left(expires, expires) == 0
    assert seconds_left(expires, expires + timedelta(seconds=30)) == 0
    assert seconds_left("", expires) == 0
    assert countdown_label(300) == "5:00" and countdown_label(61) == "1:01" and countdown_label(0) == "0:00"
