"""The order page's shipping: the supplier's shipping-notice form and the notices sent, lot by lot."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import (
    counted_text,
    field_error,
    header_cell,
    labelled,
    number_cell,
    scroll_table,
    section,
    t,
)
from portal.pages.supply.purchasing.receiving import receive_form
from services.supply import purchasing
from state.supply.purchase_order import PurchaseOrderState as Order
from state.supply.purchase_receiving import ReceiptState as Receipt
from state.supply.purchase_shipping import ShipmentState as Shipment


def ship_form() -> rx.Component:
    error = Order.error
    return rx.form(
        rx.vstack(
            rx.grid(
                labelled(
                    "purchase.carrier",
                    counted_text(
                        purchasing.MAX_CARRIER_LENGTH,
                        area=False,
                        name="carrier",
                        element_id="ship-carrier",
                        error=error["carrier"],
                        error_id="error-ship-carrier",
                    ),
                ),
                labelled(
                    "purchase.tracking",
                    counted_text(
                        purchasing.MAX_TRACKING_LENGTH,
                        area=False,
                        name="tracking_number",
                        element_id="ship-tracking",
                        error=error["tracking_number"],
                        error_id="error-ship-tracking",
                    ),
                ),
                columns=rx.breakpoints(initial="1", sm="2"),
                spacing="4",
                width="100%",
            ),
            scroll_table(
                rx.table.header(
                    rx.table.row(
                        header_cell("purchase.line"),
                        header_cell("stock.item"),
                        header_cell("purchase.open_to_ship", "right"),
                        header_cell("purchase.ship_quantity"),
                        header_cell("purchase.lot"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        Shipment.ship_rows,
                        lambda row: rx.table.row(
                            rx.table.cell(row["line_no"]),
                            rx.table.cell(
                                rx.vstack(
                                    rx.code(row["sku"], variant="ghost", size="2"),
                                    rx.text(row["part"], size="1", color_scheme="gray"),
                                    spacing="0",
                                )
                            ),
                            number_cell(row["open_text"]),
                            rx.table.cell(
                                rx.vstack(
                                    rx.input(
                                        name="qty_" + row["id"],
                                        default_value=row["open"],
                                        id="ship-qty-" + row["line_no"],
                                        input_mode="numeric",
                                        width="7rem",
                                        size="1",
                                    ),
                                    field_error(row["error_qty"], "error-ship-qty-" + row["line_no"]),
                                    spacing="1",
                                )
                            ),
                            rx.table.cell(
                                rx.vstack(
                                    rx.input(
                                        name="lot_" + row["id"],
                                        id="ship-lot-" + row["line_no"],
                                        width="11rem",
                                        size="1",
                                        placeholder="L2026-001",
                                    ),
                                    field_error(row["error_lot"], "error-ship-lot-" + row["line_no"]),
                                    spacing="1",
                                )
                            ),
                        ),
                    )
                ),
                id="ship-table",
                size="1",
                min_width="44rem",
            ),
            rx.text(t("purchase.ship_hint"), size="1", color_scheme="gray"),
            field_error(error["form"], "error-ship-form"),
            rx.hstack(
                rx.button(
                    t("common.cancel"),
                    type="button",
                    variant="soft",
                    color_scheme="gray",
                    on_click=Shipment.toggle_ship,
                ),
                rx.button(
                    rx.icon("truck", size=16), t("purchase.send_notice"), type="submit", id="ship-submit"
                ),
                justify="end",
                width="100%",
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=Shipment.ship,
        reset_on_submit=False,
        width="100%",
    )


def shipments_section() -> rx.Component:
    return section(
        t("purchase.shipments"),
        rx.cond(
            Shipment.shipped_rows.length() > 0,
            scroll_table(
                rx.table.header(
                    rx.table.row(
                        header_cell("receiving.notice"),
                        header_cell("receiving.shipped"),
                        header_cell("receiving.carrier"),
                        header_cell("purchase.line"),
                        header_cell("stock.code"),
                        header_cell("purchase.lot"),
                        header_cell("purchase.quantity", "right"),
                        header_cell("purchase.received", "right"),
                    )
                ),
                rx.table.body(
                    rx.foreach(
                        Shipment.shipped_rows,
                        lambda row: rx.table.row(
                            rx.table.cell(
                                rx.vstack(
                                    rx.text(row["notice"], weight="medium", white_space="nowrap"),
                                    rx.text(row["status"], size="1", color_scheme="gray"),
                                    rx.cond(
                                        row["can_receive"],
                                        rx.button(
                                            rx.icon("package-check", size=14),
                                            t("purchase.receive"),
                                            size="1",
                                            on_click=Receipt.open_receipt(row["notice_id"]),
                                            custom_attrs={"data-receive": row["notice"]},
                                        ),
                                    ),
                                    spacing="1",
                                )
                            ),
                            rx.table.cell(row["shipped"], white_space="nowrap"),
                            rx.table.cell(row["carrier"], custom_attrs={"data-verbatim": "typed"}),
                            rx.table.cell(row["line_no"]),
                            rx.table.cell(
                                rx.code(row["sku"], variant="ghost", size="2"), white_space="nowrap"
                            ),
                            rx.table.cell(rx.code(row["lot"], size="2"), white_space="nowrap"),
                            number_cell(row["quantity"]),
                            number_cell(row["received"]),
                            custom_attrs={"data-shipped-lot": row["lot"]},
                        ),
                    )
                ),
                id="shipments-table",
                size="1",
                min_width="52rem",
            ),
            rx.text(t("purchase.no_shipments"), size="2", color_scheme="gray"),
        ),
        rx.cond(Receipt.receive_notice_id != 0, receive_form()),
        id="shipments-section",
    )
