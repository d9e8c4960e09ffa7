"""The KPI dashboard: /manager/kpis (the network) and /dealer/kpis (the dealer's own stores).
Filters at the top (kept in the address), a grid of tiles, a drill-down dialog with the rows behind
a figure (paged, CSV and XLSX), and a manager's target dialog."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import choice_select, empty_state, field_error, page_heading, t
from state.analytics.dashboard import SPARK_HEIGHT, SPARK_WIDTH, KpiState
from state.analytics.fx_import import MAX_BYTES as FX_MAX_BYTES
from state.analytics.fx_import import UPLOAD_ID as FX_UPLOAD_ID
from state.analytics.fx_import import FxImportState
from state.shared import routes


def _tone_text(text, tone, element_class: str) -> rx.Component:
    return rx.text(
        text,
        size="1",
        color_scheme=rx.match(tone, ("good", "grass"), ("bad", "red"), "gray"),
        class_name=element_class,
        custom_attrs={"data-tone": tone},
    )


def _sparkline(points, target_y) -> rx.Component:
    """The figure's course over the period, with the target as a dashed line when one is set."""
    return rx.cond(
        points != "",
        rx.el.svg(
            rx.cond(
                target_y != "",
                rx.el.svg.line(
                    x1="0",
                    x2=str(SPARK_WIDTH),
                    y1=target_y,
                    y2=target_y,
                    stroke="var(--gray-9)",
                    stroke_width="1",
                    stroke_dasharray="3 3",
                    class_name="tile-sparkline-target",
                ),
            ),
            rx.el.svg.polyline(
                points=points,
                fill="none",
                stroke="var(--accent-9)",
                stroke_width="1.6",
                stroke_linejoin="round",
            ),
            view_box=f"0 0 {SPARK_WIDTH} {SPARK_HEIGHT}",
            width="100%",
            height=f"{SPARK_HEIGHT}px",
            preserve_aspect_ratio="none",
            class_name="tile-sparkline",
            aria_hidden="true",
        ),
        rx.box(height=f"{SPARK_HEIGHT}px"),
    )


def _tile(row) -> rx.Component:
    border = rx.match(
        row["tone"],
        ("met", f"2px solid {rx.color('grass', 8)}"),
        ("missed", f"2px solid {rx.color('red', 8)}"),
        f"1px solid {rx.color('gray', 5)}",
    )
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(row["label"], size="2", weight="medium", color_scheme="gray"),
                rx.spacer(),
                rx.tooltip(
                    rx.icon("info", size=15, color=rx.color("gray", 9), class_name="tile-explain-icon"),
                    content=row["explain"],
                ),
                width="100%",
                align="center",
            ),
            rx.cond(
                row["status"] == "no_data",
                rx.text(row["no_data"], size="2", color_scheme="gray", class_name="tile-no-data"),
                rx.vstack(
                    rx.text(row["value"], size="6", weight="bold", class_name="tile-value"),
                    _tone_text(row["change_previous"], row["change_previous_tone"], "tile-change-previous"),
                    _tone_text(
                        row["change_last_year"], row["change_last_year_tone"], "tile-change-last-year"
                    ),
                    spacing="1",
                ),
            ),
            _sparkline(row["spark"], row["spark_target"]),
            rx.cond(row["breakdown"] != "", rx.text(row["breakdown"], size="1", color_scheme="gray")),
            rx.cond(
                row["projection"] != "",
                rx.hstack(
                    rx.icon("calendar-range", size=14, color=rx.color("accent", 10), flex_shrink="0"),
                    rx.text(row["projection"], size="1", weight="medium", class_name="tile-projection"),
                    spacing="1",
                    align="center",
                ),
            ),
            rx.flex(
                rx.cond(
                    row["target"] != "",
                    rx.badge(
                        row["target"],
                        color_scheme=rx.match(row["tone"], ("met", "grass"), ("missed", "red"), "gray"),
                        variant="soft",
                        class_name="tile-target",
                    ),
                ),
                rx.spacer(),
                rx.foreach(
                    row["drills"],
                    lambda drill: rx.button(
                        rx.icon("table-2", size=14),
                        drill["label"],
                        size="1",
                        variant="ghost",
                        on_click=KpiState.open_drill(row["key"], drill["kind"]),
                        class_name="tile-drill",
                        custom_attrs={"data-kind": drill["kind"]},
                    ),
                ),
                rx.cond(
                    KpiState.is_manager & (row["status"] != "no_data"),
                    rx.icon_button(
                        rx.icon("target", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="gray",
                        on_click=KpiState.open_target(row["key"]),
                        aria_label=t("kpi.page.set_target"),
                        class_name="tile-set-target",
                    ),
                ),
                gap="2",
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(row["refreshed"] != "", rx.text(row["refreshed"], size="1", color_scheme="gray")),
            spacing="2",
            width="100%",
        ),
        border=border,
        class_name="kpi-tile",
        custom_attrs={"data-tile": row["key"], "data-tone": row["tone"]},
    )


