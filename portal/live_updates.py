"""The one task per web process that keeps open pages live.

It consumes services.platform.live.listen() (the worker's committed changes) and hands each notice
to the push of its topic (`PUSHES`: one entry per topic; a domain adds its own). A push reloads
what changed once and puts it into the state of every tab of this process that shows it (each
domain keeps a registry of watching tabs, e.g. state/ordering/order_watchers.py), through
`app.modify_state`: Reflex then sends those tabs the delta over their open socket. No tab polls;
a tab that has disconnected is dropped from its registry the first time a change finds it gone.

- "order.changed": the order is reloaded and shown on the tabs that show it;
- "scorecards.changed" (a recompute finished): the open scorecard cards of those suppliers and
  every open ranking reload (state/supply/scorecards/watchers.py);
- "test_drive.*" (booked, rescheduled, cancelled, checked in/out, no-show, moved): the open desk
  calendars of that drive's store reload (state/showroom/desk_watchers.py);
- "shipment.changed" / "shipment.eta_changed": the shipment pages showing it reload
  (state/logistics/shipment_watchers.py);
- "notification.created": the bells of the users it names reload (state/notifications/watchers.py);
- "forecast_run.progress": the open planning worklists show the run's progress, and the new
  worklist once it has finished (state/planning/watchers.py).

A notice of a topic with no push is ignored.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import reflex as rx

from models.db import session_scope
from services.analytics.facts import FACTS_CHANGED
from services.logistics.eta import ETA_CHANGED
from services.logistics.ingest import SHIPMENT_CHANGED
from services.notifications.inbox import NOTIFICATION_CREATED
from services.ordering.placement import load_order_view
from services.planning.runs import FORECAST_RUN_PROGRESS
from services.platform import live
from services.platform.errors import NotFound
from services.showroom import booking as showroom_booking
from services.showroom import dealer_desk
from services.supply.scorecards import SCORECARDS_CHANGED
from state.analytics.dashboard import KpiState
from state.analytics.watchers import DASHBOARDS, KpiWatchers
from state.analytics.watchers import WATCHERS as KPI_WATCHERS
from state.logistics.shipment import ShipmentState
from state.logistics.shipment_watchers import WATCHERS as SHIPMENT_WATCHERS
from state.logistics.shipment_watchers import ShipmentWatchers
from state.notifications.bell import BellState
from state.notifications.watchers import WATCHERS as BELL_WATCHERS
from state.notifications.watchers import BellWatchers
from state.ordering.order_watchers import WATCHERS, OrderWatchers
from state.ordering.orders import OrderState
from state.planning.watchers import RUNS, PlanningWatchers
from state.planning.watchers import WATCHERS as PLANNING_WATCHERS
from state.planning.worklist import PlanningState
from state.showroom.desk import DeskState
from state.showroom.desk_watchers import WATCHERS as DESK_WATCHERS
from state.showroom.desk_watchers import DeskWatchers
from state.supply.scorecards import RankingState, ScorecardState
from state.supply.scorecards.watchers import CARD, ScorecardWatchers
from state.supply.scorecards.watchers import WATCHERS as SCORECARD_WATCHERS

log = logging.getLogger("portal.live")
RESTART_DELAY_SECONDS = 1.0


def _load_order(order_id: int) -> dict | None:
    """The order as the page holds it (None if it is gone). Runs in a thread: a blocking read."""
    try:
        with session_scope() as session:
            return load_order_view(session, order_id).as_dict()
    except NotFound:
        return None


async def _is_connected(app: rx.App, token: str) -> bool:
    namespace = app.event_namespace
    if namespace is None:
        return False
    return await namespace._token_manager.is_token_connected(token)


async def push_order(app: rx.App, order_id: int, watchers: OrderWatchers = WATCHERS) -> int:
    """Reload `order_id` and show it on every connected tab watching it; returns how many tabs
    were updated. Tabs that left the order (or disconnected) are forgotten."""
    tokens = watchers.tokens_for(order_id)
    if not tokens:
        return 0
    order = await asyncio.to_thread(_load_order, order_id)
    if order is None:
        return 0
    updated = 0
    for token in tokens:
        if not await _is_connected(app, token):
            watchers.forget(token, order_id)
            continue
        try:
            async with app.modify_state(rx.BaseStateToken(ident=token, cls=OrderState)) as root:
                page = await root.get_state(OrderState)
                if page.order_id != order_id:  # the tab moved on (or signed out) meanwhile
                    watchers.forget(token, order_id)
                    continue
                page.show(order)
            updated += 1
        except Exception:  # one broken tab must not stop the others' updates
            log.exception("live: could not update a tab showing order %s", order_id)
    return updated


async def push_scorecards(app: rx.App, event: dict, watchers: ScorecardWatchers = SCORECARD_WATCHERS) -> int:
    """A recompute finished: reload the scorecard pages it changed (the cards of the event's
    `supplier_ids`, all of them when None, and every ranking) on the connected tabs of this
    process; returns how many tabs were reloaded. Each tab reads with its own viewer's scoping."""
    supplier_ids = event.get("supplier_ids")
    if supplier_ids is not None and not isinstance(supplier_ids, list):
        return 0
    updated = 0
    for token, page in watchers.affected(supplier_ids):
        if not await _is_connected(app, token):
            watchers.forget(token)
            continue
        state_class = ScorecardState if page == CARD else RankingState
        try:
            async with app.modify_state(rx.BaseStateToken(ident=token, cls=state_class)) as root:
                shown = await root.get_state(state_class)
                await asyncio.to_thread(shown.refresh)  # a blocking read, under this tab's lock
            updated += 1
        except Exception:  # one broken tab must not stop the others' updates
            log.exception("live: could not reload a scorecard page")
    return updated


