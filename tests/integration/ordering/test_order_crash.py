"""`kill -9` the real worker while it processes an order; a new worker (with beat) finishes the job.

The simulated bank's `delay_seconds` holds the worker inside the capture call long enough to kill it:
with "approve" the bank has already taken the money when the delay starts (after capture, before
our commit); with "timeout" nothing reaches the bank (before capture). The broker does not give the
killed worker's message back in time (Redis: after its visibility timeout; the SQLite transport:
never), so recovery comes from the database: beat's stalled-order sweep processes the order again
under the same payment key. The crash after the capture is tried in services mode (PostgreSQL +
Redis) and embedded mode (SQLite, SQLite broker); the one before it in services mode.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from services.ordering.gateway import SimulatedGateway
from services.ordering.placement import payment_key
from tests.integration.ordering.order_api_helpers import (
    kill_hard,
    open_shop,
    settled,
    status_of,
    stock,
    sweeping_settings,
)
from tests.integration.worker_helpers import running, start_beat, start_worker, wait_for

BANK_DELAY_SECONDS = 60  # far longer than the test needs: the kill always lands inside it
TIMEOUT = 30  # seconds; bounds, not figures


@pytest.fixture(
    params=[
        pytest.param("services", marks=[pytest.mark.postgres, pytest.mark.redis]),
        "embedded",
    ]
)
def mode(request: pytest.FixtureRequest) -> str:
    if request.param == "services":
        request.getfixturevalue("pg_url")
        request.getfixturevalue("redis_url")
    else:
        request.getfixturevalue("sqlite_url")
    return request.param


def test_worker_killed_after_the_capture_and_before_the_commit_ends_paid_once(mode, tmp_path: Path):
    shop = open_shop()
    bank = SimulatedGateway()
    bank.set_behaviour("approve", delay_seconds=BANK_DELAY_SECONDS)
    settings = sweeping_settings()

    with running(settings, tmp_path / "first", start_worker) as (first,):
        order = shop.place(quantity=3)
        key = payment_key(order["number"])
        wait_for(lambda: bank.ledger(key) is not None, timeout=TIMEOUT, interval=0.05)
        kill_hard(first)

    # The bank has the money; the portal has not recorded it.
    before = settled(order)
    assert (before.status, before.payment_status, before.bank_captures) == ("pending_payment", "pending", 1)
    assert stock(shop.world.part_stock[0]) == (10, 3)

    bank.clear_behaviour()  # the slow moment at the bank is over
    with running(settings, tmp_path / "second", start_worker, start_beat) as (second, beat):
        wait_for(lambda: status_of(order["id"]) == "allocated", timeout=TIMEOUT, interval=0.1)
        assert "re-queued 1 stalled orders" in second.log()
        kill_hard(second, beat)  # done with them; a warm shutdown on the SQLite broker takes seconds

    after = settled(order)
    assert after.payment_status == "captured"
    assert (after.bank_captures, after.captures_on_timeline, after.shipments) == (1, 1, 1)
    assert after.payment_reference == before.bank_reference  # the capture taken before the crash
    assert stock(shop.world.part_stock[0]) == (7, 0)


@pytest.mark.postgres
@pytest.mark.redis
def test_worker_killed_before_the_capture_is_retried_and_never_lost(pg_url, redis_url, tmp_path: Path):
    shop = open_shop()
    bank = SimulatedGateway()
    bank.set_behaviour("timeout", delay_seconds=BANK_DELAY_SECONDS)
    settings = sweeping_settings()

    with running(settings, tmp_path / "first", start_worker) as (first,):
        order = shop.place(quantity=2)
        wait_for(lambda: "workers.tasks.process_order[" in first.log(), timeout=TIMEOUT, interval=0.05)
        kill_hard(first)

    before = settled(order)
    assert (before.status, before.payment_status, before.bank_captures) == ("pending_payment", "pending", 0)
    assert stock(shop.world.part_stock[0]) == (10, 2)

    bank.clear_behaviour()
    with running(settings, tmp_path / "second", start_worker, start_beat) as (second, beat):
        wait_for(lambda: status_of(order["id"]) == "allocated", timeout=TIMEOUT, interval=0.1)
        kill_hard(second, beat)

    after = settled(order)
    assert (after.payment_status, after.bank_captures, after.captures_on_timeline) == ("captured", 1, 1)
    assert stock(shop.world.part_stock[0]) == (8, 0)
