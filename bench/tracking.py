"""Benchmark of delivery tracking on PostgreSQL: carrier events ingested through the signed webhook
and through polling the local DHL-shaped carrier server, beside a raw SQL baseline of the same rows;
the time from an event's arrival to its being visible; the shipment timeline read and the managers'
filtered list with 100,000 shipments. Not a test: it prints a table and writes var/bench/tracking.json.

    .venv/bin/python bench/tracking.py [--shipments 10000] [--events 20] [--total 100000]
                                       [--poll-shipments 1000] [--keep-db]

What runs (all on this machine):
- a scratch PostgreSQL database (created, migrated, demo-seeded, dropped at the end) and Redis
  database 12 (flushed before and after);
- the JSON API alone (`portal.api:api`) under granian, 2 worker processes; a Celery worker and beat
  (so "shipment.changed" notices flow as in production); the local carrier server
  (services/logistics/carrier_server.py, unpaced) for the polling part.

Parts:
1. webhook: `--shipments` shipments x `--events` events, one signed POST per shipment (a DHL-shaped
   document with that shipment's events), 8 clients, closed loop; events/s.
2. raw baseline: the same event rows (same columns, same dedupe keys' shape) by batched
   `INSERT ... ON CONFLICT DO NOTHING`, one statement and transaction per shipment, 8 threads.
3. polling: `--poll-shipments` shipments whose journeys (`--events` events each) the carrier server
   serves; `services.logistics.polling.poll_carrier` (what beat's task runs) polls them one by one,
   in this process; events/s.
4. ingest-to-visible at 200 events/s: 10 POSTs a second of 20 events each (open loop) for 10 s; for
   each, the time from sending it to (a) another connection seeing its events in the timeline (a
   reader polling every 2 ms, so up to 2 ms late) and (b) the live "shipment.changed" notice on the
   Redis channel the open pages hear (when the deployment publishes it).
5. reads with `--total` shipments: `GET /api/v1/shipments/{id}` (timeline and ETA) for random
   ingested shipments, and `GET /api/v1/shipments` with the managers' filters (carrier, status,
   late), as the demo manager; p50/p95.

Targets (the issue, this 2-core machine): webhook ingest >= 30 % of the raw baseline;
ingest-to-visible p95 < 1 s at 200 events/s; timeline p95 < 20 ms; list p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import json
import os
import random
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
import redis  # noqa: E402

from bench.orders import (  # noqa: E402
    Connection,
    create_database,
    drop_database,
    fmt,
    percent,
    percentile,
    pg_url,
    start,
    start_api,
    start_worker,
    stop,
    wait_until,
)
from models.settings import DEMO_CARRIER_SECRET, PROJECT_ROOT  # noqa: E402

REDIS_BENCH_URL = os.environ.get("REDIS_BENCH_URL", "redis://127.0.0.1:6379/12")
CARRIER = "dhl"
POLLED_CARRIER = "railcargo"  # the polling part's shipments alone use it: its rounds ask only them
CARRIER_PORT = int(os.environ.get("BENCH_CARRIER_PORT", "8791"))
CLIENTS = 8
VISIBLE_RATE = 10  # POSTs per second, of 20 events each: 200 events/s
VISIBLE_SECONDS = 10
READS = 300
TARGETS = {"webhook_ratio": 0.30, "visible_p95_ms": 1000.0, "timeline_p95_ms": 20.0, "list_p95_ms": 150.0}
CODES = [
    ("pre-transit", "Shipment information received"),
    ("transit", "Departed from the facility"),
    ("transit", "Arrived at the sort facility"),
    ("transit", "Processed at the hub"),
    ("transit", "In transit"),
]
PLACES = [
    ("DE", "20457", "Hamburg"),
    ("DE", "80331", "Munich"),
    ("NL", "3011", "Rotterdam"),
    ("PL", "00-001", "Warsaw"),
]


# --------------------------------------------------------------------------------------------
# The world


def _columns(conn: psycopg.Connection, table: str) -> list[str]:
    return [
        row[0]
        for row in conn.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s AND column_name <> 'id' "
            "ORDER BY ordinal_position",
            (table,),
        )
    ]


def add_shipments(database: str, count: int, prefix: str, carrier: str = CARRIER) -> list[int]:
    """`count` in-transit shipments of `carrier` (each with its own order, cloned from a demo vehicle order,
    and one road leg), tracking numbers `<prefix><n>`; returns their ids."""
    with psycopg.connect(pg_url(database, "postgresql"), autocommit=True) as conn:
        template_order, template_shipment = conn.execute(
            "SELECT s.order_id, s.id FROM shipment s ORDER BY s.id LIMIT 1"
        ).fetchone()
        order_columns = _columns(conn, "sales_order")
        replaced = {
            "number": f"'{prefix}-' || g",
            "idempotency_key": f"'{prefix}-' || g",
            "test_drive_id": "NULL",
            "status": "'allocated'",
        }
        select_order = ", ".join(replaced.get(column, f"t.{column}") for column in order_columns)
        with conn.transaction():
            conn.execute("CREATE TEMP TABLE bench_new (g int, order_id int, shipment_id int)")
            conn.execute(
                f"WITH made AS (INSERT INTO sales_order ({', '.join(order_columns)}) "
                f"SELECT {select_order} FROM sales_order t, generate_series(1, %s) g WHERE t.id = %s "
                f"RETURNING id, number) "
                f"INSERT INTO bench_new (g, order_id) SELECT split_part(number, '-', 2)::int, id FROM made",
                (count, template_order),
            )
            shipment_columns = _columns(conn, "shipment")
            now = datetime.now(UTC)
            replaced = {
                "order_id": "n.order_id",
                "tracking_number": f"'{prefix}' || lpad(n.g::text, 8, '0')",
                "carrier": f"'{carrier}'",
                "tracking_status": (
                    "(ARRAY['in_transit','at_hub','out_for_delivery','exception'])[1 + n.g %% 4]"
                ),
                "status": "'in_transit'",
                "vin": "NULL",
                "carrier_reference": "NULL",
                "last_event_at": "%(now)s - (n.g %% 200) * interval '1 hour'",
                "promised_at": "%(now)s + ((n.g %% 40) - 10) * interval '1 day'",
                "eta": "%(now)s + ((n.g %% 30) - 5) * interval '1 day'",
                "eta_earliest": "NULL",
                "eta_latest": "NULL",
                "exception_reason": "CASE WHEN n.g %% 4 = 3 THEN 'delay' END",
                "created_at": "%(now)s - (n.g %% 300) * interval '1 hour'",
            }
            select_shipment = ", ".join(replaced.get(column, f"t.{column}") for column in shipment_columns)
            conn.execute(
                f"WITH made AS (INSERT INTO shipment ({', '.join(shipment_columns)}) "
                f"SELECT {select_shipment} FROM shipment t, bench_new n WHERE t.id = %(template)s "
                f"RETURNING id, order_id) "
                f"UPDATE bench_new n SET shipment_id = made.id FROM made WHERE made.order_id = n.order_id",
                {"now": now, "template": template_shipment},
            )
            conn.execute(
                "INSERT INTO shipment_leg (shipment_id, sequence, mode, carrier, tracking_number, origin, "
                "destination, lane, planned_hours, departed_at) "
                "SELECT n.shipment_id, 1, 'truck', %s, s.tracking_number, 'DE-HAM', 'DE-MUC', "
                "'DE-HAM>DE-MUC/truck', 30, %s FROM bench_new n JOIN shipment s ON s.id = n.shipment_id",
                (carrier, now - timedelta(days=2)),
            )
            ids = [row[0] for row in conn.execute("SELECT shipment_id FROM bench_new ORDER BY g")]
            conn.execute("DROP TABLE bench_new")
        conn.execute("ANALYZE")
    return ids


def tracking_numbers(database: str, ids: list[int]) -> dict[int, str]:
    with psycopg.connect(pg_url(database, "postgresql")) as conn:
        return dict(
            conn.execute("SELECT id, tracking_number FROM shipment WHERE id = ANY(%s)", (ids,)).fetchall()
        )


def journey(events: int, seed: int) -> list[dict]:
    """`events` DHL events an hour apart, the last one now-ish (distinct per `seed`)."""
    rng = random.Random(seed)
    base = datetime.now(UTC) - timedelta(hours=events + 1, seconds=seed % 3600)
    out = []
    for index in range(events):
        code, text = CODES[0] if index == 0 else rng.choice(CODES[1:])
        country, postcode, locality = rng.choice(PLACES)
        out.append(
            {
                "timestamp": (base + timedelta(hours=index)).isoformat(),
                "statusCode": code,
                "status": text,
                "description": f"{text} ({index + 1})",
                "location": {
                    "address": {"countryCode": country, "postalCode": postcode, "addressLocality": locality}
                },
            }
        )
    return out


def document(number: str, events: list[dict]) -> bytes:
    return json.dumps({"shipments": [{"id": number, "service": "freight", "events": events}]}).encode()


def signed_headers(body: bytes) -> dict[str, str]:
    from services.logistics.carriers import SIGNATURE_HEADER, sign_body

    return {SIGNATURE_HEADER: sign_body(DEMO_CARRIER_SECRET, body)}


# --------------------------------------------------------------------------------------------
# Parts


async def webhook_load(numbers: dict[int, str], events: int) -> dict:
    queue = list(numbers.items())
    latencies: list[float] = []
    counts = {"stored": 0, "requests": 0, "errors": 0}

    async def client() -> None:
        connection = Connection()
        try:
            while queue:
                shipment_id, number = queue.pop()
                body = document(number, journey(events, shipment_id))
                started = time.perf_counter()
                status, answer = await connection.request(
                    "POST", f"/api/v1/carriers/{CARRIER}/events", signed_headers(body), body
                )
                latencies.append((time.perf_counter() - started) * 1000)
                counts["requests"] += 1
                if status == 200:
                    counts["stored"] += json.loads(answer)["stored"]
                else:
                    counts["errors"] += 1
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        **counts,
        "seconds": round(elapsed, 2),
        "events_per_second": counts["stored"] / elapsed,
        "request_p50_ms": percentile(latencies, 50),
        "request_p95_ms": percentile(latencies, 95),
    }


RAW_EVENT = (
    "INSERT INTO shipment_event (shipment_id, leg_id, status, exception_reason, carrier, raw_code, raw_text, "
    "occurred_at, received_at, country, postcode, locality, latitude, longitude, source, dedupe_key) "
    "VALUES {values} ON CONFLICT DO NOTHING"
)


def raw_load(database: str, numbers: dict[int, str], events: int) -> dict:
    """The webhook's rows by hand: per shipment, one multi-row INSERT ... ON CONFLICT DO NOTHING of
    its events and the shipment's status update, in one transaction."""
    from services.logistics.statuses import normalise_dhl

    queue = list(numbers)
    stored = [0]
    lock = threading.Lock()
    row = "(%s, %s, %s, NULL, %s, %s, %s, %s, now(), %s, %s, %s, NULL, NULL, 'webhook', %s)"

    def thread() -> None:
        with psycopg.connect(pg_url(database, "postgresql")) as conn:
            legs = {}
            while True:
                with lock:
                    if not queue:
                        return
                    shipment_id = queue.pop()
                if not legs:
                    legs.update(conn.execute("SELECT shipment_id, id FROM shipment_leg").fetchall())
                params: list = []
                for event in journey(events, shipment_id + 10_000_000):
                    status = normalise_dhl(event["statusCode"], event["status"])
                    status = status[0] if isinstance(status, tuple) else status
                    address = event["location"]["address"]
                    key = hashlib.sha256(
                        f"{shipment_id}|raw|{event['timestamp']}|{event['description']}".encode()
                    )
                    params += [
                        shipment_id, legs.get(shipment_id), str(status), CARRIER, event["statusCode"],
                        event["description"], event["timestamp"], address["countryCode"],
                        address["postalCode"], address["addressLocality"], key.hexdigest(),
                    ]  # fmt: skip
                with conn.transaction():
                    cursor = conn.execute(RAW_EVENT.format(values=", ".join([row] * events)), params)
                    count = cursor.rowcount
                    conn.execute(
                        "UPDATE shipment SET last_event_at = now(), tracking_status = 'in_transit' "
                        "WHERE id = %s",
                        (shipment_id,),
                    )
                with lock:
                    stored[0] += count

    threads = [threading.Thread(target=thread) for _ in range(CLIENTS)]
    began = time.perf_counter()
    for each in threads:
        each.start()
    for each in threads:
        each.join()
    elapsed = time.perf_counter() - began
    return {"stored": stored[0], "seconds": round(elapsed, 2), "events_per_second": stored[0] / elapsed}


