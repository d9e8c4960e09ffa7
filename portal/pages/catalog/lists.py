"""/catalogue (parts; a supplier sees its own, titled "My parts" without the supplier column) and /stock
(scoped to what the role may read, with its filters)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.stock_table import search_box, stock_table
from portal.components.ui import empty_state, header_cell, page_heading, paged_table, section, t
from state.catalog.catalogue import ALL, CatalogueState
from state.catalog.stock import StockState
from state.ordering.cart import CartState
from state.shared import routes
from state.shared.auth import AuthState


def _part_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.code(row["sku"], variant="ghost", size="2"), white_space="nowrap"),
        rx.table.cell(row["name"]),
        rx.table.cell(row["category"]),
        # A supplier reads only its own parts: the supplier column would always show its own name.
        rx.cond(AuthState.role != "supplier", rx.table.cell(row["supplier"])),
        rx.table.cell(
            row["price"],
            text_align="right",
            white_space="nowrap",
            style={"font-variant-numeric": "tabular-nums"},
        ),
        rx.cond(
            AuthState.role == "dealer",
            rx.table.cell(
                rx.cond(
                    row["out_of_stock"],
                    rx.badge(t("catalogue.out_of_stock"), color_scheme="red", variant="soft"),
                    rx.text(row["available"], size="2"),
                ),
                text_align="right",
                white_space="nowrap",
                style={"font-variant-numeric": "tabular-nums"},
                class_name="part-available",
            ),
        ),
        rx.cond(
            AuthState.role == "dealer",
            rx.table.cell(
                rx.button(
                    rx.icon("shopping-cart", size=15),
                    t("cart.add"),
                    variant="soft",
                    size="1",
                    on_click=CartState.add_item("part", row["sku"]),
                    class_name="add-to-cart",
                    white_space="nowrap",
                ),
                text_align="center",
            ),
        ),
    )


def _category_filter() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(id="category-filter", min_width="12rem"),
        rx.select.content(
            rx.select.item(t("common.all"), value=ALL),
            rx.foreach(
                CatalogueState.category_choices,
                lambda choice: rx.select.item(choice["label"], value=choice["value"]),
            ),
        ),
        value=CatalogueState.category,
        on_change=CatalogueState.set_category,
    )


@framed_page(routes.CATALOGUE, on_load=CatalogueState.load)
def catalogue() -> rx.Component:
    return rx.vstack(
        rx.cond(
            AuthState.role == "supplier",
            page_heading("nav.my_parts", "catalogue.my_subtitle"),
            page_heading("nav.catalogue", "catalogue.subtitle"),
        ),
        section(
            t("kpi.parts"),
            rx.flex(
                search_box(CatalogueState.search, CatalogueState.set_search, "parts-search"),
                _category_filter(),
                gap="0.75rem",
                wrap="wrap",
                width="100%",
            ),
            paged_table(
                CatalogueState,
                [
                    header_cell("stock.code"),
                    header_cell("admin.name"),
                    header_cell("catalogue.category"),
                    rx.cond(AuthState.role != "supplier", header_cell("catalogue.supplier")),
                    header_cell("catalogue.list_price", "right"),
                    rx.cond(AuthState.role == "dealer", header_cell("catalogue.available", "right")),
                    rx.cond(AuthState.role == "dealer", header_cell("cart.add", "center")),
                ],
                _part_row,
                rows=CatalogueState.display_rows,
                table_id="parts-table",
                min_width="44rem",
                skeleton_columns=5,
                size="2",
                empty=empty_state("search-x", t("common.no_results")),
            ),
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.STOCK, on_load=StockState.load)
def stock() -> rx.Component:
    return rx.vstack(
        page_heading("nav.stock", "stock.subtitle"),
        section(t("nav.stock"), stock_table(filters=True)),
        spacing="4",
        width="100%",
    )
