"""The order page's receiving: the manager's goods-receipt form for one notice and the receipts."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import (
    cell_input,
    counted_text,
    field_error,
    header_cell,
    number_cell,
    scroll_table,
    section,
    t,
)
from services.supply import purchasing
from state.supply.purchase_order import PurchaseOrderState as Order
from state.supply.purchase_receiving import ReceiptState as Receipt


def receive_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(t("purchase.receive_title") + " " + Receipt.receive_number, size="3"),
                scroll_table(
                    rx.table.header(
                        rx.table.row(
                            header_cell("purchase.line"),
                            header_cell("stock.code"),
                            header_cell("purchase.lot"),
                            header_cell("purchase.still_due", "right"),
                            header_cell("purchase.accepted"),
                            header_cell("purchase.rejected"),
                            header_cell("purchase.reject_reason"),
                        )
                    ),
                    rx.table.body(
                        rx.foreach(
                            Receipt.receive_rows,
                            lambda row: rx.table.row(
                                rx.table.cell(row["line_no"]),
                                rx.table.cell(rx.code(row["sku"], variant="ghost", size="2")),
                                rx.table.cell(rx.code(row["lot"], size="2")),
                                number_cell(row["open_text"]),
                                cell_input(
                                    row["error_accepted"],
                                    name="acc_" + row["id"],
                                    default_value=row["open"],
                                    width="6rem",
                                    input_mode="numeric",
                                    aria_label=t("purchase.accepted"),
                                ),
                                cell_input(
                                    row["error_rejected"],
                                    name="rej_" + row["id"],
                                    default_value="0",
                                    width="6rem",
                                    input_mode="numeric",
                                    aria_label=t("purchase.rejected"),
                                ),
                                rx.table.cell(
                                    counted_text(
                                        purchasing.MAX_REASON_LENGTH,
                                        area=False,
                                        size="1",
                                        name="why_" + row["id"],
                                        element_id="why-" + row["id"],
                                        error=row["error_reason"],
                                        aria_label=t("purchase.reject_reason"),
                                    ),
                                    min_width="14rem",
                                ),
                                custom_attrs={"data-receive-lot": row["lot"]},
                            ),
                        )
                    ),
                    id="receive-table",
                    size="1",
                    min_width="52rem",
                ),
                rx.text(t("purchase.receive_hint"), size="1", color_scheme="gray"),
                field_error(Order.error["receive_form"], "error-receive-form"),
                rx.hstack(
                    rx.button(
                        t("common.cancel"),
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=Receipt.close_receipt,
                    ),
                    rx.button(
                        rx.icon("package-check", size=16),
                        t("purchase.record_receipt"),
                        type="submit",
                        id="receive-submit",
                    ),
                    justify="end",
                    width="100%",
                    spacing="3",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=Receipt.receive,
            reset_on_submit=False,
            width="100%",
        ),
        width="100%",
        variant="surface",
        id="receive-form",
    )


def receipts_section() -> rx.Component:
    return section(
        t("purchase.receipts"),
        rx.cond(
            Receipt.received_rows.length() > 0,
            scroll_table(
                rx.table.header(
                    rx.table.row(
                        header_cell("purchase.receipt"),
                        header_cell("receiving.received"),
                        header_cell("purchase.line"),
                        header_cell("stock.code"),
                        header_cell("purchase.lot"),
                        header_cell("purchase.accepted", "right"),
                        header_cell("purchase.rejected", "right"),
                        header_cell("purchase.reject_reason"),
                        header_cell("incident.incident"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        Receipt.received_rows,
                        lambda row: rx.table.row(
                            rx.table.cell(row["receipt"], weight="medium", white_space="nowrap"),
                            rx.table.cell(row["received"], white_space="nowrap"),
                            rx.table.cell(row["line_no"]),
                            rx.table.cell(rx.code(row["sku"], variant="ghost", size="2")),
                            rx.table.cell(rx.code(row["lot"], size="2"), white_space="nowrap"),
                            number_cell(row["accepted"]),
                            rx.table.cell(
                                rx.cond(
                                    row["rejected_any"],
                                    rx.badge(row["rejected"], color_scheme="red", variant="soft"),
                                    rx.text(row["rejected"]),
                                ),
                                text_align="right",
                            ),
                            rx.table.cell(row["reason"], custom_attrs={"data-verbatim": "typed"}),
                            rx.table.cell(
                                rx.cond(
                                    row["incident"] != "", rx.link(row["incident"], href=row["incident_href"])
                                )
                            ),
                            custom_attrs={"data-received-lot": row["lot"]},
                        ),
                    )
                ),
                id="receipts-table",
                size="1",
                min_width="60rem",
            ),
            rx.text(t("purchase.no_receipts"), size="2", color_scheme="gray"),
        ),
    )
