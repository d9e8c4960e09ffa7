"""The purchase-order lists (the supplier's inbox and orders, the manager's orders) and the
manager's receiving list of shipping notices on their way."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    PHONE_ONLY,
    WIDE_ONLY,
    WIDE_ONLY_TEXT,
    choice_select,
    day_and_time_cell,
    empty_state,
    header_cell,
    link_cell,
    page_heading,
    paged_table,
    section,
    state_badge,
    t,
)
from state.shared import routes
from state.supply.purchasing import PurchaseOrderListState as Orders
from state.supply.purchasing import ReceivingState


def _order_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.link(row["number"], href=row["href"], weight="medium", white_space="nowrap"),
                rx.cond(
                    row["warning"],
                    rx.tooltip(
                        rx.icon("triangle-alert", size=14, color=rx.color("amber", 10)),
                        content=t("purchase.issued_in_poor_short"),
                    ),
                ),
                align="center",
                spacing="1",
            ),
            # How many lines, under the number: a column of its own would squeeze the names. On a
            # phone the total stands there instead of in its own column.
            rx.text(
                row["line_count"],
                size="1",
                color=rx.color("gray", 10),
                white_space="nowrap",
                **WIDE_ONLY_TEXT,
            ),
            rx.text(row["total"], size="1", white_space="nowrap", class_name="phone-total", **PHONE_ONLY),
        ),
        # Supplier and ship-to get the room to stay within two lines: the dates and the progress
        # wrap instead. On a phone the number, status and total stay (WIDE_ONLY steps aside).
        rx.cond(
            Orders.role == "manager",
            rx.table.cell(row["supplier"], min_width="13rem", **WIDE_ONLY),
            rx.fragment(),
        ),
        rx.table.cell(row["ship_to"], min_width="10.5rem", **WIDE_ONLY),
        rx.table.cell(state_badge(row["status_label"], row["colour"])),
        day_and_time_cell(row["issued_day"], row["issued_time"], **WIDE_ONLY),
        rx.table.cell(row["next_due"], white_space="nowrap", **WIDE_ONLY),
        rx.table.cell(row["progress"], min_width="8.5rem", color=rx.color("gray", 11), **WIDE_ONLY),
        rx.table.cell(
            row["total"],
            text_align="right",
            white_space="nowrap",
            style={"font-variant-numeric": "tabular-nums"},
            **WIDE_ONLY,
        ),
        custom_attrs={"data-order": row["number"]},
    )


def _orders_list(subtitle_key: str, *actions: rx.Component) -> rx.Component:
    return rx.vstack(
        page_heading("purchase.title", subtitle_key, *actions),
        section(
            t("purchase.orders"),
            rx.flex(
                choice_select(
                    Orders.status_filter,
                    Orders.status_options,
                    Orders.set_status_filter,
                    "status-filter",
                    min_width="12rem",
                ),
                rx.input(
                    rx.input.slot(rx.icon("search", size=16)),
                    value=Orders.search,
                    on_change=Orders.set_search.debounce(300),
                    placeholder=t("purchase.search_number"),
                    id="order-search",
                    max_length=20,
                    width=rx.breakpoints(initial="100%", sm="14rem"),
                ),
                gap="0.75rem",
                wrap="wrap",
                width="100%",
            ),
            paged_table(
                Orders,
                [
                    header_cell("purchase.number"),
                    rx.cond(
                        Orders.role == "manager",
                        header_cell("catalogue.supplier", wide_only=True),
                        rx.fragment(),
                    ),
                    header_cell("purchase.ship_to", wide_only=True),
                    header_cell("purchase.status"),
                    header_cell("purchase.issued", wide_only=True),
                    header_cell("purchase.next_due", wide_only=True),
                    header_cell("purchase.progress_header", wide_only=True, wrap=True),
                    header_cell("purchase.total", "right", wide_only=True),
                ],
                _order_row,
                table_id="orders-table",
                min_width="56rem",
                phone_min_width="0",
                skeleton_columns=8,
                empty=empty_state("inbox", t("purchase.none"), t("purchase.none_hint")),
            ),
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.SUPPLIER_ORDERS, on_load=Orders.load)
def supplier_orders() -> rx.Component:
    return _orders_list("purchase.supplier_subtitle")


@framed_page(routes.MANAGER_ORDERS, on_load=Orders.load)
def manager_orders() -> rx.Component:
    return _orders_list(
        "purchase.manager_subtitle",
        rx.link(
            rx.button(rx.icon("file-plus", size=16), t("purchase.new_order"), id="new-order"),
            href=routes.MANAGER_ORDER_NEW,
        ),
    )


@framed_page(routes.MANAGER_RECEIVING, on_load=ReceivingState.load)
def manager_receiving() -> rx.Component:
    return rx.vstack(
        page_heading("receiving.title", "receiving.subtitle"),
        section(
            t("receiving.in_transit"),
            paged_table(
                ReceivingState,
                [
                    header_cell("receiving.notice"),
                    header_cell("purchase.number"),
                    header_cell("catalogue.supplier"),
                    header_cell("receiving.carrier"),
                    header_cell("receiving.shipped"),
                    header_cell("purchase.status"),
                ],
                _notice_row,
                table_id="receiving-table",
                min_width="48rem",
                skeleton_columns=6,
                empty=empty_state("truck", t("receiving.none")),
            ),
        ),
        spacing="4",
        width="100%",
    )


def _notice_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["number"], white_space="nowrap"),
        link_cell(row["order"], row["href"]),
        rx.table.cell(row["supplier"]),
        rx.table.cell(
            rx.vstack(
                rx.text(row["carrier"], size="2", custom_attrs={"data-verbatim": "typed"}),
                rx.text(row["tracking"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(row["shipped"], white_space="nowrap"),
        rx.table.cell(state_badge(row["status"], row["colour"])),
        custom_attrs={"data-notice": row["number"]},
    )
