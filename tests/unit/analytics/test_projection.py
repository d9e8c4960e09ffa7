"""The month-end GMV projection on hand-checked numbers."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from services.analytics.filters import parse_filter
from services.analytics.projection import month_end

TODAY = date(2026, 3, 11)  # a Wednesday


def _history(weekday_value) -> dict[date, Decimal]:
    days = {}
    day = date(2026, 1, 1)
    while day < TODAY:
        value = weekday_value(day)
        if value:
            days[day] = Decimal(value)
        day += timedelta(days=1)
    return days


def test_a_steady_week_projects_exactly_what_is_left_with_no_band():
    # 100 on each working day, nothing at the weekend
    daily = _history(lambda day: 100 if day.weekday() < 5 else 0)
    month = parse_filter("period=month&day=2026-03-01", today=TODAY)
    projected = month_end(daily, month, TODAY)
    # 1-10 March: 7 working days done (700); 11-31 March: 15 working days left (1,500)
    assert projected == {
        "value": "2200.00",
        "low": "2200.00",
        "high": "2200.00",
        "actual": "700.00",
        "through": "2026-03-10",
        "weeks": 8,
    }


def test_an_uneven_week_widens_the_band_around_the_weekday_means():
    # Mondays alternate 50 and 150 (mean 100, sample sd 53.45); other days 100 flat
    daily = _history(lambda day: (50 if (day.toordinal() // 7) % 2 else 150) if day.weekday() == 0 else 100)
    month = parse_filter("period=month&day=2026-03-01", today=TODAY)
    projected = month_end(daily, month, TODAY)
    actual = Decimal(projected["actual"])
    assert Decimal(projected["value"]) == actual + 21 * 100  # 21 days left at 100 on average
    # three Mondays left (16, 23, 30): sd sqrt(3) x 53.45, 80 % band = 1.2816 x that = 118.65
    assert Decimal(projected["high"]) - Decimal(projected["value"]) == Decimal("118.65")
    assert Decimal(projected["value"]) - Decimal(projected["low"]) == Decimal("118.65")


def test_no_projection_outside_a_running_month_or_without_enough_history():
    daily = _history(lambda day: 100)
    assert month_end(daily, parse_filter("period=month&day=2026-02-01", today=TODAY), TODAY) is None
    assert month_end(daily, parse_filter("period=quarter&day=2026-03-01", today=TODAY), TODAY) is None
    recent = {day: value for day, value in daily.items() if day >= TODAY - timedelta(weeks=4)}
    assert month_end(recent, parse_filter("period=month&day=2026-03-01", today=TODAY), TODAY) is None
