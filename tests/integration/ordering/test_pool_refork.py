"""Pool children killed (or recycled) while orders stream in: no two processes ever share a database
connection.

When a prefork pool child dies, the worker's main process forks a new one. The main process has
used the database by then (its outbox listener relays on start), so without care every new child
inherits its pooled connections, and two children talk over one socket: payments marked captured
with another order's bank reference, "received 0 results from command ROLLBACK", duplicate
shipments. Here a real worker (prefork, two children) on PostgreSQL and Redis, with beat's sweeps,
takes a steady stream of orders placed through the API while its pool children are killed with
SIGKILL several times (or recycled after every five tasks); afterwards every order is settled
exactly once with its own bank capture, stock is conserved, and the worker logged no error beyond
the kills themselves.
"""

from __future__ import annotations

import os
import re
import signal
import time
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models import GatewayLedger, Payment, SalesOrder
from models.db import get_engine
from services.ordering.gateway import SimulatedGateway
from services.ordering.placement import payment_key
from tests.integration.ordering.order_api_helpers import open_shop, settled, stock, sweeping_settings
from tests.integration.worker_helpers import (
    CeleryProcess,
    pool_children,
    running,
    start_beat,
    start_worker,
    wait_for,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ORDERS = 60
ORDER_EVERY_SECONDS = 0.1
KILL_EVERY_ORDERS = 12  # five kills of the whole pool during the stream
ON_HAND = 1000
BANK_DELAY_SECONDS = 0.05  # a kill often lands inside a capture
SETTLE_TIMEOUT = 90  # seconds; a bound, not a figure

# What a killed child makes the main process log: the kill itself, and the task it was running
# handed back to the broker. Anything else at ERROR, and any other traceback, is a failure.
_EXPECTED_ERROR = re.compile(r"exited with 'signal 9 \(SIGKILL\)'|WorkerLostError")


def _worker(concurrency: int, extra: tuple[str, ...] = ()):
    def start_worker_pool(settings, log_path: Path) -> CeleryProcess:
        return start_worker(settings, log_path, concurrency=concurrency, extra=extra)

    return start_worker_pool


def _kill_pool(worker: CeleryProcess, size: int) -> list[int]:
    """SIGKILL every pool child of `worker` (never its main process) once the pool is full, and wait
    until the main process has forked `size` new ones; returns the new children's pids."""
    children = set(wait_for(lambda: (found := pool_children(worker)) and len(found) >= size and found))
    for pid in children:
        os.kill(pid, signal.SIGKILL)
    replaced = wait_for(
        lambda: (found := set(pool_children(worker)) - children) and len(found) >= size and found,
        timeout=SETTLE_TIMEOUT,
    )
    return [*children, *replaced]


def unexpected_errors(log: str) -> list[str]:
    """The worker log's ERROR lines and tracebacks that are not about a child killed on purpose."""
    found: list[str] = []
    lines = log.splitlines()
    for number, line in enumerate(lines):
        if (
            "ERROR" in line or "CRITICAL" in line or "Segmentation fault" in line or "signal 11" in line
        ) and not _EXPECTED_ERROR.search(line):
            found.append(line)
        elif line.startswith("Traceback"):
            end = next(
                (later for later in range(number + 1, len(lines)) if lines[later].startswith("[")), len(lines)
            )  # the next log record
            block = "\n".join(lines[number:end])
            if not _EXPECTED_ERROR.search(block):
                found.append(block)
    return found


def _orders_settled(order_ids: list[int]) -> bool:
    with Session(get_engine()) as session:
        statuses = session.exec(select(SalesOrder.status).where(SalesOrder.id.in_(order_ids))).all()
        session.commit()
    return all(status in ("allocated", "cancelled") for status in statuses)


def _captures_by_order(order_numbers: dict[int, str]) -> dict[int, list[str]]:
    """Each order's captures at the bank: the references the bank recorded under its payment key."""
    keys = {payment_key(number): order_id for order_id, number in order_numbers.items()}
    with Session(get_engine()) as session:
        rows = session.exec(
            select(GatewayLedger.idempotency_key, GatewayLedger.reference).where(
                GatewayLedger.idempotency_key.in_(list(keys))
            )
        ).all()
        session.commit()
    captures: dict[int, list[str]] = {order_id: [] for order_id in order_numbers}
    for key, reference in rows:
        captures[keys[key]].append(reference)
    return captures


@pytest.mark.parametrize(
    ("name", "extra", "kill"),
    [
        ("children killed", (), True),
        ("max_tasks_per_child=5", ("--max-tasks-per-child=5",), False),
    ],
)
def test_replaced_pool_children_never_share_a_connection_and_every_order_is_paid_once(
    pg_url, redis_url, tmp_path: Path, name: str, extra: tuple[str, ...], kill: bool
):
    shop = open_shop(part_on_hand=ON_HAND)
    SimulatedGateway().set_behaviour("approve", delay_seconds=BANK_DELAY_SECONDS)
    settings = sweeping_settings()
    orders: list[dict] = []
    kills = 0
    children_seen: set[int] = set()

    with running(settings, tmp_path, _worker(2, extra), start_beat) as (worker, _beat):
        for number in range(ORDERS):
            orders.append(shop.place(quantity=1))
            children_seen.update(pool_children(worker))
            if kill and number % KILL_EVERY_ORDERS == KILL_EVERY_ORDERS // 2:
                seen = _kill_pool(worker, size=2)
                kills += len(seen) // 2
                children_seen.update(seen)
            time.sleep(ORDER_EVERY_SECONDS)  # a steady stream, not a burst
        order_ids = [order["id"] for order in orders]
        wait_for(lambda: _orders_settled(order_ids), timeout=SETTLE_TIMEOUT, interval=0.5)
        log = worker.log()

    outcomes = {order["id"]: settled(order) for order in orders}
    captures = _captures_by_order({order["id"]: order["number"] for order in orders})
    with Session(get_engine()) as session:
        references = dict(
            session.exec(
                select(Payment.order_id, Payment.gateway_reference).where(
                    Payment.order_id.in_(list(outcomes))
                )
            ).all()
        )
        session.commit()
    paid = [order_id for order_id, outcome in outcomes.items() if outcome.status == "allocated"]
    print(
        f"\n{name}: {len(orders)} orders, {len(paid)} paid, "
        f"{sum(len(c) for c in captures.values())} bank captures, {kills} children killed, "
        f"{len(children_seen)} children seen, "
        f"{len(unexpected_errors(log))} unexpected errors in the worker log"
    )

    if kill:
        assert kills >= 5, "the pool children were killed several times during the stream"
    assert len(children_seen) > 4, "the pool's children were replaced several times during the stream"
    for order_id, outcome in outcomes.items():
        assert outcome.status in ("allocated", "cancelled"), (order_id, outcome)
        if outcome.status == "allocated":
            # Exactly one capture, under its own key, and the payment records that capture's reference.
            assert len(captures[order_id]) == 1, (order_id, captures[order_id])
            assert references[order_id] == captures[order_id][0], (order_id, outcome)
            assert (outcome.payment_status, outcome.captures_on_timeline, outcome.shipments) == (
                "captured",
                1,
                1,
            ), (order_id, outcome)
        else:
            assert outcome.shipments == 0 and outcome.payment_status != "captured", (order_id, outcome)
    assert len(set(references.values()) - {None}) == len([r for r in references.values() if r])
    assert stock(shop.world.part_stock[0]) == (ON_HAND - len(paid), 0)
    assert unexpected_errors(log) == []
