"""/supplier: the supplier's dashboard — its work (orders to answer, due this week, late, incidents
waiting for it), its score with standing and the 12-month trend of each criterion, and its parts
and plant stock (its own organisation only)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.score_card import chart, score_block
from portal.components.stock_table import stock_table
from portal.components.ui import (
    callout,
    header_cell,
    kpi_card,
    kpi_grid,
    link_cell,
    number_cell,
    page_heading,
    scroll_table,
    section,
    stock_value_card,
    t,
)
from state.catalog.stock import StockState
from state.shared import routes
from state.supply.supplier_home import SupplierState


def _kpi(key: str, label_key: str, icon: str, **extra) -> rx.Component:
    return kpi_card(
        t(label_key),
        SupplierState.kpi[key],
        icon,
        loading=SupplierState.loading,
        element_id=f"kpi-{key}",
        **extra,
    )


def _work(key: str, label_key: str, icon: str, href: str) -> rx.Component:
    return rx.link(
        kpi_card(
            t(label_key),
            SupplierState.work[key],
            icon,
            loading=SupplierState.loading,
            element_id=f"work-{key}",
        ),
        href=href,
        underline="none",
        color="inherit",
        width="100%",
    )


def _lines_table(rows, element_id: str, late: bool) -> rx.Component:
    return rx.cond(
        rows.length() > 0,
        scroll_table(
            rx.table.header(
                rx.table.row(
                    header_cell("purchase.number"),
                    header_cell("purchase.line"),
                    header_cell("stock.item"),
                    header_cell("purchase.due"),
                    header_cell("purchase.open_quantity", "right"),
                    header_cell("purchase.shipped", "right"),
                    header_cell("purchase.status"),
                )
            ),
            rx.table.body(
                rx.foreach(
                    rows,
                    lambda row: rx.table.row(
                        link_cell(row["order"], row["href"]),
                        rx.table.cell(row["line_no"]),
                        rx.table.cell(
                            rx.vstack(
                                rx.code(row["sku"], variant="ghost", size="2"),
                                rx.text(row["part"], size="1", color_scheme="gray"),
                                spacing="0",
                            )
                        ),
                        rx.table.cell(
                            rx.vstack(
                                rx.text(row["due"], size="2", white_space="nowrap"),
                                rx.cond(
                                    row["days_late"] != "",
                                    rx.text(row["days_late"], size="1", color=rx.color("red", 11)),
                                ),
                                spacing="0",
                            )
                        ),
                        number_cell(row["open"]),
                        number_cell(row["shipped"]),
                        rx.table.cell(row["status"], white_space="nowrap"),
                    ),
                )
            ),
            id=element_id,
            size="1",
            min_width="44rem",
        ),
        rx.text(
            t("supplier.nothing_late" if late else "supplier.nothing_due"), size="2", color_scheme="gray"
        ),
    )


@framed_page(routes.SUPPLIER, on_load=[SupplierState.load, StockState.load])
def supplier_home() -> rx.Component:
    score = SupplierState.score
    return rx.vstack(
        page_heading(
            "supplier.title",
            "supplier.subtitle",
            rx.text(SupplierState.computed_at_text, size="1", color_scheme="gray", id="computed-at"),
        ),
        callout(score["blocked"], "ban", "red", "blocked-callout"),
        rx.grid(
            _work("open_orders", "supplier.open_orders", "clipboard-list", routes.SUPPLIER_ORDERS),
            _work(
                "awaiting_answer",
                "supplier.awaiting_answer",
                "inbox",
                routes.SUPPLIER_ORDERS + "?status=issued",
            ),
            _work("due_this_week", "supplier.due_this_week", "calendar-clock", routes.SUPPLIER_ORDERS),
            _work("late", "supplier.late", "clock-alert", routes.SUPPLIER_ORDERS),
            _work(
                "incidents_awaiting", "supplier.incidents_awaiting", "shield-alert", routes.SUPPLIER_INCIDENTS
            ),
            columns=rx.breakpoints(initial="2", md="3", lg="5"),
            spacing=rx.breakpoints(initial="3", sm="4"),
            width="100%",
        ),
        rx.grid(
            section(
                t("supplier.score_title"),
                rx.skeleton(
                    score_block(
                        score["value"],
                        score["standing"],
                        score["colour"],
                        score["period"],
                        score["computed"],
                        "dashboard-score",
                    ),
                    loading=SupplierState.loading,
                ),
                rx.link(
                    rx.button(t("supplier.see_scorecard"), rx.icon("arrow-right", size=16), variant="soft"),
                    href=routes.SUPPLIER_SCORECARD,
                ),
            ),
            section(
                t("supplier.trend_title"),
                chart(SupplierState.trend, SupplierState.loading),
                id="trend",
                grid_column=rx.breakpoints(initial="span 1", lg="span 2"),
            ),
            columns=rx.breakpoints(initial="1", lg="3"),
            spacing="4",
            width="100%",
        ),
        rx.grid(
            section(t("supplier.due_title"), _lines_table(SupplierState.due_lines, "due-lines", False)),
            section(t("supplier.late_title"), _lines_table(SupplierState.late_lines, "late-lines", True)),
            columns=rx.breakpoints(initial="1", xl="2"),
            spacing="4",
            width="100%",
        ),
        kpi_grid(
            _kpi("parts_supplied", "kpi.parts_supplied", "cog"),
            _kpi("part_units_on_hand", "kpi.part_units", "package"),
            _kpi("part_units_reserved", "kpi.part_units_reserved", "package-check"),
            _kpi("low_stock_items", "kpi.low_stock", "triangle-alert", hint=SupplierState.low_stock_hint),
        ),
        stock_value_card(SupplierState.stock_values, SupplierState.loading),
        section(t("supplier.stock_title"), stock_table()),
        spacing="4",
        width="100%",
    )
