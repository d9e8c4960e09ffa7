"""The shipment list's and the exceptions queue's query plans with 100,000 shipments on PostgreSQL
(a scratch database, dropped after): EXPLAIN ANALYZE of the manager's and a dealer's list queries
as services/logistics/views.py builds them. Prints each plan's top line and execution time.

    .venv/bin/python bench/shipment_list_plans.py [--keep-indexes-off]
"""

from __future__ import annotations

import os
import sys
import time
import uuid
from datetime import timedelta

import psycopg
from sqlalchemy import text
from sqlmodel import Session

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ADMIN = os.environ.get("PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
N = 100_000


def main() -> None:
    name = f"bench_lists_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("VAR_DIR", f"/tmp/{name}")
    try:
        run(url, drop="--without-indexes" in sys.argv)
    finally:
        from models.db import get_engine

        get_engine().dispose()
        with psycopg.connect(ADMIN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(url: str, drop: bool) -> None:
    from models.db import get_engine
    from models.migrate import upgrade
    from models.types import utcnow
    from services.catalog.lists import Page
    from services.logistics import exceptions, views
    from tests.logistics_world import build_world

    upgrade(url)
    engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        world = build_world(session)
        shipment = world.shipments["dealer_a"]
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sales_order (kind, number, buyer_organisation_id, buyer_user_id,"
                " buyer_location_id,"
                " seller_organisation_id, source_location_id, status, currency, total, idempotency_key,"
                " request_fingerprint, hold_expires_at, created_at, updated_at)"
                " SELECT o.kind, 'SB-' || lpad(g::text, 8, '0'), o.buyer_organisation_id, o.buyer_user_id,"
                " o.buyer_location_id, o.seller_organisation_id, o.source_location_id, o.status, o.currency,"
                " o.total, 'bench-' || g, o.request_fingerprint, o.hold_expires_at, o.created_at,"
                " o.updated_at"
                " FROM sales_order o, generate_series(1, :n) g WHERE o.id = :order"
            ),
            {"n": N, "order": shipment.order_id},
        )
        stores = [world.stores["dealer_a"].id, world.stores["dealer_b"].id]
        conn.execute(
            text(
                "INSERT INTO shipment (order_id, from_location_id, to_location_id, status, created_at,"
                " tracking_number, carrier, tracking_status, promised_at, eta, last_event_at,"
                " promise_at_risk)"
                " SELECT o.id, :src, CASE WHEN o.id % 10 = 0 THEN :a ELSE :b END, 'created', now(),"
                " 'BN' || lpad(o.id::text, 12, '0'),"
                " (ARRAY['dhl','railcargo','seaco','truckit'])[1 + o.id % 4],"
                " (ARRAY['in_transit','at_hub','delivered','handed_over','pending','exception'])"
                " [1 + o.id % 6],"
                " now() + ((o.id % 40) - 5) * interval '1 day', now() + ((o.id % 37) - 3) * interval '1 day',"
                " now() - (o.id % 96) * interval '1 hour', false"
                " FROM sales_order o WHERE o.number LIKE 'SB-%'"
            ),
            {"src": world.warehouse.id, "a": stores[0], "b": stores[1]},
        )
        conn.execute(
            text(
                "INSERT INTO shipment_leg (shipment_id, sequence, mode, carrier, tracking_number, origin,"
                " destination, lane, planned_hours)"
                " SELECT s.id, 1, 'truck', s.carrier, 'LB' || s.id, 'CN-SHA', 'DE-HAM',"
                " 'CN-SHA>DE-HAM/' || (ARRAY['sea','rail','truck'])[1 + s.id % 3] || '/' || (s.id % 20), 48"
                " FROM shipment s WHERE s.tracking_number LIKE 'BN%'"
            )
        )
        if drop:
            for index in ("ix_shipment_to_location", "ix_shipment_carrier_id", "ix_shipment_open_promise"):
                conn.execute(text(f"DROP INDEX {index}"))
        conn.execute(text("ANALYZE"))
    print(
        f"inserted {N} shipments in {time.perf_counter() - started:.1f}s; indexes {'off' if drop else 'on'}"
    )

    now = utcnow()
    cases = {
        "manager, newest": (world.principals["manager"], {}),
        "manager, carrier=railcargo": (world.principals["manager"], {"carrier": "railcargo"}),
        "manager, late": (world.principals["manager"], {"late": True}),
        "manager, lane": (world.principals["manager"], {"lane": "CN-SHA>DE-HAM/sea/3"}),
        "manager, q=tracking number": (world.principals["manager"], {"query": "BN000000050001"}),
        "manager, q=order prefix": (world.principals["manager"], {"query": "SB-0005"}),
        "manager, sort=promise": (world.principals["manager"], {"sort": "promise"}),
        "dealer A (10 %), newest": (world.principals["dealer_a"], {}),
    }
    captured: list = []
    with Session(engine) as session:
        from sqlalchemy import event

        def capture(conn, cursor, statement, parameters, context, executemany):
            captured.append((statement, parameters))

        for label, (principal, filters) in cases.items():
            captured.clear()
            event.listen(engine, "before_cursor_execute", capture)
            views.list_shipments(session, principal, Page(1, 25), **filters)
            event.remove(engine, "before_cursor_execute", capture)
            for kind, (statement, parameters) in zip(("count", "page"), captured, strict=False):
                raw = session.connection().connection.dbapi_connection
                with raw.cursor() as cursor:
                    cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
                    plan = [row[0] for row in cursor.fetchall()]
                execution = next(line for line in plan if line.startswith("Execution Time"))
                scans = sorted(
                    {
                        line.strip().split(" on ")[0].lstrip("-> ")
                        + " on "
                        + line.strip().split(" on ")[1].split()[0]
                        for line in plan
                        if " on " in line and "Scan" in line
                    }
                )
                print(f"{label:32} {kind:5} {execution:28} {'; '.join(scans)}")
        started = time.perf_counter()
        queue = exceptions.exceptions_queue(session, world.principals["manager"], now=now + timedelta(0))
        print(f"exceptions queue: {len(queue)} entries in {(time.perf_counter() - started) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
