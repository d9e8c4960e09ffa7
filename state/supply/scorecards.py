"""Scorecards: a supplier's card with criteria that explain themselves (/supplier/scorecard, and the
manager's drill-in /manager/suppliers/<id> with block and unblock), the ranking of all suppliers
with the quality-vs-delivery scatter (/manager/suppliers), and the scoring settings
(/manager/scorecard-settings: weights adding to 100, standing bands).

Scores come from the set-based recompute (a Celery task); pages read the stored rows and show
when they were computed.
"""

from __future__ import annotations

import plotly.graph_objects as go
import reflex as rx
from babel.dates import format_date

from models import Role
from models.db import session_scope
from models.supply import PeriodKind, Standing
from services.catalog.lists import Page
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.platform.formatting import locale_for
from services.supply import choices as purchase_choices
from services.supply import purchasing, scorecards
from services.supply.numbers import incident_number
from state.catalog.manager_home import chart_layout
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.supply.view import (
    EMPTY,
    STANDING_COLOURS,
    colour,
    error_entry,
    fmt_date,
    fmt_decimal,
    fmt_int,
    fmt_money,
    label,
    messages,
    plain,
)

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
    from datetime import date

    day = date(int(month[:4]), int(month[5:7]), 1)
    patterns = {"en": ("LLL y", "LLL yy"), "zh": ("y年M月", "yy年M月")}
    pattern = patterns.get(language, patterns["en"])[short]
    return format_date(day, format=pattern, locale=locale_for(language))


def trend_figure(trend: list[dict], months: list[str], translate, language: str) -> go.Figure:
    """One line per criterion score (and the total, bold) over the months; a month without data
    leaves a gap rather than a misleading zero."""
    by_month = {row["period"]: row for row in trend}
    labels = [month_label(month, language, short=True) for month in months]
    figure = go.Figure()
    for name in CRITERIA:
        column = scorecards.CRITERIA[name]["score"]
        figure.add_trace(
            go.Scatter(
                x=labels,
                name=translate(f"scorecard.criterion.{name}"),
                mode="lines+markers",
                y=[
                    float(by_month[m][column]) if m in by_month and by_month[m][column] is not None else None
                    for m in months
                ],
                line={"color": CRITERION_COLOURS[name], "width": 2},
                marker={"size": 5},
                connectgaps=False,
            )
        )
    figure.add_trace(
        go.Scatter(
            x=labels,
            name=translate("scorecard.total"),
            mode="lines+markers",
            y=[
                float(by_month[m]["score"]) if m in by_month and by_month[m]["score"] is not None else None
                for m in months
            ],
            line={"color": TOTAL_COLOUR, "width": 3, "dash": "dot"},
            marker={"size": 6},
        )
    )
    figure.update_layout(
        **chart_layout(
            height=340,
            yaxis={
                "range": [0, 105],
                "gridcolor": "rgba(128,128,128,0.2)",
                "automargin": True,
                "title": {"text": translate("scorecard.score_axis")},
            },
            # Above the plot: below it, the legend would collide with the month labels on a phone.
            legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
            xaxis={"automargin": True, "tickangle": -45},
            hovermode="x unified",
        )
    )
    return figure


def criterion_cards(row: dict | None, weights: dict, translate, language: str) -> list[dict[str, str]]:
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
        spend=fmt_decimal(row["spend"], language, 2),
        list_value=fmt_decimal(row["list_value"], language, 2),
        index=fmt_decimal(row["cost_index"], language, 3),
    )


def explanation_table(
    criterion: str, items: list[dict], role: str, translate, language: str
) -> tuple[list[str], list[dict]]:
    """The explained items as table columns and rows ({"cells": [...], "href": order/incident})."""
    orders = "/manager/purchase-orders" if role == Role.MANAGER else "/supplier/purchase-orders"
    incidents = "/manager/incidents" if role == Role.MANAGER else "/supplier/incidents"
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
                    "bad": ""
                    if (item["on_time"] if criterion == "on_time" else not item["shortfall"])
                    else "yes",
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
                    "bad": "yes",
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
                        incident_number(item['incident_id']) if item["incident_id"] else EMPTY,
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
                    "bad": "yes" if item["still_waiting"] else "",
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
                    "bad": "yes" if float(item["excess"]) > 0 else "",
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


