"""The money of a purchase order: line amounts and the order total, computed once, here.

A purchase order stores each line's quantity and unit price; everything shown (a line's amount,
the order's total on the new-order form, on the order page and in the lists) comes from these
functions, so the total a manager sees before issuing is the total the stored order carries.
Amounts are Decimal with 2 places (half up); no tax is charged on purchase orders. Rejected and
cancelled lines owe nothing and do not count toward the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from models.supply import PurchaseOrderLineStatus as LineStatus
from services.platform.errors import ValidationFailed
from services.platform.fields import unit_price, whole_quantity

CENT = Decimal("0.01")
# Lines that no longer owe anything.
NOT_OWED: frozenset[str] = frozenset({LineStatus.REJECTED, LineStatus.CANCELLED})


def line_amount(price: Decimal, quantity: int) -> Decimal:
    """A line's amount: unit price times whole quantity, to the cent."""
    return (Decimal(price) * int(quantity)).quantize(CENT, rounding=ROUND_HALF_UP)


def order_total(lines: Iterable[Mapping[str, object]]) -> Decimal:
    """The order's total: the sum of its owed lines' amounts (each line: `unit_price`,
    `quantity` and optionally `status`)."""
    total = Decimal("0.00")
    for line in lines:
        if line.get("status") not in NOT_OWED:
            total += line_amount(line["unit_price"], line["quantity"])
    return total.quantize(CENT)


@dataclass(frozen=True)
class DraftQuote:
    """What the new-order form shows while a manager types: each line's amount (None while the
    line's quantity or price is not yet readable) and the total (None until every line that has
    both is readable and the total is above zero)."""

    amounts: list[Decimal | None]
    total: Decimal | None


def quote_draft(lines: Iterable[Mapping[str, object]]) -> DraftQuote:
    """Amounts and total of lines as typed (`quantity` and `unit_price` as text); the same
    readers as `issue_purchase_order`, so a quote it gives is the total the order will store."""
    amounts: list[Decimal | None] = []
    readable = True
    for line in lines:
        try:
            amounts.append(
                line_amount(
                    unit_price(line.get("unit_price"), "unit_price"),
                    whole_quantity(line.get("quantity"), "quantity"),
                )
            )
        except ValidationFailed:
            amounts.append(None)
            if line.get("quantity") and line.get("unit_price"):
                readable = False
    total = sum((amount for amount in amounts if amount is not None), Decimal("0.00"))
    return DraftQuote(amounts=amounts, total=total.quantize(CENT) if readable and total > 0 else None)
