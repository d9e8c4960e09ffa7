"""`make run`'s supervisor with real processes: kill -9 the worker's main process in the middle of
an order; the app keeps answering, the supervisor starts a new worker, and it finishes the orders.

The stack is the one `make run` starts in services mode (PostgreSQL, Redis), with the API served
by granian in place of the full Reflex app (whose build takes minutes): a Celery worker (prefork),
beat with the order sweeps every half second, and the JSON API.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from portal.stack import Supervisor
from services.ordering.gateway import SimulatedGateway
from services.ordering.placement import payment_key
from tests.integration.ordering.order_api_helpers import (
    open_shop,
    settled,
    status_of,
    stock,
    sweeping_settings,
)
from tests.integration.worker_helpers import CELERY, celery_env, wait_for
from tests.ports import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

BANK_DELAY_SECONDS = 60  # the worker is inside the capture call when it is killed
TIMEOUT = 60  # seconds; bounds, not figures


def _call(url: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")
    except OSError:
        return 0, {}


def test_worker_main_process_killed_under_make_run_is_restarted_and_finishes_the_orders(
    pg_url, redis_url, tmp_path: Path
):
    shop = open_shop(part_on_hand=10)
    bank = SimulatedGateway()
    bank.set_behaviour("approve", delay_seconds=BANK_DELAY_SECONDS)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    granian = str(Path(sys.executable).with_name("granian"))
    said: list[str] = []
    supervisor = Supervisor(
        {
            "worker": [
                *CELERY,
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--loglevel=INFO",
                "-n",
                f"test-{uuid.uuid4().hex[:8]}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            "beat": [*CELERY, "beat", "--loglevel=INFO"],
            "app": [
                granian,
                "--interface",
                "asgi",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "portal.api:api",
            ],
        },
        tmp_path,
        env=celery_env(sweeping_settings()),
        say=said.append,
    )
    stopped = threading.Event()
    supervising = threading.Thread(target=supervisor.run_until, args=(stopped.is_set, 0.2))
    worker_log = tmp_path / "worker.log"
    try:
        supervisor.start()
        supervising.start()
        wait_for(lambda: _call(f"{base}/health")[0] == 200, timeout=TIMEOUT)
        wait_for(lambda: " ready." in worker_log.read_text(errors="replace"), timeout=TIMEOUT)
        first_worker = supervisor.processes()["worker"]

        order = shop.place(quantity=3)
        wait_for(
            lambda: bank.ledger(payment_key(order["number"])) is not None, timeout=TIMEOUT, interval=0.05
        )
        os.kill(first_worker.pid, signal.SIGKILL)  # the main process only, as `kill -9 <pid>` would
        first_worker.wait(timeout=10)
        bank.clear_behaviour()

        # The app keeps answering while the worker is down, and takes new orders.
        status, _ = _call(f"{base}/health")
        placed_status, second = _call(
            f"{base}/orders",
            {
                "lines": [{"item_kind": "part", "sku": shop.world.parts[0].sku, "quantity": 2}],
                "buyer_location_id": shop.world.store.id,
            },
            {"Authorization": f"Bearer {shop.token}", "Idempotency-Key": "while-the-worker-is-down"},
        )
        assert (status, placed_status) == (200, 201), second

        wait_for(lambda: any(line.startswith("restarting worker") for line in said), timeout=TIMEOUT)
        wait_for(
            lambda: status_of(order["id"]) == "allocated" and status_of(second["id"]) == "allocated",
            timeout=TIMEOUT,
            interval=0.2,
        )
        assert supervisor.processes()["worker"].pid != first_worker.pid
        assert supervisor.gave_up is None
    finally:
        stopped.set()
        if supervising.is_alive():
            supervising.join(timeout=10)
        supervisor.stop()

    assert any(
        line.startswith("worker exited with code -9") and "restarting it in 1s" in line for line in said
    ), said
    first, after_restart = settled(order), settled(second)
    assert (first.payment_status, first.bank_captures, first.captures_on_timeline) == ("captured", 1, 1)
    assert first.payment_reference == first.bank_reference
    assert (after_restart.payment_status, after_restart.bank_captures) == ("captured", 1)
    assert stock(shop.world.part_stock[0]) == (10 - 5, 0)
