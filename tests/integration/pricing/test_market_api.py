"""The market price list API: managers list markets and prices, decide on pending changes (four eyes
above the threshold), set manual prices naming a bad field; dealers get 403."""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from models import OutboxMessage
from models.db import get_engine
from portal.api import api
from services.identity.auth import Principal, login
from services.pricing import market_lists
from tests.factories import PASSWORD
from tests.market_world import build_market_world

pytestmark = pytest.mark.usefixtures("any_db_url")


@pytest.fixture
def client() -> TestClient:
    return TestClient(api)


@pytest.fixture
def world():
    with Session(get_engine()) as session:
        world = build_market_world(session)
        world.jpy_part.list_price = Decimal("11000")  # +10 % in every market: four eyes
        session.add(world.jpy_part)
        session.commit()
        market_lists.reprice_markets(session)
        for row in (world.cn, world.no, world.jpy_part, world.cny_part, world.trim):
            session.refresh(row)  # loaded, for use after the session closes
        session.expunge_all()
    return world


def bearer(principal: Principal) -> dict[str, str]:
    with Session(get_engine()) as session:
        token, _ = login(session, email=principal.email, password=PASSWORD)
    return {"Authorization": f"Bearer {token}"}


def test_two_different_managers_approve_a_big_change_and_the_list_shows_it(client, world):
    first, second = bearer(world.manager), bearer(world.second_manager)
    markets = client.get("/api/v1/pricing/markets", headers=first).json()
    cn = next(m for m in markets if m["id"] == world.cn.id)
    assert (cn["currency"], cn["countries"], cn["pending"]) == ("CNY", ["CN"], 1)
    changes = client.get(f"/api/v1/pricing/markets/{world.cn.id}/changes", headers=first).json()
    change = changes["rows"][0]
    assert (change["list_price"], change["previous_price"], change["required_approvals"]) == (
        "740.00",
        "672.00",
        2,
    )
    assert (
        client.post(f"/api/v1/pricing/market-prices/{change['id']}/approve", headers=first).status_code == 200
    )
    again = client.post(f"/api/v1/pricing/market-prices/{change['id']}/approve", headers=first)
    assert again.status_code == 409 and again.json()["error"]["code"] == "pricing.already_approved"
    done = client.post(f"/api/v1/pricing/market-prices/{change['id']}/approve", headers=second)
    assert done.json()["status"] == "active"
    page = client.get(
        f"/api/v1/pricing/markets/{world.cn.id}/prices",
        params={"search": world.jpy_part.sku.lower()},
        headers=first,
    ).json()
    assert page["total"] == 1 and page["rows"][0]["list_price"] == "740.00"


def test_a_manual_price_names_a_bad_field_and_dealers_are_refused(client, world):
    manager = bearer(world.manager)
    url = f"/api/v1/pricing/markets/{world.cn.id}/prices"
    bad = client.put(
        url, json={"item_kind": "part", "item_id": world.cny_part.id, "price": "-3"}, headers=manager
    )
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "price"
    good = client.put(
        url, json={"item_kind": "part", "item_id": world.cny_part.id, "price": "141.00"}, headers=manager
    )
    assert good.status_code == 200 and (good.json()["status"], good.json()["manual"]) == ("active", True)
    dealer = bearer(world.shanghai)
    assert client.get("/api/v1/pricing/markets", headers=dealer).status_code == 403
    assert (
        client.put(url, json={"item_kind": "part", "item_id": 1, "price": "1"}, headers=dealer).status_code
        == 403
    )


def test_a_repricing_request_is_queued_through_the_outbox(client, world):
    answer = client.post("/api/v1/pricing/markets/reprice", headers=bearer(world.manager))
    assert answer.status_code == 202
    with Session(get_engine()) as session:
        topics = session.exec(select(OutboxMessage.topic)).all()
    assert market_lists.MARKET_LISTS_CHANGED in topics
