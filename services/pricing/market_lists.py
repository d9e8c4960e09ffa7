"""Market price lists: which market a buyer is in, what an item costs there, the repricing run that
rebuilds the lists from costs, FX and markup rules, and the managers' decisions on list-price
changes.

- A buyer's market is the one serving the country of its delivery location (a dealer's store; for a
  customer, the store the vehicle is handed over at); without a location, its organisation's country.
- A line's unit price (services/pricing/market_prices.py): the market's active list price less the
  best of the dealer tier reached at the line's quantity (dealers only) and the promotion valid on
  the day (percent off, or a price), in the market's currency. Orders keep the prices they were
  placed at (sales_order_line.unit_price); a list change never touches them.
- The repricing run (`reprice_markets`): each item's cost (a part's price in force under an active
  agreement with its supplier, else its purchase price, in that currency; a trim's base price)
  converted into the market currency at the day's FX rates (cross via the reporting currency,
  services/analytics/fx.py), times the markup rule, rounded to the currency's price points. A manual
  price is left alone. A change inside the market's automatic band applies at once; above it one
  manager approves; above the four-eyes threshold two different managers (the thresholds of
  procurement: services/pricing/suggestions.py `required_approvals`). An item's first price applies
  at once.
- Only managers read the lists and decide; everything is audited.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, func, insert, or_, update
from sqlmodel import Session, select

from models import (
    AgreementStatus,
    DealerTier,
    Location,
    Market,
    MarketCountry,
    MarketPrice,
    MarketPriceStatus,
    Organisation,
    Part,
    PriceAgreement,
    Promotion,
    Trim,
    VehicleModel,
)
from models.types import utcnow
from services.analytics import fx
from services.identity.auth import Principal
from services.platform import audit, outbox
from services.platform.errors import DomainError, NotFound, ValidationFailed
from services.platform.fields import all_or_nothing, record_id, text_value, today_in, unit_price
from services.pricing.formula import HUNDRED
from services.pricing.market_prices import MINOR_UNITS, list_price
from services.pricing.market_prices import unit_price as line_unit_price
from services.pricing.suggestions import required_approvals
from services.supply.access import require_manager

ITEM_KINDS = ("part", "trim")
MAX_PAGE = 100
# Outbox topic: the lists should be rebuilt (a manager asked; workers/tasks ROUTES runs one
# coalesced `reprice_markets` task per relay batch).
MARKET_LISTS_CHANGED = "pricing.market_lists_changed"


class ChangeConflict(DomainError):
    """The list-price change is not pending any more, or this manager already approved it. HTTP 409."""

    status = 409


def pricing_day(now: datetime | None = None) -> date:
    """The day whose promotions apply: today in UTC (the cart quote and placement use the same)."""
    return (now or utcnow()).date()


# ---------------------------------------------------------------------------- the buyer's market


def market_of_country(session: Session, country: str) -> Market | None:
    return session.exec(
        select(Market)
        .join(MarketCountry, MarketCountry.market_id == Market.id)
        .where(MarketCountry.country == country)
    ).first()


def buyer_market(session: Session, principal: Principal, location_id: int | None = None) -> Market:
    """The market a buyer pays in: its delivery location's country's (see the module docstring).
    Raises ValidationFailed "order.no_market" (field buyer_location_id) when no market serves it."""
    if location_id is not None:
        country = session.exec(select(Location.country).where(Location.id == location_id)).first()
    else:
        country = session.exec(
            select(Organisation.country).where(Organisation.id == principal.organisation_id)
        ).first()
    market = market_of_country(session, country) if country else None
    if market is None:
        raise ValidationFailed("order.no_market", field="buyer_location_id", country=country or "")
    return market


@dataclass(frozen=True)
class MarketItem:
    """An item's active list price in a market with its promotion valid on the day."""

    list_price: Decimal
    promo_pct: Decimal | None = None
    promo_price: Decimal | None = None


def _item_column(model, kind: str):
    return model.part_id if kind == "part" else model.trim_id


