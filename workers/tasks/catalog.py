"""The catalog's tasks: the cached catalogue and stock summary. Thin, idempotent wrappers of
`services.catalog`; their names (workers/schedule.py) stay what queued messages and the beat schedule
send."""

from __future__ import annotations

from models.db import session_scope
from services.catalog import summary
from workers.celery_app import app
from workers.schedule import REFRESH_SUMMARY


@app.task(name=REFRESH_SUMMARY)
def refresh_summary() -> dict:
    """Recompute the catalogue and stock summary into the cache.

    Idempotent: a second run computes the same figures from the same data.
    """
    with session_scope() as session:
        figures = summary.refresh_summary(session)
    return {"computed_at": figures["computed_at"], "parts": figures["catalogue"]["parts"]}
