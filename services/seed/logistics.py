"""The demo's shipments: past journeys (delivered, so the ETA has lanes to learn from) and
journeys under way, with 5-25 events each over two or three legs (truck, sea or rail, truck)
across the demo carriers. Events go in through the real ingest (services/logistics/ingest.py),
as a carrier would send them; the legs still under way have "SIM" numbers, so the local carrier
server moves them on in the demo.

Deterministic for one `rng_seed` and `now`; a few hundred rows, well under a second.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlmodel import Session

from models import (
    EventSource,
    Location,
    Organisation,
    OutboxMessage,
    Part,
    Payment,
    PaymentStatus,
    Role,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentLeg,
    StockLevel,
    Trim,
    User,
)
from services.logistics import eta
from services.logistics.ingest import SHIPMENT_CHANGED, ingest_payload
from services.logistics.shipments import lane_of
from services.logistics.vin import build_vin, plant_and_serial


def captured_payment(order: SalesOrder, at: datetime) -> Payment:
    """The captured payment of a seeded paid order (its deposit, else its total), as placement and
    the gateway leave it: every order has one, which its page and the lists read."""
    return Payment(
        order_id=order.id,
        idempotency_key=f"pay-{order.idempotency_key}",
        amount=order.deposit if order.deposit is not None else order.total,
        currency=order.currency,
        status=PaymentStatus.CAPTURED,
        gateway_reference=f"SEED-{order.id:06d}",
        captured_at=at,
        created_at=at,
        updated_at=at,
    )


PAST_SHIPMENTS = 36
IN_FLIGHT_SHIPMENTS = 12
_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ23456789"
# (mode, carrier, hours low..high, the carrier's events on the leg)
_MAIN_LEGS = (
    (
        "sea",
        "oceanline",
        (420, 640),
        [
            "Loaded on vessel",
            "Departed port",
            "Arrived at port terminal",
            "Discharged at port terminal",
            "Customs cleared",
        ],
    ),
    (
        "rail",
        "railcargo",
        (260, 380),
        [
            "Loaded on train",
            "Departed terminal",
            "Border crossing",
            "Arrived at rail terminal",
            "Customs cleared",
        ],
    ),
)
_FIRST = (
    "truck",
    "dhl",
    (18, 40),
    [
        "Shipment information received",
        "Picked up at the plant gate",
        "Arrived at hub",
        "Departed hub",
        "Arrived at port terminal",
    ],
)
_LAST = (
    "truck",
    "dhl",
    (20, 60),
    ["Departed compound", "Arrived at hub", "Departed hub", "Out for delivery", "Delivered"],
)
_PLACES = {
    "truck": ("CN", "201900", "Shanghai"),
    "sea": ("DE", "20457", "Hamburg"),
    "rail": ("PL", "00-001", "Warsaw"),
    "last": ("DE", "80331", "Munich"),
}


def _code(rng: random.Random, prefix: str, length: int) -> str:
    return prefix + "".join(rng.choice(_ALPHABET) for _ in range(length))


def _event(at: datetime, text: str, place: tuple[str, str, str]) -> dict:
    code = "pre-transit" if "information" in text else "delivered" if text == "Delivered" else "transit"
    return {
        "timestamp": at.isoformat(),
        "statusCode": code,
        "status": text,
        "description": text,
        "location": {
            "address": {"countryCode": place[0], "postalCode": place[1], "addressLocality": place[2]}
        },
    }


def seed_logistics_history(session: Session, *, rng_seed: int, now: datetime) -> dict:
    """Write the demo's shipments (see the module's doc); commits. Returns the counts."""
    rng = random.Random(rng_seed)
    warehouse = (
        session.execute(
            select(Location)
            .join(Organisation, Organisation.id == Location.organisation_id)
            .where(Location.kind == "warehouse", Organisation.kind == "oem")
            .order_by(Location.id)
        )
        .scalars()
        .first()
    )
    dealers = session.execute(
        select(User, Location)
        .join(Location, Location.organisation_id == User.organisation_id)
        .where(User.role == Role.DEALER, Location.kind == "store")
        .order_by(User.id, Location.id)
    ).all()
    customer = session.execute(select(User).where(User.email_normalized == "customer@demo.test")).scalar()
    part_stock = (
        session.execute(
            select(StockLevel)
            .where(StockLevel.location_id == warehouse.id, StockLevel.part_id.is_not(None))
            .order_by(StockLevel.id)
            .limit(20)
        )
        .scalars()
        .all()
        if warehouse
        else []
    )
    trim_stock = (
        session.execute(
            select(StockLevel, Trim)
            .join(Trim, Trim.id == StockLevel.trim_id)
            .where(StockLevel.location_id == warehouse.id)
            .order_by(StockLevel.id)
            .limit(5)
        ).all()
        if warehouse
        else []
    )
    if warehouse is None or not dealers or not part_stock:
        return {"shipments": 0, "events": 0}
    seen_dealers: dict[int, tuple[User, Location]] = {}
    for user, store in dealers:
        seen_dealers.setdefault(user.organisation_id, (user, store))
    dealer_sites = list(seen_dealers.values())
    events = shipments = 0
    in_flight_ids = []
    for index in range(PAST_SHIPMENTS + IN_FLIGHT_SHIPMENTS):
        past = index < PAST_SHIPMENTS
        user, store = dealer_sites[index % len(dealer_sites)]
        vehicle = customer is not None and trim_stock and index % 6 == 5
        buyer = customer if vehicle else user
        created = now - (
            timedelta(days=rng.randint(40, 150)) if past else timedelta(hours=rng.randint(80, 500))
        )
        main = _MAIN_LEGS[index % 2 if index % 5 else 1]
        plan = [_FIRST, main, _LAST]
        if index % 7 == 3:  # some go by truck only, two legs
            plan = [_FIRST, _LAST]
        order, shipment = _order_and_shipment(
            session,
            rng,
            index,
            buyer,
            warehouse,
            store,
            created,
            trim_stock[index % len(trim_stock)] if vehicle else None,
            part_stock[index % len(part_stock)],
            vehicle,
        )
        shipments += 1
        at = created + timedelta(hours=rng.randint(1, 6))
        documents: list[tuple[str, str, list[dict]]] = []
        total_hours = 0.0
        for sequence, (mode, carrier, (low, high), texts) in enumerate(plan, start=1):
            origin = warehouse.code if sequence == 1 else f"{mode.upper()}-{plan[sequence - 2][0].upper()}"
            destination = (
                store.code if sequence == len(plan) else f"{plan[sequence][0].upper()}-{mode.upper()}"
            )
            hours = rng.uniform(low, high)
            planned = (low + high) / 2
            total_hours += planned
            done_by = at + timedelta(hours=hours)
            leg_texts = texts[: rng.randint(len(texts) - 1, len(texts))]
            if sequence == 1:  # a few more hubs on the way to the port
                hubs = ["Arrived at hub", "Departed hub"] * rng.randint(0, 4)
                leg_texts = [*leg_texts[:2], *hubs, *leg_texts[2:]]
            if sequence == len(plan):
                leg_texts = [*leg_texts[:-1], "Delivered"] if leg_texts[-1] != "Delivered" else leg_texts
            step = hours / max(len(leg_texts) - 1, 1)
            stamped = [(at + timedelta(hours=step * k), text) for k, text in enumerate(leg_texts)]
            visible = [(moment, text) for moment, text in stamped if past or moment <= now]
            number = _code(rng, "SIM" if not past and done_by > now else "T", 10)
            place = _PLACES["last" if sequence == len(plan) else mode]
            session.add(
                ShipmentLeg(
                    shipment_id=shipment.id,
                    sequence=sequence,
                    mode=mode,
                    carrier=carrier,
                    tracking_number=number,
                    origin=origin,
                    destination=destination,
                    lane=lane_of(
                        origin if sequence != 1 else "OEM-WH",
                        destination if sequence != len(plan) else "STORE",
                        mode,
                    ),
                    planned_hours=round(planned, 1),
                )
            )
            documents.append((carrier, number, [_event(moment, text, place) for moment, text in visible]))
            at = done_by
        shipment.promised_at = created + timedelta(hours=total_hours * 1.3)
        if index % 9 == 4 and not past:
            shipment.promised_at = now + timedelta(hours=6)  # a promise at risk, for the manager to see
        session.add(shipment)
        session.commit()
        for carrier, number, leg_events in documents:
            if leg_events:
                result = ingest_payload(
                    session,
                    carrier=carrier,
                    source=EventSource.CARRIER_POLL,
                    payload={"shipments": [{"id": number, "events": leg_events}]},
                )
                events += result.stored
        if not past:
            in_flight_ids.append(shipment.id)
    for shipment_id in in_flight_ids:
        eta.refresh_eta(session, shipment_id, now=now)
    # The ETAs are computed above, and no page is open yet to push to: the ingest's
    # "shipment.changed" and the ETA's "shipment.eta_changed" messages have nothing left to do.
    session.execute(delete(OutboxMessage).where(OutboxMessage.topic.in_([SHIPMENT_CHANGED, eta.ETA_CHANGED])))
    session.commit()
    return {"shipments": shipments, "events": events, "in_flight": len(in_flight_ids)}


def _order_and_shipment(
    session: Session,
    rng: random.Random,
    index: int,
    buyer: User,
    warehouse: Location,
    store: Location,
    created: datetime,
    trim_row,
    part_stock: StockLevel,
    vehicle: bool,
) -> tuple[SalesOrder, Shipment]:
    if vehicle:
        stock, trim = trim_row
        item_code, item_name, price = trim.code, trim.name, trim.price
    else:
        # The part's own SKU and name, as a placed order keeps them (never a made-up English text).
        part = session.get(Part, part_stock.part_id)
        stock, item_code, item_name, price = (part_stock, part.sku, part.name, Decimal("1250.00"))
    order = SalesOrder(
        kind="customer_vehicle" if vehicle else "dealer_purchase",
        buyer_organisation_id=buyer.organisation_id,
        buyer_user_id=buyer.id,
        buyer_location_id=store.id,
        seller_organisation_id=warehouse.organisation_id,
        source_location_id=warehouse.id,
        status="allocated",
        currency="CNY",
        total=price,
        deposit=(price / 10).quantize(Decimal("0.01")) if vehicle else None,
        idempotency_key=f"seed-logistics-{index}",
        request_fingerprint="0" * 64,
        hold_expires_at=created + timedelta(minutes=15),
        created_at=created,
        updated_at=created,
    )
    session.add(order)
    session.flush()
    order.number = f"SO-{order.id:06d}"
    session.add(captured_payment(order, created))
    session.add(
        SalesOrderLine(
            order_id=order.id,
            line_no=1,
            part_id=None if vehicle else stock.part_id,
            trim_id=stock.trim_id if vehicle else None,
            stock_level_id=stock.id,
            item_code=item_code[:40],
            item_name=item_name[:200],
            quantity=1,
            unit_price=price,
            currency="CNY",
            line_total=price,
        )
    )
    vin = None
    if vehicle:
        plant, serial = plant_and_serial(order.id)
        vin = build_vin(trim_code=item_code, model_year=created.year, plant=plant, serial=serial)
    shipment = Shipment(
        order_id=order.id,
        from_location_id=warehouse.id,
        to_location_id=store.id,
        tracking_number=_code(rng, "AP", 12),
        carrier="dhl",
        vin=vin,
        delivery_postcode=f"{rng.randint(100000, 999999)}",
        created_at=created,
    )
    session.add(shipment)
    session.flush()
    return order, shipment
