"""The stock list's filters: location, part category and low stock, alone and with the search, in SQL
(the totals count every match, the pages stay in order), inside what the principal may read."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.catalog.lists import Page, list_stock, stock_categories, stock_locations
from services.catalog.summary import compute_summary
from services.identity.auth import Principal, principal_for
from tests.conftest import configure
from tests.factories import (
    make_location,
    make_org,
    make_part,
    make_stock,
    make_trim,
    make_trim_stock,
    make_user,
    make_vehicle_model,
)


@dataclass(frozen=True)
class Stock:
    manager: Principal
    dealer: Principal
    ids: dict[str, int]  # location code -> id
    warehouse: str
    plant: str
    store: str
    pad: str
    filter: str
    clip: str
    trim: str


@pytest.fixture
def stock(any_db_url, monkeypatch) -> Stock:
    """Low stock means 5 units available or fewer here."""
    configure(monkeypatch, low_stock_threshold="5")
    with Session(get_engine(), expire_on_commit=False) as session:
        oem, supplier, dealer = (
            make_org(session, "oem"),
            make_org(session, "supplier"),
            make_org(session, "dealer"),
        )
        warehouse, plant = make_location(session, oem, "warehouse"), make_location(session, supplier)
        store = make_location(session, dealer, "store")
        pad = make_part(session, supplier, category="Brake pads", name="Front brake pad set")
        cabin = make_part(session, supplier, category="Filters", name="Cabin filter")
        clip = make_part(session, supplier, category="Fasteners", name="Harness clip")
        trim = make_trim(session, make_vehicle_model(session), name="Aurora Long Range")
        make_stock(session, warehouse, pad, 500)  # available 500
        make_stock(session, warehouse, cabin, 6, reserved=1)  # available 5: low (at the threshold)
        make_trim_stock(session, warehouse, trim, 4, reserved=4)  # available 0: low
        make_stock(session, plant, pad, 3)  # available 3: low
        make_stock(session, plant, clip, 90)
        make_stock(session, store, cabin, 7, reserved=1)  # available 6: not low
        make_stock(session, store, pad, 2)  # available 2: low
        result = Stock(
            manager=principal_for(make_user(session, "manager", oem), oem),
            dealer=principal_for(make_user(session, "dealer", dealer), dealer),
            ids={location.code: location.id for location in (warehouse, plant, store)},
            warehouse=warehouse.code,
            plant=plant.code,
            store=store.code,
            pad=pad.sku,
            filter=cabin.sku,
            clip=clip.sku,
            trim=trim.code,
        )
        session.commit()
    return result


def _rows(who: Principal, size: int = 50, number: int = 1, **filters) -> tuple[set[tuple[str, str]], int]:
    with Session(get_engine()) as session:
        rows, total = list_stock(session, who, page=Page(number, size), **filters)
    return {(row["location_code"], row["item_code"]) for row in rows}, total


def test_the_location_filter_keeps_that_locations_rows(stock):
    assert _rows(stock.manager, location_id=stock.ids[stock.plant]) == (
        {(stock.plant, stock.pad), (stock.plant, stock.clip)},
        2,
    )


def test_the_category_filter_keeps_the_parts_of_that_category_only(stock):
    assert _rows(stock.manager, category="Filters") == (
        {(stock.warehouse, stock.filter), (stock.store, stock.filter)},
        2,
    )
    assert _rows(stock.manager, category="Filter") == (set(), 0)  # a category is matched whole


def test_low_stock_only_is_the_rule_the_homes_count(stock):
    rows, total = _rows(stock.manager, low_only=True)
    assert rows == {
        (stock.warehouse, stock.filter),
        (stock.warehouse, stock.trim),
        (stock.plant, stock.pad),
        (stock.store, stock.pad),
    }
    with Session(get_engine()) as session:
        assert total == compute_summary(session)["network"]["low_stock_items"] == 4


def test_the_filters_combine_with_each_other_and_the_search(stock):
    warehouse = stock.ids[stock.warehouse]
    assert _rows(stock.manager, location_id=warehouse, low_only=True) == (
        {(stock.warehouse, stock.filter), (stock.warehouse, stock.trim)},
        2,
    )
    assert _rows(stock.manager, location_id=warehouse, low_only=True, category="Filters") == (
        {(stock.warehouse, stock.filter)},
        1,
    )
    assert _rows(stock.manager, category="Brake pads", low_only=True, text="FRONT brake") == (
        {(stock.plant, stock.pad), (stock.store, stock.pad)},
        2,
    )
    assert _rows(stock.manager, category="Fasteners", low_only=True) == (set(), 0)
    assert _rows(stock.manager, location_id=stock.ids[stock.store], text="aurora") == (set(), 0)


def test_filtered_pages_count_every_match_and_keep_their_order(stock):
    first, total = _rows(stock.manager, size=1, number=1, category="Brake pads")
    second, _ = _rows(stock.manager, size=1, number=2, category="Brake pads")
    third, _ = _rows(stock.manager, size=1, number=3, category="Brake pads")
    beyond, beyond_total = _rows(stock.manager, size=1, number=4, category="Brake pads")
    assert total == beyond_total == 3 and beyond == set()
    assert first | second | third == {
        (code, stock.pad) for code in (stock.warehouse, stock.plant, stock.store)
    }


def test_the_filters_stay_inside_what_the_principal_may_read(stock):
    assert _rows(stock.dealer, location_id=stock.ids[stock.warehouse]) == (set(), 0)
    assert _rows(stock.dealer, low_only=True) == ({(stock.store, stock.pad)}, 1)


def test_the_filter_choices_are_the_readable_locations_and_the_stocked_categories(stock):
    with Session(get_engine()) as session:
        manager_locations = stock_locations(session, stock.manager)
        dealer_locations = stock_locations(session, stock.dealer)
        assert stock_categories(session, stock.manager) == ["Brake pads", "Fasteners", "Filters"]
        assert stock_categories(session, stock.dealer) == ["Brake pads", "Filters"]
    assert [row["code"] for row in manager_locations] == sorted([stock.warehouse, stock.plant, stock.store])
    assert {row["id"] for row in manager_locations} == set(stock.ids.values())
    assert [row["code"] for row in dealer_locations] == [stock.store]
    assert manager_locations[0]["name"].startswith("Site ")
