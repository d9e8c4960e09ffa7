"""/orders (a dealer's orders, paged, by status and side) and /orders/[order_ref] (one order, live)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.orders import orders_table, status_badge
from portal.components.timeline import timeline
from portal.components.ui import (
    choice_select,
    header_cell,
    number_cell,
    page_heading,
    pager,
    scroll_table,
    section,
    t,
)
from state.ordering.orders import OrderListState, OrderState
from state.shared import routes


def order_filters(with_side: bool = True) -> rx.Component:
    return rx.flex(
        choice_select(
            OrderListState.side,
            OrderListState.side_options,
            OrderListState.set_side,
            "orders-side",
            "orders.side",
            min_width="11rem",
        )
        if with_side
        else rx.fragment(),
        choice_select(
            OrderListState.status,
            OrderListState.status_options,
            OrderListState.set_status,
            "orders-status",
            "orders.status",
            min_width="11rem",
        ),
        gap="0.75rem",
        wrap="wrap",
    )


def order_list() -> rx.Component:
    return rx.vstack(
        orders_table(OrderListState.display_rows, OrderListState.loading, "orders-table"),
        pager(
            OrderListState.pager_label,
            OrderListState.previous_page,
            OrderListState.next_page,
            OrderListState.has_previous,
            OrderListState.has_next,
        ),
        spacing="3",
        width="100%",
    )


@framed_page(routes.ORDERS, on_load=OrderListState.load)
def orders() -> rx.Component:
    return rx.vstack(
        page_heading("orders.title", "orders.subtitle", order_filters()),
        section(t("orders.title"), order_list()),
        spacing="4",
        width="100%",
    )


# --- one order --------------------------------------------------------------------------------


def _fact(label_key: str, value, element_id: str | None = None) -> rx.Component:
    return rx.cond(
        value != "",
        rx.data_list.item(
            rx.data_list.label(t(label_key), min_width="9rem"),
            rx.data_list.value(rx.text(value, id=element_id) if element_id else value),
        ),
    )


def _heading() -> rx.Component:
    header = OrderState.header
    return rx.flex(
        rx.vstack(
            rx.link(
                rx.hstack(rx.icon("arrow-left", size=14), t("orders.back"), align="center", spacing="1"),
                href=OrderState.back_path,
                size="2",
                color_scheme="gray",
                id="back-to-orders",
            ),
            rx.hstack(
                rx.heading(header["number"], size=rx.breakpoints(initial="6", md="7"), id="page-title"),
                status_badge(header["status"], header["status_label"], size="3", id="order-status"),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.text(header["kind"], color_scheme="gray", size="3"),
            spacing="1",
        ),
        rx.spacer(),
        rx.cond(OrderState.may_cancel, _cancel_button()),
        direction=rx.breakpoints(initial="column", sm="row"),
        gap="0.75rem",
        align=rx.breakpoints(initial="start", sm="end"),
        width="100%",
        margin_bottom="1.25rem",
    )


def _cancel_button() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                rx.icon("circle-x", size=16),
                t("orders.cancel"),
                variant="soft",
                color_scheme="red",
                id="cancel-order",
                loading=OrderState.cancelling,
            ),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("orders.cancel_title")),
            rx.alert_dialog.description(t("orders.cancel_hint"), size="2"),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button(t("orders.keep"), variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        t("orders.cancel"),
                        color_scheme="red",
                        on_click=OrderState.cancel,
                        id="confirm-cancel",
                    )
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
            max_width="28rem",
        ),
    )


def _facts_section(title_key: str, *facts: rx.Component) -> rx.Component:
    """A section of labelled facts, label beside value from the small breakpoint up."""
    return section(
        t(title_key),
        rx.data_list.root(*facts, orientation=rx.breakpoints(initial="vertical", sm="horizontal"), size="2"),
    )


def _summary() -> rx.Component:
    header = OrderState.header
    return _facts_section(
        "orders.details",
        _fact("orders.placed", header["created"], "order-created"),
        _fact("orders.deliver_to", header["buyer_location"], "order-deliver-to"),
        _fact("orders.ships_from", header["source_location"]),
        _fact("orders.payment", header["payment_status"], "order-payment"),
        _fact("orders.hold_until", header["hold_until"]),
        _fact("order.from_drive", header["from_drive"], "order-from-drive"),
    )


def _configuration() -> rx.Component:
    configuration = OrderState.configuration
    return rx.box(
        _facts_section(
            "orders.configuration",
            _fact("configurator.colour", configuration["colour"], "order-colour"),
            _fact("configurator.packs", configuration["packs"], "order-packs"),
            _fact("orders.delivery", configuration["delivery"], "order-delivery"),
        ),
        width="100%",
        id="order-configuration",
    )


def _money() -> rx.Component:
    header = OrderState.header
    return _facts_section(
        "orders.money",
        _fact("orders.total", header["total"], "order-total"),
        _fact("orders.deposit", header["deposit"], "order-deposit"),
        _fact("orders.balance", header["balance"], "order-balance"),
        _fact("orders.refunded", header["refunded"], "order-refunded"),
    )


def _line_row(line) -> rx.Component:
    return rx.table.row(
        number_cell(line["line_no"]),
        rx.table.cell(
            rx.vstack(
                rx.text(line["name"], weight="medium"),
                rx.text(line["code"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(line["kind"]),
        number_cell(line["quantity"]),
        rx.table.cell(
            line["unit_price"],
            text_align="right",
            white_space="nowrap",
            style={"font-variant-numeric": "tabular-nums"},
        ),
        rx.table.cell(
            line["line_total"],
            text_align="right",
            white_space="nowrap",
            style={"font-variant-numeric": "tabular-nums"},
        ),
    )


def _lines() -> rx.Component:
    return section(
        t("orders.lines_title"),
        scroll_table(
            rx.table.header(
                rx.table.row(
                    header_cell("orders.line", "right"),
                    header_cell("cart.item"),
                    header_cell("cart.kind"),
                    header_cell("cart.quantity", "right"),
                    header_cell("cart.unit_price", "right"),
                    header_cell("cart.line_total", "right"),
                )
            ),
            rx.table.body(rx.foreach(OrderState.line_rows, _line_row)),
            id="order-lines",
            min_width="40rem",
        ),
        rx.hstack(
            rx.spacer(),
            rx.text(t("orders.total"), color_scheme="gray"),
            rx.text(OrderState.header["total"], weight="bold", size="4"),
            align="baseline",
            spacing="3",
            width="100%",
        ),
    )


def _shipment() -> rx.Component:
    shipment = OrderState.shipment
    return section(
        t("orders.shipment"),
        rx.cond(
            shipment.contains("status"),
            rx.hstack(
                rx.box(
                    rx.icon("truck", size=22),
                    color=rx.color("accent", 10),
                    background=rx.color("accent", 3),
                    padding="0.55rem",
                    border_radius="var(--radius-3)",
                ),
                rx.vstack(
                    rx.cond(
                        shipment["handover"] != "",
                        rx.text(shipment["handover"], weight="medium"),
                        rx.hstack(
                            rx.text(shipment["from"], weight="medium"),
                            rx.icon("arrow-right", size=14),
                            rx.text(shipment["to"], weight="medium"),
                            align="center",
                            wrap="wrap",
                        ),
                    ),
                    rx.hstack(
                        rx.badge(shipment["status"], variant="soft"),
                        rx.text(shipment["created"], size="2", color_scheme="gray"),
                        rx.cond(
                            shipment["reference"] != "",
                            rx.code(shipment["reference"], size="1", variant="ghost"),
                        ),
                        align="center",
                        spacing="2",
                        wrap="wrap",
                    ),
                    rx.link(
                        rx.hstack(rx.icon("map-pin", size=14), t("orders.track_shipment"), align="center"),
                        href=shipment["href"],
                        size="2",
                        id="order-track-shipment",
                    ),
                    spacing="1",
                ),
                spacing="3",
                align="start",
                id="order-shipment",
            ),
            rx.text(t("orders.no_shipment"), color_scheme="gray", size="2", id="order-no-shipment"),
        ),
    )


def _order() -> rx.Component:
    return rx.vstack(
        _heading(),
        rx.cond(
            OrderState.header["cancel_text"] != "",
            rx.callout(
                OrderState.header["cancel_text"],
                icon="info",
                color_scheme="red",
                width="100%",
                id="order-cancel-reason",
            ),
        ),
        rx.grid(_summary(), _money(), columns=rx.breakpoints(initial="1", lg="2"), spacing="4", width="100%"),
        rx.cond(OrderState.configuration.contains("colour"), _configuration()),
        _lines(),
        rx.grid(
            section(t("orders.timeline"), timeline(OrderState.timeline, "order-timeline", empty_key=None)),
            _shipment(),
            columns=rx.breakpoints(initial="1", lg="2"),
            spacing="4",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


@framed_page(routes.ORDER, on_load=OrderState.load)
def order_page() -> rx.Component:
    return rx.box(
        rx.cond(
            OrderState.header.contains("number"),
            _order(),
            rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
        ),
        on_unmount=OrderState.stop_watching,
        width="100%",
    )