def market_items(
    session: Session, market_id: int, keys: Iterable[tuple[str, int]], on_date: date
) -> dict[tuple[str, int], MarketItem]:
    """(kind, id) -> the market's active price and the day's best promotion, for the items given
    (items without an active price are left out)."""
    found: dict[tuple[str, int], MarketItem] = {}
    keys = list(keys)
    for kind in ITEM_KINDS:
        ids = [item_id for item_kind, item_id in keys if item_kind == kind]
        if not ids:
            continue
        item = _item_column(MarketPrice, kind)
        promo_item = _item_column(Promotion, kind)
        promo_pct = (
            select(func.max(Promotion.percent))
            .where(Promotion.market_id == market_id, promo_item == item, *_valid_on(on_date))
            .scalar_subquery()
        )
        promo_price = (
            select(func.min(Promotion.price))
            .where(Promotion.market_id == market_id, promo_item == item, *_valid_on(on_date))
            .scalar_subquery()
        )
        rows = session.exec(
            select(item, MarketPrice.list_price, promo_pct, promo_price).where(
                MarketPrice.market_id == market_id,
                MarketPrice.status == MarketPriceStatus.ACTIVE,
                item.in_(ids),
            )
        ).all()
        for item_id, price, pct, promo in rows:
            found[(kind, item_id)] = MarketItem(
                Decimal(price),
                None if pct is None else Decimal(pct),
                None if promo is None else Decimal(promo),
            )
    return found


def _valid_on(on_date: date) -> tuple:
    return (Promotion.valid_from <= on_date, Promotion.valid_to >= on_date)


def market_tiers(session: Session, market_id: int) -> tuple[tuple[int, Decimal], ...]:
    """The market's dealer tiers as (min quantity, discount percent), by quantity."""
    rows = session.exec(
        select(DealerTier.min_quantity, DealerTier.discount_pct)
        .where(DealerTier.market_id == market_id)
        .order_by(DealerTier.min_quantity)
    ).all()
    return tuple((quantity, Decimal(pct)) for quantity, pct in rows)


def price_of(
    item: MarketItem, currency: str, quantity: int, tiers: Sequence[tuple[int, Decimal]] = ()
) -> Decimal:
    """One unit of a line of `quantity`: the list price less the best of tier and promotion."""
    return line_unit_price(
        item.list_price,
        currency,
        quantity=quantity,
        tiers=tiers,
        promo_pct=item.promo_pct,
        promo_price=item.promo_price,
    )


# ---------------------------------------------------------------------------- the repricing run


@dataclass(frozen=True)
class _Cost:
    kind: str
    id: int
    rule_key: str  # "part:<category>" or "trim:<model code>"
    cost: Decimal
    currency: str


def markup_for(market: Market, kind: str, rule_key: str) -> Decimal:
    """The market's markup (percent) for an item: its category's (model's) rule, else its kind's,
    else 0."""
    rules = market.markup_rules or {}
    return Decimal(str(rules.get(rule_key, rules.get(kind, "0"))))


def _costs(session: Session) -> list[_Cost]:
    """Each item's cost: a part's price in force under an active agreement with its supplier (in the
    agreement's currency), else its purchase price; a trim's base price."""
    agreement = and_(
        PriceAgreement.part_id == Part.id,
        PriceAgreement.supplier_id == Part.supplier_id,
        PriceAgreement.status == AgreementStatus.ACTIVE,
    )
    parts = session.exec(
        select(
            Part.id,
            Part.category,
            func.coalesce(PriceAgreement.current_price, Part.list_price),
            func.coalesce(PriceAgreement.currency, Part.currency),
        ).outerjoin(PriceAgreement, agreement)
    ).all()
    trims = session.exec(
        select(Trim.id, VehicleModel.code, Trim.price, Trim.currency).join(
            VehicleModel, VehicleModel.id == Trim.model_id
        )
    ).all()
    return [
        *(_Cost("part", i, f"part:{category}", Decimal(cost), ccy) for i, category, cost, ccy in parts),
        *(_Cost("trim", i, f"trim:{model}", Decimal(cost), ccy) for i, model, cost, ccy in trims),
    ]


