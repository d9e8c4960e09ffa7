"""Benchmark: the KPI dashboard on PostgreSQL over a year of orders.

    .venv/bin/python bench/kpis.py [--orders 300000] [--rebuild] [--filters 50]

Builds (once) a PostgreSQL database `portal_bench_kpis`: migrations, the demo seed (dealers, stores,
parts, trims, stock, FX rates) and `--orders` sales orders over the last 12 months (bulk COPY: one or
two lines each, dealer and customer orders, CNY/EUR/USD, 85 % paid or allocated, 5 % cancelled, some
refunded). The issue's figure is 3,000,000 orders; the default is smaller so a run fits a shared
2-core machine, and the row counts are printed beside the timings.

Then measures, prints as a table and writes as JSON (var/bench/kpis.json):
- full rebuild of the facts (target < 5 min at 3 M orders);
- tile values for `--filters` random filters: cold (computed from the facts) and warm (cached), p50/p95
  (targets: warm p95 < 50 ms, cold p95 < 500 ms);
- the baseline: GMV and orders straight from the order tables with one hand-written SQL query for the
  same filters, p50/p95 (cold should be at least 20x faster than the full baseline of every tile; only
  the GMV query is measured here, so the ratio printed is a lower bound of the real one);
- the incremental refresh after 1,000 new orders (target: visible < 10 s).
Timing figures live here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import Location, Organisation, Part, SalesOrder, StockLevel, User  # noqa: E402
from models.db import engine_for  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.settings import get_settings  # noqa: E402
from services.analytics import facts  # noqa: E402
from services.analytics.filters import parse_filter  # noqa: E402
from services.analytics.tiles import compute_tiles, dashboard  # noqa: E402
from services.identity.auth import principal_for  # noqa: E402
from services.seed import seed  # noqa: E402
from services.seed.bulk import BulkWriter  # noqa: E402

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"
DATABASE = "portal_bench_kpis"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _ensure_database(rebuild: bool) -> tuple[str, bool]:
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone()
        if exists and rebuild:
            conn.execute(f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{DATABASE}", not exists


def _write_orders(session: Session, count: int, now: datetime, rng: random.Random, start_id: int = 0) -> int:
    """`count` orders over the year before `now` (or, with start_id, in the last hour)."""
    dealers = session.execute(
        select(Location.id, Location.organisation_id).join(Organisation).where(Organisation.kind == "dealer")
    ).all()
    warehouse = session.execute(
        select(Location.id, Location.organisation_id).where(Location.kind == "warehouse")
    ).first()
    buyers = dict(
        session.execute(select(User.organisation_id, func.min(User.id)).group_by(User.organisation_id)).all()
    )
    stock = session.execute(
        select(StockLevel.id, StockLevel.part_id, Part.list_price)
        .join(Part)
        .where(StockLevel.location_id == warehouse.id)
        .limit(2000)
    ).all()
    first_id = session.execute(select(func.coalesce(func.max(SalesOrder.id), 0))).scalar_one() + 1
    orders, lines, payments = [], [], []
    for n in range(count):
        order_id = first_id + n
        store_id, dealer_id = rng.choice(dealers)
        age = (
            timedelta(minutes=rng.randint(0, 59))
            if start_id
            else timedelta(seconds=rng.randint(0, 365 * 86400))
        )
        created = now - age
        status = rng.choices(["allocated", "paid", "cancelled", "pending_payment"], [80, 5, 5, 10])[0]
        currency = rng.choices(["CNY", "EUR", "USD"], [80, 12, 8])[0]
        picks = rng.sample(stock, rng.choice([1, 2]))
        total = 0
        for line_no, (stock_id, part_id, price) in enumerate(picks, start=1):
            quantity = rng.randint(1, 6)
            lines.append(
                (
                    order_id,
                    line_no,
                    part_id,
                    stock_id,
                    f"P{part_id}",
                    "part",
                    quantity,
                    price,
                    currency,
                    price * quantity,
                )
            )
            total += price * quantity
        orders.append(
            (
                order_id,
                f"SO-B{order_id}",
                "dealer_purchase",
                dealer_id,
                buyers[dealer_id],
                store_id,
                warehouse.organisation_id,
                warehouse.id,
                status,
                currency,
                total,
                f"bench-{order_id}",
                "x" * 64,
                created + timedelta(minutes=15),
                created,
                created,
            )
        )
        if status in ("allocated", "paid"):
            payments.append(
                (
                    order_id,
                    f"bench-pay-{order_id}",
                    total,
                    currency,
                    "captured",
                    created + timedelta(minutes=rng.randint(1, 30)),
                    created,
                    created,
                )
            )
    writer = BulkWriter(session.connection())
    writer.insert(
        SalesOrder.__table__,
        (
            "id",
            "number",
            "kind",
            "buyer_organisation_id",
            "buyer_user_id",
            "buyer_location_id",
            "seller_organisation_id",
            "source_location_id",
            "status",
            "currency",
            "total",
            "idempotency_key",
            "request_fingerprint",
            "hold_expires_at",
            "created_at",
            "updated_at",
        ),
        orders,
    )
    from models import Payment, SalesOrderLine

    writer.insert(
        SalesOrderLine.__table__,
        (
            "order_id",
            "line_no",
            "part_id",
            "stock_level_id",
            "item_code",
            "item_name",
            "quantity",
            "unit_price",
            "currency",
            "line_total",
        ),
        lines,
    )
    writer.insert(
        Payment.__table__,
        (
            "order_id",
            "idempotency_key",
            "amount",
            "currency",
            "status",
            "captured_at",
            "created_at",
            "updated_at",
        ),
        payments,
    )
    session.execute(text("SELECT setval('sales_order_id_seq', (SELECT max(id) FROM sales_order))"))
    return count


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _filters(session: Session, rng: random.Random, count: int, today) -> list:
    dealer_ids = list(session.execute(select(Organisation.id).where(Organisation.kind == "dealer")).scalars())
    categories = list(session.execute(select(Part.category).distinct()).scalars())
    out = []
    for _ in range(count):
        params = {
            "period": rng.choice(["week", "month", "quarter"]),
            "day": (today - timedelta(days=rng.randint(0, 300))).isoformat(),
        }
        if rng.random() < 0.5:
            params["dealer"] = str(rng.choice(dealer_ids))
        if rng.random() < 0.3:
            params["category"] = rng.choice(categories)
        out.append(parse_filter(params, today=today))
    return out


_BASELINE = text("""
    SELECT count(*), sum(o.total * coalesce((SELECT r.rate FROM fx_rate r WHERE r.currency = o.currency
           AND r.day <= (o.created_at AT TIME ZONE 'Asia/Shanghai')::date ORDER BY r.day DESC LIMIT 1), 1))
    FROM sales_order o JOIN payment p ON p.order_id = o.id
    LEFT JOIN refund f ON f.payment_id = p.id
    WHERE o.created_at >= :start AND o.created_at < :end
      AND o.status IN ('paid', 'allocated') AND f.id IS NULL
      AND (CAST(:dealer AS integer) IS NULL OR o.buyer_organisation_id = CAST(:dealer AS integer))
