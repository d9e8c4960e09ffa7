"""The rows behind every figure, with the dashboard's filter, paged, and exported as CSV or XLSX.

Each kind of rows is computed from the source tables (orders through `facts.derive_orders`, the
same records the facts are built from), so a tile's figure is exactly what its rows add up to:
- orders: every counted order of the period (standing, or cancelled/refunded apart): GMV is the sum
  of the standing rows' `value_reporting`, orders their count, order-to-paid the mean of their
  `paid_minutes`, paid-to-delivered of `delivered_minutes`. With an item kind, category or supplier
  filter the rows are the standing orders' (order, category, supplier) parts, one per fact group.
- lines: the standing orders' lines; fill rate = sum(units_allocated) / sum(quantity).
- stock: stock rows of the network's warehouses and the dealers' stores now; inventory value is the
  sum of their `value_reporting` (today's rates), turnover's denominator the sum of `on_hand`.
- stockouts: the stock rows ordered from in the period; stock-out rate = rows with nothing free / rows.
- scorecards, incidents, funnel: the supplier scorecards' monthly rows, the quality incidents opened
  in the period, the stores' test-drive funnel.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date
from decimal import Decimal

from sqlalchemy import and_, case, false, func, literal, or_, select
from sqlmodel import Session

from models import (
    FxRate,
    ItemKind,
    Location,
    LocationKind,
    OrderStatus,
    Organisation,
    Part,
    Payment,
    QualityIncident,
    Refund,
    SalesOrder,
    SalesOrderLine,
    SavingsFactDaily,
    StockDemandDaily,
    StockLevel,
    SupplierScorecard,
    Trim,
    VehicleModel,
)
from models.settings import get_settings
from models.types import utcnow
from services.analytics import facts, fx
from services.analytics.filters import KpiFilter
from services.analytics.scope import scoped_filter
from services.catalog.lists import Page
from services.identity.auth import Principal
from services.platform import cache
from services.platform.errors import PermissionDenied, ValidationFailed
from services.supply.incident_titles import title_fields

MAX_EXPORT_ROWS = 100_000

COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": (
        "order_number",
        "day",
        "dealer_organisation_id",
        "store_location_id",
        "channel",
        "status",
        "counted",
        "currency",
        "value",
        "rate",
        "rate_day",
        "value_reporting",
        "paid_minutes",
        "delivered_minutes",
    ),
    "order_parts": (
        "order_number",
        "day",
        "dealer_organisation_id",
        "store_location_id",
        "channel",
        "item_kind",
        "category",
        "supplier_organisation_id",
        "currency",
        "units",
        "value",
        "rate",
        "value_reporting",
    ),
    "lines": (
        "order_number",
        "line_no",
        "day",
        "dealer_organisation_id",
        "store_location_id",
        "channel",
        "item_kind",
        "category",
        "supplier_organisation_id",
        "item_code",
        "item_name",
        "quantity",
        "units_allocated",
        "currency",
        "line_total",
        "rate",
        "value_reporting",
    ),
    "stock": (
        "stock_level_id",
        "location_code",
        "location_kind",
        "country",
        "organisation_id",
        "item_kind",
        "category",
        "item_code",
        "on_hand",
        "reserved",
        "free",
        "currency",
        "unit_price",
        "value",
        "rate",
        "value_reporting",
    ),
    "stockouts": (
        "stock_level_id",
        "location_code",
        "location_kind",
        "country",
        "organisation_id",
        "item_kind",
        "category",
        "item_code",
        "on_hand",
        "reserved",
        "free",
        "stocked_out",
    ),
    "scorecards": (
        "supplier_id",
        "period",
        "lines_due",
        "lines_on_time",
        "quantity_received",
        "quantity_rejected",
        "on_time_pct",
        "rejected_ppm",
        "computed_at",
    ),
    "incidents": (
        "incident_id",
        "supplier_id",
        "part_id",
        "category",
        "title",
        "status",
        "opened_at",
        "response_minutes",
        "closed_at",
        "close_minutes",
    ),
    "funnel": ("location_id", "store_name", "dealer_name", "city", "views", "bookings", "show_ups", "orders"),
    "forecasts": ("period", "sku", "location_code", "run_id", "forecast", "actual", "abs_error"),
    "savings": ("category", "supplier_name", "lines", "quantity", "paid", "with_agreements", "savings"),
}
NETWORK_ONLY_KINDS = frozenset({"scorecards", "incidents", "forecasts", "savings"})


def line_filters(query, table, flt: KpiFilter):
    """The item kind, category and supplier filter on a table with those columns (the line facts)."""
    if flt.item_kind:
        query = query.where(table.item_kind == flt.item_kind)
    if flt.category:
        query = query.where(table.category == flt.category)
    if flt.supplier_id is not None:
        query = query.where(table.supplier_organisation_id == flt.supplier_id)
    return query


def _line_matches(line: facts.LineRecord, flt: KpiFilter) -> bool:
    return (
        (not flt.item_kind or line.item_kind == flt.item_kind)
        and (not flt.category or line.category == flt.category)
        and (flt.supplier_id is None or line.supplier_organisation_id == flt.supplier_id)
    )


# A window of rows: (offset, limit); limit None for every row from offset on.
Window = tuple[int, int | None]
EVERY: Window = (0, None)

_is_part = SalesOrderLine.part_id.is_not(None)
_line_kind = case((_is_part, literal(ItemKind.PART.value)), else_=literal(ItemKind.VEHICLE.value))
_line_category = func.coalesce(case((_is_part, Part.category), else_=VehicleModel.code), literal(""))
_line_supplier = case((_is_part, Part.supplier_id), else_=None)


def _refunded():
    return (
        select(Refund.id)
        .join(Payment, Payment.id == Refund.payment_id)
        .where(Payment.order_id == SalesOrder.id)
        .exists()
    )


def _standing():
    """The SQL form of `OrderRecord.standing`: paid or allocated, never refunded."""
    return and_(SalesOrder.status.in_([OrderStatus.PAID, OrderStatus.ALLOCATED]), ~_refunded())


def _counted():
    """Standing or counted as cancelled (`OrderRecord.cancelled`: cancelled or refunded)."""
    return or_(
        SalesOrder.status.in_([OrderStatus.PAID, OrderStatus.ALLOCATED, OrderStatus.CANCELLED]), _refunded()
    )


def _in_scope(query, flt: KpiFilter):
    """Orders placed in the period at a store of `flt`'s dealer and countries (the store it was
    ordered at, as the facts count it)."""
    start, end = facts.day_bounds(flt.first, flt.last)
    query = query.join(Location, Location.id == SalesOrder.buyer_location_id).where(
        SalesOrder.created_at >= start, SalesOrder.created_at < end
    )
    if flt.dealer_id is not None:
        query = query.where(Location.organisation_id == flt.dealer_id)
    if flt.countries is not None:
        query = query.where(Location.country.in_(sorted(flt.countries)))
    return query


def _lines_in_scope(columns, flt: KpiFilter):
    """The standing orders' lines in scope that match the item kind, category and supplier."""
    query = (
        select(*columns)
        .select_from(SalesOrderLine)
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .outerjoin(Part, Part.id == SalesOrderLine.part_id)
        .outerjoin(Trim, Trim.id == SalesOrderLine.trim_id)
        .outerjoin(VehicleModel, VehicleModel.id == Trim.model_id)
    )
    query = _in_scope(query, flt).where(_standing())
    if flt.item_kind == ItemKind.PART:
        query = query.where(_is_part)
    elif flt.item_kind == ItemKind.VEHICLE:
        query = query.where(SalesOrderLine.part_id.is_(None))
    if flt.category:
        query = query.where(_line_category == flt.category)
    if flt.supplier_id is not None:
        query = query.where(_is_part, Part.supplier_id == flt.supplier_id)
    return query


