"""The supplier workspace: purchase orders and their timeline, shipping notices, goods receipts,
quality incidents, scorecards and the inventory syncs suppliers send.

Quantities are whole units. A purchase-order line keeps running totals (shipped, accepted,
rejected) written in the same transaction as the notice or receipt that changes them, so the
inbox, the dashboards and the scorecard read them without summing every document again.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import MONEY, UTCDateTime, utcnow


class PurchaseOrderStatus(StrEnum):
    ISSUED = "issued"
    ACKNOWLEDGED = "acknowledged"
    PARTLY_SHIPPED = "partly_shipped"
    SHIPPED = "shipped"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class PurchaseOrderLineStatus(StrEnum):
    OPEN = "open"  # waiting for the supplier's answer
    PROPOSED = "proposed"  # the supplier proposed another quantity or date; the manager decides
    ACKNOWLEDGED = "acknowledged"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class ShippingNoticeStatus(StrEnum):
    IN_TRANSIT = "in_transit"
    PARTLY_RECEIVED = "partly_received"
    RECEIVED = "received"


class IncidentStatus(StrEnum):
    OPEN = "open"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"  # the supplier closed it with evidence; the manager accepts or reopens
    CLOSED = "closed"
    REOPENED = "reopened"


class IncidentSource(StrEnum):
    RECEIPT_REJECT = "receipt_reject"
    FIELD_COMPLAINT = "field_complaint"


class Standing(StrEnum):
    EXCELLENT = "excellent"
    GOOD = "good"
    WATCH = "watch"
    POOR = "poor"


class PeriodKind(StrEnum):
    MONTH = "month"
    ROLLING_12 = "rolling12"  # the twelve months ending with `period`


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _fk(target: str, ondelete: str, *, nullable: bool = False, index: bool = True) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class SupplierControl(SQLModel, table=True):
    """A manager's hold on a supplier: a blocked supplier receives no new purchase orders."""

    __tablename__ = "supplier_control"

    supplier_id: int = Field(
        sa_column=Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
    )
    blocked: bool = False
    reason: str = Field(default="", max_length=500)
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    changed_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )


class PurchaseOrder(SQLModel, table=True):
    __tablename__ = "purchase_order"
    __table_args__ = (
        CheckConstraint(_in("status", PurchaseOrderStatus), name="ck_purchase_order_status"),
        Index("ix_purchase_order_supplier_status", "supplier_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT", index=False))
    buyer_organisation_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT"))
    ship_to_location_id: int = Field(sa_column=_fk("location.id", "RESTRICT"))
    currency: str = Field(max_length=3, description="ISO 4217; every line is priced in it")
    status: str = Field(default=PurchaseOrderStatus.ISSUED, max_length=20)
    issued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    issued_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )
    status_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    notes: str = Field(default="", max_length=1000)
    standing_at_issue: str | None = Field(
        default=None, max_length=20, description="the supplier's standing when issued (warning shown)"
    )
    cancel_reason: str = Field(default="", max_length=500)


class PurchaseOrderLine(SQLModel, table=True):
    __tablename__ = "purchase_order_line"
    __table_args__ = (
        CheckConstraint(_in("status", PurchaseOrderLineStatus), name="ck_po_line_status"),
        CheckConstraint("quantity > 0", name="ck_po_line_quantity"),
        CheckConstraint("unit_price >= 0", name="ck_po_line_price"),
        CheckConstraint("proposed_quantity IS NULL OR proposed_quantity > 0", name="ck_po_line_proposal"),
        CheckConstraint("shipped_quantity >= 0 AND shipped_quantity <= quantity", name="ck_po_line_shipped"),
        CheckConstraint(
            "accepted_quantity >= 0 AND rejected_quantity >= 0 "
            "AND accepted_quantity + rejected_quantity <= shipped_quantity",
            name="ck_po_line_received",
        ),
        UniqueConstraint("purchase_order_id", "line_no", name="uq_po_line_number"),
    )

    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(sa_column=_fk("purchase_order.id", "CASCADE"))
    line_no: int
    part_id: int = Field(sa_column=_fk("part.id", "RESTRICT"))
    quantity: int
    unit_price: Decimal = Field(sa_type=MONEY)
    requested_date: date
    status: str = Field(default=PurchaseOrderLineStatus.OPEN, max_length=20)
    promised_date: date | None = None
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reject_reason: str = Field(default="", max_length=500)
    proposed_quantity: int | None = None
    proposed_date: date | None = None
    proposal_note: str = Field(default="", max_length=500)
    shipped_quantity: int = 0
    accepted_quantity: int = 0
    rejected_quantity: int = 0
    received_complete_on: date | None = Field(
        default=None, description="the warehouse's local date the last ordered unit arrived"
    )


