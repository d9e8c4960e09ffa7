"""The demo's stored forecast runs, so the planner's worklist and series pages have something to show
from the first start: the parts stocked at the carmaker's first warehouse get 36 months of synthetic
monthly demand shaped like car parts (services/planning/forecast/synthetic.py: trend, seasonality,
promotions, intermittent and lumpy slow movers, RNG seed 2026) up to last month, forecast
them through the same functions a worker's run uses (services/planning/runs.py), twice: as of half a
year ago (so the accuracy of stored forecasts has months to be measured on) and today, with the quick
candidates only (no ARIMA, no global models: the seed stays fast). The demo has no dealer part-order
history of that length, so this run's source is "seed"; a planner's own run reads the orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import delete, update
from sqlmodel import Session, select

from models import Location, LocationKind, Organisation, OrganisationKind, OutboxMessage, StockLevel
from models.planning import ForecastRun
from models.types import utcnow
from services.planning import runs
from services.planning.forecast.synthetic import synthetic_demand

SERIES = 16
MONTHS = 36
HORIZON = 6
CANDIDATES = ("SeasonalNaive", "AutoETS", "CrostonSBA", "TSB", "ADIDA")


def seed_forecast_run(session: Session, *, rng_seed: int = 2026, now: datetime | None = None) -> dict:
    """Write and forecast the demo runs (committed): one dated half a year ago on the history up to
    then, and today's; returns {"series": n, "run_id": today's id, "earlier_run_id": id}. Nothing
    when a run exists already or the carmaker has no warehouse with stocked parts."""
    if session.exec(select(ForecastRun.id)).first() is not None:
        return {"series": 0}
    warehouse = session.exec(
        select(Location)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(Organisation.kind == OrganisationKind.OEM.value, Location.kind == LocationKind.WAREHOUSE.value)
        .order_by(Location.id)
    ).first()
    if warehouse is None:
        return {"series": 0}
    stocked = session.exec(
        select(StockLevel.part_id, StockLevel.on_hand - StockLevel.reserved)
        .where(StockLevel.location_id == warehouse.id, StockLevel.part_id.is_not(None))
        .order_by(StockLevel.part_id)
        .limit(SERIES)
    ).all()
    if not stocked:
        return {"series": 0}
    part_ids = [part_id for part_id, _ in stocked]
    now = now or utcnow()
    first = (pd.Timestamp(now.date()).to_period("M") - MONTHS).start_time
    demand = synthetic_demand(len(part_ids), periods=MONTHS, seed=rng_seed, start=first.strftime("%Y-%m-%d"))
    by_id = dict(zip(sorted(demand["unique_id"].unique()), part_ids, strict=True))
    history = demand.assign(
        part_id=demand["unique_id"].map(by_id), location_id=warehouse.id, censored=False
    ).drop(columns="shape")
    # Each part's demand scaled to its free stock: three months of it between 0.4 and 1.8 times the
    # stock, so some parts run short within the worklist's risk window and others do not.
    rng = np.random.default_rng(rng_seed)
    free = {part_id: max(int(units), 1) for part_id, units in stocked}
    mean = history.groupby("part_id")["y"].mean().clip(lower=0.1)
    factor = {
        part_id: free[part_id] / (runs.RISK_PERIODS * mean[part_id]) * rng.uniform(0.4, 1.8)
        for part_id in part_ids
    }
    history["y"] = (history["y"] * history["part_id"].map(factor)).round()
    # Half a year ago's run (its forecasts meet the demand that then happened: the accuracy the KPI
    # tile reads, services/planning/accuracy.py), then today's.
    as_of = pd.Timestamp(now.date()).to_period("M") - HORIZON
    earlier = history[history["ds"] < as_of.start_time]
    decided = as_of.start_time.to_pydatetime().replace(tzinfo=UTC) - timedelta(days=1)
    earlier_id = _forecast(session, earlier, at=decided)
    run_id = _forecast(session, history)
    # No page watches a run being seeded: its progress notices would only wake the relay.
    session.execute(delete(OutboxMessage).where(OutboxMessage.topic == runs.FORECAST_RUN_PROGRESS))
    session.commit()
    return {"series": len(part_ids), "run_id": run_id, "earlier_run_id": earlier_id}


def _forecast(session: Session, history: pd.DataFrame, at: datetime | None = None) -> int:
    """One seeded run of `history` through the worker's functions, dated `at` (default now)."""
    run = ForecastRun(
        source="seed", horizon=HORIZON, frequency="month", candidates=list(CANDIDATES), chunk_size=SERIES
    )
    session.add(run)
    session.flush()
    run_id = int(run.id)
    chunks = runs.prepare_run(session, run_id, history=history)
    session.commit()
    for chunk in chunks:
        runs.forecast_chunk(session, run_id, chunk)
    runs.close_run(session, run_id)
    if at is not None:
        session.execute(
            update(ForecastRun)
            .where(ForecastRun.id == run_id)
            .values(requested_at=at, started_at=at, finished_at=at, progress_at=at)
        )
    session.commit()
    return run_id