class ScorecardState(AuthState):
    """A supplier's card: the supplier's own, or (managers) the one drilled into."""

    _card: dict = {}
    _explanation: dict = {}
    period: str = ROLLING
    criterion: str = ""
    loading: bool = True
    explaining: bool = False
    missing: bool = False
    block_open: bool = False
    _errors: dict[str, list] = {}

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @rx.var
    def head(self) -> dict[str, str]:
        card, language = self._card, self.language
        if not card:
            return {}
        current = card["current"] or {}
        standing = current.get("standing")
        return {
            "supplier_id": str(card["supplier_id"]),
            "name": card["supplier_name"],
            "score": fmt_decimal(current.get("score"), language),
            "standing": label("scorecard.standing", standing, language)
            if standing
            else self.t("scorecard.standing.none"),
            "colour": colour(STANDING_COLOURS, standing),
            "period": self.t("scorecard.rolling_to", month=month_label(current["period"], language))
            if current
            else "",
            "computed": self.t("scorecard.last_computed", time=self.fmt_time(card["computed_at"]))
            if card["computed_at"]
            else self.t("scorecard.never_computed"),
            "blocked": "yes" if card["blocked"] else "",
            "blocked_text": self.t("scorecard.blocked_since", reason=card["blocked_reason"])
            if card["blocked"]
            else "",
            "issue_href": f"/manager/purchase-orders/new?supplier={card['supplier_id']}",
        }

    @rx.var
    def period_options(self) -> list[dict[str, str]]:
        card = self._card
        if not card:
            return []
        options = [{"value": ROLLING, "label": self.t("scorecard.rolling12")}]
        options += [
            {"value": month, "label": month_label(month, self.language)}
            for month in reversed(card["trend_months"])
        ]
        return options

    def _period_row(self) -> dict | None:
        card = self._card
        if not card:
            return None
        if self.period == ROLLING:
            return card["current"]
        return next((row for row in card["trend"] if row["period"] == self.period), None)

    @rx.var
    def cards(self) -> list[dict[str, str]]:
        if not self._card:
            return []
        return criterion_cards(self._period_row(), self._card["weights"], self.t, self.language)

    @rx.var
    def period_score(self) -> str:
        row = self._period_row()
        return fmt_decimal(row.get("score"), self.language) if row else EMPTY

    @rx.var
    def figure(self) -> go.Figure:
        card = self._card
        if not card:
            return go.Figure()
        return trend_figure(card["trend"], card["trend_months"], self.t, self.language)

    @rx.var
    def explain_head(self) -> dict[str, str]:
        explanation, language = self._explanation, self.language
        if not explanation:
            return {}
        params = {key: str(value) for key, value in explanation["formula_params"].items()}
        return {
            "title": self.t(
                "scorecard.explain_title",
                criterion=self.t(f"scorecard.criterion.{explanation['criterion']}"),
                period=(
                    self.t("scorecard.rolling_to", month=month_label(explanation["period"], language))
                    if explanation["period_kind"] == PeriodKind.ROLLING_12
                    else month_label(explanation["period"], language)
                ),
            ),
            "formula": self.t(explanation["formula_key"], **params),
            "score": fmt_decimal(explanation["score"], language),
            "weight": self.t("scorecard.weight", weight=explanation["weight"]),
            "figures": figures_text(explanation["criterion"], explanation["figures"], self.t, language)
            if explanation["figures"]
            else self.t("scorecard.no_data"),
            "range": f"{fmt_date(explanation['period_start'], language)} – "
            f"{fmt_date(explanation['period_end'], language)}",
            "count": self.t(
                "scorecard.items_shown",
                shown=fmt_int(len(explanation["items"]), language),
                total=fmt_int(explanation["items_total"], language),
            ),
        }

    @rx.var
    def explain_columns(self) -> list[str]:
        if not self._explanation:
            return []
        columns, _rows = explanation_table(
            self._explanation["criterion"], [], self.role, self.t, self.language
        )
        return [self.t(column) for column in columns]

    @rx.var
    def explain_aligns(self) -> list[str]:
        if not self._explanation:
            return []
        columns, _rows = explanation_table(
            self._explanation["criterion"], [], self.role, self.t, self.language
        )
        return ["right" if column in NUMERIC_COLUMNS else "left" for column in columns]

    @rx.var
    def explain_rows(self) -> list[dict]:
        explanation = self._explanation
        if not explanation:
            return []
        items = [
            {
                **item,
                **(
                    {
                        "opened_at": self.fmt_time(item["opened_at"]),
                        "acknowledged_at": self.fmt_time(item["acknowledged_at"]),
                    }
                    if "opened_at" in item
                    else {}
                ),
                **({"issued_at": self.fmt_time(item["issued_at"])} if "issued_at" in item else {}),
            }
            for item in explanation["items"]
        ]
        _columns, rows = explanation_table(explanation["criterion"], items, self.role, self.t, self.language)
        return rows

    # --- loading -----------------------------------------------------------------------

    def _supplier_id(self, principal) -> int | str:
        if principal.role == Role.SUPPLIER:
            return principal.organisation_id
        return self.router.url.path.rstrip("/").rsplit("/", 1)[-1]

    def _read(self) -> None:
        principal = self._principal(Role.MANAGER, Role.SUPPLIER)
        with session_scope() as session:
            self._card = plain(
                scorecards.supplier_scorecard(session, principal, self._supplier_id(principal))
            )

    @rx.event
    def load(self):
        self.loading, self.missing, self._card, self._explanation = True, False, {}, {}
        self.period, self.criterion, self.block_open, self._errors = ROLLING, "", False, {}
        yield
        try:
            self._read()
        except PermissionDenied:
            pass
        except (NotFound, ValidationFailed):
            self.missing = True
        self.loading = False
        wanted = self.router.url.query_parameters.get("criterion", "")
        if wanted in CRITERIA and self._card:
            yield ScorecardState.explain(wanted)

    @rx.event
    def set_period(self, period: str):
        valid = {option["value"] for option in self.period_options}
        self.period = period if period in valid else ROLLING
        if self.criterion:
            return ScorecardState.explain(self.criterion)
        return None

    @rx.event
    def explain(self, criterion: str):
        """Load the figures and the very items behind one criterion for the chosen period."""
        if criterion not in CRITERIA or not self._card:
            return None
        self.criterion, self.explaining = criterion, True
        card = self._card
        if self.period == ROLLING:
            period = (card["current"] or {}).get("period") or card["trend_months"][-1]
            kind = PeriodKind.ROLLING_12
        else:
            period, kind = self.period, PeriodKind.MONTH
        try:
            principal = self._principal(Role.MANAGER, Role.SUPPLIER)
            with session_scope() as session:
                self._explanation = plain(
                    scorecards.explain_criterion(
                        session,
                        principal,
                        card["supplier_id"],
                        period,
                        criterion,
                        period_kind=kind,
                        limit=EXPLAIN_ROWS,
                    )
                )
        except DomainError as error:
            self.explaining = False
            return self._denied(error)
        self.explaining = False
        return None

    @rx.event
    def close_explanation(self):
        self.criterion, self._explanation = "", {}

    # --- blocking (managers) -----------------------------------------------------------

    @rx.event
    def set_block_open(self, is_open: bool):
        self.block_open, self._errors = bool(is_open), {}

    @rx.event
    def set_blocked(self, form_data: dict):
        card = self._card
        if not card:
            return None
        blocked = not card["blocked"]
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                purchasing.set_supplier_blocked(
                    session,
                    principal,
                    card["supplier_id"],
                    blocked=blocked,
                    reason=str(form_data.get("reason") or "")[:501],
                )
            self._read()
        except ValidationFailed as error:
            self._errors = {error.field or "form": error_entry(error)}
            return None
        except DomainError as error:
            return self._denied(error)
        self.block_open, self._errors = False, {}
        return rx.toast.success(
            self.t(
                "scorecard.blocked_toast" if blocked else "scorecard.unblocked_toast",
                supplier=card["supplier_name"],
            )
        )