class PurchaseOrderEvent(SQLModel, table=True):
    """One entry of the timeline both sides see: what changed, when, by whom."""

    __tablename__ = "purchase_order_event"

    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(sa_column=_fk("purchase_order.id", "CASCADE"))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )
    actor_organisation_id: int | None = Field(
        default=None, sa_column=_fk("organisation.id", "SET NULL", nullable=True, index=False)
    )
    kind: str = Field(max_length=40, description="issued, line_acknowledged, asn_created, ...")
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    line_id: int | None = None
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ShippingNotice(SQLModel, table=True):
    """An advance shipping notice (ASN): what the supplier sent, in which lots, with which carrier."""

    __tablename__ = "shipping_notice"
    __table_args__ = (CheckConstraint(_in("status", ShippingNoticeStatus), name="ck_asn_status"),)

    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(sa_column=_fk("purchase_order.id", "CASCADE"))
    supplier_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT"))
    carrier: str = Field(max_length=80)
    tracking_number: str = Field(max_length=80)
    shipped_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    created_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )
    status: str = Field(default=ShippingNoticeStatus.IN_TRANSIT, max_length=20)


class ShippingNoticeLine(SQLModel, table=True):
    __tablename__ = "shipping_notice_line"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="ck_asn_line_quantity"),
        CheckConstraint(
            "received_quantity >= 0 AND received_quantity <= quantity", name="ck_asn_line_received"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    notice_id: int = Field(sa_column=_fk("shipping_notice.id", "CASCADE"))
    po_line_id: int = Field(sa_column=_fk("purchase_order_line.id", "CASCADE"))
    quantity: int
    lot_number: str = Field(max_length=60, index=True)
    received_quantity: int = 0


class GoodsReceipt(SQLModel, table=True):
    """What the OEM warehouse took in against one shipping notice."""

    __tablename__ = "goods_receipt"

    id: int | None = Field(default=None, primary_key=True)
    purchase_order_id: int = Field(sa_column=_fk("purchase_order.id", "CASCADE"))
    notice_id: int = Field(sa_column=_fk("shipping_notice.id", "CASCADE"))
    supplier_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT"))
    location_id: int = Field(sa_column=_fk("location.id", "RESTRICT", index=False))
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    received_on: date = Field(index=True, description="the warehouse's local date")
    received_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )


class GoodsReceiptLine(SQLModel, table=True):
    __tablename__ = "goods_receipt_line"
    __table_args__ = (
        CheckConstraint(
            "accepted_quantity >= 0 AND rejected_quantity >= 0 AND accepted_quantity + rejected_quantity > 0",
            name="ck_gr_line_quantity",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    receipt_id: int = Field(sa_column=_fk("goods_receipt.id", "CASCADE"))
    po_line_id: int = Field(sa_column=_fk("purchase_order_line.id", "CASCADE"))
    notice_line_id: int = Field(sa_column=_fk("shipping_notice_line.id", "CASCADE"))
    part_id: int = Field(sa_column=_fk("part.id", "RESTRICT", index=False))
    lot_number: str = Field(max_length=60, index=True)
    accepted_quantity: int = 0
    rejected_quantity: int = 0
    reject_reason: str = Field(default="", max_length=500)


class QualityIncident(SQLModel, table=True):
    """A quality problem traced to a supplier's part and lot; the supplier answers, the manager decides."""

    __tablename__ = "quality_incident"
    __table_args__ = (
        CheckConstraint(_in("status", IncidentStatus), name="ck_incident_status"),
        CheckConstraint(_in("source", IncidentSource), name="ck_incident_source"),
        CheckConstraint("quantity_affected >= 0", name="ck_incident_quantity"),
        Index("ix_quality_incident_supplier_status", "supplier_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT", index=False))
    part_id: int = Field(sa_column=_fk("part.id", "RESTRICT"))
    lot_number: str = Field(default="", max_length=60, index=True)
    purchase_order_id: int | None = Field(
        default=None, sa_column=_fk("purchase_order.id", "SET NULL", nullable=True)
    )
    po_line_id: int | None = Field(
        default=None, sa_column=_fk("purchase_order_line.id", "SET NULL", nullable=True, index=False)
    )
    receipt_line_id: int | None = Field(
        default=None, sa_column=_fk("goods_receipt_line.id", "SET NULL", nullable=True)
    )
    source: str = Field(max_length=20)
    status: str = Field(default=IncidentStatus.OPEN, max_length=20)
    title: str = Field(max_length=200, description="as typed; '' when the system wrote it (title_key)")
    title_key: str | None = Field(
        default=None,
        max_length=80,
        description="i18n key of a title the system wrote, e.g. incident.title.receipt_reject",
    )
    title_params: dict = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False, server_default="{}")
    )
    description: str = Field(default="", max_length=2000)
    quantity_affected: int = 0
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    opened_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    response_minutes: int | None = Field(default=None, description="opening to first acknowledgement")
    containment_action: str = Field(default="", max_length=2000)
    root_cause: str = Field(default="", max_length=2000)
    evidence: str = Field(default="", max_length=4000)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reopened_count: int = 0
    status_changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QualityIncidentEvent(SQLModel, table=True):
    __tablename__ = "quality_incident_event"

    id: int | None = Field(default=None, primary_key=True)
    incident_id: int = Field(sa_column=_fk("quality_incident.id", "CASCADE"))
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )
    actor_organisation_id: int | None = Field(
        default=None, sa_column=_fk("organisation.id", "SET NULL", nullable=True, index=False)
    )
    kind: str = Field(max_length=40)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str | None = Field(default=None, max_length=20)
    note: str = Field(default="", max_length=4000)


