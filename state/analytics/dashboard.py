"""/manager/kpis and /dealer/kpis: the KPI dashboard (services/analytics/tiles.py `dashboard`).

The filters live in the address (`?period=month&day=2026-11-01&dealer=7&...`, services/analytics/
filters.py), so a view can be shared and the browser's back button walks through them; changing one
moves to the new address and the page loads its tiles from there. Each tile: its value in the
reporting currency or its unit, the change against the previous period and the same period last
year (coloured by whether that is good), the target (a manager sets it; the tile is coloured by it),
a sparkline, when its data was refreshed and "how this is computed". A figure opens the rows it was
computed from, paged, exportable as CSV and XLSX. Dealers see their own stores only (the service
scopes it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict
from urllib.parse import urlencode

import reflex as rx
from babel import Locale

from models import Role
from models.db import session_scope
from models.settings import get_settings
from services.analytics import drilldown, tiles
from services.analytics.filters import REGIONS, PeriodKind, parse_filter
from services.catalog.lists import Page
from services.i18n.names import category_label, localized_name
from services.platform.errors import DomainError, FieldErrors, PermissionDenied
from services.platform.formatting import format_day, format_money, format_number
from state.analytics.watchers import DASHBOARDS, WATCHERS
from state.shared.auth import AuthState

DRILL_PAGE_SIZE = 20
ANY = "any"  # a select's "no filter" choice (a select cannot hold an empty value)
SPARK_WIDTH, SPARK_HEIGHT = 120, 28


class TileRow(TypedDict):
    key: str
    label: str
    value: str
    status: str  # ok, empty, no_data
    no_data: str
    change_previous: str
    change_previous_tone: str  # good, bad, flat, none
    change_last_year: str
    change_last_year_tone: str
    target: str
    tone: str  # met, missed, none (no target)
    spark: str  # SVG polyline points
    spark_target: str  # the y of the target's line on the sparkline, "" without one
    refreshed: str
    explain: str
    drills: list[dict[str, str]]
    breakdown: str
    projection: str  # GMV's month-end projection on a running month, else ""


class AttentionRow(TypedDict):
    index: str
    who: str  # the dealer, or the whole view
    text: str  # "Orders 5, usually 14 to 28 (median 24)"
    direction: str  # low, high


class DrillColumn(TypedDict):
    key: str
    label: str


def _points(values: list[Decimal], target: Decimal | None = None) -> tuple[str, str]:
    """The sparkline as SVG polyline points in a SPARK_WIDTH x SPARK_HEIGHT box, and the y of the
    target's line in the same scale ("" without a target); the scale takes the target in."""
    if len(values) < 2:
        return "", ""
    scale = [*values, target] if target is not None else values
    low, high = min(scale), max(scale)
    span = (high - low) or Decimal(1)
    step = Decimal(SPARK_WIDTH) / (len(values) - 1)

    def y(value: Decimal) -> float:
        return float(SPARK_HEIGHT - 2 - (value - low) / span * (SPARK_HEIGHT - 4))

    points = " ".join(f"{float(i * step):.1f},{y(v):.1f}" for i, v in enumerate(values))
    return points, "" if target is None else f"{y(target):.1f}"


# Tiles whose sparkline points are parts of the period's figure (a day's GMV of the month's): their
# target line is the period's target shared over the points.
ADDITIVE_TILES = frozenset({"gmv", "orders"})


