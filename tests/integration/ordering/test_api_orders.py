"""The orders and payment-notice API on the real PostgreSQL: what a client program sends and gets back.

The worker is not running here: a placed order stays `pending_payment` until the test takes the
payment in-process (services.ordering.payments) or posts the bank's notice. The "process it now" kick that
follows a placement is recorded instead of sent (tests/integration/ordering/test_order_worker.py sends it
to a real worker).
"""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, func, select

from models import OrderStatus, OrderTransition, OutboxMessage, SalesOrder
from models.db import get_engine
from portal.api import api
from portal.api.ordering.orders import OrderOut
from services.identity import auth
from services.ordering import payments
from services.ordering.gateway import SIGNATURE_HEADER, SimulatedGateway, sign_notice
from services.ordering.placement import payment_key
from tests.factories import PASSWORD, make_org, make_user
from tests.ordering_world import build_world, make_customer, stock_of, user_of

pytestmark = pytest.mark.postgres

ORDERS = "/api/v1/orders"


@pytest.fixture
def kicks(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """What the API hands on after a placement (the process_order task, to a broker that records
    it instead of sending) or a notice (a relay kick), in order."""
    sent: list[tuple] = []

    class RecordingBroker:
        def send_task(self, name, args=(), kwargs=None, **options):
            sent.append((name.rsplit(".", 1)[-1], *args))

    monkeypatch.setattr("workers.dispatch._client", lambda broker_url: RecordingBroker())
    monkeypatch.setattr("portal.api.ordering.payments.kick_relay", lambda *args: sent.append(args))
    return sent


@pytest.fixture
def client(pg_url: str, kicks: list) -> TestClient:
    return TestClient(api)


@pytest.fixture
def world(pg_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session, part_prices=("10.00", "25.50"), part_on_hand=10)
        world.dealer_token = _token(session, world.dealer)
        world.customer_token = _token(session, world.customer)
        world.sku = [part.sku for part in world.parts]
    return world


def _token(session: Session, principal) -> str:
    token, _ = auth.login(session, email=user_of(session, principal).email, password=PASSWORD)
    return token


def _headers(token: str, key: str | None = None) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {token}"}
    if key is not None:
        headers["Idempotency-Key"] = key
    return headers


def _cart(world, *quantities: int) -> dict:
    return {
        "lines": [
            {"item_kind": "part", "sku": sku, "quantity": quantity}
            for sku, quantity in zip(world.sku, quantities, strict=False)
        ],
        "buyer_location_id": world.store.id,
    }


def _place(client: TestClient, world, *quantities: int, key: str = "checkout-1"):
    return client.post(ORDERS, json=_cart(world, *quantities), headers=_headers(world.dealer_token, key))


def _order_count() -> int:
    with Session(get_engine()) as session:
        return session.exec(select(func.count()).select_from(SalesOrder)).one()


# --------------------------------------------------------------------------------------------
# Placing


def test_placement_answers_201_with_the_order_and_server_prices(client, world, kicks):
    cart = _cart(world, 3, 2)
    cart["lines"][0]["unit_price"] = "0.01"  # a client's price is never used

    response = client.post(ORDERS, json=cart, headers=_headers(world.dealer_token, "checkout-1"))

    assert response.status_code == 201, response.text
    order = response.json()
    assert order["status"] == "pending_payment"
    assert order["number"].startswith("SO-")
    assert [
        (line["item_code"], line["quantity"], line["unit_price"], line["line_total"])
        for line in order["lines"]
    ] == [(world.sku[0], 3, "10.00", "30.00"), (world.sku[1], 2, "25.50", "51.00")]
    assert (order["total"], order["amount_due"], order["currency"]) == ("81.00", "81.00", "CNY")
    assert [entry["to_status"] for entry in order["timeline"]] == ["pending_payment"]
    assert order["payment_status"] == "pending"
    OrderOut.model_validate(order)  # the documented shape is the one sent
    with Session(get_engine()) as session:
        assert stock_of(session, world.part_stock[0]) == (10, 3)
    # On PostgreSQL the web process sends nothing: the commit is announced to the worker (NOTIFY),
    # and the order's "order.placed" message waits in the outbox for it.
    assert kicks == []
    with Session(get_engine()) as session:
        message = session.exec(select(OutboxMessage).where(OutboxMessage.topic == "order.placed")).one()
    assert (message.payload["order_id"], message.dispatched_at) == (order["id"], None)


def test_a_replayed_key_returns_the_same_order_with_200_and_reserves_nothing_more(client, world, kicks):
    first = _place(client, world, 3, key="checkout-7")
    again = _place(client, world, 3, key="checkout-7")

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    assert _order_count() == 1
    with Session(get_engine()) as session:
        assert stock_of(session, world.part_stock[0]) == (10, 3)
    assert kicks == []


def test_the_same_key_with_another_cart_is_refused_naming_the_header(client, world):
    _place(client, world, 3, key="checkout-8")
    other = _place(client, world, 4, key="checkout-8")

    assert other.status_code == 422
    assert other.json()["error"]["code"] == "order.idempotency_conflict"
    assert other.json()["error"]["field"] == "Idempotency-Key"
    assert _order_count() == 1


@pytest.mark.parametrize("key", [None, "", "   "])
def test_the_idempotency_key_header_is_required(client, world, key):
    response = client.post(ORDERS, json=_cart(world, 1), headers=_headers(world.dealer_token, key))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "Idempotency-Key"
    assert error["message"] == "An idempotency key is required for every order."
    assert _order_count() == 0


def test_the_api_documents_the_idempotency_key_header_as_required(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"][ORDERS]["post"]

    headers = [p for p in operation["parameters"] if p["in"] == "header"]
    assert [(p["name"], p["required"]) for p in headers] == [("Idempotency-Key", True)]


def test_out_of_stock_is_409_listing_each_short_line_and_nothing_is_reserved(client, world):
    response = _place(client, world, 11, 12)

    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "order.out_of_stock"
    assert error["field"] == "lines[0].quantity"
    assert error["message"] == (f"Not enough stock for line 1 ({world.sku[0]}): 10 available, 11 requested.")
    assert [(s["field"], s["item_code"], s["requested"], s["available"]) for s in error["shortages"]] == [
        ("lines[0].quantity", world.sku[0], 11, 10),
        ("lines[1].quantity", world.sku[1], 12, 10),
    ]
    assert error["shortages"][1]["message"] == f"Line 2 ({world.sku[1]}): 10 available, 12 requested."
    assert _order_count() == 0
    with Session(get_engine()) as session:
        assert stock_of(session, world.part_stock[0]) == (10, 0)
        assert stock_of(session, world.part_stock[1]) == (10, 0)


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (
            lambda cart: cart["lines"][1].update(quantity=0),
            "lines[1].quantity",
            "order.quantity_not_positive",
        ),
        (lambda cart: cart["lines"][1].update(quantity="two"), "lines[1].quantity", "order.quantity_invalid"),
        (lambda cart: cart["lines"][1].update(quantity=1.5), "lines[1].quantity", "order.quantity_invalid"),
        (lambda cart: cart["lines"][0].update(sku="NO-SUCH-SKU"), "lines[0].sku", "order.item_unknown"),
        (
            lambda cart: cart["lines"][0].update(item_kind="boat"),
            "lines[0].item_kind",
            "order.item_kind_invalid",
        ),
        (lambda cart: cart["lines"].append("a line"), "lines[2]", "order.line_invalid"),
        (lambda cart: cart.update(lines=[]), "lines", "order.lines_required"),
        (lambda cart: cart.pop("lines"), "lines", "request.field_required"),
        (lambda cart: cart.pop("buyer_location_id"), "buyer_location_id", "request.field_required"),
        (
            lambda cart: cart.update(buyer_location_id="here"),
            "buyer_location_id",
            "order.buyer_location_invalid",
        ),
    ],
)
def test_bad_carts_get_422_naming_the_field_and_write_nothing(client, world, change, field, code):
    cart = _cart(world, 1, 1)
    change(cart)

    response = client.post(ORDERS, json=cart, headers=_headers(world.dealer_token, "checkout-9"))

    assert response.status_code == 422, response.text
    assert (response.json()["error"]["field"], response.json()["error"]["code"]) == (field, code)
    assert _order_count() == 0


