"""Twelve months of sales history for the KPI dashboard and the planners: dealer part orders and
customers' car orders at every dealer store, with the story a real network's year has.

- **Volume:** `orders` over the 365 days before `now` (demo 8,000; the large seed 3,000,000, the
  brief's 100,000 orders a day for a month's worth), spread over the stores by a size per store.
- **Growth and seasonality:** +25 % over the year; the Spring Festival trough in February, the
  "golden September, silver October" peak and the year-end push; dealers order on working days,
  customers buy cars at the weekend.
- **Anomalies** for the attention panel to find: one dealer's orders collapse in the last complete
  week (a system migration at the store), another's spike two weeks before (a fleet deal), and the
  whole network dips for a week in early summer (a port strike held the parts back).
- **Outcomes:** most orders paid within minutes and allocated, then delivered days later (a shipment
  with its delivered event); about 5 % cancelled (payment timeout, declined, the buyer), 1.5 %
  refunded; the newest still waiting for payment; the ones allocated but not delivered yet wait for
  dispatch (no shipment yet).
- **Items:** parts from the carmaker's warehouse stock, a few fast movers and a long tail (most car
  parts sell rarely), one to three lines in the currency of the parts' supplier; cars from the
  store's own stock of trims, with a 10 % deposit.

Deterministic for a seed and a `now`; written with COPY on PostgreSQL (services/seed/bulk.py), a
month at a time, in the caller's transaction (it commits). The orders need no stock movements: they
are history, and the stock seeded is today's.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlmodel import Session

from models import (
    Location,
    Organisation,
    Part,
    Payment,
    Refund,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentEvent,
    StockLevel,
    Trim,
    User,
)
from services.seed.bulk import BulkWriter

DEMO_ORDERS = 8_000
LARGE_ORDERS = 3_000_000
DAYS = 365
GROWTH = 0.25  # over the year
VEHICLE_SHARE = 0.12
# Month of the year -> demand factor (Spring Festival in February; September-October's peak).
MONTH_FACTOR = {
    1: 1.05,
    2: 0.70,
    3: 0.95,
    4: 1.0,
    5: 1.0,
    6: 1.02,
    7: 0.95,
    8: 0.98,
    9: 1.15,
    10: 1.2,
    11: 1.08,
    12: 1.12,
}
DEALER_WEEKDAY = (1.2, 1.15, 1.15, 1.15, 1.1, 0.75, 0.5)  # Monday first
CUSTOMER_WEEKDAY = (0.75, 0.75, 0.8, 0.85, 1.0, 1.6, 1.45)
PARTS_PER_WAREHOUSE = 3_000  # the assortment history draws from (a long tail of it)
CENT = Decimal("0.01")
_CANCEL_CODES = (
    "order.cancelled.payment_timeout",
    "order.cancelled.payment_declined",
    "order.cancelled.by_buyer",
)

ORDER_COLUMNS = (
    "id",
    "number",
    "kind",
    "buyer_organisation_id",
    "buyer_user_id",
    "buyer_location_id",
    "seller_organisation_id",
    "source_location_id",
    "status",
    "currency",
    "total",
    "deposit",
    "idempotency_key",
    "request_fingerprint",
    "hold_expires_at",
    "cancel_code",
    "created_at",
    "updated_at",
)
LINE_COLUMNS = (
    "order_id",
    "line_no",
    "part_id",
    "trim_id",
    "stock_level_id",
    "item_code",
    "item_name",
    "quantity",
    "unit_price",
    "currency",
    "line_total",
)
PAYMENT_COLUMNS = (
    "id",
    "order_id",
    "idempotency_key",
    "amount",
    "currency",
    "status",
    "gateway_reference",
    "captured_at",
    "created_at",
    "updated_at",
)
REFUND_COLUMNS = ("payment_id", "amount", "currency", "reason", "at")
SHIPMENT_COLUMNS = (
    "id",
    "order_id",
    "from_location_id",
    "to_location_id",
    "status",
    "promise_at_risk",
    "tracking_number",
    "carrier",
    "tracking_status",
    "last_event_at",
    "created_at",
)
EVENT_COLUMNS = (
    "shipment_id",
    "status",
    "carrier",
    "raw_code",
    "raw_text",
    "occurred_at",
    "received_at",
    "source",
    "dedupe_key",
)


@dataclass(frozen=True)
class _Store:
    id: int
    dealer_id: int
    user_id: int
    warehouse_id: int
    warehouse_org_id: int
    size: float
    zone: ZoneInfo


@dataclass(frozen=True)
class _Item:
    stock_id: int
    part_id: int | None
    trim_id: int | None
    code: str
    name: str
    price: Decimal
    currency: str


class _Ids:
    """Ids drawn ahead of the rows (so lines, payments and events can point at them)."""

    def __init__(self, session: Session, table) -> None:
        start = session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
        self.table = table
        self.counter = itertools.count(start + 1)
        self.last = start

    def next(self) -> int:
        self.last = next(self.counter)
        return self.last


def seed_sales_history(
    session: Session,
    *,
    rng_seed: int,
    now: datetime,
    orders: int = DEMO_ORDERS,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Write about `orders` orders over the DAYS days before `now` (see the module's doc); commits.
    Returns the counts written. Writes nothing when there are no dealer stores or no stock."""
    say = progress or (lambda _line: None)
    rng = random.Random(rng_seed)
    stores = _stores(session, rng)
    parts = _part_assortment(session)
    cars = _car_stock(session)
    customer = session.execute(
        select(User.id, User.organisation_id).where(User.email_normalized == "customer@demo.test")
    ).first()
    if not stores or not parts:
        return {"orders": 0}
    ids = {
        name: _Ids(session, table.__table__)
        for name, table in (("order", SalesOrder), ("payment", Payment), ("shipment", Shipment))
    }
    writer = BulkWriter(session.connection())
    first_day = (now - timedelta(days=DAYS)).date()
    intensity = _intensities(stores, first_day, orders)
    counts = dict.fromkeys(("orders", "lines", "payments", "refunds", "shipments", "cancelled"), 0)
    month: list[tuple[date, _Store, str, float]] = []
    for offset in range(DAYS):
        day = first_day + timedelta(days=offset)
        for store in stores:
            for kind, lam in intensity(day, store):
                month.extend((day, store, kind, lam) for _ in range(_poisson(rng, lam)))
        if offset == DAYS - 1 or (day + timedelta(days=1)).day == 1:
            rows = _month_rows(rng, month, parts, cars, customer, ids, now)
            _write(writer, rows, counts)
            say(f"sales history: {counts['orders']:,} orders up to {day.isoformat()}")
            month = []
    _advance_sequences(session, ids)
    writer.analyze([SalesOrder.__table__, SalesOrderLine.__table__, Payment.__table__, Shipment.__table__])
    session.commit()
    return counts


