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

from sqlalchemy import delete, func, insert
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
    SavingsFactDaily,
)
from models.supply import PurchaseOrderLineStatus
from models.types import utcnow
from services.analytics.fx import convert, load_rates
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed
from services.pricing.formula import (
    MissingIndexValue,
    TermLevels,
    bounded_price,
    formula_factor,
    round_money,
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


@dataclass(frozen=True)
class _Agreement:
    """What the replay reads of an agreement (plain values: loading 500,000 ORM objects costs more
    than replaying them)."""

    id: int
    currency: str
    base_price: Decimal
    base_date: date
    fixed_share: Decimal
    floor_price: Decimal | None
    ceiling_price: Decimal | None
    max_change_pct: Decimal
    review_period_days: int


def _chunks(ids: list[int], size: int = 5000):
    for begin in range(0, len(ids), size):
        yield ids[begin : begin + size]


def terms_of(session: Session, agreement_ids: list[int]) -> dict[int, list[_Term]]:
    """The formula terms of the agreements, by agreement, in their order."""
    terms: dict[int, list[_Term]] = defaultdict(list)
    for chunk in _chunks(agreement_ids):
        for agreement_id, index_id, code, weight, window, lag in session.exec(
            select(
                AgreementTerm.agreement_id,
                AgreementTerm.index_id,
                MarketIndex.code,
                AgreementTerm.weight,
                AgreementTerm.window_months,
                AgreementTerm.lag_months,
            )
            .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
            .where(AgreementTerm.agreement_id.in_(chunk))
            .order_by(AgreementTerm.agreement_id, AgreementTerm.position)
        ):
            terms[agreement_id].append(_Term(index_id, code, Decimal(weight), window, lag))
    return terms


def _agreements(session: Session, agreement_ids: list[int]) -> dict[int, _Agreement]:
    found: dict[int, _Agreement] = {}
    columns = (
        PriceAgreement.id,
        PriceAgreement.currency,
        PriceAgreement.base_price,
        PriceAgreement.base_date,
        PriceAgreement.fixed_share,
        PriceAgreement.floor_price,
        PriceAgreement.ceiling_price,
        PriceAgreement.max_change_pct,
        PriceAgreement.review_period_days,
    )
    for chunk in _chunks(agreement_ids):
        for row in session.exec(select(*columns).where(PriceAgreement.id.in_(chunk))):
            found[row[0]] = _Agreement(
                row[0],
                row[1],
                Decimal(row[2]),
                row[3],
                Decimal(row[4]),
                None if row[5] is None else Decimal(row[5]),
                None if row[6] is None else Decimal(row[6]),
                Decimal(row[7]),
                row[8],
            )
    return found


def _moment(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time()).replace(tzinfo=UTC)


class _Levels:
    """Window averages of the stored index values, each computed once: a backtest over many
    agreements asks the same (index, window, lag, month) again and again."""

    def __init__(self, levels: dict[int, dict[date, Decimal]]) -> None:
        self._levels = levels
        self._averages: dict[tuple[int, int, int, date], Decimal | None] = {}

    def average(self, term: _Term, on: date) -> Decimal:
        key = (term.index_id, term.window, term.lag, on.replace(day=1))
        if key not in self._averages:
            try:
                self._averages[key] = window_average(
                    self._levels.get(term.index_id, {}), window_months(on, term.window, term.lag), term.code
                )
            except MissingIndexValue:
                self._averages[key] = None
        value = self._averages[key]
        if value is None:
            raise MissingIndexValue(term.code, on.replace(day=1))
        return value


class _Schedules:
    """Per formula (fixed share and terms), base date and review period: the review days and the
    factor P0 is multiplied by on each. Agreements of the same formula share them, so each window
    average and factor is computed once however many agreements follow it."""

    def __init__(self, levels: _Levels) -> None:
        self._levels = levels
        self._cache: dict[tuple, list[tuple[date, Decimal]] | None] = {}

    def factors(self, agreement, terms: list[_Term], until: date) -> list[tuple[date, Decimal]] | None:
        """[(review day, factor)] up to `until`, reviews lacking an index month left out; None
        when a base level is missing (the formula cannot say anything)."""
        fixed_share = Decimal(agreement.fixed_share)
        key = (fixed_share, tuple(terms), agreement.base_date, agreement.review_period_days, until)
        if key in self._cache:
            return self._cache[key]
        try:
            bases = [self._levels.average(term, agreement.base_date) for term in terms]
        except MissingIndexValue:
            self._cache[key] = None
            return None
        schedule = []
        step = timedelta(days=max(1, agreement.review_period_days))
        review = agreement.base_date + step
        while review <= until:
            try:
                levels = [
                    TermLevels(term.code, term.weight, base, self._levels.average(term, review))
                    for term, base in zip(terms, bases, strict=True)
                ]
            except MissingIndexValue:
                review += step
                continue
            schedule.append((review, formula_factor(fixed_share, levels)))
            review += step
        self._cache[key] = schedule
        return schedule


def replay_prices(
    agreement,
    terms: list[_Term],
    levels: dict[int, dict[date, Decimal]] | _Levels | _Schedules,
    until: date,
) -> list[tuple[date, Decimal]]:
    """The agreement's replayed price path up to `until`: [(day from which it holds, price)], P0 on
    the base date first, then one entry per review that changed the price. Each review is the
    agreement's own formula (services/pricing/formula.py: the factor, the rounding, the corridor and
    the step limit from the price the previous review left)."""
    if isinstance(levels, _Schedules):
        schedules = levels
    else:
        schedules = _Schedules(levels if isinstance(levels, _Levels) else _Levels(levels))
    base_price = Decimal(agreement.base_price)
    price = base_price
    path = [(agreement.base_date, price)]
    schedule = schedules.factors(agreement, terms, until)
    if not schedule:
        return path
    currency = agreement.currency
    floor_price = None if agreement.floor_price is None else Decimal(agreement.floor_price)
    ceiling_price = None if agreement.ceiling_price is None else Decimal(agreement.ceiling_price)
    max_change_pct = Decimal(agreement.max_change_pct)
    for review, factor in schedule:
        proposed, _, _ = bounded_price(
            round_money(base_price * factor, currency),
            current_price=price,
            currency=currency,
            floor_price=floor_price,
            ceiling_price=ceiling_price,
            max_change_pct=max_change_pct,
        )
        if proposed != price:
            price = proposed
            path.append((review, price))
    return path


def _price_on(path: list[tuple[date, Decimal]], day: date) -> Decimal:
    at = bisect_right([start for start, _ in path], day)
    return path[max(at, 1) - 1][1]


@dataclass(frozen=True)
class _PricedLine:
    day: date
    category: str
    supplier_id: int
    quantity: int
    paid: Decimal  # reporting currency, rounded to cents
    agreed: Decimal


def _priced_lines(
    session: Session, organisation_id: int, start: date, end: date
) -> tuple[list[_PricedLine], dict[str, int], str]:
    """(each counted purchase-order line the organisation issued from `start` to `end` with what was
    paid and what its agreement's replay makes it, the lines left out and why, the reporting
    currency): the backtest's per-line rule, which its report and its daily facts both sum."""
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
            PurchaseOrder.buyer_organisation_id == organisation_id,
            PurchaseOrder.issued_at >= _moment(start),
            PurchaseOrder.issued_at < _moment(end + timedelta(days=1)),
            PurchaseOrderLine.status.not_in(list(_SKIPPED_STATUSES)),
            PriceAgreement.status == AgreementStatus.ACTIVE,
        )
    ).all()
    agreement_ids = sorted({line[-1] for line in lines})
    agreements = _agreements(session, agreement_ids)
    terms = terms_of(session, agreement_ids)
    schedules = _Schedules(
        _Levels(monthly_levels(session, {term.index_id for rows in terms.values() for term in rows}))
    )
    paths = {
        agreement_id: replay_prices(agreement, terms[agreement_id], schedules, end)
        for agreement_id, agreement in agreements.items()
    }
    currencies = {line[2] for line in lines} | {agreement.currency for agreement in agreements.values()}
    book = load_rates(session, currencies, end)
    priced: list[_PricedLine] = []
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
        priced.append(_PricedLine(day, category, supplier_id, int(quantity), paid, agreed))
    return priced, left_out, book.reporting_currency


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
    priced, left_out, currency = _priced_lines(session, principal.organisation_id, start, end)
    groups: dict[tuple[str, int], dict] = {}
    for line in priced:
        group = groups.setdefault(
            (line.category, line.supplier_id),
            {"lines": 0, "quantity": 0, "paid": Decimal(0), "with_agreements": Decimal(0)},
        )
        group["lines"] += 1
        group["quantity"] += line.quantity
        group["paid"] += line.paid
        group["with_agreements"] += line.agreed
    rows = savings_rows(session, groups)
    paid = sum((row["paid"] for row in rows), Decimal(0))
    with_agreements = sum((row["with_agreements"] for row in rows), Decimal(0))
    return {
        "start": start,
        "end": end,
        "currency": currency,
        "paid": paid,
        "with_agreements": with_agreements,
        "savings": paid - with_agreements,
        "savings_pct": _pct(paid - with_agreements, paid),
        "lines": sum(row["lines"] for row in rows),
        "rows": rows,
        "left_out": left_out,
    }


