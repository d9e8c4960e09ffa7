"""Benchmark: the KPI dashboard on PostgreSQL over a year of orders.

    .venv/bin/python bench/kpis.py [--orders 3000000] [--rebuild] [--filters 50]

Builds (once) a PostgreSQL database `portal_bench_kpis`: migrations, the demo seed (dealers, stores,
parts, trims, stock, FX rates) and the large seed's twelve months of sales history
(services/seed/sales_history.py: `--orders` orders, 3,000,000 by default, the brief's 100,000 a day
for a month's worth, with payments, refunds and deliveries; COPY). Row counts are printed beside
the timings.

Then measures, prints as a table and writes as JSON (var/bench/kpis.json):
- full rebuild of the facts (target < 5 min at 3 M orders);
- tile values for `--filters` random filters: cold (computed from the facts) and warm (cached), p50/p95
  (targets: warm p95 < 50 ms, cold p95 < 500 ms);
- the baseline: the same figures straight from the order tables, one hand-written SQL query per tile
  and period (value, previous period, last year) for the same filters, p50/p95 of the sum per filter
  (target: cold at least 20x faster); the tiles that read no facts (stock, scorecards, incidents,
  funnel) compute the same way on both sides and are timed once, inside cold;
- a figure's rows for each filter: the first page of 50 orders, lines and stock rows and the last
  page of the orders, p50/p95 (the database picks and counts the page);
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
from services.analytics import drilldown, facts  # noqa: E402
from services.analytics.filters import parse_filter  # noqa: E402
from services.analytics.tiles import compute_tiles, dashboard  # noqa: E402
from services.catalog.lists import Page  # noqa: E402
from services.identity.auth import principal_for  # noqa: E402
from services.seed import seed  # noqa: E402
from services.seed.bulk import BulkWriter  # noqa: E402
from services.seed.sales_history import LARGE_ORDERS, seed_sales_history  # noqa: E402

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


# The baseline: each fact tile's figure for the three periods straight from the order tables, one
# hand-written query per tile (what a dashboard without fact tables runs). Same rules as the facts:
# standing = paid or allocated without a refund; the store's dealer; the rate of the order's day.
_BASE_FROM = """
    FROM (VALUES ('value', CAST(:s0 AS timestamptz), CAST(:e0 AS timestamptz)),
                 ('previous', CAST(:s1 AS timestamptz), CAST(:e1 AS timestamptz)),
                 ('last_year', CAST(:s2 AS timestamptz), CAST(:e2 AS timestamptz))) AS pr(name, s, e)
    JOIN sales_order o ON o.created_at >= pr.s AND o.created_at < pr.e
    JOIN location b ON b.id = o.buyer_location_id
    LEFT JOIN payment p ON p.order_id = o.id
    LEFT JOIN refund r ON r.payment_id = p.id
    LEFT JOIN LATERAL (SELECT f.rate FROM fx_rate f WHERE f.currency = o.currency
                       AND f.day <= (o.created_at AT TIME ZONE 'Asia/Shanghai')::date
                       ORDER BY f.day DESC LIMIT 1) x ON o.currency <> 'CNY'
    {lines}
    WHERE o.status IN ('paid', 'allocated') AND r.id IS NULL
      AND (CAST(:dealer AS integer) IS NULL OR b.organisation_id = CAST(:dealer AS integer))
      {line_where}
    GROUP BY pr.name
