"""Stored forecast runs: asked for by a planner, prepared from the demand history, forecast chunk by
chunk (any number of workers), closed when every series is written; and the reads the planner's pages
make.

The life of a run (`models/planning.py`):
1. `start_run` (a planner): a queued run and a `forecast_run.requested` outbox message, one transaction.
2. `prepare_run` (a worker): the demand history (`demand_history`) is written as the run's series, split
   into chunks of `chunk_size`, with the history points each series' chart will show; the run is running.
3. `forecast_chunk` (a worker per chunk): the chunk's pending series are forecast with selection
   (`forecast.pipeline`) outside any transaction, then written in one: the series' status moves from
   pending to done only where it still is pending, and when any of them is not (another worker wrote
   the chunk first) nothing is written. So a chunk delivered twice stores every series once.
4. `close_run` (the chord's callback, or the sweep): finished once no series is pending.
`resumable_runs` finds runs without progress for a while (a killed worker: the broker may hold its
message for an hour) so the sweep sends their unwritten chunks again.

Planners are the carmaker's managers: every function taking a principal refuses anyone else
(PermissionDenied `access.denied`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from sqlalchemy import and_, case, func, insert, update
from sqlmodel import Session, select

from models import FxRate, Location, Part, Role, StockLevel
from models.planning import (
    ForecastBacktestPoint,
    ForecastHistoryPoint,
    ForecastPoint,
    ForecastRun,
    ForecastRunStatus,
    ForecastSeries,
    SeriesStatus,
)
from models.types import CENTS, utcnow
from services.identity.access import require_role
from services.identity.auth import Principal
from services.planning.demand_history import FREQUENCIES, demand_history
from services.planning.forecast.candidates import ALL_CANDIDATES
from services.platform import audit, outbox
from services.platform.errors import DomainError, NotFound, ValidationFailed

FORECAST_RUN_REQUESTED = "forecast_run.requested"
# A run moved (prepared, a chunk written, closed): the open planning pages show its progress
# (services/platform/live.py; one message per step, in the step's transaction).
FORECAST_RUN_PROGRESS = "forecast_run.progress"
DEFAULT_HORIZON = 6
MAX_HORIZON = 24
DEFAULT_CHUNK_SIZE = 200
MAX_CHUNK_SIZE = 5000
# The worklist's value at risk looks this many periods ahead (about a replenishment lead time).
RISK_PERIODS = 3
ACTIVE = (ForecastRunStatus.QUEUED.value, ForecastRunStatus.RUNNING.value)


def _planner(principal: Principal | None) -> Principal:
    return require_role(principal, Role.MANAGER)


# --- starting and running a run ---------------------------------------------------------------


def start_run(
    session: Session,
    principal: Principal,
    *,
    horizon: int = DEFAULT_HORIZON,
    frequency: str = "month",
    candidates: Sequence[str] = ALL_CANDIDATES,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> int:
    """Queue a forecast run of every series with demand history; returns its id. The run and the
    outbox message that has a worker prepare it are written in the caller's transaction, with an
    audit entry. Raises PermissionDenied (not a planner), ValidationFailed naming the field
    (`horizon` 1..24, `frequency` month/week, `candidates` known and not empty, `chunk_size`), or
    DomainError `planning.run.already_running` while another run is queued or running."""
    planner = _planner(principal)
    _check_run_arguments(horizon, frequency, candidates, chunk_size)
    active = session.exec(select(ForecastRun.id).where(ForecastRun.status.in_(ACTIVE))).first()
    if active is not None:
        raise DomainError("planning.run.already_running", run=active)
    run = ForecastRun(
        horizon=horizon,
        frequency=frequency,
        candidates=list(candidates),
        chunk_size=chunk_size,
        requested_by_user_id=planner.user_id,
    )
    session.add(run)
    session.flush()
    outbox.enqueue(session, FORECAST_RUN_REQUESTED, {"run_id": run.id})
    audit.record(
        session,
        action="forecast_run.started",
        entity="forecast_run",
        entity_id=run.id,
        actor_user_id=planner.user_id,
        organisation_id=planner.organisation_id,
        after={"horizon": horizon, "frequency": frequency, "candidates": list(candidates)},
    )
    return int(run.id)


def _check_run_arguments(horizon: int, frequency: str, candidates: Sequence[str], chunk_size: int) -> None:
    if not isinstance(horizon, int) or not 1 <= horizon <= MAX_HORIZON:
        raise ValidationFailed("planning.run.horizon_invalid", field="horizon", max=MAX_HORIZON)
    if frequency not in FREQUENCIES:
        raise ValidationFailed("planning.run.frequency_invalid", field="frequency")
    unknown = sorted(set(candidates) - set(ALL_CANDIDATES))
    if not candidates or unknown:
        raise ValidationFailed(
            "planning.run.candidates_invalid", field="candidates", names=", ".join(unknown)
        )
    if not isinstance(chunk_size, int) or not 1 <= chunk_size <= MAX_CHUNK_SIZE:
        raise ValidationFailed("planning.run.chunk_size_invalid", field="chunk_size", max=MAX_CHUNK_SIZE)


def prepare_run(session: Session, run_id: int, *, history: pd.DataFrame | None = None) -> list[int]:
    """Write a queued run's series (chunked) and their history points from `history` (default: the
    demand history of dealer part orders at the run's frequency, now), mark it running and return its
    chunk numbers that still have pending series. A run already prepared is left as it is (its pending
    chunks are returned); one with nothing to forecast is finished at once. Raises NotFound."""
    run = session.get(ForecastRun, run_id, with_for_update=True)
    if run is None:
        raise NotFound("planning.run.not_found", field="run")
    if run.status != ForecastRunStatus.QUEUED.value:
        return pending_chunks(session, run_id)
    if history is None:
        history = demand_history(session, freq=run.frequency)
    now = utcnow()
    items = history[["part_id", "location_id"]].drop_duplicates().sort_values(["part_id", "location_id"])
    rows = [
        {
            "run_id": run_id,
            "part_id": int(part_id),
            "location_id": int(location_id),
            "chunk": index // run.chunk_size,
            "status": SeriesStatus.PENDING.value,
            "model": "",
            "members": "",
            "windows": 0,
            "runner_up": "",
            "demand_class": "",
            "risk_demand": 0.0,
            "error": "",
        }
        for index, (part_id, location_id) in enumerate(items.itertuples(index=False))
    ]
    if rows:
        session.execute(insert(ForecastSeries), rows)
        ids = {
            (part_id, location_id): series_id
            for series_id, part_id, location_id in session.exec(
                select(ForecastSeries.id, ForecastSeries.part_id, ForecastSeries.location_id).where(
                    ForecastSeries.run_id == run_id
                )
            ).all()
        }
        keys = zip(history["part_id"].astype(int), history["location_id"].astype(int), strict=True)
        censored_column = history["censored"] if "censored" in history else [False] * len(history)
        points = [
            {
                "series_id": ids[key],
                "period": pd.Timestamp(ds).date(),
                "demand": float(y),
                "censored": bool(censored),
            }
            for key, ds, y, censored in zip(keys, history["ds"], history["y"], censored_column, strict=True)
        ]
        session.execute(insert(ForecastHistoryPoint), points)
    run.series_total = len(rows)
    run.started_at = run.progress_at = now
    run.status = ForecastRunStatus.RUNNING.value if rows else ForecastRunStatus.FINISHED.value
    if not rows:
        run.finished_at = now
    session.add(run)
    _announce(session, run_id)
    session.flush()
    return sorted({row["chunk"] for row in rows})


def pending_chunks(session: Session, run_id: int) -> list[int]:
    """The chunk numbers of a run that still have a pending series."""
    return sorted(
        session.exec(
            select(ForecastSeries.chunk)
            .where(ForecastSeries.run_id == run_id, ForecastSeries.status == SeriesStatus.PENDING.value)
            .distinct()
        ).all()
    )


@dataclass(frozen=True)
class ChunkResult:
    """What `forecast_chunk` did: `written` series forecast (done), `failed` series that could not be
    (their error stored), `skipped` when nothing was pending or another worker wrote the chunk first."""

    written: int = 0
    failed: int = 0
    skipped: bool = False

    def as_dict(self) -> dict:
        return {"written": self.written, "failed": self.failed, "skipped": self.skipped}


def forecast_chunk(session: Session, run_id: int, chunk: int) -> ChunkResult:
    """Forecast the pending series of one chunk of a running run and write them, their points and the
    run's progress in one transaction (committed here; the forecast itself runs outside any). A chunk
    with nothing pending, of a run not running, or written meanwhile by another worker changes
    nothing (`skipped`). A forecast that raises marks the chunk's series failed with the error."""
    run = session.get(ForecastRun, run_id)
    if run is None or run.status != ForecastRunStatus.RUNNING.value:
        return ChunkResult(skipped=True)
    series = session.exec(
        select(ForecastSeries.id).where(
            ForecastSeries.run_id == run_id,
            ForecastSeries.chunk == chunk,
            ForecastSeries.status == SeriesStatus.PENDING.value,
        )
    ).all()
    if not series:
        session.rollback()
        return ChunkResult(skipped=True)
    ids = sorted(int(series_id) for series_id in series)
    history = _stored_history(session, ids)
    horizon, frequency, candidates = run.horizon, run.frequency, tuple(run.candidates)
    session.rollback()  # no transaction held open while the models fit

    try:
        written = _forecast_rows(history, horizon, frequency, candidates)
    except Exception as error:  # the models refused this data: the series say why, the run goes on
        return _write_failed(session, run_id, chunk, ids, f"{type(error).__name__}: {error}"[:300])
    return _write_chunk(session, run_id, chunk, ids, written)


