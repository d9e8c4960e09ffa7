"""The savings backtest: what the buyer would have paid with its index-linked agreements (every
suggestion approved) against the static prices it actually paid on its purchase-order lines, per
part category and supplier, in the reporting currency.

How the replay works, per agreement that has purchase-order lines in the period:
- the price starts at P0 on the agreement's base date and is reviewed every `review_period_days`
  after it, as the periodic review would have: each review runs the agreement's own formula,
  corridor and step limit (services/pricing/formula.py) from the index values stored, from the
  price the previous review left; a review whose index window lacks a month changes nothing;
- a line is priced at the replayed price in force on its order's issue day (UTC). Lines issued
  before the agreement's base date, cancelled or rejected lines, and lines of parts without an
  agreement with that supplier are not counted (the report says how many were left out and why);
- both amounts (quantity x the price paid in the order's currency, quantity x the replayed price in
  the agreement's currency) are converted at the issue day's rate (services/analytics/fx.py), each
  line rounded to cents; a line whose currency has no rate on or before its day is left out.

`savings = paid - with agreements`: positive when the agreements would have cost less. Read-only;
a manager reads its own organisation's purchases only.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session, select

from models import (
    AgreementStatus,
    AgreementTerm,
    MarketIndex,
    Organisation,
    Part,
    PriceAgreement,
    PurchaseOrder,
    PurchaseOrderLine,
)
from models.supply import PurchaseOrderLineStatus
from models.types import utcnow
from services.analytics.fx import convert, load_rates
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed
from services.pricing.formula import (
    MissingIndexValue,
    TermLevels,
    price_from_formula,
    window_average,
    window_months,
)
from services.pricing.indices import monthly_levels
from services.supply.access import require_manager

BACKTEST_DAYS = 365
_SKIPPED_STATUSES = (PurchaseOrderLineStatus.CANCELLED, PurchaseOrderLineStatus.REJECTED)


@dataclass(frozen=True)
class _Term:
    index_id: int
    code: str
    weight: Decimal
    window: int
    lag: int


def terms_of(session: Session, agreement_ids: list[int]) -> dict[int, list[_Term]]:
    """The formula terms of the agreements, by agreement, in their order."""
    terms: dict[int, list[_Term]] = defaultdict(list)
    for chunk_start in range(0, len(agreement_ids), 5000):
        chunk = agreement_ids[chunk_start : chunk_start + 5000]
        for term, code in session.exec(
            select(AgreementTerm, MarketIndex.code)
            .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
            .where(AgreementTerm.agreement_id.in_(chunk))
            .order_by(AgreementTerm.agreement_id, AgreementTerm.position)
        ):
            terms[term.agreement_id].append(
                _Term(term.index_id, code, Decimal(term.weight), term.window_months, term.lag_months)
            )
    return terms


def _moment(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=UTC)


def replay_prices(
    agreement: PriceAgreement, terms: list[_Term], levels: dict[int, dict[date, Decimal]], until: date
) -> list[tuple[date, Decimal]]:
    """The agreement's replayed price path up to `until`: [(day from which it holds, price)], P0 on
    the base date first, then one entry per review that changed the price."""
    price = Decimal(agreement.base_price)
    path = [(agreement.base_date, price)]
    try:
        base_levels = [
            window_average(
                levels.get(term.index_id, {}),
                window_months(agreement.base_date, term.window, term.lag),
                term.code,
            )
            for term in terms
        ]
    except MissingIndexValue:
        return path  # no base level: the formula cannot say anything, the price stays P0
    step = timedelta(days=max(1, agreement.review_period_days))
    review = agreement.base_date + step
    while review <= until:
        try:
            term_levels = [
                TermLevels(
                    term.code,
                    term.weight,
                    base,
                    window_average(
                        levels.get(term.index_id, {}), window_months(review, term.window, term.lag), term.code
                    ),
                )
                for term, base in zip(terms, base_levels, strict=True)
            ]
        except MissingIndexValue:
            review += step
            continue
        result = price_from_formula(
            base_price=Decimal(agreement.base_price),
            fixed_share=Decimal(agreement.fixed_share),
            terms=term_levels,
            current_price=price,
            currency=agreement.currency,
            floor_price=agreement.floor_price,
            ceiling_price=agreement.ceiling_price,
            max_change_pct=Decimal(agreement.max_change_pct),
        )
        if result.proposed_price != price:
            price = result.proposed_price
            path.append((review, price))
        review += step
    return path


def _price_on(path: list[tuple[date, Decimal]], day: date) -> Decimal:
    at = bisect_right([start for start, _ in path], day)
    return path[max(at, 1) - 1][1]


def savings_report(session: Session, principal: Principal, *, start: date, end: date) -> dict:
    """The backtest over the purchase orders the principal's organisation issued from `start` to
    `end` (both days included, UTC). Returns {start, end, currency, paid, with_agreements, savings,
    savings_pct, lines, rows: [{category, supplier_id, supplier_name, supplier_name_zh, lines,
    quantity, paid, with_agreements, savings, savings_pct}] (largest savings first), left_out:
    {before_agreement, no_rate}}. Managers only (PermissionDenied otherwise); `end` before `start`
    is refused (ValidationFailed `pricing.period_inverted`, field `end`)."""
    require_manager(principal)
    if end < start:
        raise ValidationFailed("pricing.period_inverted", field="end")
    lines = session.exec(
        select(
            PurchaseOrderLine.quantity,
            PurchaseOrderLine.unit_price,
            PurchaseOrder.currency,
            PurchaseOrder.issued_at,
            PurchaseOrder.supplier_id,
            Part.category,
            PriceAgreement.id,
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .join(Part, Part.id == PurchaseOrderLine.part_id)
        .join(
            PriceAgreement,
            (PriceAgreement.part_id == PurchaseOrderLine.part_id)
            & (PriceAgreement.supplier_id == PurchaseOrder.supplier_id)
            & (PriceAgreement.buyer_organisation_id == PurchaseOrder.buyer_organisation_id),
        )
        .where(
            PurchaseOrder.buyer_organisation_id == principal.organisation_id,
            PurchaseOrder.issued_at >= _moment(start),
            PurchaseOrder.issued_at < _moment(end + timedelta(days=1)),
            PurchaseOrderLine.status.not_in(list(_SKIPPED_STATUSES)),
            PriceAgreement.status == AgreementStatus.ACTIVE,
        )
    ).all()
    agreement_ids = sorted({line[-1] for line in lines})
    agreements: dict[int, PriceAgreement] = {}
    for chunk_start in range(0, len(agreement_ids), 5000):
        chunk = agreement_ids[chunk_start : chunk_start + 5000]
        for agreement in session.exec(select(PriceAgreement).where(PriceAgreement.id.in_(chunk))):
            agreements[agreement.id] = agreement
    terms = terms_of(session, agreement_ids)
    levels = monthly_levels(session, {term.index_id for rows in terms.values() for term in rows})
    paths = {
        agreement_id: replay_prices(agreement, terms[agreement_id], levels, end)
        for agreement_id, agreement in agreements.items()
    }
    currencies = {line[2] for line in lines} | {agreement.currency for agreement in agreements.values()}
    book = load_rates(session, currencies, end)
    groups: dict[tuple[str, int], dict] = {}
    left_out = {"before_agreement": 0, "no_rate": 0}
    for quantity, unit_price, currency, issued_at, supplier_id, category, agreement_id in lines:
        agreement = agreements[agreement_id]
        day = issued_at.astimezone(UTC).date() if issued_at.tzinfo else issued_at.date()
        if day < agreement.base_date:
            left_out["before_agreement"] += 1
            continue
        try:
            paid = convert(Decimal(unit_price) * quantity, book.rate(currency, day))
            agreed = convert(
                _price_on(paths[agreement_id], day) * quantity, book.rate(agreement.currency, day)
            )
        except ValidationFailed:
            left_out["no_rate"] += 1
            continue
        group = groups.setdefault(
            (category, supplier_id),
            {"lines": 0, "quantity": 0, "paid": Decimal(0), "with_agreements": Decimal(0)},
        )
        group["lines"] += 1
        group["quantity"] += int(quantity)
        group["paid"] += paid
        group["with_agreements"] += agreed
    names = (
        {
            org.id: org
            for org in session.exec(
                select(Organisation).where(Organisation.id.in_(sorted({key[1] for key in groups})))
            )
        }
        if groups
        else {}
    )
    rows = []
    for (category, supplier_id), group in groups.items():
        supplier = names.get(supplier_id)
        savings = group["paid"] - group["with_agreements"]
        rows.append(
            {
                "category": category,
                "supplier_id": supplier_id,
                "supplier_name": supplier.name if supplier else "",
                "supplier_name_zh": supplier.name_zh if supplier else None,
                **group,
                "savings": savings,
                "savings_pct": _pct(savings, group["paid"]),
            }
        )
    rows.sort(key=lambda row: (-row["savings"], row["category"], row["supplier_name"]))
    paid = sum((row["paid"] for row in rows), Decimal(0))
    with_agreements = sum((row["with_agreements"] for row in rows), Decimal(0))
    return {
        "start": start,
        "end": end,
        "currency": book.reporting_currency,
        "paid": paid,
        "with_agreements": with_agreements,
        "savings": paid - with_agreements,
        "savings_pct": _pct(paid - with_agreements, paid),
        "lines": sum(row["lines"] for row in rows),
        "rows": rows,
        "left_out": left_out,
    }


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (part / whole * 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def last_twelve_months(today: date | None = None) -> tuple[date, date]:
    """The backtest's default period: the 365 days ending today (UTC)."""
    today = today or utcnow().date()
    return today - timedelta(days=BACKTEST_DAYS - 1), today


def savings_for_period(
    session: Session, principal: Principal, start: date, end: date
) -> tuple[Decimal, str, list[dict]]:
    """For the KPI dashboard: (savings in the reporting currency, that currency's code, the rows per
    category and supplier) over purchase orders issued from `start` to `end` (see `savings_report`)."""
    report = savings_report(session, principal, start=start, end=end)
    return report["savings"], report["currency"], report["rows"]
