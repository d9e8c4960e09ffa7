"""Price agreements: create one (managers of the buying organisation), read them (managers of that
organisation; a supplier reads only its own), and supplier quotes beside them.

An agreement not visible to the caller answers NotFound, exactly like one that does not exist, so
ids cannot be probed across organisations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import (
    AgreementStatus,
    AgreementTerm,
    MarketIndex,
    Organisation,
    OrganisationKind,
    Part,
    PriceAgreement,
    SupplierQuote,
)
from models.types import utcnow
from services.identity.auth import Principal
from services.platform import audit
from services.platform.errors import FieldCollector, NotFound, ValidationFailed
from services.platform.fields import all_or_nothing, calendar_date, currency_code, record_id, unit_price
from services.pricing.formula import check_formula, round_money
from services.supply.access import is_supplier, require_manager, require_reader

MAX_PERCENT = Decimal("100")


def _percent(
    value: object, field: str, errors: FieldCollector, *, default: Decimal, positive: bool
) -> Decimal:
    if value in (None, ""):
        return default
    try:
        if isinstance(value, bool | float):
            raise InvalidOperation
        number = Decimal(str(value).strip())
        if not number.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add(field, "pricing.percent_invalid")
        return default
    if (
        number < 0
        or (positive and number == 0)
        or number > MAX_PERCENT
        or number != number.quantize(Decimal("0.01"))
    ):
        errors.add(field, "pricing.percent_out_of_range", max=str(MAX_PERCENT))
        return default
    return number


@all_or_nothing
def create_agreement(session: Session, principal: Principal, data: dict) -> dict:
    """Create a price agreement for one part from one supplier (managers only), all fields checked
    at once (FieldErrors naming each: `part_id`, `supplier_id`, `base_price`, `base_date`,
    `fixed_share`, `terms[1].weight`, `floor_price`, `ceiling_price`, `max_change_pct`,
    `auto_band_pct`, `four_eyes_pct`, `review_period_days`). The current price starts at P0.
    One agreement per part and supplier (`pricing.agreement_exists`, field `part_id`)."""
    require_manager(principal)
    if not isinstance(data, dict):
        raise ValidationFailed("pricing.agreement_invalid", field="agreement")
    errors = FieldCollector()
    part_id = errors.check(record_id, data.get("part_id"), "part_id")
    supplier_id = errors.check(record_id, data.get("supplier_id"), "supplier_id")
    part = session.get(Part, part_id) if part_id else None
    if part_id and part is None:
        errors.add("part_id", "pricing.part_unknown")
    supplier = session.get(Organisation, supplier_id) if supplier_id else None
    if supplier_id and (supplier is None or supplier.kind != OrganisationKind.SUPPLIER):
        errors.add("supplier_id", "pricing.supplier_unknown")
    currency = errors.check(
        currency_code, data.get("currency") or (part.currency if part else "CNY"), "currency"
    )
    base_price = errors.check(unit_price, data.get("base_price"), "base_price")
    base_date = errors.check(calendar_date, data.get("base_date"), "base_date")
    known = set(session.exec(select(MarketIndex.code)).all())
    formula = errors.check(check_formula, data.get("fixed_share"), data.get("terms"), known)
    floor_price = (
        errors.check(unit_price, data["floor_price"], "floor_price") if data.get("floor_price") else None
    )
    ceiling_price = (
        errors.check(unit_price, data["ceiling_price"], "ceiling_price")
        if data.get("ceiling_price")
        else None
    )
    if floor_price and ceiling_price and floor_price > ceiling_price:
        errors.add("ceiling_price", "pricing.corridor_inverted")
    if base_price and floor_price and base_price < floor_price:
        errors.add("floor_price", "pricing.base_outside_corridor")
    if base_price and ceiling_price and base_price > ceiling_price:
        errors.add("ceiling_price", "pricing.base_outside_corridor")
    max_change = _percent(
        data.get("max_change_pct"), "max_change_pct", errors, default=Decimal("5"), positive=True
    )
    auto_band = _percent(
        data.get("auto_band_pct"), "auto_band_pct", errors, default=Decimal("1"), positive=False
    )
    four_eyes = _percent(
        data.get("four_eyes_pct"), "four_eyes_pct", errors, default=Decimal("3"), positive=False
    )
    if auto_band > four_eyes:
        errors.add("four_eyes_pct", "pricing.bands_inverted")
    review = data.get("review_period_days", 30)
    if isinstance(review, bool) or not isinstance(review, int) or not 1 <= review <= 366:
        errors.add("review_period_days", "pricing.review_period_invalid")
    errors.raise_if_any()
    if base_price is not None and currency:
        base_price = round_money(base_price, currency)
    existing = session.exec(
        select(PriceAgreement.id).where(
            PriceAgreement.part_id == part.id, PriceAgreement.supplier_id == supplier.id
        )
    ).first()
    if existing is not None:
        raise ValidationFailed("pricing.agreement_exists", field="part_id", agreement_id=existing)
    fixed_share, terms = formula
    agreement = PriceAgreement(
        part_id=part.id,
        supplier_id=supplier.id,
        buyer_organisation_id=principal.organisation_id,
        currency=currency,
        base_price=base_price,
        base_date=base_date,
        fixed_share=fixed_share,
        floor_price=floor_price,
        ceiling_price=ceiling_price,
        max_change_pct=max_change,
        review_period_days=review,
        auto_band_pct=auto_band,
        four_eyes_pct=four_eyes,
        current_price=base_price,
        status=AgreementStatus.ACTIVE,
        created_at=utcnow(),
        created_by_user_id=principal.user_id,
    )
    session.add(agreement)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise ValidationFailed("pricing.agreement_exists", field="part_id") from None
    index_ids = dict(session.exec(select(MarketIndex.code, MarketIndex.id)).all())
    for position, term in enumerate(terms):
        session.add(
            AgreementTerm(
                agreement_id=agreement.id,
                index_id=index_ids[term.index_code],
                position=position,
                weight=term.weight,
                window_months=term.window_months,
                lag_months=term.lag_months,
            )
        )
    audit.record(
        session,
        action="pricing.agreement_created",
        entity="price_agreement",
        entity_id=agreement.id,
        actor_user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        after={
            "part_id": part.id,
            "supplier_id": supplier.id,
            "base_price": str(base_price),
            "fixed_share": str(fixed_share),
            "terms": [
                {
                    "index": t.index_code,
                    "weight": str(t.weight),
                    "window": t.window_months,
                    "lag": t.lag_months,
                }
                for t in terms
            ],
        },
    )
    agreement_id = agreement.id
    session.commit()
    return get_agreement(session, principal, agreement_id)


def visible_agreement(
    session: Session, principal: Principal, agreement_id: object, *, for_update: bool = False
) -> PriceAgreement:
    """The agreement when the caller may see it: a manager or admin of its buying organisation, or
    a user of its supplier. Anything else answers NotFound(`pricing.agreement_not_found`)."""
    require_reader(principal)
    number = record_id(agreement_id, "agreement_id")
    query = select(PriceAgreement).where(PriceAgreement.id == number)
    if for_update:
        query = query.with_for_update()
    agreement = session.exec(query).first()
    if agreement is None or not can_see(principal, agreement):
        raise NotFound("pricing.agreement_not_found", field="agreement_id")
    return agreement


def can_see(principal: Principal, agreement: PriceAgreement) -> bool:
    if is_supplier(principal):
        return agreement.supplier_id == principal.organisation_id
    return agreement.buyer_organisation_id == principal.organisation_id


def agreement_dict(
    agreement: PriceAgreement, terms: list[tuple[AgreementTerm, str]], part: Part | None = None
) -> dict:
    return {
        "id": agreement.id,
        "part_id": agreement.part_id,
        "sku": part.sku if part else None,
        "part_name": part.name if part else None,
        "supplier_id": agreement.supplier_id,
        "buyer_organisation_id": agreement.buyer_organisation_id,
        "currency": agreement.currency,
        "base_price": agreement.base_price,
        "base_date": agreement.base_date,
        "fixed_share": agreement.fixed_share,
        "floor_price": agreement.floor_price,
        "ceiling_price": agreement.ceiling_price,
        "max_change_pct": agreement.max_change_pct,
        "review_period_days": agreement.review_period_days,
        "auto_band_pct": agreement.auto_band_pct,
        "four_eyes_pct": agreement.four_eyes_pct,
        "current_price": agreement.current_price,
        "status": agreement.status,
        "last_reviewed_on": agreement.last_reviewed_on,
        "terms": [
            {
                "index": code,
                "weight": term.weight,
                "window_months": term.window_months,
                "lag_months": term.lag_months,
            }
            for term, code in terms
        ],
    }


def _terms(session: Session, agreement_ids: list[int]) -> dict[int, list[tuple[AgreementTerm, str]]]:
    by_agreement: dict[int, list[tuple[AgreementTerm, str]]] = {
        agreement_id: [] for agreement_id in agreement_ids
    }
    if agreement_ids:
        for term, code in session.exec(
            select(AgreementTerm, MarketIndex.code)
            .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
            .where(AgreementTerm.agreement_id.in_(agreement_ids))
            .order_by(AgreementTerm.agreement_id, AgreementTerm.position)
        ):
            by_agreement[term.agreement_id].append((term, code))
    return by_agreement


def get_agreement(session: Session, principal: Principal, agreement_id: object) -> dict:
    """One agreement with its terms (NotFound when the caller may not see it)."""
    agreement = visible_agreement(session, principal, agreement_id)
    return agreement_dict(
        agreement, _terms(session, [agreement.id])[agreement.id], session.get(Part, agreement.part_id)
    )


def list_agreements(
    session: Session, principal: Principal, *, part_id: int | None = None, limit: int = 200, offset: int = 0
) -> list[dict]:
    """The agreements the caller may see (a supplier: its own; managers: their organisation's)."""
    require_reader(principal)
    query = select(PriceAgreement, Part).join(Part, Part.id == PriceAgreement.part_id)
    if is_supplier(principal):
        query = query.where(PriceAgreement.supplier_id == principal.organisation_id)
    else:
        query = query.where(PriceAgreement.buyer_organisation_id == principal.organisation_id)
    if part_id is not None:
        query = query.where(PriceAgreement.part_id == part_id)
    rows = session.exec(query.order_by(PriceAgreement.id).offset(offset).limit(limit)).all()
    terms = _terms(session, [agreement.id for agreement, _ in rows])
    return [agreement_dict(agreement, terms[agreement.id], part) for agreement, part in rows]


@all_or_nothing
def add_quote(
    session: Session,
    principal: Principal,
    *,
    part_id: object,
    supplier_id: object,
    price: object,
    currency: object,
    valid_from: object,
    valid_to: object = None,
    lead_time_days: int = 0,
    min_quantity: int = 1,
) -> SupplierQuote:
    """Record a supplier's quote for a part (managers; a supplier for itself). Fields named on error."""
    require_reader(principal)
    errors = FieldCollector()
    part = session.get(Part, errors.check(record_id, part_id, "part_id") or 0)
    if part is None:
        errors.add("part_id", "pricing.part_unknown")
    supplier_number = errors.check(record_id, supplier_id, "supplier_id")
    if is_supplier(principal) and supplier_number != principal.organisation_id:
        raise NotFound("supplier.not_found", field="supplier_id")
    if not is_supplier(principal):
        require_manager(principal)
    supplier = session.get(Organisation, supplier_number or 0)
    if supplier is None or supplier.kind != OrganisationKind.SUPPLIER:
        errors.add("supplier_id", "pricing.supplier_unknown")
    amount = errors.check(unit_price, price, "price")
    code = errors.check(currency_code, currency, "currency")
    start = errors.check(calendar_date, valid_from, "valid_from")
    end = errors.check(calendar_date, valid_to, "valid_to") if valid_to else None
    if start and end and end < start:
        errors.add("valid_to", "pricing.validity_inverted")
    if isinstance(lead_time_days, bool) or not isinstance(lead_time_days, int) or lead_time_days < 0:
        errors.add("lead_time_days", "pricing.lead_time_invalid")
    if isinstance(min_quantity, bool) or not isinstance(min_quantity, int) or min_quantity < 1:
        errors.add("min_quantity", "pricing.min_quantity_invalid")
    errors.raise_if_any()
    quote = SupplierQuote(
        part_id=part.id,
        supplier_id=supplier.id,
        price=amount,
        currency=code,
        lead_time_days=lead_time_days,
        min_quantity=min_quantity,
        valid_from=start,
        valid_to=end,
    )
    session.add(quote)
    session.commit()
    return quote


def valid_quotes(session: Session, part_id: int, on_date: date) -> list[SupplierQuote]:
    """The quotes for a part valid on `on_date`, cheapest first (not scoped: callers check access)."""
    return list(
        session.exec(
            select(SupplierQuote)
            .where(
                SupplierQuote.part_id == part_id,
                SupplierQuote.valid_from <= on_date,
                (SupplierQuote.valid_to.is_(None)) | (SupplierQuote.valid_to >= on_date),
            )
            .order_by(SupplierQuote.price, SupplierQuote.id)
        )
    )
