"""A forecast run on REAL Celery workers: the planner's request leaves through the outbox, a worker
prepares the run from the dealers' part orders and sends a chord (a group of chunk tasks, then the
close); every series is forecast exactly once. With the worker killed (`kill -9`) in the middle of the
run, a new worker and beat finish it, and still every series is stored once: the chunks already
written are skipped, the killed worker's chunk (its message held by the broker) is sent again by the
sweep. Services mode (PostgreSQL + Redis) and embedded mode (SQLite, SQLite broker)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models.db import get_engine
from models.planning import ForecastPoint, ForecastRun, ForecastSeries
from models.settings import get_settings
from services.planning import runs
from tests.integration.ordering.order_api_helpers import kill_hard
from tests.integration.worker_helpers import running, start_beat, start_worker, wait_for
from tests.planning_world import FAST_CANDIDATES, build_order_history
from workers.celery_app import make_celery
from workers.schedule import FORECAST_CHUNK, RELAY_OUTBOX

SERIES = 12
HORIZON = 3
TIMEOUT = 90  # seconds; bounds, not figures


@pytest.fixture(
    params=[
        pytest.param("services", marks=[pytest.mark.postgres, pytest.mark.redis]),
        "embedded",
    ]
)
def mode(request: pytest.FixtureRequest) -> str:
    if request.param == "services":
        request.getfixturevalue("pg_url")
        request.getfixturevalue("redis_url")
    else:
        request.getfixturevalue("sqlite_url")
    return request.param


def _request_run(chunk_size: int) -> tuple[int, list[int]]:
    """The planner asks for a run over the dealers' order history; returns (run id, part ids)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_order_history(session, parts=SERIES)
        run_id = runs.start_run(
            session, world.planner, horizon=HORIZON, candidates=FAST_CANDIDATES, chunk_size=chunk_size
        )
        session.commit()
    return run_id, [part.id for part in world.parts]


def _run(run_id: int) -> ForecastRun:
    with Session(get_engine()) as session:
        return session.get(ForecastRun, run_id)


def _each_series_once(run_id: int, part_ids: list[int]) -> None:
    with Session(get_engine()) as session:
        series = session.exec(select(ForecastSeries).where(ForecastSeries.run_id == run_id)).all()
        points = dict(
            session.exec(
                select(ForecastPoint.series_id, func.count())
                .join(ForecastSeries, ForecastSeries.id == ForecastPoint.series_id)
                .where(ForecastSeries.run_id == run_id)
                .group_by(ForecastPoint.series_id)
            ).all()
        )
    assert sorted(s.part_id for s in series) == sorted(part_ids)  # one series per part, each once
    assert {s.status for s in series} == {"done"} and all(s.model for s in series)
    assert {s.id: points.get(s.id) for s in series} == {s.id: HORIZON for s in series}
    run = _run(run_id)
    assert (run.status, run.series_total, run.series_done, run.series_failed) == (
        "finished",
        SERIES,
        SERIES,
        0,
    )


def _chunk_ids(log: str, event: str) -> set[str]:
    """The ids of the chunk tasks whose `event` (" received", " succeeded in ") the worker logged."""
    return {
        match.group(1)
        for line in log.splitlines()
        if FORECAST_CHUNK in line and event in line
        for match in [re.search(re.escape(FORECAST_CHUNK) + r"\[([0-9a-f-]+)\]", line)]
        if match
    }


def _holds_an_unwritten_chunk(log: str, run_id: int) -> bool:
    """One chunk (a series each) finished and another taken but not yet written: every series
    written so far is a chunk the log says finished."""
    finished = _chunk_ids(log, " succeeded in ")
    started = _chunk_ids(log, " received")
    return len(finished) >= 1 and started > finished and _run(run_id).series_done == len(finished)


def test_a_requested_run_is_chunked_forecast_once_and_closed_by_the_chord(mode, tmp_path: Path):
    run_id, part_ids = _request_run(chunk_size=5)  # chunks of 5, 5 and 2
    settings = get_settings()
    with running(settings, tmp_path, start_worker) as (worker,), make_celery(settings) as client:
        client.signature(RELAY_OUTBOX, args=([runs.FORECAST_RUN_REQUESTED],)).delay()
        wait_for(lambda: _run(run_id).status == "finished", timeout=TIMEOUT, interval=0.2)
        kill_hard(worker)  # done; a warm shutdown on the SQLite broker takes seconds
    _each_series_once(run_id, part_ids)


def test_a_worker_killed_mid_run_leaves_a_run_a_new_worker_finishes_with_every_series_once(
    mode, tmp_path: Path
):
    run_id, part_ids = _request_run(chunk_size=1)  # one series per chunk: many chunks to kill between
    settings = get_settings()
    with running(settings, tmp_path / "first", start_worker) as (first,), make_celery(settings) as client:
        client.signature(RELAY_OUTBOX, args=([runs.FORECAST_RUN_REQUESTED],)).delay()
        # Killed while it holds a chunk it has not written (received, not finished): that message
        # is what the broker keeps from the next worker.
        wait_for(lambda: _holds_an_unwritten_chunk(first.log(), run_id), timeout=TIMEOUT, interval=0.02)
        kill_hard(first)

    before = _run(run_id)
    assert before.status == "running" and 1 <= before.series_done < SERIES  # killed mid-run

    resuming = settings.model_copy(update={"planning_stalled_seconds": 1.0, "planning_sweep_seconds": 0.5})
    with running(resuming, tmp_path / "second", start_worker, start_beat) as (second, beat):
        wait_for(lambda: _run(run_id).status == "finished", timeout=TIMEOUT, interval=0.2)
        kill_hard(second, beat)
    # The killed worker's chunk came back one of two ways: beat's sweep sent the run's unwritten
    # chunks again, or the broker handed the held message to the new worker (Redis does once its
    # visibility timeout has passed, which a loaded machine reaches before the sweep).
    finished = _chunk_ids(first.log(), " succeeded in ")
    held = _chunk_ids(first.log(), " received") - finished
    assert held, "the first worker was killed holding a chunk"
    if before.series_done == len(finished):  # not written in the instant before the kill
        assert "resumed forecast run" in second.log() or held & _chunk_ids(second.log(), " received")
    _each_series_once(run_id, part_ids)
