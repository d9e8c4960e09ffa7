"""The public showroom's logic: compare picks (at most three), trim ids from addresses, the place a
visitor types, suggestions for an unknown place, and which stores offer a trim, nearest first."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from models import Location, StockLevel
from models.db import get_engine
from services.platform.errors import NotFound, ValidationFailed
from services.showroom import places
from services.showroom.trim_offers import demo_trims_at, store_clock, trim_detail, trim_offers, trims_by_ids
from state.shared import routes
from state.showroom.compare import parse_ids, toggled
from state.showroom.dealer_locator import today_key
from state.showroom.trim_page import origin_for, trim_id_from_path
from tests.showroom_world import WEEK, make_world

# Wednesday 2026-03-18, 10:30 in Munich (CET, UTC+1).
WEDNESDAY = datetime(2026, 3, 18, 9, 30, tzinfo=UTC)


def test_compare_keeps_at_most_three_and_refuses_a_fourth():
    ids, ok = toggled(["1", "2"], "3")
    assert (ids, ok) == (["1", "2", "3"], True)
    assert toggled(ids, "4") == (["1", "2", "3"], False)
    assert toggled(ids, "2") == (["1", "3"], True)
    assert parse_ids("3, 1,x,3,-2,0,99999999999") == ["3", "1"]
    assert routes.trim_compare(["1", "3"]) == "/showroom/compare?trims=1,3"


def test_the_url_builders_other_pages_rely_on():
    assert routes.test_drive_booking(4, 17) == "/test-drive/book?trim=4&dealer=17"
    assert routes.trim_page(4) == "/showroom/trims/4"
    assert routes.trim_page(4, 17) == "/showroom/trims/4?dealer=17"


def test_the_trim_id_comes_from_the_address():
    assert trim_id_from_path("/showroom/trims/12") == 12
    assert trim_id_from_path("/showroom/trims/12/") == 12
    assert trim_id_from_path("/showroom/trims/abc") is None
    assert trim_id_from_path("/showroom/trims/-1") is None
    assert trim_id_from_path("/orders/12") is None


def test_a_typed_place_is_a_postcode_or_a_city_and_an_unknown_one_names_its_field():
    assert origin_for("80331").label == "Munich"
    assert origin_for("  münchen ").label == "Munich"
    assert origin_for("", "48.1,11.5").latitude == pytest.approx(48.1)
    assert origin_for("") is None
    with pytest.raises(ValidationFailed) as city:
        origin_for("Atlantis")
    assert (city.value.code, city.value.field) == ("showroom.city_unknown", "city")
    with pytest.raises(ValidationFailed) as postcode:
        origin_for("99999")
    assert (postcode.value.code, postcode.value.field) == ("showroom.postcode_unknown", "postcode")


def test_an_unknown_place_gets_close_suggestions():
    assert places.suggestions("Munchn")[0] == "Munich"
    assert "Shanghai" in places.suggestions("Shangai")
    assert "80331" in places.suggestions("80339")
    assert places.suggestions("zzzzzz")  # never an empty "did you mean"


def test_the_weekday_is_the_stores_own():
    late_sunday_utc = datetime(2026, 3, 22, 20, 0, tzinfo=UTC)
    assert today_key("Europe/Berlin", late_sunday_utc) == "sun"
    assert today_key("Asia/Shanghai", late_sunday_utc) == "mon"


def test_a_trims_detail_and_an_unknown_trim(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session)
        detail = trim_detail(session, world.trim_id)
        assert (detail["name"], detail["currency"], detail["range_km"]) == ("Aura Long Range", "CNY", 600)
        with pytest.raises(NotFound) as missing:
            trim_detail(session, world.trim_id + 100)
        assert missing.value.field == "trim"
        assert [row["id"] for row in trims_by_ids(session, [world.trim_id + 100, world.trim_id])] == [
            world.trim_id
        ]


def test_stores_offering_a_trim_nearest_first_with_demo_cars_and_stock(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, cars=2)
        munich = session.get(Location, world.store_id)
        berlin = Location(
            code="ST-BER",
            organisation_id=munich.organisation_id,
            kind="store",
            name="Stock Store Berlin",
            address="Unter den Linden 1",
            city="Berlin",
            country="DE",
            latitude=52.52,
            longitude=13.405,
            time_zone="Europe/Berlin",
            opening_hours=json.dumps(WEEK),
        )
        session.add(berlin)
        session.flush()
        session.add(StockLevel(location_id=berlin.id, trim_id=world.trim_id, on_hand=3, reserved=1))
        session.commit()

        from_berlin = trim_offers(session, world.trim_id, origin_for("10115"), now=WEDNESDAY)
        assert [offer.name for offer in from_berlin] == ["Stock Store Berlin", "Test Store München"]
        stock_store, demo_store = from_berlin
        assert (stock_store.available, stock_store.demo_cars, stock_store.bookable) == (2, 0, False)
        assert (demo_store.available, demo_store.demo_cars, demo_store.bookable) == (0, 2, True)
        assert stock_store.distance_km == pytest.approx(0.0, abs=0.5)
        assert 480 < demo_store.distance_km < 520
        assert (demo_store.open_now, demo_store.today_hours) == (True, "09:00-18:00")
        assert demo_store.local_time == "10:30 CET"

        unsorted = trim_offers(session, world.trim_id, None, now=WEDNESDAY)
        assert unsorted[0].name == "Test Store München"  # test-drive stores first without a place
        assert unsorted[0].distance_km is None
        assert demo_trims_at(session, [world.store_id, berlin.id]) == {
            world.store_id: [{"id": world.trim_id, "name": "Aura Long Range", "name_zh": ""}]
        }


def test_a_closure_day_shows_the_store_closed(sqlite_url):
    with Session(get_engine()) as session:
        world = make_world(session, closures=[{"date": "2026-03-18", "reason": "inventory"}])
        offer = trim_offers(session, world.trim_id, None, now=WEDNESDAY)[0]
        assert (offer.open_now, offer.today_hours) == (False, None)
        location = session.get(Location, world.store_id)
        assert store_clock(location, None, WEDNESDAY)[:2] == (True, "09:00-18:00")  # without its settings