# ---------------------------------------------------------------- the world the history draws from


def _stores(session: Session, rng: random.Random) -> list[_Store]:
    dealer_user = (
        select(User.organisation_id, func.min(User.id).label("user_id"))
        .where(User.role == "dealer")
        .group_by(User.organisation_id)
        .subquery()
    )
    rows = session.execute(
        select(
            Location.id, Location.organisation_id, Location.country, Location.time_zone, dealer_user.c.user_id
        )
        .join(Organisation, Organisation.id == Location.organisation_id)
        .join(dealer_user, dealer_user.c.organisation_id == Location.organisation_id)
        .where(Organisation.kind == "dealer", Location.kind == "store")
        .order_by(Location.id)
    ).all()
    warehouses = session.execute(
        select(Location.id, Location.organisation_id, Location.country)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(Organisation.kind == "oem", Location.kind == "warehouse")
        .order_by(Location.id)
    ).all()
    if not warehouses:
        return []
    out = []
    for row in rows:
        home = next((w for w in warehouses if w.country == row.country), warehouses[0])
        size = math.exp(rng.gauss(0, 0.45))
        zone = ZoneInfo(row.time_zone or "UTC")
        out.append(
            _Store(row.id, row.organisation_id, row.user_id, home.id, home.organisation_id, size, zone)
        )
    return out


def _part_assortment(session: Session) -> dict[int, tuple[list[_Item], list[float]]]:
    """Per warehouse: up to PARTS_PER_WAREHOUSE of its part stock rows and cumulative weights, a
    Zipf-like long tail (the first parts are the fast movers)."""
    out: dict[int, tuple[list[_Item], list[float]]] = {}
    warehouse_ids = session.execute(
        select(Location.id)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(Organisation.kind == "oem", Location.kind == "warehouse")
    ).scalars()
    for warehouse_id in warehouse_ids:
        rows = session.execute(
            select(StockLevel.id, Part.id, Part.sku, Part.name, Part.list_price, Part.currency)
            .join(Part, Part.id == StockLevel.part_id)
            .where(StockLevel.location_id == warehouse_id, Part.list_price > 0)
            .order_by(StockLevel.id)
            .limit(PARTS_PER_WAREHOUSE)
        ).all()
        items = [_Item(r[0], r[1], None, r[2][:40], r[3][:200], r[4], r[5]) for r in rows]
        weights = list(itertools.accumulate(1 / (rank + 3) ** 1.1 for rank in range(len(items))))
        if items:
            out[warehouse_id] = (items, weights)
    return out