def _convert(book: fx.RateBook, amount: Decimal, source: str, target: str, on_date: date) -> Decimal:
    """`amount` of `source` in `target` at the day's rates (cross via the reporting currency).
    Raises ValidationFailed fx.rate_missing."""
    if source == target:
        return amount
    return amount * book.rate(source, on_date) / book.rate(target, on_date)


def _change_pct(old: Decimal, new: Decimal) -> Decimal:
    return ((new / old - 1) * HUNDRED).quantize(Decimal("0.01"))


def _key(row: MarketPrice) -> tuple[str, int]:
    return ("part", row.part_id) if row.part_id is not None else ("trim", row.trim_id)


def _item_fields(kind: str, item_id: int) -> dict:
    return {"part_id": item_id if kind == "part" else None, "trim_id": item_id if kind == "trim" else None}


def reprice_markets(
    session: Session, *, on_date: date | None = None, now: datetime | None = None, market_ids=None
) -> dict:
    """Rebuild every market's list (or those of `market_ids`) from today's costs, FX and rules, in
    one transaction; commits. Returns counts: created (an item's first price), applied (inside the
    automatic band), pending (waiting for managers), unchanged, manual (left alone), no_rate (no FX
    rate for the item's or market's currency on the day: the price stays).

    Idempotent: a second run on the same inputs changes nothing. A pending change the new
    computation no longer supports (back at the active price) is superseded."""
    now = now or utcnow()
    on_date = on_date or now.date()
    counts = dict.fromkeys(("created", "applied", "pending", "unchanged", "manual", "no_rate"), 0)
    statement = select(Market).order_by(Market.id)
    if market_ids is not None:
        statement = statement.where(Market.id.in_(list(market_ids)))
    markets = session.exec(statement).all()
    costs = _costs(session)
    book = fx.load_rates(session, {c.currency for c in costs} | {m.currency for m in markets}, on_date)
    table = MarketPrice.__table__
    for market in markets:
        rows = session.exec(
            select(MarketPrice).where(
                MarketPrice.market_id == market.id,
                MarketPrice.status.in_((MarketPriceStatus.ACTIVE, MarketPriceStatus.PENDING)),
            )
        ).all()
        active = {_key(r): r for r in rows if r.status == MarketPriceStatus.ACTIVE}
        pending = {_key(r): r for r in rows if r.status == MarketPriceStatus.PENDING}
        superseded: list[int] = []
        new_rows: list[dict] = []
        for item in costs:
            key = (item.kind, item.id)
            try:
                cost = _convert(book, item.cost, item.currency, market.currency, on_date)
            except ValidationFailed:
                counts["no_rate"] += 1
                continue
            price = list_price(cost, markup_for(market, item.kind, item.rule_key), market.currency)
            current, waiting = active.get(key), pending.get(key)
            row = {
                "market_id": market.id,
                **_item_fields(*key),
                "list_price": price,
                "cost": cost.quantize(Decimal("0.01")),
                "manual": False,
                "approvals": [],
                "created_at": now,
            }
            if current is None:
                new_rows.append(
                    {
                        **row,
                        "status": MarketPriceStatus.ACTIVE,
                        "effective_from": on_date,
                        "required_approvals": 0,
                    }
                )
                counts["created"] += 1
                continue
            if current.manual or (waiting is not None and waiting.manual):
                counts["manual"] += 1
                continue
            if price == Decimal(current.list_price):
                if waiting is not None:
                    superseded.append(waiting.id)
                counts["unchanged"] += 1
                continue
            change = _change_pct(Decimal(current.list_price), price)
            needed = required_approvals(market, change)
            if needed == 0:
                superseded.append(current.id)
                if waiting is not None:
                    superseded.append(waiting.id)
                new_rows.append(
                    {
                        **row,
                        "status": MarketPriceStatus.ACTIVE,
                        "effective_from": on_date,
                        "previous_price": current.list_price,
                        "change_pct": change,
                        "required_approvals": 0,
                        "decided_at": now,
                    }
                )
                counts["applied"] += 1
                continue
            counts["pending"] += 1
            if waiting is not None and Decimal(waiting.list_price) == price:
                continue
            if waiting is not None:
                superseded.append(waiting.id)
            new_rows.append(
                {
                    **row,
                    "status": MarketPriceStatus.PENDING,
                    "previous_price": current.list_price,
                    "change_pct": change,
                    "required_approvals": needed,
                }
            )
        # Superseded first: the partial unique indexes allow one active and one pending per item.
        if superseded:
            session.execute(
                update(table)
                .where(table.c.id.in_(superseded))
                .values(status=MarketPriceStatus.SUPERSEDED, decided_at=now)
            )
        if new_rows:
            columns = {column.name for column in table.columns} - {"id"}
            defaults = {
                "effective_from": None,
                "previous_price": None,
                "change_pct": None,
                "decided_at": None,
                "created_by_user_id": None,
            }
            session.execute(
                insert(table),
                [{name: {**defaults, **r}.get(name) for name in columns} for r in new_rows],
            )
    session.commit()
    return counts