def poll_load(database: str, numbers: dict[int, str], events: int) -> dict:
    """Register each shipment's journey with the carrier server, then one polling round per batch
    (`poll_carrier`, as beat's task runs it) until every number was asked."""
    import httpx
    from sqlmodel import Session

    from models.db import engine_for
    from models.settings import DEMO_CARRIER_KEY, get_settings
    from services.logistics.carriers import adapter_for
    from services.logistics.polling import poll_carrier

    with httpx.Client(
        base_url=f"http://127.0.0.1:{CARRIER_PORT}", headers={"DHL-API-Key": DEMO_CARRIER_KEY}
    ) as client:
        for shipment_id, number in numbers.items():
            client.post(
                "/_sim/journeys",
                json={"trackingNumber": number, "events": journey(events, shipment_id), "pace": 0},
            ).raise_for_status()
    settings = get_settings()
    settings.carriers[POLLED_CARRIER].requests_per_minute = 1_000_000
    adapter = adapter_for(settings, POLLED_CARRIER)
    engine = engine_for(pg_url(database))
    stored = polled = rounds = 0
    began = time.perf_counter()
    with Session(engine) as session:
        while stored < len(numbers) * events and rounds < 100:
            result = poll_carrier(session, settings, POLLED_CARRIER, adapter)
            rounds += 1
            stored += result.stored
            polled += result.polled
            if result.stored == 0:
                break
    elapsed = time.perf_counter() - began
    adapter.close()
    return {
        "polled": polled,
        "stored": stored,
        "rounds": rounds,
        "seconds": round(elapsed, 2),
        "events_per_second": stored / elapsed if elapsed else 0.0,
    }


