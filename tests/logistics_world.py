"""A small logistics world: an OEM warehouse, two dealers with a store each, two customers, a
manager and an admin, and one tracked shipment each for dealer A, dealer B and customer 1
(customer 1's vehicle goes to dealer A's store)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session

from models import Location, Organisation, SalesOrder, Shipment, ShipmentLeg
from models.types import utcnow
from services.identity.auth import Principal, principal_for
from tests.factories import make_location, make_org, make_user

_numbers = itertools.count(1)


@dataclass
class TrackedShipment:
    id: int
    order_id: int
    tracking_number: str
    postcode: str
    leg_numbers: list[str]


@dataclass
class LogisticsWorld:
    warehouse: Location
    stores: dict[str, Location]
    principals: dict[str, Principal]
    emails: dict[str, str]
    shipments: dict[str, TrackedShipment] = field(default_factory=dict)


def _principal(session: Session, role: str, organisation: Organisation) -> tuple[Principal, str]:
    user = make_user(session, role, organisation)
    return principal_for(user, organisation), user.email


def make_shipment(
    session: Session,
    *,
    buyer: Principal,
    source: Location,
    destination: Location,
    legs: int = 2,
    kind: str = "dealer_purchase",
    promised_in_days: float = 5,
    carrier: str = "dhl",
) -> TrackedShipment:
    n = next(_numbers)
    now = utcnow()
    order = SalesOrder(
        kind=kind,
        buyer_organisation_id=buyer.organisation_id,
        buyer_user_id=buyer.user_id,
        buyer_location_id=destination.id,
        seller_organisation_id=source.organisation_id,
        source_location_id=source.id,
        status="allocated",
        currency="CNY",
        total=Decimal("100.00"),
        idempotency_key=f"lw-{n}",
        request_fingerprint="x" * 64,
        hold_expires_at=now + timedelta(minutes=15),
    )
    session.add(order)
    session.flush()
    order.number = f"SO-{order.id:06d}"
    postcode = f"{200000 + n}"
    shipment = Shipment(
        order_id=order.id,
        from_location_id=source.id,
        to_location_id=destination.id,
        tracking_number=f"AP{n:012d}",
        carrier=carrier,
        delivery_postcode=postcode,
        promised_at=now + timedelta(days=promised_in_days),
        created_at=now - timedelta(days=1),
    )
    session.add(shipment)
    session.flush()
    numbers = []
    for sequence in range(1, legs + 1):
        number = f"TRK{n:05d}{sequence:02d}"  # not "SIM": the carrier server knows only those registered
        numbers.append(number)
        mode = "sea" if sequence == 2 else "truck"
        session.add(
            ShipmentLeg(
                shipment_id=shipment.id,
                sequence=sequence,
                mode=mode,
                carrier=carrier,
                tracking_number=number,
                origin=f"P{sequence}",
                destination=f"P{sequence + 1}",
                lane=f"P{sequence}>P{sequence + 1}",
                planned_hours=24.0 * sequence,
            )
        )
    session.flush()
    return TrackedShipment(shipment.id, order.id, shipment.tracking_number, postcode, numbers)


def build_world(session: Session) -> LogisticsWorld:
    oem = make_org(session, "oem")
    warehouse = make_location(session, oem, "warehouse")
    principals, emails, stores = {}, {}, {}
    for name in ("dealer_a", "dealer_b"):
        organisation = make_org(session, "dealer")
        stores[name] = make_location(session, organisation, "store")
        principals[name], emails[name] = _principal(session, "dealer", organisation)
    consumers = make_org(session, "consumer")  # every end customer's account lives in one organisation
    for name in ("customer_1", "customer_2"):
        principals[name], emails[name] = _principal(session, "customer", consumers)
    principals["manager"], emails["manager"] = _principal(session, "manager", oem)
    principals["admin"], emails["admin"] = _principal(session, "admin", oem)
    supplier = make_org(session, "supplier")
    principals["supplier"], emails["supplier"] = _principal(session, "supplier", supplier)
    world = LogisticsWorld(warehouse, stores, principals, emails)
    world.shipments["dealer_a"] = make_shipment(
        session, buyer=principals["dealer_a"], source=warehouse, destination=stores["dealer_a"]
    )
    world.shipments["dealer_b"] = make_shipment(
        session,
        buyer=principals["dealer_b"],
        source=warehouse,
        destination=stores["dealer_b"],
        carrier="railcargo",
    )
    world.shipments["customer_1"] = make_shipment(
        session,
        buyer=principals["customer_1"],
        source=warehouse,
        destination=stores["dealer_a"],
        kind="customer_vehicle",
    )
    session.commit()
    return world


def dhl_event(
    timestamp: str,
    code: str = "transit",
    status: str = "Departed",
    *,
    country: str = "DE",
    postcode: str = "20457",
    locality: str = "Hamburg",
) -> dict:
    return {
        "timestamp": timestamp,
        "statusCode": code,
        "status": status,
        "description": status,
        "location": {
            "address": {"countryCode": country, "postalCode": postcode, "addressLocality": locality}
        },
    }


def dhl_document(number: str, *events: dict) -> dict:
    return {"shipments": [{"id": number, "service": "freight", "events": list(events)}]}
