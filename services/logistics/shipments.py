"""Getting an allocated order's shipment ready to be tracked: its public tracking number, its
VINs' first (vehicle orders), the promise to the buyer and the leg plan.

The ordering domain creates the bare shipment when it allocates the order (it cannot import this
domain); the "order.changed" message for the allocation brings it here (workers/tasks/logistics.py).
"""

from __future__ import annotations

import math
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import Location, SalesOrder, SalesOrderLine, Shipment, ShipmentLeg, Trim
from models.types import utcnow
from services.logistics import vin as vins
from services.logistics.ingest import SHIPMENT_CHANGED
from services.platform import outbox

DEFAULT_CARRIER = "dhl"
TRUCK_KMH = 55.0
HANDLING_HOURS = 12.0
PROMISE_MARGIN = 1.5  # the promise: the plan and half again, in whole days
_TRACKING_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789"


def new_tracking_number() -> str:
    """A public tracking number ("AP" and 12 random characters): not guessable from another."""
    return "AP" + "".join(secrets.choice(_TRACKING_ALPHABET) for _ in range(12))


def new_carrier_number() -> str:
    """A leg's number at the local carrier server ("SIM" numbers get a simulated journey there)."""
    return "SIM" + "".join(secrets.choice("0123456789") for _ in range(10))


def distance_km(origin: Location, destination: Location) -> float:
    """Great-circle distance (haversine)."""
    lat1, lon1, lat2, lon2 = map(
        math.radians, (origin.latitude, origin.longitude, destination.latitude, destination.longitude)
    )
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def lane_of(origin: str, destination: str, mode: str) -> str:
    return f"{origin}>{destination}/{mode}"


def vin_for_order(session: Session, order: SalesOrder, *, now: datetime | None = None) -> str | None:
    """The VIN of the order's (first) vehicle, from the OEM's stock numbering; None for parts."""
    trim_code = session.execute(
        select(Trim.code)
        .join(SalesOrderLine, SalesOrderLine.trim_id == Trim.id)
        .where(SalesOrderLine.order_id == order.id)
        .order_by(SalesOrderLine.line_no)
        .limit(1)
    ).scalar()
    if trim_code is None:
        return None
    plant, serial = vins.plant_and_serial(order.id)
    return vins.build_vin(trim_code=trim_code, model_year=(now or utcnow()).year, plant=plant, serial=serial)


def prepare_shipment(session: Session, order_id: int, *, now: datetime | None = None) -> int | None:
    """Give the order's shipment what tracking needs, once: a tracking number, the carrier, the
    VIN (vehicle orders), the promise and one truck leg from the warehouse to the store (none when
    the goods are already there, as a customer's vehicle at its store is). Commits; returns the
    shipment id, or None when the order has no shipment yet. Idempotent: a shipment that has its
    tracking number is left alone."""
    now = now or utcnow()
    shipment = session.execute(
        select(Shipment).where(Shipment.order_id == order_id).with_for_update()
    ).scalar()
    if shipment is None:
        return None
    if shipment.tracking_number is not None:
        session.rollback()
        return shipment.id
    order = session.get(SalesOrder, order_id)
    origin, destination = (
        session.get(Location, shipment.from_location_id),
        session.get(Location, shipment.to_location_id),
    )
    shipment.tracking_number = new_tracking_number()
    shipment.vin = vin_for_order(session, order, now=now)
    planned = 0.0
    if origin.id != destination.id:
        planned = HANDLING_HOURS + distance_km(origin, destination) / TRUCK_KMH
        session.add(
            ShipmentLeg(
                shipment_id=shipment.id,
                sequence=1,
                mode="truck",
                carrier=DEFAULT_CARRIER,
                tracking_number=new_carrier_number(),
                origin=origin.code,
                destination=destination.code,
                lane=lane_of(origin.code, destination.code, "truck"),
                planned_hours=round(planned, 1),
            )
        )
        shipment.carrier = DEFAULT_CARRIER
    shipment.promised_at = now + timedelta(days=max(1, math.ceil(planned * PROMISE_MARGIN / 24)))
    session.add(shipment)
    outbox.enqueue(
        session,
        SHIPMENT_CHANGED,
        {"shipment_id": shipment.id, "tracking_status": shipment.tracking_status, "events": 0},
    )
    session.commit()
    return shipment.id


def unprepared_orders(session: Session, limit: int = 500) -> list[int]:
    """Orders whose shipment has no tracking number yet (the hand-off was missed), oldest first."""
    return list(
        session.execute(
            select(Shipment.order_id)
            .where(Shipment.tracking_number.is_(None))
            .order_by(Shipment.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
