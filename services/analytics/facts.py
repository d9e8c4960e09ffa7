"""The daily fact tables: derived from the order tables by a full rebuild or an incremental refresh.

One function derives the facts of a set of days from the source rows (`derive_orders` gives the
per-order records, shared with the drill-down, so a figure and its rows are computed the same way);
a full rebuild runs it over every day with orders, an incremental refresh over the days that changed.
Both delete the days' facts and insert them again in one transaction, so incremental == rebuild by
construction (a property test checks it), and a rerun writes the same rows. On PostgreSQL the same
rules run as set-based SQL (services/analytics/facts_sql.py; a test compares the two on random
worlds): a year of millions of orders rebuilds in one pass instead of a week at a time in Python.

Which order belongs to which day: its placement time, as a calendar day in the reporting time zone.
Which store and dealer: the store the buyer ordered at (`buyer_location_id`) and the dealer that owns
it, for a dealer's own purchase and for a customer's order alike (a customer's car built at the plant
is sold by the carmaker's warehouse, but it was sold at that dealer's store).
An order stands when it is paid or allocated and has no refund; one cancelled (declined, expired,
cancelled by the buyer) or refunded is counted apart; one still waiting for payment is in neither.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, insert, or_, select, text
from sqlmodel import Session

from models import (
    Channel,
    FactsRefresh,
    ItemKind,
    LineFactDaily,
    Location,
    OrderFactDaily,
    OrderKind,
    OrderStatus,
    Part,
    Payment,
    Refund,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentEvent,
    StockDemandDaily,
    TrackingStatus,
    Trim,
    VehicleModel,
)
from models.settings import get_settings
from models.types import utcnow
from services.analytics import fx

# Topic of the outbox message a refresh leaves behind: open dashboards reload their tiles.
FACTS_CHANGED = "analytics.facts_changed"
# A refresh re-derives the days of rows changed since the previous refresh began, less this much:
# a transaction that stamped its rows just before and committed just after that start is caught.
WATERMARK_MARGIN = timedelta(minutes=5)
# Every table the facts write (a refresh deletes and re-derives their days).
FACT_TABLES = (OrderFactDaily, LineFactDaily, StockDemandDaily)
# Days per pass of a full rebuild (bounded memory on a year of orders).
REBUILD_DAYS_PER_PASS = 7
_DELIVERED = (TrackingStatus.DELIVERED.value, TrackingStatus.HANDED_OVER.value)


def reporting_zone() -> ZoneInfo:
    return ZoneInfo(get_settings().reporting_time_zone)


def day_bounds(first: date, last: date, zone: ZoneInfo | None = None) -> tuple[datetime, datetime]:
    """[start, end) in UTC of the calendar days `first`..`last` in `zone` (the reporting zone):
    a day is midnight to midnight there, so 23 or 25 hours long across a DST change."""
    zone = zone or reporting_zone()
    start = datetime.combine(first, datetime.min.time(), zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone).astimezone(UTC)
    return start, end


def local_day(moment: datetime, zone: ZoneInfo | None = None) -> date:
    return moment.astimezone(zone or reporting_zone()).date()


@dataclass
class LineRecord:
    line_id: int
    line_no: int
    stock_level_id: int
    item_kind: str
    category: str
    supplier_organisation_id: int | None
    item_code: str
    item_name: str
    quantity: int
    line_total: Decimal
    value_reporting: Decimal = Decimal("0")


@dataclass
class OrderRecord:
    """One order as the facts and the drill-down see it."""

    order_id: int
    number: str
    day: date
    created_at: datetime
    dealer_organisation_id: int
    store_location_id: int
    channel: str
    kind: str
    status: str
    currency: str
    total: Decimal
    refunded: bool
    captured_at: datetime | None
    delivered_at: datetime | None
    rate: Decimal = Decimal("1")
    rate_day: date | None = None
    value_reporting: Decimal = Decimal("0")
    lines: list[LineRecord] = field(default_factory=list)

    @property
    def standing(self) -> bool:
        return self.status in (OrderStatus.PAID, OrderStatus.ALLOCATED) and not self.refunded

    @property
    def cancelled(self) -> bool:
        return self.status == OrderStatus.CANCELLED or self.refunded

    @property
    def allocated(self) -> bool:
        return self.status == OrderStatus.ALLOCATED and not self.refunded

    @property
    def paid_minutes(self) -> int | None:
        if self.captured_at is None:
            return None
        return max(0, int((self.captured_at - self.created_at).total_seconds() // 60))

    @property
    def delivered_minutes(self) -> int | None:
        if self.captured_at is None or self.delivered_at is None:
            return None
        return max(0, int((self.delivered_at - self.captured_at).total_seconds() // 60))


def channel_of(kind: str, test_drive_id: int | None) -> str:
    if kind == OrderKind.DEALER_PURCHASE:
        return Channel.DEALER_ORDER
    return Channel.CUSTOMER_STORE if test_drive_id is not None else Channel.CUSTOMER_ONLINE


def derive_orders(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    dealer_ids: Collection[int] | None = None,
    order_ids: Collection[int] | None = None,
    with_lines: bool = True,
    book: fx.RateBook | None = None,
) -> list[OrderRecord]:
    """Every order placed in [start, end) (UTC), of `dealer_ids` when given and among `order_ids`
    when given (the drill-down's page), with its dealer, store, channel, payment, refund and delivery
    times, converted at the rate of its day; with its lines (item kind, category, supplier) when
    `with_lines`. In id order.

    Raises ValidationFailed `fx.rate_missing` when an order's currency has no rate on or before its
    day (no figure is invented)."""
    zone = reporting_zone()
    columns = (
        SalesOrder.id,
        SalesOrder.number,
        SalesOrder.created_at,
        SalesOrder.kind,
        SalesOrder.status,
        SalesOrder.currency,
        SalesOrder.total,
        SalesOrder.test_drive_id,
        SalesOrder.buyer_organisation_id,
        SalesOrder.buyer_location_id,
        Location.organisation_id.label("store_organisation_id"),
        Payment.captured_at,
        Refund.id.label("refund_id"),
    )

    def orders(*delivered_at):
        return (
            select(*columns, *delivered_at)
            .join(Location, Location.id == SalesOrder.buyer_location_id)
            .outerjoin(Payment, Payment.order_id == SalesOrder.id)
            .outerjoin(Refund, Refund.payment_id == Payment.id)
            .where(SalesOrder.created_at >= start, SalesOrder.created_at < end)
            .order_by(SalesOrder.id)
        )

    if order_ids is None:  # a range: every delivery grouped once
        delivered = (
            select(Shipment.order_id, func.min(ShipmentEvent.occurred_at).label("delivered_at"))
            .join(ShipmentEvent, ShipmentEvent.shipment_id == Shipment.id)
            .where(ShipmentEvent.status.in_(_DELIVERED))
            .group_by(Shipment.order_id)
            .subquery()
        )
        query = orders(delivered.c.delivered_at).outerjoin(delivered, delivered.c.order_id == SalesOrder.id)
        found = session.execute(query).all()
    else:  # a page of orders: each one's delivery looked up by its id, not every delivery grouped
        delivered_at = (
            select(func.min(ShipmentEvent.occurred_at))
            .join(Shipment, Shipment.id == ShipmentEvent.shipment_id)
            .where(Shipment.order_id == SalesOrder.id, ShipmentEvent.status.in_(_DELIVERED))
            .scalar_subquery()
            .label("delivered_at")
        )
        query = orders(delivered_at)
        ids = sorted(set(order_ids))
        found = [
            row
            for begin in range(0, len(ids), 1000)
            for row in session.execute(query.where(SalesOrder.id.in_(ids[begin : begin + 1000]))).all()
        ]
    wanted = None if dealer_ids is None else set(dealer_ids)
    records: list[OrderRecord] = []
    for row in found:
        dealer_id = row.store_organisation_id
        if wanted is not None and dealer_id not in wanted:
            continue
        created_at = _aware(row.created_at)
        records.append(
            OrderRecord(
                order_id=row.id,
                number=row.number or f"#{row.id}",
                day=created_at.astimezone(zone).date(),
                created_at=created_at,
                dealer_organisation_id=dealer_id,
                store_location_id=row.buyer_location_id,
                channel=channel_of(row.kind, row.test_drive_id),
                kind=row.kind,
                status=row.status,
                currency=row.currency,
                total=row.total,
                refunded=row.refund_id is not None,
                captured_at=_aware(row.captured_at),
                delivered_at=_aware(row.delivered_at),
            )
        )
    if not records:
        return records
    if book is None:
        book = fx.load_rates(session, {r.currency for r in records}, max(r.day for r in records))
    for record in records:
        record.rate, record.rate_day = book.lookup(record.currency, record.day)
        record.value_reporting = fx.convert(record.total, record.rate)
    if with_lines:
        _attach_lines(session, records)
    return records


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _attach_lines(session: Session, records: list[OrderRecord]) -> None:
    by_id = {record.order_id: record for record in records}
    ids = sorted(by_id)
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = session.execute(
            select(
                SalesOrderLine.id,
                SalesOrderLine.order_id,
                SalesOrderLine.line_no,
                SalesOrderLine.stock_level_id,
                SalesOrderLine.part_id,
                SalesOrderLine.item_code,
                SalesOrderLine.item_name,
                SalesOrderLine.quantity,
                SalesOrderLine.line_total,
                Part.category,
                Part.supplier_id,
                VehicleModel.code.label("model_code"),
            )
            .outerjoin(Part, Part.id == SalesOrderLine.part_id)
            .outerjoin(Trim, Trim.id == SalesOrderLine.trim_id)
            .outerjoin(VehicleModel, VehicleModel.id == Trim.model_id)
            .where(SalesOrderLine.order_id.in_(chunk))
            .order_by(SalesOrderLine.order_id, SalesOrderLine.line_no)
        ).all()
        for row in rows:
            record = by_id[row.order_id]
            is_part = row.part_id is not None
            record.lines.append(
                LineRecord(
                    line_id=row.id,
                    line_no=row.line_no,
                    stock_level_id=row.stock_level_id,
                    item_kind=ItemKind.PART if is_part else ItemKind.VEHICLE,
                    category=(row.category if is_part else row.model_code) or "",
                    supplier_organisation_id=row.supplier_id if is_part else None,
                    item_code=row.item_code,
                    item_name=row.item_name,
                    quantity=row.quantity,
                    line_total=row.line_total,
                    value_reporting=fx.convert(row.line_total, record.rate),
                )
            )


def _fact_rows(records: Iterable[OrderRecord]) -> tuple[list[dict], list[dict]]:
    orders: dict[tuple, dict] = {}
    lines: dict[tuple, dict] = {}
    line_orders: dict[tuple, set[int]] = defaultdict(set)
    for record in records:
        if not (record.standing or record.cancelled):
            continue
        key = (
            record.day,
            record.dealer_organisation_id,
            record.store_location_id,
            record.channel,
            record.currency,
        )
        fact = orders.setdefault(
            key,
            {
                "day": record.day,
                "dealer_organisation_id": record.dealer_organisation_id,
                "store_location_id": record.store_location_id,
                "channel": record.channel,
                "currency": record.currency,
                "orders": 0,
                "value": Decimal("0"),
                "value_reporting": Decimal("0"),
                "cancelled_orders": 0,
                "cancelled_value_reporting": Decimal("0"),
                "paid_orders": 0,
                "paid_minutes": 0,
                "delivered_orders": 0,
                "delivered_minutes": 0,
                "units": 0,
                "units_allocated": 0,
            },
        )
        if record.cancelled:
            fact["cancelled_orders"] += 1
            fact["cancelled_value_reporting"] += record.value_reporting
            continue
        fact["orders"] += 1
        fact["value"] += record.total
        fact["value_reporting"] += record.value_reporting
        if record.paid_minutes is not None:
            fact["paid_orders"] += 1
            fact["paid_minutes"] += record.paid_minutes
        if record.delivered_minutes is not None:
            fact["delivered_orders"] += 1
            fact["delivered_minutes"] += record.delivered_minutes
        units = sum(line.quantity for line in record.lines)
        fact["units"] += units
        fact["units_allocated"] += units if record.allocated else 0
        for line in record.lines:
            line_key = (*key[:4], line.item_kind, line.category, line.supplier_organisation_id, key[4])
            line_fact = lines.setdefault(
                line_key,
                {
                    "day": record.day,
                    "dealer_organisation_id": record.dealer_organisation_id,
                    "store_location_id": record.store_location_id,
                    "channel": record.channel,
                    "item_kind": line.item_kind,
                    "category": line.category,
                    "supplier_organisation_id": line.supplier_organisation_id,
                    "currency": record.currency,
                    "orders": 0,
                    "units": 0,
                    "units_allocated": 0,
                    "value": Decimal("0"),
                    "value_reporting": Decimal("0"),
                },
            )
            line_orders[line_key].add(record.order_id)
            line_fact["units"] += line.quantity
            line_fact["units_allocated"] += line.quantity if record.allocated else 0
            line_fact["value"] += line.line_total
            line_fact["value_reporting"] += line.value_reporting
    for line_key, fact in lines.items():
        fact["orders"] = len(line_orders[line_key])
    return list(orders.values()), list(lines.values())


def _demand_rows(records: Iterable[OrderRecord]) -> list[dict]:
    """The stock rows ordered from per day and dealer: every order placed, whatever became of it."""
    demanded: dict[tuple, set[int]] = defaultdict(set)
    for record in records:
        for line in record.lines:
            demanded[(record.day, line.stock_level_id, record.dealer_organisation_id)].add(record.order_id)
    return [
        {"day": day, "stock_level_id": stock_id, "dealer_organisation_id": dealer_id, "orders": len(ids)}
        for (day, stock_id, dealer_id), ids in demanded.items()
    ]


# ---------------------------------------------------------------- the marker


def _locked_marker(session: Session) -> FactsRefresh:
    """The marker row, created if missing, locked FOR UPDATE on PostgreSQL so that two refreshes
    (worker and beat, two workers) run one after the other, never interleaving deletes and inserts.
    (SQLite takes the write lock with the first statement of the transaction: models/db.py.)"""
    session.execute(text("INSERT INTO facts_refresh (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"))
    marker = session.execute(select(FactsRefresh).where(FactsRefresh.id == 1).with_for_update()).scalar_one()
    session.refresh(marker)
    return marker


def facts_version(session: Session) -> tuple[int, datetime | None]:
    """(version, refreshed_at) of the facts: 0 and None before the first refresh."""
    row = session.execute(
        select(FactsRefresh.version, FactsRefresh.refreshed_at).where(FactsRefresh.id == 1)
    ).first()
    return (0, None) if row is None else (row.version, _aware(row.refreshed_at))


# A refresh stamped running longer ago than this died with its worker: the page stops saying so.
RUNNING_STALE = timedelta(minutes=15)


def refresh_state(session: Session, now: datetime | None = None) -> dict:
    """{"version", "refreshed_at", "refreshing"}: whether a refresh is running now (the page shows a
    progress state meanwhile, and keeps showing the figures it has)."""
    row = session.execute(
        select(FactsRefresh.version, FactsRefresh.refreshed_at, FactsRefresh.running_since).where(
            FactsRefresh.id == 1
        )
    ).first()
    if row is None:
        return {"version": 0, "refreshed_at": None, "refreshing": False}
    running = _aware(row.running_since)
    return {
        "version": row.version,
        "refreshed_at": _aware(row.refreshed_at),
        "refreshing": running is not None and running > (now or utcnow()) - RUNNING_STALE,
    }


def already_served(session: Session, requested_at: datetime | None) -> bool:
    """True when the latest refresh began after `requested_at`: it saw every change committed
    before the request (no need to start another, nor to say one is running)."""
    if requested_at is None:
        return False
    refreshed_at = facts_version(session)[1]
    return refreshed_at is not None and refreshed_at >= requested_at


def mark_running(session: Session) -> None:
    """Stamp the marker "running since now" and leave a FACTS_CHANGED notice saying so, so open
    dashboards show their progress state; the refresh's bump clears it. The caller commits, before
    the refresh starts (waiting, on PostgreSQL, for one already running to finish)."""
    session.execute(text("INSERT INTO facts_refresh (id, version) VALUES (1, 0) ON CONFLICT (id) DO NOTHING"))
    session.execute(
        FactsRefresh.__table__.update().where(FactsRefresh.id == 1).values(running_since=utcnow())
    )
    from services.platform import outbox  # local: keeps the import list of this module short

    outbox.enqueue(session, FACTS_CHANGED, {"refreshing": True})


def _bump(session: Session, marker: FactsRefresh, started_at: datetime, *, full: bool) -> None:
    marker.version += 1
    marker.refreshed_at = started_at
    if full:
        marker.full_rebuild_at = started_at
    marker.running_since = None
    session.add(marker)
    session.flush()
    from services.platform import outbox  # local: keeps the import list of this module short

    outbox.enqueue(session, FACTS_CHANGED, {"version": marker.version})


# ---------------------------------------------------------------- refresh and rebuild


def _write_days(
    session: Session, days: Collection[date], dealer_ids: Collection[int] | None
) -> tuple[int, int]:
    """Delete and re-derive the facts of `days` (of `dealer_ids` when given). Returns rows written."""
    written_orders = written_lines = 0
    for run in _runs(sorted(set(days))):
        first, last = run[0], run[-1]
        start, end = day_bounds(first, last)
        for table in FACT_TABLES:
            statement = delete(table).where(table.day >= first, table.day <= last)
            if dealer_ids is not None:
                statement = statement.where(table.dealer_organisation_id.in_(list(dealer_ids)))
            session.execute(statement)
        orders, lines = _derive_and_insert(session, first, last, start, end, dealer_ids)
        written_orders += orders
        written_lines += lines
    return written_orders, written_lines


def _in_sql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _derive_and_insert(
    session: Session,
    first: date,
    last: date,
    start: datetime,
    end: datetime,
    dealer_ids: Collection[int] | None = None,
) -> tuple[int, int]:
    """Insert the facts of the days `first`..`last` ([start, end) in UTC): in PostgreSQL by
    set-based statements (services/analytics/facts_sql.py), elsewhere derived here in Python.
    Returns (order fact rows, line fact rows)."""
    if _in_sql(session):
        from services.analytics import facts_sql  # local: only PostgreSQL needs it

        return facts_sql.write_range(session, first, last, start, end, dealer_ids)
    records = derive_orders(session, start, end, dealer_ids=dealer_ids)
    order_rows, line_rows = _fact_rows(records)
    for table, rows in (
        (OrderFactDaily, order_rows),
        (LineFactDaily, line_rows),
        (StockDemandDaily, _demand_rows(records)),
    ):
        if rows:
            session.execute(insert(table), rows)
    return len(order_rows), len(line_rows)


def _runs(days: list[date]) -> list[list[date]]:
    """Consecutive days grouped, at most REBUILD_DAYS_PER_PASS in a group."""
    runs: list[list[date]] = []
    for day in days:
        if runs and runs[-1][-1] == day - timedelta(days=1) and len(runs[-1]) < REBUILD_DAYS_PER_PASS:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def refresh_days(
    session: Session, days: Collection[date], *, dealer_ids: Collection[int] | None = None
) -> dict:
    """Re-derive the facts of `days` (reporting-zone dates), of `dealer_ids` only when given, and bump
    the facts version. In the caller's transaction (it commits). Idempotent.
    Returns {"days", "order_rows", "line_rows", "version", "seconds"}."""
    began = time.perf_counter()
    started_at = utcnow()
    marker = _locked_marker(session)
    order_rows, line_rows = _write_days(session, days, dealer_ids)
    _bump(session, marker, started_at, full=False)
    return {
        "days": len(set(days)),
        "order_rows": order_rows,
        "line_rows": line_rows,
        "version": marker.version,
        "seconds": round(time.perf_counter() - began, 3),
    }


def changed_days(session: Session, since: datetime) -> set[date]:
    """The reporting-zone days of the orders whose facts may have changed since `since`: the order
    itself (placement, status), its payment, its refund, or a delivery event of its shipment."""
    zone = reporting_zone()
    touched = (
        select(SalesOrder.created_at)
        .outerjoin(Payment, Payment.order_id == SalesOrder.id)
        .outerjoin(Refund, Refund.payment_id == Payment.id)
        .where(or_(SalesOrder.updated_at >= since, Payment.updated_at >= since, Refund.at >= since))
    )
    delivered = (
        select(SalesOrder.created_at)
        .join(Shipment, Shipment.order_id == SalesOrder.id)
        .join(ShipmentEvent, ShipmentEvent.shipment_id == Shipment.id)
        .where(ShipmentEvent.received_at >= since, ShipmentEvent.status.in_(_DELIVERED))
    )
    days = {_aware(moment).astimezone(zone).date() for moment in session.execute(touched).scalars()}
    days |= {_aware(moment).astimezone(zone).date() for moment in session.execute(delivered).scalars()}
    return days


def refresh_changed(session: Session, *, requested_at: datetime | None = None) -> dict:
    """The incremental refresh the outbox triggers: re-derive the days of everything changed since
    the previous refresh began (less WATERMARK_MARGIN); a full rebuild when there was none.

    Coalesced: a burst of 1,000 orders touches a few days and is one refresh; and a request made
    (`requested_at`) before the latest refresh began is already served by it (that refresh saw every
    change committed before the request), so it returns {"skipped": True, "version"} at once."""
    marker = _locked_marker(session)
    if marker.refreshed_at is None:
        return rebuild(session)
    if requested_at is not None and _aware(marker.refreshed_at) >= requested_at:
        return {"skipped": True, "version": marker.version, "full": False}
    days = changed_days(session, _aware(marker.refreshed_at) - WATERMARK_MARGIN)
    return refresh_days(session, days) | {"full": False, "skipped": False}


def rebuild(session: Session) -> dict:
    """Delete every fact and derive them all again from the order tables, week by week, and the
    savings backtest's daily facts from the purchase orders, then bump the version. In the caller's
    transaction. Returns {"days", "order_rows", "line_rows", "savings_rows", "version", "seconds",
    "full": True}."""
    began = time.perf_counter()
    started_at = utcnow()
    marker = _locked_marker(session)
    for table in FACT_TABLES:
        session.execute(delete(table))
    first, last = session.execute(
        select(func.min(SalesOrder.created_at), func.max(SalesOrder.created_at))
    ).one()
    order_rows = line_rows = days = 0
    if first is not None:
        zone = reporting_zone()
        day, last_day = _aware(first).astimezone(zone).date(), _aware(last).astimezone(zone).date()
        # PostgreSQL derives the whole range in one pass; Python a week at a time (bounded memory).
        per_pass = (last_day - day).days + 1 if _in_sql(session) else REBUILD_DAYS_PER_PASS
        while day <= last_day:
            run_last = min(day + timedelta(days=per_pass - 1), last_day)
            start, end = day_bounds(day, run_last, zone)
            orders, lines = _derive_and_insert(session, day, run_last, start, end)
            order_rows, line_rows = order_rows + orders, line_rows + lines
            days += (run_last - day).days + 1
            day = run_last + timedelta(days=1)
    from services.pricing.savings import write_savings_facts  # local: pricing reads analytics' FX

    savings_rows = write_savings_facts(session)
    _bump(session, marker, started_at, full=True)
    return {
        "days": days,
        "order_rows": order_rows,
        "line_rows": line_rows,
        "savings_rows": savings_rows,
        "version": marker.version,
        "seconds": round(time.perf_counter() - began, 3),
        "full": True,
    }
