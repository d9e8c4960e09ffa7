"""The index formula of a price agreement, in Decimal only.

    P = P0 x (a + sum(w_i x avg(I_i over its window, lagged) / avg(I_i, same window at the base date)))

- `a` is the fixed share (what follows no index), `w_i` the index weights; `a + sum(w_i) = 1` exactly,
  no weight is negative, so at base-date index levels the formula gives back P0.
- The window of a term is `window_months` whole months ending `lag_months` before the month of the
  review date: on 2026-05-14 with window 3 and lag 1 it is February, March and April 2026. The base
  level of the term is the same window at the base date, so lag and averaging cancel at P0.
- The corridor (floor, ceiling) bounds the price first; then the step limit bounds the change from
  the current price to `max_change_pct` per review. A price inside the corridor therefore never
  leaves it, and no review moves the price by more than the step.
- Prices are rounded to the currency's minor units (half up); a step cap is rounded toward the
  current price, so the rounded price never exceeds the step.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP, Decimal, InvalidOperation

from services.platform.errors import FieldCollector, field_path

ONE = Decimal(1)
HUNDRED = Decimal(100)
# ISO 4217 minor units of the currencies the portal trades in; the rest have two.
_ZERO_DECIMAL = frozenset({"JPY", "KRW", "VND", "CLP", "ISK", "HUF", "TWD", "IDR"})
_TWO_DECIMAL = frozenset({"CNY", "EUR", "USD", "GBP", "SEK", "INR", "CZK", "PLN", "MXN", "NOK", "CHF"})
MAX_WINDOW_MONTHS = 24
MAX_LAG_MONTHS = 24


CENT = Decimal("0.01")


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency`: Decimal('1') for JPY, Decimal('0.01') for CNY, EUR, USD."""
    return ONE if currency.upper() in _ZERO_DECIMAL else CENT


def round_money(amount: Decimal, currency: str, rounding: str = ROUND_HALF_UP) -> Decimal:
    """`amount` rounded to the minor units of `currency` (half up unless `rounding` says otherwise).
    Always two places of scale for storage (MONEY columns), e.g. JPY 1235 -> Decimal('1235.00')."""
    # The common case first, without the upper-casing: a backtest rounds millions of prices.
    if currency in _TWO_DECIMAL:
        return amount.quantize(CENT, rounding=rounding)
    return amount.quantize(minor_unit(currency), rounding=rounding).quantize(CENT)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (negative: before) the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def window_months(on: date, window: int, lag: int) -> list[date]:
    """The months (their first days, oldest first) a term averages when reviewed on `on`."""
    last = add_months(on, -lag)
    return [add_months(last, -offset) for offset in range(window - 1, -1, -1)]


class MissingIndexValue(Exception):
    """A month of a term's window has no value; the agreement cannot be re-priced yet."""

    def __init__(self, index_code: str, month: date) -> None:
        super().__init__(f"{index_code} has no value for {month:%Y-%m}")
        self.index_code = index_code
        self.month = month


def window_average(values: Mapping[date, Decimal], months: Sequence[date], index_code: str = "") -> Decimal:
    """The plain mean of `values` (by month start) over `months`; MissingIndexValue names the first
    month without a value."""
    total = Decimal(0)
    for month in months:
        value = values.get(month)
        if value is None:
            raise MissingIndexValue(index_code, month)
        total += value
    return total / len(months)


@dataclass(frozen=True)
class TermLevels:
    """One term at review time: its weight and the index's averaged level now and at the base date."""

    index_code: str
    weight: Decimal
    base_level: Decimal
    current_level: Decimal

    @property
    def ratio(self) -> Decimal:
        return self.current_level / self.base_level

    @property
    def index_change_pct(self) -> Decimal:
        return (self.ratio - ONE) * HUNDRED

    @property
    def effect_pct(self) -> Decimal:
        """What this term moves the price by, in % of P0: w x (I_t / I_0 - 1) x 100."""
        return self.weight * (self.ratio - ONE) * HUNDRED


@dataclass(frozen=True)
class PriceResult:
    """The formula's answer for one review.

    `formula_price` is P0 x (a + sum) rounded; `proposed_price` is it after the corridor and the step
    limit; `limited_by` names what bounded it (`floor`, `ceiling`, `step_up`, `step_down`) or is None."""

    formula_price: Decimal
    corridor_price: Decimal
    proposed_price: Decimal
    current_price: Decimal
    limited_by: tuple[str, ...]
    terms: tuple[TermLevels, ...]

    @property
    def change_pct(self) -> Decimal:
        """The proposed change from the current price, in %, to two places."""
        return ((self.proposed_price / self.current_price - ONE) * HUNDRED).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )


def price_from_formula(
    *,
    base_price: Decimal,
    fixed_share: Decimal,
    terms: Sequence[TermLevels],
    current_price: Decimal,
    currency: str,
    floor_price: Decimal | None = None,
    ceiling_price: Decimal | None = None,
    max_change_pct: Decimal | None = None,
) -> PriceResult:
    """The formula, then the corridor, then the step limit, each rounded to the currency's minor units.

    Pure: validation happens before (`check_formula`); a zero base level is refused by the schema
    (index values are positive)."""
    formula_price = round_money(base_price * formula_factor(fixed_share, terms), currency)
    proposed, corridor_price, limited = bounded_price(
        formula_price,
        current_price=current_price,
        currency=currency,
        floor_price=floor_price,
        ceiling_price=ceiling_price,
        max_change_pct=max_change_pct,
    )
    return PriceResult(
        formula_price=formula_price,
        corridor_price=corridor_price,
        proposed_price=proposed,
        current_price=current_price,
        limited_by=limited,
        terms=tuple(terms),
    )