async def visible_load(database: str, numbers: dict[int, str], events: int) -> dict:
    """Open loop: VISIBLE_RATE POSTs a second; per POST, send -> seen by another connection, and
    send -> the live notice."""
    sent: dict[int, float] = {}
    seen_db: dict[int, float] = {}
    seen_live: dict[int, float] = {}
    stop_reading = threading.Event()
    pending = set(numbers)

    def reader() -> None:
        with psycopg.connect(pg_url(database, "postgresql"), autocommit=True) as conn:
            while not stop_reading.is_set():
                waiting = [shipment_id for shipment_id in list(sent) if shipment_id not in seen_db]
                if waiting:
                    for (shipment_id,) in conn.execute(
                        "SELECT DISTINCT shipment_id FROM shipment_event WHERE shipment_id = ANY(%s)",
                        (waiting,),
                    ).fetchall():
                        seen_db[shipment_id] = time.perf_counter()
                time.sleep(0.002)

    def listener() -> None:
        client = redis.Redis.from_url(REDIS_BENCH_URL)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        from models.settings import get_settings
        from services.platform.live import channel

        pubsub.subscribe(channel(get_settings().key_prefix))
        while not stop_reading.is_set():
            message = pubsub.get_message(timeout=0.1)
            if message is None:
                continue
            with contextlib.suppress(ValueError, TypeError):
                notice = json.loads(message["data"])
                if notice.get("topic") == "shipment.changed" and notice.get("shipment_id") in pending:
                    seen_live.setdefault(notice["shipment_id"], time.perf_counter())
        pubsub.close()
        client.close()

    threads = [threading.Thread(target=reader, daemon=True), threading.Thread(target=listener, daemon=True)]
    for each in threads:
        each.start()
    time.sleep(0.3)  # the subscription is up
    items = list(numbers.items())[: VISIBLE_RATE * VISIBLE_SECONDS]
    statuses: dict[int, int] = {}

    async def post(shipment_id: int, number: str) -> None:
        body = document(number, journey(events, shipment_id))
        connection = Connection()
        try:
            sent[shipment_id] = time.perf_counter()
            status, _ = await connection.request(
                "POST", f"/api/v1/carriers/{CARRIER}/events", signed_headers(body), body
            )
            statuses[status] = statuses.get(status, 0) + 1
        finally:
            connection.close()

    began = time.perf_counter()
    tasks = []
    for index, (shipment_id, number) in enumerate(items):
        delay = began + index / VISIBLE_RATE - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(post(shipment_id, number)))
    await asyncio.gather(*tasks)
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline and (len(seen_db) < len(items) or len(seen_live) < len(items)):
        await asyncio.sleep(0.05)
    stop_reading.set()
    for each in threads:
        each.join(timeout=2)
    db = sorted((seen_db[key] - sent[key]) * 1000 for key in seen_db if key in sent)
    live = sorted((seen_live[key] - sent[key]) * 1000 for key in seen_live if key in sent)
    return {
        "posts": len(items),
        "events_per_second": VISIBLE_RATE * events,
        "statuses": statuses,
        "visible_in_db": len(db),
        "db_p50_ms": percentile(db, 50),
        "db_p95_ms": percentile(db, 95),
        "live_notices": len(live),
        "live_p50_ms": percentile(live, 50),
        "live_p95_ms": percentile(live, 95),
    }


