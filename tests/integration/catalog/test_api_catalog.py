"""Parts, trims and stock through the JSON API on PostgreSQL: pagination, filters, scoping."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import StockLevel, Trim, VehicleModel
from models.db import get_engine
from portal.api import api
from tests.factories import PASSWORD, make_location, make_org, make_part, make_stock, make_user

pytestmark = pytest.mark.postgres


@dataclass
class Network:
    """Two suppliers with a plant each, a dealer with a store, an OEM manager and a customer."""

    client: TestClient
    emails: dict[str, str]
    plant_a: int
    plant_b: int
    store: int
    warehouse: int
    skus_a: set[str]
    skus_b: set[str]
    tokens: dict[str, str] = field(default_factory=dict)

    def token(self, who: str) -> str:
        """A bearer token for `who`, signed in through the API on first use."""
        if who not in self.tokens:
            self.tokens[who] = _token(self.client, self.emails[who])
        return self.tokens[who]


def _token(client: TestClient, email: str) -> str:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def client(pg_url: str) -> TestClient:
    return TestClient(api)


@pytest.fixture
def network(client: TestClient) -> Network:
    with Session(get_engine(), expire_on_commit=False) as session:
        oem = make_org(session, "oem", name="Carmaker")
        supplier_a = make_org(session, "supplier", name="Alpha Brakes")
        supplier_b = make_org(session, "supplier", name="Beta Wiring")
        dealer = make_org(session, "dealer", name="Harbour 4S")
        plant_a = make_location(session, supplier_a, "plant")
        plant_b = make_location(session, supplier_b, "plant")
        store = make_location(session, dealer, "store")
        warehouse = make_location(session, oem, "warehouse")
        parts_a = [
            make_part(session, supplier_a, price="123.40", name=f"Ceramic brake pad {n}") for n in range(3)
        ]
        parts_b = [
            make_part(
                session, supplier_b, price="0.05", name=f"Door harness {n}", category="Wiring harnesses"
            )
            for n in range(2)
        ]
        for part in parts_a:
            make_stock(session, plant_a, part, on_hand=40, reserved=5)
        for part in parts_b:
            make_stock(session, plant_b, part, on_hand=7)
        make_stock(session, store, parts_a[0], on_hand=3)
        make_stock(session, warehouse, parts_b[0], on_hand=100, reserved=100)
        emails = {
            "supplier_a": make_user(session, "supplier", supplier_a).email,
            "supplier_b": make_user(session, "supplier", supplier_b).email,
            "dealer": make_user(session, "dealer", dealer).email,
            "manager": make_user(session, "manager", oem).email,
            "admin": make_user(session, "admin", oem).email,
            "customer": make_user(session, "customer", dealer).email,
        }
        result = Network(
            client=client,
            emails=emails,
            plant_a=plant_a.id,
            plant_b=plant_b.id,
            store=store.id,
            warehouse=warehouse.id,
            skus_a={p.sku for p in parts_a},
            skus_b={p.sku for p in parts_b},
        )
        session.commit()
    return result


def _get(client: TestClient, network: Network, who: str, url: str, **params):
    return client.get(url, params=params, headers={"Authorization": f"Bearer {network.token(who)}"})


def test_parts_are_paginated_with_the_true_total(client, network):
    first = _get(client, network, "manager", "/api/v1/parts", page=1, page_size=2).json()
    third = _get(client, network, "manager", "/api/v1/parts", page=3, page_size=2).json()

    assert (first["page"], first["page_size"], first["total"]) == (1, 2, 5)
    assert len(first["items"]) == 2
    assert len(third["items"]) == 1
    seen = {item["sku"] for item in first["items"]} | {item["sku"] for item in third["items"]}
    second = _get(client, network, "manager", "/api/v1/parts", page=2, page_size=2).json()
    seen |= {item["sku"] for item in second["items"]}
    assert seen == network.skus_a | network.skus_b


def test_parts_filter_by_category_and_text(client, network):
    wiring = _get(client, network, "manager", "/api/v1/parts", category="Wiring harnesses").json()
    ceramic = _get(client, network, "manager", "/api/v1/parts", q="CERAMIC brake pad 1").json()
    nothing = _get(client, network, "manager", "/api/v1/parts", q="100%_match").json()

    assert wiring["total"] == 2
    assert {item["sku"] for item in wiring["items"]} == network.skus_b
    assert ceramic["total"] == 1
    assert ceramic["items"][0]["name"] == "Ceramic brake pad 1"
    assert nothing == {"items": [], "page": 1, "page_size": 50, "total": 0}


def test_money_is_an_exact_string_with_its_currency(client, network):
    items = _get(client, network, "manager", "/api/v1/parts").json()["items"]
    prices = {item["sku"]: (item["list_price"], item["currency"]) for item in items}

    assert {prices[sku] for sku in network.skus_a} == {("123.40", "CNY")}
    assert {prices[sku] for sku in network.skus_b} == {("0.05", "CNY")}
    assert Decimal(prices[min(network.skus_a)][0]) == Decimal("123.40")


def test_a_supplier_sees_only_its_own_parts(client, network):
    body = _get(client, network, "supplier_a", "/api/v1/parts").json()

    assert body["total"] == 3
    assert {item["sku"] for item in body["items"]} == network.skus_a
    assert {item["supplier_name"] for item in body["items"]} == {"Alpha Brakes"}
    wiring = _get(client, network, "supplier_a", "/api/v1/parts", category="Wiring harnesses").json()
    assert wiring["total"] == 0


def test_a_customer_has_no_parts_catalogue(client, network):
    response = _get(client, network, "customer", "/api/v1/parts")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "access.denied"


def test_supplier_a_never_sees_supplier_b_stock(client, network):
    body = _get(client, network, "supplier_a", "/api/v1/stock").json()
    other_plant = _get(client, network, "supplier_a", "/api/v1/stock", location_id=network.plant_b).json()
    by_text = _get(client, network, "supplier_a", "/api/v1/stock", q="harness").json()

    assert body["total"] == 3
    assert {row["location_id"] for row in body["items"]} == {network.plant_a}
    assert {row["item_code"] for row in body["items"]} == network.skus_a
    assert all(row["available"] == 35 for row in body["items"])
    assert other_plant == {"items": [], "page": 1, "page_size": 50, "total": 0}
    assert by_text["total"] == 0

    body_b = _get(client, network, "supplier_b", "/api/v1/stock").json()
    assert {row["location_id"] for row in body_b["items"]} == {network.plant_b}
    assert {row["item_code"] for row in body_b["items"]} == network.skus_b


def test_a_dealer_sees_only_its_stores(client, network):
    body = _get(client, network, "dealer", "/api/v1/stock").json()

    assert body["total"] == 1
    assert [(row["location_id"], row["on_hand"]) for row in body["items"]] == [(network.store, 3)]


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_managers_and_admins_see_every_location(client, network, who):
    body = _get(client, network, who, "/api/v1/stock", page_size=200).json()

    assert body["total"] == 7
    assert {row["location_id"] for row in body["items"]} == {
        network.plant_a,
        network.plant_b,
        network.store,
        network.warehouse,
    }
    warehouse_row = next(row for row in body["items"] if row["location_id"] == network.warehouse)
    assert (warehouse_row["on_hand"], warehouse_row["reserved"], warehouse_row["available"]) == (100, 100, 0)


def test_stock_filters_by_location_and_paginates(client, network):
    plant = _get(
        client, network, "manager", "/api/v1/stock", location_id=network.plant_a, page=2, page_size=2
    ).json()

    assert plant["total"] == 3
    assert len(plant["items"]) == 1
    assert plant["items"][0]["location_id"] == network.plant_a


def test_stock_filters_by_category_and_low_stock(client, network):
    """Low stock is 10 units available or fewer (the default threshold)."""
    low = _get(client, network, "manager", "/api/v1/stock", low_only="true").json()
    assert sorted(row["available"] for row in low["items"]) == [0, 3, 7, 7] and low["total"] == 4
    wiring = _get(
        client, network, "manager", "/api/v1/stock", category="Wiring harnesses", low_only="true"
    ).json()
    assert {row["location_id"] for row in wiring["items"]} == {network.plant_b, network.warehouse}
    assert wiring["total"] == 3
    at_plant = _get(
        client, network, "manager", "/api/v1/stock", location_id=network.plant_a, low_only="true"
    ).json()
    assert at_plant == {"items": [], "page": 1, "page_size": at_plant["page_size"], "total": 0}


def test_a_customer_gets_403_on_stock(client, network):
    response = _get(client, network, "customer", "/api/v1/stock")

    assert response.status_code == 403
    assert response.json()["error"] == {
        "code": "access.denied",
        "field": None,
        "message": "You do not have access to that page.",
    }


@pytest.fixture
def trims(pg_url: str) -> None:
    with Session(get_engine()) as session:
        suv = VehicleModel(code="M-SUV", name="Aurora", body="suv", image="cars/aurora.png")
        sedan = VehicleModel(code="M-SED", name="Meridian", body="sedan", image="cars/meridian.png")
        session.add_all([suv, sedan])
        session.flush()
        session.add_all(
            [
                Trim(
                    code="AUR-BEV",
                    model_id=suv.id,
                    name="Aurora Long Range",
                    powertrain="bev",
                    range_km=560,
                    power_kw=250,
                    price=Decimal("289900.00"),
                    currency="CNY",
                    image="cars/aurora-lr.png",
                ),
                Trim(
                    code="AUR-PHEV",
                    model_id=suv.id,
                    name="Aurora Hybrid",
                    powertrain="phev",
                    range_km=110,
                    consumption_l_per_100km=Decimal("1.2"),
                    power_kw=180,
                    price=Decimal("219900.50"),
                    currency="CNY",
                    image="cars/aurora-h.png",
                ),
                Trim(
                    code="MER-ICE",
                    model_id=sedan.id,
                    name="Meridian 1.5T",
                    powertrain="ice",
                    consumption_l_per_100km=Decimal("6.4"),
                    power_kw=124,
                    price=Decimal("149900.00"),
                    currency="CNY",
                    image="cars/meridian.png",
                ),
            ]
        )
        session.commit()


def test_trims_are_listed_cheapest_first_for_any_signed_in_role(client, network, trims):
    body = _get(client, network, "customer", "/api/v1/trims").json()

    assert body["total"] == 3
    assert [item["code"] for item in body["items"]] == ["MER-ICE", "AUR-PHEV", "AUR-BEV"]
    hybrid = body["items"][1]
    assert (hybrid["price"], hybrid["currency"], hybrid["consumption_l_per_100km"]) == (
        "219900.50",
        "CNY",
        "1.2",
    )
    assert body["items"][2]["consumption_l_per_100km"] is None


def test_trims_filter_by_body_powertrain_and_text(client, network, trims):
    suvs = _get(client, network, "dealer", "/api/v1/trims", body="suv").json()
    bev = _get(client, network, "dealer", "/api/v1/trims", powertrain="bev").json()
    meridian = _get(client, network, "dealer", "/api/v1/trims", q="meridian").json()
    paged = _get(client, network, "dealer", "/api/v1/trims", page=2, page_size=2).json()

    assert {item["code"] for item in suvs["items"]} == {"AUR-BEV", "AUR-PHEV"}
    assert [item["code"] for item in bev["items"]] == ["AUR-BEV"]
    assert [item["code"] for item in meridian["items"]] == ["MER-ICE"]
    assert (paged["total"], [item["code"] for item in paged["items"]]) == (3, ["AUR-BEV"])


def test_stock_rows_of_trims_name_the_trim(client, network, trims):
    with Session(get_engine()) as session:
        trim = session.exec(select(Trim).where(Trim.code == "AUR-BEV")).one()
        session.add(StockLevel(location_id=network.store, trim_id=trim.id, on_hand=2))
        session.commit()

    body = _get(client, network, "dealer", "/api/v1/stock", q="long range").json()

    assert body["total"] == 1
    assert body["items"][0]["item_kind"] == "trim"
    assert body["items"][0]["item_code"] == "AUR-BEV"
