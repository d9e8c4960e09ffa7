"""Re-pricing: for every active agreement affected by an index (or all of them, on a review), a
suggestion of its new price, explained term by term, with the money it changes over the next
quarter.

What a suggestion combines:
- the index effect: the agreement's formula, corridor and step limit (services/pricing/formula.py),
  which sets `proposed_price` (the contract decides the price; the rest is advice beside it);
- the supplier's own price history: how far the agreement's price moved over the last 12 months;
- competing quotes: valid quotes for the part in the agreement's currency that undercut the
  proposal, each with its supplier's scorecard standing (a cheaper Poor supplier is flagged, not
  silently preferred);
- our stock cover: days of cover = on hand at the buyer's warehouses / daily demand, demand being
  the part's purchase-order quantity of the last 91 days (no planning forecast table exists yet);
  high cover means no urgency to accept an increase.

The quarter's expected volume is what was ordered from this supplier for the part in the last
91 days; `money_next_quarter` = (proposed - current) x that volume, in the agreement's currency.

Idempotent: each suggestion keeps `inputs_key`, a fingerprint of the agreement's price, formula and
the index levels it used; re-pricing from the same inputs makes no second suggestion, so an index
value imported twice re-prices once. A new suggestion supersedes the agreement's open ones.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Integer, any_, bindparam, func, insert, text, update
from sqlalchemy.dialects import postgresql
from sqlmodel import Session, select

from models import (
    AgreementStatus,
    AgreementTerm,
    DecisionAction,
    Location,
    LocationKind,
    MarketIndex,
    Organisation,
    Part,
    PriceAgreement,
    PriceDecision,
    PriceSuggestion,
    PurchaseOrder,
    PurchaseOrderLine,
    StockLevel,
    SuggestionStatus,
    SupplierQuote,
)
from models.supply import PurchaseOrderLineStatus, Standing
from models.types import utcnow
from services.analytics.fx import RateBook, load_rates
from services.i18n import LANGUAGES, translate
from services.identity.auth import Principal
from services.pricing.formula import (
    MissingIndexValue,
    PriceResult,
    TermLevels,
    price_from_formula,
    round_money,
    window_average,
    window_months,
)
from services.pricing.indices import monthly_levels
from services.supply import scorecards
from services.supply.access import is_supplier, require_reader

DEMAND_DAYS = 91
COVER_HIGH_DAYS = 60
COVER_LOW_DAYS = 15
OPEN = (SuggestionStatus.PROPOSED, SuggestionStatus.COUNTERED)
_LEVEL = Decimal("0.000001")


def _pct(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):+} %"


def _share(value: Decimal) -> str:
    text = format(Decimal(value).normalize(), "f")
    return text if "." in text else f"{text}.0"


@dataclass(frozen=True)
class RepriceOutcome:
    suggested: int
    unchanged: int
    skipped: list[dict]

    def as_dict(self) -> dict:
        return {"suggested": self.suggested, "unchanged": self.unchanged, "skipped": self.skipped}


def required_approvals(agreement: PriceAgreement, change_pct: Decimal) -> int:
    """0 inside the automatic band, 1 manager up to the four-eyes threshold, 2 different managers above."""
    size = abs(change_pct)
    if size <= agreement.auto_band_pct:
        return 0
    if size <= agreement.four_eyes_pct:
        return 1
    return 2


def in_currency(
    book: RateBook | None, amount: Decimal, currency: str, wanted: str, day: date
) -> Decimal | None:
    """`amount` of `currency` in `wanted` at `day`'s rates in `book` (cross through the reporting
    currency), rounded to `wanted`'s minor units; None without a rate for one of them (a quote that
    cannot be compared is left out, never guessed)."""
    if currency == wanted:
        return Decimal(amount)
    if book is None or not (book.has(currency, day) and book.has(wanted, day)):
        return None
    return round_money(Decimal(amount) * book.rate(currency, day) / book.rate(wanted, day), wanted)


@dataclass
class _Context:
    """What one re-pricing run reads once, set-based, for all its agreements (never per agreement)."""

    on_date: date
    volumes: dict[tuple[int, int], int]  # (part, supplier) -> quantity ordered in the last 91 days
    demand: dict[tuple[int, int], int]  # (part, buyer) -> quantity ordered from anyone, 91 days
    on_hand: dict[tuple[int, int], int]  # (part, buyer) -> units at the buyer's warehouses
    quotes: dict[int, list[SupplierQuote]]  # part -> valid quotes, cheapest first
    history: dict[int, list[PriceSuggestion]]  # agreement -> applied changes of the last 12 months
    names: dict[int, str]  # organisation -> name
    standings: dict[int, str | None] = field(default_factory=dict)
    rates: RateBook | None = None  # the quotes' and agreements' currencies, on the review day

    def in_currency(self, amount: Decimal, currency: str, wanted: str) -> Decimal | None:
        """`amount` of `currency` in `wanted` at the review day's rates (see `in_currency`)."""
        return in_currency(self.rates, amount, currency, wanted, self.on_date)

    def standing(self, session: Session, supplier_id: int) -> str | None:
        if supplier_id not in self.standings:
            self.standings[supplier_id] = scorecards.current_standing(session, supplier_id)["standing"]
        return self.standings[supplier_id]