def _stored_history(session: Session, ids: Sequence[int]) -> pd.DataFrame:
    rows = session.exec(
        select(ForecastHistoryPoint.series_id, ForecastHistoryPoint.period, ForecastHistoryPoint.demand)
        .where(ForecastHistoryPoint.series_id.in_(ids))
        .order_by(ForecastHistoryPoint.series_id, ForecastHistoryPoint.period)
    ).all()
    frame = pd.DataFrame(rows, columns=["unique_id", "ds", "y"])
    frame["unique_id"] = frame["unique_id"].astype(str)
    frame["ds"] = pd.to_datetime(frame["ds"])
    frame["y"] = frame["y"].astype(float)
    return frame


@dataclass
class _Written:
    series: dict[int, dict] = field(default_factory=dict)
    forecast: list[dict] = field(default_factory=list)
    backtest: list[dict] = field(default_factory=list)


def _number(value: object) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _forecast_rows(
    history: pd.DataFrame, horizon: int, frequency: str, candidates: tuple[str, ...]
) -> _Written:
    from services.planning.forecast.backtest import score_backtest
    from services.planning.forecast.pipeline import forecast_with_selection

    result = forecast_with_selection(history, horizon, FREQUENCIES[frequency], candidates=candidates)
    scores = (
        score_backtest(result.backtest).set_index(["unique_id", "model"]) if len(result.backtest) else None
    )
    written = _Written()
    forecast = result.forecast.sort_values(["unique_id", "ds"])
    risk = forecast.groupby("unique_id")["yhat"].apply(lambda y: float(y.head(RISK_PERIODS).fillna(0).sum()))
    for row in result.selection.itertuples(index=False):
        runner = None
        if (
            scores is not None
            and isinstance(row.runner_up, str)
            and (row.unique_id, row.runner_up) in scores.index
        ):
            runner = scores.loc[(row.unique_id, row.runner_up)]
        written.series[int(row.unique_id)] = {
            "model": str(row.model),
            "members": str(row.members) if isinstance(row.members, str) else str(row.model),
            "mase": _number(row.mase),
            "rmsse": _number(row.rmsse),
            "bias": _number(row.bias),
            "windows": int(_number(row.windows) or 0),
            "runner_up": str(row.runner_up) if isinstance(row.runner_up, str) else "",
            "runner_up_mase": None if runner is None else _number(runner["mase"]),
            "runner_up_rmsse": None if runner is None else _number(runner["rmsse"]),
            "runner_up_bias": None if runner is None else _number(runner["bias"]),
            "demand_class": str(row.demand_class or ""),
            "risk_demand": round(float(risk.get(row.unique_id, 0.0)), 6),
        }
    for row in forecast.itertuples(index=False):
        yhat = _number(row.yhat) or 0.0
        written.forecast.append(
            {
                "series_id": int(row.unique_id),
                "period": row.ds.date(),
                "yhat": yhat,
                "lo": min(_number(row.yhat_lo) or 0.0, yhat),
                "hi": max(_number(row.yhat_hi) or yhat, yhat),
            }
        )
    chosen = result.selection.set_index("unique_id")["model"]
    backtest = result.backtest[result.backtest["model"] == result.backtest["unique_id"].map(chosen)]
    for row in backtest.dropna(subset=["yhat", "y"]).itertuples(index=False):
        written.backtest.append(
            {
                "series_id": int(row.unique_id),
                "window": int(row.window),
                "period": pd.Timestamp(row.ds).date(),
                "forecast": float(row.yhat),
                "actual": float(row.y),
            }
        )
    return written


