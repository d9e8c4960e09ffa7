"""The KPI tiles: each figure for a filter, against the previous period and the same period last
year, its target, a sparkline and when its data was refreshed.

Sales figures (GMV, orders, average order value, order-to-paid, paid-to-delivered, fill rate,
turnover's numerator) come from the daily fact tables (services/analytics/facts.py); stock figures
(stock-out rate, inventory value, turnover's denominator, days of cover) are the stock as it is now,
so they have no previous period; supplier figures come from the supplier scorecards
(services/supply/scorecards.py), incidents from the incident rows, the test-drive funnel from
services/showroom/funnel.py. Forecast accuracy says "no data" until planning lands: no tile ever
shows an invented number. Each figure's rows are services/analytics/drilldown.py, and agree with it.

Values are strings of Decimals (JSON-safe, exact), None when there is nothing to compute from.
Rendered tile values are cached per viewer and filter under the facts version
(services/platform/cache.py), so a refresh that bumps the version retires every cached value at once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, or_, select
from sqlmodel import Session

from models import (
    Channel,
    KpiTarget,
    LineFactDaily,
    Location,
    LocationKind,
    OrderFactDaily,
    Organisation,
    Role,
    SavingsFactDaily,
    SupplierScorecard,
)
from models.settings import get_settings
from models.types import utcnow
from services.analytics import anomalies, drilldown, facts, fx, projection
from services.analytics.filters import KpiFilter
from services.analytics.scope import scoped_filter, tile_allowed
from services.identity.auth import Principal
from services.platform import cache
from services.platform.errors import NotFound, ValidationFailed

TWO = Decimal("0.01")
FOUR = Decimal("0.0001")


@dataclass(frozen=True)
class TileSpec:
    key: str
    unit: str  # money, count, hours, percent, ratio, days, ppm
    higher_is_better: bool
    drilldown: tuple[str, ...]
    source: str  # facts, stock, scorecards, incidents, funnel, none


TILES: tuple[TileSpec, ...] = (
    TileSpec("gmv", "money", True, ("orders",), "facts"),
    TileSpec("orders", "count", True, ("orders",), "facts"),
    TileSpec("average_order_value", "money", True, ("orders",), "facts"),
    TileSpec("order_to_paid_hours", "hours", False, ("orders",), "facts"),
    TileSpec("paid_to_delivered_hours", "hours", False, ("orders",), "facts"),
    TileSpec("fill_rate", "percent", True, ("lines",), "facts"),
    TileSpec("stockout_rate", "percent", False, ("stockouts",), "stock"),
    TileSpec("inventory_value", "money", False, ("stock",), "stock"),
    TileSpec("turnover", "ratio", True, ("lines", "stock"), "stock"),
    TileSpec("days_of_cover", "days", False, ("lines", "stock"), "stock"),
    TileSpec("supplier_on_time", "percent", True, ("scorecards",), "scorecards"),
    TileSpec("supplier_quality_ppm", "ppm", False, ("scorecards",), "scorecards"),
    TileSpec("incident_response_hours", "hours", False, ("incidents",), "incidents"),
    TileSpec("incident_close_hours", "hours", False, ("incidents",), "incidents"),
    TileSpec("test_drive_conversion", "percent", True, ("funnel",), "funnel"),
    TileSpec("forecast_accuracy", "percent", True, ("forecasts",), "planning"),
    TileSpec("procurement_savings", "money", True, ("savings",), "pricing"),
)
TILE_BY_KEY = {spec.key: spec for spec in TILES}


def _q(value: Decimal | None, step: Decimal = TWO) -> str | None:
    return None if value is None else str(value.quantize(step, rounding=ROUND_HALF_UP))


def _ratio(part: Decimal | int, whole: Decimal | int, scale: int = 1) -> Decimal | None:
    return None if not whole else Decimal(part) * scale / Decimal(whole)


# ---------------------------------------------------------------- fact sums


def store_ids_of(session: Session, flt: KpiFilter) -> list[int] | None:
    """The stores (and warehouses) the country/region filter keeps, None when it keeps all."""
    countries = flt.countries
    if countries is None:
        return None
    return list(session.execute(select(Location.id).where(Location.country.in_(sorted(countries)))).scalars())


def daily_sums(
    session: Session, flt: KpiFilter, first: date, last: date, *, only: list[tuple[date, date]] | None = None
) -> dict[date, dict[str, dict]]:
    """day -> channel -> sums of the facts in scope between `first` and `last`: orders, value,
    cancelled, paid and delivered minutes, units and units allocated (order facts). With a
    line-level filter (item kind, category, supplier) orders, value and units come from the line
    facts; the order-to-paid and paid-to-delivered sums stay the order facts' (not per category)."""
    stores = store_ids_of(session, flt)
    out: dict[date, dict[str, dict]] = defaultdict(lambda: defaultdict(lambda: defaultdict(Decimal)))

    def scoped(query, table):
        query = query.where(table.day >= first, table.day <= last)
        if only:  # just these spans of the range (a year apart: not the whole year between)
            query = query.where(or_(*(table.day.between(a, b) for a, b in _merged(only))))
        if flt.dealer_id is not None:
            query = query.where(table.dealer_organisation_id == flt.dealer_id)
        if stores is not None:
            query = query.where(table.store_location_id.in_(stores))
        return query

    o = OrderFactDaily
    order_query = scoped(
        select(
            o.day,
            o.channel,
            func.sum(o.orders),
            func.sum(o.value_reporting),
            func.sum(o.cancelled_orders),
            func.sum(o.cancelled_value_reporting),
            func.sum(o.paid_orders),
            func.sum(o.paid_minutes),
            func.sum(o.delivered_orders),
            func.sum(o.delivered_minutes),
            func.sum(o.units),
            func.sum(o.units_allocated),
        ).group_by(o.day, o.channel),
        o,
    )
    for row in session.execute(order_query).all():
        sums = out[row[0]][row[1]]
        if not flt.line_level:
            sums["orders"] += row[2]
            sums["value"] += Decimal(row[3])
            sums["cancelled_orders"] += row[4]
            sums["cancelled_value"] += Decimal(row[5])
        sums["paid_orders"] += row[6]
        sums["paid_minutes"] += row[7]
        sums["delivered_orders"] += row[8]
        sums["delivered_minutes"] += row[9]
        if not flt.line_level:  # the units of the whole orders: no need to read the line facts
            sums["units"] += row[10]
            sums["units_allocated"] += row[11]
    if not flt.line_level:
        return out
    line = LineFactDaily
    line_query = scoped(
        select(
            line.day,
            line.channel,
            func.sum(line.orders),
            func.sum(line.value_reporting),
            func.sum(line.units),
            func.sum(line.units_allocated),
        ).group_by(line.day, line.channel),
        line,
    )
    line_query = drilldown.line_filters(line_query, line, flt)
    for row in session.execute(line_query).all():
        sums = out[row[0]][row[1]]
        sums["orders"] += row[2]
        sums["value"] += Decimal(row[3])
        sums["units"] += row[4]
        sums["units_allocated"] += row[5]
    return out


