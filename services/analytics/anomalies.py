"""The attention panel: figures that left their usual band, each with the rows behind it.

For every dealer in the view (and the view as a whole), the orders and GMV of the last complete week
(Monday to Sunday, reporting-zone days) of the period are compared with the same figure in each of
the twelve weeks before it: below the 5th percentile of those weeks is flagged "low", above the 95th
"high", when it is also at least a quarter away from the median (twelve weeks make a band that
a normal week leaves now and then by a hair). A dealer needs orders in at least
MIN_WEEKS_WITH_ORDERS of the twelve weeks to have a usual band (a new store is not an anomaly).
Weeks without orders count as zero: a week a store sold nothing is exactly what the panel is for.

Read from the daily fact tables with the view's filter (region, dealer, item kind, category,
supplier), so the panel agrees with the tiles and each flag opens the week's orders of that dealer.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
from sqlalchemy import case, func, literal, select
from sqlmodel import Session

from models import LineFactDaily, OrderFactDaily, Organisation
from services.analytics import drilldown
from services.analytics.filters import KpiFilter

HISTORY_WEEKS = 12
MIN_WEEKS_WITH_ORDERS = 8
LOW, HIGH = 5, 95  # percentiles of the band
MATERIAL = Decimal("0.25")  # and at least this far from the median: twelve weeks' band is narrow
METRICS = ("orders", "gmv")
NETWORK = 0  # the dealer id of the view as a whole


@dataclass(frozen=True)
class Week:
    first: date
    last: date


def last_complete_week(flt: KpiFilter, today: date) -> Week:
    """The last Monday-to-Sunday week that ends on or before the period's last day and is over."""
    end = min(flt.last, today - timedelta(days=1))
    sunday = end - timedelta(days=(end.weekday() + 1) % 7)
    return Week(sunday - timedelta(days=6), sunday)


def attention(session: Session, flt: KpiFilter, today: date) -> dict:
    """The flags of `flt`'s view (already scoped to what the viewer may see), worst first.

    Returns {"week": {"from", "to"}, "flags": [{"metric", "dealer_id", "dealer_name",
    "dealer_name_zh", "direction", "value", "low", "median", "high", "severity", "drill": {query of
    the week's rows}}]}; values are strings."""
    week = last_complete_week(flt, today)
    first = week.first - timedelta(weeks=HISTORY_WEEKS)
    weekly = _weekly(session, flt, first, week.last)
    names = _dealer_names(session, {dealer for dealer, _ in weekly} - {NETWORK})
    flags = []
    for (dealer_id, metric), by_week in weekly.items():
        history = [by_week.get(k, Decimal("0")) for k in range(HISTORY_WEEKS)]
        if sum(1 for value in history if value) < MIN_WEEKS_WITH_ORDERS:
            continue
        value = by_week.get(HISTORY_WEEKS, Decimal("0"))
        low, median, high = (
            Decimal(str(v)) for v in np.percentile([float(v) for v in history], [LOW, 50, HIGH])
        )
        if low <= value <= high or abs(value - median) < MATERIAL * median:
            continue
        direction = "low" if value < low else "high"
        flags.append(
            {
                "metric": metric,
                "dealer_id": None if dealer_id == NETWORK else dealer_id,
                "dealer_name": names.get(dealer_id, ("", None))[0],
                "dealer_name_zh": names.get(dealer_id, ("", None))[1],
                "direction": direction,
                "value": _s(value),
                "low": _s(low),
                "median": _s(median),
                "high": _s(high),
                # how far from the usual week, as a share of it: the worst first
                "severity": float(abs(value - median) / max(median, Decimal("1"))),
                "drill": _drill_query(flt, week, None if dealer_id == NETWORK else dealer_id),
            }
        )
    flags.sort(key=lambda flag: (-flag["severity"], flag["dealer_name"], flag["metric"]))
    return {"week": {"from": week.first.isoformat(), "to": week.last.isoformat()}, "flags": flags}


def _s(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def _weekly(session: Session, flt: KpiFilter, first: date, last: date) -> dict[tuple[int, str], dict]:
    """(dealer id or NETWORK, metric) -> week index (0 = the oldest, HISTORY_WEEKS = the week looked
    at) -> value, from the order facts (the line facts under a line-level filter)."""
    table = LineFactDaily if flt.line_level else OrderFactDaily
    # the week's index summed in the database: a row per dealer and week, not per dealer and day
    week_of = case(
        *(
            (table.day <= first + timedelta(days=7 * k + 6), literal(k))
            for k in range((last - first).days // 7 + 1)
        ),
        else_=literal(-1),
    )
    query = (
        select(table.dealer_organisation_id, week_of, func.sum(table.orders), func.sum(table.value_reporting))
        .where(table.day >= first, table.day <= last)
        .group_by(table.dealer_organisation_id, week_of)
    )
    if flt.dealer_id is not None:
        query = query.where(table.dealer_organisation_id == flt.dealer_id)
    stores = _store_ids(session, flt)
    if stores is not None:
        query = query.where(table.store_location_id.in_(stores))
    if flt.line_level:
        query = drilldown.line_filters(query, table, flt)
    out: dict[tuple[int, str], dict] = defaultdict(lambda: defaultdict(Decimal))
    for dealer_id, week, orders, value in session.execute(query).all():
        for who in (dealer_id, NETWORK) if flt.dealer_id is None else (dealer_id,):
            out[(who, "orders")][week] += Decimal(orders or 0)
            out[(who, "gmv")][week] += Decimal(value or 0)
    return out


def _store_ids(session: Session, flt: KpiFilter) -> list[int] | None:
    from services.analytics.tiles import store_ids_of  # local: tiles imports this module

    return store_ids_of(session, flt)


def _dealer_names(session: Session, ids: set[int]) -> dict[int, tuple[str, str | None]]:
    """id -> (English name, Chinese name or None)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Organisation.id, Organisation.name, Organisation.name_zh).where(
            Organisation.id.in_(sorted(ids))
        )
    )
    return {id_: (name, name_zh) for id_, name, name_zh in rows.all()}


def _drill_query(flt: KpiFilter, week: Week, dealer_id: int | None) -> dict[str, str]:
    """The dashboard address of the week's orders: the view's filter, that week, that dealer."""
    query = {k: v for k, v in flt.to_query().items() if k not in ("period", "day", "from", "to")}
    query |= {
        "period": "custom",
        "from": week.first.isoformat(),
        "to": week.last.isoformat(),
        "drill": "orders",
    }
    if dealer_id is not None:
        query["dealer"] = str(dealer_id)
    return query
