"""Benchmark of procurement re-pricing on PostgreSQL: every agreement re-priced after a new index value
through the service, beside one hand-written SQL `UPDATE ... FROM` of the same formula; and one
agreement's suggestion (with its explanation) p95. Not a test: it prints a table and writes
var/bench/pricing.json.

    .venv/bin/python bench/pricing.py [--agreements 5000] [--singles 200] [--keep-db]

What runs: a scratch PostgreSQL database (created, migrated, dropped at the end) holding one carmaker,
20 suppliers, `--agreements` parts each under an agreement (a = 0.40, copper 0.35 on a 3-month average
lagged one month, steel 0.25 on the month itself, corridor +-20 %, step 5 %), and 36 months of copper
and steel values. Then, in this process:
1. singles: `--singles` agreements re-priced one by one (`reprice_agreements(agreement_ids=[id])`),
   each writing its suggestion with the explanation in both languages; p50/p95 in ms.
2. service: a new copper value for the last month, then `reprice_agreements()` over every agreement
   (the coalesced task's work), in one transaction; agreements/s.
3. SQL baseline: the same formula (window averages, corridor, step) as one `UPDATE price_agreement
   ... FROM (...)` inside a transaction that is rolled back; it also counts the agreements whose
   price equals the service's proposal (a check that both compute the same thing).
4. savings: the 12-month savings backtest (services/pricing/savings.py `savings_report`) over
   `--lines-per-part` purchase-order lines per agreed part spread over the last 12 months (one order
   per supplier and month), every agreement replayed review by review (12 reviews each).

Targets (the issue, this 2-core machine, 500,000 agreements): full re-pricing < 60 s and within 3x of
the SQL baseline; suggestion p95 < 20 ms; the 12-month backtest < 2 min.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.orders import create_database, drop_database, fmt, percentile, pg_url  # noqa: E402
from models.db import engine_for  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.settings import PROJECT_ROOT  # noqa: E402
from services.identity.auth import Principal  # noqa: E402
from services.pricing import savings, suggestions  # noqa: E402
from services.pricing.formula import add_months  # noqa: E402

REVIEW_DAY = date(2026, 11, 14)
SINGLES_DAY = date(2026, 10, 14)
NOW = datetime(2026, 11, 14, 3, 0, tzinfo=UTC)
TARGETS = {"full_seconds": 60.0, "baseline_ratio": 3.0, "single_p95_ms": 20.0, "savings_seconds": 120.0}

BASELINE = """
WITH terms AS (
    SELECT t.agreement_id, t.weight,
           (SELECT avg(v.value) FROM index_value v
             WHERE v.index_id = t.index_id AND v.granularity = 'monthly'
               AND v.period BETWEEN
                   (date_trunc('month', CAST(:on AS date))
                    - make_interval(months => t.lag_months + t.window_months - 1))::date
               AND (date_trunc('month', CAST(:on AS date)) - make_interval(months => t.lag_months))::date)
               AS current_level,
           (SELECT avg(v.value) FROM index_value v
             WHERE v.index_id = t.index_id AND v.granularity = 'monthly'
               AND v.period BETWEEN
                   (date_trunc('month', a.base_date)
                    - make_interval(months => t.lag_months + t.window_months - 1))::date
               AND (date_trunc('month', a.base_date) - make_interval(months => t.lag_months))::date)
               AS base_level
      FROM agreement_term t JOIN price_agreement a ON a.id = t.agreement_id
     WHERE a.status = 'active'
), formula AS (
    SELECT a.id,
           round(a.base_price
                 * (a.fixed_share + sum(terms.weight * terms.current_level / terms.base_level)), 2) AS price
      FROM price_agreement a JOIN terms ON terms.agreement_id = a.id
     GROUP BY a.id
), corridor AS (
    SELECT a.id,
           LEAST(GREATEST(f.price, COALESCE(a.floor_price, f.price)),
                 COALESCE(a.ceiling_price, f.price)) AS price
      FROM price_agreement a JOIN formula f ON f.id = a.id
)
UPDATE price_agreement a
   SET current_price = LEAST(
           GREATEST(c.price, ceil(a.current_price * (1 - a.max_change_pct / 100) * 100) / 100),
           floor(a.current_price * (1 + a.max_change_pct / 100) * 100) / 100),
       last_reviewed_on = CAST(:on AS date)
  FROM corridor c
 WHERE c.id = a.id
