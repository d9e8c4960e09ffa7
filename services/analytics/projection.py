"""The month-end projection of GMV on a running month: what the month will come to at its usual pace.

Transparent on purpose (the manager reads how it is made, the same text for everyone):
- the month's actual GMV up to yesterday (complete days, from the facts with the view's filter);
- plus, for each day from today to the month's end, the mean GMV of the same weekday over the last
  WEEKS complete weeks (a dealer network's week has its shape: little on Sundays);
- the 80 % band adds the weekdays' spread over those weeks (their variances summed over the days
  left, 1.2816 standard deviations either side; never below the actual so far).
None outside a running month, or with fewer than WEEKS weeks of history.
"""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from services.analytics.filters import KpiFilter, PeriodKind

WEEKS = 8
Z80 = 1.2816  # the 80 % band of a normal spread


def month_end(daily_gmv: dict[date, Decimal], flt: KpiFilter, today: date) -> dict | None:
    """The projection for `flt` (its month; the period before truncation to today) from GMV per day
    (`daily_gmv`: reporting currency, days without orders absent). Returns {"value", "low", "high",
    "actual", "through", "weeks"} as strings (two decimals), or None when it does not apply."""
    if flt.period != PeriodKind.MONTH or not (flt.first <= today <= flt.last):
        return None
    history_first = today - timedelta(weeks=WEEKS)
    if not any(day < history_first + timedelta(days=7) for day in daily_gmv):
        return None  # not WEEKS weeks of history: no usual pace to project
    by_weekday: dict[int, list[float]] = defaultdict(list)
    for offset in range(WEEKS * 7):
        day = history_first + timedelta(days=offset)
        by_weekday[day.weekday()].append(float(daily_gmv.get(day, Decimal("0"))))
    actual = sum((value for day, value in daily_gmv.items() if flt.first <= day < today), Decimal("0"))
    expected = variance = 0.0
    day = today
    while day <= flt.last:
        values = by_weekday[day.weekday()]
        mean = sum(values) / len(values)
        expected += mean
        variance += sum((v - mean) ** 2 for v in values) / max(len(values) - 1, 1)
        day += timedelta(days=1)
    spread = Z80 * math.sqrt(variance)
    cents = Decimal("0.01")

    def money(value: float | Decimal) -> str:
        return str(Decimal(value).quantize(cents, rounding=ROUND_HALF_UP))

    return {
        "value": money(actual + Decimal(expected)),
        "low": money(actual + Decimal(max(0.0, expected - spread))),
        "high": money(actual + Decimal(expected + spread)),
        "actual": money(actual),
        "through": (today - timedelta(days=1)).isoformat(),
        "weeks": WEEKS,
    }
