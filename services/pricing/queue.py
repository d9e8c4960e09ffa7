"""The lists the pricing pages show: the managers' queue of suggestions and the supplier's inbox of
proposed changes to its prices, with the part's and the supplier's names and the money at stake in
the reporting currency beside the agreement's.

Scoped as `suggestions.list_suggestions` is (managers: their organisation's agreements; a supplier:
its own prices); a supplier never reads the competing quotes or our stock cover in the advice.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, select

from models import Organisation, Part, PriceAgreement, PriceSuggestion
from models.settings import get_settings
from models.types import utcnow
from services.analytics.fx import convert, load_rates
from services.identity.auth import Principal
from services.platform.errors import ValidationFailed
from services.pricing.suggestions import suggestion_dict
from services.supply.access import is_supplier, require_reader

MAX_ROWS = 200
# What stays the buyer's: competitors' quotes and its own stock cover (the supplier's leverage).
_SUPPLIER_HIDDEN_ADVICE = (
    "pricing.explain.quote_cheaper",
    "pricing.explain.quote_poor",
    "pricing.explain.cover_high",
    "pricing.explain.cover_low",
)


def suggestion_queue(
    session: Session,
    principal: Principal,
    *,
    statuses: Collection[str] | None = None,
    limit: int = MAX_ROWS,
    today: date | None = None,
) -> dict:
    """{rows, total, reporting_currency}: the suggestions the caller may see in `statuses` (all when
    None), largest money at stake first, at most `limit`. Each row is `suggestion_dict` plus
    part_name(_zh), category, supplier_name(_zh), and money_reporting (the money at stake converted
    at the latest rate on or before today; None when no rate is known)."""
    require_reader(principal)
    today = today or utcnow().date()
    query = (
        select(PriceSuggestion, PriceAgreement, Part, Organisation)
        .join(PriceAgreement, PriceAgreement.id == PriceSuggestion.agreement_id)
        .join(Part, Part.id == PriceAgreement.part_id)
        .join(Organisation, Organisation.id == PriceAgreement.supplier_id)
    )
    count = select(func.count(PriceSuggestion.id)).join(
        PriceAgreement, PriceAgreement.id == PriceSuggestion.agreement_id
    )
    if is_supplier(principal):
        scope = PriceAgreement.supplier_id == principal.organisation_id
    else:
        scope = PriceAgreement.buyer_organisation_id == principal.organisation_id
    query, count = query.where(scope), count.where(scope)
    if statuses is not None:
        query = query.where(PriceSuggestion.status.in_(sorted(statuses)))
        count = count.where(PriceSuggestion.status.in_(sorted(statuses)))
    query = query.order_by(func.abs(PriceSuggestion.money_next_quarter).desc(), PriceSuggestion.id.desc())
    found = session.exec(query.limit(max(1, min(limit, MAX_ROWS)))).all()
    quoted = {
        item["supplier_id"]
        for suggestion, _, _, _ in found
        for item in suggestion.explanation.get("advice", [])
        if item.get("supplier_id")
    }
    names_zh = (
        dict(
            session.exec(
                select(Organisation.id, Organisation.name_zh).where(Organisation.id.in_(quoted))
            ).all()
        )
        if quoted
        else {}
    )
    reporting = get_settings().reporting_currency
    book = load_rates(session, {agreement.currency for _, agreement, _, _ in found}, today)
    rows = []
    for suggestion, agreement, part, supplier in found:
        row = suggestion_dict(suggestion, agreement, part, principal.language)
        try:
            money_reporting = convert(
                Decimal(suggestion.money_next_quarter), book.rate(agreement.currency, today)
            )
        except ValidationFailed:
            money_reporting = None
        explanation = dict(row["explanation"])
        explanation["advice"] = [
            _with_chinese_name(
                item, names_zh.get(item["supplier_id"]) if item.get("supplier_id") else supplier.name_zh
            )
            for item in explanation.get("advice", [])
        ]
        row["explanation"] = explanation
        if is_supplier(principal):
            explanation["advice"] = [
                item
                for item in explanation.get("advice", [])
                if item.get("code") not in _SUPPLIER_HIDDEN_ADVICE
            ]
            explanation.pop("text", None)
            explanation.pop("stock_cover_days", None)
            row["explanation"] = explanation
            row["explanation_text"] = ""
        row.update(
            {
                "part_name": part.name,
                "part_name_zh": part.name_zh,
                "category": part.category,
                "supplier_name": supplier.name,
                "supplier_name_zh": supplier.name_zh,
                "money_reporting": money_reporting,
            }
        )
        rows.append(row)
    return {"rows": rows, "total": session.exec(count).one(), "reporting_currency": reporting}


def _with_chinese_name(item: dict, name_zh: str | None) -> dict:
    """An advice item whose `supplier` parameter also carries the company's Chinese name
    (`supplier_zh`), so a Chinese page names it in Chinese."""
    if "supplier" not in item.get("params", {}):
        return item
    return {**item, "params": {**item["params"], "supplier_zh": name_zh or ""}}
