"""Demand history per part and location from dealer part orders, by week or by month, with the
periods in which demand was censored by a stockout marked (censored demand is not zero demand: the
forecast must not learn "nobody wanted it" from "nobody could get it").

Demand is the ordered quantity of the part lines of dealer purchase orders that were not cancelled,
at the stock location the line drew from (the OEM warehouse the dealers order from), dated by the
order's placement. A period without orders between an item's first order and `until` is zero demand,
unless it is censored.

Censoring: the data model keeps today's stock (`stock_level`), not its history, and a refused order
(out of stock) leaves no row. So a period is marked censored when (a) the caller names it in
`stockouts` (from a stock-movement history, the seed or a simulation), or (b) it is the current period
and the location has no unreserved stock of the part now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from models import OrderKind, OrderStatus, SalesOrder, SalesOrderLine, StockLevel
from models.types import utcnow

FREQUENCIES = {"week": "W-MON", "month": "MS"}
COLUMNS = ["unique_id", "part_id", "location_id", "ds", "y", "censored"]


def period_start(moment: pd.Series | datetime, freq: str) -> pd.Series | pd.Timestamp:
    """The first day of the week (Monday) or month that holds `moment` (naive UTC dates)."""
    stamp = pd.to_datetime(moment, utc=True)
    stamp = stamp.dt.tz_localize(None) if isinstance(stamp, pd.Series) else stamp.tz_localize(None)
    period = "W-SUN" if freq == "week" else "M"  # a week ending Sunday starts on Monday
    if isinstance(stamp, pd.Series):
        return stamp.dt.to_period(period).dt.start_time
    return stamp.to_period(period).start_time


def demand_history(
    session: Session,
    *,
    freq: str = "month",
    until: datetime | None = None,
    stockouts: Iterable[tuple[int, int, date]] = (),
) -> pd.DataFrame:
    """`unique_id` ("<part_id>@<location_id>"), `part_id`, `location_id`, `ds` (period start), `y`
    (units ordered, float), `censored` (bool), one row per item, location and period from the item's
    first order to the period of `until` (default now), sorted. `stockouts` are (part_id, location_id,
    any date in the period). Raises ValueError for an unknown `freq` ("week" or "month")."""
    if freq not in FREQUENCIES:
        raise ValueError(f"freq must be one of {', '.join(FREQUENCIES)}, not {freq!r}")
    until = until or utcnow()
    rows = session.execute(
        select(SalesOrderLine.part_id, StockLevel.location_id, SalesOrder.created_at, SalesOrderLine.quantity)
        .join(SalesOrder, SalesOrder.id == SalesOrderLine.order_id)
        .join(StockLevel, StockLevel.id == SalesOrderLine.stock_level_id)
        .where(
            SalesOrder.kind == OrderKind.DEALER_PURCHASE.value,
            SalesOrder.status != OrderStatus.CANCELLED.value,
            SalesOrderLine.part_id.is_not(None),
            SalesOrder.created_at <= until,
        )
    ).all()
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    lines = pd.DataFrame(rows, columns=["part_id", "location_id", "created_at", "quantity"])
    lines["ds"] = period_start(lines["created_at"], freq)
    totals = lines.groupby(["part_id", "location_id", "ds"], as_index=False)["quantity"].sum()
    last = period_start(until, freq)
    frames = []
    for (part_id, location_id), item in totals.groupby(["part_id", "location_id"], sort=True):
        periods = pd.date_range(item["ds"].min(), last, freq=FREQUENCIES[freq])
        y = item.set_index("ds")["quantity"].reindex(periods, fill_value=0).astype(float)
        frames.append(
            pd.DataFrame({"part_id": part_id, "location_id": location_id, "ds": periods, "y": y.to_numpy()})
        )
    history = pd.concat(frames, ignore_index=True)
    history["censored"] = False
    marked = _censored_periods(session, history, stockouts, freq, last)
    if marked:
        keys = pd.MultiIndex.from_frame(history[["part_id", "location_id", "ds"]])
        history["censored"] = keys.isin(list(marked))
    history.insert(0, "unique_id", history["part_id"].astype(str) + "@" + history["location_id"].astype(str))
    return history[COLUMNS].sort_values(["unique_id", "ds"]).reset_index(drop=True)


def _censored_periods(
    session: Session,
    history: pd.DataFrame,
    stockouts: Iterable[tuple[int, int, date]],
    freq: str,
    last: pd.Timestamp,
) -> set[tuple[int, int, pd.Timestamp]]:
    marked = {(part, location, period_start(pd.Timestamp(day), freq)) for part, location, day in stockouts}
    items = history[["part_id", "location_id"]].drop_duplicates()
    empty = session.execute(
        select(StockLevel.part_id, StockLevel.location_id).where(
            StockLevel.part_id.in_([int(p) for p in items["part_id"].unique()]),
            StockLevel.on_hand - StockLevel.reserved <= 0,
        )
    ).all()
    marked |= {(part, location, last) for part, location in empty}
    return marked
