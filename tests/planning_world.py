"""A small planning world for the forecast-run tests: the carmaker with a planner (a manager), a
warehouse, parts with stock there, and a synthetic monthly demand history per part shaped like car
parts (services/planning/forecast/synthetic.py), in the columns `demand_history` returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlmodel import Session

from models import Location, Organisation, Part
from models.planning import ForecastPoint, ForecastRun, ForecastSeries, PartReplenishment
from models.types import utcnow
from services.identity.auth import Principal, principal_for
from services.planning.forecast.synthetic import synthetic_demand
from tests.factories import make_location, make_org, make_part, make_stock, make_user

# Fast candidates (no AutoARIMA, no LightGBM): a run of a few dozen series takes seconds.
FAST_CANDIDATES = ("SeasonalNaive", "AutoETS", "CrostonSBA")


@dataclass
class PlanningWorld:
    planner: Principal
    dealer: Principal
    supplier: Principal
    warehouse: Location
    parts: list[Part]


def build_planning_world(session: Session, parts: int = 6, on_hand: int = 5) -> PlanningWorld:
    oem = make_org(session, "oem")
    supplier_org = make_org(session, "supplier")
    dealer_org = make_org(session, "dealer")
    warehouse = make_location(session, oem, kind="warehouse")
    made = []
    for index in range(parts):
        part = make_part(session, supplier_org, price=f"{10 + index}.00")
        make_stock(session, warehouse, part, on_hand=on_hand * (index % 3))
        made.append(part)
    session.flush()
    return PlanningWorld(
        planner=principal_for(make_user(session, "manager", oem), oem),
        dealer=principal_for(make_user(session, "dealer", dealer_org), dealer_org),
        supplier=principal_for(make_user(session, "supplier", supplier_org), supplier_org),
        warehouse=warehouse,
        parts=made,
    )


def synthetic_history(
    parts: list[Part], location: Location, periods: int = 30, seed: int = 3
) -> pd.DataFrame:
    """`unique_id, part_id, location_id, ds, y, censored` for each part at `location` (month starts)."""
    demand = synthetic_demand(len(parts), periods=periods, seed=seed, start="2024-01-01")
    ids = sorted(demand["unique_id"].unique())
    by_id = {uid: part for uid, part in zip(ids, parts, strict=True)}
    frame = demand.assign(
        part_id=demand["unique_id"].map(lambda uid: by_id[uid].id),
        location_id=location.id,
        censored=False,
    )
    frame["unique_id"] = frame["part_id"].astype(str) + "@" + str(location.id)
    return frame[["unique_id", "part_id", "location_id", "ds", "y", "censored"]]


@dataclass
class OrderedHistory:
    """An ordering world (tests/ordering_world.py) whose dealer ordered parts from the warehouse for
    `months` months up to last month, and the carmaker's planner."""

    planner: Principal
    parts: list[Part]
    warehouse: Location
    order_count: int


def build_order_history(session: Session, parts: int = 8, months: int = 24, seed: int = 5) -> OrderedHistory:
    """Dealer purchase orders shaped by `synthetic_demand`: one order per month holding a line per
    part ordered that month (mid-month, UTC), committed."""
    from datetime import UTC, datetime, timedelta
    from decimal import Decimal

    from models import OrderKind, OrderStatus, SalesOrder, SalesOrderLine
    from tests.ordering_world import build_world, new_key

    world = build_world(session, part_prices=tuple(f"{10 + index}.00" for index in range(parts)))
    planner = principal_for(make_user(session, "manager", world.oem), world.oem)
    now = datetime.now(UTC)
    first = (pd.Timestamp(now.date()).to_period("M") - months).start_time
    demand = synthetic_demand(parts, periods=months, seed=seed, start=first.strftime("%Y-%m-%d"))
    ids = sorted(demand["unique_id"].unique())
    orders = 0
    for ds, month in demand.groupby("ds"):
        at = datetime(ds.year, ds.month, 15, 9, tzinfo=UTC)
        lines = [
            (ids.index(uid), int(y)) for uid, y in zip(month["unique_id"], month["y"], strict=True) if y > 0
        ]
        if not lines:
            continue
        order = SalesOrder(
            kind=OrderKind.DEALER_PURCHASE.value,
            buyer_organisation_id=world.dealer_org.id,
            buyer_user_id=world.dealer.user_id,
            buyer_location_id=world.store.id,
            seller_organisation_id=world.oem.id,
            source_location_id=world.warehouse.id,
            status=OrderStatus.PAID.value,
            currency="CNY",
            total=Decimal("1.00"),
            idempotency_key=new_key(),
            request_fingerprint="f" * 64,
            hold_expires_at=at + timedelta(minutes=15),
            created_at=at,
            updated_at=at,
        )
        session.add(order)
        session.flush()
        for number, (index, quantity) in enumerate(lines, start=1):
            part = world.parts[index]
            session.add(
                SalesOrderLine(
                    order_id=order.id,
                    line_no=number,
                    part_id=part.id,
                    stock_level_id=world.part_stock[index],
                    item_code=part.sku,
                    item_name=part.name,
                    quantity=quantity,
                    unit_price=Decimal("1.00"),
                    currency="CNY",
                    line_total=Decimal(quantity),
                )
            )
        orders += 1
    session.commit()
    return OrderedHistory(planner=planner, parts=world.parts, warehouse=world.warehouse, order_count=orders)


def add_flat_forecast(session: Session, world: PlanningWorld) -> None:
    """A finished monthly run forecasting 30 a month at the warehouse for every part (no spread on the
    first two, an interval of 20 .. 40 on the third), and MOQ 20 in packs of 12 for the second part.
    With `build_planning_world(parts=3, on_hand=5)` the parts have 0, 5 and 10 on hand."""
    run = ForecastRun(status="finished", horizon=3, frequency="month", finished_at=utcnow(), series_total=3)
    session.add(run)
    session.flush()
    today = date.today()
    for index, part in enumerate(world.parts):
        series = ForecastSeries(
            run_id=run.id, part_id=part.id, location_id=world.warehouse.id, chunk=0, status="done"
        )
        session.add(series)
        session.flush()
        for month in range(3):
            lo, hi = (30.0, 30.0) if index < 2 else (20.0, 40.0)
            period = today.replace(day=1) + timedelta(days=31 * (month + 1))
            session.add(ForecastPoint(series_id=series.id, period=period, yhat=30.0, lo=lo, hi=hi))
    session.add(PartReplenishment(part_id=world.parts[1].id, moq=20, pack_size=12, lead_time_days=14))
    session.flush()


def add_store_forecast(session: Session, world: PlanningWorld) -> Location:
    """A dealer store with no stock, forecast at 30 a month for every part in the flat run
    (`add_flat_forecast` first): its proposal gets a transfer from the warehouse of each part the
    warehouse has free (none of the first part, 5 of the second, 10 of the third)."""
    from sqlmodel import select

    dealer_org = session.get(Organisation, world.dealer.organisation_id)
    store = make_location(session, dealer_org, kind="store")
    run = session.exec(select(ForecastRun).order_by(ForecastRun.id.desc())).first()
    today = date.today()
    for part in world.parts:
        series = ForecastSeries(run_id=run.id, part_id=part.id, location_id=store.id, chunk=0, status="done")
        session.add(series)
        session.flush()
        for month in range(3):
            period = today.replace(day=1) + timedelta(days=31 * (month + 1))
            session.add(ForecastPoint(series_id=series.id, period=period, yhat=30.0, lo=30.0, hi=30.0))
    session.flush()
    return store
