"""The figures every home shows, computed from a small hand-built network and checked to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import Session

from models import Part, StockLevel
from models.db import get_engine
from services.catalog.summary import compute_summary, home_figures, refresh_summary
from services.identity.auth import principal_for
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


@pytest.fixture
def network(any_db_url, monkeypatch):
    """Low stock means 5 units available or fewer in this network."""
    configure(monkeypatch, low_stock_threshold="5")
    with Session(get_engine(), expire_on_commit=False) as session:
        oem, supplier, other_supplier = (
            make_org(session, "oem"),
            make_org(session, "supplier"),
            make_org(session, "supplier"),
        )
        dealer, consumers = make_org(session, "dealer"), make_org(session, "consumer")
        plant, other_plant = make_location(session, supplier), make_location(session, other_supplier)
        store, warehouse = make_location(session, dealer, "store"), make_location(session, oem, "warehouse")
        pad = make_part(session, supplier, price="10.10", category="Brake pads")
        bolt = make_part(session, supplier, price="0.10", currency="EUR", category="Fasteners")
        clip = make_part(session, other_supplier, price="2.00", category="Fasteners")
        trim = make_trim(session, make_vehicle_model(session), price="199999.99")
        make_stock(session, plant, pad, 100, reserved=20)  # available 95
        make_stock(session, plant, bolt, 3)  # available 3: low
        make_stock(session, other_plant, clip, 5)  # available 5: low (at the threshold)
        make_stock(session, store, pad, 7, reserved=3)  # available 4: low
        make_trim_stock(session, store, trim, 2, reserved=1)  # available 1: low
        make_stock(session, warehouse, pad, 1000)  # available 1000
        make_trim_stock(session, warehouse, trim, 5, reserved=5)  # available 0: low
        people = {
            role: principal_for(make_user(session, role, org), org)
            for role, org in (
                ("manager", oem),
                ("admin", oem),
                ("supplier", supplier),
                ("dealer", dealer),
                ("customer", consumers),
            )
        }
        session.commit()
    return {
        "oem": oem.id,
        "supplier": supplier.id,
        "other_supplier": other_supplier.id,
        "dealer": dealer.id,
        "people": people,
    }


def _summary() -> dict:
    with Session(get_engine()) as session:
        return compute_summary(session)


def test_the_catalogue_counts(network):
    assert _summary()["catalogue"] == {
        "parts": 3,
        "categories": 2,
        "trims": 1,
        "models": 1,
        "suppliers": 2,
        "dealers": 1,
    }


def test_units_low_stock_and_value_per_organisation(network):
    by_org = _summary()["by_organisation"]
    assert by_org[str(network["supplier"])] == {
        "locations": 1,
        "part_units_on_hand": 103,
        "part_units_reserved": 20,
        "vehicle_units_on_hand": 0,
        "vehicle_units_reserved": 0,
        "low_stock_items": 1,
        "stock_value": {"CNY": "1010.00", "EUR": "0.30"},
        "parts_supplied": 2,
    }
    assert by_org[str(network["other_supplier"])] == {
        "locations": 1,
        "part_units_on_hand": 5,
        "part_units_reserved": 0,
        "vehicle_units_on_hand": 0,
        "vehicle_units_reserved": 0,
        "low_stock_items": 1,
        "stock_value": {"CNY": "10.00"},
        "parts_supplied": 1,
    }
    assert by_org[str(network["dealer"])] == {
        "locations": 1,
        "part_units_on_hand": 7,
        "part_units_reserved": 3,
        "vehicle_units_on_hand": 2,
        "vehicle_units_reserved": 1,
        "low_stock_items": 2,
        "stock_value": {"CNY": "400070.68"},  # 7 x 10.10 + 2 x 199,999.99
    }
    assert by_org[str(network["oem"])] == {
        "locations": 1,
        "part_units_on_hand": 1000,
        "part_units_reserved": 0,
        "vehicle_units_on_hand": 5,
        "vehicle_units_reserved": 5,
        "low_stock_items": 1,
        "stock_value": {"CNY": "1010099.95"},  # 1000 x 10.10 + 5 x 199,999.99
    }


def test_the_network_totals_add_up_every_organisation(network):
    summary = _summary()
    assert summary["low_stock_threshold"] == 5
    assert summary["network"] == {
        "locations": 4,
        "part_units_on_hand": 1115,
        "part_units_reserved": 23,
        "vehicle_units_on_hand": 7,
        "vehicle_units_reserved": 6,
        "low_stock_items": 5,
        "stock_value": {"CNY": "1411190.63", "EUR": "0.30"},
    }


def test_the_low_stock_count_follows_the_setting(network, monkeypatch):
    configure(monkeypatch, low_stock_threshold="0")
    assert _summary()["network"]["low_stock_items"] == 1  # only the fully reserved trim
    configure(monkeypatch, low_stock_threshold="100")
    assert _summary()["network"]["low_stock_items"] == 6  # all but the warehouse's 1,000 pads


def test_stock_value_is_exact_to_the_cent_over_many_rows(any_db_url):
    # 1,000 rows of 77 x 12,345,678.91: summed as floats this drifts by cents.
    with Session(get_engine()) as session:
        supplier = make_org(session, "supplier")
        plant = make_location(session, supplier)
        parts = [
            Part(
                sku=f"BIG-{n:05d}",
                name=f"Press {n}",
                category="Tooling",
                list_price=Decimal("12345678.91"),
                currency="CNY",
                supplier_id=supplier.id,
            )
            for n in range(1000)
        ]
        session.add_all(parts)
        session.flush()
        session.add_all([StockLevel(location_id=plant.id, part_id=part.id, on_hand=77) for part in parts])
        session.commit()
        summary = compute_summary(session)
    assert summary["network"]["stock_value"] == {"CNY": "950617276070.00"}


def test_an_empty_network_has_zero_figures(any_db_url):
    summary = _summary()
    assert summary["network"]["part_units_on_hand"] == 0
    assert summary["network"]["stock_value"] == {}
    assert summary["by_organisation"] == {}


def test_managers_and_admins_see_the_network_totals_on_their_home(network):
    with Session(get_engine()) as session:
        for role in ("manager", "admin"):
            figures = home_figures(session, network["people"][role])
            assert figures["stock"]["part_units_on_hand"] == 1115
            assert figures["stock"]["stock_value"] == {"CNY": "1411190.63", "EUR": "0.30"}
            assert figures["catalogue"]["parts"] == 3


def test_a_supplier_and_a_dealer_see_only_their_own_organisation(network):
    with Session(get_engine()) as session:
        supplier = home_figures(session, network["people"]["supplier"])
        dealer = home_figures(session, network["people"]["dealer"])
    assert supplier["stock"]["part_units_on_hand"] == 103
    assert supplier["stock"]["stock_value"] == {"CNY": "1010.00", "EUR": "0.30"}
    assert dealer["stock"]["vehicle_units_on_hand"] == 2
    assert dealer["stock"]["stock_value"] == {"CNY": "400070.68"}


def test_a_customer_sees_the_catalogue_but_no_stock(network):
    with Session(get_engine()) as session:
        figures = home_figures(session, network["people"]["customer"])
    assert "stock" not in figures
    assert figures["catalogue"]["trims"] == 1


def test_an_organisation_without_stock_sees_zeros(network):
    with Session(get_engine(), expire_on_commit=False) as session:
        dealer = make_org(session, "dealer")
        principal = principal_for(make_user(session, "dealer", dealer), dealer)
        session.commit()
        refresh_summary(session)
        figures = home_figures(session, principal)
    assert figures["stock"]["part_units_on_hand"] == 0 and figures["stock"]["stock_value"] == {}


def test_the_home_reads_the_cached_summary_until_it_is_refreshed(network):
    with Session(get_engine(), expire_on_commit=False) as session:
        manager = network["people"]["manager"]
        first = home_figures(session, manager)
        supplier = make_org(session, "supplier")
        make_stock(session, make_location(session, supplier), make_part(session, supplier), 40)
        session.commit()
        assert home_figures(session, manager) == first
        refresh_summary(session)
        assert home_figures(session, manager)["stock"]["part_units_on_hand"] == 1155