async def _push_order_event(app: rx.App, event: dict) -> int:
    order_id = event.get("order_id")
    return await push_order(app, order_id) if isinstance(order_id, int) else 0


def _drive_store(drive_id: int) -> int | None:
    from models.showroom import TestDrive

    with session_scope() as session:
        drive = session.get(TestDrive, drive_id)
        return None if drive is None else drive.location_id


async def push_test_drive(app: rx.App, event: dict, watchers: DeskWatchers = DESK_WATCHERS) -> int:
    """A drive changed: reload the desk calendars showing its store on the connected tabs of this
    process (each with its own dealer's scoping); returns how many tabs were reloaded."""
    drive_id = event.get("test_drive_id")
    if not isinstance(drive_id, int) or not len(watchers):
        return 0
    store_id = await asyncio.to_thread(_drive_store, drive_id)
    if store_id is None:
        return 0
    updated = 0
    for token in watchers.tokens_for(store_id):
        if not await _is_connected(app, token):
            watchers.forget(token)
            continue
        try:
            async with app.modify_state(rx.BaseStateToken(ident=token, cls=DeskState)) as root:
                shown = await root.get_state(DeskState)
                if shown.store_id != str(store_id):
                    watchers.forget(token)
                    continue
                await asyncio.to_thread(shown.refresh)
            updated += 1
        except Exception:  # one broken tab must not stop the others' updates
            log.exception("live: could not reload a desk calendar")
    return updated


async def _reload_tabs(
    app: rx.App,
    watchers: OrderWatchers,
    key: int,
    state_class: type[rx.State],
    reload: Callable[[rx.State], bool],
    what: str,
) -> int:
    """Run `reload(page)` (blocking: in a thread, under the tab's lock) on every connected tab the
    registry has under `key`; a tab gone, or whose page says False (it shows something else now, or
    nobody is signed in), is forgotten. One broken tab never stops the others. Returns how many."""
    updated = 0
    for token in watchers.tokens_for(key):
        if not await _is_connected(app, token):
            watchers.forget(token, key)
            continue
        try:
            async with app.modify_state(rx.BaseStateToken(ident=token, cls=state_class)) as root:
                page = await root.get_state(state_class)
                if not await asyncio.to_thread(reload, page):
                    watchers.forget(token, key)
                    continue
            updated += 1
        except Exception:  # one broken tab must not stop the others' updates
            log.exception("live: could not update a tab showing %s", what)
    return updated


