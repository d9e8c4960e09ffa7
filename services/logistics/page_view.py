"""What the shipment page and the public tracking page hold: one shipment as plain JSON-ready data
(ISO UTC times), with the goods, the places at both ends and, for the map, each event's position.

Positions: an event's own coordinates when the carrier gave them, else the offline gazetteer's
(services/showroom/places.py) by postcode, then by city; a place it does not know is left off the
map (the event stays on the timeline). Reads are scoped by services/logistics/views.py.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from models import Location, Part, Role, SalesOrderLine, Shipment, Trim
from services.identity.auth import Principal
from services.logistics import dealer_steps, views
from services.showroom.places import find_city, find_postcode


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def event_position(event: views.TimelineEvent) -> tuple[float, float] | None:
    """Where the event happened (lat, lon), or None when neither it nor the gazetteer knows."""
    if event.latitude is not None and event.longitude is not None:
        return event.latitude, event.longitude
    place = (find_postcode(event.postcode) if event.postcode else None) or (
        find_city(event.locality) if event.locality else None
    )
    if place is None or (event.country and place.country != event.country.upper()):
        return None
    return place.latitude, place.longitude


def _place(location: Location | None) -> dict | None:
    if location is None:
        return None
    return {
        "name": location.name,
        "name_zh": location.name_zh or "",
        "city": location.city,
        "latitude": location.latitude,
        "longitude": location.longitude,
    }


def _summary(summary: views.ShipmentSummary) -> dict:
    return {
        "id": summary.id,
        "order_id": summary.order_id,
        "order_number": summary.order_number,
        "tracking_number": summary.tracking_number,
        "carrier": summary.carrier,
        "status": summary.status,
        "exception_reason": summary.exception_reason,
        "vin": summary.vin,
        "last_event_at": _iso(summary.last_event_at),
        "eta": _iso(summary.eta),
        "eta_earliest": _iso(summary.eta_earliest),
        "eta_latest": _iso(summary.eta_latest),
        "promised_at": _iso(summary.promised_at),
        "promise_at_risk": summary.promise_at_risk,
        "late": summary.late,
    }


def _event(event: views.TimelineEvent, *, public: bool) -> dict:
    position = event_position(event)
    row = {
        "occurred_at": event.occurred_at.isoformat(),
        "status": event.status,
        "exception_reason": event.exception_reason,
        "country": event.country,
        "locality": event.locality,
        "source": event.source,
        # A dealer step's name (arrived at the store, ...): the step, never who signed.
        "step": event.raw_code if event.source == "dealer" else None,
        "latitude": position[0] if position else None,
        "longitude": position[1] if position else None,
    }
    if not public:
        row |= {
            "carrier": event.carrier,
            "raw_code": event.raw_code,
            "raw_text": event.raw_text,
            "postcode": event.postcode,
            "leg_sequence": event.leg_sequence,
        }
    return row


def shipment_page(session: Session, principal: Principal, shipment_id: int) -> dict:
    """The shipment as its page shows it to `principal`; NotFound as views.shipment_detail."""
    detail = views.shipment_detail(session, principal, shipment_id)
    shipment = session.get(Shipment, shipment_id)
    lines = session.execute(
        select(
            SalesOrderLine.item_code,
            SalesOrderLine.item_name,
            SalesOrderLine.quantity,
            SalesOrderLine.trim_id,
            func.coalesce(Trim.name_zh, Part.name_zh).label("name_zh"),
        )
        .outerjoin(Trim, Trim.id == SalesOrderLine.trim_id)
        .outerjoin(Part, Part.id == SalesOrderLine.part_id)
        .where(SalesOrderLine.order_id == detail.summary.order_id)
        .order_by(SalesOrderLine.line_no)
    ).all()
    done = dealer_steps.steps_done(session, shipment_id)
    return {
        "shipment": _summary(detail.summary),
        "goods": [
            {
                "code": line.item_code,
                "name": line.item_name,
                "name_zh": line.name_zh or "",
                "quantity": line.quantity,
                "kind": "trim" if line.trim_id is not None else "part",
            }
            for line in lines
        ],
        "origin": _place(session.get(Location, shipment.from_location_id)),
        "destination": _place(session.get(Location, shipment.to_location_id)),
        "legs": [
            {
                "sequence": leg.sequence,
                "mode": leg.mode,
                "carrier": leg.carrier,
                "tracking_number": leg.tracking_number,
                "origin": leg.origin,
                "destination": leg.destination,
                "departed_at": _iso(leg.departed_at),
                "arrived_at": _iso(leg.arrived_at),
            }
            for leg in detail.legs
        ],
        "timeline": [_event(event, public=False) for event in detail.timeline],
        "steps_done": done,
        "next_step": dealer_steps.next_step(done),
        "records_steps": principal.role == Role.DEALER,
    }


def public_page(
    session: Session, tracking_number: str, postcode: str | None = None, *, last_name: str | None = None
) -> dict:
    """The public look-up (views.public_tracking: one NotFound for every miss): status, ETA and
    the timeline's statuses and places, nothing personal (no VIN, no names, no raw codes)."""
    detail = views.public_tracking(session, tracking_number, postcode, last_name=last_name)
    summary = detail.summary
    return {
        "tracking_number": summary.tracking_number,
        "status": summary.status,
        "exception_reason": summary.exception_reason,
        "eta": _iso(summary.eta),
        "eta_earliest": _iso(summary.eta_earliest),
        "eta_latest": _iso(summary.eta_latest),
        "promise_at_risk": summary.promise_at_risk,
        "timeline": [_event(event, public=True) for event in detail.timeline],
    }
