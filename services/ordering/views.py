"""How orders read: the views buyers and sellers get, who may see which order, the lists.

Views are frozen dataclasses of plain values (safe to keep in UI state); `as_dict()` makes them
JSON-ready. Scoping: an order is visible to its buyer (the dealer's organisation; for a customer,
that customer alone, since customers share one consumer organisation) and to its seller (the
organisation owning the source location); to anyone else it does not exist (NotFound).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_
from sqlmodel import Session, select

from models import (
    Location,
    OrderStatus,
    OrderTransition,
    Part,
    Payment,
    Refund,
    Role,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    Trim,
)
from services.catalog.lists import Page
from services.identity.auth import Principal
from services.platform.errors import NotFound, ValidationFailed


@dataclass(frozen=True)
class OrderLineView:
    line_no: int
    item_kind: str
    item_id: int
    item_code: str
    item_name: str
    quantity: int
    unit_price: Decimal
    currency: str
    line_total: Decimal
    item_name_zh: str = ""  # the part's or trim's Chinese name now ('' for none)


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    from_status: str | None
    to_status: str
    cause: str  # i18n key
    detail: str
    actor_user_id: int | None


@dataclass(frozen=True)
class ShipmentView:
    id: int
    status: str
    from_location_id: int
    to_location_id: int
    carrier_reference: str | None
    created_at: datetime
    tracking_status: str = "pending"  # the latest normalised carrier status (models/logistics.py)


@dataclass(frozen=True)
class OrderView:
    """An order as its buyer or seller sees it: header, money, lines, payment, timeline, shipment."""

    id: int
    number: str
    kind: str
    status: str
    buyer_organisation_id: int
    buyer_user_id: int
    buyer_location_id: int
    buyer_location_name: str
    source_location_id: int
    source_location_name: str
    seller_organisation_id: int
    currency: str
    total: Decimal
    deposit: Decimal | None
    amount_due: Decimal  # what the payment captures: the total, or the customer's deposit
    payment_status: str
    hold_expires_at: datetime
    cancel_code: str | None
    cancel_reason: str | None
    created_at: datetime
    updated_at: datetime
    lines: tuple[OrderLineView, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    shipment: ShipmentView | None = None
    refunded_amount: Decimal | None = None
    test_drive_id: int | None = None  # a vehicle order: the test drive it came from
    buyer_location_name_zh: str = ""
    source_location_name_zh: str = ""

    def as_dict(self) -> dict:
        """JSON-ready: money as strings ("12.50"), times as ISO 8601 UTC."""
        return _jsonable(self)


@dataclass(frozen=True)
class OrderSummary:
    """One row of an order list."""

    id: int
    number: str
    kind: str
    status: str
    buyer_location_id: int
    buyer_location_name: str
    currency: str
    total: Decimal
    amount_due: Decimal
    line_count: int
    hold_expires_at: datetime
    created_at: datetime
    buyer_location_name_zh: str = ""

    def as_dict(self) -> dict:
        return _jsonable(self)


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """A WHERE clause on SalesOrder: what `principal` may read (buyer side or seller side)."""
    if principal.role == Role.CUSTOMER:
        return SalesOrder.buyer_user_id == principal.user_id
    return or_(
        SalesOrder.buyer_organisation_id == principal.organisation_id,
        SalesOrder.seller_organisation_id == principal.organisation_id,
    )


def get_order(session: Session, principal: Principal, order_id: int) -> OrderView:
    """The order with lines, payment, timeline and shipment; NotFound ("order.not_found") when it
    does not exist or `principal` is neither its buyer nor its seller."""
    visible = (
        session.exec(select(SalesOrder.id).where(SalesOrder.id == order_id, visible_to(principal))).first()
        if isinstance(order_id, int)
        else None
    )
    if visible is None:
        raise NotFound("order.not_found", field="order_id")
    return load_order_view(session, order_id)


def list_orders(
    session: Session,
    principal: Principal,
    page: Page | None = None,
    *,
    side: str = "buyer",
    status: str | None = None,
) -> tuple[list[OrderSummary], int]:
    """The principal's orders, newest first, one page of them, and how many there are in all.

    `side` "buyer": orders the principal (a customer: the user; otherwise the organisation) placed;
    "seller": orders filled from the organisation's locations (a dealer sees its customers'
    orders, the OEM its dealers'). Customers have no seller side (empty). `status` filters.
    """
    page = page or Page()
    if side not in ("buyer", "seller"):
        raise ValidationFailed("order.side_invalid", field="side")
    if status is not None and status not in {s.value for s in OrderStatus}:
        raise ValidationFailed("order.status_invalid", field="status")
    if principal.role == Role.CUSTOMER:
        scope = SalesOrder.buyer_user_id == principal.user_id if side == "buyer" else false()
    elif side == "buyer":
        scope = SalesOrder.buyer_organisation_id == principal.organisation_id
    else:
        scope = SalesOrder.seller_organisation_id == principal.organisation_id
    base = select(SalesOrder).where(scope)
    if status is not None:
        base = base.where(SalesOrder.status == status)
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    line_count = (
        select(func.count())
        .where(SalesOrderLine.order_id == SalesOrder.id)
        .correlate(SalesOrder)
        .scalar_subquery()
    )
    rows = session.exec(
        select(SalesOrder, Location.name, Payment.amount, line_count, Location.name_zh)
        .join(Location, Location.id == SalesOrder.buyer_location_id)
        # An order without its payment row (older or seeded ones) is listed all the same: the
        # count above includes it, so a page must too.
        .outerjoin(Payment, Payment.order_id == SalesOrder.id)
        .where(scope, *([SalesOrder.status == status] if status is not None else []))
        .order_by(SalesOrder.created_at.desc(), SalesOrder.id.desc())
        .offset(page.offset)
        .limit(page.size)
    ).all()
    return [
        OrderSummary(
            id=o.id,
            number=o.number,
            kind=o.kind,
            status=o.status,
            buyer_location_id=o.buyer_location_id,
            buyer_location_name=location_name,
            currency=o.currency,
            total=o.total,
            amount_due=amount if amount is not None else (o.deposit if o.deposit is not None else o.total),
            line_count=count,
            hold_expires_at=o.hold_expires_at,
            created_at=o.created_at,
            buyer_location_name_zh=location_name_zh or "",
        )
        for o, location_name, amount, count, location_name_zh in rows
    ], total


def load_order_view(session: Session, order_id: int) -> OrderView:
    """The full view of an order, unscoped: for services that already checked access."""
    order = session.get(SalesOrder, order_id, populate_existing=True)
    if order is None:
        raise NotFound("order.not_found", field="order_id")
    payment = session.exec(select(Payment).where(Payment.order_id == order_id)).one()
    located = session.exec(
        select(Location.id, Location.name, Location.name_zh).where(
            Location.id.in_([order.buyer_location_id, order.source_location_id])
        )
    ).all()
    names = {location_id: name for location_id, name, _ in located}
    names_zh = {location_id: name_zh or "" for location_id, _, name_zh in located}
    lines = session.exec(
        select(SalesOrderLine).where(SalesOrderLine.order_id == order_id).order_by(SalesOrderLine.line_no)
    ).all()
    transitions = session.exec(
        select(OrderTransition).where(OrderTransition.order_id == order_id).order_by(OrderTransition.id)
    ).all()
    items_zh = _item_names_zh(session, lines)
    shipment = session.exec(select(Shipment).where(Shipment.order_id == order_id)).first()
    refund = session.exec(select(Refund).where(Refund.payment_id == payment.id)).first()
    return build_view(
        order,
        payment,
        names.get(order.buyer_location_id, ""),
        names.get(order.source_location_id, ""),
        lines=[line_view(line, items_zh) for line in lines],
        transitions=transitions,
        shipment=shipment,
        refunded_amount=refund.amount if refund is not None else None,
        location_names_zh=(
            names_zh.get(order.buyer_location_id, ""),
            names_zh.get(order.source_location_id, ""),
        ),
    )


def _item_names_zh(session: Session, lines: Sequence[SalesOrderLine]) -> dict[tuple[str, int], str]:
    """The Chinese names of the lines' parts and trims, by (kind, id)."""
    part_ids = [line.part_id for line in lines if line.part_id is not None]
    trim_ids = [line.trim_id for line in lines if line.trim_id is not None]
    names: dict[tuple[str, int], str] = {}
    if part_ids:
        for part_id, name_zh in session.exec(select(Part.id, Part.name_zh).where(Part.id.in_(part_ids))):
            names[("part", part_id)] = name_zh or ""
    if trim_ids:
        for trim_id, name_zh in session.exec(select(Trim.id, Trim.name_zh).where(Trim.id.in_(trim_ids))):
            names[("trim", trim_id)] = name_zh or ""
    return names