# ---------------------------------------------------------------------------- managers' decisions


def _load_change(session: Session, price_id: object) -> tuple[MarketPrice, Market]:
    number = record_id(price_id, "price_id")
    row = session.exec(select(MarketPrice).where(MarketPrice.id == number).with_for_update()).first()
    if row is None:
        raise NotFound("market_price.not_found", field="price_id")
    return row, session.get(Market, row.market_id)


def _activate(session: Session, row: MarketPrice, principal: Principal, now: datetime) -> None:
    """Make a pending change the item's active price (the former one is superseded)."""
    table = MarketPrice.__table__
    item = table.c.part_id if row.part_id is not None else table.c.trim_id
    session.execute(
        update(table)
        .where(
            table.c.market_id == row.market_id,
            item == (row.part_id if row.part_id is not None else row.trim_id),
            table.c.status == MarketPriceStatus.ACTIVE,
        )
        .values(status=MarketPriceStatus.SUPERSEDED, decided_at=now)
    )
    row.status = MarketPriceStatus.ACTIVE
    row.effective_from = today_in(principal.time_zone, now)
    row.decided_at = now


def _audit(session: Session, principal: Principal, row: MarketPrice, action: str, **after) -> None:
    audit.record(
        session,
        action=f"market_price.{action}",
        entity="market_price",
        entity_id=row.id,
        actor_user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        before={"price": None if row.previous_price is None else str(row.previous_price)},
        after={"price": str(row.list_price), "status": row.status, **after},
    )


@all_or_nothing
def approve_change(
    session: Session, principal: Principal, price_id: object, *, now: datetime | None = None
) -> dict:
    """One manager's approval of a pending list-price change; when the approvals needed are there
    (two different managers above the four-eyes threshold) it becomes the active price at once.
    Raises PermissionDenied for anyone but managers, NotFound, ChangeConflict
    ("market_price.not_pending", "pricing.already_approved"). Commits."""
    require_manager(principal)
    now = now or utcnow()
    row, _market = _load_change(session, price_id)
    if row.status != MarketPriceStatus.PENDING:
        raise ChangeConflict("market_price.not_pending", field="price_id", status=row.status)
    approvals = list(row.approvals or [])
    if principal.user_id in approvals:
        raise ChangeConflict("pricing.already_approved", field="price_id")
    row.approvals = [*approvals, principal.user_id]
    if len(row.approvals) >= max(row.required_approvals, 1):
        _activate(session, row, principal, now)
    session.add(row)
    _audit(session, principal, row, "approved", approvals=len(row.approvals))
    session.commit()
    return change_dict(session, row)


@all_or_nothing
def reject_change(
    session: Session, principal: Principal, price_id: object, *, reason: str = "", now: datetime | None = None
) -> dict:
    """A manager refuses a pending change: the active price stays. Commits."""
    require_manager(principal)
    now = now or utcnow()
    reason = text_value(reason, "reason", max_length=1000)
    row, _market = _load_change(session, price_id)
    if row.status != MarketPriceStatus.PENDING:
        raise ChangeConflict("market_price.not_pending", field="price_id", status=row.status)
    row.status = MarketPriceStatus.REJECTED
    row.decided_at = now
    session.add(row)
    _audit(session, principal, row, "rejected", reason=reason)
    session.commit()
    return change_dict(session, row)


