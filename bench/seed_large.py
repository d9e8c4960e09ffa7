"""Benchmark: seed the large scale (3,000 suppliers, 500,000 parts, ~2M stock rows) and time it.

    .venv/bin/python bench/seed_large.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/NAME

The database is migrated to head first; it must not hold seeded data yet (the seed runs once).
Prints each step's time, the total elapsed time and the row count of every table afterwards.
The target is under 5 minutes on a 2-core machine with PostgreSQL for the world; the twelve months
of sales history the seed adds last (3,000,000 orders at the large scale) are timed apart.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import (  # noqa: E402
    Location,
    Organisation,
    OutboxMessage,
    Part,
    SalesOrder,
    StockLevel,
    Trim,
    User,
    VehicleModel,
)
from models.db import engine_for  # noqa: E402
from models.migrate import upgrade  # noqa: E402
from models.settings import get_settings  # noqa: E402
from models.types import utcnow  # noqa: E402
from services.seed import seed  # noqa: E402
from services.seed.sales_history import DEMO_ORDERS, LARGE_ORDERS, seed_sales_history  # noqa: E402

TABLES = (Organisation, User, VehicleModel, Trim, Location, Part, StockLevel, SalesOrder, OutboxMessage)
BUDGET_SECONDS = 300


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", default=None, help="default: the configured DATABASE_URL")
    parser.add_argument("--scale", default="large", choices=("demo", "large"))
    args = parser.parse_args()
    url = args.database_url or get_settings().database_url
    upgrade(url)
    engine = engine_for(url)

    started = time.perf_counter()
    progress = lambda line: print(line, flush=True)  # noqa: E731
    counts = seed(engine, args.scale, progress=progress, sales_history=False)
    elapsed = time.perf_counter() - started
    if counts.get("already_seeded"):
        print("already seeded: use an empty, migrated database", file=sys.stderr)
        return 1
    # The twelve months of sales history `seed` writes last, timed on their own (3,000,000 orders at
    # the large scale, with payments, refunds and deliveries).
    began = time.perf_counter()
    with Session(engine) as session:
        history = seed_sales_history(
            session,
            rng_seed=2026,
            now=utcnow().replace(hour=0, minute=0, second=0, microsecond=0),
            orders=LARGE_ORDERS if args.scale == "large" else DEMO_ORDERS,
            progress=progress,
        )
    history_seconds = time.perf_counter() - began

    print(
        f"\n{args.scale} seed on {engine.dialect.name}: {elapsed:.1f} s "
        f"({'within' if elapsed < BUDGET_SECONDS else 'OVER'} the {BUDGET_SECONDS} s budget)"
    )
    print(f"sales history: {history['orders']:,} orders in {history_seconds:.1f} s")
    with engine.connect() as connection:
        for table in TABLES:
            rows = connection.execute(select(func.count()).select_from(table)).scalar_one()
            print(f"  {table.__tablename__:<16} {rows:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