def _merged(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _total(days: dict[date, dict[str, dict]], first: date, last: date, channels=None) -> dict[str, Decimal]:
    total: dict[str, Decimal] = defaultdict(Decimal)
    for day, by_channel in days.items():
        if first <= day <= last:
            for channel, sums in by_channel.items():
                if channels is None or channel in channels:
                    for name, value in sums.items():
                        total[name] += Decimal(value)
    return total


def _fact_value(key: str, sums: dict[str, Decimal]) -> Decimal | None:
    if key == "gmv":
        return sums["value"]
    if key == "orders":
        return sums["orders"]
    if key == "average_order_value":
        return _ratio(sums["value"], sums["orders"])
    if key == "order_to_paid_hours":
        return _ratio(sums["paid_minutes"], sums["paid_orders"] * 60)
    if key == "paid_to_delivered_hours":
        return _ratio(sums["delivered_minutes"], sums["delivered_orders"] * 60)
    if key == "fill_rate":
        return _ratio(sums["units_allocated"], sums["units"], 100)
    raise KeyError(key)


def _buckets(first: date, last: date) -> list[tuple[date, date]]:
    """Sparkline buckets: days up to a month, weeks up to about four months, months beyond."""
    days = (last - first).days + 1
    buckets: list[tuple[date, date]] = []
    start = first
    while start <= last:
        if days <= 31:
            end = start
        elif days <= 124:
            end = start + timedelta(days=6)
        else:
            end = (start.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        buckets.append((start, min(end, last)))
        start = min(end, last) + timedelta(days=1)
    return buckets


# ---------------------------------------------------------------- the tiles


def _units_out_channels(flt: KpiFilter) -> set[str] | None:
    """Units that left the stock in scope: a dealer's stock only ships to its customers; the whole
    network's also to dealers."""
    return {Channel.CUSTOMER_STORE, Channel.CUSTOMER_ONLINE} if flt.dealer_id is not None else None


def compute_tiles(session: Session, principal: Principal, flt: KpiFilter) -> dict:
    """Every tile `principal` may see for `flt` (already scoped), without targets: see `dashboard`."""
    version, refreshed_at = facts.facts_version(session)
    # A running period (this month so far) is compared with the same days of the periods before.
    today = today_for(principal)
    whole, flt = flt, flt.to_date(today)
    previous, last_year = flt.previous().first_days(flt.days), flt.last_year().first_days(flt.days)
    history_first = today - timedelta(weeks=projection.WEEKS)
    spans = [(p.first, p.last) for p in (flt, previous, last_year)] + [(history_first, today)]
    days = daily_sums(session, flt, min(a for a, _ in spans), flt.last, only=spans)
    out: list[dict] = []
    periods = {"value": flt, "previous": previous, "last_year": last_year}
    totals = {name: _total(days, p.first, p.last) for name, p in periods.items()}
    refreshed = None if refreshed_at is None else refreshed_at.isoformat()
    now = utcnow().isoformat()
    stock = drilldown.stock_summary(session, flt)
    money_rates: list[dict] | None = None
    for spec in TILES:
        if not tile_allowed(principal, spec.key):
            continue
        tile = {
            "key": spec.key,
            "unit": spec.unit,
            "higher_is_better": spec.higher_is_better,
            "drilldown": list(spec.drilldown),
            "explain_key": f"kpi.explain.{spec.key}",
            "label_key": f"kpi.tile.{spec.key}",
            "refreshed_at": refreshed if spec.source == "facts" else now,
            "breakdown": {},
            "sparkline": [],
            "rates_used": [],
            "status": "ok",
            "no_data_key": None,
        }
        values: dict[str, Decimal | None]
        if spec.source == "facts":
            values = {name: _fact_value(spec.key, totals[name]) for name in periods}
            tile["sparkline"] = [
                {
                    "from": a.isoformat(),
                    "to": b.isoformat(),
                    "value": _q(_fact_value(spec.key, _total(days, a, b)), FOUR),
                }
                for a, b in _buckets(flt.first, flt.last)
            ]
            if spec.key in ("gmv", "orders"):
                tile["breakdown"] = {
                    channel.value: _q(
                        _fact_value(spec.key, _total(days, flt.first, flt.last, {channel})), FOUR
                    )
                    for channel in Channel
                }
            if spec.unit == "money":
                if money_rates is None:
                    money_rates = rates_used(session, flt)
                tile["rates_used"] = money_rates
            if spec.key == "gmv":
                gmv_by_day = {
                    day: sum((Decimal(sums["value"]) for sums in by_channel.values()), Decimal("0"))
                    for day, by_channel in days.items()
                }
                tile["projection"] = projection.month_end(gmv_by_day, whole, today)
        elif spec.source == "stock":
            values = {
                "value": _stock_value(
                    spec.key, stock, _total(days, flt.first, flt.last, _units_out_channels(flt)), flt
                )
            }
            values |= {"previous": None, "last_year": None}
            if spec.key == "inventory_value":
                tile["rates_used"] = stock["rates_used"]
        elif spec.source == "scorecards":
            values = {name: _scorecard_value(session, spec.key, p) for name, p in periods.items()}
            tile["refreshed_at"] = _scorecards_computed_at(session)
        elif spec.source == "incidents":
            values = {name: _incident_value(session, spec.key, p) for name, p in periods.items()}
        elif spec.source == "funnel":
            funnel = {name: drilldown.funnel_totals(session, principal, p) for name, p in periods.items()}
            values = {name: _ratio(f["orders"], f["bookings"], 100) for name, f in funnel.items()}
            tile["breakdown"] = {key: str(value) for key, value in funnel["value"].items()}
        elif spec.source == "planning":
            values = {name: _accuracy_value(session, p) for name, p in periods.items()}
            tile["refreshed_at"] = _forecasts_finished_at(session)
        elif spec.source == "pricing":
            values = {name: _savings_value(session, principal, p) for name, p in periods.items()}
            tile["refreshed_at"] = _savings_computed_at(session, principal)
        else:
            values = {"value": None, "previous": None, "last_year": None}
            tile["status"] = "no_data"
            tile["no_data_key"] = "kpi.no_data.planning"
        step = FOUR if spec.unit in ("percent", "ratio") else TWO
        tile["value"] = _q(values["value"], step)
        tile["previous"] = _q(values["previous"], step)
        tile["last_year"] = _q(values["last_year"], step)
        tile["change_previous"] = _change(values["value"], values["previous"], step)
        tile["change_last_year"] = _change(values["value"], values["last_year"], step)
        if tile["status"] == "ok" and values["value"] is None:
            tile["status"] = "empty"
        out.append(tile)
    return {
        "version": version,
        "refreshed_at": refreshed,
        "filter": flt.to_query(),
        "compared": {
            name: {"from": p.first.isoformat(), "to": p.last.isoformat()} for name, p in periods.items()
        },
        "tiles": out,
        "attention": anomalies.attention(session, flt, facts.local_day(utcnow())),
    }


def _change(value: Decimal | None, before: Decimal | None, step: Decimal) -> dict | None:
    if value is None or before is None:
        return None
    return {"delta": _q(value - before, step), "percent": _q(_ratio(value - before, before, 100), TWO)}


def _stock_value(key: str, stock: dict, out_sums: dict[str, Decimal], flt: KpiFilter) -> Decimal | None:
    if key == "stockout_rate":
        return _ratio(stock["stocked_out"], stock["with_demand"], 100)
    if key == "inventory_value":
        return stock["value"]
    if key == "turnover":
        return _ratio(out_sums["units_allocated"], stock["on_hand"])
    if key == "days_of_cover":
        per_day = _ratio(out_sums["units_allocated"], flt.days)
        return None if not per_day else Decimal(stock["on_hand"]) / per_day
    raise KeyError(key)


def _scorecard_value(session: Session, key: str, flt: KpiFilter) -> Decimal | None:
    sums = drilldown.scorecard_sums(session, flt)
    if key == "supplier_on_time":
        return _ratio(sums["lines_on_time"], sums["lines_due"], 100)
    return _ratio(sums["quantity_rejected"], sums["quantity_received"], 1_000_000)


def _latest(session: Session, query) -> str | None:
    """The moment a `select(func.max(...))` reads, as ISO in UTC (None when there is none): when a
    tile's source was last computed."""
    at = session.execute(query).scalar()
    if at is None:
        return None
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at).isoformat()


def _scorecards_computed_at(session: Session) -> str | None:
    return _latest(session, select(func.max(SupplierScorecard.computed_at)))


def _incident_value(session: Session, key: str, flt: KpiFilter) -> Decimal | None:
    sums = drilldown.incident_sums(session, flt)
    if key == "incident_response_hours":
        return _ratio(sums["response_minutes"], sums["answered"] * 60)
    return _ratio(sums["close_minutes"], sums["closed"] * 60)


def _accuracy_value(session: Session, flt: KpiFilter) -> Decimal | None:
    """Forecast accuracy (1 - WAPE, in percent) of the planning periods starting in the period
    (services/planning/accuracy.py: the forecast a period had before it began, against its demand)."""
    from services.planning.accuracy import accuracy_for_period  # local: pandas loads on first use

    value, _rows = accuracy_for_period(session, flt.first, flt.last)
    return None if value is None else Decimal(str(round(value, 6))) * 100


def _forecasts_finished_at(session: Session) -> str | None:
    from models.planning import ForecastRun, ForecastRunStatus

    return _latest(
        session,
        select(func.max(ForecastRun.finished_at)).where(ForecastRun.status == ForecastRunStatus.FINISHED),
    )


def _savings_value(session: Session, principal: Principal, flt: KpiFilter) -> Decimal | None:
    """What the price agreements and their suggestions would have saved on the purchase orders
    issued in the period against the prices paid (services/pricing/savings.py, summed from its
    nightly daily facts), in the reporting currency; None without such orders."""
    f = SavingsFactDaily
    paid, agreed = session.execute(
        drilldown.savings_facts(principal, flt, func.sum(f.paid), func.sum(f.with_agreements))
    ).one()
    return None if paid is None else Decimal(paid) - Decimal(agreed)


def _savings_computed_at(session: Session, principal: Principal) -> str | None:
    return _latest(
        session,
        select(func.max(SavingsFactDaily.computed_at)).where(
            SavingsFactDaily.buyer_organisation_id == principal.organisation_id
        ),
    )


def rates_used(session: Session, flt: KpiFilter) -> list[dict]:
    """The FX rate rows that converted the period's orders in scope (see fx.rates_used)."""
    o = OrderFactDaily
    query = select(o.currency, o.day).where(o.day >= flt.first, o.day <= flt.last).distinct()
    if flt.dealer_id is not None:
        query = query.where(o.dealer_organisation_id == flt.dealer_id)
    stores = store_ids_of(session, flt)
    if stores is not None:
        query = query.where(o.store_location_id.in_(stores))
    pairs = session.execute(query).all()
    if not pairs:
        return []
    book = fx.load_rates(session, {currency for currency, _ in pairs}, flt.last)
    return fx.rates_used(book, pairs)


# ---------------------------------------------------------------- cache, targets, the dashboard


def _cache_key(principal: Principal, flt: KpiFilter, version: int) -> str:
    """Per viewer, filter, facts version and day (a running period's figures end today)."""
    viewer = drilldown.viewer_key(principal)
    return f"analytics:tiles:v{version}:{viewer}:{today_for(principal).isoformat()}:{flt.query_string()}"


def dashboard(
    session: Session,
    principal: Principal,
    flt: KpiFilter,
    *,
    compute: Callable[[Session, Principal, KpiFilter], dict] = compute_tiles,
) -> dict:
    """The dashboard for `flt` as `principal` may see it (scope.scoped_filter: PermissionDenied for
    suppliers, customers and another dealer's filter), each tile with its target and whether it is
    met. Tile values are read from the cache under the current facts version, computed and stored
    when missing; targets are read fresh (setting one shows at once).
    Returns {"version", "refreshed_at", "filter", "compared", "cached", "refreshing", "attention",
    "tiles": [...]}; "refreshing" says a refresh is running (the figures are the previous ones)."""
    flt = scoped_filter(principal, flt)
    version, _ = facts.facts_version(session)
    key = _cache_key(principal, flt, version)
    cached = cache.get(key, session=session)
    if cached is not None:
        result = cached | {"cached": True}
    else:
        result = compute(session, principal, flt)
        if result["version"] != version:  # a refresh committed meanwhile: store under the one read
            key = _cache_key(principal, flt, result["version"])
        cache.put(key, result, ttl_seconds=get_settings().kpi_cache_seconds, session=session)
        result = result | {"cached": False}
    state = facts.refresh_state(session)
    result["refreshing"] = state["refreshing"]  # read fresh: a refresh may have begun since caching
    targets = targets_for(session, flt)
    for tile in result["tiles"]:
        target = targets.get(tile["key"])
        tile["target"] = None if target is None else str(target)
        tile["on_target"] = _on_target(tile, target)
    return result


def _on_target(tile: dict, target: Decimal | None) -> bool | None:
    if target is None or tile["value"] is None:
        return None
    value = Decimal(tile["value"])
    return value >= target if tile["higher_is_better"] else value <= target


def targets_for(session: Session, flt: KpiFilter) -> dict[str, Decimal]:
    rows = session.execute(select(KpiTarget.tile, KpiTarget.target).where(KpiTarget.scope == flt.scope_key()))
    return {tile: target for tile, target in rows.all()}


MAX_TARGET = Decimal("1e15")


def set_target(session: Session, principal: Principal, flt: KpiFilter, tile: str, target: object) -> dict:
    """Set (or, with target None, remove) the target of `tile` for `flt`'s scope (the filter without
    its period). Managers and admins only (PermissionDenied otherwise); NotFound `kpi.tile_unknown`
    (field `tile`) for a tile without figures; ValidationFailed `kpi.target_invalid` (field
    `target`) for anything but a finite number within bounds. The caller commits."""
    from services.analytics.scope import may_set_targets
    from services.platform.errors import PermissionDenied

    if not may_set_targets(principal):
        raise PermissionDenied("kpi.targets_denied")
    spec = TILE_BY_KEY.get(tile)
    if spec is None or spec.source == "none":
        raise NotFound("kpi.tile_unknown", field="tile", tile=str(tile)[:40])
    scope = flt.scope_key()
    existing = session.execute(
        select(KpiTarget).where(KpiTarget.tile == tile, KpiTarget.scope == scope)
    ).scalar_one_or_none()
    if target is None:
        if existing is not None:
            session.delete(existing)
            session.flush()
        return {"tile": tile, "scope": scope, "target": None}
    value = _target_value(target)
    if existing is None:
        existing = KpiTarget(tile=tile, scope=scope, target=value, higher_is_better=spec.higher_is_better)
    existing.target = value
    existing.set_by_user_id = principal.user_id
    existing.set_at = utcnow()
    session.add(existing)
    session.flush()
    return {"tile": tile, "scope": scope, "target": str(value)}


def _target_value(target: object) -> Decimal:
    if isinstance(target, bool):
        raise ValidationFailed("kpi.target_invalid", field="target")
    try:
        value = Decimal(str(target).strip())
    except ArithmeticError:
        raise ValidationFailed("kpi.target_invalid", field="target") from None
    if not value.is_finite() or abs(value) >= MAX_TARGET:
        raise ValidationFailed("kpi.target_invalid", field="target")
    return value.quantize(FOUR, rounding=ROUND_HALF_UP)


def dealers(session: Session) -> list[dict]:
    """The dealer organisations, for the dealer filter's choices."""
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.country)
        .where(Organisation.kind == "dealer")
        .order_by(Organisation.name)
    )
    return [{"id": id_, "name": name, "country": country} for id_, name, country in rows.all()]