"""


def build(url: str, agreements: int) -> None:
    """The world described in the module's doc, written with set-based SQL."""
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organisation (slug, name, kind, country, currency, time_zone, created_at) "
                "SELECT 'org-' || n, 'Org ' || n, CASE WHEN n = 0 THEN 'oem' ELSE 'supplier' END, "
                "'CN', 'CNY', 'Asia/Shanghai', now() FROM generate_series(0, 20) AS n"
            )
        )
        conn.execute(
            text(
                "INSERT INTO part (sku, name, category, unit, list_price, currency, supplier_id) "
                "SELECT 'B-' || lpad(n::text, 7, '0'), 'Part ' || n, 'Wiring harnesses', 'pc', "
                "50 + (n % 500), 'CNY', (SELECT id FROM organisation WHERE slug = 'org-' || (1 + n % 20)) "
                "FROM generate_series(1, :n) AS n"
            ),
            {"n": agreements},
        )
        conn.execute(
            text(
                "INSERT INTO market_index (code, name, unit, currency, source) VALUES "
                "('CU', 'Copper', 't', 'USD', 'bench'), ('HRC', 'Steel HRC', 't', 'USD', 'bench')"
            )
        )
        first = add_months(REVIEW_DAY, -36)
        # Through September 2026 (steel also October and November); October's copper comes later, as
        # the "new value" that triggers the full re-pricing.
        conn.execute(
            text(
                "INSERT INTO index_value (index_id, granularity, period, value, published_at, imported_at) "
                "SELECT i.id, 'monthly', (CAST(:first AS date) + make_interval(months => m))::date, "
                "CASE WHEN i.code = 'CU' THEN 8000 + 40 * m ELSE 600 + 3 * m END, now(), now() "
                "FROM market_index i, generate_series(0, 34) AS m"
            ),
            {"first": first},
        )
        conn.execute(
            text(
                "INSERT INTO index_value (index_id, granularity, period, value, published_at, imported_at) "
                "SELECT id, 'monthly', d, 720, now(), now() FROM market_index, "
                "unnest(ARRAY[DATE '2026-10-01', DATE '2026-11-01']) AS d WHERE code = 'HRC'"
            )
        )
        conn.execute(
            text(
                "INSERT INTO price_agreement (part_id, supplier_id, buyer_organisation_id, currency, "
                "base_price, base_date, fixed_share, floor_price, ceiling_price, max_change_pct, "
                "review_period_days, auto_band_pct, four_eyes_pct, current_price, status, created_at) "
                "SELECT p.id, p.supplier_id, (SELECT id FROM organisation WHERE slug = 'org-0'), 'CNY', "
                "p.list_price, DATE '2025-11-15', 0.40, round(p.list_price * 0.8, 2), "
                "round(p.list_price * 1.2, 2), "
                "5, 30, 1, 3, p.list_price, 'active', now() FROM part p"
            )
        )
        conn.execute(
            text(
                "INSERT INTO agreement_term "
                "(agreement_id, index_id, position, weight, window_months, lag_months) "
                "SELECT a.id, i.id, CASE WHEN i.code = 'CU' THEN 0 ELSE 1 END, "
                "CASE WHEN i.code = 'CU' THEN 0.35 ELSE 0.25 END, CASE WHEN i.code = 'CU' THEN 3 ELSE 1 END, "
                "CASE WHEN i.code = 'CU' THEN 1 ELSE 0 END FROM price_agreement a, market_index i"
            )
        )
        conn.execute(text("ANALYZE"))


