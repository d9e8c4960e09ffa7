"""Hostile request bodies on the real PostgreSQL: whatever the body, the answer is never a 500.
Malformed JSON, invalid UTF-8 and absurd nesting get 400 `request.malformed`, but only once the
caller may use the endpoint at all (401 without a token, 403 for the wrong role); text longer than
the column that stores it is refused before it reaches the database."""

from __future__ import annotations

import pytest

from models import ShippingNotice
from services.platform.json_input import MAX_DEPTH
from tests.integration.supply import test_api_supplier as supplier_api

pytestmark = pytest.mark.postgres

MALFORMED = [
    pytest.param(b'{"items": [', id="truncated"),
    pytest.param(b'{"items": \xff\xfe}', id="invalid-utf8"),
    pytest.param(b"[" * 8000 + b"]" * 8000, id="8000-deep"),
    pytest.param(b'{"items": ' + b"[" * MAX_DEPTH + b"]" * MAX_DEPTH + b"}", id="33-deep"),
    pytest.param(b'{"items": [{"sku": "\\ud800", "available": 1}]}', id="lone-surrogate"),
]

# Every supplier endpoint that takes a body, with a body of the right shape.
BODY_ENDPOINTS = [
    ("PUT", "/api/v1/supplier/stock"),
    ("POST", "/api/v1/supplier/purchase-orders/1/acknowledge"),
    ("POST", "/api/v1/supplier/purchase-orders/1/shipments"),
    ("POST", "/api/v1/supplier/incidents/1/acknowledge"),
    ("POST", "/api/v1/supplier/incidents/1/analysis"),
    ("POST", "/api/v1/supplier/incidents/1/resolve"),
]
JSON = {"Content-Type": "application/json"}


client, world = supplier_api.client, supplier_api.world  # the supplier API's fixtures


def bearer(principal) -> dict[str, str]:
    return {**supplier_api.bearer(principal), **JSON}


def _error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    return response.json()["error"]


@pytest.mark.parametrize("body", MALFORMED)
def test_a_malformed_body_from_the_supplier_is_400_request_malformed(client, world, body):
    response = client.put("/api/v1/supplier/stock", content=body, headers=bearer(world.first.principal))

    error = _error(response, 400)

    assert (error["code"], error["field"]) == ("request.malformed", "body")


def test_nesting_up_to_the_limit_is_parsed_and_judged_by_its_shape(client, world):
    body = b'{"items": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    response = client.put("/api/v1/supplier/stock", content=body, headers=bearer(world.first.principal))

    error = _error(response, 422)

    assert error["field"] == "items[0]"


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
def test_a_manager_with_a_malformed_body_at_a_supplier_endpoint_gets_403_not_400(client, world, method, path):
    headers = bearer(world.manager)
    for body in (b"{", b"[" * 8000, b"\xff"):
        error = _error(client.request(method, path, content=body, headers=headers), 403)
        assert error["code"] != "request.malformed"


@pytest.mark.parametrize(("method", "path"), BODY_ENDPOINTS)
def test_no_token_with_a_malformed_body_is_401(client, method, path):
    _error(client.request(method, path, content=b"[" * 8000, headers=JSON), 401)


def test_a_malformed_login_is_400_request_malformed(client, pg_url):
    for body, content_type in (
        (b"[" * 8000, "application/json"),
        (b"\xff", "application/json"),
        (b"username=\xff&password=x", "application/x-www-form-urlencoded"),
    ):
        response = client.post("/api/v1/auth/token", content=body, headers={"Content-Type": content_type})
        assert _error(response, 400)["code"] == "request.malformed"


def test_a_carrier_longer_than_its_column_is_refused_naming_it(client, world):
    longest = ShippingNotice.__table__.c.carrier.type.length
    body = {
        "carrier": "D" * (longest + 1),
        "tracking_number": "T1",
        "lines": [{"line_id": 1, "quantity": 1, "lot_number": "L1"}],
    }

    response = client.post(
        "/api/v1/supplier/purchase-orders/1/shipments", json=body, headers=bearer(world.first.principal)
    )

    error = _error(response, 422)
    assert (error["code"], error["field"]) == ("request.text_too_long", "carrier")


def test_the_openapi_gives_every_request_text_its_columns_length_and_every_body_the_400(client):
    spec = client.get("/api/v1/openapi.json").json()
    schemas = spec["components"]["schemas"]

    assert schemas["ShipmentIn"]["properties"]["carrier"]["maxLength"] == 80
    assert schemas["ShipmentIn"]["properties"]["tracking_number"]["maxLength"] == 80
    assert schemas["ShipmentLineIn"]["properties"]["lot_number"]["maxLength"] == 60
    sku = schemas["StockItemIn"]["properties"]["sku"]
    assert [option.get("maxLength") for option in sku["anyOf"] if option.get("type") == "string"] == [40]
    with_body = [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if "requestBody" in operation
    ]
    # token, orders, notify, stock, 2 orders answers, 3 incidents, carrier events, and the showroom's
    # holds, bookings, reschedules, walk-ins, check-ins, check-outs and moves, the configurator's price
    # and its order, pricing's index values (JSON and CSV), agreements and three decisions on a
    # suggestion, the KPI targets and FX rates, and a market's manual price and a decision on a
    # pending list price
    assert len(with_body) == 29
    for path, method, operation in with_body:
        assert "request.malformed" in operation["responses"]["400"]["description"], (method, path)


def test_an_order_with_a_malformed_body_is_refused_for_its_caller_first(client, world):
    body = b'{"lines": [' * 50

    key = {"Idempotency-Key": "k1"}
    anonymous = client.post("/api/v1/orders", content=body, headers={**JSON, **key})
    manager = client.post("/api/v1/orders", content=body, headers={**bearer(world.manager), **key})

    assert (anonymous.status_code, manager.status_code) == (401, 403)
    assert manager.json()["error"]["code"] == "order.place_denied"