def line_view(line: SalesOrderLine, names_zh: dict[tuple[str, int], str] | None = None) -> OrderLineView:
    kind = "part" if line.part_id is not None else "trim"
    item_id = line.part_id if line.part_id is not None else line.trim_id
    return OrderLineView(
        line_no=line.line_no,
        item_kind=kind,
        item_id=item_id,
        item_name_zh=(names_zh or {}).get((kind, item_id), ""),
        item_code=line.item_code,
        item_name=line.item_name,
        quantity=line.quantity,
        unit_price=line.unit_price,
        currency=line.currency,
        line_total=line.line_total,
    )


def build_view(
    order: SalesOrder,
    payment: Payment,
    buyer_location_name: str,
    source_location_name: str,
    *,
    lines: list[OrderLineView],
    transitions: Sequence[OrderTransition],
    shipment: Shipment | None = None,
    refunded_amount: Decimal | None = None,
    location_names_zh: tuple[str, str] = ("", ""),
) -> OrderView:
    return OrderView(
        id=order.id,
        number=order.number,
        kind=order.kind,
        status=order.status,
        buyer_organisation_id=order.buyer_organisation_id,
        buyer_user_id=order.buyer_user_id,
        buyer_location_id=order.buyer_location_id,
        buyer_location_name=buyer_location_name,
        source_location_id=order.source_location_id,
        source_location_name=source_location_name,
        seller_organisation_id=order.seller_organisation_id,
        currency=order.currency,
        total=order.total,
        deposit=order.deposit,
        amount_due=payment.amount,
        payment_status=payment.status,
        hold_expires_at=order.hold_expires_at,
        cancel_code=order.cancel_code,
        cancel_reason=order.cancel_reason,
        created_at=order.created_at,
        updated_at=order.updated_at,
        test_drive_id=getattr(order, "test_drive_id", None),
        lines=tuple(lines),
        timeline=tuple(
            TimelineEntry(t.at, t.from_status, t.to_status, t.cause, t.detail, t.actor_user_id)
            for t in transitions
        ),
        shipment=None
        if shipment is None
        else ShipmentView(
            shipment.id,
            shipment.status,
            shipment.from_location_id,
            shipment.to_location_id,
            shipment.carrier_reference,
            shipment.created_at,
            shipment.tracking_status,
        ),
        refunded_amount=refunded_amount,
        buyer_location_name_zh=location_names_zh[0],
        source_location_name_zh=location_names_zh[1],
    )


def _jsonable(value: Any) -> Any:
    """Plain JSON values from a view (its nested views included), without `asdict`'s deep copy."""
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is not None and not isinstance(value, type):
        return {name: _jsonable(getattr(value, name)) for name in fields}
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value