def countries(session: Session, principal: Principal) -> list[str]:
    """The country filter's choices: the countries of the stores in the viewer's scope (a dealer's
    own stores; the network's warehouses and stores for a manager), sorted."""
    query = (
        select(Location.country)
        .where(Location.kind.in_([LocationKind.WAREHOUSE, LocationKind.STORE]), Location.country.is_not(None))
        .distinct()
    )
    if principal.role == Role.DEALER:
        query = query.where(Location.organisation_id == principal.organisation_id)
    return sorted(country for country in session.execute(query).scalars() if country)


def filter_choices(session: Session) -> dict:
    """The category and supplier filters' choices: the vehicle models (their codes) and the part
    categories that have facts, and the supplier organisations."""
    from models import VehicleModel

    categories = sorted(
        session.execute(select(LineFactDaily.item_kind, LineFactDaily.category).distinct()).all(),
        key=lambda row: (row[0] != "vehicle", row[1]),
    )
    models = {
        code: (name, name_zh)
        for code, name, name_zh in session.execute(
            select(VehicleModel.code, VehicleModel.name, VehicleModel.name_zh)
        ).all()
    }
    suppliers = session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_zh)
        .where(Organisation.kind == "supplier")
        .order_by(Organisation.name)
    ).all()
    return {
        "categories": [
            {
                "value": category,
                "kind": kind,
                "name": models.get(category, (category, None))[0],
                "name_zh": models.get(category, (category, None))[1],
            }
            for kind, category in categories
            if category
        ],
        "suppliers": [{"id": id_, "name": name, "name_zh": name_zh} for id_, name, name_zh in suppliers],
    }


def today_for(principal: Principal, now: datetime | None = None) -> date:
    """Today in the manager's (principal's) time zone: what "this month" is relative to."""
    from zoneinfo import ZoneInfo

    return (now or utcnow()).astimezone(ZoneInfo(principal.time_zone or "UTC")).date()