def _claim(
    session: Session, run_id: int, chunk: int, ids: Sequence[int], status: str, **values: object
) -> bool:
    """Move the chunk's series from pending to `status`; False (and nothing changed) when any of them
    is no longer pending: another worker wrote the chunk."""
    claimed = session.execute(
        update(ForecastSeries)
        .where(
            ForecastSeries.run_id == run_id,
            ForecastSeries.chunk == chunk,
            ForecastSeries.id.in_(ids),
            ForecastSeries.status == SeriesStatus.PENDING.value,
        )
        .values(status=status, written_at=utcnow(), **values)
    ).rowcount
    if claimed != len(ids):
        session.rollback()
        return False
    return True


def _announce(session: Session, run_id: int) -> None:
    outbox.enqueue(session, FORECAST_RUN_PROGRESS, {"run_id": run_id})


def _progress(session: Session, run_id: int, *, done: int = 0, failed: int = 0) -> None:
    _announce(session, run_id)
    session.execute(
        update(ForecastRun)
        .where(ForecastRun.id == run_id)
        .values(
            series_done=ForecastRun.series_done + done,
            series_failed=ForecastRun.series_failed + failed,
            progress_at=utcnow(),
        )
    )


def _write_chunk(
    session: Session, run_id: int, chunk: int, ids: Sequence[int], written: _Written
) -> ChunkResult:
    if not _claim(session, run_id, chunk, ids, SeriesStatus.DONE.value):
        return ChunkResult(skipped=True)
    missing = [series_id for series_id in ids if series_id not in written.series]
    if written.series:
        for series_id, values in written.series.items():
            session.execute(update(ForecastSeries).where(ForecastSeries.id == series_id).values(**values))
    if missing:  # the pipeline returned no selection for them (should not happen): say so
        session.execute(
            update(ForecastSeries)
            .where(ForecastSeries.id.in_(missing))
            .values(status=SeriesStatus.FAILED.value, error="no forecast")
        )
    if written.forecast:
        session.execute(insert(ForecastPoint), written.forecast)
    if written.backtest:
        session.execute(insert(ForecastBacktestPoint), written.backtest)
    _progress(session, run_id, done=len(ids) - len(missing), failed=len(missing))
    session.commit()
    return ChunkResult(written=len(ids) - len(missing), failed=len(missing))


