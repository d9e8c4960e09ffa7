"""Daily FX rates into the reporting currency: the rate of a day, CSV import, the demo seed.

A rate is how many reporting-currency units one unit of a currency was worth on a day. The rate of
an order's day is used; a day without a row uses the latest earlier row of that currency (rates are
published on working days only). A currency with no row on or before the day has no rate: the
caller refuses to convert (`fx.rate_missing`), never invents one.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import delete, select, tuple_
from sqlmodel import Session

from models import FxRate
from models.settings import get_settings
from models.types import CENTS
from services.platform.csv_files import read_table
from services.platform.errors import FieldCollector, ValidationFailed

MAX_CSV_BYTES = 2 * 1024 * 1024
MAX_ROWS = 20_000
REQUIRED_COLUMNS = ("day", "currency", "rate")
RATE_STEP = Decimal("0.00000001")
MAX_RATE = Decimal("1000000")


# Outbox topic of an import: the KPI facts are rebuilt at the new rates (workers/tasks ROUTES).
RATES_IMPORTED = "analytics.fx_rates_imported"


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    """`amount` times `rate`, rounded half-up to cents: one order's value in the reporting currency."""
    return (amount * rate).quantize(CENTS, rounding=ROUND_HALF_UP)


@dataclass
class RateBook:
    """The rates of some currencies, loaded once, answering "which rate applies on this day"."""

    reporting_currency: str
    _days: dict[str, list[date]] = field(default_factory=dict)
    _rates: dict[str, list[Decimal]] = field(default_factory=dict)

    def add(self, currency: str, day: date, rate: Decimal) -> None:
        days, rates = self._days.setdefault(currency, []), self._rates.setdefault(currency, [])
        at = bisect_right(days, day)
        if at and days[at - 1] == day:
            rates[at - 1] = rate
            return
        days.insert(at, day)
        rates.insert(at, rate)

    def lookup(self, currency: str, day: date) -> tuple[Decimal, date | None]:
        """(rate, the day of the row used) for `currency` on `day`; (1, None) for the reporting
        currency. Raises ValidationFailed `fx.rate_missing` (field `currency`) with no row on or
        before `day`."""
        if currency == self.reporting_currency:
            return Decimal("1"), None
        days = self._days.get(currency, [])
        at = bisect_right(days, day)
        if not at:
            raise ValidationFailed(
                "fx.rate_missing", field="currency", currency=currency, day=day.isoformat()
            )
        return self._rates[currency][at - 1], days[at - 1]

    def has(self, currency: str, day: date) -> bool:
        """True when `currency` has a rate on or before `day` (always for the reporting currency)."""
        return currency == self.reporting_currency or bisect_right(self._days.get(currency, []), day) > 0

    def rate(self, currency: str, day: date) -> Decimal:
        return self.lookup(currency, day)[0]


def load_rates(session: Session, currencies: Iterable[str], last_day: date) -> RateBook:
    """Every stored rate of `currencies` up to `last_day` (an earlier day's rate may be the one that
    applies), in a RateBook for the configured reporting currency."""
    book = RateBook(get_settings().reporting_currency)
    wanted = sorted({currency for currency in currencies if currency != book.reporting_currency})
    if not wanted:
        return book
    rows = session.execute(
        select(FxRate.currency, FxRate.day, FxRate.rate)
        .where(FxRate.currency.in_(wanted), FxRate.day <= last_day)
        .order_by(FxRate.currency, FxRate.day)
    ).all()
    for currency, day, rate in rows:
        book.add(currency, day, rate)
    return book


def rates_used(book: RateBook, pairs: Iterable[tuple[str, date]]) -> list[dict]:
    """Which rate rows converted the given (currency, day) pairs: one entry per currency and rate
    day, sorted, as the tile shows them ("EUR 7.81 of 2026-03-02")."""
    used: dict[tuple[str, date], Decimal] = {}
    for currency, day in pairs:
        rate, rate_day = book.lookup(currency, day)
        if rate_day is not None:
            used[(currency, rate_day)] = rate
    return [
        {"currency": currency, "day": day.isoformat(), "rate": str(rate)}
        for (currency, day), rate in sorted(used.items())
    ]


# ---------------------------------------------------------------- CSV import