class ScorecardSettings(SQLModel, table=True):
    """The managers' scoring rules: criterion weights (sum 100), standing bands, normalisation limits.
    One row (id 1); when it is absent the defaults below apply."""

    __tablename__ = "scorecard_settings"
    __table_args__ = (
        CheckConstraint(
            "weight_on_time + weight_fill_rate + weight_quality + weight_response + weight_cost = 100",
            name="ck_scorecard_weights",
        ),
        CheckConstraint("band_watch <= band_good AND band_good <= band_excellent", name="ck_scorecard_bands"),
    )

    id: int | None = Field(default=None, primary_key=True)
    weight_on_time: int = 30
    weight_fill_rate: int = 20
    weight_quality: int = 25
    weight_response: int = 10
    weight_cost: int = 15
    band_excellent: int = 85
    band_good: int = 70
    band_watch: int = Field(default=50, description="Watch from here up, Poor below")
    ppm_zero: int = Field(default=5000, description="rejected ppm at which quality scores 0")
    response_target_hours: Decimal = Field(default=Decimal("0.5"), sa_type=Numeric(8, 2))
    response_limit_hours: Decimal = Field(default=Decimal("48"), sa_type=Numeric(8, 2))
    cost_floor: Decimal = Field(
        default=Decimal("0.95"),
        sa_type=Numeric(6, 3),
        description="price / list price at or below which cost scores 100",
    )
    cost_ceiling: Decimal = Field(
        default=Decimal("1.15"),
        sa_type=Numeric(6, 3),
        description="price / list price at or above which cost scores 0",
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )


_PCT = Numeric(6, 2)
_SCORE = Numeric(5, 1)


class SupplierScorecard(SQLModel, table=True):
    """A supplier's figures and score for one period, written set-based by the recompute.

    Criterion scores are 0-100, NULL when the period holds nothing to judge that criterion by;
    the total is the weighted mean of the criteria that have a score.
    """

    __tablename__ = "supplier_scorecard"
    __table_args__ = (
        UniqueConstraint("supplier_id", "period_kind", "period", name="uq_scorecard_period"),
        CheckConstraint(_in("period_kind", PeriodKind), name="ck_scorecard_period_kind"),
        Index("ix_scorecard_kind_period_score", "period_kind", "period", "score"),
    )

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(sa_column=_fk("organisation.id", "CASCADE", index=False))
    period_kind: str = Field(max_length=10)
    period: str = Field(max_length=7, description="YYYY-MM (the last month for rolling12)")
    lines_due: int = 0
    lines_on_time: int = 0
    on_time_pct: Decimal | None = Field(default=None, sa_type=_PCT)
    quantity_ordered: int = 0
    quantity_accepted: int = 0
    fill_rate_pct: Decimal | None = Field(default=None, sa_type=_PCT)
    quantity_received: int = 0
    quantity_rejected: int = 0
    rejected_ppm: Decimal | None = Field(default=None, sa_type=Numeric(12, 1))
    incidents_opened: int = 0
    response_hours: Decimal | None = Field(default=None, sa_type=Numeric(10, 2))
    spend: Decimal | None = Field(default=None, sa_type=MONEY)
    list_value: Decimal | None = Field(default=None, sa_type=MONEY)
    cost_index: Decimal | None = Field(default=None, sa_type=Numeric(8, 4))
    score_on_time: Decimal | None = Field(default=None, sa_type=_SCORE)
    score_fill_rate: Decimal | None = Field(default=None, sa_type=_SCORE)
    score_quality: Decimal | None = Field(default=None, sa_type=_SCORE)
    score_response: Decimal | None = Field(default=None, sa_type=_SCORE)
    score_cost: Decimal | None = Field(default=None, sa_type=_SCORE)
    score: Decimal | None = Field(default=None, sa_type=_SCORE)
    standing: str | None = Field(default=None, max_length=20)
    computed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SupplierStockSync(SQLModel, table=True):
    """One applied inventory sync (CSV upload or API call): who, where, how many rows."""

    __tablename__ = "supplier_stock_sync"

    id: int | None = Field(default=None, primary_key=True)
    supplier_id: int = Field(sa_column=_fk("organisation.id", "CASCADE"))
    location_id: int = Field(sa_column=_fk("location.id", "CASCADE", index=False))
    source: str = Field(max_length=10, description="csv or api")
    rows_applied: int
    rows_changed: int
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True, index=False)
    )
