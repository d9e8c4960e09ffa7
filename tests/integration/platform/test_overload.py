"""Overload on the real PostgreSQL: a request that finds no free connection in its process's pool
within the pool timeout is answered 503 with Retry-After (never 500), and a deployment whose pools
could exceed the server's connections refuses to start, with the numbers."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections import Counter
from pathlib import Path

import httpx
import pytest

from models.db import get_engine
from models.settings import PROJECT_ROOT, get_settings
from portal.api import api
from portal.api.app import create_api
from portal.stack import check_connection_budget_or_explain
from tests.conftest import REDIS_TEST_URL, configure
from tests.integration.ordering.order_api_helpers import open_shop, stock
from tests.integration.worker_helpers import celery_env, start_worker

pytestmark = pytest.mark.postgres

BURST = 60


@pytest.fixture
def tiny_pool(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """This process's pool: one connection, no overflow, a fifth of a second's wait."""
    configure(monkeypatch, db_pool_size="1", db_max_overflow="0", db_pool_timeout_seconds="0.2")
    yield pg_url
    get_engine().dispose()


def test_a_request_that_gets_no_connection_in_time_is_answered_503_with_retry_after(tiny_pool):
    shop = open_shop()
    parts = "/api/v1/parts"
    auth = {"Authorization": f"Bearer {shop.token}"}

    with get_engine().connect():  # someone else holds the only connection
        busy = shop.client.get(parts, headers={**auth, "Accept-Language": "zh"})

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "2"
    assert busy.json()["error"]["code"] == "service.busy"
    assert busy.json()["error"]["message"] == "系统繁忙，请几秒后重试。"
    assert shop.client.get(parts, headers=auth).status_code == 200  # free again: served


def test_a_burst_of_buyers_on_a_tiny_pool_gets_orders_or_503_never_500(tiny_pool):
    shop = open_shop(part_on_hand=BURST)

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=api)
        async with httpx.AsyncClient(transport=transport, base_url="http://portal") as client:
            return await asyncio.gather(
                *(
                    client.post(
                        "/api/v1/orders",
                        headers={"Authorization": f"Bearer {shop.token}", "Idempotency-Key": f"burst-{n}"},
                        json={
                            "lines": [{"item_kind": "part", "sku": shop.world.parts[0].sku, "quantity": 1}],
                            "buyer_location_id": shop.world.store.id,
                        },
                    )
                    for n in range(BURST)
                )
            )

    answers = asyncio.run(burst())

    by_status = Counter(response.status_code for response in answers)
    assert set(by_status) <= {201, 503}, by_status
    assert by_status[201] >= 1
    for response in answers:
        if response.status_code == 503:
            assert response.headers["Retry-After"] == "2"
            assert response.json()["error"]["code"] == "service.busy"
    # A busy answer wrote nothing: only the placed orders hold stock.
    assert stock(shop.world.part_stock[0]) == (BURST, by_status[201])


def test_the_openapi_documents_the_busy_answer_on_every_endpoint():
    schema = create_api().openapi()

    place = schema["paths"]["/api/v1/orders"]["post"]["responses"]["503"]
    assert "service.busy" in place["description"]
    assert "Retry-After" in place["headers"]
    assert "503" in schema["paths"]["/api/v1/parts"]["get"]["responses"]


def _too_big(**values: str) -> dict[str, str]:
    # 3 x (40 + 10) connections per part of the deployment cannot fit in max_connections 100.
    return {"db_pool_size": "40", "db_max_overflow": "10", **values}


def test_make_run_refuses_a_deployment_beyond_the_servers_connections(pg_url, monkeypatch, capsys):
    configure(monkeypatch, **_too_big())

    assert check_connection_budget_or_explain(get_settings()) is False

    said = capsys.readouterr().out
    assert said.startswith("Refusing to start: the portal could open")
    assert "max_connections 100" in said


def test_make_run_shows_the_budget_when_it_fits(pg_url, capsys):
    assert check_connection_budget_or_explain(get_settings()) is True
    assert "Connections: at most " in capsys.readouterr().out


def test_a_worker_beyond_the_budget_refuses_to_start_and_says_why(pg_url, monkeypatch, tmp_path: Path):
    configure(monkeypatch, **_too_big())

    with pytest.raises(RuntimeError) as refused:
        start_worker(get_settings(), tmp_path / "worker.log")

    assert "exited with" in str(refused.value)
    assert "Refusing to start: the portal could open" in (tmp_path / "worker.log").read_text()


def test_the_web_app_beyond_the_budget_refuses_to_start(pg_url, monkeypatch):
    configure(monkeypatch, app_processes="60", redis_url=REDIS_TEST_URL)
    env = celery_env(get_settings())
    env.pop("GRANIAN_WORKERS", None)

    started = subprocess.run(
        [sys.executable, "-c", "import portal.portal"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert started.returncode == 1
    assert "Refusing to start" in started.stderr
    assert "APP_PROCESSES 60" in started.stderr
