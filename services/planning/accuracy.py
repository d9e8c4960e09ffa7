"""Forecast accuracy of the stored forecasts against the demand that then happened, for the KPI
dashboard's forecast-accuracy tile: 1 - WAPE (weighted absolute percentage error) over the periods of
a date range that have ended.

Which forecast counts for a part, location and period: the one of the newest finished run that had
finished before the period began (what a planner could act on; a later run would be judged on
hindsight). Which demand counts as actual: the history point of the newest run whose stored history
covers the period (each run records the demand it saw, from the dealers' part orders), so the
figure needs no second reading of the order tables and agrees with what the planner's chart shows.
A period without a later run's history that saw it whole has no actual yet and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date

import pandas as pd
from sqlmodel import Session, select

from models import Location, Part, Role
from models.planning import (
    ForecastHistoryPoint,
    ForecastPoint,
    ForecastRun,
    ForecastRunStatus,
    ForecastSeries,
)
from services.identity.access import require_role
from services.identity.auth import Principal


@dataclass(frozen=True)
class AccuracyRow:
    """One part at one location in one period: the forecast that counted (and its run) and the actual."""

    part_id: int
    sku: str
    location_id: int
    location_code: str
    period: date
    run_id: int
    forecast: float
    actual: float

    @property
    def abs_error(self) -> float:
        return abs(self.actual - self.forecast)


def accuracy_for_period(
    session: Session, start: date, end: date, *, principal: Principal | None = None
) -> tuple[float | None, list[AccuracyRow]]:
    """(1 - WAPE, the rows behind it) for the periods starting between `start` and `end` (inclusive)
    whose actual demand is known, over the whole network; the value is clipped at 0 and is None when
    there is no row or no demand in them. With `principal`, only managers and admins may ask
    (PermissionDenied otherwise). Rows are sorted by period, SKU, location."""
    if principal is not None:
        require_role(principal, Role.MANAGER, Role.ADMIN)
    finished = ForecastRunStatus.FINISHED.value
    forecasts = pd.DataFrame(
        session.exec(
            select(
                ForecastSeries.part_id,
                ForecastSeries.location_id,
                ForecastPoint.period,
                ForecastRun.id,
                ForecastRun.finished_at,
                ForecastPoint.yhat,
            )
            .join(ForecastSeries, ForecastSeries.id == ForecastPoint.series_id)
            .join(ForecastRun, ForecastRun.id == ForecastSeries.run_id)
            .where(ForecastRun.status == finished, ForecastPoint.period >= start, ForecastPoint.period <= end)
        ).all(),
        columns=["part_id", "location_id", "period", "run_id", "finished_at", "forecast"],
    )
    if forecasts.empty:
        return None, []
    began = pd.to_datetime(forecasts["period"]).dt.tz_localize(UTC)
    forecasts = forecasts[pd.to_datetime(forecasts["finished_at"], utc=True) < began]
    keys = ["part_id", "location_id", "period"]
    forecasts = forecasts.sort_values("run_id").drop_duplicates(keys, keep="last")
    actuals = pd.DataFrame(
        session.exec(
            select(
                ForecastSeries.part_id,
                ForecastSeries.location_id,
                ForecastHistoryPoint.period,
                ForecastRun.id,
                ForecastRun.frequency,
                ForecastRun.started_at,
                ForecastHistoryPoint.demand,
            )
            .join(ForecastSeries, ForecastSeries.id == ForecastHistoryPoint.series_id)
            .join(ForecastRun, ForecastRun.id == ForecastSeries.run_id)
            .where(
                ForecastRun.status == finished,
                ForecastHistoryPoint.period >= start,
                ForecastHistoryPoint.period <= end,
            )
        ).all(),
        columns=["part_id", "location_id", "period", "history_run_id", "frequency", "started_at", "actual"],
    )
    # Only a period the run saw whole is an actual (a run's newest period is still going).
    starts = pd.to_datetime(actuals["period"])
    ends = starts.where(actuals["frequency"] == "week", starts + pd.offsets.MonthBegin(1))
    ends = ends.where(actuals["frequency"] != "week", starts + pd.Timedelta(days=7)).dt.tz_localize(UTC)
    actuals = actuals[ends <= pd.to_datetime(actuals["started_at"], utc=True)]
    actuals = actuals.sort_values("history_run_id").drop_duplicates(keys, keep="last")
    matched = forecasts.merge(actuals, on=keys, how="inner")
    # The actual must come from a run after the forecast's (that run saw the period happen).
    matched = matched[matched["history_run_id"] > matched["run_id"]]
    if matched.empty:
        return None, []
    skus = dict(
        session.exec(select(Part.id, Part.sku).where(Part.id.in_(matched["part_id"].unique().tolist()))).all()
    )
    codes = dict(
        session.exec(
            select(Location.id, Location.code).where(
                Location.id.in_(matched["location_id"].unique().tolist())
            )
        ).all()
    )
    rows = sorted(
        (
            AccuracyRow(
                part_id=int(row.part_id),
                sku=skus.get(int(row.part_id), ""),
                location_id=int(row.location_id),
                location_code=codes.get(int(row.location_id), ""),
                period=row.period,
                run_id=int(row.run_id),
                forecast=float(row.forecast),
                actual=float(row.actual),
            )
            for row in matched.itertuples(index=False)
        ),
        key=lambda row: (row.period, row.sku, row.location_code),
    )
    demand = sum(row.actual for row in rows)
    if demand <= 0:
        return None, rows
    wape = sum(row.abs_error for row in rows) / demand
    return max(0.0, 1.0 - wape), rows