""")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=300_000)
    parser.add_argument("--filters", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    url, fresh = _ensure_database(args.rebuild)
    import os

    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    engine = engine_for(url)
    rng = random.Random(2026)
    now = datetime.now(UTC)
    if fresh:
        _say("migrating and seeding")
        upgrade(url)
        seed(engine, "demo", supply_history=False, logistics_history=False, showroom=False)
        with Session(engine) as session:
            _say(f"writing {args.orders} orders")
            _write_orders(session, args.orders, now, rng)
            session.commit()
    results: dict = {}
    with Session(engine) as session:
        results["orders"] = session.execute(select(func.count()).select_from(SalesOrder)).scalar_one()
        began = time.perf_counter()
        rebuilt = facts.rebuild(session)
        session.commit()
        results["full_rebuild_s"] = round(time.perf_counter() - began, 2)
        results["fact_rows"] = rebuilt["order_rows"] + rebuilt["line_rows"]
        manager_user = session.execute(select(User).where(User.role == "manager")).scalars().first()
        manager = principal_for(manager_user, session.get(Organisation, manager_user.organisation_id))
        filters = _filters(session, rng, args.filters, now.date())
    cold, warm, baseline = [], [], []
    for flt in filters:
        with Session(engine) as session:
            began = time.perf_counter()
            compute_tiles(session, manager, flt)
            cold.append(time.perf_counter() - began)
            dashboard(session, manager, flt)  # stores it
            session.commit()
        with Session(engine) as session:
            began = time.perf_counter()
            dashboard(session, manager, flt)
            warm.append(time.perf_counter() - began)
            start, end = facts.day_bounds(flt.first, flt.last)
            began = time.perf_counter()
            session.execute(_BASELINE, {"start": start, "end": end, "dealer": flt.dealer_id}).one()
            baseline.append(time.perf_counter() - began)
    for name, values in (("cold", cold), ("warm", warm), ("baseline_gmv_sql", baseline)):
        results[f"{name}_p50_ms"] = round(_percentile(values, 0.5) * 1000, 1)
        results[f"{name}_p95_ms"] = round(_percentile(values, 0.95) * 1000, 1)
    with Session(engine) as session:
        _write_orders(session, 1000, now, rng, start_id=1)
        session.commit()
        began = time.perf_counter()
        facts.refresh_changed(session)
        session.commit()
        results["incremental_1000_orders_s"] = round(time.perf_counter() - began, 2)
    out = get_settings().var_dir / "bench" / "kpis.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    width = max(len(key) for key in results)
    for key, value in results.items():
        print(f"{key.ljust(width)}  {value}")
    print(f"(written to {out}; mean cold {statistics.mean(cold) * 1000:.1f} ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
