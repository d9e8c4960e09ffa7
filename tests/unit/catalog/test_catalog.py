"""Reading the catalogue: pages are checked, filters are exact, totals count every match."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.catalog.lists import MAX_PAGE_SIZE, Page, list_parts, list_trims, part_categories
from services.identity.auth import Principal, principal_for
from services.platform.errors import ValidationFailed
from tests.factories import (
    make_location,
    make_org,
    make_part,
    make_stock,
    make_trim,
    make_user,
    make_vehicle_model,
)

MANAGER = Principal(
    user_id=1,
    email="m@example.test",
    full_name="M",
    role="manager",
    organisation_id=1,
    organisation_name="OEM",
    organisation_kind="oem",
    language="en",
    time_zone="Asia/Shanghai",
)


@pytest.mark.parametrize(
    ("number", "size", "field"),
    [
        (0, 50, "page"),
        (-1, 50, "page"),
        (1, 0, "page_size"),
        (1, -5, "page_size"),
        (1, MAX_PAGE_SIZE + 1, "page_size"),
    ],
)
def test_a_bad_page_is_refused_naming_the_field(number, size, field):
    with pytest.raises(ValidationFailed) as caught:
        Page(number, size)
    assert caught.value.field == field
    assert caught.value.status == 422


def test_page_sizes_up_to_the_maximum_are_accepted():
    assert Page(1, MAX_PAGE_SIZE).size == 200
    assert Page(3, 20).offset == 40


@pytest.fixture
def parts(any_db_url) -> dict[str, str]:
    """name -> sku of a small catalogue from two suppliers."""
    with Session(get_engine()) as session:
        bosch, conti = make_org(session, "supplier", name="Bosch"), make_org(session, "supplier")
        made = [
            make_part(session, bosch, name="Front brake pad set", category="Brake pads"),
            make_part(session, bosch, name="Rear BRAKE pad set", category="Brake pads"),
            make_part(session, conti, name="Brake disc 320mm", category="Brake discs"),
            make_part(session, conti, name="Wiring harness 100% copper", category="Wiring harnesses"),
            make_part(session, conti, name="Harness clip_A", category="Wiring harnesses"),
            make_part(session, conti, name="Harness clipXA", category="Wiring harnesses"),
            make_part(session, conti, name="Cabin filter", category="Filters", list_price=Decimal("12.34")),
        ]
        result = {part.name: part.sku for part in made}
        session.commit()
    return result


def _names(**filters) -> tuple[set[str], int]:
    with Session(get_engine()) as session:
        rows, total = list_parts(session, MANAGER, page=Page(1, 50), **filters)
    return {row["name"] for row in rows}, total


def test_parts_filter_by_category(parts):
    names, total = _names(category="Brake pads")
    assert names == {"Front brake pad set", "Rear BRAKE pad set"} and total == 2
    assert _names(category="Brake") == (set(), 0)  # a category is matched whole


def test_the_text_search_ignores_case_and_matches_name_or_sku(parts):
    names, total = _names(text="  brake PAD ")
    assert names == {"Front brake pad set", "Rear BRAKE pad set"} and total == 2
    sku = parts["Cabin filter"]
    assert _names(text=sku.lower()) == ({"Cabin filter"}, 1)


def test_percent_and_underscore_in_the_search_text_are_taken_literally(parts):
    assert _names(text="100%") == ({"Wiring harness 100% copper"}, 1)
    assert _names(text="%") == ({"Wiring harness 100% copper"}, 1)
    assert _names(text="clip_a") == ({"Harness clip_A"}, 1)
    assert _names(text="_") == ({"Harness clip_A"}, 1)
    assert _names(text="\\") == (set(), 0)


def test_category_and_text_combine(parts):
    assert _names(category="Wiring harnesses", text="clip") == ({"Harness clip_A", "Harness clipXA"}, 2)
    assert _names(category="Brake discs", text="pad") == (set(), 0)


def test_the_total_counts_every_match_not_just_the_page(parts):
    with Session(get_engine()) as session:
        first, total = list_parts(session, MANAGER, page=Page(1, 3))
        second, _ = list_parts(session, MANAGER, page=Page(2, 3))
        third, _ = list_parts(session, MANAGER, page=Page(3, 3))
        beyond, beyond_total = list_parts(session, MANAGER, page=Page(9, 3))
    assert total == 7 and beyond_total == 7 and beyond == []
    skus = [row["sku"] for row in first + second + third]
    assert skus == sorted(parts.values())
    assert (len(first), len(second), len(third)) == (3, 3, 1)


def test_a_part_row_carries_its_exact_price_and_supplier(parts):
    with Session(get_engine()) as session:
        rows, _ = list_parts(session, MANAGER, page=Page(1, 50), text="cabin")
        assert part_categories(session, MANAGER) == [
            "Brake discs",
            "Brake pads",
            "Filters",
            "Wiring harnesses",
        ]
    (row,) = rows
    assert row["list_price"] == Decimal("12.34") and isinstance(row["list_price"], Decimal)
    assert row["currency"] == "CNY"
    by_bosch = _names(text="front")[0]
    assert by_bosch == {"Front brake pad set"}
    with Session(get_engine()) as session:
        (front,), _ = list_parts(session, MANAGER, page=Page(1, 50), text="front")
    assert front["supplier_name"] == "Bosch"


def test_trims_are_listed_cheapest_first_and_filter_by_body_powertrain_and_text(any_db_url):
    with Session(get_engine()) as session:
        suv, sedan = (
            make_vehicle_model(session, "suv", name="Aurora"),
            make_vehicle_model(session, "sedan", name="Meridian"),
        )
        make_trim(session, suv, price="329900.00", name="Aurora Long Range")
        make_trim(session, suv, price="259900.00", name="Aurora Standard", powertrain="phev")
        make_trim(session, sedan, price="189900.50", name="Meridian Base", powertrain="ice")
        make_trim(session, sedan, price="1999999.99", name="Meridian Flagship")
        session.commit()
        rows, total = list_trims(session, page=Page(1, 50))
        assert [row["price"] for row in rows] == [
            Decimal("189900.50"),
            Decimal("259900.00"),
            Decimal("329900.00"),
            Decimal("1999999.99"),
        ]
        assert total == 4
        suvs, suv_total = list_trims(session, page=Page(1, 50), body="suv")
        assert [row["name"] for row in suvs] == ["Aurora Standard", "Aurora Long Range"] and suv_total == 2
        bevs, _ = list_trims(session, page=Page(1, 50), powertrain="bev")
        assert [row["name"] for row in bevs] == ["Aurora Long Range", "Meridian Flagship"]
        by_model, _ = list_trims(session, page=Page(1, 50), text="MERIDIAN")
        assert [row["name"] for row in by_model] == ["Meridian Base", "Meridian Flagship"]
        cheapest, _ = list_trims(session, page=Page(1, 1))
        assert [row["name"] for row in cheapest] == ["Meridian Base"]
        assert cheapest[0]["model"] == "Meridian" and cheapest[0]["body"] == "sedan"


def test_a_dealer_sees_what_one_order_can_get_and_others_see_no_availability(any_db_url):
    with Session(get_engine()) as session:
        supplier, oem, dealer = (
            make_org(session, "supplier"),
            make_org(session, "oem"),
            make_org(session, "dealer"),
        )
        north, south = (
            make_location(session, oem, kind="warehouse"),
            make_location(session, oem, kind="warehouse"),
        )
        store = make_location(session, dealer, kind="store")
        stocked, reserved_away, nowhere = (make_part(session, supplier) for _ in range(3))
        make_stock(session, north, stocked, on_hand=40, reserved=5)
        make_stock(session, south, stocked, on_hand=90, reserved=20)  # the most free at one warehouse: 70
        make_stock(session, north, reserved_away, on_hand=3, reserved=3)
        make_stock(session, store, nowhere, on_hand=8)  # a dealer's own stock is not OEM stock
        session.commit()
        buyer = principal_for(make_user(session, "dealer", dealer), dealer)
        rows, _ = list_parts(session, buyer, page=Page(1, 50))
        available = {row["sku"]: row["available"] for row in rows}
        assert available == {stocked.sku: 70, reserved_away.sku: 0, nowhere.sku: 0}
        rows, _ = list_parts(session, MANAGER, page=Page(1, 50))
        assert {row["available"] for row in rows} == {None}
