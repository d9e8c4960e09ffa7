"""The analytics tasks: the KPI facts' incremental refresh and nightly rebuild. Thin, idempotent
wrappers of `services.analytics.facts`; their names (workers/schedule.py) stay what queued messages
and the beat schedule send."""

from __future__ import annotations

from datetime import datetime

from models.db import session_scope
from models.types import utcnow
from services.analytics import facts
from workers.celery_app import app
from workers.schedule import REBUILD_FACTS, REFRESH_FACTS


def request_refresh() -> None:
    """Queue one incremental refresh, stamped now (the relay calls this once per batch after an
    order, shipment or scorecard change: workers/tasks ROUTES)."""
    refresh_facts.delay(utcnow().isoformat())


@app.task(name=REFRESH_FACTS)
def refresh_facts(requested_at: str | None = None) -> dict:
    """Re-derive the facts of the days changed since the previous refresh and bump the facts version
    (cached tiles retire). A request older than the latest refresh's start is skipped: that refresh
    served it. Idempotent: a rerun writes the same rows. Returns facts.refresh_changed's dict."""
    when = None if requested_at is None else datetime.fromisoformat(requested_at)
    with session_scope() as session:
        served = facts.already_served(session, when)
        if not served:
            facts.mark_running(session)  # open dashboards show "refreshing" meanwhile
    if not served:
        _relay_facts_changed()
    with session_scope() as session:
        result = facts.refresh_changed(session, requested_at=when)
    _relay_facts_changed()
    return result


@app.task(name=REBUILD_FACTS)
def rebuild_facts() -> dict:
    """Beat, nightly: every fact derived again from the order tables. Returns facts.rebuild's dict."""
    with session_scope() as session:
        facts.mark_running(session)
    _relay_facts_changed()
    with session_scope() as session:
        result = facts.rebuild(session)
    _relay_facts_changed()
    return result


def _relay_facts_changed() -> None:
    from workers.tasks import relay_now  # the package imports this module: import at call time

    relay_now([facts.FACTS_CHANGED])
