"""Shared by the pricing states: a suggestion's explanation line by line in the viewer's language (index
and company names translated, not the English the service stored), percentages with their sign,
the approvals a suggestion has and needs, and status labels and colours."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_decimal

from services.i18n import KEYS, translate
from services.i18n.names import localized_name
from services.platform.formatting import locale_for
from state.supply.view import EMPTY, fmt_money

STATUS_COLOURS = {
    "proposed": "amber",
    "countered": "orange",
    "approved": "blue",
    "applied": "grass",
    "rejected": "red",
    "superseded": "gray",
}
OPEN_STATUSES = ("proposed", "countered")


def index_name(code: str, name: str, language: str) -> str:
    """An index by its translated name where the catalogue has one (`pricing.index_name.cu`), else
    as stored (an FX pair's 'EUR/CNY' reads the same in every language)."""
    key = f"pricing.index_name.{code.lower().replace('-', '_')}"
    return translate(key, language) if key in KEYS else name


def signed_pct(value: object, language: str, places: int = 1) -> str:
    """'+2.8 %', '−1.4 %', '0.0 %' ('—' for none)."""
    if value in (None, ""):
        return EMPTY
    try:
        number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return EMPTY
    sign = "+" if number > 0 else "−" if number < 0 else ""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return f"{sign}{format_decimal(abs(number), format=pattern, locale=locale_for(language))} %"


def status_label(status: str | None, language: str) -> str:
    return translate(f"pricing.status.{status}", language) if status else EMPTY


def approvals_label(row: dict, language: str) -> str:
    """'automatic' inside the band, else 'n of m approvals' (an open one) or the count it got."""
    needed = int(row.get("required_approvals") or 0)
    if needed == 0:
        return translate("pricing.approvals.automatic", language)
    given = len(row.get("approvals") or [])
    return translate("pricing.approvals.count", language, given=given, needed=needed)


def _standing(value: str | None, language: str) -> str:
    key = f"scorecard.standing.{value}"
    return translate(key if key in KEYS else "scorecard.standing.none", language)


def explanation_lines(explanation: dict, proposed: object, current: object, language: str) -> list[dict]:
    """The explanation term by term as [{text, kind}] (kind: term, fixed, formula, limit, proposal,
    advice, flagged): "Copper +8.1 % × weight 0.35 = +2.8 %", "corridor caps at ... (+2.5 %)", ..."""
    if not explanation:
        return []
    currency = explanation.get("currency", "")

    def money(amount: object) -> str:
        return fmt_money(str(amount), currency, language)

    lines = [
        {
            "text": translate(
                "pricing.explain.term",
                language,
                index=index_name(term["index"], term["name"], language),
                change=signed_pct(term["index_change_pct"], language),
                weight=term["weight"],
                effect=signed_pct(term["effect_pct"], language),
            ),
            "kind": "term",
        }
        for term in explanation.get("terms", [])
    ]
    lines.append(
        {
            "text": translate("pricing.explain.fixed", language, share=explanation.get("fixed_share", "")),
            "kind": "fixed",
        }
    )
    lines.append(
        {
            "text": translate(
                "pricing.explain.formula",
                language,
                price=money(explanation.get("formula_price", "0")),
                change=signed_pct(explanation.get("formula_change_pct"), language),
            ),
            "kind": "formula",
        }
    )
    for limit in explanation.get("limits", []):
        lines.append(
            {
                "text": translate(
                    f"pricing.explain.{limit['kind']}",
                    language,
                    price=money(limit["price"]),
                    change=signed_pct(limit["change_pct"], language),
                ),
                "kind": "limit",
            }
        )
    try:
        change = (Decimal(str(proposed)) / Decimal(str(current)) - 1) * 100
    except (InvalidOperation, ZeroDivisionError):
        change = Decimal(0)
    lines.append(
        {
            "text": translate(
                "pricing.explain.proposal",
                language,
                price=money(proposed),
                change=signed_pct(change, language),
                money=money(explanation.get("money_next_quarter", "0")),
                volume=explanation.get("quarter_volume", 0),
            ),
            "kind": "proposal",
        }
    )
    for item in explanation.get("advice", []):
        params = dict(item.get("params", {}))
        if "supplier" in params:
            params["supplier"] = localized_name(params["supplier"], params.pop("supplier_zh", None), language)
        if "standing" in params:
            params["standing"] = _standing(params["standing"], language)
        if "price" in params and isinstance(params["price"], str) and " " in params["price"]:
            amount, code = params["price"].rsplit(" ", 1)
            params["price"] = fmt_money(amount, code, language)
        lines.append(
            {
                "text": translate(item["code"], language, **params),
                "kind": "flagged" if item.get("flagged") else "advice",
            }
        )
    return lines


def index_level(value: object, language: str) -> str:
    """An index value with the decimals it has, at least two, at most six: 9,123.50, 0.0054."""
    if value in (None, ""):
        return EMPTY
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return EMPTY
    return format_decimal(number, format="#,##0.00####", locale=locale_for(language))
