"""The shapes of the supplier-workspace API: stock sync, purchase orders and shipping notices,
receipts, quality incidents and lot traces, scorecards and the managers' ranking.

Money, percentages and other decimals travel as exact strings ("10.50", "99.80"), never floats;
dates as YYYY-MM-DD, times as ISO 8601 in UTC. Request bodies refuse unknown fields.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StrictFloat, StrictInt, StrictStr

from models import Part
from models.supply import (
    PurchaseOrderLine,
    QualityIncident,
    QualityIncidentEvent,
    ShippingNotice,
    ShippingNoticeLine,
)
from portal.api.schemas import column_text, decimal_text

MAX_ID = 2**31 - 1

DecimalText = Annotated[Decimal, PlainSerializer(decimal_text, return_type=str, when_used="json")]
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- inventory sync


class StockItemIn(_Body):
    sku: str | None = column_text(Part, "sku", default=None, examples=["BRK-000123"])
    available: StrictInt | StrictFloat | StrictStr | None = Field(
        default=None, description="Whole units available at your plant, 0 or more.", examples=[250]
    )


class StockSyncIn(_Body):
    """Set the available stock of your parts; all items are applied, or none."""

    items: list[StockItemIn] = Field(description="One entry per SKU.")
    location_id: RecordId | None = Field(default=None, description="One of your plants (default: the first).")


class StockSyncOut(BaseModel):
    location_id: int
    applied: int = Field(description="Items checked and applied.")
    changed: int = Field(description="Stock rows whose value actually changed (0 on a repeat).")


class StockItemError(BaseModel):
    index: int = Field(description="Position of the item in `items`, from 0.")
    sku: str | None
    field: str = Field(description="e.g. `items[3].available`.")
    code: str
    message: str


# ---------------------------------------------------------------- purchase orders


class PurchaseOrderSummaryOut(BaseModel):
    id: int
    number: str
    status: str
    issued_at: datetime
    supplier_id: int
    supplier_name: str
    ship_to_location_id: int
    ship_to_name: str
    currency: str
    lines: int
    total: DecimalText
    quantity_ordered: int
    quantity_shipped: int
    quantity_accepted: int
    quantity_rejected: int
    next_due: date | None
    standing_at_issue: str | None


class PurchaseOrderPage(BaseModel):
    items: list[PurchaseOrderSummaryOut]
    page: int
    page_size: int
    total: int


class PurchaseOrderLineOut(BaseModel):
    id: int
    line_no: int
    part_id: int
    sku: str
    part_name: str
    unit: str
    quantity: int
    unit_price: DecimalText
    amount: DecimalText
    requested_date: date
    promised_date: date | None
    status: str
    reject_reason: str
    proposed_quantity: int | None
    proposed_date: date | None
    proposal_note: str
    shipped_quantity: int
    open_to_ship: int
    accepted_quantity: int
    rejected_quantity: int
    received_quantity: int
    received_complete_on: date | None


class ShippingNoticeLineOut(BaseModel):
    id: int
    po_line_id: int
    line_no: int
    sku: str
    part_name: str
    quantity: int
    lot_number: str
    received_quantity: int
    open_quantity: int


class ShippingNoticeOut(BaseModel):
    id: int
    number: str
    purchase_order_id: int
    purchase_order_number: str
    supplier_id: int
    carrier: str
    tracking_number: str
    shipped_at: datetime
    status: str
    lines: list[ShippingNoticeLineOut]


class ReceiptLineOut(BaseModel):
    id: int
    po_line_id: int
    line_no: int
    sku: str
    part_name: str
    lot_number: str
    accepted_quantity: int
    rejected_quantity: int
    reject_reason: str
    incident_id: int | None


class ReceiptOut(BaseModel):
    id: int
    number: str
    purchase_order_id: int
    purchase_order_number: str
    notice_id: int
    notice_number: str
    supplier_id: int
    location_id: int
    received_at: datetime
    received_on: date
    lines: list[ReceiptLineOut]
    incident_ids: list[int]


class IncidentBriefOut(BaseModel):
    id: int
    number: str
    status: str
    lot_number: str
    title: str
    opened_at: datetime


class TimelineEntryOut(BaseModel):
    at: datetime
    kind: str
    from_status: str | None
    to_status: str | None
    line_id: int | None
    details: dict
    actor_name: str
    actor_organisation: str


class PurchaseOrderOut(BaseModel):
    id: int
    number: str
    supplier_id: int
    supplier_name: str
    buyer_organisation_id: int
    ship_to_location_id: int
    ship_to_name: str
    ship_to_time_zone: str
    currency: str
    status: str
    issued_at: datetime
    status_changed_at: datetime
    notes: str
    standing_at_issue: str | None
    cancel_reason: str
    total: DecimalText
    lines: list[PurchaseOrderLineOut]
    notices: list[ShippingNoticeOut]
    receipts: list[ReceiptOut]
    incidents: list[IncidentBriefOut]
    timeline: list[TimelineEntryOut]


class LineAnswerIn(_Body):
    """The answer to one order line."""

    line_id: RecordId
    action: Literal["acknowledge", "reject", "propose"] = "acknowledge"
    promised_date: date | None = Field(default=None, description="Required to acknowledge; not in the past.")
    reason: str | None = column_text(
        PurchaseOrderLine, "reject_reason", default=None, description="Required to reject."
    )
    quantity: int | None = Field(default=None, description="A proposed quantity (action `propose`).")
    note: str | None = column_text(PurchaseOrderLine, "proposal_note", default=None)


class AcknowledgeIn(_Body):
    """Answers to the lines of an issued order, applied together or not at all."""

    lines: list[LineAnswerIn] = Field(max_length=200)


class ShipmentLineIn(_Body):
    line_id: RecordId
    quantity: int = Field(description="Whole units, at most what is still open on the line.")
    lot_number: str = column_text(ShippingNoticeLine, "lot_number", examples=["L2026-0305"])


class ShipmentIn(_Body):
    """An advance shipping notice for (part of) an acknowledged order."""

    carrier: str = column_text(ShippingNotice, "carrier", examples=["DHL"])
    tracking_number: str = column_text(ShippingNotice, "tracking_number", examples=["JD014600006281"])
    lines: list[ShipmentLineIn] = Field(max_length=200)


# ---------------------------------------------------------------- quality


class IncidentOut(BaseModel):
    id: int
    number: str
    supplier_id: int
    supplier_name: str
    part_id: int
    sku: str
    part_name: str
    lot_number: str
    purchase_order_id: int | None
    purchase_order_number: str | None
    source: str
    status: str
    title: str
    quantity_affected: int
    opened_at: datetime
    acknowledged_at: datetime | None
    response_minutes: int | None
    awaiting_supplier: bool


class IncidentPage(BaseModel):
    items: list[IncidentOut]
    page: int
    page_size: int
    total: int


class IncidentEventOut(BaseModel):
    at: datetime
    kind: str
    from_status: str | None
    to_status: str | None
    note: str
    actor_name: str
    actor_organisation: str


class IncidentDetailOut(IncidentOut):
    description: str
    po_line_id: int | None
    receipt_line_id: int | None
    receipt_id: int | None
    receipt_number: str | None
    containment_action: str
    root_cause: str
    evidence: str
    resolved_at: datetime | None
    closed_at: datetime | None
    reopened_count: int
    timeline: list[IncidentEventOut]


class IncidentNoteIn(_Body):
    note: str = column_text(QualityIncidentEvent, "note", at_most=2000, lines=True, default="")


class IncidentAnalysisIn(_Body):
    containment_action: str | None = column_text(
        QualityIncident, "containment_action", lines=True, default=None
    )
    root_cause: str | None = column_text(QualityIncident, "root_cause", lines=True, default=None)


class IncidentResolutionIn(_Body):
    evidence: str = column_text(QualityIncident, "evidence", lines=True)
    containment_action: str | None = column_text(
        QualityIncident, "containment_action", lines=True, default=None
    )
    root_cause: str | None = column_text(QualityIncident, "root_cause", lines=True, default=None)


class TracedOrderLineOut(BaseModel):
    purchase_order_id: int
    purchase_order_number: str
    po_line_id: int
    line_no: int
    sku: str
    supplier_id: int
    supplier_name: str
    quantity: int
    promised_date: date | None


class TracedNoticeLineOut(BaseModel):
    notice_id: int
    notice_number: str
    po_line_id: int
    purchase_order_id: int
    sku: str
    quantity: int
    received_quantity: int
    carrier: str
    tracking_number: str
    shipped_at: datetime
    supplier_name: str


class TracedReceiptLineOut(BaseModel):
    receipt_id: int
    receipt_number: str
    purchase_order_id: int
    sku: str
    location_name: str
    received_at: datetime
    accepted_quantity: int
    rejected_quantity: int
    reject_reason: str


class LotTraceOut(BaseModel):
    lot_number: str
    purchase_order_lines: list[TracedOrderLineOut]
    shipping_notice_lines: list[TracedNoticeLineOut]
    receipt_lines: list[TracedReceiptLineOut]
    incidents: list[IncidentOut]


# ---------------------------------------------------------------- scorecards


class CriterionOut(BaseModel):
    name: str = Field(description="on_time, fill_rate, quality, response or cost.")
    score: DecimalText | None = Field(description="0-100; null when the period holds nothing to judge by.")
    weight: int = Field(description="Its weight in the total, in percent (the weights add up to 100).")
    figures: dict[str, int | DecimalText | None] = Field(description="The figures the score comes from.")


class TrendPointOut(BaseModel):
    period: str = Field(description="YYYY-MM")
    score: DecimalText | None
    standing: str | None
    score_on_time: DecimalText | None
    score_fill_rate: DecimalText | None
    score_quality: DecimalText | None
    score_response: DecimalText | None
    score_cost: DecimalText | None


class ScorecardOut(BaseModel):
    supplier_id: int
    supplier_name: str
    period: str | None = Field(description="The last month of the rolling 12 months scored (YYYY-MM).")
    score: DecimalText | None
    standing: str | None = Field(description="excellent, good, watch or poor; null before the first score.")
    computed_at: datetime | None = Field(description="When the scores were last computed.")
    blocked: bool
    blocked_reason: str
    bands: dict[str, int]
    criteria: list[CriterionOut]
    trend: list[TrendPointOut] = Field(description="Monthly scores of the twelve months up to `period`.")


class RankingRowOut(BaseModel):
    rank: int
    supplier_id: int
    supplier_name: str
    country: str
    blocked: bool
    score: DecimalText | None
    standing: str | None
    score_on_time: DecimalText | None
    score_fill_rate: DecimalText | None
    score_quality: DecimalText | None
    score_response: DecimalText | None
    score_cost: DecimalText | None
    on_time_pct: DecimalText | None
    fill_rate_pct: DecimalText | None
    rejected_ppm: DecimalText | None
    response_hours: DecimalText | None
    cost_index: DecimalText | None
    lines_due: int | None
    quantity_received: int | None
    incidents_opened: int | None


class ScatterPointOut(BaseModel):
    supplier_id: int
    supplier_name: str
    on_time_pct: DecimalText
    rejected_ppm: DecimalText
    score_quality: DecimalText
    standing: str | None


class RankingOut(BaseModel):
    period: str | None
    computed_at: datetime | None
    items: list[RankingRowOut]
    page: int
    page_size: int
    total: int
    scatter: list[ScatterPointOut] = Field(
        description="Quality against on-time delivery, every filtered supplier with both figures."
    )
