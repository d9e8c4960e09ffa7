"""A real worker (PostgreSQL, Redis) acts on what the ingest and the allocation leave in the
outbox: a shipment's new events move its ETA; an allocated order's shipment gets its tracking
number, VIN, promise and leg plan, once."""

from __future__ import annotations

import json
import time

import redis
from sqlmodel import Session, select

from models import SalesOrderLine, Shipment, ShipmentLeg, Trim
from models.db import get_engine
from models.settings import get_settings
from services.logistics.ingest import ingest_payload
from services.logistics.vin import is_valid
from services.ordering.placement import ORDER_CHANGED
from services.platform import live, outbox
from tests.factories import make_trim_stock
from tests.integration.worker_helpers import run_task, wait_for
from tests.logistics_world import build_world, dhl_document, dhl_event
from tests.ordering_world import make_trim
from workers import tasks


def test_new_events_reach_the_eta_through_the_outbox_and_a_real_worker(services_celery):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        tracked = world.shipments["dealer_a"]
        assert session.get(Shipment, tracked.id).eta is None
        ingest_payload(
            session,
            carrier="dhl",
            payload=dhl_document(
                tracked.leg_numbers[0], dhl_event("2026-03-01T08:00:00Z", "transit", "Picked up")
            ),
        )
    # No beat here and no relay asked for: the commit's NOTIFY has the worker relay it (migration 0016).

    def eta() -> object:
        with Session(get_engine()) as session:
            return session.get(Shipment, tracked.id).eta

    moved = wait_for(eta)
    with Session(get_engine()) as session:
        shipment = session.get(Shipment, tracked.id)
        assert shipment.eta_earliest <= moved <= shipment.eta_latest


def test_an_allocated_vehicle_order_gets_its_tracking_number_vin_and_legs_once(services_celery):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        tracked = world.shipments["customer_1"]
        shipment = session.get(Shipment, tracked.id)
        shipment.tracking_number, shipment.promised_at = None, None  # as the allocation leaves it
        for leg in session.exec(select(ShipmentLeg).where(ShipmentLeg.shipment_id == tracked.id)).all():
            session.delete(leg)
        trim = make_trim(session)
        stock = make_trim_stock(session, world.warehouse, trim, 3)
        session.add(
            SalesOrderLine(
                order_id=tracked.order_id,
                line_no=1,
                trim_id=trim.id,
                stock_level_id=stock.id,
                item_code=trim.code,
                item_name=trim.name,
                quantity=1,
                unit_price=trim.price,
                currency="CNY",
                line_total=trim.price,
            )
        )
        session.add(shipment)
        for _ in range(2):  # the notice came twice: the shipment is prepared once
            outbox.enqueue(session, ORDER_CHANGED, {"order_id": tracked.order_id, "status": "allocated"})
        session.commit()
    run_task(services_celery, tasks.relay_outbox)

    def prepared() -> Shipment | None:
        with Session(get_engine(), expire_on_commit=False) as session:
            found = session.get(Shipment, tracked.id)
            return found if found.tracking_number and found.promised_at else None

    shipment = wait_for(prepared)
    assert shipment.tracking_number.startswith("AP") and is_valid(shipment.vin)
    with Session(get_engine()) as session:
        legs = session.exec(select(ShipmentLeg).where(ShipmentLeg.shipment_id == tracked.id)).all()
        assert [(leg.sequence, leg.mode, leg.carrier) for leg in legs] == [(1, "truck", "dhl")]
        assert session.get(Trim, trim.id) is not None


def test_the_open_pages_hear_of_new_events_without_beat(services_celery, redis_url):
    """Services mode: the ingest's commit is announced to the worker (NOTIFY), whose relay publishes
    "shipment.changed" and then, after the ETA moved, "shipment.eta_changed" on the live channel;
    this module's worker runs no beat, so nothing else could relay them."""
    client = redis.Redis.from_url(redis_url)
    pubsub = client.pubsub()
    pubsub.subscribe(live.channel(get_settings().key_prefix))
    try:
        assert pubsub.get_message(timeout=5)["type"] == "subscribe"
        with Session(get_engine(), expire_on_commit=False) as session:
            world = build_world(session)
            tracked = world.shipments["dealer_a"]
            ingest_payload(
                session,
                carrier="dhl",
                payload=dhl_document(
                    tracked.leg_numbers[0], dhl_event("2026-03-02T08:00:00Z", "transit", "Departed")
                ),
            )
        heard: list[str] = []
        deadline = time.monotonic() + 30
        while len(heard) < 2 and time.monotonic() < deadline:
            message = pubsub.get_message(timeout=1)
            if message and message["type"] == "message":
                event = json.loads(message["data"])
                if event.get("shipment_id") == tracked.id:
                    heard.append(event["topic"])
        assert heard == ["shipment.changed", "shipment.eta_changed"]
    finally:
        pubsub.close()
        client.close()
