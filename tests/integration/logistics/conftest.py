"""The logistics integration fixtures: a real DHL-shaped carrier server in its own process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from models.settings import DEMO_CARRIER_KEY, PROJECT_ROOT
from tests.integration.worker_helpers import wait_for
from tests.ports import free_port

KEY = {"DHL-API-Key": DEMO_CARRIER_KEY}


@pytest.fixture
def carrier_server(tmp_path) -> Iterator[str]:
    """The local carrier server (services/logistics/carrier_server.py, unpaced) on a free port: its
    base URL. Tests register journeys and queue faults through its /_sim endpoints (with KEY)."""
    port = free_port()
    log = (tmp_path / "carrier-server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "services.logistics.carrier_server", "--port", str(port), "--pace", "0"],
        cwd=PROJECT_ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def healthy() -> bool:
        try:
            return httpx.get(f"{url}/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_for(healthy, timeout=30)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the server and its one worker, nothing else
        process.wait(timeout=10)
        log.close()
