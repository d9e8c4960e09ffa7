"""The pricing tasks: re-pricing agreements after index values arrive, and the periodic review.
Thin, idempotent wrappers of `services.pricing`; their names (workers/schedule.py) stay what queued
messages and the beat schedule send."""

from __future__ import annotations

from models.db import session_scope
from services.pricing import approvals, market_lists, suggestions
from workers.celery_app import app
from workers.schedule import REPRICE_AGREEMENTS, REPRICE_MARKETS, REVIEW_PRICES


@app.task(name=REPRICE_AGREEMENTS)
def reprice_agreements_task() -> dict:
    """Re-price every active agreement from the index values now stored, then apply the approved
    changes whose effective date has come. Sent by the relay for `pricing.index_values_changed`,
    coalesced: a burst of imports makes one run (it reads the database, not the messages).

    Idempotent: a suggestion remembers the inputs it came from, so a rerun over the same values
    suggests nothing new. Returns {suggested, unchanged, skipped, applied}."""
    with session_scope() as session:
        result = suggestions.reprice_agreements(session)
        result["applied"] = approvals.apply_due(session)
    return result


@app.task(name=REVIEW_PRICES)
def review_prices_task() -> dict:
    """Beat, daily: apply what has become due, then re-price every agreement (the periodic review).
    Same result shape and idempotence as `reprice_agreements_task`."""
    with session_scope() as session:
        applied = approvals.apply_due(session)
        result = suggestions.reprice_agreements(session)
        result["applied"] = applied + approvals.apply_due(session)
    return result


@app.task(name=REPRICE_MARKETS)
def reprice_markets_task() -> dict:
    """Rebuild every market price list from today's costs, FX rates and markup rules: changes inside
    a market's automatic band apply, bigger ones wait for managers. Beat daily, and sent by the relay
    (coalesced) for `pricing.market_lists_changed` and FX imports. Idempotent: a rerun over the same
    inputs changes nothing. Returns the run's counts (services/pricing/market_lists.py)."""
    with session_scope() as session:
        return market_lists.reprice_markets(session)
