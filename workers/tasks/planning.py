"""The planning tasks: a forecast run as a Celery canvas. Thin wrappers of services/planning/runs.py.

`prepare_forecast_run` (from the outbox message a planner's request wrote) writes the run's series and
sends a chord: a group of `forecast_chunk` tasks, one per chunk of series, any number of workers on any
number of machines sharing them, and `close_forecast_run` as the callback. Every task is idempotent:
a chunk already written is skipped (the write is guarded by the series' status), closing a closed
run changes nothing. Messages are acknowledged late (workers/celery_app.py), so a chunk whose pool
child dies is delivered again; a chunk whose whole worker died may not come back for an hour (Redis'
visibility timeout) or ever (the SQLite transport), so beat's `resume_stalled_forecast_runs` sends the
unwritten chunks of a run without progress again, as a new chord with the same callback.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import chord, group

from models.db import session_scope
from models.settings import get_settings
from services.planning import runs
from workers.celery_app import app
from workers.schedule import (
    CLOSE_FORECAST_RUN,
    FORECAST_CHUNK,
    PREPARE_FORECAST_RUN,
    RESUME_STALLED_FORECAST_RUNS,
)

log = logging.getLogger(__name__)


def _send_chunks(run_id: int, chunks: list[int] | tuple[int, ...]) -> None:
    """The chord of `chunks`, closed by `close_forecast_run`; only the callback when none is left."""
    if not chunks:
        close_forecast_run.delay(None, run_id)
        return
    chord(group(forecast_chunk.s(run_id, chunk) for chunk in chunks))(close_forecast_run.s(run_id))


@app.task(name=PREPARE_FORECAST_RUN, acks_late=True)
def prepare_forecast_run(run_id: int) -> dict:
    """Write a queued run's series from the demand history and send its chunks. A second delivery
    finds the run prepared and sends its pending chunks again (each is skipped once written). A run
    that cannot be prepared is marked failed with the error (a planner may start another)."""
    try:
        with session_scope() as session:
            chunks = runs.prepare_run(session, run_id)
    except Exception as error:  # the history could not be read into the run: the page says why
        log.exception("forecast run %s could not be prepared", run_id)
        with session_scope() as session:
            runs.fail_run(session, run_id, f"{type(error).__name__}: {error}")
        return {"run_id": run_id, "chunks": 0, "failed": True}
    _send_chunks(run_id, chunks)
    return {"run_id": run_id, "chunks": len(chunks)}


@app.task(name=FORECAST_CHUNK, acks_late=True)
def forecast_chunk(run_id: int, chunk: int) -> dict:
    """Forecast one chunk of a run and write it (one transaction); skipped when already written."""
    with session_scope() as session:
        result = runs.forecast_chunk(session, run_id, chunk)
    return {"run_id": run_id, "chunk": chunk, **result.as_dict()}


@app.task(name=CLOSE_FORECAST_RUN, acks_late=True)
def close_forecast_run(_results: list | None, run_id: int) -> dict:
    """The chord's callback: the run is finished once no series is pending (else left running)."""
    with session_scope() as session:
        status = runs.close_run(session, run_id)
    return {"run_id": run_id, "status": status}


@app.task(name=RESUME_STALLED_FORECAST_RUNS)
def resume_stalled_forecast_runs() -> dict:
    """Beat: runs without progress for `planning_stalled_seconds` are moved on again: a queued one is
    prepared, a running one gets a chord of its unwritten chunks (or only the close)."""
    stalled_for = timedelta(seconds=get_settings().planning_stalled_seconds)
    with session_scope() as session:
        found = runs.resumable_runs(session, stalled_for=stalled_for)
    for resumption in found:
        if resumption.prepare:
            prepare_forecast_run.delay(resumption.run_id)
        else:
            _send_chunks(resumption.run_id, resumption.chunks)
        log.info("resumed forecast run %s: %s", resumption.run_id, resumption)
    return {"resumed": [resumption.run_id for resumption in found]}