def savings_rows(session: Session, groups: dict[tuple[str, int], dict]) -> list[dict]:
    """The report's rows from sums per (category, supplier id) ({lines, quantity, paid,
    with_agreements}): named, with savings and their share, largest savings first."""
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
    return rows


def write_savings_facts(session: Session, today: date | None = None) -> int:
    """Replace the savings backtest's daily facts (table savings_fact_daily) with the backtest of
    every buyer's purchase orders from its first issued one to `today` (UTC), summed per day,
    category and supplier. In the caller's transaction; returns the rows written. Part of the
    nightly facts rebuild (services/analytics/facts.py)."""
    today = today or utcnow().date()
    session.execute(delete(SavingsFactDaily))
    buyers = session.exec(
        select(PurchaseOrder.buyer_organisation_id, func.min(PurchaseOrder.issued_at))
        .join(
            PriceAgreement,
            (PriceAgreement.buyer_organisation_id == PurchaseOrder.buyer_organisation_id)
            & (PriceAgreement.supplier_id == PurchaseOrder.supplier_id),
        )
        .where(PurchaseOrder.issued_at.is_not(None), PriceAgreement.status == AgreementStatus.ACTIVE)
        .group_by(PurchaseOrder.buyer_organisation_id)
    ).all()
    now, written = utcnow(), 0
    for buyer_id, first_issued in buyers:
        first = first_issued.astimezone(UTC).date() if first_issued.tzinfo else first_issued.date()
        priced, _left_out, _currency = _priced_lines(session, buyer_id, first, max(today, first))
        sums: dict[tuple[date, str, int], list] = {}
        for line in priced:
            group = sums.setdefault(
                (line.day, line.category or "", line.supplier_id), [0, 0, Decimal(0), Decimal(0)]
            )
            group[0] += 1
            group[1] += line.quantity
            group[2] += line.paid
            group[3] += line.agreed
        rows = [
            {
                "day": day,
                "buyer_organisation_id": buyer_id,
                "category": category,
                "supplier_organisation_id": supplier_id,
                "lines": lines,
                "quantity": quantity,
                "paid": paid,
                "with_agreements": agreed,
                "computed_at": now,
            }
            for (day, category, supplier_id), (lines, quantity, paid, agreed) in sums.items()
        ]
        for begin in range(0, len(rows), 5000):
            session.execute(insert(SavingsFactDaily), rows[begin : begin + 5000])
        written += len(rows)
    return written


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