@all_or_nothing
def set_manual_price(
    session: Session,
    principal: Principal,
    *,
    market_id: object,
    item_kind: object,
    item_id: object,
    price: object,
    now: datetime | None = None,
) -> dict:
    """A manager sets an item's list price by hand (the repricing run then leaves it alone). The
    setter's own approval counts: inside one manager's band it applies at once; above the four-eyes
    threshold it waits for a second, different manager. Raises ValidationFailed naming the field
    (market_id, item_kind, item_id, price: positive, in the currency's minor units). Commits."""
    require_manager(principal)
    now = now or utcnow()
    market = session.get(Market, record_id(market_id, "market_id"))
    if market is None:
        raise NotFound("market.not_found", field="market_id")
    if item_kind not in ITEM_KINDS:
        raise ValidationFailed("market_price.kind_invalid", field="item_kind")
    number = record_id(item_id, "item_id")
    if session.get(Part if item_kind == "part" else Trim, number) is None:
        raise ValidationFailed("market_price.item_unknown", field="item_id")
    amount = unit_price(price, "price")
    if amount != amount.quantize(Decimal(1).scaleb(-MINOR_UNITS.get(market.currency, 2))):
        raise ValidationFailed("market_price.price_precision", field="price", currency=market.currency)
    item_column = _item_column(MarketPrice, item_kind)
    current = session.exec(
        select(MarketPrice).where(
            MarketPrice.market_id == market.id,
            item_column == number,
            MarketPrice.status == MarketPriceStatus.ACTIVE,
        )
    ).first()
    waiting = session.exec(
        select(MarketPrice).where(
            MarketPrice.market_id == market.id,
            item_column == number,
            MarketPrice.status == MarketPriceStatus.PENDING,
        )
    ).first()
    if waiting is not None:  # the manual price replaces a change still waiting
        waiting.status, waiting.decided_at = MarketPriceStatus.SUPERSEDED, now
        session.add(waiting)
        session.flush()
    change = None if current is None else _change_pct(Decimal(current.list_price), amount)
    needed = 0 if change is None else required_approvals(market, change)
    row = MarketPrice(
        market_id=market.id,
        **_item_fields(item_kind, number),
        list_price=amount,
        manual=True,
        status=MarketPriceStatus.PENDING,
        previous_price=None if current is None else current.list_price,
        change_pct=change,
        required_approvals=max(needed, 1),
        approvals=[principal.user_id],
        created_at=now,
        created_by_user_id=principal.user_id,
    )
    if needed <= 1:
        _activate(session, row, principal, now)
        session.flush()
    session.add(row)
    session.flush()
    _audit(session, principal, row, "set_manual")
    session.commit()
    return change_dict(session, row)


# ---------------------------------------------------------------------------- reads for the pages


def _names(session: Session, rows: Sequence[MarketPrice]) -> dict[tuple[str, int], tuple[str, str, str]]:
    part_ids = [r.part_id for r in rows if r.part_id is not None]
    trim_ids = [r.trim_id for r in rows if r.trim_id is not None]
    names = {}
    if part_ids:
        for i, code, name, zh in session.exec(
            select(Part.id, Part.sku, Part.name, Part.name_zh).where(Part.id.in_(part_ids))
        ):
            names[("part", i)] = (code, name, zh or "")
    if trim_ids:
        for i, code, name, zh in session.exec(
            select(Trim.id, Trim.code, Trim.name, Trim.name_zh).where(Trim.id.in_(trim_ids))
        ):
            names[("trim", i)] = (code, name, zh or "")
    return names


def change_dict(session: Session, row: MarketPrice, names=None, market: Market | None = None) -> dict:
    market = market or session.get(Market, row.market_id)
    kind, item_id = _key(row)
    code, name, name_zh = (names or _names(session, [row])).get((kind, item_id), ("", "", ""))
    return {
        "id": row.id,
        "market_id": row.market_id,
        "market_code": market.code,
        "currency": market.currency,
        "item_kind": kind,
        "item_id": item_id,
        "code": code,
        "name": name,
        "name_zh": name_zh,
        "list_price": str(row.list_price),
        "previous_price": None if row.previous_price is None else str(row.previous_price),
        "change_pct": None if row.change_pct is None else str(row.change_pct),
        "manual": row.manual,
        "status": row.status,
        "required_approvals": row.required_approvals,
        "approvals": list(row.approvals or []),
        "effective_from": None if row.effective_from is None else row.effective_from.isoformat(),
    }