def _write_failed(session: Session, run_id: int, chunk: int, ids: Sequence[int], error: str) -> ChunkResult:
    if not _claim(session, run_id, chunk, ids, SeriesStatus.FAILED.value, error=error):
        return ChunkResult(skipped=True)
    _progress(session, run_id, failed=len(ids))
    session.commit()
    return ChunkResult(failed=len(ids))


def close_run(session: Session, run_id: int) -> str:
    """Finish a running run once none of its series is pending (failed when none could be
    forecast); returns its status. Idempotent: a closed run, or one still pending, is left alone."""
    run = session.get(ForecastRun, run_id, with_for_update=True)
    if run is None:
        raise NotFound("planning.run.not_found", field="run")
    if run.status != ForecastRunStatus.RUNNING.value or pending_chunks(session, run_id):
        return run.status
    counts = dict(
        session.exec(
            select(ForecastSeries.status, func.count())
            .where(ForecastSeries.run_id == run_id)
            .group_by(ForecastSeries.status)
        ).all()
    )
    run.series_done = int(counts.get(SeriesStatus.DONE.value, 0))
    run.series_failed = int(counts.get(SeriesStatus.FAILED.value, 0))
    run.finished_at = run.progress_at = utcnow()
    if run.series_done == 0 and run.series_total > 0:
        run.status = ForecastRunStatus.FAILED.value
        first = session.exec(
            select(ForecastSeries.error).where(ForecastSeries.run_id == run_id, ForecastSeries.error != "")
        ).first()
        run.error = (first or "")[:500]
    else:
        run.status = ForecastRunStatus.FINISHED.value
    session.add(run)
    _announce(session, run_id)
    session.flush()
    return run.status


