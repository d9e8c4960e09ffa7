"""A hand-checked small world for the KPI tests: one month (March 2026, reporting zone Asia/Shanghai,
reporting currency CNY) of orders at two dealers, in CNY and EUR, across the day and month
boundaries, with cancelled, refunded, pending, paid-only and delivered orders; stock; incidents; one
scorecard row. `EXPECTED` holds the figures worked out by hand (see the comments beside each order).
Orders are written as rows (not through placement), so their times are exactly what the test says."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlmodel import Session

from models import (
    FxRate,
    Location,
    Organisation,
    Part,
    Payment,
    QualityIncident,
    Refund,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentEvent,
    StockLevel,
    SupplierScorecard,
    Trim,
)
from models.types import utcnow
from services.identity.auth import Principal, principal_for
from tests.factories import (
    make_location,
    make_org,
    make_part,
    make_stock,
    make_trim,
    make_trim_stock,
    make_user,
    make_vehicle_model,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
_numbers = itertools.count(1)


def local(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Shanghai wall-clock time as aware UTC."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class KpiWorld:
    oem: Organisation
    warehouse: Location
    supplier: Organisation
    dealer_a: Organisation
    store_a: Location
    dealer_b: Organisation
    store_b: Location
    brake: Part
    filter: Part
    trim: Trim
    model_code: str
    stock_brake: StockLevel
    stock_filter: StockLevel
    stock_trim: StockLevel
    manager: Principal
    dealer_a_user: Principal
    dealer_b_user: Principal
    supplier_user: Principal
    customer_user_id: int
    dealer_a_user_id: int
    dealer_b_user_id: int
    orders: dict[str, int] = field(default_factory=dict)


def build_parties(session: Session) -> KpiWorld:
    """The organisations, places, items and stock, without orders."""
    oem = make_org(session, "oem")
    warehouse = make_location(session, oem, kind="warehouse")
    supplier = make_org(session, "supplier")
    dealer_a = make_org(session, "dealer")
    store_a = make_location(session, dealer_a, kind="store")
    dealer_b = make_org(session, "dealer", country="DE", currency="EUR", time_zone="Europe/Berlin")
    store_b = make_location(session, dealer_b, kind="store")
    store_b.country, store_b.time_zone = "DE", "Europe/Berlin"
    consumers = make_org(session, "consumer")
    brake = make_part(session, supplier, price="100.00", category="Brakes")
    filter_part = make_part(session, supplier, price="50.00", category="Filters")
    model = make_vehicle_model(session)
    trim = make_trim(session, model, price="200000.00")
    stock_brake = make_stock(session, warehouse, brake, on_hand=100)
    stock_filter = make_stock(session, warehouse, filter_part, on_hand=0)
    stock_trim = make_trim_stock(session, store_a, trim, on_hand=2, reserved=2)
    manager = make_user(session, "manager", oem)
    user_a, user_b = make_user(session, "dealer", dealer_a), make_user(session, "dealer", dealer_b)
    supplier_user = make_user(session, "supplier", supplier)
    customer = make_user(session, "customer", consumers)
    session.flush()
    return KpiWorld(
        oem=oem,
        warehouse=warehouse,
        supplier=supplier,
        dealer_a=dealer_a,
        store_a=store_a,
        dealer_b=dealer_b,
        store_b=store_b,
        brake=brake,
        filter=filter_part,
        trim=trim,
        model_code=model.code,
        stock_brake=stock_brake,
        stock_filter=stock_filter,
        stock_trim=stock_trim,
        manager=principal_for(manager, oem),
        dealer_a_user=principal_for(user_a, dealer_a),
        dealer_b_user=principal_for(user_b, dealer_b),
        supplier_user=principal_for(supplier_user, supplier),
        customer_user_id=customer.id,
        dealer_a_user_id=user_a.id,
        dealer_b_user_id=user_b.id,
    )


def add_order(
    session: Session,
    world: KpiWorld,
    *,
    dealer: str,
    created_at: datetime,
    status: str,
    lines: list[tuple[StockLevel, int, str]],
    currency: str = "CNY",
    customer: bool = False,
    paid_after: timedelta | None = None,
    delivered_after: timedelta | None = None,
    refunded: bool = False,
) -> SalesOrder:
    """One order of `dealer` ("a" or "b") with `lines` of (stock row, quantity, unit price): a dealer
    purchase from the warehouse, or (`customer`) a customer's vehicle order at dealer A's store."""
    n = next(_numbers)
    org = world.dealer_a if dealer == "a" else world.dealer_b
    store = world.store_a if dealer == "a" else world.store_b
    total = sum((Decimal(price) * quantity for _, quantity, price in lines), Decimal("0"))
    order = SalesOrder(
        number=f"SO-T{n:05d}",
        kind="customer_vehicle" if customer else "dealer_purchase",
        buyer_organisation_id=org.id if not customer else _consumer_org(session, world),
        buyer_user_id=world.customer_user_id
        if customer
        else (world.dealer_a_user_id if dealer == "a" else world.dealer_b_user_id),
        buyer_location_id=store.id,
        seller_organisation_id=org.id if customer else world.oem.id,
        source_location_id=store.id if customer else world.warehouse.id,
        status=status,
        currency=currency,
        total=total,
        idempotency_key=f"kpi-{n}",
        request_fingerprint="x" * 64,
        hold_expires_at=created_at + timedelta(minutes=15),
        created_at=created_at,
        updated_at=utcnow(),  # when the row was written: what the incremental refresh looks for
    )
    session.add(order)
    session.flush()
    for line_no, (stock, quantity, price) in enumerate(lines, start=1):
        is_part = stock.part_id is not None
        session.add(
            SalesOrderLine(
                order_id=order.id,
                line_no=line_no,
                part_id=stock.part_id,
                trim_id=stock.trim_id,
                stock_level_id=stock.id,
                item_code=f"{'P' if is_part else 'T'}{stock.part_id or stock.trim_id}",
                item_name="item",
                quantity=quantity,
                unit_price=Decimal(price),
                currency=currency,
                line_total=Decimal(price) * quantity,
            )
        )
    if paid_after is not None:
        payment = Payment(
            order_id=order.id,
            idempotency_key=f"pay-kpi-{n}",
            amount=total,
            currency=currency,
            status="refunded" if refunded else "captured",
            captured_at=created_at + paid_after,
        )
        session.add(payment)
        session.flush()
        if refunded:
            session.add(Refund(payment_id=payment.id, amount=total, currency=currency, reason="test"))
    if delivered_after is not None:
        shipment = Shipment(
            order_id=order.id, from_location_id=order.source_location_id, to_location_id=store.id
        )
        session.add(shipment)
        session.flush()
        session.add(
            ShipmentEvent(
                shipment_id=shipment.id,
                status="delivered",
                carrier="dhl",
                raw_code="delivered",
                occurred_at=created_at + (paid_after or timedelta()) + delivered_after,
                source="carrier_poll",
                dedupe_key=f"kpi-{n}",
            )
        )
    session.flush()
    return order


def _consumer_org(session: Session, world: KpiWorld) -> int:
    from models import User

    return session.get(User, world.customer_user_id).organisation_id


def add_rates(session: Session) -> None:
    """EUR: 7.70 on Friday 27 February, 7.80 on Sunday 1 March, 7.90 on Monday 2 March (3 March has none:
    the 2nd's applies)."""
    for day, rate in ((date(2026, 2, 27), "7.70"), (date(2026, 3, 1), "7.80"), (date(2026, 3, 2), "7.90")):
        session.add(FxRate(day=day, currency="EUR", rate=Decimal(rate), source="test"))
    session.flush()


def build_world(session: Session) -> KpiWorld:
    """The hand-checked month (see EXPECTED)."""
    w = build_parties(session)
    add_rates(session)
    minutes = timedelta(minutes=1)
    o = w.orders
    # o1: 00:30 on 1 March in Shanghai is still 28 February in UTC: it is March's. 3 brakes + 2 filters.
    o["o1"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 3, 1, 0, 30),
        status="allocated",
        lines=[(w.stock_brake, 3, "100.00"), (w.stock_filter, 2, "50.00")],
        paid_after=20 * minutes,
        delivered_after=timedelta(hours=48),
    ).id
    # o2: 23:30 on 28 February in Shanghai: February's (the previous period).
    o["o2"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 2, 28, 23, 30),
        status="allocated",
        lines=[(w.stock_brake, 10, "100.00")],
        paid_after=5 * minutes,
    ).id
    # o3: declined, cancelled: counted apart.
    o["o3"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 3, 10),
        status="cancelled",
        lines=[(w.stock_brake, 5, "100.00")],
    ).id
    # o4: 23:59 on 31 March in Shanghai: March's; paid, not allocated (fill rate's denominator only).
    o["o4"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 3, 31, 23, 59),
        status="paid",
        lines=[(w.stock_brake, 2, "100.00")],
        paid_after=60 * minutes,
    ).id
    # o5: a customer's vehicle at dealer A's store, online.
    o["o5"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 3, 15),
        status="allocated",
        customer=True,
        lines=[(w.stock_trim, 1, "200000.00")],
        paid_after=10 * minutes,
    ).id
    # o6: the same, refunded: counted apart.
    o["o6"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 3, 16),
        status="allocated",
        customer=True,
        lines=[(w.stock_trim, 1, "200000.00")],
        paid_after=10 * minutes,
        refunded=True,
    ).id
    # o7: still waiting for payment: in no figure.
    o["o7"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 3, 20),
        status="pending_payment",
        lines=[(w.stock_filter, 3, "50.00")],
    ).id
    # o8: dealer B, EUR 100.00 on Sunday 1 March at 7.80: CNY 780.00; delivered a day after paying.
    o["o8"] = add_order(
        session,
        w,
        dealer="b",
        created_at=local(2026, 3, 1, 10),
        status="allocated",
        currency="EUR",
        lines=[(w.stock_brake, 1, "100.00")],
        paid_after=40 * minutes,
        delivered_after=timedelta(hours=24),
    ).id
    # o9: dealer B, EUR 33.33 on 3 March, no rate that day: 2 March's 7.90 -> 263.307 -> CNY 263.31.
    o["o9"] = add_order(
        session,
        w,
        dealer="b",
        created_at=local(2026, 3, 3),
        status="paid",
        currency="EUR",
        lines=[(w.stock_brake, 1, "33.33")],
        paid_after=30 * minutes,
    ).id
    # o10: 00:10 on 1 April in Shanghai (31 March in UTC): April's.
    o["o10"] = add_order(
        session,
        w,
        dealer="a",
        created_at=local(2026, 4, 1, 0, 10),
        status="allocated",
        lines=[(w.stock_brake, 1, "100.00")],
        paid_after=5 * minutes,
    ).id
    # Incidents: answered in 30 and 90 minutes; the first closed a day after opening.
    session.add(
        QualityIncident(
            supplier_id=w.supplier.id,
            part_id=w.brake.id,
            source="receipt_reject",
            title="Burr",
            status="closed",
            opened_at=local(2026, 3, 5, 10),
            acknowledged_at=local(2026, 3, 5, 10, 30),
            response_minutes=30,
            closed_at=local(2026, 3, 6, 10),
            status_changed_at=local(2026, 3, 6, 10),
        )
    )
    session.add(
        QualityIncident(
            supplier_id=w.supplier.id,
            part_id=w.brake.id,
            source="receipt_reject",
            title="Rust",
            status="acknowledged",
            opened_at=local(2026, 3, 20, 10),
            acknowledged_at=local(2026, 3, 20, 11, 30),
            response_minutes=90,
            status_changed_at=local(2026, 3, 20, 11, 30),
        )
    )
    session.add(
        SupplierScorecard(
            supplier_id=w.supplier.id,
            period_kind="month",
            period="2026-03",
            lines_due=10,
            lines_on_time=9,
            quantity_received=1000,
            quantity_rejected=2,
        )
    )
    session.flush()
    return w


