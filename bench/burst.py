"""A burst of concurrent buyers against a running portal (`make run` in services mode): every buyer
places one order through the JSON API at the same moment; prints the answers by status code.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/portal \\
        .venv/bin/python bench/burst.py [--base http://localhost:3000] [--buyers 200]

Within the connection budget (README, "Connection budget") the portal answers 201 (placed), 409
(out of stock) or 503 with Retry-After (no database connection free within DB_POOL_TIMEOUT_SECONDS);
a 500 is a fault. Not a test: it signs in the demo dealer, reads its store from the database and
orders the first part of the catalogue, one unit per buyer. Writes var/bench/burst.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.db import libpq_dsn  # noqa: E402
from models.settings import get_settings  # noqa: E402
from services.seed import DEMO_PASSWORD  # noqa: E402

DEALER = "dealer@demo.test"


def dealer_store(database_url: str) -> int:
    with psycopg.connect(libpq_dsn(database_url)) as conn:
        return conn.execute(
            "SELECT l.id FROM user_account u JOIN location l ON l.organisation_id = u.organisation_id "
            "WHERE u.email = %s ORDER BY l.id LIMIT 1",
            (DEALER,),
        ).fetchone()[0]


async def burst(base: str, buyers: int, store_id: int) -> tuple[Counter, dict[int, float], float]:
    limits = httpx.Limits(max_connections=buyers, max_keepalive_connections=buyers)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        signed_in = await client.post("/api/v1/auth/token", json={"email": DEALER, "password": DEMO_PASSWORD})
        signed_in.raise_for_status()
        auth = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
        parts = await client.get("/api/v1/parts", params={"page_size": 1}, headers=auth)
        parts.raise_for_status()
        sku = parts.json()["items"][0]["sku"]
        run = uuid.uuid4().hex[:8]
        slowest: dict[int, float] = {}

        async def buy(number: int) -> int:
            started = time.perf_counter()
            answer = await client.post(
                "/api/v1/orders",
                headers={**auth, "Idempotency-Key": f"burst-{run}-{number}"},
                json={
                    "lines": [{"item_kind": "part", "sku": sku, "quantity": 1}],
                    "buyer_location_id": store_id,
                },
            )
            took = time.perf_counter() - started
            slowest[answer.status_code] = max(slowest.get(answer.status_code, 0.0), took)
            if answer.status_code == 503 and "Retry-After" not in answer.headers:
                print("a 503 without Retry-After", file=sys.stderr)
            return answer.status_code

        started = time.perf_counter()
        statuses = await asyncio.gather(*(buy(number) for number in range(buyers)))
        return Counter(statuses), slowest, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=f"http://localhost:{get_settings().app_port}")
    parser.add_argument("--buyers", type=int, default=200)
    args = parser.parse_args()
    settings = get_settings()
    counts, slowest, elapsed = asyncio.run(burst(args.base, args.buyers, dealer_store(settings.database_url)))
    print(f"{args.buyers} buyers at once against {args.base}: {elapsed:.2f} s")
    print("| status | answers | slowest |\n| --- | --- | --- |")
    for status in sorted(counts):
        print(f"| {status} | {counts[status]} | {slowest[status] * 1000:.0f} ms |")
    out = settings.var_dir / "bench" / "burst.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "buyers": args.buyers,
                "elapsed_seconds": elapsed,
                "by_status": {str(k): v for k, v in sorted(counts.items())},
            },
            indent=2,
        )
    )
    return 1 if counts.get(500) else 0


if __name__ == "__main__":
    sys.exit(main())
