"""An order's payment never waits behind the follow-up work orders cause: `process_order` has a queue
of its own that a worker reads first. Here a real worker on Redis starts with a backlog of thirty
other tasks queued before five orders; the five orders are the first tasks it takes, and all are
paid."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.settings import get_settings
from tests.integration.ordering.order_api_helpers import open_shop, settled
from tests.integration.worker_helpers import running, start_worker, wait_for
from workers.celery_app import make_celery, orders_queue
from workers.schedule import PROCESS_ORDER, RELAY_OUTBOX

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BACKLOG = 30
ORDERS = 5


def _received(log: str) -> list[str]:
    """The names of the tasks the worker took, in order."""
    return re.findall(r"Task ([\w.]+)\[[0-9a-f-]+\] received", log)


def test_orders_are_taken_before_a_backlog_of_other_tasks_queued_earlier(pg_url, redis_url, tmp_path: Path):
    settings = get_settings()
    shop = open_shop(part_on_hand=ORDERS)
    orders = [shop.place(quantity=1) for _ in range(ORDERS)]
    with make_celery(settings) as client:
        for _ in range(BACKLOG):
            client.send_task(RELAY_OUTBOX, args=[["nothing.here"]])
        for order in orders:  # after the backlog, and routed to the orders' queue
            client.send_task(PROCESS_ORDER, args=[order["id"]])
        assert client.amqp.router.route({}, PROCESS_ORDER)["queue"].name == orders_queue(settings)

    with running(settings, tmp_path, start_worker) as (worker,):
        wait_for(lambda: _received(worker.log()).count(RELAY_OUTBOX) >= BACKLOG, timeout=60)
        log = worker.log()

    taken = _received(log)
    # The worker's outbox listener may also hand it the orders (a second, idempotent delivery):
    # every one of the first five tasks is an order all the same.
    assert taken[:ORDERS] == [PROCESS_ORDER] * ORDERS, taken[: ORDERS + 3]
    assert taken.index(RELAY_OUTBOX) >= ORDERS
    for order in orders:
        outcome = settled(order)
        assert (outcome.status, outcome.payment_status) == ("allocated", "captured"), outcome