def _car_stock(session: Session) -> dict[int, list[_Item]]:
    """Per store: its trim stock rows (cars on the lot it can sell)."""
    rows = session.execute(
        select(
            StockLevel.location_id, StockLevel.id, Trim.id, Trim.code, Trim.name, Trim.price, Trim.currency
        )
        .join(Trim, Trim.id == StockLevel.trim_id)
        .order_by(StockLevel.id)
    ).all()
    out: dict[int, list[_Item]] = {}
    for location_id, stock_id, trim_id, code, name, price, currency in rows:
        out.setdefault(location_id, []).append(
            _Item(stock_id, None, trim_id, code[:40], name[:200], price, currency)
        )
    return out


def _intensities(stores: list[_Store], first_day: date, orders: int):
    """(day, store) -> [(kind, expected orders)], scaled so the year holds about `orders`."""
    last_monday = (
        first_day + timedelta(days=DAYS) - timedelta(days=(first_day + timedelta(days=DAYS)).weekday())
    )
    collapse = (last_monday - timedelta(days=7), last_monday - timedelta(days=1))  # the last complete week
    spike = (collapse[0] - timedelta(days=14), collapse[0] - timedelta(days=8))
    strike_start = first_day + timedelta(days=DAYS - 190)
    strike = (strike_start, strike_start + timedelta(days=6))
    collapse_store = stores[1 % len(stores)].id
    spike_store = stores[3 % len(stores)].id

    def shape(day: date, store: _Store, weekday: tuple[float, ...]) -> float:
        t = (day - first_day).days / DAYS
        value = (1 + GROWTH * t) * MONTH_FACTOR[day.month] * weekday[day.weekday()] * store.size
        if store.id == collapse_store and collapse[0] <= day <= collapse[1]:
            value *= 0.12
        if store.id == spike_store and spike[0] <= day <= spike[1]:
            value *= 2.8
        if strike[0] <= day <= strike[1]:
            value *= 0.5
        return value

    total_shape = sum(
        shape(first_day + timedelta(days=k), store, DEALER_WEEKDAY) for k in range(DAYS) for store in stores
    )
    per_unit = orders / total_shape

    def intensity(day: date, store: _Store) -> list[tuple[str, float]]:
        base = per_unit
        return [
            ("dealer_purchase", base * (1 - VEHICLE_SHARE) * shape(day, store, DEALER_WEEKDAY)),
            ("customer_vehicle", base * VEHICLE_SHARE * shape(day, store, CUSTOMER_WEEKDAY)),
        ]

    return intensity


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:  # normal approximation: exact enough for counts this large, and fast
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, product = math.exp(-lam), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


# ---------------------------------------------------------------- the rows


def _month_rows(rng, placed, parts, cars, customer, ids, now) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {
        name: [] for name in ("orders", "lines", "payments", "refunds", "shipments", "events")
    }
    for day, store, kind, _lam in placed:
        # Local business hours at the store, stored in UTC.
        local = datetime.combine(day, datetime.min.time(), store.zone) + timedelta(
            seconds=rng.randint(8 * 3600, 20 * 3600)
        )
        created = local.astimezone(UTC)
        if created >= now:
            continue
        if kind == "customer_vehicle":
            lot = cars.get(store.id)
            if not lot or customer is None:
                continue
            item = lot[rng.randrange(len(lot))]
            lines = [(item, 1)]
            buyer_org, buyer_user = customer.organisation_id, customer.id
            seller, source = store.dealer_id, store.id
        else:
            items, weights = parts.get(store.warehouse_id) or next(iter(parts.values()))
            first = rng.choices(items, cum_weights=weights)[0]
            same = [first]
            for _ in range(rng.choices((0, 1, 2), (55, 30, 15))[0]):
                other = rng.choices(items, cum_weights=weights)[0]
                if other.currency == first.currency and other not in same:
                    same.append(other)
            lines = [(item, rng.choices((1, 2, 4, 10, 20), (45, 25, 15, 10, 5))[0]) for item in same]
            buyer_org, buyer_user = store.dealer_id, store.user_id
            seller, source = store.warehouse_org_id, store.warehouse_id
        _order_rows(rng, rows, ids, now, created, kind, store, lines, buyer_org, buyer_user, seller, source)
    return rows