async def read_load(token: str, ids: list[int]) -> dict:
    headers = {"Authorization": f"Bearer {token}"}
    connection = Connection()
    timeline, listing = [], []
    queries = [
        "/api/v1/shipments?page=1&page_size=50",
        f"/api/v1/shipments?carrier={CARRIER}&page=1&page_size=50",
        "/api/v1/shipments?status=in_transit&page=1&page_size=50",
        "/api/v1/shipments?late=true&page=1&page_size=50",
        f"/api/v1/shipments?carrier={CARRIER}&status=exception&late=true&page=3&page_size=50",
    ]
    try:
        for path in queries:  # warm up
            await connection.request("GET", path, headers)
        for _ in range(READS):
            shipment_id = random.choice(ids)
            started = time.perf_counter()
            status, _ = await connection.request("GET", f"/api/v1/shipments/{shipment_id}", headers)
            timeline.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"timeline read answered {status}")
        for index in range(READS):
            started = time.perf_counter()
            status, body = await connection.request("GET", queries[index % len(queries)], headers)
            listing.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"list read answered {status}: {body[:200]!r}")
    finally:
        connection.close()
    timeline.sort()
    listing.sort()
    return {
        "timeline_p50_ms": percentile(timeline, 50),
        "timeline_p95_ms": percentile(timeline, 95),
        "list_p50_ms": percentile(listing, 50),
        "list_p95_ms": percentile(listing, 95),
        "list_queries": queries,
    }