class KpiState(AuthState):
    query: dict[str, str] = {}
    field_errors: dict[str, str] = {}
    loading: bool = True
    _result: dict = {}
    _dealers: list[dict] = []
    _choices: dict = {}
    _countries: list[str] = []
    # the drill-down dialog
    drill_open: bool = False
    drill_kind: str = ""
    drill_tile: str = ""
    drill_page: int = 1
    drill_total: int = 0
    _drill_columns: list[str] = []
    _drill_rows: list[dict] = []
    # the target dialog
    target_open: bool = False
    target_tile: str = ""
    target_text: str = ""
    target_error: str = ""

    # --- what the page reads -------------------------------------------------------------

    @rx.var
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    @rx.var
    def period(self) -> str:
        return self.query.get("period", PeriodKind.MONTH)

    @rx.var
    def range_from(self) -> str:
        return self.query.get("from", "")

    @rx.var
    def range_to(self) -> str:
        return self.query.get("to", "")

    @rx.var
    def region(self) -> str:
        return self.query.get("region", ANY)

    @rx.var
    def country(self) -> str:
        return self.query.get("country", ANY)

    @rx.var
    def country_options(self) -> list[dict[str, str]]:
        """The countries of the stores in view (of the region chosen, when one is), named in the
        viewer's language."""
        names = Locale.parse(self.language).territories
        region = REGIONS.get(self.query.get("region", ""))
        return [{"value": ANY, "label": self.t("kpi.filter.any_country")}] + [
            {"value": code, "label": f"{names.get(code, code)} · {code}"}
            for code in self._countries
            if region is None or code in region
        ]

    @rx.var
    def dealer(self) -> str:
        return self.query.get("dealer", ANY)

    @rx.var
    def item_kind(self) -> str:
        return self.query.get("item_kind", ANY)

    @rx.var
    def period_options(self) -> list[dict[str, str]]:
        return [{"value": kind.value, "label": self.t(f"kpi.period.{kind.value}")} for kind in PeriodKind]

    @rx.var
    def region_options(self) -> list[dict[str, str]]:
        return [{"value": ANY, "label": self.t("kpi.filter.any_region")}] + [
            {"value": region, "label": self.t(f"kpi.region.{region}")} for region in REGIONS
        ]

    @rx.var
    def dealer_options(self) -> list[dict[str, str]]:
        return [{"value": ANY, "label": self.t("kpi.filter.any_dealer")}] + [
            {"value": str(d["id"]), "label": f"{d['name']} · {d['country']}"} for d in self._dealers
        ]

    @rx.var
    def category(self) -> str:
        return self.query.get("category", ANY)

    @rx.var
    def supplier(self) -> str:
        return self.query.get("supplier", ANY)

    @rx.var
    def category_options(self) -> list[dict[str, str]]:
        """Vehicle models and part categories (of the item kind chosen, when one is)."""
        kind = self.query.get("item_kind")
        options = [{"value": ANY, "label": self.t("kpi.filter.any_category")}]
        for choice in self._choices.get("categories", []):
            if kind and choice["kind"] != kind:
                continue
            if choice["kind"] == "vehicle":
                label = localized_name(choice["name"], choice["name_zh"], self.language)
            else:
                label = category_label(choice["value"], self.language)
            options.append({"value": choice["value"], "label": label})
        return options

    @rx.var
    def supplier_options(self) -> list[dict[str, str]]:
        return [{"value": ANY, "label": self.t("kpi.filter.any_supplier")}] + [
            {"value": str(s["id"]), "label": localized_name(s["name"], s["name_zh"], self.language)}
            for s in self._choices.get("suppliers", [])
        ]

    @rx.var
    def item_kind_options(self) -> list[dict[str, str]]:
        return [
            {"value": ANY, "label": self.t("kpi.filter.any_item")},
            {"value": "vehicle", "label": self.t("kpi.item.vehicle")},
            {"value": "part", "label": self.t("kpi.item.part")},
        ]

    @rx.var
    def period_label(self) -> str:
        flt = self._result.get("filter") or {}
        first, last = self._result.get("first"), self._result.get("last")
        if not first:
            return ""
        text = format_day(first, self.language)
        if last and last != first:
            text += " – " + format_day(last, self.language)
        shown = self.t(
            "kpi.page.period_shown", period=self.t(f"kpi.period.{flt.get('period', 'month')}"), days=text
        )
        compared = self._result.get("compared") or {}
        if compared.get("value", {}).get("to", last) != last:  # a running period: so far, same days
            previous, last_year = compared["previous"], compared["last_year"]
            shown += self.t(
                "kpi.page.so_far",
                last=format_day(compared["value"]["to"], self.language),
                previous=self._span(previous["from"], previous["to"]),
                last_year=self._span(last_year["from"], last_year["to"]),
            )
        return shown

    def _span(self, first: str, last: str) -> str:
        if first == last:
            return format_day(first, self.language)
        return format_day(first, self.language) + " – " + format_day(last, self.language)

    @rx.var
    def refreshing(self) -> bool:
        return bool(self._result.get("refreshing"))

    @rx.var
    def refreshed_label(self) -> str:
        refreshed = self._result.get("refreshed_at")
        if not refreshed:
            return self.t("kpi.page.never_refreshed")
        return self.t("kpi.page.refreshed", when=self.fmt_time(refreshed))

    @rx.var
    def currency_note(self) -> str:
        return self.t("kpi.page.currency", currency=get_settings().reporting_currency)

    @rx.var
    def tile_rows(self) -> list[TileRow]:
        return [self._tile_row(tile) for tile in self._result.get("tiles", [])]

    @rx.var
    def attention_rows(self) -> list[AttentionRow]:
        flags = (self._result.get("attention") or {}).get("flags", [])
        rows = []
        for index, flag in enumerate(flags):
            unit = "money" if flag["metric"] == "gmv" else "count"
            rows.append(
                AttentionRow(
                    index=str(index),
                    who=localized_name(flag["dealer_name"], flag.get("dealer_name_zh"), self.language)
                    or self.t("kpi.attention.whole_view"),
                    text=self.t(
                        f"kpi.attention.{flag['metric']}_{flag['direction']}",
                        value=self._figure(unit, flag["value"]),
                        low=self._figure(unit, flag["low"]),
                        high=self._figure(unit, flag["high"]),
                        median=self._figure(unit, flag["median"]),
                    ),
                    direction=flag["direction"],
                )
            )
        return rows

    @rx.var
    def attention_week(self) -> str:
        week = (self._result.get("attention") or {}).get("week")
        if not week:
            return ""
        return self.t(
            "kpi.attention.week",
            first=format_day(week["from"], self.language),
            last=format_day(week["to"], self.language),
        )

    @rx.var
    def drill_title(self) -> str:
        if not self.drill_kind:
            return ""
        return self.t(
            "kpi.page.drill_title",
            tile=self.t(f"kpi.tile.{self.drill_tile}"),
            rows=self.t(f"kpi.rows.{self.drill_kind}"),
        )

    @rx.var
    def drill_columns(self) -> list[DrillColumn]:
        return [DrillColumn(key=c, label=self.t(f"kpi.column.{c}")) for c in self._drill_columns]

    @rx.var
    def drill_cells(self) -> list[list[str]]:
        return [
            ["" if row.get(c) is None else str(row.get(c)) for c in self._drill_columns]
            for row in self._drill_rows
        ]

    @rx.var
    def drill_pager(self) -> str:
        pages = max(1, -(-self.drill_total // DRILL_PAGE_SIZE))
        return (
            self.t("common.page_of", page=self.fmt_number(self.drill_page), pages=self.fmt_number(pages))
            + " · "
            + self.t("common.rows_total", total=self.fmt_number(self.drill_total), count=self.drill_total)
        )

    @rx.var
    def drill_has_previous(self) -> bool:
        return self.drill_page > 1

    @rx.var
    def drill_has_next(self) -> bool:
        return self.drill_page * DRILL_PAGE_SIZE < self.drill_total

    @rx.var
    def target_label(self) -> str:
        return self.t(f"kpi.tile.{self.target_tile}") if self.target_tile else ""

    # --- formatting -----------------------------------------------------------------------

    def _figure(self, unit: str, value: str | None) -> str:
        if value is None:
            return "—"
        number = Decimal(value)
        language = self.language
        if unit == "money":
            return format_money(number.quantize(Decimal("1")), get_settings().reporting_currency, language)
        if unit == "percent":
            return self.t("kpi.unit.percent", value=format_number(number.quantize(Decimal("0.1")), language))
        if unit == "hours":
            return self.t("kpi.unit.hours", value=format_number(number.quantize(Decimal("0.1")), language))
        if unit == "days":
            return self.t("kpi.unit.days", value=format_number(number.quantize(Decimal("0.1")), language))
        if unit == "ppm":
            return self.t("kpi.unit.ppm", value=format_number(number.quantize(Decimal("1")), language))
        if unit == "ratio":
            return self.t("kpi.unit.ratio", value=format_number(number.quantize(Decimal("0.01")), language))
        return format_number(number.quantize(Decimal("1")), language)

    def _change(self, change: dict | None, higher_is_better: bool, against: str) -> tuple[str, str]:
        if not change or change.get("percent") is None:
            return self.t(f"kpi.page.no_{against}"), "none"
        percent = Decimal(change["percent"])
        good = (percent > 0) == higher_is_better
        tone = "flat" if percent == 0 else ("good" if good else "bad")
        sign = "+" if percent > 0 else ""
        shown = sign + format_number(percent.quantize(Decimal("0.1")), self.language)
        return self.t(f"kpi.page.vs_{against}", change=shown), tone

    def _projection(self, projected: dict | None) -> str:
        if not projected:
            return ""
        return self.t(
            "kpi.page.projection",
            value=self._figure("money", projected["value"]),
            low=self._figure("money", projected["low"]),
            high=self._figure("money", projected["high"]),
        )

    def _tile_row(self, tile: dict) -> TileRow:
        change_previous = self._change(tile.get("change_previous"), tile["higher_is_better"], "previous")
        change_last_year = self._change(tile.get("change_last_year"), tile["higher_is_better"], "last_year")
        target = tile.get("target")
        on_target = tile.get("on_target")
        spark = [
            Decimal(point["value"]) for point in tile.get("sparkline", []) if point.get("value") is not None
        ]
        line = None
        if target and spark:
            line = Decimal(target) / (len(spark) if tile["key"] in ADDITIVE_TILES else 1)
        points, spark_target = _points(spark, line)
        breakdown = tile.get("breakdown") or {}
        return TileRow(
            key=tile["key"],
            label=self.t(tile["label_key"]),
            value=self._figure(tile["unit"], tile.get("value")),
            status=tile["status"],
            no_data=self.t(tile["no_data_key"]) if tile.get("no_data_key") else self.t("kpi.page.empty"),
            change_previous=change_previous[0],
            change_previous_tone=change_previous[1],
            change_last_year=change_last_year[0],
            change_last_year_tone=change_last_year[1],
            target=self.t("kpi.page.target", value=self._figure(tile["unit"], target)) if target else "",
            tone="none" if on_target is None else ("met" if on_target else "missed"),
            spark=points,
            spark_target=spark_target,
            refreshed=self.fmt_time(tile["refreshed_at"]) if tile.get("refreshed_at") else "",
            explain=self.t(tile["explain_key"]),
            drills=[
                {"kind": kind, "label": self.t(f"kpi.rows.{kind}")} for kind in tile.get("drilldown", [])
            ],
            projection=self._projection(tile.get("projection")),
            breakdown=" · ".join(
                f"{self.t(f'kpi.channel.{channel}')} {self._figure(tile['unit'], value)}"
                for channel, value in breakdown.items()
                if channel.startswith(("dealer_", "customer_")) and value is not None
            ),
        )

    # --- loading -------------------------------------------------------------------------

    def _filter(self, principal):
        return parse_filter(self.query, today=tiles.today_for(principal))

    def _fetch(self) -> None:
        principal = self._principal(Role.MANAGER, Role.ADMIN, Role.DEALER)
        self.field_errors = {}
        try:
            flt = self._filter(principal)
        except FieldErrors as errors:
            self.field_errors = {e.field: self.t(e.code, **e.params) for e in errors.errors}
            self._result = {}
            return
        with session_scope() as session:
            result = tiles.dashboard(session, principal, flt)
            if principal.role != Role.DEALER and not self._dealers:
                self._dealers = tiles.dealers(session)
            if not self._choices:
                self._choices = tiles.filter_choices(session)
            if not self._countries:
                self._countries = tiles.countries(session, principal)
        self._result = result | {"first": flt.first.isoformat(), "last": flt.last.isoformat()}

    @rx.event
    def load(self):
        self.loading = True
        self.drill_open = self.target_open = False
        self.query = {k: v[:40] for k, v in self.router.url.query_parameters.items() if isinstance(v, str)}
        yield
        try:
            self._fetch()
            WATCHERS.watch(self.router.session.client_token, DASHBOARDS)
            if self.query.get("drill") == "orders" and self._result:
                yield KpiState.open_drill("orders", "orders")
        except PermissionDenied as error:
            self._result = {}
            yield self._denied(error)
        except DomainError as error:
            yield self._denied(error)
        self.loading = False

    def refresh(self) -> bool:
        """Reload the tiles of the view shown (a facts change: portal/live_updates.py runs it in a
        thread); False when this tab shows no dashboard any more (signed out, no access)."""
        if not self._result:
            return False
        try:
            self._fetch()
        except DomainError:
            return False
        return bool(self._result)

    def _go(self, query: dict[str, str], *, open_rows: bool = False):
        """Move to the address of `query` (its on_load reloads the tiles); with `open_rows` its
        `drill` parameter opens the orders there (an attention flag's link)."""
        path = self.router.url.path.rstrip("/") or "/"
        clean = {k: v for k, v in query.items() if v not in ("", ANY) and (k != "drill" or open_rows)}
        return rx.redirect(f"{path}?{urlencode(clean)}" if clean else path)

    @rx.event
    def set_filter(self, key: str, value: str):
        query = dict(self.query)
        query[key] = str(value)[:40]
        if key == "period":
            for stale in ("day", "from", "to"):
                query.pop(stale, None)
        if key == "region":
            query.pop("country", None)
        if key == "item_kind":  # a model is no part category, and the other way round
            query.pop("category", None)
        return self._go(query)

    @rx.event
    def apply_range(self, form: dict):
        query = dict(self.query) | {
            "period": "custom",
            "from": str(form.get("from", ""))[:10],
            "to": str(form.get("to", ""))[:10],
        }
        query.pop("day", None)
        return self._go(query)

    @rx.event
    def shift_period(self, step: int):
        """The period before (-1) or after (+1) the one shown."""
        first, last = self._result.get("first"), self._result.get("last")
        if not first or self.period == PeriodKind.CUSTOM:
            return None
        from datetime import date, timedelta

        anchor = (
            date.fromisoformat(first) - timedelta(days=1)
            if step < 0
            else date.fromisoformat(last) + timedelta(days=1)
        )
        return self._go(dict(self.query) | {"day": anchor.isoformat()})

    @rx.event
    def open_attention(self, index: str):
        """The flagged week's orders of that dealer: the dashboard at that week, its rows open."""
        flags = (self._result.get("attention") or {}).get("flags", [])
        try:
            flag = flags[int(index)]
        except (ValueError, IndexError):
            return None
        return self._go(flag["drill"], open_rows=True)

    @rx.event
    def clear_filters(self):
        return self._go({})

    # --- drill-down ----------------------------------------------------------------------

    def _fetch_drill(self) -> None:
        principal = self._principal(Role.MANAGER, Role.ADMIN, Role.DEALER)
        flt = self._filter(principal)
        with session_scope() as session:
            page = drilldown.page_of_rows(
                session, principal, flt, self.drill_kind, Page(self.drill_page, DRILL_PAGE_SIZE)
            )
        self._drill_columns, self._drill_rows, self.drill_total = page["columns"], page["rows"], page["total"]

    @rx.event
    def open_drill(self, tile: str, kind: str):
        self.drill_tile, self.drill_kind, self.drill_page = tile, kind, 1
        try:
            self._fetch_drill()
        except DomainError as error:
            return self._denied(error)
        self.drill_open = True
        return None

    @rx.event
    def drill_step(self, step: int):
        self.drill_page = max(1, self.drill_page + int(step))
        try:
            self._fetch_drill()
        except DomainError as error:
            return self._denied(error)
        return None

    @rx.event
    def set_drill_open(self, is_open: bool):
        self.drill_open = bool(is_open)

    @rx.event
    def export(self, extension: str):
        """Every row of the open drill-down as a CSV or XLSX download."""
        try:
            principal = self._principal(Role.MANAGER, Role.ADMIN, Role.DEALER)
            flt = self._filter(principal)
            with session_scope() as session:
                writer = drilldown.export_xlsx if extension == "xlsx" else drilldown.export_csv
                data = writer(session, principal, flt, self.drill_kind)
        except DomainError as error:
            return self._denied(error)
        suffix = "xlsx" if extension == "xlsx" else "csv"
        name = f"{self.drill_kind}-{flt.first.isoformat()}-{flt.last.isoformat()}.{suffix}"
        return rx.download(data=data, filename=name)

    # --- targets -------------------------------------------------------------------------

    @rx.event
    def open_target(self, tile: str):
        self.target_tile, self.target_error = tile, ""
        current = next((t.get("target") for t in self._result.get("tiles", []) if t["key"] == tile), None)
        self.target_text = current or ""
        self.target_open = True

    @rx.event
    def set_target_open(self, is_open: bool):
        self.target_open = bool(is_open)

    @rx.event
    def set_target_text(self, text: str):
        self.target_text = text[:40]
        self.target_error = ""

    @rx.event
    def save_target(self, _form: dict | None = None):
        """Set the tile's target for this view's scope (empty: remove it); the tile recolours."""
        try:
            principal = self._principal(Role.MANAGER, Role.ADMIN)
            flt = self._filter(principal)
            with session_scope() as session:
                tiles.set_target(session, principal, flt, self.target_tile, self.target_text.strip() or None)
                session.commit()
        except DomainError as error:
            self.target_error = self.t(error.code, **error.params)
            return None
        self.target_open = False
        try:
            self._fetch()
        except DomainError as error:
            return self._denied(error)
        return rx.toast.success(self.t("kpi.page.target_saved", tile=self.t(f"kpi.tile.{self.target_tile}")))