def fail_run(session: Session, run_id: int, error: str) -> None:
    """Mark a queued or running run failed with `error` (it could not be prepared: the page says so
    and a planner may start another); a closed run is left alone."""
    session.execute(
        update(ForecastRun)
        .where(ForecastRun.id == run_id, ForecastRun.status.in_(ACTIVE))
        .values(
            status=ForecastRunStatus.FAILED.value,
            error=error[:500],
            finished_at=utcnow(),
            progress_at=utcnow(),
        )
    )
    _announce(session, run_id)


@dataclass(frozen=True)
class Resumption:
    """A run the sweep must move again: `prepare` (queued, never prepared), else its `chunks` to
    send again (empty: only closing is left)."""

    run_id: int
    prepare: bool
    chunks: tuple[int, ...]


def resumable_runs(
    session: Session, *, stalled_for: timedelta, now: datetime | None = None
) -> list[Resumption]:
    """Queued or running runs without progress for `stalled_for`; their progress mark is moved to now
    in the caller's transaction, so the next sweep waits as long again before resending."""
    now = now or utcnow()
    runs = session.exec(
        select(ForecastRun)
        .where(ForecastRun.status.in_(ACTIVE), ForecastRun.progress_at <= now - stalled_for)
        .order_by(ForecastRun.id)
    ).all()
    resumptions = []
    for run in runs:
        queued = run.status == ForecastRunStatus.QUEUED.value
        chunks = () if queued else tuple(pending_chunks(session, int(run.id)))
        resumptions.append(Resumption(run_id=int(run.id), prepare=queued, chunks=chunks))
        run.progress_at = now
        session.add(run)
    session.flush()
    return resumptions


# --- reading, for the planner's pages ------------------------------------------------------------


@dataclass(frozen=True)
class RunView:
    id: int
    status: str
    source: str
    horizon: int
    frequency: str
    candidates: tuple[str, ...]
    series_total: int
    series_done: int
    series_failed: int
    error: str
    requested_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def percent(self) -> int:
        if self.series_total == 0:
            return 100 if self.status == ForecastRunStatus.FINISHED.value else 0
        return int(100 * (self.series_done + self.series_failed) / self.series_total)


def _view(run: ForecastRun) -> RunView:
    return RunView(
        id=int(run.id),
        status=run.status,
        source=run.source,
        horizon=run.horizon,
        frequency=run.frequency,
        candidates=tuple(run.candidates),
        series_total=run.series_total,
        series_done=run.series_done,
        series_failed=run.series_failed,
        error=run.error,
        requested_at=run.requested_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
    )


def latest_run(session: Session, principal: Principal) -> RunView | None:
    """The newest run of any status (a run going shows its progress), or None."""
    _planner(principal)
    run = session.exec(select(ForecastRun).order_by(ForecastRun.id.desc())).first()
    return None if run is None else _view(run)


def run_progress(session: Session, principal: Principal, run_id: int) -> RunView:
    """One run's status and progress (series done / total). Raises NotFound."""
    _planner(principal)
    run = session.get(ForecastRun, run_id)
    if run is None:
        raise NotFound("planning.run.not_found", field="run")
    return _view(run)


def shown_run_id(session: Session) -> int | None:
    """The run the worklist shows: the newest finished run that forecast at least one series."""
    return session.exec(
        select(ForecastRun.id)
        .where(ForecastRun.status == ForecastRunStatus.FINISHED.value, ForecastRun.series_done > 0)
        .order_by(ForecastRun.id.desc())
    ).first()


@dataclass(frozen=True)
class WorklistRow:
    series_id: int
    part_id: int
    sku: str
    part_name: str
    part_name_zh: str | None
    location_id: int
    location_code: str
    location_name: str
    location_name_zh: str | None
    demand_class: str
    model: str
    mase: float | None
    risk_demand: float
    free_stock: int
    shortfall: float
    unit_price: Decimal
    currency: str
    value_at_risk: Decimal


def _free_stock():
    return func.coalesce(StockLevel.on_hand - StockLevel.reserved, 0)


