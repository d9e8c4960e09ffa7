"""Planning: stored forecast runs, one row per forecast series (part x stock location) with the model
its backtest chose and why, and the points a planner's chart draws (the history the run saw, the
backtest windows' forecasts, the forecast with its interval).

`services/planning/runs.py` writes them, and nothing else does. A run is split into chunks of series;
a chunk's series, their points and the run's progress are written in one transaction, guarded by the
series' `status` (pending -> done or failed), so a chunk written twice stores nothing twice.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class ForecastRunStatus(StrEnum):
    QUEUED = "queued"  # asked for; the worker has not read the demand history yet
    RUNNING = "running"  # series written, chunks being forecast
    FINISHED = "finished"  # every series forecast (some may have failed: `series_failed`)
    FAILED = "failed"  # nothing could be forecast (`error` says why)


class SeriesStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


def _in(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


def _fk(target: str, ondelete: str = "CASCADE", *, nullable: bool = False, index: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


class ForecastRun(SQLModel, table=True):
    """One forecast of every series with demand history, at one `frequency` ("month" or "week") and
    `horizon` (periods), with the candidate models named in `candidates`."""

    __tablename__ = "forecast_run"
    __table_args__ = (
        CheckConstraint(_in("status", ForecastRunStatus), name="ck_forecast_run_status"),
        CheckConstraint("frequency IN ('month', 'week')", name="ck_forecast_run_frequency"),
        CheckConstraint("horizon >= 1", name="ck_forecast_run_horizon"),
        CheckConstraint(
            "series_done >= 0 AND series_failed >= 0 AND series_done + series_failed <= series_total",
            name="ck_forecast_run_progress",
        ),
        Index("ix_forecast_run_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=ForecastRunStatus.QUEUED.value, max_length=12)
    source: str = Field(default="orders", max_length=12, description="orders (dealer part orders), seed")
    horizon: int
    frequency: str = Field(max_length=8)
    candidates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    chunk_size: int = Field(default=200, ge=1)
    series_total: int = 0
    series_done: int = 0
    series_failed: int = 0
    error: str = Field(default="", max_length=500)
    requested_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )
    requested_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last sign of life (prepared, a chunk written, resumed): a running run whose progress is
    # older than Settings.planning_stalled_seconds has its unwritten chunks sent again.
    progress_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ForecastSeries(SQLModel, table=True):
    """One part at one stock location in one run: the chosen model, its backtest errors (MASE, RMSSE,
    bias in MASE units: positive = forecast too high), the runner-up's, the demand class."""

    __tablename__ = "forecast_series"
    __table_args__ = (
        UniqueConstraint("run_id", "part_id", "location_id", name="uq_forecast_series_item"),
        CheckConstraint(_in("status", SeriesStatus), name="ck_forecast_series_status"),
        Index("ix_forecast_series_run_chunk", "run_id", "chunk", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int = Field(sa_column=_fk("forecast_run.id"))
    part_id: int = Field(sa_column=_fk("part.id", index=True))
    location_id: int = Field(sa_column=_fk("location.id", index=True))
    chunk: int = Field(ge=0)
    status: str = Field(default=SeriesStatus.PENDING.value, max_length=8)
    model: str = Field(default="", max_length=120, description="the chosen model; an ensemble's name")
    members: str = Field(default="", max_length=200, description="an ensemble's models joined by '+'")
    mase: float | None = None
    rmsse: float | None = None
    bias: float | None = None
    windows: int = 0
    runner_up: str = Field(default="", max_length=120)
    runner_up_mase: float | None = None
    runner_up_rmsse: float | None = None
    runner_up_bias: float | None = None
    demand_class: str = Field(default="", max_length=16)
    # Forecast demand of the first RISK_PERIODS periods (services/planning/runs.py): the worklist's
    # value at risk is what of it today's free stock does not cover, at the part's price.
    risk_demand: float = 0.0
    error: str = Field(default="", max_length=300)
    written_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class ForecastHistoryPoint(SQLModel, table=True):
    """The demand the run saw for a series in one period (`censored`: a stockout hid the demand)."""

    __tablename__ = "forecast_history_point"
    __table_args__ = (UniqueConstraint("series_id", "period", name="uq_forecast_history_point"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(sa_column=_fk("forecast_series.id"))
    period: date
    demand: float
    censored: bool = False


class ForecastBacktestPoint(SQLModel, table=True):
    """The chosen model's out-of-sample forecast of one period in one rolling-origin window."""

    __tablename__ = "forecast_backtest_point"
    __table_args__ = (UniqueConstraint("series_id", "window", "period", name="uq_forecast_backtest_point"),)

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(sa_column=_fk("forecast_series.id"))
    window: int
    period: date
    forecast: float
    actual: float


class ForecastPoint(SQLModel, table=True):
    """The forecast of one future period with its central interval (`lo` .. `hi`)."""

    __tablename__ = "forecast_point"
    __table_args__ = (
        UniqueConstraint("series_id", "period", name="uq_forecast_point"),
        CheckConstraint("lo <= yhat AND yhat <= hi", name="ck_forecast_point_interval"),
    )

    id: int | None = Field(default=None, primary_key=True)
    series_id: int = Field(sa_column=_fk("forecast_series.id"))
    period: date
    yhat: float
    lo: float
    hi: float


class ProposalStatus(StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    DISCARDED = "discarded"


class ProposalLineKind(StrEnum):
    PURCHASE = "purchase"  # supplier -> warehouse, issued as a purchase order on approval
    TRANSFER = "transfer"  # warehouse -> dealer store, reserved at the warehouse on approval


class PartReplenishment(SQLModel, table=True):
    """A part's ordering rules for proposals (services/planning/proposals.py): minimum order quantity,
    pack size, supplier lead time. A part without a row orders in ones with the default lead time."""

    __tablename__ = "part_replenishment"
    __table_args__ = (
        CheckConstraint("moq >= 1 AND pack_size >= 1 AND lead_time_days >= 0", name="ck_part_replenishment"),
    )

    part_id: int = Field(
        sa_column=Column(Integer, ForeignKey("part.id", ondelete="CASCADE"), primary_key=True)
    )
    moq: int = 1
    pack_size: int = 1
    lead_time_days: int = 14


class ReplenishmentProposal(SQLModel, table=True):
    """What a planner is asked to approve: purchase and transfer lines built from one forecast run and
    the stock of the day. Approval (draft -> approved) issues the purchase orders once; a draft may be
    discarded instead (draft -> discarded), and then never approved."""

    __tablename__ = "replenishment_proposal"
    __table_args__ = (
        CheckConstraint(_in("status", ProposalStatus), name="ck_replenishment_proposal_status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, sa_column=_fk("forecast_run.id", "SET NULL", nullable=True))
    status: str = Field(default=ProposalStatus.DRAFT.value, max_length=12)
    service_level: float = 0.95
    created_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    approved_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    discarded_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )
    discarded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The purchase orders approval issued (ids), so a page shows them and a retry finds them.
    purchase_order_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class ReplenishmentProposalLine(SQLModel, table=True):
    """One suggested purchase (supplier -> warehouse) or transfer (warehouse -> store), with the
    planner's quantity (0 drops it) and the reason: the figures the suggestion came from."""

    __tablename__ = "replenishment_proposal_line"
    __table_args__ = (
        CheckConstraint(_in("kind", ProposalLineKind), name="ck_replenishment_line_kind"),
        CheckConstraint("suggested_quantity >= 0 AND quantity >= 0", name="ck_replenishment_line_quantity"),
        CheckConstraint(
            "(kind = 'purchase' AND supplier_id IS NOT NULL) OR "
            "(kind = 'transfer' AND from_location_id IS NOT NULL)",
            name="ck_replenishment_line_source",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(sa_column=_fk("replenishment_proposal.id", index=True))
    kind: str = Field(max_length=10)
    part_id: int = Field(sa_column=_fk("part.id", "RESTRICT"))
    supplier_id: int | None = Field(default=None, sa_column=_fk("organisation.id", "RESTRICT", nullable=True))
    from_location_id: int | None = Field(
        default=None, sa_column=_fk("location.id", "RESTRICT", nullable=True)
    )
    to_location_id: int = Field(sa_column=_fk("location.id", "RESTRICT"))
    suggested_quantity: int
    quantity: int
    need_by: date
    reason: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # A transfer carried out (services/planning/proposals.py `ship_transfer`): its reserved units left
    # the warehouse and arrived at the store, once.
    shipped_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    shipped_by_user_id: int | None = Field(
        default=None, sa_column=_fk("user_account.id", "SET NULL", nullable=True)
    )
