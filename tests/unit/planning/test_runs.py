"""Stored forecast runs (services/planning/runs.py): only planners start and read them; a run
prepared, forecast chunk by chunk and closed stores every series once with its chosen model, the
runner-up's errors and the chart's points; a chunk written twice stores nothing twice; a stalled run
is found with the chunks still to do. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import FxRate, OutboxMessage
from models.db import get_engine
from models.planning import ForecastPoint, ForecastRun, ForecastSeries
from services.planning import runs
from services.platform.errors import DomainError, PermissionDenied, ValidationFailed
from tests.planning_world import FAST_CANDIDATES, PlanningWorld, build_planning_world, synthetic_history

HORIZON = 4


@pytest.fixture
def world(any_db_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_planning_world(session, parts=6)
        session.commit()
        yield session, world


def _start(session: Session, world: PlanningWorld, chunk_size: int = 2) -> int:
    run_id = runs.start_run(
        session, world.planner, horizon=HORIZON, candidates=FAST_CANDIDATES, chunk_size=chunk_size
    )
    session.commit()
    return run_id


def _prepared(session: Session, world: PlanningWorld, chunk_size: int = 2) -> tuple[int, list[int]]:
    run_id = _start(session, world, chunk_size)
    chunks = runs.prepare_run(session, run_id, history=synthetic_history(world.parts, world.warehouse))
    session.commit()
    return run_id, chunks


def test_only_planners_start_or_read_runs(world):
    session, world = world
    for outsider in (world.dealer, world.supplier):
        with pytest.raises(PermissionDenied):
            runs.start_run(session, outsider, candidates=FAST_CANDIDATES)
        with pytest.raises(PermissionDenied):
            runs.worklist(session, outsider)
        with pytest.raises(PermissionDenied):
            runs.latest_run(session, outsider)
    assert session.exec(select(func.count()).select_from(ForecastRun)).one() == 0


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"horizon": 0}, "horizon"),
        ({"horizon": 25}, "horizon"),
        ({"frequency": "day"}, "frequency"),
        ({"candidates": ("Prophet",)}, "candidates"),
        ({"candidates": ()}, "candidates"),
        ({"chunk_size": 0}, "chunk_size"),
    ],
)
def test_bad_run_arguments_name_the_field_and_write_nothing(world, arguments, field):
    session, world = world
    with pytest.raises(ValidationFailed) as refused:
        runs.start_run(session, world.planner, **{"candidates": FAST_CANDIDATES, **arguments})
    assert refused.value.field == field
    session.rollback()
    assert session.exec(select(func.count()).select_from(ForecastRun)).one() == 0


def test_a_run_is_queued_with_its_outbox_message_and_a_second_is_refused_meanwhile(world):
    session, world = world
    run_id = _start(session, world)
    messages = session.exec(
        select(OutboxMessage).where(OutboxMessage.topic == runs.FORECAST_RUN_REQUESTED)
    ).all()
    assert [message.payload for message in messages] == [{"run_id": run_id}]
    assert runs.latest_run(session, world.planner).status == "queued"
    with pytest.raises(DomainError) as refused:
        runs.start_run(session, world.planner, candidates=FAST_CANDIDATES)
    assert refused.value.code == "planning.run.already_running"


def test_a_run_forecasts_every_series_once_with_model_runner_up_and_points(world):
    session, world = world
    run_id, chunks = _prepared(session, world, chunk_size=2)
    assert chunks == [0, 1, 2]
    assert runs.run_progress(session, world.planner, run_id).series_total == 6
    for chunk in chunks:
        assert runs.forecast_chunk(session, run_id, chunk).written == 2
        assert runs.close_run(session, run_id) == ("running" if chunk < 2 else "finished")
        session.commit()

    progress = runs.run_progress(session, world.planner, run_id)
    assert (progress.status, progress.series_done, progress.series_failed, progress.percent) == (
        "finished",
        6,
        0,
        100,
    )
    series = session.exec(select(ForecastSeries).where(ForecastSeries.run_id == run_id)).all()
    assert {s.status for s in series} == {"done"}
    assert all(s.model and s.demand_class for s in series)
    with_backtest = [s for s in series if s.windows]
    assert with_backtest and all(s.mase is not None and s.runner_up for s in with_backtest)
    assert all(s.runner_up_mase is not None for s in with_backtest)
    points = session.exec(
        select(ForecastPoint.series_id, func.count()).group_by(ForecastPoint.series_id)
    ).all()
    assert sorted(count for _, count in points) == [HORIZON] * 6

    detail = runs.series_detail(session, world.planner, series[0].id)
    assert len(detail.history) >= 12 and len(detail.forecast) == HORIZON
    assert detail.backtest and all(point[1] < detail.forecast[0][0] for point in detail.backtest)
    assert all(lo <= yhat <= hi for _, yhat, lo, hi in detail.forecast)


def test_the_worklist_puts_the_highest_value_at_risk_first_and_filters(world):
    session, world = world
    run_id, chunks = _prepared(session, world)
    for chunk in chunks:
        runs.forecast_chunk(session, run_id, chunk)
    runs.close_run(session, run_id)
    session.commit()

    rows, total = runs.worklist(session, world.planner)
    assert total == 6 and len(rows) == 6
    values = [row.value_at_risk for row in rows]
    assert values == sorted(values, reverse=True)
    for row in rows:
        assert row.shortfall == pytest.approx(max(row.risk_demand - row.free_stock, 0.0))
    first_class = rows[0].demand_class
    filtered, count = runs.worklist(session, world.planner, demand_class=first_class)
    assert count == sum(1 for row in rows if row.demand_class == first_class)
    assert {row.demand_class for row in filtered} == {first_class}
    assert runs.worklist(session, world.planner, location_id=world.warehouse.id + 999) == ([], 0)
    choices = runs.worklist_choices(session, world.planner)
    assert [location[0] for location in choices.locations] == [world.warehouse.id]


def test_a_chunk_written_twice_stores_nothing_twice(world):
    session, world = world
    run_id, _ = _prepared(session, world)
    first = runs.forecast_chunk(session, run_id, 0)
    again = runs.forecast_chunk(session, run_id, 0)
    assert (first.written, again.skipped, again.written) == (2, True, 0)
    assert runs.run_progress(session, world.planner, run_id).series_done == 2
    stored = session.exec(select(func.count()).select_from(ForecastPoint)).one()
    assert stored == 2 * HORIZON


def test_a_run_without_progress_is_found_with_the_chunks_left(world):
    session, world = world
    run_id, _ = _prepared(session, world)
    runs.forecast_chunk(session, run_id, 1)
    assert runs.resumable_runs(session, stalled_for=timedelta(minutes=5)) == []
    found = runs.resumable_runs(session, stalled_for=timedelta(0))
    assert found == [runs.Resumption(run_id=run_id, prepare=False, chunks=(0, 2))]
    session.commit()
    assert runs.resumable_runs(session, stalled_for=timedelta(minutes=5)) == []  # marked as resumed


def test_the_worklist_ranks_values_in_different_currencies_at_their_exchange_rate(world):
    session, world = world
    run_id, chunks = _prepared(session, world)
    for chunk in chunks:
        runs.forecast_chunk(session, run_id, chunk)
    runs.close_run(session, run_id)
    for part in world.parts[::2]:
        part.currency = "KRW"  # the same figures, in won: worth 0.5 % as much
        session.add(part)
    session.add(FxRate(day=date(2026, 1, 1), currency="KRW", rate=Decimal("0.01"), source="seed"))
    session.add(FxRate(day=date(2026, 2, 1), currency="KRW", rate=Decimal("0.005"), source="seed"))
    session.commit()

    rows, _ = runs.worklist(session, world.planner)
    rate = {"KRW": Decimal("0.005"), "CNY": Decimal(1)}
    in_yuan = [row.value_at_risk * rate[row.currency] for row in rows]
    assert in_yuan == sorted(in_yuan, reverse=True)
    assert {row.currency for row in rows if row.value_at_risk > 0} == {"KRW", "CNY"}


def test_a_run_that_cannot_be_prepared_fails_with_its_error_and_another_may_start(world):
    session, world = world
    run_id = _start(session, world)
    runs.fail_run(session, run_id, "OperationalError: the history could not be read")
    session.commit()
    failed = runs.run_progress(session, world.planner, run_id)
    assert (failed.status, failed.error, failed.active) == (
        "failed",
        "OperationalError: the history could not be read",
        False,
    )
    assert runs.start_run(session, world.planner, candidates=FAST_CANDIDATES) != run_id