def _shortfall():
    gap = ForecastSeries.risk_demand - _free_stock()
    return case((gap > 0, gap), else_=0.0)


def worklist(
    session: Session,
    principal: Principal,
    *,
    location_id: int | None = None,
    demand_class: str | None = None,
    page_number: int = 1,
    page_size: int = 25,
) -> tuple[list[WorklistRow], int]:
    """The forecast series of the shown run (`shown_run_id`), highest value at risk first, one page,
    with the total count. Value at risk: the forecast demand of the next RISK_PERIODS periods that
    today's free stock at the location (on hand - reserved) does not cover, times the part's list
    price, in the part's currency (ranked in the reporting currency at the newest stored FX rate).
    Filters: a stock location, a demand class."""
    _planner(principal)
    run_id = shown_run_id(session)
    if run_id is None:
        return [], 0
    conditions = [ForecastSeries.run_id == run_id, ForecastSeries.status == SeriesStatus.DONE.value]
    if location_id is not None:
        conditions.append(ForecastSeries.location_id == location_id)
    if demand_class:
        conditions.append(ForecastSeries.demand_class == demand_class)
    stock_join = and_(
        StockLevel.part_id == ForecastSeries.part_id, StockLevel.location_id == ForecastSeries.location_id
    )
    total = session.exec(select(func.count()).select_from(ForecastSeries).where(*conditions)).one()
    # Ranked in the reporting currency (each currency's newest stored rate; the reporting currency
    # itself, or one without a rate, at 1), shown in the part's own.
    newest = select(FxRate.currency, func.max(FxRate.day).label("day")).group_by(FxRate.currency).subquery()
    rates = (
        select(FxRate.currency, FxRate.rate)
        .join(newest, and_(FxRate.currency == newest.c.currency, FxRate.day == newest.c.day))
        .subquery()
    )
    value = _shortfall() * Part.list_price * func.coalesce(rates.c.rate, 1)
    rows = session.exec(
        select(
            ForecastSeries.id,
            Part.id,
            Part.sku,
            Part.name,
            Part.name_zh,
            Location.id,
            Location.code,
            Location.name,
            Location.name_zh,
            ForecastSeries.demand_class,
            ForecastSeries.model,
            ForecastSeries.mase,
            ForecastSeries.risk_demand,
            _free_stock(),
            _shortfall(),
            Part.list_price,
            Part.currency,
        )
        .join(Part, Part.id == ForecastSeries.part_id)
        .join(Location, Location.id == ForecastSeries.location_id)
        .outerjoin(StockLevel, stock_join)
        .outerjoin(rates, rates.c.currency == Part.currency)
        .where(*conditions)
        .order_by(value.desc(), ForecastSeries.risk_demand.desc(), ForecastSeries.id)
        .offset((page_number - 1) * page_size)
        .limit(page_size)
    ).all()
    return [_worklist_row(row) for row in rows], int(total)


def _money(amount: float, price: Decimal) -> Decimal:
    return (Decimal(str(round(amount, 6))) * Decimal(price)).quantize(CENTS, rounding=ROUND_HALF_UP)


def _worklist_row(row: Iterable) -> WorklistRow:
    (series_id, part_id, sku, name, name_zh, location_id, code, location_name, location_zh, demand_class,
     model, mase, risk_demand, free, shortfall, price, currency) = row  # fmt: skip
    return WorklistRow(
        series_id=series_id,
        part_id=part_id,
        sku=sku,
        part_name=name,
        part_name_zh=name_zh,
        location_id=location_id,
        location_code=code,
        location_name=location_name,
        location_name_zh=location_zh,
        demand_class=demand_class,
        model=model,
        mase=mase,
        risk_demand=float(risk_demand),
        free_stock=int(free),
        shortfall=float(shortfall),
        unit_price=Decimal(price),
        currency=currency,
        value_at_risk=_money(float(shortfall), Decimal(price)),
    )


@dataclass(frozen=True)
class WorklistChoices:
    """What the worklist's filters offer for the shown run: its locations (id, code, name, name_zh)
    and the demand classes present."""

    locations: list[tuple[int, str, str, str | None]]
    demand_classes: list[str]