def formula_factor(fixed_share: Decimal, terms: Sequence[TermLevels]) -> Decimal:
    """a + sum(w_i x I_i,t / I_i,0): what P0 is multiplied by (1 at the base levels)."""
    return fixed_share + sum((term.weight * term.ratio for term in terms), Decimal(0))


def bounded_price(
    formula_price: Decimal,
    *,
    current_price: Decimal,
    currency: str,
    floor_price: Decimal | None = None,
    ceiling_price: Decimal | None = None,
    max_change_pct: Decimal | None = None,
) -> tuple[Decimal, Decimal, tuple[str, ...]]:
    """(proposed price, price after the corridor, what bounded it) for a rounded formula price: the
    corridor first, then the step limit from the current price (see the module's rules)."""
    limited: list[str] = []
    price = formula_price
    if floor_price is not None and price < floor_price:
        price, limited = floor_price, ["floor"]
    if ceiling_price is not None and price > ceiling_price:
        price, limited = ceiling_price, ["ceiling"]
    corridor_price = price
    if max_change_pct is not None:
        step = current_price * max_change_pct / HUNDRED
        highest = round_money(current_price + step, currency, ROUND_DOWN)
        lowest = round_money(current_price - step, currency, ROUND_UP)
        if price > highest:
            price = highest
            limited.append("step_up")
        elif price < lowest:
            price = lowest
            limited.append("step_down")
    return round_money(price, currency), corridor_price, tuple(limited)


# ---------------------------------------------------------------- validation


def _decimal(value: object) -> Decimal | None:
    if value is None or isinstance(value, bool | float):
        # A float cannot say 0.35 exactly: the formula's shares come as text or Decimal.
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _whole(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


@dataclass(frozen=True)
class CleanTerm:
    index_code: str
    weight: Decimal
    window_months: int
    lag_months: int


def check_formula(
    fixed_share: object, terms: object, known_indices: Collection[str]
) -> tuple[Decimal, list[CleanTerm]]:
    """The fixed share and terms, clean, or FieldErrors naming every bad field at once:
    `fixed_share` (`pricing.share_invalid`, `pricing.share_out_of_range`), `terms`
    (`pricing.terms_required`, `pricing.formula_not_one` when a + sum(w) != 1),
    `terms[1].index` (`pricing.index_unknown`, `pricing.index_twice`), `terms[1].weight`
    (`pricing.weight_invalid`, `pricing.weight_negative`), `terms[1].window_months`,
    `terms[1].lag_months` (`pricing.window_invalid`, `pricing.lag_invalid`).
    Shares are Decimal or text (a float is refused: it cannot hold 0.35 exactly)."""
    errors = FieldCollector()
    share = _decimal(fixed_share)
    if share is None:
        errors.add("fixed_share", "pricing.share_invalid")
    elif share < 0 or share > 1:
        errors.add("fixed_share", "pricing.share_out_of_range")
    if not isinstance(terms, list | tuple) or not terms:
        errors.add("terms", "pricing.terms_required")
        errors.raise_if_any()
    clean: list[CleanTerm] = []
    seen: set[str] = set()
    weights_ok = share is not None
    for position, term in enumerate(terms):
        if not isinstance(term, dict):
            errors.add(field_path("terms", position), "pricing.term_invalid")
            weights_ok = False
            continue
        code = str(term.get("index") or "").strip().upper()
        if code not in known_indices:
            errors.add(field_path("terms", position, "index"), "pricing.index_unknown", index=code[:20])
        elif code in seen:
            errors.add(field_path("terms", position, "index"), "pricing.index_twice", index=code)
        seen.add(code)
        weight = _decimal(term.get("weight"))
        if weight is None:
            errors.add(field_path("terms", position, "weight"), "pricing.weight_invalid")
            weights_ok = False
        elif weight < 0:
            errors.add(field_path("terms", position, "weight"), "pricing.weight_negative")
            weights_ok = False
        window = _whole(term.get("window_months", 1))
        if window is None or not 1 <= window <= MAX_WINDOW_MONTHS:
            errors.add(
                field_path("terms", position, "window_months"),
                "pricing.window_invalid",
                max=MAX_WINDOW_MONTHS,
            )
        lag = _whole(term.get("lag_months", 0))
        if lag is None or not 0 <= lag <= MAX_LAG_MONTHS:
            errors.add(field_path("terms", position, "lag_months"), "pricing.lag_invalid", max=MAX_LAG_MONTHS)
        if weight is not None and window is not None and lag is not None:
            clean.append(CleanTerm(code, weight, window, lag))
    if weights_ok:
        total = share + sum((term.weight for term in clean), Decimal(0))
        if total != ONE:
            errors.add("terms", "pricing.formula_not_one", total=str(total.normalize()))
    errors.raise_if_any()
    return share, clean