def test_a_body_that_is_not_json_is_400(client, world):
    response = client.post(
        ORDERS,
        content=b"{lines:",
        headers={**_headers(world.dealer_token, "checkout-10"), "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.malformed"


def test_placing_needs_a_bearer_token(client, world):
    response = client.post(ORDERS, json=_cart(world, 1), headers={"Idempotency-Key": "k"})

    assert response.status_code == 401
    assert _order_count() == 0


# --------------------------------------------------------------------------------------------
# Reading


def test_the_buyer_reads_its_order_and_another_organisation_gets_404(client, world):
    order_id = _place(client, world, 2).json()["id"]
    with Session(get_engine(), expire_on_commit=False) as session:
        other_dealer = make_user(session, "dealer", make_org(session, "dealer"))
        session.commit()
        other_token, _ = auth.login(session, email=other_dealer.email, password=PASSWORD)
        other_customer_token = _token(session, make_customer(session))

    mine = client.get(f"{ORDERS}/{order_id}", headers=_headers(world.dealer_token))
    theirs = client.get(f"{ORDERS}/{order_id}", headers=_headers(other_token))
    missing = client.get(f"{ORDERS}/{order_id + 1000}", headers=_headers(other_token))

    assert mine.status_code == 200
    assert mine.json()["id"] == order_id
    assert [line["quantity"] for line in mine.json()["lines"]] == [2]
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json()
    assert client.get(f"{ORDERS}/{order_id}", headers=_headers(other_customer_token)).status_code == 404


def test_the_order_list_is_the_callers_paginated_newest_first_and_filtered_by_status(client, world):
    ids = [_place(client, world, 1, key=f"list-{n}").json()["id"] for n in range(3)]
    with Session(get_engine()) as session:
        payments.process_order(session, ids[0], gateway=SimulatedGateway())

    first_page = client.get(ORDERS, params={"page": 1, "page_size": 2}, headers=_headers(world.dealer_token))
    second_page = client.get(ORDERS, params={"page": 2, "page_size": 2}, headers=_headers(world.dealer_token))
    allocated = client.get(ORDERS, params={"status": "allocated"}, headers=_headers(world.dealer_token))
    customers = client.get(ORDERS, headers=_headers(world.customer_token))

    assert first_page.status_code == 200
    assert first_page.json()["total"] == 3
    assert [row["id"] for row in first_page.json()["items"]] == [ids[2], ids[1]]
    assert [row["id"] for row in second_page.json()["items"]] == [ids[0]]
    assert [(row["id"], row["status"]) for row in allocated.json()["items"]] == [(ids[0], "allocated")]
    assert customers.json() == {"items": [], "page": 1, "page_size": 50, "total": 0}


@pytest.mark.parametrize(
    ("params", "field"),
    [({"status": "shipped"}, "status"), ({"page_size": 0}, "page_size"), ({"side": "nobody"}, "side")],
)
def test_bad_list_parameters_get_422_naming_them(client, world, params, field):
    response = client.get(ORDERS, params=params, headers=_headers(world.dealer_token))

    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


# --------------------------------------------------------------------------------------------
# Payment notices


def _pending_with_late_bank(client: TestClient, world) -> tuple[int, str]:
    """An order whose bank took the request and decides later (payment `unknown`)."""
    order = _place(client, world, 4).json()
    key = payment_key(order["number"])
    gateway = SimulatedGateway()
    gateway.set_behaviour("late", key=key, notices=2)
    with Session(get_engine()) as session:
        assert payments.process_order(session, order["id"], gateway=gateway).action == "waiting"
    return order["id"], key


def _state(order_id: int) -> tuple[str, int]:
    """(order status, number of payment captures recorded on its timeline)."""
    with Session(get_engine()) as session:
        status = session.get(SalesOrder, order_id).status
        captures = session.exec(
            select(func.count())
            .select_from(OrderTransition)
            .where(
                OrderTransition.order_id == order_id, OrderTransition.cause == "order.event.payment_captured"
            )
        ).one()
    return status, captures


@pytest.mark.parametrize("signature", [None, "", "0" * 64, "sha256=deadbeef"])
def test_an_unsigned_or_wrongly_signed_notice_is_401_and_changes_nothing(client, world, signature):
    order_id, key = _pending_with_late_bank(client, world)
    body = SimulatedGateway().settle(key, approve=True)[0].body
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers[SIGNATURE_HEADER] = signature

    response = client.post("/api/v1/payments/notify", content=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "payment.notice_signature_invalid"
    assert _state(order_id) == (OrderStatus.PENDING_PAYMENT, 0)
    with Session(get_engine()) as session:
        assert stock_of(session, world.part_stock[0]) == (10, 4)


def test_a_tampered_notice_with_the_old_signature_is_401(client, world):
    order_id, key = _pending_with_late_bank(client, world)
    notice = SimulatedGateway().settle(key, approve=True)[0]
    tampered = json.loads(notice.body) | {"amount": "0.01"}

    response = client.post(
        "/api/v1/payments/notify",
        content=json.dumps(tampered).encode(),
        headers={SIGNATURE_HEADER: notice.signature},
    )

    assert response.status_code == 401
    assert _state(order_id) == (OrderStatus.PENDING_PAYMENT, 0)


def test_a_signed_approval_completes_the_order_once_and_its_duplicate_changes_nothing(client, world, kicks):
    order_id, key = _pending_with_late_bank(client, world)
    notices = SimulatedGateway().settle(key, approve=True)
    assert len(notices) == 2  # the bank sends it twice

    answers = [
        client.post(
            "/api/v1/payments/notify", content=notice.body, headers={SIGNATURE_HEADER: notice.signature}
        )
        for notice in notices
    ]

    assert [a.status_code for a in answers] == [200, 200]
    assert [a.json()["action"] for a in answers] == ["completed", "nothing"]
    assert answers[1].json()["order_status"] == "allocated"
    assert _state(order_id) == (OrderStatus.ALLOCATED, 1)
    with Session(get_engine()) as session:
        assert stock_of(session, world.part_stock[0]) == (6, 0)
    assert SimulatedGateway().ledger(key).status == "approved"
    assert kicks[-1] == (("order.changed",),)  # the live pages hear about it now
    order = client.get(f"{ORDERS}/{order_id}", headers=_headers(world.dealer_token)).json()
    assert order["payment_status"] == "captured"
    assert order["shipment"]["to_location_id"] == world.store.id


def test_a_signed_notice_for_an_unknown_payment_is_404(client, world):
    body = json.dumps(
        {
            "idempotency_key": "PAY-SO-999999",
            "reference": "X",
            "status": "approved",
            "amount": "1.00",
            "currency": "CNY",
        }
    ).encode()

    response = client.post(
        "/api/v1/payments/notify", content=body, headers={SIGNATURE_HEADER: sign_notice(body)}
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "payment.not_found"


def test_a_signed_notice_nested_8000_deep_is_400_request_malformed_and_changes_nothing(client, world):
    order_id, _ = _pending_with_late_bank(client, world)
    body = b"[" * 8000 + b"]" * 8000

    response = client.post(
        "/api/v1/payments/notify", content=body, headers={SIGNATURE_HEADER: sign_notice(body)}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "request.malformed"
    assert _state(order_id) == (OrderStatus.PENDING_PAYMENT, 0)


def test_a_signed_approval_whose_reference_outgrows_its_column_is_422_and_changes_nothing(client, world):
    order_id, key = _pending_with_late_bank(client, world)
    notice = json.loads(SimulatedGateway().settle(key, approve=True)[0].body)
    body = json.dumps({**notice, "reference": "R" * 81}).encode()

    response = client.post(
        "/api/v1/payments/notify", content=body, headers={SIGNATURE_HEADER: sign_notice(body)}
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "payment.notice_invalid"
    assert _state(order_id) == (OrderStatus.PENDING_PAYMENT, 0)