def _since(on_date: date, days: int) -> datetime:
    return datetime.combine(on_date - timedelta(days=days), datetime.min.time()).replace(tzinfo=UTC)


def _filtered(query, column, values: set[int]):
    # A few agreements: filter by their parts; many: read everything (no huge id lists).
    return query.where(column.in_(sorted(values))) if len(values) <= 1000 else query


def _quarter_volumes(session: Session, part_ids: set[int], on_date: date) -> dict[tuple[int, int], int]:
    """(part, supplier) -> quantity on purchase-order lines issued in the last 91 days (not cancelled
    or rejected): the next quarter's expected volume from that supplier."""
    query = (
        select(PurchaseOrderLine.part_id, PurchaseOrder.supplier_id, func.sum(PurchaseOrderLine.quantity))
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(
            PurchaseOrder.issued_at >= _since(on_date, DEMAND_DAYS),
            PurchaseOrderLine.status.not_in(
                [PurchaseOrderLineStatus.CANCELLED, PurchaseOrderLineStatus.REJECTED]
            ),
        )
        .group_by(PurchaseOrderLine.part_id, PurchaseOrder.supplier_id)
    )
    query = _filtered(query, PurchaseOrderLine.part_id, part_ids)
    return {(part, supplier): int(quantity) for part, supplier, quantity in session.exec(query)}


