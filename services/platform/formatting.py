"""Numbers, money and times as the viewer reads them: in their language and time zone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_currency, format_decimal

LOCALES = {"en": "en_US", "zh": "zh_Hans_CN"}


def locale_for(language: str) -> str:
    return LOCALES.get(language, LOCALES["en"])


def format_number(value: int | Decimal | float, language: str) -> str:
    return format_decimal(value, locale=locale_for(language))


def format_money(amount: Decimal | str, currency: str, language: str) -> str:
    """`amount` in `currency` with the language's symbols and grouping (never through float)."""
    return format_currency(Decimal(str(amount)), currency, locale=locale_for(language))


def format_datetime(moment: datetime | str | None, time_zone: str, language: str) -> str:
    """An aware UTC time shown in `time_zone` (e.g. the viewer's or the dealer's store zone)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return _babel_datetime(moment, format="medium", tzinfo=ZoneInfo(time_zone), locale=locale_for(language))


def format_day(day: date | str | None, language: str) -> str:
    """A calendar day ("2 Dec 2026", "2026年12月2日"); '' for none."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return _babel_date(day, format="medium", locale=locale_for(language))
