"""What a cart costs before it is placed: the buyer's market price list, line by line.

Every line is priced from the buyer's market list in that market's currency (services/pricing/
market_lists.py: list price less the best of the dealer tier at the line's quantity and today's
promotion), exactly as placement prices it. The checkout pages show these figures;
`services.ordering.placement.place_order` prices the order again itself at placement (from the same
rows, by the same rule), so nothing the page holds is ever trusted as money.

Framework-free: plain Decimals and dicts, no reflex.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, select

from models import Location, LocationKind, Organisation, OrganisationKind, Part, Role, StockLevel, Trim
from models.settings import get_settings
from models.types import CENTS
from services.identity.access import part_scope
from services.identity.auth import Principal
from services.platform.errors import NotFound, PermissionDenied, ValidationFailed
from services.pricing import market_lists

ITEM_KINDS = ("part", "trim")


@dataclass(frozen=True)
class PricedItem:
    """One catalogue item at its current list price."""

    kind: str  # "part" | "trim"
    id: int
    code: str
    name: str
    unit_price: Decimal
    currency: str
    name_zh: str = ""


@dataclass(frozen=True)
class PricedLine:
    item: PricedItem
    quantity: int
    line_total: Decimal


@dataclass(frozen=True)
class CartQuote:
    """The priced lines (in the order asked, unknown items left out) and one total per currency
    (amounts in different currencies are never added together)."""

    lines: tuple[PricedLine, ...]
    totals: dict[str, Decimal]
    # Items the buyer's market does not list, (kind, id, code): placement refuses them.
    unpriced: tuple[tuple[str, int, str], ...] = ()


def _check_buyer(principal: Principal, kinds: set[str]) -> None:
    if principal.role not in (Role.DEALER, Role.CUSTOMER):
        raise PermissionDenied("order.place_denied")
    if "part" in kinds:
        part_scope(principal)  # customers are outside the parts catalogue: PermissionDenied


def find_item(
    session: Session, principal: Principal, kind: str, code: str, *, location_id: int | None = None
) -> PricedItem:
    """The part (by SKU) or trim (by code) at one unit's price in the buyer's market (the market of
    `location_id`'s country, else of the buyer's organisation), for a cart.

    Raises PermissionDenied when the principal may not buy it (only dealers and customers buy;
    customers buy vehicles only), NotFound "order.item_unknown" when there is no such item,
    ValidationFailed "order.no_market" / "order.item_no_market_price" (naming the item) when the
    buyer's market does not sell it.
    """
    if kind not in ITEM_KINDS:
        raise NotFound("order.item_unknown", field="item", line=1, item=str(code)[:40])
    _check_buyer(principal, {kind})
    items = _items(session, kind, codes=[code])
    if not items:
        raise NotFound("order.item_unknown", field="item", line=1, item=str(code)[:40])
    quote = quote_cart(session, principal, [(kind, items[0].id, 1)], location_id=location_id)
    if quote.unpriced:
        raise ValidationFailed(
            "order.item_no_market_price", field="item", line=1, item=items[0].code, currency=""
        )
    return quote.lines[0].item


def quote_cart(
    session: Session,
    principal: Principal,
    lines: Sequence[tuple[str, int, int]],
    *,
    location_id: int | None = None,
) -> CartQuote:
    """Price `lines` ((kind, item id, quantity) each) from the buyer's market list (see `find_item`
    for which market), all in its currency: one total.

    Each line's unit price is the rule placement applies at that quantity (dealer tiers for
    dealers only, today's promotion), its total unit price x quantity to the cent. Lines whose item
    no longer exists are left out; items the market does not list are left out and named in
    `unpriced`. Raises PermissionDenied as `find_item` does, ValidationFailed "order.no_market".
    """
    kinds = {kind for kind, _, _ in lines if kind in ITEM_KINDS}
    _check_buyer(principal, kinds)
    found: dict[tuple[str, int], PricedItem] = {}
    for kind in kinds:
        ids = [item_id for line_kind, item_id, _ in lines if line_kind == kind]
        found.update({(kind, item.id): item for item in _items(session, kind, ids=ids)})
    market = market_lists.buyer_market(session, principal, location_id)
    listed = market_lists.market_items(session, market.id, found, market_lists.pricing_day())
    tiers = market_lists.market_tiers(session, market.id) if principal.role == Role.DEALER else ()
    priced, unpriced = [], []
    totals: dict[str, Decimal] = {}
    for kind, item_id, quantity in lines:
        item = found.get((kind, item_id))
        if item is None:
            continue
        entry = listed.get((kind, item_id))
        if entry is None:
            unpriced.append((kind, item_id, item.code))
            continue
        unit = market_lists.price_of(entry, market.currency, max(quantity, 1), tiers)
        item = replace(item, unit_price=unit, currency=market.currency)
        line_total = (unit * quantity).quantize(CENTS)
        priced.append(PricedLine(item, quantity, line_total))
        totals[market.currency] = totals.get(market.currency, Decimal("0.00")) + line_total
    return CartQuote(tuple(priced), totals, tuple(unpriced))


def customer_deposit(total: Decimal) -> Decimal:
    """The deposit a customer pays now on a vehicle of `total`: `settings.customer_deposit_percent`
    of it, rounded half-up to the cent (the rule `place_order` applies)."""
    percent = Decimal(get_settings().customer_deposit_percent)
    return (total * percent / 100).quantize(CENTS, rounding=ROUND_HALF_UP)


def stores_holding(session: Session, trim_id: int) -> set[int]:
    """The dealer stores with at least one free (unreserved) vehicle of the trim: where a
    customer's order can be filled right now."""
    rows = session.exec(
        select(StockLevel.location_id)
        .join(Location, Location.id == StockLevel.location_id)
        .join(Organisation, Organisation.id == Location.organisation_id)
        .where(
            StockLevel.trim_id == trim_id,
            Location.kind == LocationKind.STORE,
            Organisation.kind == OrganisationKind.DEALER,
            StockLevel.on_hand - StockLevel.reserved >= 1,
        )
    ).all()
    return set(rows)


def _items(
    session: Session, kind: str, *, ids: Sequence[int] = (), codes: Sequence[str] = ()
) -> list[PricedItem]:
    if kind == "part":
        statement = select(Part)
        statement = statement.where(Part.id.in_(ids) if ids else Part.sku.in_(codes))
        return [
            PricedItem(
                "part", part.id, part.sku, part.name, part.list_price, part.currency, part.name_zh or ""
            )
            for part in session.exec(statement).all()
        ]
    statement = select(Trim)
    statement = statement.where(Trim.id.in_(ids) if ids else Trim.code.in_(codes))
    return [
        PricedItem("trim", trim.id, trim.code, trim.name, trim.price, trim.currency, trim.name_zh or "")
        for trim in session.exec(statement).all()
    ]