async def push_shipment(app: rx.App, event: dict, watchers: ShipmentWatchers = SHIPMENT_WATCHERS) -> int:
    """A shipment got an event or a new ETA ("shipment.changed", "shipment.eta_changed"): reload it
    on every connected tab showing it, each with its own viewer's scoping; returns how many tabs."""
    shipment_id = event.get("shipment_id")
    if not isinstance(shipment_id, int):
        return 0
    return await _reload_tabs(
        app,
        watchers,
        shipment_id,
        ShipmentState,
        lambda page: page.shipment_id == shipment_id and page.reload(),
        f"shipment {shipment_id}",
    )


async def push_notifications(app: rx.App, event: dict, watchers: BellWatchers = BELL_WATCHERS) -> int:
    """New inbox entries: reload the bell on every connected tab of the users the notice names
    (each reads its own user's entries only); returns how many tabs were reloaded."""
    user_ids = event.get("user_ids")
    if not isinstance(user_ids, list):
        return 0
    updated = 0
    for user_id in user_ids:
        if isinstance(user_id, int):
            updated += await _reload_tabs(
                app,
                watchers,
                user_id,
                BellState,
                lambda bell, user_id=user_id: bell.user_id == user_id and bell.refresh(),
                f"the bell of user {user_id}",
            )
    return updated


async def push_kpis(app: rx.App, event: dict, watchers: KpiWatchers = KPI_WATCHERS) -> int:
    """A facts refresh began or landed: reload every open dashboard of this process (each reads
    with its own viewer's scope and filter, so it shows "refreshing", then the new figures);
    returns how many tabs were reloaded."""
    return await _reload_tabs(
        app, watchers, DASHBOARDS, KpiState, lambda page: page.refresh(), "a KPI dashboard"
    )


async def push_forecast_run(app: rx.App, event: dict, watchers: PlanningWatchers = PLANNING_WATCHERS) -> int:
    """A forecast run moved: every connected planning worklist of this process reads the run again
    (and its worklist once the run has finished), each with its own viewer's scoping; returns how
    many tabs were updated."""
    return await _reload_tabs(
        app, watchers, RUNS, PlanningState, lambda page: page.refresh_progress(), "a planning worklist"
    )


Push = Callable[[rx.App, dict], Awaitable[int]]
# topic -> the push that shows a notice of it (returns how many tabs it updated).
PUSHES: dict[str, Push] = {
    live.ORDER_CHANGED: _push_order_event,
    SCORECARDS_CHANGED: push_scorecards,
    **{
        topic: push_test_drive
        for topic in (
            showroom_booking.BOOKED,
            showroom_booking.RESCHEDULED,
            showroom_booking.CANCELLED,
            dealer_desk.CHECKED_IN,
            dealer_desk.COMPLETED,
            dealer_desk.NO_SHOW,
            dealer_desk.MOVED,
        )
    },
    SHIPMENT_CHANGED: push_shipment,
    ETA_CHANGED: push_shipment,
    NOTIFICATION_CREATED: push_notifications,
    FACTS_CHANGED: push_kpis,
    FORECAST_RUN_PROGRESS: push_forecast_run,
}


async def dispatch(app: rx.App, event: dict) -> int:
    """Hand one notice to the push of its topic; 0 when no page shows that topic."""
    push = PUSHES.get(live.topic_of(event))
    return 0 if push is None else await push(app, event)


async def push_order_changes(app: rx.App) -> None:
    """Lifespan task: forever, hand each live notice to the push of its topic (`dispatch`).

    A failure of the listener (or of one push) is logged and the loop goes on; cancelling the
    task (the app shutting down) ends it.
    """
    while True:
        try:
            async for event in live.listen():
                await dispatch(app, event)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("live: the order-change listener failed; restarting it")
        await asyncio.sleep(RESTART_DELAY_SECONDS)
