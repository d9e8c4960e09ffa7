"""The supply tasks: recomputing supplier scorecards. Thin, idempotent wrappers of `services.supply`; their
names (workers/schedule.py) stay what queued messages and the beat schedule send."""

from __future__ import annotations

from models.db import session_scope
from services.supply import scorecards
from workers.celery_app import app
from workers.schedule import RECOMPUTE_SCORECARDS


@app.task(name=RECOMPUTE_SCORECARDS)
def recompute_scorecards_task(supplier_id: int | None = None) -> dict:
    """Recompute the scorecards of the twelve months ending with the current one (monthly and
    rolling-12-month rows) for one supplier, or for every supplier when `supplier_id` is None:
    nightly from beat, and through the relay after a receipt, an incident or a settings change
    (SCORECARD_STALE).

    Idempotent: a rerun rewrites the same rows from the same data; only `computed_at` moves.
    The recompute's "scorecards.changed" outbox message is relayed at once (the open scorecard
    pages reload); should that fail, the beat relay sends it.
    Returns {"supplier_id", "rows", "period_from", "period_to", "computed_at" (ISO 8601), "seconds"}.
    """
    supplier_ids = None if supplier_id is None else [int(supplier_id)]
    with session_scope() as session:
        result = scorecards.recompute_scorecards(session, supplier_ids=supplier_ids)
    from workers.tasks import relay_now  # the package imports this module: import at call time

    relay_now([scorecards.SCORECARDS_CHANGED])
    return {
        "supplier_id": supplier_id,
        "rows": result["rows"],
        "period_from": result["period_from"],
        "period_to": result["period_to"],
        "computed_at": result["computed_at"].isoformat(),
        "seconds": result["seconds"],
    }