def worklist_choices(session: Session, principal: Principal) -> WorklistChoices:
    _planner(principal)
    run_id = shown_run_id(session)
    if run_id is None:
        return WorklistChoices([], [])
    locations = session.exec(
        select(Location.id, Location.code, Location.name, Location.name_zh)
        .where(Location.id.in_(select(ForecastSeries.location_id).where(ForecastSeries.run_id == run_id)))
        .order_by(Location.code)
    ).all()
    classes = session.exec(
        select(ForecastSeries.demand_class)
        .where(ForecastSeries.run_id == run_id, ForecastSeries.demand_class != "")
        .distinct()
    ).all()
    return WorklistChoices([tuple(row) for row in locations], sorted(classes))


@dataclass(frozen=True)
class SeriesDetail:
    """One forecast series with everything its page shows: the run, the part and location, the chosen
    model and its backtest errors beside the runner-up's, the demand class, stock and value at risk,
    and the chart's points (`history`: period, demand, censored; `backtest`: window, period, forecast,
    actual; `forecast`: period, yhat, lo, hi)."""

    series_id: int
    run: RunView
    status: str
    error: str
    row: WorklistRow
    members: str
    rmsse: float | None
    bias: float | None
    windows: int
    runner_up: str
    runner_up_mase: float | None
    runner_up_rmsse: float | None
    runner_up_bias: float | None
    history: list[tuple[date, float, bool]]
    backtest: list[tuple[int, date, float, float]]
    forecast: list[tuple[date, float, float, float]]


def series_detail(session: Session, principal: Principal, series_id: int) -> SeriesDetail:
    """One series of any run. Raises PermissionDenied (not a planner) or NotFound
    `planning.series.not_found`."""
    _planner(principal)
    series = session.get(ForecastSeries, series_id)
    if series is None:
        raise NotFound("planning.series.not_found", field="series")
    run = session.get(ForecastRun, series.run_id)
    part = session.get(Part, series.part_id)
    location = session.get(Location, series.location_id)
    stock = session.exec(
        select(StockLevel).where(
            StockLevel.part_id == series.part_id, StockLevel.location_id == series.location_id
        )
    ).first()
    free = 0 if stock is None else stock.on_hand - stock.reserved
    shortfall = max(series.risk_demand - free, 0.0)
    row = WorklistRow(
        series_id=int(series.id),
        part_id=int(part.id),
        sku=part.sku,
        part_name=part.name,
        part_name_zh=part.name_zh,
        location_id=int(location.id),
        location_code=location.code,
        location_name=location.name,
        location_name_zh=location.name_zh,
        demand_class=series.demand_class,
        model=series.model,
        mase=series.mase,
        risk_demand=series.risk_demand,
        free_stock=free,
        shortfall=shortfall,
        unit_price=Decimal(part.list_price),
        currency=part.currency,
        value_at_risk=_money(shortfall, Decimal(part.list_price)),
    )
    history = session.exec(
        select(ForecastHistoryPoint.period, ForecastHistoryPoint.demand, ForecastHistoryPoint.censored)
        .where(ForecastHistoryPoint.series_id == series_id)
        .order_by(ForecastHistoryPoint.period)
    ).all()
    backtest = session.exec(
        select(
            ForecastBacktestPoint.window,
            ForecastBacktestPoint.period,
            ForecastBacktestPoint.forecast,
            ForecastBacktestPoint.actual,
        )
        .where(ForecastBacktestPoint.series_id == series_id)
        .order_by(ForecastBacktestPoint.window, ForecastBacktestPoint.period)
    ).all()
    forecast = session.exec(
        select(ForecastPoint.period, ForecastPoint.yhat, ForecastPoint.lo, ForecastPoint.hi)
        .where(ForecastPoint.series_id == series_id)
        .order_by(ForecastPoint.period)
    ).all()
    return SeriesDetail(
        series_id=int(series.id),
        run=_view(run),
        status=series.status,
        error=series.error,
        row=row,
        members=series.members,
        rmsse=series.rmsse,
        bias=series.bias,
        windows=series.windows,
        runner_up=series.runner_up,
        runner_up_mase=series.runner_up_mase,
        runner_up_rmsse=series.runner_up_rmsse,
        runner_up_bias=series.runner_up_bias,
        history=[tuple(point) for point in history],
        backtest=[tuple(point) for point in backtest],
        forecast=[tuple(point) for point in forecast],
    )