class RankingState(PagedMixin, AuthState):
    """All suppliers ranked by their rolling-12-month score, filtered by category and standing."""

    _ranking: dict = {}
    categories: list[str] = []
    category: str = ALL
    standing: str = ALL

    @rx.var
    def standing_options(self) -> list[dict[str, str]]:
        return (
            [{"value": ALL, "label": self.t("ranking.all_standings")}]
            + [
                {"value": standing.value, "label": self.t(f"scorecard.standing.{standing.value}")}
                for standing in Standing
            ]
            + [{"value": "unscored", "label": self.t("scorecard.standing.none")}]
        )

    @rx.var
    def computed_text(self) -> str:
        ranking = self._ranking
        if not ranking or not ranking.get("computed_at"):
            return self.t("scorecard.never_computed")
        return self.t(
            "scorecard.ranking_computed",
            month=month_label(ranking["period"], self.language),
            time=self.fmt_time(ranking["computed_at"]),
        )

    @rx.var
    def rows(self) -> list[dict[str, str]]:
        language = self.language
        return [
            {
                "rank": fmt_int(row["rank"], language),
                "supplier_id": str(row["supplier_id"]),
                "href": f"/manager/suppliers/{row['supplier_id']}",
                "name": row["supplier_name"],
                "country": row["country"],
                "score": fmt_decimal(row["score"], language),
                "standing": label("scorecard.standing", row["standing"], language)
                if row["standing"]
                else self.t("scorecard.standing.none"),
                "colour": colour(STANDING_COLOURS, row["standing"]),
                "on_time": fmt_decimal(row["on_time_pct"], language),
                "fill_rate": fmt_decimal(row["fill_rate_pct"], language),
                "ppm": fmt_decimal(row["rejected_ppm"], language, 0),
                "response": fmt_decimal(row["response_hours"], language),
                "cost": fmt_decimal(row["cost_index"], language, 3),
                "blocked": "yes" if row["blocked"] else "",
            }
            for row in self._ranking.get("rows", [])
        ]

    @rx.var
    def scatter(self) -> go.Figure:
        points = self._ranking.get("scatter", [])
        figure = go.Figure()
        for standing in Standing:
            chosen = [point for point in points if point["standing"] == standing.value]
            if not chosen:
                continue
            figure.add_trace(
                go.Scatter(
                    x=[float(point["on_time_pct"]) for point in chosen],
                    y=[float(point["score_quality"]) for point in chosen],
                    text=[point["supplier_name"] for point in chosen],
                    customdata=[
                        [point["supplier_id"], fmt_decimal(point["rejected_ppm"], self.language, 0)]
                        for point in chosen
                    ],
                    mode="markers",
                    name=self.t(f"scorecard.standing.{standing.value}"),
                    marker={
                        "color": STANDING_HEX[standing.value],
                        "size": 10,
                        "opacity": 0.85,
                        "line": {"width": 1, "color": "white"},
                    },
                    hovertemplate="<b>%{text}</b><br>"
                    + self.t("scorecard.criterion.on_time")
                    + ": %{x:.1f}%<br>"
                    + self.t("scorecard.criterion.quality")
                    + ": %{y:.1f} (%{customdata[1]} ppm)"
                    "<extra></extra>",
                )
            )
        figure.update_layout(
            **chart_layout(
                height=360,
                xaxis={
                    "title": {"text": self.t("scorecard.axis_on_time")},
                    "automargin": True,
                    "gridcolor": "rgba(128,128,128,0.2)",
                },
                yaxis={
                    "title": {"text": self.t("scorecard.axis_quality")},
                    "automargin": True,
                    "gridcolor": "rgba(128,128,128,0.2)",
                },
                legend={"orientation": "h", "y": -0.22},
            )
        )
        return figure

    def _fetch(self) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            if not self.categories:
                self.categories = purchase_choices.part_categories_supplied(session, principal)
            ranking = scorecards.manager_ranking(
                session,
                principal,
                category=None if self.category == ALL else self.category,
                standing=None if self.standing == ALL else self.standing,
                page=Page(self.page, PAGE_SIZE),
            )
        self._ranking = plain(ranking)
        self.total = ranking["total"]

    def _empty(self) -> None:
        self._ranking, self.total = {}, 0

    @rx.event
    def load(self):
        self.page, self.search, self.category, self.standing = 1, "", ALL, ALL
        yield from self._reload()

    @rx.event
    def set_category(self, value: str):
        self.category = value if value == ALL or value in self.categories else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_standing(self, value: str):
        self.standing = value if value in {option["value"] for option in self.standing_options} else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def open_point(self, points: list[dict]):
        """A click on a scatter point opens that supplier's card (traces are one per standing,
        in the order `scatter` draws them)."""
        traces = [
            [point for point in self._ranking.get("scatter", []) if point["standing"] == standing.value]
            for standing in Standing
        ]
        traces = [trace for trace in traces if trace]
        for point in points or []:
            curve, number = point.get("curveNumber"), point.get("pointNumber")
            if (
                isinstance(curve, int)
                and isinstance(number, int)
                and 0 <= curve < len(traces)
                and 0 <= number < len(traces[curve])
            ):
                return rx.redirect(f"/manager/suppliers/{traces[curve][number]['supplier_id']}")
        return None


