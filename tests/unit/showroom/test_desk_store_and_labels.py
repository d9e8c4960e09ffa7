"""The desk's walk-in is booked at the store the calendar shows (a dealer with several stores must
name one), and the calendar's weekday and month labels are in the viewer's language."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from models.db import get_engine
from models.showroom import DemoCar
from services.platform.errors import NotFound, ValidationFailed
from services.platform.formatting import format_day_range, format_weekday_date, format_weekday_short
from services.showroom import dealer_desk
from state.showroom.desk import DeskState
from tests.showroom_world import add_store, make_world, visitor

AT_THE_COUNTER = datetime(2026, 3, 23, 9, 10, tzinfo=UTC)  # Monday 10:10 in Munich


def test_a_walk_in_is_booked_at_the_store_named_and_refused_without_one_when_there_are_several(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=2, salespeople=2)
        # One store: it may be left out (as before).
        only = dealer_desk.walk_in(
            session, world.dealer, trim=world.trim_code, visitor=visitor(1), now=AT_THE_COUNTER
        )
        assert only.location_id == world.store_id
        hamburg = add_store(session, world)
        with pytest.raises(ValidationFailed) as missing:
            dealer_desk.walk_in(
                session, world.dealer, trim=world.trim_code, visitor=visitor(2), now=AT_THE_COUNTER
            )
        assert (missing.value.code, missing.value.field) == ("test_drive.walk_in_store_required", "store")
        # The desk sends the calendar's store id as text; the API an integer.
        there = dealer_desk.walk_in(
            session,
            world.dealer,
            trim=world.trim_code,
            visitor=visitor(3),
            store=str(hamburg),
            now=AT_THE_COUNTER,
        )
        assert there.location_id == hamburg
        assert session.get(DemoCar, there.car_id).location_id == hamburg
        here = dealer_desk.walk_in(
            session,
            world.dealer,
            trim=world.trim_code,
            visitor=visitor(4),
            store=world.store_id,
            now=AT_THE_COUNTER,
        )
        assert here.location_id == world.store_id
        for foreign in (999_999, "abc", True, 1.5):
            with pytest.raises(NotFound) as unknown:
                dealer_desk.walk_in(
                    session,
                    world.dealer,
                    trim=world.trim_code,
                    visitor=visitor(5),
                    store=foreign,
                    now=AT_THE_COUNTER,
                )
            assert (unknown.value.code, unknown.value.field) == ("test_drive.store_not_found", "store")


def test_calendar_labels_name_the_weekday_and_month_in_the_viewers_language():
    monday = date(2026, 3, 16)
    assert format_weekday_date(monday, "en") == "Mon, Mar 16, 2026"
    assert format_weekday_date(monday, "zh") == "2026年3月16日周一"
    assert format_day_range(monday, date(2026, 3, 22), "zh") == "2026年3月16日至22日"
    assert format_weekday_short(monday, "zh") == "16日周一"


def _desk(view: str, language: str, **more):
    return SimpleNamespace(day="2026-03-16", view=view, language=language, **more)


def test_the_desk_calendar_shows_chinese_weekdays_in_its_range_ticks_and_list():
    day = DeskState.computed_vars["range_label"].fget(_desk("day", "zh"))
    week = DeskState.computed_vars["range_label"].fget(_desk("week", "zh"))
    assert (day, week) == ("2026年3月16日周一", "2026年3月16日至22日")
    assert (
        DeskState.computed_vars["range_label"].fget(_desk("week", "en")) == "Mar 16\u2009–\u200922, 2026"
    )  # thin spaces, as CLDR writes it
    desk = _desk("week", "zh", _window=lambda: (8, 20), _days=lambda: 7)
    ticks = [tick["label"] for tick in DeskState.computed_vars["ticks"].fget(desk)]
    assert ticks[:2] == ["16日周一", "17日周二"] and ticks[-1] == "22日周日"
    shanghai = SimpleNamespace(language="zh", _zone=lambda: ZoneInfo("Asia/Shanghai"))
    assert DeskState._local(shanghai, "2026-03-16T01:30:00+00:00", with_day=True) == "16日周一 09:30"
