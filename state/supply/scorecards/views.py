"""The scorecard pages' words and tables, built from the plain data the states hold: month
labels, the criterion tiles, the figures in words, the explanation table and the ranking rows.

Plain functions of (data, translate, language), no Reflex: the states' computed vars call them,
so switching language re-renders without a reload. Rows are TypedDicts with real booleans.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TypedDict

from babel.dates import format_date

from services.i18n.names import row_name
from services.platform.formatting import format_money, locale_for
from services.supply import scorecards
from services.supply.numbers import incident_number
from state.shared import routes
from state.supply.view import (
    EMPTY,
    STANDING_COLOURS,
    colour,
    fmt_date,
    fmt_decimal,
    fmt_int,
    fmt_money,
    label,
)


class CriterionCard(TypedDict):
    name: str
    label: str
    score: str
    weight: str
    figures: str
    colour: str


class ExplainRow(TypedDict, total=False):
    href: str
    bad: bool  # the item pulled the score down (shown tinted)
    incident_href: str
    cells: list[str]
    links: list[str]  # each cell's own link ("" for none)


class RankingRow(TypedDict):
    rank: str
    supplier_id: str
    href: str
    name: str
    country: str
    score: str
    standing: str
    colour: str
    on_time: str
    fill_rate: str
    ppm: str
    response: str
    cost: str
    blocked: bool


CRITERIA = tuple(scorecards.CRITERIA)
CRITERION_COLOURS = {
    "on_time": "#3e63dd",
    "fill_rate": "#12a594",
    "quality": "#e5484d",
    "response": "#f76b15",
    "cost": "#8e4ec6",
}
TOTAL_COLOUR = "#1c2024"
STANDING_HEX = {"excellent": "#30a46c", "good": "#0090ff", "watch": "#ffb224", "poor": "#e5484d"}
ROLLING = "rolling12"
EXPLAIN_ROWS = 50  # the worst items of a criterion shown at once (the count says how many there are)
NUMERIC_COLUMNS = frozenset(
    {
        "explain.line",
        "explain.days_late",
        "explain.ordered",
        "explain.accepted",
        "explain.rejected",
        "explain.hours",
        "explain.quantity",
        "explain.price",
        "explain.list_price",
        "explain.index",
        "explain.excess",
    }
)
ALL = "__all__"


def month_label(month: str, language: str, short: bool = False) -> str:
    """'2026-03' as 'Mar 2026' / '2026年3月' ('Mar 26' / '26年3月' when `short`)."""
    day = date(int(month[:4]), int(month[5:7]), 1)
    patterns = {"en": ("LLL y", "LLL yy"), "zh": ("y年M月", "yy年M月")}
    pattern = patterns.get(language, patterns["en"])[short]
    return format_date(day, format=pattern, locale=locale_for(language))


def criterion_cards(row: dict | None, weights: dict, translate, language: str) -> list[CriterionCard]:
    """Each criterion of a scorecard row: score, weight and the figures behind it in words."""
    cards = []
    for name in CRITERIA:
        meta = scorecards.CRITERIA[name]
        score = row.get(meta["score"]) if row else None
        cards.append(
            {
                "name": name,
                "label": translate(f"scorecard.criterion.{name}"),
                "score": fmt_decimal(score, language) if score is not None else EMPTY,
                "weight": translate("scorecard.weight", weight=weights.get(name, 0)),
                "figures": figures_text(name, row, translate, language)
                if row
                else translate("scorecard.no_data"),
                "colour": CRITERION_COLOURS[name],
            }
        )
    return cards


def figures_text(name: str, row: dict, translate, language: str) -> str:
    if name == "on_time":
        if not row.get("lines_due"):
            return translate("scorecard.no_data")
        return translate(
            "scorecard.figures.on_time",
            on_time=fmt_int(row["lines_on_time"], language),
            due=fmt_int(row["lines_due"], language),
            pct=fmt_decimal(row["on_time_pct"], language),
        )
    if name == "fill_rate":
        if not row.get("quantity_ordered"):
            return translate("scorecard.no_data")
        return translate(
            "scorecard.figures.fill_rate",
            accepted=fmt_int(row["quantity_accepted"], language),
            ordered=fmt_int(row["quantity_ordered"], language),
            pct=fmt_decimal(row["fill_rate_pct"], language),
        )
    if name == "quality":
        if not row.get("quantity_received"):
            return translate("scorecard.no_data")
        return translate(
            "scorecard.figures.quality",
            rejected=fmt_int(row["quantity_rejected"], language),
            received=fmt_int(row["quantity_received"], language),
            ppm=fmt_decimal(row["rejected_ppm"], language, 0),
        )
    if name == "response":
        if not row.get("incidents_opened"):
            return translate("scorecard.figures.no_incidents")
        return translate(
            "scorecard.figures.response",
            count=int(row["incidents_opened"]),
            incidents=fmt_int(row["incidents_opened"], language),
            hours=fmt_decimal(row["response_hours"], language),
        )
    if row.get("cost_index") is None:
        return translate("scorecard.no_data")
    return translate(
        "scorecard.figures.cost",
        spend=format_money(row["spend"], row["currency"], language),
        list_value=format_money(row["list_value"], row["currency"], language),
        index=fmt_decimal(row["cost_index"], language, 3),
    )


def explanation_table(
    criterion: str, items: list[dict], role: str, translate, language: str
) -> tuple[list[str], list[ExplainRow]]:
    """The explained items as table columns and rows ({"cells": [...], "href": order/incident})."""
    orders = routes.purchase_orders(role)
    incidents = routes.incidents(role)
    columns: list[str]
    rows: list[dict] = []
    if criterion in ("on_time", "fill_rate"):
        columns = [
            "explain.order",
            "explain.line",
            "explain.part",
            "explain.due",
            "explain.completed",
            "explain.days_late",
            "explain.ordered",
            "explain.accepted",
            "explain.verdict",
        ]
        for item in items:
            verdict = translate("explain.on_time") if item["on_time"] else translate("explain.late")
            if criterion == "fill_rate":
                verdict = (
                    translate("explain.short", quantity=fmt_int(item["shortfall"], language))
                    if item["shortfall"]
                    else translate("explain.filled")
                )
            rows.append(
                {
                    "href": f"{orders}/{item['purchase_order_id']}",
                    "bad": not (item["on_time"] if criterion == "on_time" else not item["shortfall"]),
                    "cells": [
                        item["purchase_order_number"],
                        str(item["line_no"]),
                        item["sku"],
                        fmt_date(item["due_date"], language),
                        fmt_date(item["received_complete_on"], language),
                        fmt_int(item["days_late"], language),
                        fmt_int(item["quantity"], language),
                        fmt_int(item["accepted_quantity"], language),
                        verdict,
                    ],
                }
            )
    elif criterion == "quality":
        columns = [
            "explain.order",
            "explain.receipt",
            "explain.received",
            "explain.part",
            "explain.lot",
            "explain.accepted",
            "explain.rejected",
            "explain.reason",
            "explain.incident",
        ]
        for item in items:
            rows.append(
                {
                    "href": f"{orders}/{item['purchase_order_id']}",
                    "bad": True,
                    "incident_href": f"{incidents}/{item['incident_id']}" if item["incident_id"] else "",
                    "cells": [
                        item["purchase_order_number"],
                        item["receipt_number"],
                        fmt_date(item["received_on"], language),
                        item["sku"],
                        item["lot_number"],
                        fmt_int(item["accepted_quantity"], language),
                        fmt_int(item["rejected_quantity"], language),
                        item["reject_reason"],
                        incident_number(item["incident_id"]) if item["incident_id"] else EMPTY,
                    ],
                }
            )
    elif criterion == "response":
        columns = [
            "explain.incident",
            "explain.part",
            "explain.lot",
            "explain.opened",
            "explain.acknowledged",
            "explain.hours",
            "explain.status",
        ]
        for item in items:
            hours = fmt_decimal(item["response_hours"], language, 2)
            if item["still_waiting"]:
                hours = translate("explain.still_waiting", hours=hours)
            rows.append(
                {
                    "href": f"{incidents}/{item['incident_id']}",
                    "bad": bool(item["still_waiting"]),
                    "cells": [
                        item["number"],
                        item["sku"],
                        item["lot_number"],
                        item["opened_at"],
                        item["acknowledged_at"] or "",
                        hours,
                        label("incident.status", item["status"], language),
                    ],
                }
            )
    else:
        columns = [
            "explain.order",
            "explain.line",
            "explain.issued",
            "explain.part",
            "explain.quantity",
            "explain.price",
            "explain.list_price",
            "explain.index",
            "explain.excess",
        ]
        for item in items:
            rows.append(
                {
                    "href": f"{orders}/{item['purchase_order_id']}",
                    "bad": Decimal(str(item["excess"])) > 0,
                    "cells": [
                        item["purchase_order_number"],
                        str(item["line_no"]),
                        item["issued_at"],
                        item["sku"],
                        fmt_int(item["quantity"], language),
                        fmt_money(item["unit_price"], item["currency"], language),
                        fmt_money(item["list_price"], item["currency"], language),
                        fmt_decimal(item["price_index"], language, 3),
                        fmt_money(item["excess"], item["currency"], language),
                    ],
                }
            )
    for row in rows:
        # Each cell's own link: the order (or incident) in the first, the incident in the last.
        row["links"] = [row["href"]] + [""] * (len(row["cells"]) - 1)
        if row.get("incident_href"):
            row["links"][-1] = row["incident_href"]
    return columns, rows


def ranking_rows(rows: list[dict], translate, language: str) -> list[RankingRow]:
    """The ranking table's rows from `manager_ranking`'s (plain) rows."""
    return [
        {
            "rank": fmt_int(row["rank"], language),
            "supplier_id": str(row["supplier_id"]),
            "href": routes.supplier_card(row["supplier_id"]),
            "name": row_name(row, "supplier_name", language),
            "country": row["country"],
            "score": fmt_decimal(row["score"], language),
            "standing": label("scorecard.standing", row["standing"], language)
            if row["standing"]
            else translate("scorecard.standing.none"),
            "colour": colour(STANDING_COLOURS, row["standing"]),
            "on_time": fmt_decimal(row["on_time_pct"], language),
            "fill_rate": fmt_decimal(row["fill_rate_pct"], language),
            "ppm": fmt_decimal(row["rejected_ppm"], language, 0),
            "response": fmt_decimal(row["response_hours"], language),
            "cost": fmt_decimal(row["cost_index"], language, 3),
            "blocked": bool(row["blocked"]),
        }
        for row in rows
    ]
