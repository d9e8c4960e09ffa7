"""Market list prices, in Decimal only (first step of issue #13: the pure rules, no tables yet).

- Price points: a list price is rounded up to the market's price point. CNY to whole yuan, JPY to
  10 yen, EUR/NOK/USD to a .99 ending ("charm" pricing, the common retail practice): the price is
  rounded up to the next whole unit and 0.01 taken off, so 12.30 -> 12.99 and 12.00 -> 12.99.
- List price = cost in the market currency x (1 + markup %), then rounded to the price points;
  a manual price wins over the rule.
- A line's price = list price less the BEST of the dealer tier and the promotion (best-of, not
  stacked: the common practice), rounded half up to the currency's minor units.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

MINOR_UNITS = {"CNY": 2, "JPY": 0, "EUR": 2, "NOK": 2, "USD": 2}
PRICE_POINTS = {"CNY": "unit", "JPY": "ten", "EUR": "99", "NOK": "99", "USD": "99"}


def round_to_price_point(amount: Decimal, currency: str) -> Decimal:
    rule = PRICE_POINTS.get(currency, "minor")
    if rule == "unit":
        return amount.quantize(Decimal("1"), rounding=ROUND_CEILING).quantize(Decimal("0.01"))
    if rule == "ten":
        return (amount / 10).quantize(Decimal("1"), rounding=ROUND_CEILING) * 10
    if rule == "99":
        return _charm(amount)
    return _minor(amount, currency)


def _charm(amount: Decimal) -> Decimal:
    """The smallest x.99 price not below the amount."""
    candidate = amount.quantize(Decimal("1"), rounding=ROUND_CEILING) - Decimal("0.01")
    return candidate if candidate >= amount else candidate + 1


def _minor(amount: Decimal, currency: str) -> Decimal:
    return amount.quantize(Decimal(1).scaleb(-MINOR_UNITS.get(currency, 2)), rounding=ROUND_HALF_UP)


def list_price(cost: Decimal, markup_pct: Decimal, currency: str, manual: Decimal | None = None) -> Decimal:
    if manual is not None:
        return manual
    return round_to_price_point(cost * (1 + markup_pct / 100), currency)


def line_price(
    list_: Decimal, currency: str, tier_pct: Decimal = Decimal(0), promo_pct: Decimal = Decimal(0)
) -> Decimal:
    best = max(tier_pct, promo_pct)
    return _minor(list_ * (1 - best / 100), currency)
