"""The stock table (search, pages, low-stock marking) used by /stock and the supplier's home."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import empty_state, header_cell, number_cell, paged_table, t
from state.catalog.stock import StockState


def _row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["location"], size="2"),
                rx.text(row["location_code"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            custom_attrs={"data-location": row["location_code"]},
        ),
        rx.table.cell(rx.code(row["code"], variant="ghost", size="2"), white_space="nowrap"),
        rx.table.cell(row["item"]),
        number_cell(row["on_hand"]),
        number_cell(row["reserved"]),
        rx.table.cell(
            rx.cond(
                row["low"],
                rx.badge(row["available"], color_scheme="amber", variant="soft"),
                rx.text(row["available"]),
            ),
            text_align="right",
            style={"font-variant-numeric": "tabular-nums"},
        ),
    )


def search_box(value, on_change, element_id: str) -> rx.Component:
    return rx.input(
        rx.input.slot(rx.icon("search", size=16)),
        value=value,
        on_change=on_change,
        placeholder=t("common.search_stock"),
        aria_label=t("common.search"),
        id=element_id,
        max_length=100,
        width=rx.breakpoints(initial="100%", sm="18rem"),
    )


def stock_table() -> rx.Component:
    return rx.vstack(
        search_box(StockState.search, StockState.set_search, "stock-search"),
        paged_table(
            StockState,
            [
                header_cell("stock.location"),
                header_cell("stock.code"),
                header_cell("stock.item"),
                header_cell("stock.on_hand", "right"),
                header_cell("stock.reserved", "right"),
                header_cell("stock.available", "right"),
            ],
            _row,
            rows=StockState.display_rows,
            table_id="stock-table",
            min_width="40rem",
            empty=empty_state("package-open", t("stock.empty")),
        ),
        spacing="3",
        width="100%",
    )
