"""The purchase-order lists (the supplier's inbox and orders, the manager's orders) and the
manager's receiving list of shipping notices on their way."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    empty_state,
    header_cell,
    link_cell,
    number_cell,
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
            )
        ),
        rx.cond(Orders.role == "manager", rx.table.cell(row["supplier"]), rx.fragment()),
        rx.table.cell(row["ship_to"]),
        rx.table.cell(state_badge(row["status_label"], row["colour"])),
        rx.table.cell(row["issued"], white_space="nowrap"),
        number_cell(row["lines"]),
        rx.table.cell(row["next_due"], white_space="nowrap"),
        rx.table.cell(row["progress"], white_space="nowrap", color=rx.color("gray", 11)),
        number_cell(row["total"]),
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
                    rx.cond(Orders.role == "manager", header_cell("catalogue.supplier"), rx.fragment()),
                    header_cell("purchase.ship_to"),
                    header_cell("purchase.status"),
                    header_cell("purchase.issued"),
                    header_cell("purchase.lines", "right"),
                    header_cell("purchase.next_due"),
                    header_cell("purchase.progress_header"),
                    header_cell("purchase.total", "right"),
                ],
                _order_row,
                table_id="orders-table",
                min_width="62rem",
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