# March 2026, the whole network (worked out from the comments above).
EXPECTED = {
    "gmv": "201643.31",  # 400 + 200 + 200000 + 780.00 + 263.31
    "orders": "5.00",  # o1, o4, o5, o8, o9
    "average_order_value": "40328.66",  # 201643.31 / 5
    "order_to_paid_hours": "0.53",  # (20 + 60 + 10 + 40 + 30) / 5 minutes
    "paid_to_delivered_hours": "36.00",  # (48 h + 24 h) / 2
    "fill_rate": "70.0000",  # allocated 5 + 1 + 1 of 5 + 2 + 1 + 1 + 1 units
    "stockout_rate": "66.6667",  # filters and the trim have nothing free, of brakes, filters, trim
    "inventory_value": "410000.00",  # 100 brakes x 100 + 2 trims x 200000
    "turnover": "0.0686",  # 7 units allocated / 102 on hand
    "days_of_cover": "451.71",  # 102 / (7 / 31)
    "supplier_on_time": "90.0000",
    "supplier_quality_ppm": "2000.00",
    "incident_response_hours": "1.00",  # (30 + 90) / 2 minutes
    "incident_close_hours": "24.00",
    "test_drive_conversion": None,  # no drives booked: no figure
    "forecast_accuracy": None,  # no stored forecast run in this world
    "procurement_savings": None,  # no purchase orders in this world
}