def undispatched(database: str) -> int:
    """Outbox messages not relayed yet (the live notices queue behind them)."""
    with psycopg.connect(pg_url(database, "postgresql")) as conn:
        return conn.execute("SELECT count(*) FROM outbox_message WHERE dispatched_at IS NULL").fetchone()[0]


def sign_in_manager() -> str:
    from services.seed import DEMO_PASSWORD

    async def ask():
        connection = Connection()
        try:
            return await connection.request(
                "POST",
                "/api/v1/auth/token",
                body=json.dumps({"email": "manager@demo.test", "password": DEMO_PASSWORD}).encode(),
            )
        finally:
            connection.close()

    status, body = asyncio.run(ask())
    if status != 200:
        raise RuntimeError(f"sign-in failed: {status} {body[:200]!r}")
    return json.loads(body)["access_token"]


# --------------------------------------------------------------------------------------------
# Report and main


def report(result: dict) -> None:
    webhook, raw, poll = result["webhook"], result["raw"], result["poll"]
    ratio = webhook["events_per_second"] / raw["events_per_second"] if raw["events_per_second"] else None
    result["webhook_ratio"] = ratio
    print(f"\n1-minute load average before each part: {result['meta']['load_average_1min']}")
    print("\nIngest (events/s)")
    print(f"{'path':<34}{'events':>9}{'seconds':>9}{'events/s':>10}{'vs raw':>8}")
    print(
        f"{'webhook (8 clients, 1 POST/shipment)':<34}{webhook['stored']:>9}{webhook['seconds']:>9}"
        f"{webhook['events_per_second']:>10.0f}{percent(ratio):>8}"
    )
    print(
        f"{'raw INSERT .. ON CONFLICT (8 thr.)':<34}{raw['stored']:>9}{raw['seconds']:>9}"
        f"{raw['events_per_second']:>10.0f}"
    )
    poll_ratio = poll["events_per_second"] / raw["events_per_second"] if raw["events_per_second"] else None
    print(
        f"{'polling (one poller, sequential)':<34}{poll['stored']:>9}{poll['seconds']:>9}"
        f"{poll['events_per_second']:>10.0f}{percent(poll_ratio):>8}"
    )
    print(
        f"webhook request p50 {fmt(webhook['request_p50_ms'])} ms, p95 {fmt(webhook['request_p95_ms'])} ms; "
        f"errors {webhook['errors']}"
    )
    visible = result["visible"]
    print(
        f"\nIngest to visible at {visible['events_per_second']} events/s "
        f"({visible['posts']} POSTs, {visible['statuses']})"
    )
    print(
        f"  seen by another connection: {visible['visible_in_db']} of {visible['posts']}, "
        f"p50 {fmt(visible['db_p50_ms'])} ms, p95 {fmt(visible['db_p95_ms'])} ms"
    )
    print(
        f"  live notice on Redis:       {visible['live_notices']} of {visible['posts']}, "
        f"p50 {fmt(visible['live_p50_ms'])} ms, p95 {fmt(visible['live_p95_ms'])} ms"
    )
    reads = result["reads"]
    print(
        f"\nReads with {result['meta']['shipments_total']:,} shipments (as the demo manager, through the API)"
    )
    print(f"  timeline  p50 {fmt(reads['timeline_p50_ms'])} ms, p95 {fmt(reads['timeline_p95_ms'])} ms")
    print(
        f"  list      p50 {fmt(reads['list_p50_ms'])} ms, p95 {fmt(reads['list_p95_ms'])} ms "
        f"({len(reads['list_queries'])} kinds of filter)"
    )
    print(f"\ntargets: {TARGETS}")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shipments", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--total", type=int, default=100_000, help="shipments in the database for the reads")
    parser.add_argument("--poll-shipments", type=int, default=1_000)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()

    var_dir = PROJECT_ROOT / "var" / "bench" / f"tracking-{datetime.now(UTC):%Y%m%d-%H%M%S}"
    var_dir.mkdir(parents=True, exist_ok=True)
    database = create_database()
    database_url = pg_url(database)
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=REDIS_BENCH_URL,
        VAR_DIR=str(var_dir),
        CARRIER_SERVER_PORT=str(CARRIER_PORT),
        PYTHONDONTWRITEBYTECODE="1",
    )
    os.environ.update(
        {key: env[key] for key in ("DATABASE_URL", "REDIS_URL", "VAR_DIR", "CARRIER_SERVER_PORT")}
    )
    from models.settings import get_settings

    get_settings.cache_clear()
    bench_redis = redis.Redis.from_url(REDIS_BENCH_URL)
    bench_redis.flushdb()
    api = worker = beat = carrier = None
    loads: dict[str, float] = {"start": round(os.getloadavg()[0], 2)}
    try:
        from models.db import engine_for
        from models.migrate import upgrade
        from services.seed import seed

        print(f"scratch database {database}; seeding the demo world ...", flush=True)
        upgrade(database_url)
        seed(engine_for(database_url), "demo", supply_history=False)
        engine_for(database_url).dispose()
        started = time.perf_counter()
        webhook_ids = add_shipments(database, args.shipments, "BW")
        raw_ids = add_shipments(database, args.shipments, "BR")
        poll_ids = add_shipments(database, args.poll_shipments, "BP", POLLED_CARRIER)
        visible_ids = add_shipments(database, VISIBLE_RATE * VISIBLE_SECONDS, "BV")
        print(f"  shipments added in {time.perf_counter() - started:.0f} s", flush=True)
        api = start_api(env, var_dir)
        worker, beat = start_worker(env, var_dir)
        carrier = start(
            [
                sys.executable,
                "-m",
                "services.logistics.carrier_server",
                "--port",
                str(CARRIER_PORT),
                "--pace",
                "0",
            ],
            env,
            var_dir / "carrier.log",
        )
        wait_until(
            lambda: __import__("httpx").get(f"http://127.0.0.1:{CARRIER_PORT}/health").status_code == 200,
            30,
            "carrier server",
        )

        loads["webhook"] = round(os.getloadavg()[0], 2)
        print(f"part 1: webhook, {args.shipments} x {args.events} events ...", flush=True)
        webhook = asyncio.run(webhook_load(tracking_numbers(database, webhook_ids), args.events))
        loads["raw"] = round(os.getloadavg()[0], 2)
        print("part 2: raw baseline ...", flush=True)
        raw = raw_load(database, dict.fromkeys(raw_ids, ""), args.events)
        stop(beat)
        stop(worker)  # the relay would compete with the poller for the cores
        worker = beat = None
        loads["poll"] = round(os.getloadavg()[0], 2)
        print(f"part 3: polling, {args.poll_shipments} shipments ...", flush=True)
        poll = poll_load(database, tracking_numbers(database, poll_ids), args.events)
        worker, beat = start_worker(env, var_dir)
        print("  letting the worker relay the earlier parts' notices first ...", flush=True)
        wait_until(lambda: undispatched(database) == 0, 600, "the outbox backlog")
        loads["visible"] = round(os.getloadavg()[0], 2)
        print("part 4: ingest to visible at 200 events/s ...", flush=True)
        visible = asyncio.run(visible_load(database, tracking_numbers(database, visible_ids), args.events))
        stop(beat)
        stop(worker)
        worker = beat = None
        have = sum(len(ids) for ids in (webhook_ids, raw_ids, poll_ids, visible_ids)) + 48
        if args.total > have:
            print(f"  adding {args.total - have:,} shipments for the reads ...", flush=True)
            add_shipments(database, args.total - have, "BX")
        loads["reads"] = round(os.getloadavg()[0], 2)
        print("part 5: reads ...", flush=True)
        token = sign_in_manager()
        reads = asyncio.run(read_load(token, webhook_ids))
        with psycopg.connect(pg_url(database, "postgresql")) as conn:
            total = conn.execute("SELECT count(*) FROM shipment").fetchone()[0]
            events_total = conn.execute("SELECT count(*) FROM shipment_event").fetchone()[0]
        result = {
            "meta": {
                "when": datetime.now(UTC).isoformat(timespec="seconds"),
                "cpus": os.cpu_count(),
                "server": "granian --interface asgi --workers 2 portal.api:api",
                "load_average_1min": loads,
                "shipments_total": total,
                "events_total": events_total,
            },
            "targets": TARGETS,
            "webhook": webhook,
            "raw": raw,
            "poll": poll,
            "visible": visible,
            "reads": reads,
        }
        report(result)
        out = PROJECT_ROOT / "var" / "bench" / "tracking.json"
        out.write_text(json.dumps(result, indent=2, default=str))
        print(f"\nwritten: {out.relative_to(PROJECT_ROOT)}")
        return 0
    finally:
        for process in (carrier, beat, worker, api):
            stop(process)
        bench_redis.flushdb()
        if not args.keep_db:
            drop_database(database)


if __name__ == "__main__":
    sys.exit(main())
