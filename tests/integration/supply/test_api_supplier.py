"""The supplier-workspace API on the real PostgreSQL: a supplier sees only its own orders, receipts,
incidents, lots and score; stock sync is bulk, idempotent and all-or-nothing with every bad item
listed; bad answers and shipping notices are refused naming the field, changing nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import PurchaseOrder, PurchaseOrderLine, StockLevel
from models.db import get_engine
from portal.api import api
from services.identity.auth import Principal, login
from services.supply import purchasing, scorecards
from tests.factories import PASSWORD, make_org, make_user
from tests.supply_world import SupplyWorld, build_world, hand_checked_month

pytestmark = pytest.mark.postgres

TODAY = date.today()


@pytest.fixture
def client(pg_url: str) -> TestClient:
    return TestClient(api)


@pytest.fixture
def world(pg_url: str) -> SupplyWorld:
    with Session(get_engine(), expire_on_commit=False) as session:
        return build_world(session, parts_per_supplier=4)


def bearer(principal: Principal) -> dict[str, str]:
    with Session(get_engine()) as session:
        token, _ = login(session, email=principal.email, password=PASSWORD)
    return {"Authorization": f"Bearer {token}"}


def issue_order(world: SupplyWorld, quantities: list[int]) -> dict:
    """An order to the first supplier, one line per quantity, due in three weeks."""
    with Session(get_engine(), expire_on_commit=False) as session:
        return purchasing.issue_purchase_order(
            session,
            world.manager,
            supplier_id=world.first.organisation.id,
            ship_to_location_id=world.warehouse.id,
            lines=[
                {
                    "part_id": world.first.parts[index].id,
                    "quantity": quantity,
                    "unit_price": "10.50",
                    "requested_date": (TODAY + timedelta(days=21)).isoformat(),
                }
                for index, quantity in enumerate(quantities)
            ],
        )


def acknowledge(client: TestClient, headers: dict, order: dict, promised: date | None = None):
    promised = promised or TODAY + timedelta(days=14)
    return client.post(
        f"/api/v1/supplier/purchase-orders/{order['id']}/acknowledge",
        headers=headers,
        json={
            "lines": [
                {"line_id": line["id"], "promised_date": promised.isoformat()} for line in order["lines"]
            ]
        },
    )


def plant_stock(world: SupplyWorld) -> dict[int, int]:
    with Session(get_engine()) as session:
        return dict(
            session.exec(
                select(StockLevel.part_id, StockLevel.on_hand).where(
                    StockLevel.location_id == world.first.plant.id
                )
            ).all()
        )


# ---------------------------------------------------------------- scoping


def test_a_second_supplier_sees_none_of_the_first_suppliers_orders_receipts_incidents_lots_or_score(
    client, world
):
    first, second = bearer(world.first.principal), bearer(world.second.principal)
    order = issue_order(world, [100])
    assert acknowledge(client, first, order).status_code == 200
    shipped = client.post(
        f"/api/v1/supplier/purchase-orders/{order['id']}/shipments",
        headers=first,
        json={
            "carrier": "DHL",
            "tracking_number": "JD0001",
            "lines": [{"line_id": order["lines"][0]["id"], "quantity": 100, "lot_number": "LOT-SCOPE-1"}],
        },
    )
    assert shipped.status_code == 201
    with Session(get_engine(), expire_on_commit=False) as session:
        receipt = purchasing.receive_goods(
            session,
            world.manager,
            shipped.json()["id"],
            lines=[
                {
                    "notice_line_id": shipped.json()["lines"][0]["id"],
                    "accepted_quantity": 97,
                    "rejected_quantity": 3,
                    "reject_reason": "cracked housing",
                }
            ],
        )
        scorecards.recompute_scorecards(session)
    incident_id = receipt["incident_ids"][0]

    # The first supplier sees all of it ...
    own_orders = client.get("/api/v1/supplier/purchase-orders", headers=first).json()
    assert [row["number"] for row in own_orders["items"]] == [order["number"]]
    assert own_orders["items"][0]["total"] == "1050.00"
    detail = client.get(f"/api/v1/supplier/purchase-orders/{order['id']}", headers=first).json()
    assert detail["status"] == "received"
    assert [r["lines"][0]["rejected_quantity"] for r in detail["receipts"]] == [3]
    assert client.get(f"/api/v1/supplier/receipts/{receipt['id']}", headers=first).status_code == 200
    assert client.get("/api/v1/supplier/incidents", headers=first).json()["total"] == 1
    assert client.get("/api/v1/lots/LOT-SCOPE-1", headers=first).json()["incidents"][0]["id"] == incident_id
    own_card = client.get("/api/v1/supplier/scorecard", headers=first).json()
    assert own_card["supplier_id"] == world.first.organisation.id
    assert own_card["score"] is not None and own_card["computed_at"] is not None
    quality = next(c for c in own_card["criteria"] if c["name"] == "quality")
    assert quality["figures"]["quantity_rejected"] == 3 and quality["figures"]["rejected_ppm"] == "30000.0"

    # ... and the second supplier none of it, by list or by id.
    assert client.get("/api/v1/supplier/purchase-orders", headers=second).json() == {
        "items": [],
        "page": 1,
        "page_size": 50,
        "total": 0,
    }
    assert client.get("/api/v1/supplier/incidents", headers=second).json()["total"] == 0
    for path, code in (
        (f"/api/v1/supplier/purchase-orders/{order['id']}", "purchase.not_found"),
        (f"/api/v1/supplier/receipts/{receipt['id']}", "purchase.receipt_not_found"),
        (f"/api/v1/supplier/incidents/{incident_id}", "incident.not_found"),
        (f"/api/v1/suppliers/{world.first.organisation.id}/scorecard", "supplier.not_found"),
        ("/api/v1/lots/LOT-SCOPE-1", "lot.not_found"),
    ):
        response = client.get(path, headers=second)
        assert (response.status_code, response.json()["error"]["code"]) == (404, code), path
    refused = client.post(
        f"/api/v1/supplier/purchase-orders/{order['id']}/shipments",
        headers=second,
        json={
            "carrier": "DHL",
            "tracking_number": "X",
            "lines": [{"line_id": order["lines"][0]["id"], "quantity": 1, "lot_number": "L1"}],
        },
    )
    assert refused.status_code == 404
    assert (
        client.post(
            f"/api/v1/supplier/incidents/{incident_id}/acknowledge", headers=second, json={}
        ).status_code
        == 404
    )
    other_card = client.get("/api/v1/supplier/scorecard", headers=second).json()
    assert other_card["supplier_id"] == world.second.organisation.id
    assert other_card["score"] is None and all(c["score"] is None for c in other_card["criteria"])
    assert client.get("/api/v1/suppliers/ranking", headers=second).status_code == 403


def test_managers_rank_every_supplier_and_filter_by_standing(client, world):
    with Session(get_engine(), expire_on_commit=False) as session:
        hand_checked_month(session, world)
        scorecards.recompute_scorecards(session, "2025-04", "2026-03")
    manager = bearer(world.manager)

    ranking = client.get("/api/v1/suppliers/ranking", headers=manager, params={"period": "2026-03"})

    assert ranking.status_code == 200
    body = ranking.json()
    assert body["period"] == "2026-03" and body["total"] == 2
    first, second = body["items"]
    assert (first["rank"], first["supplier_id"], first["score"], first["standing"]) == (
        1,
        world.first.organisation.id,
        "74.2",
        "good",
    )
    assert (second["supplier_id"], second["score"], second["standing"]) == (
        world.second.organisation.id,
        None,
        None,
    )
    assert body["scatter"] == [
        {
            "supplier_id": world.first.organisation.id,
            "supplier_name": world.first.organisation.name,
            "on_time_pct": "75.00",
            "rejected_ppm": "2000.0",
            "score_quality": "60.0",
            "standing": "good",
        }
    ]
    unscored = client.get(
        "/api/v1/suppliers/ranking", headers=manager, params={"period": "2026-03", "standing": "unscored"}
    ).json()
    assert [row["supplier_id"] for row in unscored["items"]] == [world.second.organisation.id]
    brakes = client.get(
        "/api/v1/suppliers/ranking",
        headers=manager,
        params={"period": "2026-03", "category": "Brake pads", "standing": "good"},
    ).json()
    wipers = client.get(
        "/api/v1/suppliers/ranking", headers=manager, params={"period": "2026-03", "category": "Wiper blades"}
    ).json()
    assert [row["supplier_id"] for row in brakes["items"]] == [world.first.organisation.id]
    assert (wipers["total"], wipers["items"], wipers["scatter"]) == (0, [], [])
    bad = client.get("/api/v1/suppliers/ranking", headers=manager, params={"standing": "splendid"})
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "standing")
    month = client.get("/api/v1/suppliers/ranking", headers=manager, params={"period": "2026-13"})
    assert (month.status_code, month.json()["error"]["code"]) == (422, "scorecard.period_invalid")
    card = client.get(f"/api/v1/suppliers/{world.first.organisation.id}/scorecard", headers=manager).json()
    assert (card["period"], card["score"], card["standing"]) == ("2026-03", "74.2", "good")
    assert {c["name"]: (c["score"], c["weight"]) for c in card["criteria"]} == {
        "on_time": ("75.0", 30),
        "fill_rate": ("99.8", 20),
        "quality": ("60.0", 25),
        "response": ("92.6", 10),
        "cost": ("50.0", 15),
    }
    assert [point["period"] for point in card["trend"]] == ["2026-03"]


# ---------------------------------------------------------------- stock sync


def test_put_stock_sets_every_item_and_a_repeat_changes_nothing(client, world):
    headers = bearer(world.first.principal)
    items = [
        {"sku": part.sku, "available": quantity}
        for part, quantity in zip(world.first.parts[:3], (120, 0, 7), strict=True)
    ]

    first = client.put("/api/v1/supplier/stock", headers=headers, json={"items": items})
    again = client.put("/api/v1/supplier/stock", headers=headers, json={"items": items})

    assert first.status_code == again.status_code == 200
    assert first.json() == {"location_id": world.first.plant.id, "applied": 3, "changed": 2}
    assert again.json() == {"location_id": world.first.plant.id, "applied": 3, "changed": 0}
    assert plant_stock(world) == {world.first.parts[0].id: 120, world.first.parts[2].id: 7}


def test_put_stock_with_bad_items_lists_every_one_and_changes_nothing(client, world):
    headers = bearer(world.first.principal)
    parts = world.first.parts
    client.put(
        "/api/v1/supplier/stock", headers=headers, json={"items": [{"sku": parts[0].sku, "available": 5}]}
    )
    items = [
        {"sku": parts[0].sku, "available": 50},  # fine on its own
        {"sku": "NO-SUCH-SKU", "available": 1},
        {"sku": parts[1].sku, "available": -4},
        {"sku": parts[2].sku, "available": 2.5},
        {"sku": world.second.parts[0].sku, "available": 9},
        {"sku": parts[0].sku, "available": 3},
    ]

    response = client.put("/api/v1/supplier/stock", headers=headers, json={"items": items})

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"], error["error_count"]) == (
        "inventory.items_invalid",
        "items[1].sku",
        5,
    )
    assert error["message"] == "5 items are not valid; nothing was changed."
    assert [(bad["index"], bad["sku"], bad["field"], bad["code"]) for bad in error["items"]] == [
        (1, "NO-SUCH-SKU", "items[1].sku", "inventory.sku_unknown"),
        (2, parts[1].sku, "items[2].available", "inventory.available_negative"),
        (3, parts[2].sku, "items[3].available", "inventory.available_not_whole"),
        (4, world.second.parts[0].sku, "items[4].sku", "inventory.sku_not_yours"),
        (5, parts[0].sku, "items[5].sku", "inventory.sku_duplicate"),
    ]
    assert error["items"][3]["message"] == f"{world.second.parts[0].sku} is not one of your parts."
    assert plant_stock(world) == {parts[0].id: 5}


def test_another_suppliers_sku_alone_is_refused(client, world):
    foreign = world.second.parts[0]

    response = client.put(
        "/api/v1/supplier/stock",
        headers=bearer(world.first.principal),
        json={"items": [{"sku": foreign.sku, "available": 10}]},
    )

    assert response.status_code == 422
    assert [bad["code"] for bad in response.json()["error"]["items"]] == ["inventory.sku_not_yours"]
    with Session(get_engine()) as session:
        assert session.exec(select(StockLevel).where(StockLevel.part_id == foreign.id)).all() == []


def test_put_stock_is_for_suppliers_only_and_refuses_unknown_fields(client, world):
    with Session(get_engine(), expire_on_commit=False) as session:
        dealer = make_user(session, "dealer", make_org(session, "dealer"))
        customer = make_user(session, "customer", make_org(session, "consumer"))
        session.commit()
    body = {"items": [{"sku": world.first.parts[0].sku, "available": 10}]}
    for user in (dealer, customer):
        token, _ = login(Session(get_engine()), email=user.email, password=PASSWORD)
        response = client.put(
            "/api/v1/supplier/stock", headers={"Authorization": f"Bearer {token}"}, json=body
        )
        assert response.status_code == 403, user.role
    assert client.put("/api/v1/supplier/stock", headers=bearer(world.manager), json=body).status_code == 403
    assert client.put("/api/v1/supplier/stock", json=body).status_code == 401
    assert client.get("/api/v1/lots/LOT-1", headers={"Authorization": f"Bearer {token}"}).status_code == 403

    extra = client.put(
        "/api/v1/supplier/stock",
        headers=bearer(world.first.principal),
        json={"items": [{"sku": world.first.parts[0].sku, "available": 10, "colour": "red"}]},
    )
    assert (extra.status_code, extra.json()["error"]["field"]) == (422, "items[0].colour")
    assert plant_stock(world) == {}


def test_the_stock_template_lists_the_suppliers_own_parts_as_csv(client, world):
    headers = bearer(world.first.principal)
    client.put(
        "/api/v1/supplier/stock",
        headers=headers,
        json={"items": [{"sku": world.first.parts[1].sku, "available": 33}]},
    )

    response = client.get("/api/v1/supplier/stock/template", headers=headers)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "stock-template.csv" in response.headers["content-disposition"]
    lines = response.text.splitlines()
    assert lines[0] == "sku,name,available"
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(p.sku for p in world.first.parts)
    assert f"{world.first.parts[1].sku},{world.first.parts[1].name},33" in lines


# ---------------------------------------------------------------- answering and shipping


def test_acknowledging_with_a_past_promised_date_names_the_field_and_changes_nothing(client, world):
    order = issue_order(world, [40, 60])
    headers = bearer(world.first.principal)
    answers = [
        {"line_id": order["lines"][0]["id"], "promised_date": (TODAY + timedelta(days=5)).isoformat()},
        {"line_id": order["lines"][1]["id"], "promised_date": (TODAY - timedelta(days=3)).isoformat()},
    ]

    response = client.post(
        f"/api/v1/supplier/purchase-orders/{order['id']}/acknowledge",
        headers=headers,
        json={"lines": answers},
    )

    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == ("date.in_past", "lines[1].promised_date")
    assert "cannot be in the past" in error["message"]
    with Session(get_engine()) as session:
        assert session.get(PurchaseOrder, order["id"]).status == "issued"
        assert {line.status for line in session.exec(select(PurchaseOrderLine))} == {"open"}


def test_acknowledge_then_reject_answers_and_bad_dates_are_422(client, world):
    order = issue_order(world, [40, 60])
    headers = bearer(world.first.principal)
    url = f"/api/v1/supplier/purchase-orders/{order['id']}/acknowledge"

    garbled = client.post(
        url,
        headers=headers,
        json={"lines": [{"line_id": order["lines"][0]["id"], "promised_date": "next tuesday"}]},
    )
    no_reason = client.post(
        url, headers=headers, json={"lines": [{"line_id": order["lines"][1]["id"], "action": "reject"}]}
    )
    answered = client.post(
        url,
        headers=headers,
        json={
            "lines": [
                {
                    "line_id": order["lines"][0]["id"],
                    "promised_date": (TODAY + timedelta(days=9)).isoformat(),
                },
                {"line_id": order["lines"][1]["id"], "action": "reject", "reason": "tooling under repair"},
            ]
        },
    )
    twice = acknowledge(client, headers, order)

    assert (garbled.status_code, garbled.json()["error"]["field"]) == (422, "lines[0].promised_date")
    assert (no_reason.status_code, no_reason.json()["error"]["field"]) == (422, "lines[0].reason")
    assert answered.status_code == 200
    body = answered.json()
    assert body["status"] == "acknowledged"
    assert [(line["status"], line["promised_date"]) for line in body["lines"]] == [
        ("acknowledged", (TODAY + timedelta(days=9)).isoformat()),
        ("rejected", None),
    ]
    assert body["lines"][0]["unit_price"] == "10.50" and body["total"] == "420.00"
    assert [(entry["kind"], entry["to_status"]) for entry in body["timeline"]] == [
        ("issued", "issued"),
        ("line_acknowledged", None),
        ("line_rejected", None),
        ("status_changed", "acknowledged"),
    ]
    assert body["timeline"][1]["actor_organisation"] == world.first.organisation.name
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "purchase.not_awaiting_answer")


def test_a_bad_quantity_on_the_second_shipment_line_is_named_lines_1_quantity(client, world):
    """One field-path convention, whoever finds the fault: the request's shape (a fraction where
    whole units go) and the service's rule (more than is open) both name `lines[1].quantity`."""
    order = issue_order(world, [10, 20])
    headers = bearer(world.first.principal)
    acknowledge(client, headers, order)
    url = f"/api/v1/supplier/purchase-orders/{order['id']}/shipments"
    first, second = (line["id"] for line in order["lines"])

    def ship(quantity):
        return client.post(
            url,
            headers=headers,
            json={
                "carrier": "DHL",
                "tracking_number": "JD1",
                "lines": [
                    {"line_id": first, "quantity": 5, "lot_number": "L-1"},
                    {"line_id": second, "quantity": quantity, "lot_number": "L-2"},
                ],
            },
        )

    fraction, too_many = ship(2.5), ship(21)

    assert (fraction.status_code, fraction.json()["error"]["field"]) == (422, "lines[1].quantity")
    assert (too_many.status_code, too_many.json()["error"]["field"]) == (422, "lines[1].quantity")
    assert too_many.json()["error"]["code"] == "purchase.ship_more_than_open"
    detail = client.get(f"/api/v1/supplier/purchase-orders/{order['id']}", headers=headers).json()
    assert detail["notices"] == []


