"""The shipment list's filters and the exceptions queue through the API on PostgreSQL: carrier,
lane, text search (tracking number, VIN, order number), late and sorting, each inside the caller's
scope; the queue for managers only, with a late shipment in it; 422 naming the bad field."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import Shipment, ShipmentLeg
from models.db import get_engine
from models.types import utcnow
from portal.api.app import create_api
from tests.factories import PASSWORD
from tests.logistics_world import build_world


@pytest.fixture
def client(pg_url) -> TestClient:
    return TestClient(create_api())


@pytest.fixture
def world(client):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        late = session.get(Shipment, world.shipments["dealer_b"].id)
        late.promised_at, late.vin = utcnow() - timedelta(hours=3), "WVWZZZ1JZXW000001"
        session.add(late)
        leg = session.exec(
            select(ShipmentLeg).where(ShipmentLeg.shipment_id == late.id, ShipmentLeg.sequence == 2)
        ).one()
        leg.lane = "CN-SHA>DE-HAM/sea"
        session.add(leg)
        session.commit()
        return world


def _headers(client: TestClient, world, who: str) -> dict:
    answer = client.post("/api/v1/auth/token", json={"email": world.emails[who], "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _ids(answer) -> list[int]:
    assert answer.status_code == 200, answer.text
    return [item["id"] for item in answer.json()["items"]]


def test_the_managers_filters_find_the_late_shipment(client, world):
    manager = _headers(client, world, "manager")
    late = world.shipments["dealer_b"]

    def listed(**params) -> list[int]:
        return _ids(client.get("/api/v1/shipments", params=params, headers=manager))

    assert listed(late="true") == [late.id]
    assert late.id not in listed(late="false")
    assert listed(carrier="railcargo") == [late.id]
    assert listed(lane="CN-SHA>DE-HAM/sea") == [late.id]
    assert listed(q=late.tracking_number) == [late.id]
    assert listed(q=late.tracking_number[:6].lower()) == sorted(
        (tracked.id for tracked in world.shipments.values()), reverse=True
    )  # every world number starts "AP0000"
    assert listed(q="WVWZZZ1JZXW000001") == [late.id]
    assert listed(q=late.leg_numbers[0]) == [late.id]
    assert listed(q="SO-NOPE-000") == []
    oldest = listed(sort="oldest")
    assert oldest == sorted(oldest) and listed(sort="newest") == oldest[::-1]
    assert listed(sort="promise")[0] == late.id  # the earliest promise first


def test_a_dealers_filters_stay_inside_its_stores(client, world):
    dealer_a = _headers(client, world, "dealer_a")
    late = world.shipments["dealer_b"]
    for params in ({"q": late.tracking_number}, {"carrier": "railcargo"}, {"late": "true"}):
        assert _ids(client.get("/api/v1/shipments", params=params, headers=dealer_a)) == []
    mine = _ids(client.get("/api/v1/shipments", params={"lane": "P1>P2"}, headers=dealer_a))
    assert set(mine) == {world.shipments["dealer_a"].id, world.shipments["customer_1"].id}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"sort": "price"}, "sort"),
        ({"late": "maybe"}, "late"),
        ({"q": "x" * 81}, "q"),
        ({"status": "lost"}, "status"),
    ],
)
def test_a_bad_filter_is_a_422_naming_it(client, world, params, field):
    answer = client.get("/api/v1/shipments", params=params, headers=_headers(client, world, "manager"))
    assert answer.status_code == 422 and answer.json()["error"]["field"] == field


def test_the_exceptions_queue_is_the_managers_and_shows_the_late_shipment(client, world):
    answer = client.get("/api/v1/shipments/exceptions", headers=_headers(client, world, "manager"))
    assert answer.status_code == 200, answer.text
    entry = next(
        item for item in answer.json()["items"] if item["shipment_id"] == world.shipments["dealer_b"].id
    )
    assert entry["kind"] == "late" and entry["actor"] == "plant"  # pending: it never left
    assert entry["tracking_number"] == world.shipments["dealer_b"].tracking_number
    for who in ("dealer_a", "customer_1", "supplier"):
        denied = client.get("/api/v1/shipments/exceptions", headers=_headers(client, world, who))
        assert denied.status_code == 403
    assert client.get("/api/v1/shipments/exceptions").status_code == 401
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/shipments/exceptions" in paths
    listed = {parameter["name"] for parameter in paths["/api/v1/shipments"]["get"]["parameters"]}
    assert {"carrier", "lane", "status", "late", "q", "sort"} <= listed
