"""The transaction core: sales orders, their lines and timeline, payments, refunds, shipments.

Also the simulated payment gateway's own books (`GatewayLedger`, `GatewayScript`): "the bank's
side", kept in the database so a worker process and a test see the same captures. A real
deployment replaces the simulated gateway and never writes those two tables.

Stock is never held on an order row: a line points at the `stock_level` row it reserved, and the
reservation is that row's `reserved` count (see services/ordering/reservations.py).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import MONEY, UTCDateTime, utcnow


class OrderStatus(StrEnum):
    """Where an order is in its life; the legal moves are in services/ordering/states.py."""

    PENDING_PAYMENT = "pending_payment"  # stock reserved, waiting for the money
    PAID = "paid"  # the gateway captured the payment
    ALLOCATED = "allocated"  # stock committed to the order and a shipment created
    CANCELLED = "cancelled"  # reservation released (declined, expired, or cancelled by the buyer)


class OrderKind(StrEnum):
    DEALER_PURCHASE = "dealer_purchase"  # a dealer buys parts and vehicles from OEM stock
    CUSTOMER_VEHICLE = "customer_vehicle"  # a customer orders one vehicle at a dealer store, with a deposit


class PaymentStatus(StrEnum):
    PENDING = "pending"  # not yet asked, or asked and no answer yet
    CAPTURED = "captured"  # the money is taken
    DECLINED = "declined"  # the gateway said no
    UNKNOWN = "unknown"  # the gateway timed out; its final answer decides (notice or expiry sweep)
    VOID = "void"  # the order was cancelled before any capture; a late capture is refunded
    REFUNDED = "refunded"  # captured, then given back in full (a late approval for a cancelled order)


class GatewayStatus(StrEnum):
    """What the (simulated) bank says about one capture."""

    APPROVED = "approved"
    DECLINED = "declined"
    TIMEOUT = "timeout"  # only as the answer to a capture call: no answer in time
    PENDING = "pending"  # the bank has the request and has not decided
    UNKNOWN = "unknown"  # the bank has never seen this idempotency key
    REFUNDED = "refunded"


class GatewayMode(StrEnum):
    """How the simulated gateway answers a capture (see services/ordering/gateway.py)."""

    APPROVE = "approve"
    DECLINE = "decline"
    TIMEOUT = "timeout"  # the request never reaches the bank
    LATE = "late"  # the bank takes the request, answers nothing now, decides later by notice


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _fk(target: str, ondelete: str, *, nullable: bool = False, index: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class SalesOrder(SQLModel, table=True):
    """One placement: who buys, where the stock comes from and goes to, what it costs.

    `number` ("SO-000123") is derived from the id and written in the placing transaction.
    `idempotency_key` is the client's key, unique per buyer organisation; `request_fingerprint`
    is a hash of the request it was first used with, so a reused key with other lines is refused.
    """

    __tablename__ = "sales_order"
    __table_args__ = (
        UniqueConstraint("buyer_organisation_id", "idempotency_key", name="uq_sales_order_idempotency"),
        CheckConstraint(_in("status", OrderStatus), name="ck_sales_order_status"),
        CheckConstraint(_in("kind", OrderKind), name="ck_sales_order_kind"),
        CheckConstraint("total >= 0", name="ck_sales_order_total"),
        CheckConstraint(
            "deposit IS NULL OR (deposit >= 0 AND deposit <= total)", name="ck_sales_order_deposit"
        ),
        Index("ix_sales_order_status_hold", "status", "hold_expires_at"),
        # the KPI facts, their drill-down and the stock-out tile read orders by placement time
        Index("ix_sales_order_created_at", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=20, unique=True)
    kind: str = Field(max_length=20)
    buyer_organisation_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT", index=True))
    buyer_user_id: int = Field(sa_column=_fk("user_account.id", "RESTRICT", index=True))
    buyer_location_id: int = Field(sa_column=_fk("location.id", "RESTRICT"))
    seller_organisation_id: int = Field(sa_column=_fk("organisation.id", "RESTRICT", index=True))
    source_location_id: int = Field(sa_column=_fk("location.id", "RESTRICT"))
    status: str = Field(max_length=20)
    currency: str = Field(max_length=3)
    total: Decimal = Field(sa_type=MONEY)
    deposit: Decimal | None = Field(
        default=None, sa_type=MONEY, description="customer orders: the part of the total paid now"
    )
    test_drive_id: int | None = Field(
        default=None,
        sa_column=Column(
            Integer, ForeignKey("test_drive.id", ondelete="SET NULL"), nullable=True, unique=True
        ),
        description="vehicle orders: the test drive this order came from (at most one order per drive)",
    )
    idempotency_key: str = Field(max_length=100)
    request_fingerprint: str = Field(max_length=64)
    hold_expires_at: datetime = Field(sa_type=UTCDateTime)
    cancel_code: str | None = Field(default=None, max_length=80, description="i18n key of the reason")
    cancel_reason: str | None = Field(default=None, max_length=300, description="free text: bank, buyer")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SalesOrderLine(SQLModel, table=True):
    """One item of an order, priced from the server's list at placement and named as it was then."""

    __tablename__ = "sales_order_line"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no", name="uq_sales_order_line_no"),
        CheckConstraint("(part_id IS NULL) <> (trim_id IS NULL)", name="ck_sales_order_line_one_item"),
        CheckConstraint("quantity > 0", name="ck_sales_order_line_quantity"),
        CheckConstraint("unit_price >= 0", name="ck_sales_order_line_price"),
        CheckConstraint("line_total >= 0", name="ck_sales_order_line_total"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(sa_column=_fk("sales_order.id", "CASCADE", index=True))
    line_no: int
    part_id: int | None = Field(default=None, sa_column=_fk("part.id", "RESTRICT", nullable=True))
    trim_id: int | None = Field(default=None, sa_column=_fk("trim.id", "RESTRICT", nullable=True))
    stock_level_id: int = Field(sa_column=_fk("stock_level.id", "RESTRICT", index=True))
    item_code: str = Field(max_length=40, description="SKU or trim code at placement")
    item_name: str = Field(max_length=200)
    quantity: int
    unit_price: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    line_total: Decimal = Field(sa_type=MONEY)


class OrderTransition(SQLModel, table=True):
    """One step of an order's life: the timeline the order page shows."""

    __tablename__ = "order_transition"
    __table_args__ = (CheckConstraint(_in("to_status", OrderStatus), name="ck_order_transition_to"),)

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(sa_column=_fk("sales_order.id", "CASCADE", index=True))
    from_status: str | None = Field(default=None, max_length=20, description="None for placement")
    to_status: str = Field(max_length=20)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    cause: str = Field(max_length=80, description="i18n key, e.g. order.event.payment_captured")
    detail: str = Field(default="", max_length=300, description="free text, e.g. the bank's reason")
    actor_user_id: int | None = Field(
        default=None,
        sa_column=_fk("user_account.id", "SET NULL", nullable=True),
        description="None when the system (worker, sweep, gateway notice) made the move",
    )


class Payment(SQLModel, table=True):
    """The money asked for one order (the total for dealers, the deposit for customers)."""

    __tablename__ = "payment"
    __table_args__ = (
        CheckConstraint(_in("status", PaymentStatus), name="ck_payment_status"),
        CheckConstraint("amount >= 0", name="ck_payment_amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("sales_order.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    idempotency_key: str = Field(max_length=100, unique=True, description="what the gateway sees")
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    status: str = Field(max_length=20)
    gateway_reference: str | None = Field(default=None, max_length=80)
    decline_reason: str | None = Field(default=None, max_length=300)
    captured_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Refund(SQLModel, table=True):
    """Money given back; full refunds only, so at most one per payment."""

    __tablename__ = "refund"
    __table_args__ = (CheckConstraint("amount > 0", name="ck_refund_amount"),)

    id: int | None = Field(default=None, primary_key=True)
    payment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("payment.id", ondelete="CASCADE"), nullable=False, unique=True)
    )
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    reason: str = Field(max_length=300)
    gateway_reference: str | None = Field(default=None, max_length=80)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Shipment(SQLModel, table=True):
    """The goods of one allocated order on their way to the buyer's location.

    Created with status "created" when the order is allocated; the logistics flow moves it on
    (services/logistics/): `tracking_status` is the latest normalised status (models/logistics.py
    `TrackingStatus`), `eta` with its range comes from the lane history (services/logistics/eta.py),
    `promised_at` is what the buyer was promised. `vin` is the vehicle's (vehicle orders only).
    """

    __tablename__ = "shipment"
    __table_args__ = (
        Index("ix_shipment_tracking_status", "tracking_status", "carrier"),
        # The shipment lists (services/logistics/views.py): a dealer's stores, a carrier, late.
        Index("ix_shipment_to_location", "to_location_id", "id"),
        Index("ix_shipment_carrier_id", "carrier", "id"),
        Index("ix_shipment_open_promise", "promised_at"),
        UniqueConstraint("tracking_number", name="uq_shipment_tracking_number"),
        UniqueConstraint("vin", name="uq_shipment_vin"),
        CheckConstraint(
            "eta_earliest IS NULL OR eta_latest IS NULL OR eta_earliest <= eta_latest",
            name="ck_shipment_eta_range",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("sales_order.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    from_location_id: int = Field(sa_column=_fk("location.id", "RESTRICT"))
    to_location_id: int = Field(sa_column=_fk("location.id", "RESTRICT"))
    status: str = Field(default="created", max_length=20)
    carrier_reference: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    tracking_number: str | None = Field(default=None, max_length=80)
    carrier: str | None = Field(default=None, max_length=40)
    tracking_status: str = Field(default="pending", max_length=20)
    exception_reason: str | None = Field(default=None, max_length=20)
    vin: str | None = Field(default=None, max_length=17)
    delivery_postcode: str | None = Field(default=None, max_length=20)
    last_event_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    eta: datetime | None = Field(default=None, sa_type=UTCDateTime)
    eta_earliest: datetime | None = Field(default=None, sa_type=UTCDateTime)
    eta_latest: datetime | None = Field(default=None, sa_type=UTCDateTime)
    promised_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    promise_at_risk: bool = False


class OrderAttention(SQLModel, table=True):
    """An order a sweep could not settle: how often it failed, the last error, and whether it is
    parked (`parked_at` set after `settings.order_sweep_max_failures` failures in a row).

    A side record, not an order status: the order keeps its business status (pending_payment with
    stock reserved, or cancelled with a capture to refund), which stays the truth about money and
    stock; parking only takes it out of the sweeps until an admin retries it (which deletes this
    row). At most one row per order; none for the healthy ones.
    """

    __tablename__ = "order_attention"
    __table_args__ = (CheckConstraint("failures >= 1", name="ck_order_attention_failures"),)

    order_id: int = Field(
        sa_column=Column(Integer, ForeignKey("sales_order.id", ondelete="CASCADE"), primary_key=True)
    )
    failures: int = Field(default=1, description="failed attempts since the last success or retry")
    step: str = Field(max_length=40, description="what failed: expire_hold, refund, process")
    last_error: str = Field(max_length=500)
    first_failed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_failed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    parked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)


class GatewayLedger(SQLModel, table=True):
    """The simulated bank's record of each capture request, one row per idempotency key."""

    __tablename__ = "gateway_ledger"
    __table_args__ = (
        CheckConstraint(
            "status IN ('approved', 'declined', 'pending', 'refunded')", name="ck_gateway_ledger_status"
        ),
        CheckConstraint("amount >= 0", name="ck_gateway_ledger_amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=100, unique=True)
    reference: str = Field(max_length=80, unique=True)
    amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    status: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=300)
    refund_reference: str | None = Field(default=None, max_length=80)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    settled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class GatewayScript(SQLModel, table=True):
    """How the simulated gateway behaves: for one payment key, or for every key (`key` = "*")."""

    __tablename__ = "gateway_script"
    __table_args__ = (
        CheckConstraint(_in("mode", GatewayMode), name="ck_gateway_script_mode"),
        CheckConstraint("delay_seconds >= 0", name="ck_gateway_script_delay"),
        CheckConstraint("notices BETWEEN 0 AND 5", name="ck_gateway_script_notices"),
    )

    key: str = Field(primary_key=True, max_length=100)
    mode: str = Field(max_length=20)
    reason: str | None = Field(default=None, max_length=300, description="decline reason")
    delay_seconds: float = Field(default=0.0, description="answer this long after deciding")
    notices: int = Field(default=1, description="how many times the bank sends its notice")


class CartLine(SQLModel, table=True):
    """One line of a dealer user's cart, kept on the server so the cart follows the user across
    logout, tabs and devices (services/ordering/carts.py). The quantity is kept as typed: the
    cart shows what was typed with its refusal; checkout checks it as today."""

    __tablename__ = "cart_line"
    __table_args__ = (
        UniqueConstraint("user_id", "item_kind", "item_id", name="uq_cart_line_item"),
        CheckConstraint("item_kind IN ('part', 'trim')", name="ck_cart_line_kind"),
    )

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    item_kind: str = Field(max_length=10)
    item_id: int  # part.id or trim.id, by item_kind
    quantity: str = Field(max_length=12)
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
