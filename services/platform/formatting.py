"""Numbers, money and times as the viewer reads them: in their language and time zone."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.dates import format_interval, format_skeleton
from babel.dates import format_time as _babel_time
from babel.numbers import format_currency, format_decimal, format_percent

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


def format_datetime_parts(moment: datetime | str | None, time_zone: str, language: str) -> tuple[str, str]:
    """The day and the time of day of an aware UTC time in `time_zone`, apart ("Dec 3, 2026",
    "7:20 AM"): a list shows them on two short lines instead of wrapping one long one."""
    if moment is None or moment == "":
        return "", ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(ZoneInfo(time_zone))
    locale = locale_for(language)
    return _babel_date(local, format="medium", locale=locale), _babel_time(
        local, format="short", locale=locale
    )


NO_RATE = "—"  # a rate whose base is zero: shown as a dash, never as 0 % or an error


def format_rate(rate: float | None, language: str) -> str:
    """A share between 0 and 1 as a percentage with one decimal in the viewer's language ('—' for
    none, e.g. a conversion rate whose base is zero)."""
    if rate is None:
        return NO_RATE
    return format_percent(rate, format="#,##0.0%", locale=locale_for(language))


def format_day(day: date | str | None, language: str) -> str:
    """A calendar day ("2 Dec 2026", "2026年12月2日"); '' for none."""
    if day is None or day == "":
        return ""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    return _babel_date(day, format="medium", locale=locale_for(language))


# The calendar's labels, from the locale's own patterns (CLDR skeletons), so weekday and month names
# and their order follow the language: `Mon, Mar 16, 2026` / `2026年3月16日周一`.
def format_weekday_date(day: date, language: str) -> str:
    """A day with its weekday: `Mon, Mar 16, 2026`, `2026年3月16日周一`."""
    return format_skeleton("yMMMEd", day, locale=locale_for(language))


def format_day_range(first: date, last: date, language: str) -> str:
    """Two days as one range: `Mar 16 – 22, 2026`, `2026年3月16日至22日`."""
    return format_interval(first, last, "yMMMd", locale=locale_for(language))


def format_weekday_short(day: date, language: str) -> str:
    """The day of the month with its weekday, for narrow labels: `16 Mon`, `16日周一`."""
    return format_skeleton("Ed", day, locale=locale_for(language))
