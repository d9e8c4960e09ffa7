"""A small planning world for the forecast-run tests: the carmaker with a planner (a manager), a
warehouse, parts with stock there, and a synthetic monthly demand history per part shaped like car
parts (services/planning/forecast/synthetic.py), in the columns `demand_history` returns."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlmodel import Session

from models import Location, Part
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