def test_a_shipping_notice_over_the_open_quantity_is_422_and_ships_nothing(client, world):
    order = issue_order(world, [100])
    headers = bearer(world.first.principal)
    acknowledge(client, headers, order)
    url = f"/api/v1/supplier/purchase-orders/{order['id']}/shipments"
    line_id = order["lines"][0]["id"]

    partial = client.post(
        url,
        headers=headers,
        json={
            "carrier": "SF Express",
            "tracking_number": "SF100",
            "lines": [
                {"line_id": line_id, "quantity": 30, "lot_number": "L-A"},
                {"line_id": line_id, "quantity": 30, "lot_number": "L/2026-B"},
            ],
        },
    )
    too_many = client.post(
        url,
        headers=headers,
        json={
            "carrier": "SF Express",
            "tracking_number": "SF101",
            "lines": [{"line_id": line_id, "quantity": 41, "lot_number": "L-C"}],
        },
    )
    bad_lot = client.post(
        url,
        headers=headers,
        json={
            "carrier": "SF Express",
            "tracking_number": "SF102",
            "lines": [{"line_id": line_id, "quantity": 1, "lot_number": "L C"}],
        },
    )

    assert partial.status_code == 201
    assert [(line["lot_number"], line["quantity"]) for line in partial.json()["lines"]] == [
        ("L-A", 30),
        ("L/2026-B", 30),
    ]
    assert too_many.status_code == 422
    error = too_many.json()["error"]
    assert (error["code"], error["field"]) == ("purchase.ship_more_than_open", "lines[0].quantity")
    assert error["message"] == "Line 1: only 40 are still open to ship."
    assert error["fields"] == [
        {
            "code": "purchase.ship_more_than_open",
            "field": "lines[0].quantity",
            "message": "Line 1: only 40 are still open to ship.",
        }
    ]
    assert (bad_lot.status_code, bad_lot.json()["error"]["field"]) == (422, "lines[0].lot_number")
    detail = client.get(f"/api/v1/supplier/purchase-orders/{order['id']}", headers=headers).json()
    assert detail["status"] == "partly_shipped"
    assert (detail["lines"][0]["shipped_quantity"], detail["lines"][0]["open_to_ship"]) == (60, 40)
    assert len(detail["notices"]) == 1
    trace = client.get("/api/v1/lots/L/2026-B", headers=headers).json()
    assert [(line["notice_id"], line["quantity"]) for line in trace["shipping_notice_lines"]] == [
        (partial.json()["id"], 30)
    ]
    assert trace["purchase_order_lines"][0]["purchase_order_id"] == order["id"]


def test_the_inbox_filters_by_status_and_pages(client, world):
    orders = [issue_order(world, [10]) for _ in range(3)]
    headers = bearer(world.first.principal)
    acknowledge(client, headers, orders[0])

    inbox = client.get(
        "/api/v1/supplier/purchase-orders", headers=headers, params={"status": "issued", "page_size": 1}
    ).json()
    both = client.get(
        "/api/v1/supplier/purchase-orders",
        headers=headers,
        params=[("status", "issued"), ("status", "acknowledged")],
    ).json()
    bad = client.get("/api/v1/supplier/purchase-orders", headers=headers, params={"status": "lost"})

    assert (inbox["total"], len(inbox["items"]), inbox["items"][0]["id"]) == (2, 1, orders[2]["id"])
    assert both["total"] == 3
    assert (bad.status_code, bad.json()["error"]["field"]) == (422, "status[0]")
    assert "'issued'" in bad.json()["error"]["message"]
