"""Ordering a configuration on the real PostgreSQL: two customers racing for the only car built in
that configuration (one gets it, the other's is built at the plant), the order keeps its
configuration through the API, and a refused request leaves nothing half-written."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import BuiltVehicle, OrderConfiguration, OutboxMessage, Payment, SalesOrder
from models.db import get_engine
from portal.api import api
from services.identity import auth
from services.ordering.placement import ORDER_PLACED, OutOfStock
from services.showroom.configured_orders import order_configuration
from tests.configurator_world import add_built, configured_world
from tests.factories import PASSWORD
from tests.ordering_world import make_customer, new_key, stock_of, user_of

pytestmark = pytest.mark.postgres


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    engine = create_engine(pg_url, pool_size=6, max_overflow=0)
    yield engine
    engine.dispose()


def _counts(session: Session) -> tuple[int, int, int]:
    return tuple(
        session.execute(select(func.count()).select_from(model)).scalar_one()
        for model in (SalesOrder, OrderConfiguration, Payment)
    )


def test_two_customers_racing_for_the_only_built_car_one_gets_it_the_other_from_the_plant(engine):
    with Session(engine, expire_on_commit=False) as session:
        world = configured_world(session, vehicles_in_store=4)
        car = add_built(session, world, "black", "tech,winter")
        customers = [make_customer(session) for _ in range(4)]
        session.commit()
    barrier = threading.Barrier(len(customers))
    results, errors = [], []
    lock = threading.Lock()

    def customer(principal):
        barrier.wait()
        try:
            with Session(engine) as session:
                ordered = order_configuration(
                    session,
                    principal,
                    trim_id=world.trim.id,
                    colour="black",
                    packs=["winter", "tech"],
                    location_id=world.store.id,
                    idempotency_key=new_key(),
                )
            with lock:
                results.append(ordered)
        except Exception as error:  # noqa: BLE001 - a deadlock must be seen by the test
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=customer, args=(c,)) for c in customers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and len(results) == 4
    kept = [r for r in results if not r.configuration.from_plant]
    assert len(kept) == 1
    with Session(engine) as session:
        built = session.get(BuiltVehicle, car)
        assert built.reserved_order_id == kept[0].placed.order.id
        assert kept[0].configuration.vin == built.vin
        plant = session.execute(
            select(func.count()).select_from(OrderConfiguration).where(OrderConfiguration.from_plant)
        ).scalar_one()
        assert plant == 3
        assert stock_of(session, world.trim_store_stock) == (4, 4)


def test_the_order_keeps_its_configuration_and_a_refused_request_writes_nothing(pg_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = configured_world(session, vehicles_in_store=1)
        car = add_built(session, world, "white", "winter")
        token, _ = auth.login(session, email=user_of(session, world.customer).email, password=PASSWORD)
    client = TestClient(api)
    url = f"/api/v1/showroom/trims/{world.trim.id}/orders"
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": "configure-1"}

    broken = client.post(
        url, json={"colour": "white", "packs": ["hud"], "location_id": world.store.id}, headers=headers
    )
    assert broken.status_code == 422
    assert broken.json()["error"]["field"] == "packs[0]" and "Tech pack" in broken.json()["error"]["message"]
    nowhere = client.post(url, json={"colour": "white", "location_id": world.warehouse.id}, headers=headers)
    assert (nowhere.status_code, nowhere.json()["error"]["field"]) == (422, "location_id")
    no_key = client.post(
        url,
        json={"colour": "white", "location_id": world.store.id},
        headers={"Authorization": headers["Authorization"]},
    )
    assert (no_key.status_code, no_key.json()["error"]["field"]) == (422, "Idempotency-Key")
    anonymous = client.post(url, json={"colour": "white", "location_id": world.store.id})
    assert anonymous.status_code == 401
    with Session(get_engine()) as session:
        assert _counts(session) == (0, 0, 0)

    body = {"colour": "white", "packs": ["winter"], "location_id": world.store.id}
    placed = client.post(url, json=body, headers=headers)
    assert placed.status_code == 201, placed.text
    answer = placed.json()
    assert answer["order"]["total"] == "203200.50" and answer["order"]["deposit"] == "20320.05"
    assert answer["configuration"]["from_plant"] is False
    assert answer["configuration"]["packs"] == [{"code": "winter", "name": "Winter pack", "price": "3200.50"}]
    again = client.post(url, json=body, headers=headers)
    assert again.status_code == 200 and again.json()["order"]["id"] == answer["order"]["id"]
    with Session(get_engine()) as session:  # the worker is told once: the replay places nothing
        placed_messages = session.execute(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.topic == ORDER_PLACED)
        ).scalar_one()
        assert placed_messages == 1

    # The store's only unit is taken now: the next order is refused whole, the car it would match
    # stays as it was, and no configuration or payment is left behind.
    with Session(get_engine()) as session:
        before = _counts(session)
        second_customer = make_customer(session)
        other = add_built(session, world, "black", "")  # (commits)
        with pytest.raises(OutOfStock):
            order_configuration(
                session,
                second_customer,
                trim_id=world.trim.id,
                colour="black",
                packs=[],
                location_id=world.store.id,
                idempotency_key=new_key(),
            )
        assert _counts(session) == before
        assert session.get(BuiltVehicle, other).reserved_order_id is None
        assert session.get(BuiltVehicle, car).reserved_order_id == answer["order"]["id"]
        kept = session.execute(select(OrderConfiguration)).scalar_one()
        assert (kept.order_id, kept.colour_key, kept.from_plant) == (answer["order"]["id"], "white", False)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    documented = paths["/api/v1/showroom/trims/{trim_id}/orders"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in documented["parameters"])
