"""Behind PgBouncer in transaction mode (README, "Connection budget"): the app and the worker reach
PostgreSQL through PgBouncer's small pool, prepare no statements there, and the outbox listener
LISTENs on a direct connection (LISTEN_DATABASE_URL), so new orders still reach the worker at once.

PgBouncer is Debian's package (`make pgbouncer` installs it; `make test` does); the test starts its
own on a free port in front of the test database and stops it afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models.db import get_engine
from models.settings import get_settings
from tests.conftest import REDIS_TEST_URL, configure
from tests.integration.ordering.order_api_helpers import open_shop, settled, status_of
from tests.integration.worker_helpers import running, start_worker, wait_for
from tests.ports import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

PGBOUNCER = shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")
SERVER_POOL = 3  # PgBouncer's connections to PostgreSQL for this database
SETTLE_TIMEOUT = 30  # seconds; a bound, not a figure


@pytest.fixture(scope="module")
def pgbouncer(_pg_database: str) -> Iterator[str]:
    """A PgBouncer in transaction mode in front of the test database; yields its SQLAlchemy URL."""
    if PGBOUNCER is None:
        pytest.skip("pgbouncer is not installed (make pgbouncer)")
    database = make_url(_pg_database)
    port = free_port()
    # PgBouncer refuses to run as root; as root it runs as postgres, who must read its files.
    workdir = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    workdir.chmod(0o777)
    ini = workdir / "pgbouncer.ini"
    ini.write_text(
        "[databases]\n"
        f"portal = host={database.host} port={database.port or 5432} dbname={database.database} "
        f"user={database.username}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        "auth_type = any\npool_mode = transaction\n"
        f"default_pool_size = {SERVER_POOL}\nmin_pool_size = 0\nreserve_pool_size = 0\n"
        "max_client_conn = 200\n"
        f"logfile = {workdir / 'pgbouncer.log'}\npidfile = {workdir / 'pgbouncer.pid'}\n"
    )
    ini.chmod(0o644)
    as_user = ["-u", "postgres"] if os.geteuid() == 0 else []
    process = subprocess.Popen(
        [PGBOUNCER, *as_user, str(ini)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = database.set(port=port, database="portal").render_as_string(hide_password=False)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with psycopg.connect(
                    host="127.0.0.1", port=port, dbname="portal", user=database.username, connect_timeout=2
                ) as probe:
                    probe.execute("SELECT 1")
                break
            except psycopg.OperationalError:
                log = workdir / "pgbouncer.log"
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "pgbouncer did not start:\n" + (log.read_text() if log.exists() else "")
                    ) from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def through_pgbouncer(pgbouncer: str, pg_url: str, redis_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """This process (and workers it starts) on PgBouncer, the listener straight on PostgreSQL."""
    configure(
        monkeypatch,
        database_url=pgbouncer,
        listen_database_url=pg_url,
        database_behind_pgbouncer="true",
        broker_url=REDIS_TEST_URL,
        result_backend=REDIS_TEST_URL,
    )
    yield pgbouncer
    get_engine().dispose()


def _reads_on_many_connections(threads: int = 6, reads: int = 20) -> list[BaseException]:
    """The same query many times from several threads at once (psycopg would prepare it after 5)."""
    failures: list[BaseException] = []

    def read() -> None:
        try:
            for _ in range(reads):
                with get_engine().connect() as connection:
                    connection.execute(
                        text("SELECT count(*) FROM organisation WHERE id > :id"), {"id": 0}
                    ).scalar_one()
        except BaseException as exc:  # collected, asserted by the caller
            failures.append(exc)

    workers = [threading.Thread(target=read) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return failures


def test_orders_placed_through_pgbouncer_reach_the_worker_by_its_direct_listen_connection(
    through_pgbouncer, tmp_path: Path
):
    """No beat: only the listener's NOTIFY hand-off can send these orders to processing."""
    settings = get_settings()
    assert settings.listen_database_url != settings.database_url
    with running(settings, tmp_path, start_worker):
        shop = open_shop()
        orders = [shop.place(quantity=1) for _ in range(4)]

        for order in orders:
            wait_for(
                lambda order=order: status_of(order["id"]) == "allocated",
                timeout=SETTLE_TIMEOUT,
                interval=0.05,
            )
    for order in orders:
        outcome = settled(order)
        assert (outcome.payment_status, outcome.bank_captures, outcome.shipments) == ("captured", 1, 1)


def test_through_pgbouncer_repeated_queries_on_many_connections_do_not_fail(through_pgbouncer):
    # A statement psycopg prepared on one server connection is unknown on the next one PgBouncer
    # hands out; whether a short run meets that depends on scheduling, so the setting is checked too.
    with get_engine().connect() as connection:
        assert connection.connection.dbapi_connection.prepare_threshold is None

    assert _reads_on_many_connections() == []