"""
_LINES = "JOIN sales_order_line l ON l.order_id = o.id LEFT JOIN part pt ON pt.id = l.part_id"
_CATEGORY = "AND pt.category = :category"
_DELIVERED = """LEFT JOIN LATERAL (SELECT min(e.occurred_at) AS at FROM shipment s
    JOIN shipment_event e ON e.shipment_id = s.id
    WHERE s.order_id = o.id AND e.status IN ('delivered', 'handed_over')) d ON TRUE"""
_RATE = "coalesce(x.rate, 1)"
_BASELINE_TILES = {
    "gmv": ("sum(round(o.total * {rate}, 2))", "sum(round(l.line_total * {rate}, 2))"),
    "orders": ("count(*)", "count(DISTINCT o.id)"),
    "average_order_value": (
        "sum(round(o.total * {rate}, 2)) / nullif(count(*), 0)",
        "sum(round(l.line_total * {rate}, 2)) / nullif(count(DISTINCT o.id), 0)",
    ),
    "order_to_paid_hours": (
        "avg(greatest(0, floor(extract(epoch FROM p.captured_at - o.created_at) / 60))) / 60",
        None,
    ),
    "paid_to_delivered_hours": (
        "avg(greatest(0, floor(extract(epoch FROM d.at - p.captured_at) / 60))) / 60",
        None,
    ),
    "fill_rate": (
        None,
        "100.0 * coalesce(sum(l.quantity) FILTER (WHERE o.status = 'allocated'), 0)"
        " / nullif(sum(l.quantity), 0)",
    ),
}


def _baseline_queries(flt) -> list[tuple[str, dict]]:
    """The tiles' queries for `flt` with their parameters (bounds of the three periods)."""
    periods = (flt, flt.previous().first_days(flt.days), flt.last_year().first_days(flt.days))
    params: dict = {"dealer": flt.dealer_id, "category": flt.category}
    for n, period in enumerate(periods):
        params[f"s{n}"], params[f"e{n}"] = facts.day_bounds(period.first, period.last)
    queries = []
    for key, (order_level, line_level) in _BASELINE_TILES.items():
        use_lines = flt.category is not None or order_level is None
        expression = (line_level if use_lines and line_level else order_level).format(rate=_RATE)
        joins = (_LINES if use_lines else "") + (" " + _DELIVERED if key == "paid_to_delivered_hours" else "")
        where = _CATEGORY if flt.category is not None and use_lines else ""
        if flt.category is not None and not use_lines:  # orders with a line of the category
            where = (
                "AND EXISTS (SELECT 1 FROM sales_order_line l JOIN part pt ON pt.id = l.part_id "
                "WHERE l.order_id = o.id AND pt.category = :category)"
            )
        sql = f"SELECT pr.name, {expression} " + _BASE_FROM.format(lines=joins, line_where=where)
        queries.append((sql, params))
    return queries


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=LARGE_ORDERS)
    parser.add_argument("--filters", type=int, default=50)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--baseline-filters",
        type=int,
        default=15,
        help="how many of the filters also run the SQL baseline (each takes seconds to a minute)",
    )
    args = parser.parse_args()
    url, fresh = _ensure_database(args.rebuild)
    import os

    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    engine = engine_for(url)
    rng = random.Random(2026)
    now = datetime.now(UTC)
    upgrade(url)  # at head already: nothing to do
    if fresh:
        _say("seeding")
        seed(
            engine, "demo", supply_history=False, logistics_history=False, showroom=False, sales_history=False
        )
        with Session(engine) as session:
            _say(f"writing {args.orders} orders")
            began = time.perf_counter()
            seed_sales_history(
                session,
                rng_seed=2026,
                now=now.replace(hour=0, minute=0, second=0, microsecond=0),
                orders=args.orders,
                progress=_say,
            )
            _say(f"history written in {time.perf_counter() - began:.0f} s")
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
    cold, warm, baseline, ratios, ratio_filters = [], [], [], [], []
    drill_kinds = ("orders_first", "orders_last", "lines_first", "stock_first")
    drill: dict[str, list[float]] = {name: [] for name in drill_kinds}
    drill_rows: list[int] = []
    for flt in filters:
        with Session(engine) as session:
            began = time.perf_counter()
            compute_tiles(session, manager, flt)
            cold.append(time.perf_counter() - began)
            dashboard(session, manager, flt)  # stores it
            session.commit()
        with Session(engine) as session:  # a figure's rows: the first page and the last
            for kind in ("orders", "lines", "stock"):
                began = time.perf_counter()
                first = drilldown.page_of_rows(session, manager, flt, kind, Page(1, 50))
                drill[f"{kind}_first"].append(time.perf_counter() - began)
                if kind == "orders":
                    drill_rows.append(first["total"])
                    began = time.perf_counter()
                    last = Page(max(1, -(-first["total"] // 50)), 50)
                    drilldown.page_of_rows(session, manager, flt, kind, last)
                    drill["orders_last"].append(time.perf_counter() - began)
        with Session(engine) as session:
            began = time.perf_counter()
            dashboard(session, manager, flt)
            warm.append(time.perf_counter() - began)
            if len(baseline) < args.baseline_filters:
                began = time.perf_counter()
                for sql, params in _baseline_queries(flt):
                    session.execute(text(sql), params).all()
                baseline.append(time.perf_counter() - began)
                ratios.append(baseline[-1] / cold[-1])
                ratio_filters.append(flt.query_string())
    for name, values in (("cold", cold), ("warm", warm), ("baseline_sql_per_tile", baseline)):
        results[f"{name}_p50_ms"] = round(_percentile(values, 0.5) * 1000, 1)
        results[f"{name}_p95_ms"] = round(_percentile(values, 0.95) * 1000, 1)
    for name, values in drill.items():
        results[f"drill_{name}_p50_ms"] = round(_percentile(values, 0.5) * 1000, 1)
        results[f"drill_{name}_p95_ms"] = round(_percentile(values, 0.95) * 1000, 1)
    results["drill_orders_rows_p50"] = int(_percentile(drill_rows, 0.5))
    results["drill_orders_rows_max"] = max(drill_rows)
    results["baseline_filters"] = len(baseline)
    # per filter: the baseline's time over cold's for the same filter
    results["baseline_over_cold_min"] = round(min(ratios), 1)
    results["baseline_over_cold_p50"] = round(_percentile(ratios, 0.5), 1)
    results["baseline_over_cold_lowest_filter"] = ratio_filters[ratios.index(min(ratios))]
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