def _context(session: Session, agreements: list[PriceAgreement], on_date: date) -> _Context:
    part_ids = {agreement.part_id for agreement in agreements}
    demand_query = (
        select(
            PurchaseOrderLine.part_id,
            PurchaseOrder.buyer_organisation_id,
            func.sum(PurchaseOrderLine.quantity),
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(PurchaseOrder.issued_at >= _since(on_date, DEMAND_DAYS))
        .group_by(PurchaseOrderLine.part_id, PurchaseOrder.buyer_organisation_id)
    )
    stock_query = (
        select(StockLevel.part_id, Location.organisation_id, func.sum(StockLevel.on_hand))
        .join(Location, Location.id == StockLevel.location_id)
        .where(Location.kind == LocationKind.WAREHOUSE, StockLevel.part_id.is_not(None))
        .group_by(StockLevel.part_id, Location.organisation_id)
    )
    quote_query = (
        select(SupplierQuote)
        .where(
            SupplierQuote.valid_from <= on_date,
            (SupplierQuote.valid_to.is_(None)) | (SupplierQuote.valid_to >= on_date),
        )
        .order_by(SupplierQuote.part_id, SupplierQuote.price, SupplierQuote.id)
    )
    quotes: dict[int, list[SupplierQuote]] = defaultdict(list)
    for quote in session.exec(_filtered(quote_query, SupplierQuote.part_id, part_ids)):
        quotes[quote.part_id].append(quote)
    agreement_ids = {agreement.id for agreement in agreements}
    history_query = (
        select(PriceSuggestion)
        .where(
            PriceSuggestion.status == SuggestionStatus.APPLIED,
            PriceSuggestion.effective_date >= on_date - timedelta(days=365),
        )
        .order_by(PriceSuggestion.agreement_id, PriceSuggestion.effective_date, PriceSuggestion.id)
    )
    history: dict[int, list[PriceSuggestion]] = defaultdict(list)
    for suggestion in session.exec(_filtered(history_query, PriceSuggestion.agreement_id, agreement_ids)):
        history[suggestion.agreement_id].append(suggestion)
    currencies = {quote.currency for rows in quotes.values() for quote in rows} | {
        agreement.currency for agreement in agreements
    }
    return _Context(
        on_date=on_date,
        volumes=_quarter_volumes(session, part_ids, on_date),
        demand={
            (part, buyer): int(quantity)
            for part, buyer, quantity in session.exec(
                _filtered(demand_query, PurchaseOrderLine.part_id, part_ids)
            )
        },
        on_hand={
            (part, owner): int(units)
            for part, owner, units in session.exec(_filtered(stock_query, StockLevel.part_id, part_ids))
        },
        quotes=quotes,
        history=history,
        names=dict(session.exec(select(Organisation.id, Organisation.name)).all()),
        rates=load_rates(session, currencies, on_date) if len(currencies) > 1 else None,
    )


def reprice_agreements(
    session: Session,
    *,
    on_date: date | None = None,
    index_codes: Collection[str] | None = None,
    agreement_ids: Collection[int] | None = None,
    now: datetime | None = None,
) -> dict:
    """Re-price the active agreements (those with a term on one of `index_codes`, or `agreement_ids`,
    or all) as of `on_date` (default: today UTC) and commit, in one transaction. Returns {suggested,
    unchanged, skipped: [{agreement_id, code, index, month}]}; an agreement whose window lacks a month
    of values is skipped, never guessed. Suggestions inside the automatic band are approved at once
    (they apply on their effective date: services/pricing/approvals.py `apply_due`).

    Set-based: the agreements, terms, index levels, known fingerprints, volumes, stock, quotes and
    history are each read once; the new suggestions are inserted together."""
    now = now or utcnow()
    on_date = on_date or now.date()
    # Plain rows, not ORM objects: building 500,000 agreements and their terms as objects cost more
    # than their formulas (the rows read the same attributes).
    query = select(*PriceAgreement.__table__.c).where(PriceAgreement.status == AgreementStatus.ACTIVE)
    if agreement_ids is not None:
        query = query.where(PriceAgreement.id.in_(sorted(agreement_ids)))
    if index_codes is not None:
        affected = (
            select(AgreementTerm.agreement_id)
            .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
            .where(MarketIndex.code.in_(sorted(index_codes)))
        )
        query = query.where(PriceAgreement.id.in_(affected))
    agreements = session.execute(query.order_by(PriceAgreement.id)).all()
    wanted = {agreement.id for agreement in agreements}
    terms: dict[int, list[tuple]] = defaultdict(list)
    if agreements:
        term_query = (
            select(
                AgreementTerm.agreement_id,
                AgreementTerm.window_months,
                AgreementTerm.lag_months,
                AgreementTerm.weight,
                MarketIndex.id,
                MarketIndex.code,
                MarketIndex.name,
            )
            .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
            .order_by(AgreementTerm.agreement_id, AgreementTerm.position)
        )
        indices: dict[int, _Index] = {}
        for row in session.execute(_filtered(term_query, AgreementTerm.agreement_id, wanted)):
            if row[0] in wanted:
                index = indices.get(row[4]) or indices.setdefault(row[4], _Index(row[4], row[5], row[6]))
                terms[row[0]].append((_Term(row[1], row[2], row[3]), index))
    levels = monthly_levels(session, {index.id for rows in terms.values() for _, index in rows})
    averages = _Averages(levels)
    known_keys: set[tuple[int, str]] = set()
    key_query = select(PriceSuggestion.agreement_id, PriceSuggestion.inputs_key)
    for agreement_id, key in session.exec(_filtered(key_query, PriceSuggestion.agreement_id, wanted)):
        if agreement_id in wanted:
            known_keys.add((agreement_id, key))
    context = _context(session, agreements, on_date) if agreements else None
    made: list[dict] = []
    unchanged, skipped, reviewed = 0, [], []
    for agreement in agreements:
        try:
            suggestion = _suggest(session, agreement, terms[agreement.id], averages, known_keys, context, now)
        except MissingIndexValue as missing:
            skipped.append(
                {
                    "agreement_id": agreement.id,
                    "code": "pricing.index_value_missing",
                    "index": missing.index_code,
                    "month": f"{missing.month:%Y-%m}",
                }
            )
            continue
        reviewed.append(agreement.id)
        if suggestion is None:
            unchanged += 1
        else:
            made.append(suggestion)
    # Written set-based, not through each ORM object: the review day, the superseded open
    # suggestions, then the new suggestions in one batch and the automatic approvals' decisions.
    agreement_table, suggestion_table = PriceAgreement.__table__, PriceSuggestion.__table__
    for chunk in _id_chunks(session, reviewed):
        session.execute(
            update(agreement_table)
            .where(_among(session, agreement_table.c.id, chunk))
            .values(last_reviewed_on=on_date)
        )
    replaced = [row["agreement_id"] for row in made]
    for chunk in _id_chunks(session, replaced):
        session.execute(
            update(suggestion_table)
            .where(
                _among(session, suggestion_table.c.agreement_id, chunk),
                suggestion_table.c.status.in_([status.value for status in OPEN]),
            )
            .values(status=SuggestionStatus.SUPERSEDED)
        )
    # Plain rows, not ORM objects (building 500,000 of them costs more than the formula); on
    # PostgreSQL through COPY with ids drawn from the sequence first, since a multi-row INSERT this
    # wide spends its time in the driver's statement parsing.
    ids = _insert_suggestions(session, made)
    auto = [
        {
            "suggestion_id": suggestion_id,
            "agreement_id": row["agreement_id"],
            "actor_user_id": None,
            "actor_organisation_id": None,
            "action": DecisionAction.AUTO_APPROVED.value,
            "before_price": row["current_price"],
            "after_price": row["proposed_price"],
            "reason": "within the automatic band",
            "at": now,
        }
        for suggestion_id, row in zip(ids, made, strict=True)
        if row["required_approvals"] == 0
    ]
    if auto:
        session.execute(insert(PriceDecision.__table__), auto)
    session.commit()
    return RepriceOutcome(len(made), unchanged, skipped).as_dict()


def _id_chunks(session: Session, ids: list[int]):
    """`ids` in chunks for `_among`: all at once on PostgreSQL (one array parameter, however many),
    5,000 placeholders at a time elsewhere."""
    size = max(len(ids), 1) if _on_postgresql(session) else 5000
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _among(session: Session, column, ids: list[int]):
    """`column IN ids`; on PostgreSQL `= ANY(array)`, one parameter instead of one per id (the
    driver's parsing of a statement with 5,000 placeholders cost more than the update itself)."""
    if _on_postgresql(session):
        return column == any_(bindparam(None, ids, type_=postgresql.ARRAY(Integer)))
    return column.in_(ids)


_COPY_COLUMNS = (
    "id",
    "agreement_id",
    "current_price",
    "formula_price",
    "proposed_price",
    "change_pct",
    "currency",
    "quarter_volume",
    "money_next_quarter",
    "explanation",
    "inputs_key",
    "status",
    "required_approvals",
    "approvals",
    "effective_date",
    "agreed_price",
    "counter_price",
    "counter_reason",
    "supplier_response",
    "created_at",
    "decided_at",
)


def _insert_suggestions(session: Session, rows: list[dict]) -> list[int]:
    """Insert the suggestion rows in the session's transaction; their ids, in order."""
    if not rows:
        return []
    table = PriceSuggestion.__table__
    if session.get_bind().dialect.name != "postgresql":
        ids: list[int] = []
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            ids += session.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), chunk
            ).scalars()
        return ids
    ids = list(
        session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence('price_suggestion', 'id')) FROM generate_series(1, :n)"
            ),
            {"n": len(rows)},
        ).scalars()
    )
    cursor = session.connection().connection.driver_connection.cursor()
    with cursor.copy(f"COPY price_suggestion ({', '.join(_COPY_COLUMNS)}) FROM STDIN") as copy:
        for suggestion_id, row in zip(ids, rows, strict=True):
            values = {**row, "id": suggestion_id}
            values["explanation"] = json.dumps(row["explanation"], ensure_ascii=False)
            values["approvals"] = json.dumps(row["approvals"])
            copy.write_row([values[column] for column in _COPY_COLUMNS])
    return ids


