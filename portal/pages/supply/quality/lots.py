"""The lot lookup (/manager/lots, /supplier/lots): what one lot touched."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    empty_state,
    field_error,
    header_cell,
    link_cell,
    number_cell,
    page_heading,
    scroll_table,
    section,
    state_badge,
    t,
)
from state.shared import routes
from state.supply.quality import LotTraceState as Lots

# --------------------------------------------------------------------------- lot lookup


def _trace_table(
    title_key: str, rows, headers: list[tuple[str, str]], cells, element_id: str
) -> rx.Component:
    return section(
        t(title_key),
        rx.cond(
            rows.length() > 0,
            scroll_table(
                rx.table.header(rx.table.row(*[header_cell(key, align) for key, align in headers])),
                rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*cells(row)))),
                id=element_id,
                size="1",
                min_width="44rem",
                # Document numbers and part codes stay on one line.
                style={"& td:nth-child(-n+2)": {"white-space": "nowrap"}},
            ),
            rx.text(t("lots.nothing"), size="2", color_scheme="gray"),
        ),
    )


def _lots_page() -> rx.Component:
    return rx.vstack(
        page_heading("lots.title", "lots.subtitle"),
        section(
            t("lots.lookup"),
            rx.form(
                rx.flex(
                    rx.input(
                        rx.input.slot(rx.icon("search", size=16)),
                        name="lot_number",
                        id="lot-input",
                        value=Lots.lot,
                        on_change=Lots.set_lot,
                        placeholder=t("lots.placeholder"),
                        width=rx.breakpoints(initial="100%", sm="20rem"),
                    ),
                    rx.button(t("lots.trace"), type="submit", id="lot-submit"),
                    gap="0.75rem",
                    wrap="wrap",
                ),
                on_submit=Lots.search,
                reset_on_submit=False,
            ),
            field_error(Lots.error["lot_number"], "error-lot"),
        ),
        rx.cond(Lots.searched & ~Lots.found, empty_state("search-x", t("lots.unknown"), id="lot-unknown")),
        rx.cond(
            Lots.found,
            rx.vstack(
                _trace_table(
                    "lots.orders",
                    Lots.order_rows,
                    [
                        ("purchase.number", "left"),
                        ("purchase.line", "left"),
                        ("stock.code", "left"),
                        ("catalogue.supplier", "left"),
                        ("purchase.quantity", "right"),
                    ],
                    lambda row: [
                        link_cell(row["number"], row["href"]),
                        rx.table.cell(row["line_no"]),
                        rx.table.cell(row["sku"]),
                        rx.table.cell(row["supplier"]),
                        number_cell(row["quantity"]),
                    ],
                    "lot-orders",
                ),
                _trace_table(
                    "lots.notices",
                    Lots.notice_rows,
                    [
                        ("receiving.notice", "left"),
                        ("stock.code", "left"),
                        ("purchase.quantity", "right"),
                        ("purchase.received", "right"),
                        ("receiving.carrier", "left"),
                        ("receiving.shipped", "left"),
                    ],
                    lambda row: [
                        rx.table.cell(row["number"]),
                        rx.table.cell(row["sku"]),
                        number_cell(row["quantity"]),
                        number_cell(row["received"]),
                        rx.table.cell(row["carrier"], custom_attrs={"data-verbatim": "typed"}),
                        rx.table.cell(row["shipped"]),
                    ],
                    "lot-notices",
                ),
                _trace_table(
                    "lots.receipts",
                    Lots.receipt_rows,
                    [
                        ("purchase.receipt", "left"),
                        ("stock.code", "left"),
                        ("stock.location", "left"),
                        ("receiving.received", "left"),
                        ("purchase.accepted", "right"),
                        ("purchase.rejected", "right"),
                        ("purchase.reject_reason", "left"),
                    ],
                    lambda row: [
                        rx.table.cell(row["number"]),
                        rx.table.cell(row["sku"]),
                        rx.table.cell(row["location"]),
                        rx.table.cell(row["received"]),
                        number_cell(row["accepted"]),
                        number_cell(row["rejected"]),
                        rx.table.cell(row["reason"], custom_attrs={"data-verbatim": "typed"}),
                    ],
                    "lot-receipts",
                ),
                _trace_table(
                    "lots.incidents",
                    Lots.incident_rows,
                    [
                        ("incident.number", "left"),
                        ("incident.what", "left"),
                        ("purchase.status", "left"),
                        ("incident.opened", "left"),
                    ],
                    lambda row: [
                        link_cell(row["number"], row["href"]),
                        rx.table.cell(row["title"]),
                        rx.table.cell(state_badge(row["status"], row["colour"])),
                        rx.table.cell(row["opened"]),
                    ],
                    "lot-incidents",
                ),
                spacing="4",
                width="100%",
            ),
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.MANAGER_LOTS, on_load=Lots.load)
def manager_lots() -> rx.Component:
    return _lots_page()


@framed_page(routes.SUPPLIER_LOTS, on_load=Lots.load)
def supplier_lots() -> rx.Component:
    return _lots_page()