def _fx_error(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row["field"], size="1"), custom_attrs={"data-verbatim": ""}),
        rx.table.cell(row["reason"], color=rx.color("red", 11)),
    )


def _fx_dialog() -> rx.Component:
    """Managers import daily FX rates as a CSV (day, currency, rate): all rows or none."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.button(
                rx.icon("arrow-left-right", size=14),
                t("kpi.fx.open"),
                size="1",
                variant="soft",
                id="kpi-fx-open",
            )
        ),
        rx.dialog.content(
            rx.dialog.title(t("kpi.fx.title")),
            rx.dialog.description(t("kpi.fx.hint"), size="2", color_scheme="gray"),
            rx.vstack(
                rx.upload.root(
                    rx.vstack(
                        rx.icon("file-up", size=24, color=rx.color("accent", 10)),
                        rx.text(t("kpi.fx.drop"), size="2", weight="medium"),
                        rx.button(t("inventory.choose_file"), variant="soft", size="1", type="button"),
                        align="center",
                        spacing="2",
                    ),
                    id=FX_UPLOAD_ID,
                    multiple=False,
                    max_files=1,
                    max_size=FX_MAX_BYTES,
                    on_drop=FxImportState.receive(rx.upload_files(upload_id=FX_UPLOAD_ID)),
                    border=f"1px dashed {rx.color('accent', 8)}",
                    border_radius="var(--radius-3)",
                    padding="1.25rem",
                    width="100%",
                    cursor="pointer",
                ),
                rx.cond(
                    FxImportState.summary != "",
                    rx.callout(
                        FxImportState.summary, icon="circle-check", color_scheme="grass", id="kpi-fx-done"
                    ),
                ),
                rx.cond(
                    FxImportState.errors.length() > 0,
                    rx.table.root(
                        rx.table.body(rx.foreach(FxImportState.errors, _fx_error)),
                        size="1",
                        width="100%",
                        id="kpi-fx-errors",
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("kpi.page.close"), variant="soft", color_scheme="gray")),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
                margin_top="0.75rem",
            ),
            max_width="32rem",
            id="kpi-fx-dialog",
        ),
        open=FxImportState.open,
        on_open_change=FxImportState.set_open,
    )


def _filters() -> rx.Component:
    width = rx.breakpoints(initial="100%", sm="11rem")
    return rx.card(
        rx.vstack(
            rx.flex(
                choice_select(
                    KpiState.period,
                    KpiState.period_options,
                    lambda v: KpiState.set_filter("period", v),
                    "kpi-period",
                    "kpi.filter.period",
                    width=width,
                ),
                rx.cond(
                    KpiState.period != "custom",
                    rx.hstack(
                        rx.icon_button(
                            rx.icon("chevron-left"),
                            variant="soft",
                            on_click=KpiState.shift_period(-1),
                            aria_label=t("kpi.page.earlier"),
                            id="kpi-earlier",
                        ),
                        rx.icon_button(
                            rx.icon("chevron-right"),
                            variant="soft",
                            on_click=KpiState.shift_period(1),
                            aria_label=t("kpi.page.later"),
                            id="kpi-later",
                        ),
                        spacing="2",
                        align="end",
                        padding_top="1.2rem",
                    ),
                    rx.form(
                        rx.hstack(
                            rx.input(
                                type="date", name="from", default_value=KpiState.range_from, id="kpi-from"
                            ),
                            rx.input(type="date", name="to", default_value=KpiState.range_to, id="kpi-to"),
                            rx.button(t("kpi.page.apply"), type="submit", variant="soft", id="kpi-apply"),
                            spacing="2",
                            align="end",
                            wrap="wrap",
                        ),
                        on_submit=KpiState.apply_range,
                        padding_top="1.2rem",
                    ),
                ),
                choice_select(
                    KpiState.region,
                    KpiState.region_options,
                    lambda v: KpiState.set_filter("region", v),
                    "kpi-region",
                    "kpi.filter.region",
                    width=width,
                ),
                choice_select(
                    KpiState.country,
                    KpiState.country_options,
                    lambda v: KpiState.set_filter("country", v),
                    "kpi-country",
                    "kpi.filter.country",
                    width=width,
                ),
                rx.cond(
                    KpiState.is_manager,
                    choice_select(
                        KpiState.dealer,
                        KpiState.dealer_options,
                        lambda v: KpiState.set_filter("dealer", v),
                        "kpi-dealer",
                        "kpi.filter.dealer",
                        width=rx.breakpoints(initial="100%", sm="16rem"),
                    ),
                ),
                choice_select(
                    KpiState.item_kind,
                    KpiState.item_kind_options,
                    lambda v: KpiState.set_filter("item_kind", v),
                    "kpi-item-kind",
                    "kpi.filter.item_kind",
                    width=width,
                ),
                choice_select(
                    KpiState.category,
                    KpiState.category_options,
                    lambda v: KpiState.set_filter("category", v),
                    "kpi-category",
                    "kpi.filter.category",
                    width=rx.breakpoints(initial="100%", sm="14rem"),
                ),
                rx.cond(
                    KpiState.is_manager,
                    choice_select(
                        KpiState.supplier,
                        KpiState.supplier_options,
                        lambda v: KpiState.set_filter("supplier", v),
                        "kpi-supplier",
                        "kpi.filter.supplier",
                        width=rx.breakpoints(initial="100%", sm="16rem"),
                    ),
                ),
                rx.button(
                    rx.icon("rotate-ccw", size=14),
                    t("kpi.page.clear"),
                    variant="ghost",
                    color_scheme="gray",
                    on_click=KpiState.clear_filters,
                    id="kpi-clear",
                    margin_top="1.2rem",
                ),
                gap="3",
                wrap="wrap",
                align="start",
                width="100%",
            ),
            rx.foreach(KpiState.field_errors.values(), lambda message: field_error(message)),
            rx.flex(
                rx.text(KpiState.period_label, size="2", weight="medium", id="kpi-period-label"),
                rx.text(KpiState.refreshed_label, size="1", color_scheme="gray", id="kpi-refreshed"),
                rx.cond(
                    KpiState.refreshing,
                    rx.badge(
                        rx.spinner(size="1"),
                        t("kpi.page.refreshing"),
                        color_scheme="amber",
                        variant="soft",
                        id="kpi-refreshing",
                    ),
                ),
                rx.text(KpiState.currency_note, size="1", color_scheme="gray"),
                rx.cond(KpiState.is_manager, _fx_dialog()),
                gap="3",
                wrap="wrap",
                align="center",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _drill_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(KpiState.drill_title),
            rx.hstack(
                rx.button(
                    rx.icon("download", size=14),
                    "CSV",
                    variant="soft",
                    on_click=KpiState.export("csv"),
                    id="drill-csv",
                ),
                rx.button(
                    rx.icon("sheet", size=14),
                    "XLSX",
                    variant="soft",
                    on_click=KpiState.export("xlsx"),
                    id="drill-xlsx",
                ),
                spacing="2",
            ),
            rx.cond(
                KpiState.drill_total == 0,
                empty_state("table-2", t("kpi.page.no_rows")),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.foreach(
                                    KpiState.drill_columns,
                                    lambda column: rx.table.column_header_cell(
                                        column["label"], white_space="nowrap"
                                    ),
                                )
                            )
                        ),
                        rx.table.body(
                            rx.foreach(
                                KpiState.drill_cells,
                                lambda cells: rx.table.row(
                                    rx.foreach(cells, lambda cell: rx.table.cell(cell, white_space="nowrap"))
                                ),
                            )
                        ),
                        size="1",
                        variant="surface",
                        id="drill-table",
                    ),
                    overflow="auto",
                    max_height="55vh",
                    margin_y="0.75rem",
                ),
            ),
            rx.hstack(
                rx.text(KpiState.drill_pager, size="2", color_scheme="gray", id="drill-pager"),
                rx.spacer(),
                rx.button(
                    t("common.previous"),
                    variant="soft",
                    size="1",
                    on_click=KpiState.drill_step(-1),
                    disabled=~KpiState.drill_has_previous,
                ),
                rx.button(
                    t("common.next"),
                    variant="soft",
                    size="1",
                    on_click=KpiState.drill_step(1),
                    disabled=~KpiState.drill_has_next,
                    id="drill-next",
                ),
                rx.dialog.close(
                    rx.button(t("kpi.page.close"), variant="soft", color_scheme="gray", size="1")
                ),
                width="100%",
                align="center",
                spacing="2",
            ),
            max_width=rx.breakpoints(initial="95vw", md="64rem"),
            id="drill-dialog",
        ),
        open=KpiState.drill_open,
        on_open_change=KpiState.set_drill_open,
    )


def _target_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(KpiState.target_label),
            rx.dialog.description(t("kpi.page.target_hint"), size="2", color_scheme="gray"),
            rx.form(
                rx.vstack(
                    rx.input(
                        value=KpiState.target_text,
                        on_change=KpiState.set_target_text,
                        id="target-input",
                        inputmode="decimal",
                        width="100%",
                    ),
                    field_error(KpiState.target_error, "target-error"),
                    rx.hstack(
                        rx.dialog.close(rx.button(t("kpi.page.close"), variant="soft", color_scheme="gray")),
                        rx.button(t("kpi.page.save_target"), type="submit", id="target-save"),
                        justify="end",
                        width="100%",
                        spacing="2",
                    ),
                    spacing="3",
                    width="100%",
                    margin_top="0.75rem",
                ),
                on_submit=KpiState.save_target,
            ),
            max_width="26rem",
            id="target-dialog",
        ),
        open=KpiState.target_open,
        on_open_change=KpiState.set_target_open,
    )


def _attention_row(row) -> rx.Component:
    low = row["direction"] == "low"
    return rx.hstack(
        rx.icon(
            rx.cond(low, "trending-down", "trending-up"),
            size=18,
            color=rx.cond(low, rx.color("red", 10), rx.color("amber", 10)),
            flex_shrink="0",
        ),
        rx.vstack(
            rx.text(row["who"], size="2", weight="medium"),
            rx.text(row["text"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.button(
            t("kpi.attention.show_orders"),
            size="1",
            variant="soft",
            on_click=KpiState.open_attention(row["index"]),
            class_name="attention-open",
        ),
        align="center",
        spacing="3",
        width="100%",
        class_name="attention-flag",
        custom_attrs={"data-direction": row["direction"]},
    )


def _attention() -> rx.Component:
    """The figures of the last complete week that left their usual band, each opening its orders."""
    return rx.cond(
        KpiState.attention_week != "",
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("bell-ring", size=18, color=rx.color("amber", 10)),
                    rx.heading(t("kpi.attention.title"), size="3"),
                    rx.text(KpiState.attention_week, size="1", color_scheme="gray"),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(
                    KpiState.attention_rows.length() == 0,
                    rx.text(t("kpi.attention.none"), size="2", color_scheme="gray", id="attention-none"),
                    rx.vstack(rx.foreach(KpiState.attention_rows, _attention_row), spacing="3", width="100%"),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="kpi-attention",
        ),
    )


def _dashboard() -> rx.Component:
    return rx.vstack(
        page_heading("kpi.page.title", "kpi.page.subtitle"),
        _filters(),
        rx.cond(
            KpiState.loading & (KpiState.tile_rows.length() == 0),
            rx.grid(
                *[rx.skeleton(rx.box(height="9rem"), loading=True) for _ in range(8)],
                columns=rx.breakpoints(initial="1", sm="2", lg="4"),
                gap="1rem",
                width="100%",
            ),
            rx.cond(
                KpiState.tile_rows.length() == 0,
                empty_state("chart-no-axes-combined", t("kpi.page.no_tiles")),
                rx.vstack(
                    _attention(),
                    rx.grid(
                        rx.foreach(KpiState.tile_rows, _tile),
                        columns=rx.breakpoints(initial="1", sm="2", lg="3", xl="4"),
                        gap="1rem",
                        width="100%",
                        id="kpi-tiles",
                    ),
                    spacing="4",
                    width="100%",
                ),
            ),
        ),
        _drill_dialog(),
        _target_dialog(),
        spacing="4",
        width="100%",
    )


@framed_page(routes.MANAGER_KPIS, on_load=KpiState.load)
def manager_kpis() -> rx.Component:
    return _dashboard()


@framed_page(routes.DEALER_KPIS, on_load=KpiState.load)
def dealer_kpis() -> rx.Component:
    return _dashboard()
