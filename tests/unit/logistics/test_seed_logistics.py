"""The demo's shipments: past and in-flight journeys of 5-25 events over several carriers and
legs, read in through the real ingest (no dead letters), with lanes the ETA learns from."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models import DeadLetter, Shipment, ShipmentEvent, ShipmentLeg
from models.db import get_engine
from services.logistics.vin import is_valid
from services.seed.logistics import IN_FLIGHT_SHIPMENTS, PAST_SHIPMENTS, seed_logistics_history
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

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_the_demo_gets_past_and_in_flight_shipments_with_full_histories(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        oem = make_org(session, "oem")
        warehouse = make_location(session, oem, "warehouse")
        make_stock(session, warehouse, make_part(session, make_org(session, "supplier")), 100)
        make_trim_stock(session, warehouse, make_trim(session, make_vehicle_model(session)), 5)
        for _ in range(3):
            dealer = make_org(session, "dealer")
            make_location(session, dealer, "store")
            make_user(session, "dealer", dealer)
        make_user(session, "customer", make_org(session, "consumer"), email="customer@demo.test")
        session.commit()
        counts = seed_logistics_history(session, rng_seed=2026, now=NOW)
        assert counts["shipments"] == PAST_SHIPMENTS + IN_FLIGHT_SHIPMENTS
        assert session.exec(select(func.count()).select_from(DeadLetter)).one() == 0
        per_shipment = session.exec(
            select(func.count()).select_from(ShipmentEvent).group_by(ShipmentEvent.shipment_id)
        ).all()
        assert len(per_shipment) == counts["shipments"] and min(per_shipment) >= 5 and max(per_shipment) <= 25
        carriers = set(session.exec(select(ShipmentLeg.carrier)).all())
        assert carriers == {"dhl", "oceanline", "railcargo"}
        shipments = session.exec(select(Shipment)).all()
        delivered = [s for s in shipments if s.tracking_status == "delivered"]
        moving = [s for s in shipments if s.tracking_status != "delivered"]
        assert len(delivered) >= PAST_SHIPMENTS and moving
        assert all(s.eta is not None and s.eta_earliest <= s.eta <= s.eta_latest for s in moving)
        vins = [s.vin for s in shipments if s.vin]
        assert vins and all(is_valid(vin) for vin in vins)
        # every lane of a leg under way has history to learn from
        open_lanes = set(session.exec(select(ShipmentLeg.lane).where(ShipmentLeg.arrived_at.is_(None))).all())
        learned = set(session.exec(select(ShipmentLeg.lane).where(ShipmentLeg.arrived_at.is_not(None))).all())
        assert open_lanes <= learned