def _order_rows(
    rng, rows, ids, now, created, kind, store, lines, buyer_org, buyer_user, seller, source
) -> None:
    order_id = ids["order"].next()
    currency = lines[0][0].currency
    total = sum((item.price * quantity for item, quantity in lines), Decimal("0"))
    deposit = (total / 10).quantize(CENT, rounding=ROUND_HALF_UP) if kind == "customer_vehicle" else None
    age = now - created
    draw = rng.random()
    if age < timedelta(hours=6) and draw < 0.3:
        status = "pending_payment"
    elif draw < 0.05:
        status = "cancelled"
    elif age < timedelta(minutes=15):  # the worker allocates a paid order within seconds
        status = "paid"
    else:
        status = "allocated"
    refunded = status == "allocated" and rng.random() < 0.015
    cancel_code = rng.choice(_CANCEL_CODES) if status == "cancelled" else None
    paid_at = None
    if status in ("paid", "allocated"):
        paid_at = created + timedelta(minutes=min(24 * 60, rng.lognormvariate(1.6, 1.1)))
        if paid_at >= now:
            status, paid_at = "pending_payment", None
    updated = paid_at or created
    rows["orders"].append(
        (
            order_id,
            f"SO-{order_id:06d}",
            kind,
            buyer_org,
            buyer_user,
            store.id,
            seller,
            source,
            status,
            currency,
            total,
            deposit,
            f"seed-history-{order_id}",
            "0" * 64,
            created + timedelta(minutes=15),
            cancel_code,
            created,
            updated,
        )
    )
    for line_no, (item, quantity) in enumerate(lines, start=1):
        rows["lines"].append(
            (
                order_id,
                line_no,
                item.part_id,
                item.trim_id,
                item.stock_id,
                item.code,
                item.name,
                quantity,
                item.price,
                currency,
                item.price * quantity,
            )
        )
    # Every order has its payment row, as placement writes it: captured (or refunded later), still
    # pending, declined by the bank, or void when the hold ran out or the buyer cancelled.
    payment_id = ids["payment"].next()
    amount = deposit if deposit is not None else total
    if paid_at is not None:
        payment_status = "refunded" if refunded else "captured"
    elif status == "pending_payment":
        payment_status = "pending"
    else:
        payment_status = "declined" if cancel_code == "order.cancelled.payment_declined" else "void"
    rows["payments"].append(
        (
            payment_id,
            order_id,
            f"pay-seed-history-{order_id}",
            amount,
            currency,
            payment_status,
            f"SEED-H{order_id:08d}" if paid_at is not None else None,
            paid_at,
            created,
            updated,
        )
    )
    if paid_at is None:
        return
    if refunded:
        rows["refunds"].append((payment_id, amount, currency, "seed: returned", paid_at + timedelta(days=3)))
    if status != "allocated":
        return
    days = rng.uniform(7, 25) if kind == "customer_vehicle" else rng.lognormvariate(0.9, 0.5)
    delivered = paid_at + timedelta(days=days)
    if delivered >= now:
        return
    shipment_id = ids["shipment"].next()
    rows["shipments"].append(
        (
            shipment_id,
            order_id,
            source,
            store.id,
            "created",
            False,
            f"HIS{shipment_id:010d}",
            "dhl",
            "delivered",
            delivered,
            paid_at,
        )
    )
    rows["events"].append(
        (
            shipment_id,
            "delivered",
            "dhl",
            "OK",
            "Delivered",
            delivered,
            delivered,
            "carrier_poll",
            f"seed-history-{shipment_id}",
        )
    )


def _write(writer: BulkWriter, rows: dict[str, list[tuple]], counts: dict) -> None:
    writer.insert(SalesOrder.__table__, ORDER_COLUMNS, rows["orders"])
    writer.insert(SalesOrderLine.__table__, LINE_COLUMNS, rows["lines"])
    writer.insert(Payment.__table__, PAYMENT_COLUMNS, rows["payments"])
    writer.insert(Refund.__table__, REFUND_COLUMNS, rows["refunds"])
    writer.insert(Shipment.__table__, SHIPMENT_COLUMNS, rows["shipments"])
    writer.insert(ShipmentEvent.__table__, EVENT_COLUMNS, rows["events"])
    counts["orders"] += len(rows["orders"])
    counts["lines"] += len(rows["lines"])
    counts["payments"] += len(rows["payments"])
    counts["refunds"] += len(rows["refunds"])
    counts["shipments"] += len(rows["shipments"])
    counts["cancelled"] += sum(1 for row in rows["orders"] if row[8] == "cancelled")


def _advance_sequences(session: Session, ids: dict[str, _Ids]) -> None:
    """PostgreSQL's id sequences past the ids drawn here (SQLite takes max(id) + 1 by itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for drawn in ids.values():  # lines, refunds and events took their ids from the sequences
        name = drawn.table.name
        session.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), {max(drawn.last, 1)})"))