class ScorecardSettingsState(AuthState):
    """The managers' scoring rules: weights (adding to 100) and standing bands."""

    weights: dict[str, str] = {}
    bands: dict[str, str] = {}
    updated: str = ""
    loading: bool = True
    _errors: dict[str, list] = {}

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def weight_rows(self) -> list[dict[str, str]]:
        errors = self.error
        return [
            {
                "name": name,
                "label": self.t(f"scorecard.criterion.{name}"),
                "value": self.weights.get(name, ""),
                "error": errors.get(f"weights.{name}", ""),
            }
            for name in CRITERIA
        ]

    @rx.var
    def weight_total(self) -> str:
        total = sum(int(value) for value in self.weights.values() if value.strip().isdigit())
        return self.t("scorecard.weights_total", total=total)

    @rx.var
    def weights_add_up(self) -> bool:
        values = list(self.weights.values())
        return all(value.strip().isdigit() for value in values) and sum(int(v) for v in values) == 100

    @rx.var
    def band_rows(self) -> list[dict[str, str]]:
        errors = self.error
        return [
            {
                "name": name,
                "label": self.t(f"scorecard.band.{name}"),
                "value": self.bands.get(name, ""),
                "error": errors.get(f"bands.{name}", ""),
            }
            for name in ("excellent", "good", "watch")
        ]

    def _show(self, settings: dict) -> None:
        self.weights = {name: str(value) for name, value in settings["weights"].items()}
        self.bands = {name: str(value) for name, value in settings["bands"].items()}
        self.updated = settings["updated_at"].isoformat() if settings["updated_at"] else ""

    @rx.var
    def updated_text(self) -> str:
        return (
            self.t("scorecard.settings_updated", time=self.fmt_time(self.updated))
            if self.updated
            else self.t("scorecard.settings_default")
        )

    @rx.event
    def load(self):
        self.loading, self._errors = True, {}
        yield
        try:
            self._principal(Role.MANAGER)
        except PermissionDenied:
            self.loading = False
            return
        with session_scope() as session:
            self._show(scorecards.get_scorecard_settings(session))
        self.loading = False

    @rx.event
    def set_weight(self, name: str, value: str):
        if name in CRITERIA:
            self.weights = {**self.weights, name: value.strip()[:4]}
            self._errors = {
                key: entry for key, entry in self._errors.items() if key not in (f"weights.{name}", "weights")
            }

    @rx.event
    def set_band(self, name: str, value: str):
        if name in ("excellent", "good", "watch"):
            self.bands = {**self.bands, name: value.strip()[:4]}
            self._errors = {key: entry for key, entry in self._errors.items() if not key.startswith("bands")}

    @rx.event
    def save(self):
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                settings = scorecards.update_scorecard_settings(
                    session, principal, weights=dict(self.weights), bands=dict(self.bands)
                )
        except ValidationFailed as error:
            self._errors = {error.field or "form": error_entry(error)}
            return None
        except DomainError as error:
            return self._denied(error)
        self._errors = {}
        self._show(settings)
        return rx.toast.success(self.t("scorecard.settings_saved"))
