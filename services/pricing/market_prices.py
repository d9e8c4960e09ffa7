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

from collections.abc import Iterable
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


def tier_at(quantity: int, tiers: Iterable[tuple[int, Decimal]]) -> Decimal:
    """The dealer discount (percent) of a line of `quantity` units: the largest discount among the
    tiers (min quantity, percent) the quantity reaches; 0 below every tier."""
    return max((pct for min_quantity, pct in tiers if quantity >= min_quantity), default=Decimal(0))


def unit_price(
    list_: Decimal,
    currency: str,
    *,
    quantity: int,
    tiers: Iterable[tuple[int, Decimal]] = (),
    promo_pct: Decimal | None = None,
    promo_price: Decimal | None = None,
) -> Decimal:
    """What one unit of a line costs the buyer: the list price less the best of the tier reached at
    `quantity` and the promotion (a percent off, or a promotional price); never above the list
    price. Best-of, never stacked (see `line_price`)."""
    price = line_price(list_, currency, tier_pct=tier_at(quantity, tiers), promo_pct=promo_pct or Decimal(0))
    if promo_price is not None:
        price = min(price, _minor(promo_price, currency))
    return min(price, list_)


def parse_tiers(text: str | None) -> tuple[tuple[int, Decimal], ...]:
    """Tiers as the placement read returns them ("10:3.00,50:5.00"; None or "" for none)."""
    if not text:
        return ()
    pairs = (part.split(":") for part in text.split(","))
    return tuple((int(quantity), Decimal(pct).quantize(Decimal("0.01"))) for quantity, pct in pairs)