def build_purchases(url: str, lines_per_part: int) -> int:
    """A warehouse for the carmaker, one purchase order per supplier and month of the 12 months
    before REVIEW_DAY, and `lines_per_part` lines per part at its list price; returns the lines."""
    engine = engine_for(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO location (code, organisation_id, kind, name, address, city, country, latitude, "
                "longitude, time_zone, opening_hours) SELECT 'WH-BENCH', id, 'warehouse', 'Bench warehouse', "
                "'1 Bench Road', 'Shanghai', 'CN', 31.2, 121.5, 'Asia/Shanghai', '' "
                "FROM organisation WHERE slug = 'org-0'"
            )
        )
        conn.execute(
            text(
                "INSERT INTO purchase_order (supplier_id, buyer_organisation_id, ship_to_location_id, "
                "currency, status, issued_at, status_changed_at, notes, cancel_reason) "
                "SELECT s.id, o.id, l.id, 'CNY', 'closed', "
                "CAST(:first AS timestamptz) + make_interval(days => 30 * m + 3), now(), '', '' "
                "FROM organisation s, organisation o, location l, generate_series(0, 11) AS m "
                "WHERE s.kind = 'supplier' AND o.slug = 'org-0' AND l.code = 'WH-BENCH'"
            ),
            {"first": REVIEW_DAY.replace(year=REVIEW_DAY.year - 1)},
        )
        lines = conn.execute(
            text(
                "INSERT INTO purchase_order_line (purchase_order_id, line_no, part_id, quantity, unit_price, "
                "requested_date, status, reject_reason, proposal_note, shipped_quantity, accepted_quantity, "
                "rejected_quantity) "
                "SELECT po.id, row_number() OVER (PARTITION BY po.id ORDER BY p.id, k), p.id, "
                "10 + p.id % 50, p.list_price, CAST(po.issued_at AS date) + 14, 'acknowledged', '', '', "
                "0, 0, 0 "
                "FROM part p CROSS JOIN generate_series(0, :per_part - 1) AS k "
                "JOIN purchase_order po ON po.supplier_id = p.supplier_id "
                "AND po.issued_at = (SELECT min(issued_at) FROM purchase_order) "
                "+ make_interval(days => 30 * ((p.id + k * 12 / :per_part) % 12))"
            ),
            {"per_part": lines_per_part},
        ).rowcount
        conn.execute(text("ANALYZE"))
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agreements", type=int, default=5000)
    parser.add_argument("--singles", type=int, default=200)
    parser.add_argument("--lines-per-part", type=int, default=2)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args()
    name = create_database()
    url = pg_url(name)
    try:
        upgrade(url)
        started = time.perf_counter()
        build(url, args.agreements)
        print(f"built {args.agreements:,} agreements in {time.perf_counter() - started:.1f}s")
        engine = engine_for(url)

        # 1. singles, reviewed a month earlier (copper July-September, steel October: all there).
        singles = []
        with Session(engine, expire_on_commit=False) as session:
            for agreement_id in range(1, min(args.singles, args.agreements) + 1):
                begun = time.perf_counter()
                suggestions.reprice_agreements(
                    session, on_date=SINGLES_DAY, agreement_ids=[agreement_id], now=NOW
                )
                singles.append((time.perf_counter() - begun) * 1000)
        singles.sort()

        # 2. service: October's copper arrives; every agreement is re-priced.
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO index_value "
                    "(index_id, granularity, period, value, published_at, imported_at) "
                    "SELECT id, 'monthly', DATE '2026-10-01', 9800, now(), now() "
                    "FROM market_index WHERE code = 'CU'"
                )
            )
        with Session(engine, expire_on_commit=False) as session:
            begun = time.perf_counter()
            outcome = suggestions.reprice_agreements(session, on_date=REVIEW_DAY, now=NOW)
            service_seconds = time.perf_counter() - begun

        # 3. SQL baseline of the same formula, rolled back; and how many prices agree with the service.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE price_suggestion"))  # the service's rows, for the check's plan
        with engine.connect() as conn:
            transaction = conn.begin()
            begun = time.perf_counter()
            updated = conn.execute(text(BASELINE), {"on": REVIEW_DAY}).rowcount
            baseline_seconds = time.perf_counter() - begun
            same = conn.execute(
                text(
                    # One sort of the suggestions, not a subquery per agreement (at 100,000 agreements
                    # the correlated form ran for over eight minutes).
                    "SELECT count(*) FROM price_agreement a JOIN (SELECT DISTINCT ON (agreement_id) "
                    "agreement_id, proposed_price FROM price_suggestion ORDER BY agreement_id, id DESC) s "
                    "ON s.agreement_id = a.id WHERE a.current_price = s.proposed_price"
                )
            ).scalar_one()
            transaction.rollback()

        # 4. savings: the 12-month backtest over the carmaker's purchase orders.
        started = time.perf_counter()
        lines = build_purchases(url, args.lines_per_part)
        print(f"built {lines:,} purchase-order lines in {time.perf_counter() - started:.1f}s")
        with engine.connect() as conn:
            oem_id = conn.execute(text("SELECT id FROM organisation WHERE slug = 'org-0'")).scalar_one()
        manager = Principal(
            user_id=0,
            email="bench@example.test",
            full_name="Bench",
            role="manager",
            organisation_id=oem_id,
            organisation_name="Org 0",
            organisation_kind="oem",
            language="en",
            time_zone="UTC",
        )
        with Session(engine, expire_on_commit=False) as session:
            begun = time.perf_counter()
            report = savings.savings_report(
                session, manager, start=REVIEW_DAY.replace(year=REVIEW_DAY.year - 1), end=REVIEW_DAY
            )
            savings_seconds = time.perf_counter() - begun
        result = {
            "agreements": args.agreements,
            "singles": {
                "count": len(singles),
                "p50_ms": percentile(singles, 50),
                "p95_ms": percentile(singles, 95),
            },
            "service": {
                "seconds": service_seconds,
                "per_second": args.agreements / service_seconds,
                "suggested": outcome["suggested"],
                "unchanged": outcome["unchanged"],
                "skipped": len(outcome["skipped"]),
            },
            "baseline": {"seconds": baseline_seconds, "updated": updated, "same_price_as_service": same},
            "ratio": service_seconds / baseline_seconds if baseline_seconds else None,
            "savings": {
                "seconds": savings_seconds,
                "lines": report["lines"],
                "groups": len(report["rows"]),
                "savings": str(report["savings"]),
                "savings_pct": str(report["savings_pct"]),
                "currency": report["currency"],
            },
            "targets": TARGETS,
            "at": datetime.now(UTC).isoformat(),
        }
        print()
        print(f"{'what':<44}{'figure':>14}  target (500k agreements)")
        print(f"{'one suggestion with explanation p50 (ms)':<44}{fmt(result['singles']['p50_ms'], 2):>14}")
        print(
            f"{'one suggestion with explanation p95 (ms)':<44}{fmt(result['singles']['p95_ms'], 2):>14}  < 20"
        )
        print(f"{'service: all agreements (s)':<44}{fmt(service_seconds, 2):>14}  < 60")
        print(f"{'service: agreements/s':<44}{fmt(result['service']['per_second'], 0):>14}")
        print(f"{'SQL UPDATE ... FROM baseline (s)':<44}{fmt(baseline_seconds, 2):>14}")
        print(f"{'service / baseline':<44}{fmt(result['ratio'], 1):>14}  <= 3")
        print(f"{'baseline prices equal to the service':<44}{same:>14,}  of {updated:,}")
        print(f"{'12-month savings backtest (s)':<44}{fmt(savings_seconds, 2):>14}  < 120")
        print(f"{'  over purchase-order lines':<44}{report['lines']:>14,}")
        label = f"  savings ({report['currency']})"
        print(f"{label:<44}{str(report['savings']):>14}  {report['savings_pct']} %")
        out = PROJECT_ROOT / "var" / "bench" / "pricing.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2, default=str))
        print(f"\nwritten {out}")
    finally:
        engine_for(url).dispose()
        if not args.keep_db:
            drop_database(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
