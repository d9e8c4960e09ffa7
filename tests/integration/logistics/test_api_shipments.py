"""The shipments API on PostgreSQL: who sees which shipment (by id, in lists, by tracking number),
the public look-up's one answer for every miss and its rate limit, and the webhook's signature."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func
from sqlmodel import Session, select

from models import DeadLetter, SalesOrder, ShipmentEvent, User
from models.db import get_engine
from models.settings import DEMO_CARRIER_SECRET
from portal.api.app import create_api
from services.logistics.carriers import SIGNATURE_HEADER, sign_body
from tests.conftest import configure
from tests.factories import PASSWORD
from tests.logistics_world import build_world, dhl_document, dhl_event


@pytest.fixture
def client(pg_url, monkeypatch) -> TestClient:
    configure(monkeypatch, public_tracking_per_minute="4")
    return TestClient(create_api())


@pytest.fixture
def world(client):
    with Session(get_engine()) as session:
        return build_world(session)


def _headers(client: TestClient, world, who: str) -> dict:
    answer = client.post("/api/v1/auth/token", json={"email": world.emails[who], "password": PASSWORD})
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _ids(answer) -> set[int]:
    assert answer.status_code == 200, answer.text
    return {item["id"] for item in answer.json()["items"]}


def test_each_role_lists_only_the_shipments_it_may_see(client, world):
    ids = {name: tracked.id for name, tracked in world.shipments.items()}
    seen = {
        who: _ids(client.get("/api/v1/shipments", headers=_headers(client, world, who)))
        for who in ("customer_1", "customer_2", "dealer_a", "dealer_b", "manager")
    }
    assert seen["customer_1"] == {ids["customer_1"]}
    assert seen["customer_2"] == set()
    assert seen["dealer_a"] == {ids["dealer_a"], ids["customer_1"]}  # both go to dealer A's store
    assert seen["dealer_b"] == {ids["dealer_b"]}
    assert seen["manager"] == set(ids.values())
    assert client.get("/api/v1/shipments", headers=_headers(client, world, "supplier")).status_code == 403


def test_a_customer_cannot_read_another_customers_shipment_by_id(client, world):
    own = world.shipments["customer_1"].id
    other = world.shipments["dealer_b"].id
    first = _headers(client, world, "customer_1")
    assert client.get(f"/api/v1/shipments/{own}", headers=first).status_code == 200
    theirs = client.get(f"/api/v1/shipments/{own}", headers=_headers(client, world, "customer_2"))
    missing = client.get("/api/v1/shipments/999999", headers=first)
    foreign = client.get(f"/api/v1/shipments/{other}", headers=first)
    assert theirs.status_code == foreign.status_code == missing.status_code == 404
    assert theirs.json() == foreign.json() == missing.json()


def test_a_dealer_reads_its_stores_shipments_only(client, world):
    headers = _headers(client, world, "dealer_b")
    own, other = world.shipments["dealer_b"].id, world.shipments["dealer_a"].id
    assert client.get(f"/api/v1/shipments/{own}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/shipments/{other}", headers=headers).status_code == 404


def test_the_manager_filters_by_carrier_status_and_lateness(client, world):
    headers = _headers(client, world, "manager")
    assert _ids(client.get("/api/v1/shipments", params={"carrier": "railcargo"}, headers=headers)) == {
        world.shipments["dealer_b"].id
    }
    assert _ids(client.get("/api/v1/shipments", params={"status": "pending"}, headers=headers)) == {
        tracked.id for tracked in world.shipments.values()
    }
    assert _ids(client.get("/api/v1/shipments", params={"late": "true"}, headers=headers)) == set()
    bad = client.get("/api/v1/shipments", params={"status": "teleported"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "status"


def test_the_timeline_shows_the_events_in_their_own_order(client, world):
    tracked = world.shipments["customer_1"]
    _post_signed(
        client,
        "dhl",
        dhl_document(
            tracked.leg_numbers[0],
            dhl_event("2026-03-02T08:00:00Z"),
            dhl_event("2026-03-01T08:00:00Z", "pre-transit", "Received"),
        ),
    )
    answer = client.get(f"/api/v1/shipments/{tracked.id}", headers=_headers(client, world, "customer_1"))
    body = answer.json()
    assert [event["status"] for event in body["timeline"]] == ["info_received", "in_transit"]
    assert body["shipment"]["status"] == "in_transit" and [leg["sequence"] for leg in body["legs"]] == [1, 2]


def test_public_tracking_answers_a_wrong_postcode_and_an_unknown_number_alike(client, world):
    tracked = world.shipments["customer_1"]
    hit = client.get(f"/api/v1/track/{tracked.tracking_number}", params={"postcode": tracked.postcode})
    assert hit.status_code == 200 and hit.json()["tracking_number"] == tracked.tracking_number
    assert "vin" not in hit.json() and "raw_code" not in json.dumps(hit.json())
    wrong_postcode = client.get(f"/api/v1/track/{tracked.tracking_number}", params={"postcode": "999999"})
    unknown = client.get("/api/v1/track/AP999999999999", params={"postcode": tracked.postcode})
    assert wrong_postcode.status_code == unknown.status_code == 404
    assert wrong_postcode.json() == unknown.json()
    assert unknown.json()["error"]["code"] == "tracking.not_found"


def _name_buyer(world, name: str, full_name: str) -> None:
    with Session(get_engine()) as session:
        buyer = session.get(User, session.get(SalesOrder, world.shipments[name].order_id).buyer_user_id)
        buyer.full_name = full_name
        session.add(buyer)
        session.commit()


def test_public_tracking_by_last_name_and_a_wrong_one_answers_like_an_unknown_number(client, world):
    tracked = world.shipments["customer_1"]
    _name_buyer(world, "customer_1", "Zoë Ångström")
    hit = client.get(f"/api/v1/track/{tracked.tracking_number}", params={"last_name": "ANGSTROM"})
    assert hit.status_code == 200 and hit.json()["tracking_number"] == tracked.tracking_number
    assert (
        hit.json()
        == client.get(
            f"/api/v1/track/{tracked.tracking_number}", params={"postcode": tracked.postcode}
        ).json()
    )
    wrong_name = client.get(f"/api/v1/track/{tracked.tracking_number}", params={"last_name": "Andersson"})
    unknown = client.get("/api/v1/track/AP999999999999", params={"last_name": "Ångström"})
    assert wrong_name.status_code == unknown.status_code == 404
    assert wrong_name.json() == unknown.json()
    assert unknown.json()["error"]["code"] == "tracking.not_found"


def test_public_tracking_asks_for_exactly_one_of_postcode_and_last_name(client, world):
    tracked = world.shipments["customer_1"]
    both = client.get(
        f"/api/v1/track/{tracked.tracking_number}", params={"postcode": tracked.postcode, "last_name": "x"}
    )
    neither = client.get(f"/api/v1/track/{tracked.tracking_number}")
    for answer in (both, neither):
        assert answer.status_code == 422
        assert answer.json()["error"]["code"] == "tracking.postcode_or_last_name"
        assert answer.json()["error"]["field"] == "postcode"


def test_public_tracking_refuses_after_the_rate_limit(client, world):
    tracked = world.shipments["customer_1"]
    answers = [
        client.get(f"/api/v1/track/AP00000000{n:04d}", params={"postcode": "200001"}).status_code
        for n in range(4)
    ]
    assert answers == [404] * 4
    refused = client.get(f"/api/v1/track/{tracked.tracking_number}", params={"postcode": tracked.postcode})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1


def test_public_tracking_names_the_bad_field(client, world):
    answer = client.get("/api/v1/track/AP0000'--", params={"postcode": "x"})
    assert answer.status_code == 422 and answer.json()["error"]["field"] in ("tracking_number", "postcode")


def _post_signed(
    client, carrier: str, document, secret: str = DEMO_CARRIER_SECRET, body: bytes | None = None
):
    raw = body if body is not None else json.dumps(document).encode()
    return client.post(
        f"/api/v1/carriers/{carrier}/events",
        content=raw,
        headers={"Content-Type": "application/json", SIGNATURE_HEADER: sign_body(secret, raw)},
    )


def _stored() -> int:
    with Session(get_engine()) as session:
        return session.exec(select(func.count()).select_from(ShipmentEvent)).one()


def test_the_webhook_refuses_unsigned_and_wrongly_signed_bodies(client, world):
    document = dhl_document(world.shipments["dealer_a"].leg_numbers[0], dhl_event("2026-03-01T08:00:00Z"))
    unsigned = client.post("/api/v1/carriers/dhl/events", json=document)
    wrong = _post_signed(client, "dhl", document, secret="not-the-secret")
    other_carrier = _post_signed(client, "railcargo", document, secret="not-the-secret")
    assert unsigned.status_code == wrong.status_code == other_carrier.status_code == 401
    assert _stored() == 0
    assert _post_signed(client, "nobody", document).status_code == 404


def test_the_webhook_stores_once_and_keeps_what_it_cannot_read(client, world):
    document = dhl_document(world.shipments["dealer_a"].leg_numbers[0], dhl_event("2026-03-01T08:00:00Z"))
    first, again = _post_signed(client, "dhl", document), _post_signed(client, "dhl", document)
    assert (first.json()["stored"], again.json()["stored"], again.json()["duplicates"]) == (1, 0, 1)
    bad = _post_signed(
        client, "dhl", dhl_document(world.shipments["dealer_a"].leg_numbers[0], dhl_event("2026-03-01 8am"))
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "shipments[0].events[0].timestamp"
    not_json = _post_signed(client, "dhl", None, body=b'{"shipments": [')
    assert not_json.status_code == 400 and not_json.json()["error"]["code"] == "request.malformed"
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(DeadLetter)).one() == 2  # both kept
    assert _stored() == 1


def test_the_webhook_refuses_a_5_mb_body_unread(client, world):
    body = b'{"shipments": [' + b" " * (5 * 1024 * 1024) + b"]}"
    answer = _post_signed(client, "dhl", None, body=body)
    assert answer.status_code == 413 and answer.json()["error"]["field"] == "body"
    with Session(get_engine()) as session:
        assert session.exec(select(func.count()).select_from(DeadLetter)).one() == 0


def test_the_endpoints_are_in_the_openapi(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/shipments",
        "/api/v1/shipments/{shipment_id}",
        "/api/v1/track/{tracking_number}",
        "/api/v1/carriers/{carrier}/events",
    ):
        assert path in paths
