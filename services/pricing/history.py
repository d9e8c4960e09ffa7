"""One agreement's story for its page: the price in force over time, the levels of its indices over the
same months, its corridor, its open suggestions and every decision taken on it.

Read-only; scoped like the agreement itself (services/pricing/agreements.py `visible_agreement`): a
manager of the buying organisation or a user of the supplier, anyone else NotFound.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlmodel import Session, select

from models import (
    AgreementTerm,
    MarketIndex,
    Organisation,
    Part,
    PriceAgreement,
    PriceDecision,
    PriceSuggestion,
    SuggestionStatus,
)
from models.supply import Standing
from models.types import utcnow
from services.analytics.fx import load_rates
from services.identity.auth import Principal
from services.pricing import agreements as agreement_rules
from services.pricing.formula import add_months, month_start
from services.pricing.indices import monthly_levels
from services.pricing.suggestions import OPEN, in_currency, suggestion_dict
from services.supply import scorecards
from services.supply.access import is_supplier

HISTORY_MONTHS_BEFORE_BASE = 3
MAX_DECISIONS = 100


def agreement_history(
    session: Session, principal: Principal, agreement_id: object, *, today: date | None = None
) -> dict:
    """{agreement (with part, supplier names), prices: [{day, price}] (a step line: P0 on the base
    date, then each approved or applied change on its effective date, and today's price last),
    indices: [{code, name, unit, currency, weight, points: [{month, level}]}] over the months from
    three before the base date to today, suggestions (open ones, largest money first), decisions
    (newest first)}. NotFound (`pricing.agreement_not_found`) when the caller may not see it."""
    agreement = agreement_rules.visible_agreement(session, principal, agreement_id)
    today = today or utcnow().date()
    part = session.get(Part, agreement.part_id)
    supplier = session.get(Organisation, agreement.supplier_id)
    terms = list(
        session.exec(
            select(AgreementTerm, MarketIndex)
            .join(MarketIndex, MarketIndex.id == AgreementTerm.index_id)
            .where(AgreementTerm.agreement_id == agreement.id)
            .order_by(AgreementTerm.position)
        )
    )
    detail = agreement_rules.agreement_dict(agreement, [(term, index.code) for term, index in terms], part)
    detail.update(
        {
            "part_name_zh": part.name_zh if part else None,
            "category": part.category if part else "",
            "supplier_name": supplier.name if supplier else "",
            "supplier_name_zh": supplier.name_zh if supplier else None,
        }
    )
    changes = session.exec(
        select(PriceSuggestion)
        .where(
            PriceSuggestion.agreement_id == agreement.id,
            PriceSuggestion.status.in_([SuggestionStatus.APPROVED, SuggestionStatus.APPLIED]),
            PriceSuggestion.agreed_price.is_not(None),
        )
        .order_by(PriceSuggestion.effective_date, PriceSuggestion.id)
    ).all()
    prices = [{"day": agreement.base_date, "price": Decimal(agreement.base_price)}]
    for change in changes:
        if change.effective_date > today:
            continue  # approved, not in force yet
        point = {"day": change.effective_date, "price": Decimal(change.agreed_price)}
        if prices and prices[-1]["day"] == point["day"]:
            prices[-1] = point
        else:
            prices.append(point)
    if prices[-1]["day"] < today:
        prices.append({"day": today, "price": Decimal(agreement.current_price)})
    first_month = add_months(month_start(agreement.base_date), -HISTORY_MONTHS_BEFORE_BASE)
    levels = monthly_levels(session, [index.id for _, index in terms])
    indices = [
        {
            "code": index.code,
            "name": index.name,
            "unit": index.unit,
            "currency": index.currency,
            "weight": term.weight,
            "points": [
                {"month": month, "level": level}
                for month, level in sorted(levels.get(index.id, {}).items())
                if first_month <= month <= today
            ],
        }
        for term, index in terms
    ]
    open_suggestions = session.exec(
        select(PriceSuggestion)
        .where(PriceSuggestion.agreement_id == agreement.id, PriceSuggestion.status.in_(list(OPEN)))
        .order_by(PriceSuggestion.id.desc())
    ).all()
    decisions = session.exec(
        select(PriceDecision)
        .where(PriceDecision.agreement_id == agreement.id)
        .order_by(PriceDecision.at.desc(), PriceDecision.id.desc())
        .limit(MAX_DECISIONS)
    ).all()
    return {
        "agreement": detail,
        "sourcing": [] if is_supplier(principal) else sourcing(session, agreement, today),
        "prices": prices,
        "indices": indices,
        "suggestions": [
            suggestion_dict(suggestion, agreement, part, principal.language)
            for suggestion in open_suggestions
        ],
        "decisions": [
            {
                "id": decision.id,
                "suggestion_id": decision.suggestion_id,
                "action": decision.action,
                "before_price": decision.before_price,
                "after_price": decision.after_price,
                "reason": decision.reason,
                "at": decision.at,
                "by_supplier": decision.actor_organisation_id == agreement.supplier_id,
                "automatic": decision.actor_user_id is None,
            }
            for decision in decisions
        ],
    }


def sourcing(session: Session, agreement: PriceAgreement, today: date) -> list[dict]:
    """The part's approved suppliers today: each valid quote (price, currency, lead time, minimum
    quantity, validity) with the quoting supplier's scorecard standing, and its price in the
    agreement's currency at today's rates (None without a rate: not compared), cheapest first. The
    cheapest one is `flagged` when its supplier stands Poor (shown, never silently chosen); `ours`
    marks the agreement's own supplier. A buyer's view: suppliers never see each other's quotes."""
    quotes = agreement_rules.valid_quotes(session, agreement.part_id, today)
    if not quotes:
        return []
    book = load_rates(session, {q.currency for q in quotes} | {agreement.currency}, today)
    names = {
        org.id: org
        for org in session.exec(
            select(Organisation).where(Organisation.id.in_({q.supplier_id for q in quotes}))
        )
    }
    rows = []
    for quote in quotes:
        converted = in_currency(book, quote.price, quote.currency, agreement.currency, today)
        supplier = names.get(quote.supplier_id)
        rows.append(
            {
                "supplier_id": quote.supplier_id,
                "supplier_name": supplier.name if supplier else "",
                "supplier_name_zh": supplier.name_zh if supplier else None,
                "price": Decimal(quote.price),
                "currency": quote.currency,
                "price_in_agreement_currency": converted,
                "lead_time_days": quote.lead_time_days,
                "min_quantity": quote.min_quantity,
                "valid_to": quote.valid_to,
                "standing": scorecards.current_standing(session, quote.supplier_id)["standing"],
                "ours": quote.supplier_id == agreement.supplier_id,
                "flagged": False,
            }
        )
    rows.sort(
        key=lambda row: (row["price_in_agreement_currency"] is None, row["price_in_agreement_currency"] or 0)
    )
    if rows[0]["price_in_agreement_currency"] is not None and rows[0]["standing"] == Standing.POOR:
        rows[0]["flagged"] = True
    return rows


def _cheapest_first(row: dict) -> tuple:
    price = row["price_in_agreement_currency"]
    return (price is None, price or 0, row["supplier_name"])
