"""The portal's tasks: thin, idempotent wrappers of service functions.

Outbox messages reach their consumers through `ROUTES`, one entry per topic: a later feature adds
its topic there. The relay claims only the topics in `ROUTES`; a message of a topic this worker
does not know stays undispatched (nothing is lost) until a worker that knows it relays it, so a
rolling upgrade where the app is newer than the worker drops nothing.

The tasks live in one module per domain (`workers/tasks/<domain>.py`); this package imports them all, so
`include=["workers.tasks"]` registers every one.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta

from celery.signals import worker_ready

from models.db import session_scope
from models.settings import get_settings
from services.analytics import fx
from services.analytics.facts import FACTS_CHANGED
from services.logistics.eta import ETA_CHANGED
from services.logistics.ingest import SHIPMENT_CHANGED
from services.notifications.inbox import NOTIFICATION_CREATED
from services.notifications.tell import ORDER_KINDS
from services.ordering.placement import ORDER_CHANGED, ORDER_PLACED
from services.planning.runs import FORECAST_RUN_PROGRESS, FORECAST_RUN_REQUESTED
from services.platform import live, outbox
from services.pricing.indices import INDEX_VALUES_CHANGED
from services.pricing.market_lists import MARKET_LISTS_CHANGED
from services.showroom import booking, dealer_desk
from services.supply import scorecards
from workers import outbox_listener
from workers.celery_app import app
from workers.schedule import PRUNE_OUTBOX, RELAY_OUTBOX
from workers.tasks.analytics import rebuild_facts, refresh_facts, request_refresh
from workers.tasks.catalog import refresh_summary
from workers.tasks.logistics import poll_carriers, prepare_shipment, refresh_eta
from workers.tasks.notifications import send_notification_digests, send_notification_mails, tell_order_moved
from workers.tasks.ordering import (
    PROCESS_RETRY,
    announce_changes,
    announce_notice,
    expire_holds,
    process_order,
    retry_stalled_orders,
)
from workers.tasks.planning import (
    close_forecast_run,
    forecast_chunk,
    prepare_forecast_run,
    resume_stalled_forecast_runs,
)
from workers.tasks.pricing import reprice_agreements_task, reprice_markets_task, review_prices_task
from workers.tasks.showroom import send_test_drive_mail, send_test_drive_reminders
from workers.tasks.supply import recompute_scorecards_task

__all__ = [
    "PROCESS_RETRY",
    "ROUTES",
    "Route",
    "announce_changes",
    "announce_notice",
    "close_forecast_run",
    "forecast_chunk",
    "prepare_forecast_run",
    "resume_stalled_forecast_runs",
    "expire_holds",
    "poll_carriers",
    "prepare_shipment",
    "process_order",
    "prune_outbox",
    "send_notification_digests",
    "send_notification_mails",
    "tell_order_moved",
    "rebuild_facts",
    "refresh_facts",
    "recompute_scorecards_task",
    "refresh_eta",
    "refresh_summary",
    "relay_now",
    "relay_outbox",
    "reprice_agreements_task",
    "reprice_markets_task",
    "review_prices_task",
    "retry_stalled_orders",
    "send_test_drive_mail",
    "send_test_drive_reminders",
]

log = logging.getLogger(__name__)


@app.task(name=PRUNE_OUTBOX)
def prune_outbox() -> dict:
    """Beat, hourly: delete outbox messages sent more than `settings.outbox_retention_days` ago
    (in batches, until none is left). Unsent ones stay. Returns {"deleted": n}."""
    older_than = timedelta(days=get_settings().outbox_retention_days)
    deleted = 0
    while True:
        with session_scope() as session:
            count = outbox.prune(session, older_than=older_than)
        deleted += count
        if count < outbox.PRUNE_BATCH:
            return {"deleted": deleted}


@dataclass(frozen=True)
class Route:
    """What an outbox message of one topic becomes.

    `deliver(payload)` hands the message on (usually `some_task.delay(...)`). `coalesce` says one
    delivery per relay batch serves every message of the topic in it, because the consumer reads
    the database afresh rather than the payload.
    """

    deliver: Callable[[dict], object]
    coalesce: bool = False
    # `coalesce_by(payload)` names what a delivery refreshes: one delivery per name per relay
    # batch; the name None means "everything", after which the topic's later messages in the
    # batch are skipped too (the delivery made reads the database when it runs, after them).
    coalesce_by: Callable[[dict], object] | None = None
    # `then()` is a follow-up run once per relay batch, whichever topics asked for it: the KPI
    # facts' refresh after orders, shipments and scorecards (it reads the database afresh).
    then: Callable[[], object] | None = None


def _order_changed(payload: dict) -> None:
    live.publish(payload)
    if payload.get("status") == "allocated":
        prepare_shipment.delay(payload["order_id"])
    if payload.get("status") in ORDER_KINDS:
        tell_order_moved.delay(payload["order_id"], payload["status"])


def _notification_created(payload: dict) -> None:
    """New inbox entries: the open bells of their users reload (Redis mode; embedded mode reads
    the row), and the entries that asked for an e-mail at once are sent."""
    live.publish(payload, NOTIFICATION_CREATED)
    if payload.get("mail"):
        send_notification_mails.delay()


def _shipment_changed(payload: dict) -> None:
    live.publish(payload, SHIPMENT_CHANGED)
    refresh_eta.delay(payload["shipment_id"])


# The visitor's e-mail of each test-drive change (booked, rescheduled, cancelled), by its kind.
_DRIVE_MAIL_KINDS = {
    booking.BOOKED: "booked",
    booking.RESCHEDULED: "rescheduled",
    booking.CANCELLED: "cancelled",
}


def _test_drive_changed(topic: str) -> Callable[[dict], None]:
    """The open desk pages reload (Redis mode) and the visitor gets the change's e-mail (once per
    version: services/showroom/mail.py), never coalesced."""

    def deliver(payload: dict) -> None:
        live.publish(payload, topic)
        send_test_drive_mail.delay(payload["test_drive_id"], _DRIVE_MAIL_KINDS[topic], payload["version"])

    return deliver


def _desk_notice(topic: str) -> Callable[[dict], None]:
    return lambda payload: live.publish(payload, topic)


ROUTES: dict[str, Route] = {
    outbox.STOCK_CHANGED: Route(lambda payload: refresh_summary.delay(), coalesce=True),
    # One recompute per supplier per batch; a message without a supplier means all of them.
    scorecards.SCORECARD_STALE: Route(
        lambda payload: recompute_scorecards_task.delay(payload.get("supplier_id")),
        coalesce_by=lambda payload: payload.get("supplier_id"),
    ),
    # A recompute finished: the open scorecard pages reload (live channel, like order changes).
    scorecards.SCORECARDS_CHANGED: Route(live.publish, then=request_refresh),
    # One task per order, never coalesced; a second delivery finds the order settled and does nothing.
    # (workers/dispatch.py delivers these two topics the same way from the web process.)
    ORDER_PLACED: Route(lambda payload: process_order.delay(payload["order_id"])),
    # The live order pages (services/platform/live.py): Redis pub/sub, or nothing when the row is the
    # notice; an allocation also gets its shipment ready for tracking (beat's poll catches any missed).
    ORDER_CHANGED: Route(_order_changed, then=request_refresh),
    # A shipment's events changed: one ETA refresh per shipment per batch; the open shipment pages
    # reload (Redis mode; embedded mode reads the outbox row itself).
    SHIPMENT_CHANGED: Route(
        _shipment_changed, coalesce_by=lambda payload: payload["shipment_id"], then=request_refresh
    ),
    # refresh_eta moved a shipment's ETA: the open shipment pages show the new one.
    ETA_CHANGED: Route(lambda payload: live.publish(payload, ETA_CHANGED)),
    # Index values arrived: one re-pricing run per relay batch, however many imports it holds.
    INDEX_VALUES_CHANGED: Route(lambda payload: reprice_agreements_task.delay(), coalesce=True),
    # A manager asked for the market lists to be rebuilt (rules or costs changed): one run per batch.
    MARKET_LISTS_CHANGED: Route(lambda payload: reprice_markets_task.delay(), coalesce=True),
    # A visitor's test drive changed: the desk reloads, the visitor gets the e-mail with the invite.
    **{topic: Route(_test_drive_changed(topic)) for topic in _DRIVE_MAIL_KINDS},
    # New notification-centre entries: the bells reload and the e-mails wanted at once go out.
    NOTIFICATION_CREATED: Route(_notification_created),
    # The KPI facts changed: open dashboards reload their tiles (Redis mode; embedded reads the row).
    FACTS_CHANGED: Route(lambda payload: live.publish(payload, FACTS_CHANGED)),
    # FX rates were imported: one rebuild of the KPI facts at the new rates per relay batch.
    # (The market lists follow the new rates too: a market's cost in its currency moved.)
    fx.RATES_IMPORTED: Route(
        lambda payload: (rebuild_facts.delay(), reprice_markets_task.delay()), coalesce=True
    ),
    # A planner asked for a forecast run: a worker prepares it and sends its chunks (a chord).
    FORECAST_RUN_REQUESTED: Route(lambda payload: prepare_forecast_run.delay(payload["run_id"])),
    # A forecast run moved: the open planning pages show its progress (Redis mode; embedded mode reads
    # the row). One notice per run per relay batch: the page reads the run afresh.
    FORECAST_RUN_PROGRESS: Route(
        lambda payload: live.publish(payload, FORECAST_RUN_PROGRESS),
        coalesce_by=lambda payload: payload["run_id"],
    ),
    # The dealer's desk changed a drive: the other open desk pages reload (Redis mode).
    **{
        topic: Route(_desk_notice(topic))
        for topic in (dealer_desk.CHECKED_IN, dealer_desk.COMPLETED, dealer_desk.NO_SHOW, dealer_desk.MOVED)
    },
}


@app.task(name=RELAY_OUTBOX)
def relay_outbox(topics: list[str] | None = None) -> dict:
    """Hand every undispatched outbox message of a known topic to its consumer, in id order.

    `topics` restricts the run to those topics; unknown topics are ignored. (The placement fast
    path relays "order.placed" in the web process itself: workers/dispatch.py.)
    Returns `{"relayed": messages marked dispatched, "deliveries": {topic: deliveries made}}`.
    Idempotent: a message is marked dispatched in the transaction that claimed it, so a second
    run finds nothing to send; a crash between delivery and commit delivers again, and every
    consumer is idempotent.
    """
    known = tuple(ROUTES) if topics is None else tuple(topic for topic in topics if topic in ROUTES)
    if not known:
        return {"relayed": 0, "deliveries": {}}
    return _relay(known)


def _hold_back() -> dict[str, float]:
    """New orders are handed to the worker at once (PostgreSQL: by the worker's own listener,
    workers/outbox_listener.py; SQLite: by the placing process, workers/dispatch.py
    `start_processing`); their messages wait this long for that before the relay sends them."""
    return {ORDER_PLACED: get_settings().order_relay_grace_seconds}


def relay_now(topics: Collection[str]) -> dict:
    """Relay the undispatched messages of `topics` in this process, now; never raises (the beat
    relay is the guarantee). For the outbox listener's wake-ups."""
    try:
        return _relay(tuple(topic for topic in topics if topic in ROUTES))
    except Exception:
        log.warning("relaying %s failed; the beat relay will", list(topics), exc_info=True)
        return {}


@worker_ready.connect
def _listen_for_new_orders(**_kwargs) -> None:
    """The worker's main process hears each committed placement (PostgreSQL) and sends its task."""
    outbox_listener.start()


def _relay(topics: Collection[str]) -> dict:
    deliveries: Counter[str] = Counter()
    delivered_keys: set[tuple[str, object]] = set()
    follow_ups: set[Callable[[], object]] = set()

    def send(message: outbox.Claimed) -> None:
        route = ROUTES[message.topic]
        if route.then is not None and route.then not in follow_ups:
            route.then()
            follow_ups.add(route.then)
        if route.coalesce and deliveries[message.topic]:
            return
        if route.coalesce_by is not None:
            key = (message.topic, route.coalesce_by(message.payload))
            if key in delivered_keys or (message.topic, None) in delivered_keys:
                return
            delivered_keys.add(key)
        route.deliver(message.payload)
        deliveries[message.topic] += 1

    with session_scope() as session:
        relayed = outbox.relay(session, send, topics=tuple(topics), hold_back=_hold_back())
    if relayed:
        log.info("relayed %d outbox messages: %s", relayed, dict(deliveries))
    return {"relayed": relayed, "deliveries": dict(deliveries)}