def _inputs_key(agreement: PriceAgreement, term_levels: list[TermLevels]) -> str:
    parts = [
        str(agreement.id),
        str(Decimal(agreement.current_price)),
        str(Decimal(agreement.base_price)),
        str(Decimal(agreement.fixed_share)),
        *(
            f"{t.index_code}:{t.weight}:{t.base_level.quantize(_LEVEL)}:{t.current_level.quantize(_LEVEL)}"
            for t in term_levels
        ),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class _Index:
    id: int
    code: str
    name: str


@dataclass(frozen=True)
class _Term:
    window_months: int
    lag_months: int
    weight: Decimal


class _Averages:
    """The window averages of one run, each computed once: agreements that share an index, a window,
    a lag and a base month (most of them) share the average."""

    def __init__(self, levels: dict[int, dict[date, Decimal]]) -> None:
        self.levels = levels
        self.known: dict[tuple, Decimal | MissingIndexValue] = {}

    def of(self, index: _Index, on: date, window: int, lag: int) -> Decimal:
        key = (index.id, on.year, on.month, window, lag)
        found = self.known.get(key)
        if found is None:
            try:
                found = window_average(
                    self.levels.get(index.id, {}), window_months(on, window, lag), index.code
                )
            except MissingIndexValue as missing:
                found = missing
            self.known[key] = found
        if isinstance(found, MissingIndexValue):
            raise found
        return found


def _suggest(
    session: Session,
    agreement,
    terms: list[tuple[_Term, _Index]],
    averages: _Averages,
    known_keys: set[tuple[int, str]],
    context: _Context,
    now: datetime,
) -> dict | None:
    """The new suggestion for one agreement (a row of price_agreement) as a row to insert, or None
    when nothing changes."""
    on_date = context.on_date
    term_levels = []
    names = {}
    for term, index in terms:
        base = averages.of(index, agreement.base_date, term.window_months, term.lag_months)
        current = averages.of(index, on_date, term.window_months, term.lag_months)
        term_levels.append(TermLevels(index.code, Decimal(term.weight), base, current))
        names[index.code] = index.name
    key = _inputs_key(agreement, term_levels)
    if (agreement.id, key) in known_keys:
        return None
    current_price = Decimal(agreement.current_price)
    result = price_from_formula(
        base_price=Decimal(agreement.base_price),
        fixed_share=Decimal(agreement.fixed_share),
        terms=term_levels,
        current_price=current_price,
        currency=agreement.currency,
        floor_price=agreement.floor_price,
        ceiling_price=agreement.ceiling_price,
        max_change_pct=Decimal(agreement.max_change_pct),
    )
    if result.proposed_price == current_price:
        return None
    volume = context.volumes.get((agreement.part_id, agreement.supplier_id), 0)
    money = round_money((result.proposed_price - current_price) * volume, agreement.currency)
    money = abs(money) if money == 0 else money  # no "-0.00" when nothing was bought
    explanation = _explanation(session, agreement, result, names, volume, money, context)
    approvals_needed = required_approvals(agreement, result.change_pct)
    return {
        "agreement_id": agreement.id,
        "current_price": current_price,
        "formula_price": result.formula_price,
        "proposed_price": result.proposed_price,
        "change_pct": result.change_pct,
        "currency": agreement.currency,
        "quarter_volume": volume,
        "money_next_quarter": money,
        "explanation": explanation,
        "inputs_key": key,
        "status": (SuggestionStatus.APPROVED if approvals_needed == 0 else SuggestionStatus.PROPOSED).value,
        "required_approvals": approvals_needed,
        "approvals": [],
        "effective_date": on_date,
        "agreed_price": result.proposed_price if approvals_needed == 0 else None,
        "counter_price": None,
        "counter_reason": "",
        "supplier_response": None,
        "created_at": now,
        "decided_at": now if approvals_needed == 0 else None,
    }


# ---------------------------------------------------------------- the advice beside the formula


def _cover_days(agreement: PriceAgreement, context: _Context) -> int | None:
    """Days the buyer's warehouse stock of the part lasts at the last 91 days' purchase rate (None
    without demand)."""
    demand = context.demand.get((agreement.part_id, agreement.buyer_organisation_id), 0)
    if not demand:
        return None
    on_hand = context.on_hand.get((agreement.part_id, agreement.buyer_organisation_id), 0)
    return int(Decimal(on_hand) * DEMAND_DAYS / Decimal(demand))


def _history(agreement: PriceAgreement, context: _Context) -> dict | None:
    applied = context.history.get(agreement.id)
    if not applied:
        return None
    start = Decimal(applied[0].current_price)
    end = Decimal(applied[-1].agreed_price or applied[-1].proposed_price)
    return {"changes": len(applied), "change_pct": str(((end / start - 1) * 100).quantize(Decimal("0.1")))}


def _explanation(
    session: Session,
    agreement: PriceAgreement,
    result: PriceResult,
    names: dict[str, str],
    volume: int,
    money: Decimal,
    context: _Context,
) -> dict:
    current = result.current_price
    base = Decimal(agreement.base_price)
    terms = [
        {
            "index": term.index_code,
            "name": names[term.index_code],
            "weight": _share(term.weight),
            "base_level": str(term.base_level.quantize(_LEVEL)),
            "current_level": str(term.current_level.quantize(_LEVEL)),
            "index_change_pct": str(term.index_change_pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
            "effect_pct": str(term.effect_pct.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
        }
        for term in result.terms
    ]
    limits = []
    for kind in result.limited_by:
        price = result.corridor_price if kind in ("floor", "ceiling") else result.proposed_price
        limits.append(
            {
                "kind": kind,
                "price": str(price),
                "change_pct": str(((price / current - 1) * 100).quantize(Decimal("0.1"))),
            }
        )
    advice = []
    cover = _cover_days(agreement, context)
    rising = result.proposed_price > current
    if cover is not None and cover >= COVER_HIGH_DAYS and rising:
        advice.append({"code": "pricing.explain.cover_high", "params": {"days": cover}})
    elif cover is not None and cover < COVER_LOW_DAYS:
        advice.append({"code": "pricing.explain.cover_low", "params": {"days": cover}})
    rivals = []
    for quote in context.quotes.get(agreement.part_id, []):
        converted = context.in_currency(quote.price, quote.currency, agreement.currency)
        if quote.supplier_id != agreement.supplier_id and converted is not None:
            rivals.append((converted, quote))
    rivals.sort(key=lambda pair: (pair[0], pair[1].id))
    for converted, quote in rivals[:1]:  # the cheapest rival, in the agreement's currency
        if converted >= result.proposed_price:
            break
        standing = context.standing(session, quote.supplier_id)
        price = f"{quote.price} {quote.currency}"
        if quote.currency != agreement.currency:
            price += f" (≈ {converted} {agreement.currency})"
        advice.append(
            {
                "code": "pricing.explain.quote_poor"
                if standing == Standing.POOR
                else "pricing.explain.quote_cheaper",
                "params": {
                    "supplier": context.names.get(quote.supplier_id, str(quote.supplier_id)),
                    "price": price,
                    "standing": standing or "unscored",
                    "lead_time_days": quote.lead_time_days,
                },
                "supplier_id": quote.supplier_id,
                "flagged": standing == Standing.POOR,
            }
        )
    history = _history(agreement, context)
    if history:
        advice.append(
            {
                "code": "pricing.explain.history",
                "params": {
                    "supplier": context.names.get(agreement.supplier_id, ""),
                    "change": _pct(Decimal(history["change_pct"])),
                    "changes": history["changes"],
                },
            }
        )
    formula_change = (result.formula_price / base - 1) * 100
    structured = {
        "fixed_share": _share(Decimal(agreement.fixed_share)),
        "terms": terms,
        "formula_price": str(result.formula_price),
        "formula_change_pct": str(formula_change.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)),
        "limits": limits,
        "advice": advice,
        "stock_cover_days": cover,
        "quarter_volume": volume,
        "money_next_quarter": str(money),
        "currency": agreement.currency,
    }
    structured["text"] = explanation_texts(structured, result.proposed_price, current, LANGUAGES)
    return structured


def explanation_text(explanation: dict, proposed: Decimal, current: Decimal, language: str) -> str:
    """The explanation in one language, term by term: "Copper +8.1 % × weight 0.35 = +2.8 %; corridor
    caps at 10.25 CNY (+2.5 %); ..."."""
    return explanation_texts(explanation, proposed, current, (language,))[language]


def explanation_texts(
    explanation: dict, proposed: Decimal, current: Decimal, languages: Collection[str]
) -> dict[str, str]:
    """explanation_text in each of `languages`; the numbers are formatted once for all of them."""
    currency = explanation["currency"]
    pieces = [
        (
            "pricing.explain.term",
            {
                "index": term["name"],
                "change": _pct(Decimal(term["index_change_pct"])),
                "weight": term["weight"],
                "effect": _pct(Decimal(term["effect_pct"])),
            },
        )
        for term in explanation["terms"]
    ]
    pieces.append(("pricing.explain.fixed", {"share": explanation["fixed_share"]}))
    pieces.append(
        (
            "pricing.explain.formula",
            {
                "price": f"{explanation['formula_price']} {currency}",
                "change": _pct(Decimal(explanation["formula_change_pct"])),
            },
        )
    )
    for limit in explanation["limits"]:
        pieces.append(
            (
                f"pricing.explain.{limit['kind']}",
                {"price": f"{limit['price']} {currency}", "change": _pct(Decimal(limit["change_pct"]))},
            )
        )
    pieces.append(
        (
            "pricing.explain.proposal",
            {
                "price": f"{proposed} {currency}",
                "change": _pct((proposed / current - 1) * 100),
                "money": f"{explanation['money_next_quarter']} {currency}",
                "volume": explanation["quarter_volume"],
            },
        )
    )
    pieces.extend((item["code"], item["params"]) for item in explanation["advice"])
    return {
        language: "; ".join(translate(key, language, **params) for key, params in pieces)
        for language in languages
    }


def list_suggestions(
    session: Session,
    principal: Principal,
    *,
    status: str | None = None,
    agreement_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """The suggestions the caller may see, largest money at stake first (managers: their
    organisation's agreements; a supplier: changes to its own prices)."""
    require_reader(principal)
    query = (
        select(PriceSuggestion, PriceAgreement, Part)
        .join(PriceAgreement, PriceAgreement.id == PriceSuggestion.agreement_id)
        .join(Part, Part.id == PriceAgreement.part_id)
    )
    if is_supplier(principal):
        query = query.where(PriceAgreement.supplier_id == principal.organisation_id)
    else:
        query = query.where(PriceAgreement.buyer_organisation_id == principal.organisation_id)
    if status:
        query = query.where(PriceSuggestion.status == status)
    if agreement_id is not None:
        query = query.where(PriceSuggestion.agreement_id == agreement_id)
    query = query.order_by(func.abs(PriceSuggestion.money_next_quarter).desc(), PriceSuggestion.id.desc())
    return [
        suggestion_dict(suggestion, agreement, part, principal.language)
        for suggestion, agreement, part in session.exec(query.offset(offset).limit(limit))
    ]


def suggestion_dict(
    suggestion: PriceSuggestion, agreement: PriceAgreement, part: Part | None, language: str
) -> dict:
    text = suggestion.explanation.get("text", {})
    return {
        "id": suggestion.id,
        "agreement_id": agreement.id,
        "part_id": agreement.part_id,
        "sku": part.sku if part else None,
        "supplier_id": agreement.supplier_id,
        "current_price": suggestion.current_price,
        "formula_price": suggestion.formula_price,
        "proposed_price": suggestion.proposed_price,
        "agreed_price": suggestion.agreed_price,
        "change_pct": suggestion.change_pct,
        "currency": suggestion.currency,
        "quarter_volume": suggestion.quarter_volume,
        "money_next_quarter": suggestion.money_next_quarter,
        "status": suggestion.status,
        "required_approvals": suggestion.required_approvals,
        "approvals": list(suggestion.approvals or []),
        "effective_date": suggestion.effective_date,
        "supplier_response": suggestion.supplier_response,
        "counter_price": suggestion.counter_price,
        "counter_reason": suggestion.counter_reason,
        "explanation": suggestion.explanation,
        "explanation_text": text.get(language) or text.get("en", ""),
    }
