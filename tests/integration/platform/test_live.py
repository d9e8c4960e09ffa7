"""Live order notices (services/platform/live.py): a committed order change reaches a running `listen()`.

One listener per test, as the web backend runs one per process. Embedded mode reads the outbox
table; services mode goes through Redis pub/sub, published by the real worker's relay. The tests
check that a change arrives; how fast it arrives is a figure of bench/live.py (push latency p50/p95
from the worker's commit to the open page's state), not a pass/fail bound of a test on a shared
machine.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
from celery import Celery
from sqlmodel import Session

from models.db import get_engine
from portal import live_updates
from services.ordering import payments
from services.ordering.gateway import SimulatedGateway
from services.ordering.placement import ORDER_CHANGED, PlacedOrder, place_order
from services.platform import live, outbox
from tests.integration.worker_helpers import CeleryProcess
from tests.ordering_world import build_world, new_key, part_line
from workers import tasks

# How long a test waits for a change before it calls it lost (not a latency bound: see bench/live.py).
ARRIVAL_TIMEOUT_SECONDS = 15.0


class Listener:
    """`live.listen()` consumed by a background task into a queue, started before the test acts."""

    def __init__(self, poll_interval: float = 0.05) -> None:
        self.events: asyncio.Queue[dict] = asyncio.Queue()
        self._poll_interval = poll_interval
        self._task: asyncio.Task | None = None
        self._iterator: AsyncIterator[dict] | None = None

    async def __aenter__(self) -> Listener:
        self._iterator = live.listen(poll_interval=self._poll_interval)
        self._task = asyncio.create_task(self._pump())
        await asyncio.sleep(0.3)  # subscribed / starting id read
        return self

    async def _pump(self) -> None:
        async for event in self._iterator:
            await self.events.put(event)

    async def __aexit__(self, *exc) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await self._iterator.aclose()

    async def next_for(
        self, order_id: int, status: str | None = None, timeout: float = ARRIVAL_TIMEOUT_SECONDS
    ) -> dict:
        """The next event about `order_id` (with `status`, if given); fails after `timeout` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no live event for order {order_id} ({status}) within {timeout}s")
            try:
                event = await asyncio.wait_for(self.events.get(), remaining)
            except TimeoutError:
                continue
            if event.get("order_id") == order_id and (status is None or event.get("status") == status):
                return event


def _place(session: Session) -> tuple[int, int]:
    placed = _placed(session)
    return placed.order.id, placed.order.buyer_organisation_id


def _placed(session: Session) -> PlacedOrder:
    world = build_world(session)
    return place_order(
        session,
        world.dealer,
        lines=[part_line(world.parts[0], 2)],
        buyer_location_id=world.store.id,
        idempotency_key=new_key(),
    )


async def _in_thread(function: Callable, *args):
    return await asyncio.to_thread(function, *args)


def test_embedded_listener_hears_a_committed_change_and_nothing_from_before(sqlite_url: str) -> None:
    """The outbox row written by the commit is the notice; rows from before the start are not replayed."""
    with Session(get_engine()) as session:
        earlier_id, _ = _place(session)
        payments.process_order(session, earlier_id, gateway=SimulatedGateway())  # before listening

    async def scenario() -> None:
        async with Listener() as listener:
            with Session(get_engine()) as session:
                order_id, org_id = await _in_thread(_place, session)
                outcome = await _in_thread(payments.process_order, session, order_id)
            assert outcome.action == "completed"
            event = await listener.next_for(order_id, "allocated")
            assert event["buyer_organisation_id"] == org_id
            assert set(event) >= {
                "order_id",
                "number",
                "status",
                "buyer_organisation_id",
                "buyer_user_id",
                "seller_organisation_id",
            }
            assert all(e.get("order_id") != earlier_id for e in _drain(listener.events))

    asyncio.run(scenario())


def test_embedded_listener_names_each_notice_topic_and_no_page_takes_a_stock_notice(sqlite_url: str) -> None:
    async def scenario() -> None:
        async with Listener() as listener:
            with Session(get_engine()) as session:
                outbox.enqueue(session, outbox.STOCK_CHANGED, {"location_ids": [1]})
                outbox.enqueue(session, ORDER_CHANGED, {"order_id": 42, "status": "paid"})
                session.commit()
            first = await asyncio.wait_for(listener.events.get(), ARRIVAL_TIMEOUT_SECONDS)
            second = await asyncio.wait_for(listener.events.get(), ARRIVAL_TIMEOUT_SECONDS)
            assert first == {"location_ids": [1], "topic": outbox.STOCK_CHANGED}
            assert second == {"order_id": 42, "status": "paid", "topic": ORDER_CHANGED}
            assert await live_updates.dispatch(None, first) == 0

    asyncio.run(scenario())


@pytest.mark.postgres
@pytest.mark.redis
def test_services_listener_hears_the_worker_commit(
    services_celery: Celery, services_worker: CeleryProcess
) -> None:
    """Redis pub/sub: the real worker processes the order and its relay publishes the change."""

    async def scenario() -> None:
        async with Listener() as listener:
            with Session(get_engine()) as session:
                placed = await _in_thread(_placed, session)
            order_id = placed.order.id
            # What the API does after placing (workers/dispatch.py start_processing).
            services_celery.signature(
                tasks.process_order.name, args=[order_id], kwargs={"message_id": placed.message_id}
            ).delay()
            event = await listener.next_for(order_id, "allocated")
            assert event["order_id"] == order_id

    asyncio.run(scenario())


@pytest.mark.redis
def test_services_publish_reaches_the_listener(redis_url: str, sqlite_url: str) -> None:
    async def scenario() -> None:
        async with Listener() as listener:
            await _in_thread(live.publish, {"order_id": 7, "status": "cancelled"})
            assert await listener.next_for(7) == {"order_id": 7, "status": "cancelled"}

    asyncio.run(scenario())


def _drain(queue: asyncio.Queue) -> list[dict]:
    items = []
    while not queue.empty():
        items.append(queue.get_nowait())
    return items
