"""The dealer's steps at the end of a vehicle's journey, each a timeline event of the shipment:
arrived at the store, pre-delivery inspection done (every checklist item ticked), ready for
handover, handed over (with the customer's signature name).

The steps go in that order, each once (a second try of the same step, or one out of order, is a
clear error naming the field); only the dealer whose store the shipment goes to may record them.
Each step is a `ShipmentEvent` with source "dealer" (raw code: the step's name), so the status,
the legs and the ETA are derived from it like from any carrier event, and a "shipment.changed"
outbox message tells the open pages (and the ETA refresh) in the same transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session

from models import EventSource, Location, Role, Shipment, ShipmentEvent, TrackingStatus
from models.types import utcnow
from services.identity.auth import Principal
from services.logistics.ingest import SHIPMENT_CHANGED, recompute_shipment
from services.platform import outbox
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed

DEALER_CARRIER = "dealer"
ARRIVED, PDI_DONE, READY, HANDED_OVER = "arrived_at_store", "pdi_done", "ready_for_handover", "handed_over"
STEPS: tuple[str, ...] = (ARRIVED, PDI_DONE, READY, HANDED_OVER)
STEP_STATUS = {
    ARRIVED: TrackingStatus.DELIVERED,
    PDI_DONE: TrackingStatus.DELIVERED,
    READY: TrackingStatus.DELIVERED,
    HANDED_OVER: TrackingStatus.HANDED_OVER,
}
# The pre-delivery inspection: every item must be ticked.
PDI_CHECKLIST: tuple[str, ...] = ("exterior", "interior", "fluids", "electrics", "tyres", "documents")
SIGNATURE_MIN, SIGNATURE_MAX = 2, 120


@dataclass(frozen=True)
class StepResult:
    shipment_id: int
    step: str
    tracking_status: str


def steps_done(session: Session, shipment_id: int) -> list[str]:
    """The dealer steps recorded for the shipment, in step order."""
    codes = set(
        session.execute(
            select(ShipmentEvent.raw_code).where(
                ShipmentEvent.shipment_id == shipment_id, ShipmentEvent.source == EventSource.DEALER
            )
        )
        .scalars()
        .all()
    )
    return [step for step in STEPS if step in codes]


def next_step(done: list[str]) -> str | None:
    """The step that may be recorded now (None when the vehicle is handed over)."""
    return next((step for step in STEPS if step not in done), None)


def _dealer_shipment(session: Session, principal: Principal, shipment_id: int) -> Shipment:
    if principal.role != Role.DEALER:
        raise PermissionDenied("access.denied")
    shipment = session.execute(
        select(Shipment)
        .join(Location, Location.id == Shipment.to_location_id)
        .where(Shipment.id == shipment_id, Location.organisation_id == principal.organisation_id)
        .with_for_update(of=Shipment)
    ).scalar()
    if shipment is None:
        raise NotFound("shipment.not_found", field="shipment_id")
    return shipment


def _text_of(step: str, checklist: list[str] | None, signature_name: str | None) -> str:
    if step == PDI_DONE:
        missing = [item for item in PDI_CHECKLIST if item not in set(checklist or ())]
        unknown = [item for item in checklist or () if item not in PDI_CHECKLIST]
        if unknown:
            raise ValidationFailed("shipment.pdi_unknown_item", field="checklist", item=unknown[0])
        if missing:
            raise ValidationFailed("shipment.pdi_incomplete", field="checklist", item=missing[0])
        return ", ".join(PDI_CHECKLIST)
    if step == HANDED_OVER:
        name = " ".join((signature_name or "").split())
        if not SIGNATURE_MIN <= len(name) <= SIGNATURE_MAX or not any(ch.isalpha() for ch in name):
            raise ValidationFailed("shipment.signature_invalid", field="signature_name")
        return name
    return ""


def record_step(
    session: Session,
    principal: Principal,
    shipment_id: int,
    step: str,
    *,
    checklist: list[str] | None = None,
    signature_name: str | None = None,
) -> StepResult:
    """Record `step` for the shipment (commits). Raises PermissionDenied (not a dealer), NotFound
    (not going to one of the dealer's stores), ValidationFailed: `step` (unknown, already done or
    out of order), `checklist` (PDI with an item unticked), `signature_name` (handover without a
    readable name). Nothing is written when it raises."""
    if step not in STEPS:
        raise ValidationFailed("shipment.step_unknown", field="step")
    try:
        shipment = _dealer_shipment(session, principal, shipment_id)
        done = steps_done(session, shipment_id)
        if step in done:
            raise ValidationFailed("shipment.step_done", field="step")
        if step != next_step(done):
            raise ValidationFailed("shipment.step_out_of_order", field="step", step=next_step(done) or "")
        text = _text_of(step, checklist, signature_name)
        now = max(utcnow(), shipment.last_event_at or utcnow())
        session.add(
            ShipmentEvent(
                shipment_id=shipment_id,
                status=STEP_STATUS[step],
                carrier=DEALER_CARRIER,
                raw_code=step,
                raw_text=text,
                occurred_at=now,
                source=EventSource.DEALER,
                dedupe_key=hashlib.sha256(f"{shipment_id}\x1fdealer\x1f{step}".encode()).hexdigest(),
            )
        )
        session.flush()
        status = recompute_shipment(session, shipment_id)
        outbox.enqueue(
            session, SHIPMENT_CHANGED, {"shipment_id": shipment_id, "tracking_status": status, "events": 1}
        )
        session.commit()
    except Exception:
        session.rollback()
        raise
    return StepResult(shipment_id, step, status)