def list_markets(session: Session, principal: Principal) -> list[dict]:
    """Every market with its currency, countries, and counts of active prices and pending changes."""
    require_manager(principal)
    countries: dict[int, list[str]] = {}
    for country, market_id in session.exec(
        select(MarketCountry.country, MarketCountry.market_id).order_by(MarketCountry.country)
    ):
        countries.setdefault(market_id, []).append(country)
    counts: dict[tuple[int, str], int] = {
        (market_id, status): n
        for market_id, status, n in session.exec(
            select(MarketPrice.market_id, MarketPrice.status, func.count())
            .where(MarketPrice.status.in_((MarketPriceStatus.ACTIVE, MarketPriceStatus.PENDING)))
            .group_by(MarketPrice.market_id, MarketPrice.status)
        )
    }
    return [
        {
            "id": market.id,
            "code": market.code,
            "name": market.name,
            "name_zh": market.name_zh or "",
            "currency": market.currency,
            "countries": countries.get(market.id, []),
            "prices": counts.get((market.id, MarketPriceStatus.ACTIVE), 0),
            "pending": counts.get((market.id, MarketPriceStatus.PENDING), 0),
        }
        for market in session.exec(select(Market).order_by(Market.code)).all()
    ]


def _rows(
    session: Session, market: Market, status: str, search: str, offset: int, limit: int
) -> tuple[list[dict], int]:
    pattern = f"%{search.strip().lower()}%" if search and search.strip() else None
    statement = (
        select(MarketPrice)
        .outerjoin(Part, Part.id == MarketPrice.part_id)
        .outerjoin(Trim, Trim.id == MarketPrice.trim_id)
        .where(MarketPrice.market_id == market.id, MarketPrice.status == status)
    )
    if pattern:
        code = func.lower(func.coalesce(Part.sku, Trim.code))
        name = func.lower(func.coalesce(Part.name, Trim.name))
        statement = statement.where(or_(code.like(pattern), name.like(pattern)))
    total = session.exec(select(func.count()).select_from(statement.subquery())).one()
    rows = session.exec(
        statement.order_by(MarketPrice.trim_id.is_(None), func.coalesce(Part.sku, Trim.code))
        .offset(max(offset, 0))
        .limit(min(max(limit, 1), MAX_PAGE))
    ).all()
    names = _names(session, rows)
    return [change_dict(session, row, names, market) for row in rows], total


def list_prices(
    session: Session,
    principal: Principal,
    market_id: object,
    *,
    search: str = "",
    offset: int = 0,
    limit: int = 25,
) -> tuple[list[dict], int]:
    """One page of a market's active list prices (trims first, then parts by SKU), searched by code
    or name; returns (rows, total)."""
    require_manager(principal)
    market = session.get(Market, record_id(market_id, "market_id"))
    if market is None:
        raise NotFound("market.not_found", field="market_id")
    return _rows(session, market, MarketPriceStatus.ACTIVE, search, offset, limit)


def pending_changes(
    session: Session, principal: Principal, market_id: object, *, offset: int = 0, limit: int = 25
) -> tuple[list[dict], int]:
    """One page of a market's pending list-price changes; returns (rows, total)."""
    require_manager(principal)
    market = session.get(Market, record_id(market_id, "market_id"))
    if market is None:
        raise NotFound("market.not_found", field="market_id")
    return _rows(session, market, MarketPriceStatus.PENDING, "", offset, limit)


def request_repricing(session: Session, principal: Principal) -> None:
    """A manager asks for the lists to be rebuilt now: an outbox message, committed; the worker's
    run follows within seconds (coalesced with any other request)."""
    require_manager(principal)
    outbox.enqueue(session, MARKET_LISTS_CHANGED, {"user_id": principal.user_id})
    session.commit()
