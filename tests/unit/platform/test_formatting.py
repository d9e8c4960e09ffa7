"""Money, numbers and times as the viewer reads them, in English and Chinese, in their time zone."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from services.platform.formatting import format_datetime, format_money, format_number

# 23:30 UTC on 1 March: already 2 March in Shanghai (UTC+8), just past midnight in Berlin (UTC+1).
INSTANT = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("currency", "language", "shown"),
    [
        ("CNY", "en", "CN¥1,234,567.50"),
        ("CNY", "zh", "¥1,234,567.50"),
        ("EUR", "en", "€1,234,567.50"),
        ("EUR", "zh", "€1,234,567.50"),
    ],
)
def test_money_is_shown_with_the_languages_symbol_and_grouping(currency, language, shown):
    assert format_money(Decimal("1234567.5"), currency, language) == shown


def test_money_keeps_every_digit_because_it_never_goes_through_float():
    # As a float this amount would print as ...568.00.
    assert format_money(Decimal("12345678901234567.89"), "CNY", "en") == "CN¥12,345,678,901,234,567.89"
    assert format_money(Decimal("0.1") + Decimal("0.2"), "EUR", "en") == "€0.30"
    assert format_money(sum([Decimal("0.1")] * 10, Decimal(0)), "EUR", "zh") == "€1.00"


def test_money_given_as_a_string_is_read_exactly():
    assert format_money("9999999999999.99", "EUR", "en") == "€9,999,999,999,999.99"


def test_an_unknown_language_is_shown_in_english():
    assert format_money(Decimal("5"), "CNY", "fr") == "CN¥5.00"


def test_numbers_are_grouped():
    assert format_number(1234567, "en") == "1,234,567"
    assert format_number(Decimal("1234.5"), "zh") == "1,234.5"


def test_the_same_instant_shows_in_shanghai_and_berlin_local_time():
    assert format_datetime(INSTANT, "Asia/Shanghai", "en") == "Mar 2, 2026, 7:30:00\u202fAM"
    assert format_datetime(INSTANT, "Europe/Berlin", "en") == "Mar 2, 2026, 12:30:00\u202fAM"
    assert format_datetime(INSTANT, "Asia/Shanghai", "zh") == "2026年3月2日 07:30:00"
    assert format_datetime(INSTANT, "Europe/Berlin", "zh") == "2026年3月2日 00:30:00"


def test_summer_time_is_applied_in_berlin_but_not_in_shanghai():
    july = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_datetime(july, "Europe/Berlin", "zh") == "2026年7月1日 14:00:00"
    assert format_datetime(july, "Asia/Shanghai", "zh") == "2026年7月1日 20:00:00"


def test_an_iso_string_from_json_shows_like_the_datetime_and_empty_shows_nothing():
    assert format_datetime(INSTANT.isoformat(), "Asia/Shanghai", "en") == format_datetime(
        INSTANT, "Asia/Shanghai", "en"
    )
    assert format_datetime(None, "Asia/Shanghai", "en") == ""
    assert format_datetime("", "Asia/Shanghai", "en") == ""
