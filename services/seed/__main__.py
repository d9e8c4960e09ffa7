"""`python -m services.seed --scale demo|large [--database-url URL]`: seed once, print the counts."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence

from models.db import engine_for
from models.settings import get_settings
from services.seed import SCALES, seed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.seed", description=__doc__)
    parser.add_argument(
        "--scale",
        choices=sorted(SCALES),
        default="demo",
        help="demo: 40 suppliers, 2,000 parts; large: 3,000 suppliers, 500,000 parts",
    )
    parser.add_argument(
        "--database-url", default=None, help="the database to seed (default: the configured DATABASE_URL)"
    )
    args = parser.parse_args(argv)
    url = args.database_url or get_settings().database_url
    started = time.perf_counter()
    counts = seed(
        engine_for(url),
        args.scale,
        progress=(lambda line: print(line, flush=True)) if args.scale == "large" else None,
    )
    elapsed = time.perf_counter() - started
    if counts["already_seeded"]:
        print(f"already seeded: {url.split('@')[-1]} (nothing changed)")
        return 0
    figures = ", ".join(
        f"{key.replace('_', ' ')} {value:,}"
        for key, value in counts.items()
        if isinstance(value, int) and not isinstance(value, bool)
    )
    print(f"seeded {args.scale} in {elapsed:.1f}s: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