def _count(session: Session, statement) -> int:
    return session.execute(select(func.count()).select_from(statement.order_by(None).subquery())).scalar_one()


def _windowed(statement, window: Window):
    offset, limit = window
    if offset:
        statement = statement.offset(offset)
    return statement if limit is None else statement.limit(limit)


def _records(session: Session, flt: KpiFilter, order_ids: list[int]) -> list[facts.OrderRecord]:
    """The orders of `order_ids` as the facts derive them (same rules, same rates)."""
    if not order_ids:
        return []
    start, end = facts.day_bounds(flt.first, flt.last)
    return facts.derive_orders(session, start, end, order_ids=order_ids)


def _str(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _order_row(r: facts.OrderRecord) -> dict:
    return {
        "order_number": r.number,
        "day": r.day,
        "dealer_organisation_id": r.dealer_organisation_id,
        "store_location_id": r.store_location_id,
        "channel": r.channel,
        "status": r.status,
        "counted": "standing" if r.standing else "cancelled",
        "currency": r.currency,
        "value": r.total,
        "rate": r.rate,
        "rate_day": r.rate_day,
        "value_reporting": r.value_reporting,
        "paid_minutes": r.paid_minutes if r.standing else None,
        "delivered_minutes": r.delivered_minutes if r.standing else None,
    }


def _order_parts(r: facts.OrderRecord, flt: KpiFilter) -> dict[tuple, dict]:
    """The order's (item kind, category, supplier) parts that match `flt`, in their first line's order."""
    parts: dict[tuple, dict] = {}
    for line in r.lines:
        if not _line_matches(line, flt):
            continue
        key = (line.item_kind, line.category, line.supplier_organisation_id)
        part = parts.setdefault(
            key,
            {
                "order_number": r.number,
                "day": r.day,
                "dealer_organisation_id": r.dealer_organisation_id,
                "store_location_id": r.store_location_id,
                "channel": r.channel,
                "item_kind": key[0],
                "category": key[1],
                "supplier_organisation_id": key[2],
                "currency": r.currency,
                "units": 0,
                "value": Decimal("0"),
                "rate": r.rate,
                "value_reporting": Decimal("0"),
            },
        )
        part["units"] += line.quantity
        part["value"] += line.line_total
        part["value_reporting"] += line.value_reporting
    return parts


def _line_row(r: facts.OrderRecord, line: facts.LineRecord) -> dict:
    return {
        "order_number": r.number,
        "line_no": line.line_no,
        "day": r.day,
        "dealer_organisation_id": r.dealer_organisation_id,
        "store_location_id": r.store_location_id,
        "channel": r.channel,
        "item_kind": line.item_kind,
        "category": line.category,
        "supplier_organisation_id": line.supplier_organisation_id,
        "item_code": line.item_code,
        "item_name": line.item_name,
        "quantity": line.quantity,
        "units_allocated": line.quantity if r.allocated else 0,
        "currency": r.currency,
        "line_total": line.line_total,
        "rate": r.rate,
        "value_reporting": line.value_reporting,
    }


def _order_window(
    session: Session, flt: KpiFilter, window: Window, limit_total: int | None = None, count=None
):
    """(kind, rows, total) of the orders drill-down (see order_rows), only `window`'s rows read:
    the database picks and counts the rows, the facts' own derivation fills them in."""
    if not flt.line_level:
        ids = _in_scope(select(SalesOrder.id), flt).where(_counted()).order_by(SalesOrder.id)
        total = (count or _count)(session, ids)
        _check_total(total, limit_total)
        page = list(session.execute(_windowed(ids, window)).scalars())
        return "orders", [_order_row(r) for r in _records(session, flt, page)], total
    groups = _lines_in_scope(
        [SalesOrderLine.order_id, _line_kind, _line_category, _line_supplier], flt
    ).group_by(SalesOrderLine.order_id, _line_kind, _line_category, _line_supplier)
    total = (count or _count)(session, groups)
    _check_total(total, limit_total)
    picked = session.execute(
        _windowed(groups.order_by(SalesOrderLine.order_id, func.min(SalesOrderLine.line_no)), window)
    ).all()
    keys = {(row[0], row[1], row[2], row[3]) for row in picked}
    rows = []
    for r in _records(session, flt, sorted({row[0] for row in picked})):
        rows.extend(part for key, part in _order_parts(r, flt).items() if (r.order_id, *key) in keys)
    return "order_parts", rows, total


def _line_window(
    session: Session, flt: KpiFilter, window: Window, limit_total: int | None = None, count=None
):
    """(rows, total) of the lines drill-down, only `window`'s rows read."""
    lines = _lines_in_scope([SalesOrderLine.id, SalesOrderLine.order_id], flt).order_by(
        SalesOrderLine.order_id, SalesOrderLine.line_no
    )
    total = (count or _count)(session, lines)
    _check_total(total, limit_total)
    picked = session.execute(_windowed(lines, window)).all()
    wanted = {row.id for row in picked}
    rows = [
        _line_row(r, line)
        for r in _records(session, flt, sorted({row.order_id for row in picked}))
        for line in r.lines
        if line.line_id in wanted
    ]
    return rows, total


def _check_total(total: int, limit_total: int | None) -> None:
    if limit_total is not None and total > limit_total:
        raise ValidationFailed("kpi.export_too_large", field="kind", max=limit_total, count=total)


def order_rows(session: Session, flt: KpiFilter) -> tuple[str, list[dict]]:
    """(kind, rows): the orders of the period in scope (see the module docstring)."""
    kind, rows, _total = _order_window(session, flt, EVERY)
    return kind, rows


def line_rows(session: Session, flt: KpiFilter) -> list[dict]:
    return _line_window(session, flt, EVERY)[0]


def _stock_scope(query, flt: KpiFilter):
    """The stock rows of the network in `flt`'s scope (OEM warehouses and dealer stores)."""
    query = (
        query.select_from(StockLevel)
        .join(Location, Location.id == StockLevel.location_id)
        .outerjoin(Part, Part.id == StockLevel.part_id)
        .outerjoin(Trim, Trim.id == StockLevel.trim_id)
        .outerjoin(VehicleModel, VehicleModel.id == Trim.model_id)
        .where(Location.kind.in_([LocationKind.WAREHOUSE, LocationKind.STORE]))
    )
    if flt.dealer_id is not None:
        query = query.where(Location.organisation_id == flt.dealer_id)
    if flt.countries is not None:
        query = query.where(Location.country.in_(sorted(flt.countries)))
    if flt.item_kind == "part":
        query = query.where(StockLevel.part_id.is_not(None))
    elif flt.item_kind == "vehicle":
        query = query.where(StockLevel.trim_id.is_not(None))
    if flt.category:
        query = query.where(or_(Part.category == flt.category, VehicleModel.code == flt.category))
    if flt.supplier_id is not None:
        query = query.where(Part.supplier_id == flt.supplier_id)
    return query


def stock_rows(session: Session, flt: KpiFilter, *, today: date | None = None) -> list[dict]:
    """The network's stock now (OEM warehouses and dealer stores; suppliers' plants are theirs) in
    scope, each row valued at list price and converted at today's rate (reporting zone)."""
    return _stock_window(session, flt, EVERY, today=today)[0]


def _stock_window(
    session: Session,
    flt: KpiFilter,
    window: Window,
    *,
    today: date | None = None,
    demanded: bool = False,
    limit_total: int | None = None,
    count=None,
) -> tuple[list[dict], int]:
    """(rows, total) of the stock rows in scope (only those ordered from in the period when
    `demanded`), only `window`'s rows read and valued."""
    query = _stock_scope(
        select(
            StockLevel.id,
            StockLevel.on_hand,
            StockLevel.reserved,
            StockLevel.part_id,
            Location.code,
            Location.kind,
            Location.country,
            Location.organisation_id,
            Part.sku,
            Part.category,
            Part.list_price,
            Part.currency.label("part_currency"),
            Part.supplier_id,
            Trim.code.label("trim_code"),
            Trim.price,
            Trim.currency.label("trim_currency"),
            VehicleModel.code.label("model_code"),
        ),
        flt,
    ).order_by(StockLevel.id)
    if demanded:
        query = query.where(StockLevel.id.in_(_demanded_ids(flt)))
    if window == EVERY and limit_total is None:
        result = session.execute(query).all()
        total = len(result)
    else:
        total = (count or _count)(session, query)
        _check_total(total, limit_total)
        result = session.execute(_windowed(query, window)).all()
    today = today or utcnow().astimezone(facts.reporting_zone()).date()
    currencies = {(row.part_currency if row.part_id is not None else row.trim_currency) for row in result}
    book = fx.load_rates(session, currencies, today)
    rows = []
    for row in result:
        is_part = row.part_id is not None
        currency = row.part_currency if is_part else row.trim_currency
        price = row.list_price if is_part else row.price
        rate = book.rate(currency, today)
        value = price * row.on_hand
        rows.append(
            {
                "stock_level_id": row.id,
                "location_code": row.code,
                "location_kind": row.kind,
                "country": row.country,
                "organisation_id": row.organisation_id,
                "item_kind": "part" if is_part else "vehicle",
                "category": (row.category if is_part else row.model_code) or "",
                "item_code": row.sku if is_part else row.trim_code,
                "on_hand": row.on_hand,
                "reserved": row.reserved,
                "free": row.on_hand - row.reserved,
                "currency": currency,
                "unit_price": price,
                "value": value,
                "rate": rate,
                "value_reporting": fx.convert(value, rate),
                "_rate_pair": (currency, today),
            }
        )
    return rows, total


def _stockout_row(row: dict) -> dict:
    return {key: row[key] for key in COLUMNS["stockouts"] if key in row} | {"stocked_out": row["free"] <= 0}


def stockout_rows(session: Session, flt: KpiFilter, stock: list[dict] | None = None) -> list[dict]:
    """The stock rows in scope ordered from in the period (any order placed, cancelled ones too:
    the demand was there; from the facts' stock_demand_daily), each marked stocked out when nothing
    is free now."""
    if stock is None:
        return [_stockout_row(row) for row in _stock_window(session, flt, EVERY, demanded=True)[0]]
    demanded = set(session.execute(_demanded_ids(flt)).scalars())
    return [_stockout_row(row) for row in stock if row["stock_level_id"] in demanded]


def _demanded_ids(flt: KpiFilter):
    return (
        select(StockDemandDaily.stock_level_id)
        .where(StockDemandDaily.day >= flt.first, StockDemandDaily.day <= flt.last)
        .distinct()
    )


def _stock_summary_sql(session: Session, flt: KpiFilter) -> dict:
    """stock_summary in one aggregate query (PostgreSQL: a network's millions of stock rows are
    summed where they are): the same per-row rounding and rates as the rows' `value_reporting`."""
    today = utcnow().astimezone(facts.reporting_zone()).date()
    currencies = session.execute(select(FxRate.currency).distinct()).scalars().all()
    book = fx.load_rates(session, currencies, today)
    currency = func.coalesce(Part.currency, Trim.currency)
    price = func.coalesce(Part.list_price, Trim.price)
    known = [c for c in currencies if c != book.reporting_currency and book.has(c, today)]
    one = literal(Decimal("1"))
    rate = case(*((currency == c, literal(book.rate(c, today))) for c in known), else_=one) if known else one
    demanded = (  # an index probe per stock row (stock_level_id, day), not a scan of the period
        select(StockDemandDaily.id)
        .where(
            StockDemandDaily.stock_level_id == StockLevel.id,
            StockDemandDaily.day >= flt.first,
            StockDemandDaily.day <= flt.last,
        )
        .exists()
    )
    free_none = (StockLevel.on_hand - StockLevel.reserved) <= 0
    query = _stock_scope(
        select(
            currency,
            func.count(),
            func.sum(func.round(price * StockLevel.on_hand * rate, 2)),
            func.sum(StockLevel.on_hand),
            func.count().filter(demanded),
            func.count().filter(demanded & free_none),
        ),
        flt,
    ).group_by(currency)
    rows = session.execute(query).all()
    missing = [row[0] for row in rows if row[0] != book.reporting_currency and row[0] not in known]
    if missing:
        raise ValidationFailed(
            "fx.rate_missing", field="currency", currency=missing[0], day=today.isoformat()
        )
    return {
        "value": sum((Decimal(row[2]) for row in rows), Decimal("0")) if rows else None,
        "on_hand": sum(int(row[3] or 0) for row in rows),
        "with_demand": sum(int(row[4]) for row in rows),
        "stocked_out": sum(int(row[5]) for row in rows),
        "rates_used": fx.rates_used(book, {(row[0], today) for row in rows}),
    }


def stock_summary(session: Session, flt: KpiFilter) -> dict:
    """What the stock tiles read: value, units on hand, item-locations with demand and stocked out.
    On PostgreSQL summed in SQL (`_stock_summary_sql`); elsewhere from the rows themselves."""
    if session.get_bind().dialect.name == "postgresql":
        return _stock_summary_sql(session, flt)
    stock = stock_rows(session, flt)
    outs = stockout_rows(session, flt, stock)
    book_pairs = {row["_rate_pair"] for row in stock}
    rates = []
    if book_pairs:
        book = fx.load_rates(
            session, {currency for currency, _ in book_pairs}, max(day for _, day in book_pairs)
        )
        rates = fx.rates_used(book, book_pairs)
    return {
        "value": sum((row["value_reporting"] for row in stock), Decimal("0")) if stock else None,
        "on_hand": sum(row["on_hand"] for row in stock),
        "with_demand": len(outs),
        "stocked_out": sum(1 for row in outs if row["stocked_out"]),
        "rates_used": rates,
    }


def _months(flt: KpiFilter) -> list[str]:
    months, day = [], flt.first.replace(day=1)
    while day <= flt.last:
        months.append(f"{day.year:04d}-{day.month:02d}")
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return months


def scorecard_rows(session: Session, flt: KpiFilter) -> list[dict]:
    """The suppliers' monthly scorecard rows of the months the period touches."""
    query = (
        select(SupplierScorecard)
        .where(SupplierScorecard.period_kind == "month", SupplierScorecard.period.in_(_months(flt)))
        .order_by(SupplierScorecard.period, SupplierScorecard.supplier_id)
    )
    if flt.supplier_id is not None:
        query = query.where(SupplierScorecard.supplier_id == flt.supplier_id)
    if flt.countries is not None:
        query = query.join(Organisation, Organisation.id == SupplierScorecard.supplier_id).where(
            Organisation.country.in_(sorted(flt.countries))
        )
    return [
        {
            "supplier_id": card.supplier_id,
            "period": card.period,
            "lines_due": card.lines_due,
            "lines_on_time": card.lines_on_time,
            "quantity_received": card.quantity_received,
            "quantity_rejected": card.quantity_rejected,
            "on_time_pct": card.on_time_pct,
            "rejected_ppm": card.rejected_ppm,
            "computed_at": card.computed_at.isoformat(),
        }
        for card in session.execute(query).scalars()
    ]


def scorecard_sums(session: Session, flt: KpiFilter) -> dict[str, int]:
    sums: dict[str, int] = defaultdict(int)
    for row in scorecard_rows(session, flt):
        for key in ("lines_due", "lines_on_time", "quantity_received", "quantity_rejected"):
            sums[key] += row[key]
    return sums


def _aware(moment):
    return None if moment is None else (moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment)


def incident_rows(session: Session, flt: KpiFilter) -> list[dict]:
    """The quality incidents opened in the period (reporting-zone days), with their minutes to the
    first acknowledgement and to closing."""
    start, end = facts.day_bounds(flt.first, flt.last)
    query = (
        select(QualityIncident, Part.category)
        .join(Part, Part.id == QualityIncident.part_id)
        .where(QualityIncident.opened_at >= start, QualityIncident.opened_at < end)
        .order_by(QualityIncident.id)
    )
    if flt.supplier_id is not None:
        query = query.where(QualityIncident.supplier_id == flt.supplier_id)
    if flt.category:
        query = query.where(Part.category == flt.category)
    if flt.item_kind == "vehicle":
        return []
    if flt.countries is not None:
        query = query.join(Organisation, Organisation.id == QualityIncident.supplier_id).where(
            Organisation.country.in_(sorted(flt.countries))
        )
    rows = []
    for incident, category in session.execute(query).all():
        opened, closed = _aware(incident.opened_at), _aware(incident.closed_at)
        rows.append(
            {
                "incident_id": incident.id,
                "supplier_id": incident.supplier_id,
                "part_id": incident.part_id,
                "category": category,
                **title_fields(incident),
                "status": incident.status,
                "opened_at": opened.isoformat(),
                "response_minutes": incident.response_minutes,
                "closed_at": None if closed is None else closed.isoformat(),
                "close_minutes": None if closed is None else int((closed - opened).total_seconds() // 60),
            }
        )
    return rows


def incident_sums(session: Session, flt: KpiFilter) -> dict[str, int]:
    rows = incident_rows(session, flt)
    answered = [row["response_minutes"] for row in rows if row["response_minutes"] is not None]
    closed = [row["close_minutes"] for row in rows if row["close_minutes"] is not None]
    return {
        "answered": len(answered),
        "response_minutes": sum(answered),
        "closed": len(closed),
        "close_minutes": sum(closed),
    }


def funnel_rows(session: Session, principal: Principal, flt: KpiFilter) -> list[dict]:
    """The stores' test-drive funnel (services/showroom/funnel.py, each store's own local days)."""
    from services.showroom.funnel import dealer_funnel

    stores = dealer_funnel(session, principal, start=flt.first, end=flt.last)
    if flt.dealer_id is not None or flt.countries is not None:
        query = select(Location.id)
        if flt.dealer_id is not None:
            query = query.where(Location.organisation_id == flt.dealer_id)
        if flt.countries is not None:
            query = query.where(Location.country.in_(sorted(flt.countries)))
        keep = set(session.execute(query).scalars())
        stores = [store for store in stores if store.location_id in keep]
    return [{key: getattr(store, key) for key in COLUMNS["funnel"]} for store in stores]


def funnel_totals(session: Session, principal: Principal, flt: KpiFilter) -> dict[str, int]:
    rows = funnel_rows(session, principal, flt)
    return {key: sum(row[key] for row in rows) for key in ("views", "bookings", "show_ups", "orders")}


# ---------------------------------------------------------------- paging and exports


def _checked(principal: Principal, flt: KpiFilter, kind: str) -> KpiFilter:
    """`flt` as `principal` may see `kind`'s rows (see all_rows)."""
    flt = scoped_filter(principal, flt)
    if kind not in COLUMNS:
        raise ValidationFailed("kpi.drilldown_unknown", field="kind", kind=str(kind)[:40])
    if kind in NETWORK_ONLY_KINDS and principal.role == "dealer":
        raise PermissionDenied("kpi.dealer_denied", field="kind")
    return flt


def _public(row: dict) -> dict:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _rows_window(
    session: Session,
    principal: Principal,
    flt: KpiFilter,
    kind: str,
    window: Window,
    limit_total: int | None = None,
    count=None,
) -> tuple[str, list[dict], int]:
    """(the kind of rows given, `window`'s rows, how many there are in all) of `kind`. Orders, lines
    and stock are picked, counted and paged by the database (a year of a large network's orders is
    never read to show fifty of them); the other kinds are small and sliced here."""
    flt = _checked(principal, flt, kind)
    if kind == "orders":
        return _order_window(session, flt, window, limit_total, count)
    if kind == "lines":
        return kind, *_line_window(session, flt, window, limit_total, count)
    if kind in ("stock", "stockouts"):
        rows, total = _stock_window(
            session, flt, window, demanded=kind == "stockouts", limit_total=limit_total, count=count
        )
        return kind, [_public(row) if kind == "stock" else _stockout_row(row) for row in rows], total
    if kind == "scorecards":
        rows = scorecard_rows(session, flt)
    elif kind == "incidents":
        rows = incident_rows(session, flt)
    elif kind == "forecasts":
        rows = forecast_rows(session, flt)
    elif kind == "savings":
        rows = savings_rows(session, principal, flt)
    else:
        rows = funnel_rows(session, principal, flt)
    _check_total(len(rows), limit_total)
    offset, limit = window
    return kind, rows[offset:] if limit is None else rows[offset : offset + limit], len(rows)


def all_rows(session: Session, principal: Principal, flt: KpiFilter, kind: str) -> tuple[str, list[dict]]:
    """(the kind of rows given, every row) of `kind` for `flt` as `principal` may see it.

    PermissionDenied as scope.scoped_filter, and for a dealer asking for the suppliers' rows;
    ValidationFailed `kpi.drilldown_unknown` (field `kind`) for an unknown kind."""
    given, rows, _total = _rows_window(session, principal, flt, kind, EVERY)
    return given, rows


def forecast_rows(session: Session, flt: KpiFilter) -> list[dict]:
    """The forecast-accuracy tile's rows: each part, location and planning period starting in the
    period, with the forecast that counted and the demand that happened."""
    from services.planning.accuracy import accuracy_for_period  # local: pandas loads on first use

    _value, rows = accuracy_for_period(session, flt.first, flt.last)
    return [
        {
            "period": row.period,
            "sku": row.sku,
            "location_code": row.location_code,
            "run_id": row.run_id,
            "forecast": Decimal(str(round(row.forecast, 4))),
            "actual": Decimal(str(round(row.actual, 4))),
            "abs_error": Decimal(str(round(row.abs_error, 4))),
        }
        for row in rows
    ]


def savings_facts(principal: Principal, flt: KpiFilter, *columns):
    """The savings facts of the principal's organisation in the period, of the category and
    supplier filtered on (a vehicle filter has none: purchasing buys parts)."""
    f = SavingsFactDaily
    query = select(*columns).where(
        f.buyer_organisation_id == principal.organisation_id, f.day >= flt.first, f.day <= flt.last
    )
    if flt.item_kind == "vehicle":
        query = query.where(false())
    if flt.category:
        query = query.where(f.category == flt.category)
    if flt.supplier_id is not None:
        query = query.where(f.supplier_organisation_id == flt.supplier_id)
    return query


def savings_rows(session: Session, principal: Principal, flt: KpiFilter) -> list[dict]:
    """The savings tile's rows: per part category and supplier, what was paid on the purchase orders
    issued in the period and what the agreements would have made it (reporting currency), summed
    from the backtest's daily facts as the tile is."""
    from services.pricing.savings import savings_rows as named  # local: pricing reads analytics' FX

    f = SavingsFactDaily
    sums = session.execute(
        savings_facts(
            principal,
            flt,
            f.category,
            f.supplier_organisation_id,
            func.sum(f.lines),
            func.sum(f.quantity),
            func.sum(f.paid),
            func.sum(f.with_agreements),
        ).group_by(f.category, f.supplier_organisation_id)
    ).all()
    groups = {
        (category, supplier): {
            "lines": int(lines),
            "quantity": int(quantity),
            "paid": Decimal(paid),
            "with_agreements": Decimal(agreed),
        }
        for category, supplier, lines, quantity, paid, agreed in sums
    }
    return [
        {
            "category": row["category"],
            "supplier_name": row["supplier_name"],
            "lines": row["lines"],
            "quantity": row["quantity"],
            "paid": row["paid"],
            "with_agreements": row["with_agreements"],
            "savings": row["savings"],
        }
        for row in named(session, groups)
    ]


def viewer_key(principal: Principal) -> str:
    """Whose view a cached figure is: a dealer's own, or the network's (managers and admins share it)."""
    return f"dealer-{principal.organisation_id}" if principal.role == "dealer" else "network"


def page_of_rows(session: Session, principal: Principal, flt: KpiFilter, kind: str, page: Page) -> dict:
    """One page of `kind`'s rows (see all_rows): {"kind", "columns", "total", "page", "page_size",
    "rows"}, values JSON-safe (Decimals and dates as strings)."""
    # The count is the slow half of a page of a large period: kept per viewer, filter, kind and facts
    # version (a refresh bumps it), so paging on costs only the page itself.
    version, _ = facts.facts_version(session)
    key = f"analytics:rows:v{version}:{viewer_key(principal)}:{kind}:{flt.query_string()}"
    known = cache.get(key, session=session)

    def count(session: Session, statement) -> int:
        return known["total"] if known is not None else _count(session, statement)

    given, chunk, total = _rows_window(session, principal, flt, kind, (page.offset, page.size), count=count)
    if known is None:
        cache.put(key, {"total": total}, ttl_seconds=get_settings().kpi_cache_seconds, session=session)
    return {
        "kind": given,
        "columns": list(COLUMNS[given]),
        "total": total,
        "page": page.number,
        "page_size": page.size,
        "rows": [{column: _str(row.get(column)) for column in COLUMNS[given]} for row in chunk],
    }


def _export_rows(session: Session, principal: Principal, flt: KpiFilter, kind: str) -> tuple[str, list[dict]]:
    """Every row of `kind`; ValidationFailed `kpi.export_too_large` past MAX_EXPORT_ROWS, counted
    before any row is read."""
    given, rows, _total = _rows_window(session, principal, flt, kind, EVERY, limit_total=MAX_EXPORT_ROWS)
    return given, rows


def export_csv(session: Session, principal: Principal, flt: KpiFilter, kind: str) -> bytes:
    """Every row of `kind` as CSV (UTF-8 with BOM, so spreadsheets read Chinese names), a header row
    of the column names. ValidationFailed `kpi.export_too_large` past MAX_EXPORT_ROWS."""
    given, rows = _export_rows(session, principal, flt, kind)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS[given])
    for row in rows:
        writer.writerow(["" if row.get(c) is None else _str(row.get(c)) for c in COLUMNS[given]])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(session: Session, principal: Principal, flt: KpiFilter, kind: str) -> bytes:
    """Every row of `kind` as an XLSX workbook (one sheet named for the kind; numbers as numbers,
    money exact as Decimal-valued cells)."""
    from openpyxl import Workbook

    given, rows = _export_rows(session, principal, flt, kind)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=given[:31])
    sheet.append(list(COLUMNS[given]))
    for row in rows:
        sheet.append([_xlsx_value(row.get(column)) for column in COLUMNS[given]])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool) or value is None:
        return value
    return value
