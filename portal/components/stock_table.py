"""The stock table (search, pages, low-stock marking) used by /stock and the supplier's home; on /stock
also the location, category and low-stock filters."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import empty_state, header_cell, number_cell, paged_table, t
from state.catalog.stock import ALL, StockState


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


def _select(element_id: str, label_key: str, value, on_change, items) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(
            id=element_id,
            aria_label=t(label_key),
            min_width="12rem",
            width=rx.breakpoints(initial="100%", sm="auto"),
        ),
        rx.select.content(*items),
        value=value,
        on_change=on_change,
    )


def stock_filters() -> rx.Component:
    """Search, location, part category and "low stock only", combinable; each change reads page 1."""
    return rx.flex(
        search_box(StockState.search, StockState.set_search, "stock-search"),
        _select(
            "stock-location-filter",
            "stock.filter_location",
            StockState.location,
            StockState.set_location,
            [
                rx.select.item(t("stock.all_locations"), value=ALL),
                rx.foreach(
                    StockState.location_choices,
                    lambda choice: rx.select.item(choice["label"], value=choice["value"]),
                ),
            ],
        ),
        _select(
            "stock-category-filter",
            "stock.filter_category",
            StockState.category,
            StockState.set_category,
            [
                rx.select.item(t("stock.all_categories"), value=ALL),
                rx.foreach(
                    StockState.category_choices,
                    lambda choice: rx.select.item(choice["label"], value=choice["value"]),
                ),
            ],
        ),
        rx.el.label(
            rx.switch(
                checked=StockState.low_only,
                on_change=StockState.set_low_only,
                id="stock-low-only",
            ),
            rx.text(t("stock.low_only"), size="2"),
            display="flex",
            align_items="center",
            gap="0.5rem",
            cursor="pointer",
        ),
        gap="0.75rem",
        wrap="wrap",
        align="center",
        width="100%",
    )


def stock_table(filters: bool = False) -> rx.Component:
    return rx.vstack(
        stock_filters() if filters else search_box(StockState.search, StockState.set_search, "stock-search"),
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
            empty=rx.cond(
                StockState.filtered,
                empty_state("search-x", t("stock.no_match"), t("stock.no_match_hint")),
                empty_state("package-open", t("stock.empty")),
            ),
        ),
        spacing="3",
        width="100%",
    )