def import_rates_csv(session: Session, data: bytes, *, user_id: int | None = None) -> dict:
    """Store the rates of a CSV file with the columns day (YYYY-MM-DD), currency (ISO 4217), rate
    (reporting-currency units per unit, > 0, at most 8 decimals); an existing (day, currency) row
    is replaced.

    All or nothing: every bad row is named (`rows[<line>].<column>`) in one FieldErrors and nothing
    is written; a file that is not a readable CSV is refused with field `file`. The caller commits.
    Leaves a RATES_IMPORTED notice (a worker rebuilds the KPI facts at the new rates).
    Returns {"imported": rows stored, "currencies": [...], "first_day", "last_day"}.
    """
    rows = _read_csv(data)
    reporting = get_settings().reporting_currency
    collector = FieldCollector()
    parsed: dict[tuple[date, str], tuple[int, Decimal]] = {}
    for line, values in rows:
        prefix = f"rows[{line}]"
        day = _day(values.get("day", ""), collector, f"{prefix}.day")
        currency = values.get("currency", "").strip().upper()
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            collector.add(f"{prefix}.currency", "fx.currency_invalid", value=values.get("currency", ""))
            currency = ""
        elif currency == reporting:
            collector.add(f"{prefix}.currency", "fx.currency_is_reporting", currency=currency)
            currency = ""
        rate = _rate(values.get("rate", ""), collector, f"{prefix}.rate")
        if day is None or not currency or rate is None:
            continue
        if (day, currency) in parsed:
            collector.add(
                f"{prefix}.day",
                "fx.row_duplicate",
                currency=currency,
                day=day.isoformat(),
                line=parsed[(day, currency)][0],
            )
            continue
        parsed[(day, currency)] = (line, rate)
    collector.raise_if_any()
    keys = list(parsed)
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        session.execute(delete(FxRate).where(tuple_(FxRate.day, FxRate.currency).in_(chunk)))
    session.add_all(
        FxRate(day=day, currency=currency, rate=rate, source="csv", imported_by_user_id=user_id)
        for (day, currency), (_, rate) in parsed.items()
    )
    session.flush()
    days = [day for day, _ in keys]
    from services.platform import outbox  # local: keeps the import list of this module short

    # The facts convert at the rates of their days: a worker rebuilds them at the new ones.
    outbox.enqueue(session, RATES_IMPORTED, {"imported": len(keys)})
    return {
        "imported": len(keys),
        "currencies": sorted({currency for _, currency in keys}),
        "first_day": min(days).isoformat(),
        "last_day": max(days).isoformat(),
    }


def _read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    return read_table(
        data, prefix="fx", required=REQUIRED_COLUMNS, max_bytes=MAX_CSV_BYTES, max_rows=MAX_ROWS
    )


def _day(value: str, collector: FieldCollector, field_name: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        collector.add(field_name, "fx.day_invalid", value=value)
        return None


def _rate(value: str, collector: FieldCollector, field_name: str) -> Decimal | None:
    try:
        rate = Decimal(value.strip())
    except InvalidOperation:
        collector.add(field_name, "fx.rate_invalid", value=value)
        return None
    if not rate.is_finite() or rate <= 0 or rate > MAX_RATE:
        collector.add(field_name, "fx.rate_invalid", value=value)
        return None
    if rate != rate.quantize(RATE_STEP):
        collector.add(field_name, "fx.rate_too_precise", value=value)
        return None
    return rate


# ---------------------------------------------------------------- demo seed


def seed_demo_rates(
    session: Session, base_per_unit: Mapping[str, Decimal], first_day: date, last_day: date
) -> int:
    """Write plausible daily rates (working days only) for the currencies of `base_per_unit`
    (units of some base currency per one unit, e.g. services/seed/reference.py CNY_PER_UNIT, which
    must hold the reporting currency too) from `first_day` to `last_day`: the snapshot rate with a
    small deterministic drift, so charts of converted money move a little as real ones do.
    Replaces the seed's own rows in the range (imported ones stay). Returns the rows written."""
    reporting = get_settings().reporting_currency
    if reporting not in base_per_unit:
        raise ValidationFailed("fx.currency_invalid", field="currency", value=reporting)
    per_reporting = base_per_unit[reporting]
    currencies = sorted(currency for currency in base_per_unit if currency != reporting)
    session.execute(
        delete(FxRate).where(FxRate.source == "seed", FxRate.day >= first_day, FxRate.day <= last_day)
    )
    taken = set(
        session.execute(
            select(FxRate.day, FxRate.currency).where(FxRate.day >= first_day, FxRate.day <= last_day)
        ).all()
    )
    written = 0
    day = first_day
    while day <= last_day:
        if day.weekday() < 5:
            for index, currency in enumerate(currencies):
                if (day, currency) in taken:
                    continue
                # +-2 % over a ~90-day wave, phase-shifted per currency; deterministic, so reseeding
                # gives the same figures.
                phase = (day.toordinal() + 17 * index) % 90
                drift = Decimal(abs(45 - phase) - 22) / Decimal(1100)
                rate = (base_per_unit[currency] / per_reporting * (1 + drift)).quantize(RATE_STEP)
                session.add(FxRate(day=day, currency=currency, rate=rate, source="seed"))
                written += 1
        day += timedelta(days=1)
    session.flush()
    return written
