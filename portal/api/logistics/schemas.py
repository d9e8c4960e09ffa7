"""The logistics API's answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from services.logistics.views import LegView, ShipmentDetail, ShipmentSummary, TimelineEvent


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class ShipmentSummaryOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    order_id: int
    order_number: str | None
    tracking_number: str | None
    carrier: str | None
    status: str = Field(
        description="pending, info_received, in_transit, at_hub, out_for_delivery, "
        "delivery_failed, exception, delivered, handed_over, returned, unknown."
    )
    exception_reason: str | None = Field(description="damage, customs_hold, delay, address_problem or null.")
    vin: str | None
    last_event_at: str | None
    eta: str | None = Field(description="ISO 8601 UTC: the expected arrival.")
    eta_earliest: str | None
    eta_latest: str | None
    promised_at: str | None
    promise_at_risk: bool
    late: bool

    @classmethod
    def of(cls, summary: ShipmentSummary) -> ShipmentSummaryOut:
        return cls(
            id=summary.id,
            order_id=summary.order_id,
            order_number=summary.order_number,
            tracking_number=summary.tracking_number,
            carrier=summary.carrier,
            status=summary.status,
            exception_reason=summary.exception_reason,
            vin=summary.vin,
            last_event_at=_iso(summary.last_event_at),
            eta=_iso(summary.eta),
            eta_earliest=_iso(summary.eta_earliest),
            eta_latest=_iso(summary.eta_latest),
            promised_at=_iso(summary.promised_at),
            promise_at_risk=summary.promise_at_risk,
            late=summary.late,
        )


class ShipmentPage(BaseModel):
    items: list[ShipmentSummaryOut]
    page: int
    page_size: int
    total: int


class LegOut(BaseModel):
    sequence: int
    mode: str
    carrier: str
    tracking_number: str
    origin: str
    destination: str
    planned_hours: float
    departed_at: str | None
    arrived_at: str | None

    @classmethod
    def of(cls, leg: LegView) -> LegOut:
        return cls(
            **{**leg.__dict__, "departed_at": _iso(leg.departed_at), "arrived_at": _iso(leg.arrived_at)}
        )


class EventOut(BaseModel):
    occurred_at: str
    status: str
    exception_reason: str | None
    carrier: str
    raw_code: str = Field(description="The carrier's own status code.")
    raw_text: str
    country: str | None
    postcode: str | None
    locality: str | None
    latitude: float | None
    longitude: float | None
    source: str = Field(description="carrier_poll, webhook, oem or dealer.")
    leg_sequence: int | None

    @classmethod
    def of(cls, event: TimelineEvent) -> EventOut:
        return cls(**{**event.__dict__, "occurred_at": event.occurred_at.isoformat()})


class ShipmentDetailOut(BaseModel):
    shipment: ShipmentSummaryOut
    legs: list[LegOut]
    timeline: list[EventOut]

    @classmethod
    def of(cls, detail: ShipmentDetail) -> ShipmentDetailOut:
        return cls(
            shipment=ShipmentSummaryOut.of(detail.summary),
            legs=[LegOut.of(leg) for leg in detail.legs],
            timeline=[EventOut.of(event) for event in detail.timeline],
        )


class PublicEventOut(BaseModel):
    occurred_at: str
    status: str
    country: str | None
    locality: str | None


class PublicTrackingOut(BaseModel):
    """What anyone with the number and the postcode sees: no names, no VIN, no raw codes."""

    tracking_number: str
    status: str
    eta: str | None
    eta_earliest: str | None
    eta_latest: str | None
    timeline: list[PublicEventOut]

    @classmethod
    def of(cls, detail: ShipmentDetail) -> PublicTrackingOut:
        summary = detail.summary
        return cls(
            tracking_number=summary.tracking_number or "",
            status=summary.status,
            eta=_iso(summary.eta),
            eta_earliest=_iso(summary.eta_earliest),
            eta_latest=_iso(summary.eta_latest),
            timeline=[
                PublicEventOut(
                    occurred_at=event.occurred_at.isoformat(),
                    status=event.status,
                    country=event.country,
                    locality=event.locality,
                )
                for event in detail.timeline
            ],
        )


class IngestOut(BaseModel):
    stored: int = Field(description="New events stored.")
    duplicates: int = Field(description="Events already known (stored once).")
    unknown_statuses: int = Field(
        description="Events whose status code the mapping does not know (kept as unknown)."
    )
    shipment_ids: list[int]
    dead_letter_ids: list[int] = Field(description="Parts that could not be read, kept for an admin.")


class QueueEntryOut(BaseModel):
    """One shipment of the managers' exceptions queue: why (`kind`: exception, late, silent), who
    must act (`actor`: carrier, plant, dealer, customs_broker), since when, and who is on it."""

    model_config = ConfigDict(extra="forbid")

    shipment_id: int
    order_number: str | None
    tracking_number: str | None
    carrier: str | None
    lane: str | None
    status: str
    kind: str
    reason: str | None
    actor: str
    since: datetime
    last_event_at: datetime | None
    promised_at: datetime | None
    eta: datetime | None
    usual_gap_hours: float | None = Field(description="The lane's usual gap (silent entries).")
    acknowledged_by: str | None
    acknowledged_at: datetime | None
    acknowledged_note: str | None


class ExceptionQueueOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[QueueEntryOut]
    total: int
