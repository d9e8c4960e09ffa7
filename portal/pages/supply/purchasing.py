"""Purchase orders: the supplier's inbox and order pages (/supplier/purchase-orders...), the
manager's orders, the new-order form and the receiving list (/manager/purchase-orders...,
/manager/receiving). One order page serves both sides; each side sees its own actions."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.timeline import timeline
from portal.components.ui import (
    back_link,
    callout,
    cell_input,
    choice_select,
    dialog_actions,
    empty_state,
    fact,
    facts,
    field_error,
    header_cell,
    labelled,
    link_cell,
    loading_rows,
    missing_notice,
    number_cell,
    page_heading,
    paged_table,
    scroll_table,
    section,
    state_badge,
    t,
)
from state.shared import routes
from state.supply.purchase_issue import IssueOrderState
from state.supply.purchase_order import PurchaseOrderState as Order
from state.supply.purchasing import PurchaseOrderListState as Orders
from state.supply.purchasing import ReceivingState

# --------------------------------------------------------------------------- the lists


def _order_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.hstack(
                rx.link(row["number"], href=row["href"], weight="medium", white_space="nowrap"),
                rx.cond(
                    row["warning"] == "yes",
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
            scroll_table(
                rx.table.header(
                    rx.table.row(
                        header_cell("receiving.notice"),
                        header_cell("purchase.number"),
                        header_cell("catalogue.supplier"),
                        header_cell("receiving.carrier"),
                        header_cell("receiving.shipped"),
                        header_cell("purchase.status"),
                    )
                ),
                rx.table.body(
                    rx.cond(
                        ReceivingState.loading,
                        loading_rows(6),
                        rx.foreach(
                            ReceivingState.rows,
                            lambda row: rx.table.row(
                                rx.table.cell(row["number"], white_space="nowrap"),
                                link_cell(row["order"], row["href"]),
                                rx.table.cell(row["supplier"]),
                                rx.table.cell(
                                    rx.vstack(
                                        rx.text(row["carrier"], size="2"),
                                        rx.text(row["tracking"], size="1", color_scheme="gray"),
                                        spacing="0",
                                    )
                                ),
                                rx.table.cell(row["shipped"], white_space="nowrap"),
                                rx.table.cell(state_badge(row["status"], row["colour"])),
                                custom_attrs={"data-notice": row["number"]},
                            ),
                        ),
                    )
                ),
                id="receiving-table",
                size="1",
                min_width="48rem",
            ),
            rx.cond(
                ~ReceivingState.loading & (ReceivingState.rows.length() == 0),
                empty_state("truck", t("receiving.none")),
            ),
        ),
        spacing="4",
        width="100%",
    )


# --------------------------------------------------------------------------- one order


def _line_summary(row) -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(t("purchase.line"), " ", row["line_no"], weight="medium", size="2"),
            rx.code(row["sku"], variant="ghost", size="2", white_space="nowrap"),
            rx.text(row["part"], size="2", color_scheme="gray"),
            spacing="2",
            align="center",
            wrap="wrap",
        ),
        rx.text(row["request"], size="1", color_scheme="gray"),
        spacing="1",
        min_width="0",
        flex="1",
    )


def _answer_row(row) -> rx.Component:
    """The supplier's answer to an open line: the promised date to acknowledge it with, or a
    proposal of another quantity or date, or a rejection with a reason."""
    return rx.flex(
        _line_summary(row),
        rx.vstack(
            rx.form(
                rx.flex(
                    rx.el.input(type="hidden", name="line_id", value=row["id"]),
                    rx.input(
                        type="date",
                        name="promised_date",
                        default_value=row["requested_iso"],
                        id="ack-date-" + row["line_no"],
                        aria_label=t("purchase.promised_date"),
                        width="10.5rem",
                    ),
                    rx.button(
                        rx.icon("check", size=16),
                        t("purchase.acknowledge"),
                        type="submit",
                        id="ack-" + row["line_no"],
                    ),
                    rx.button(
                        t("purchase.propose_short"),
                        type="button",
                        variant="soft",
                        on_click=Order.open_dialog("propose", row["id"]),
                        id="propose-" + row["line_no"],
                    ),
                    rx.button(
                        t("purchase.reject_short"),
                        type="button",
                        variant="soft",
                        color_scheme="red",
                        on_click=Order.open_dialog("reject", row["id"]),
                        id="reject-" + row["line_no"],
                    ),
                    gap="0.5rem",
                    align="center",
                    wrap="wrap",
                ),
                on_submit=Order.acknowledge_line,
                reset_on_submit=False,
            ),
            field_error(row["error_date"], "error-ack-" + row["line_no"]),
            spacing="1",
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        gap="0.75rem",
        align=rx.breakpoints(initial="start", md="center"),
        width="100%",
        padding_y="0.75rem",
        border_top=f"1px solid {rx.color('gray', 4)}",
        custom_attrs={"data-answer-line": row["line_no"]},
    )


def _decision_row(row) -> rx.Component:
    """A supplier's proposal on a line, for the manager to accept or decline."""
    return rx.flex(
        rx.vstack(
            _line_summary(row),
            rx.text(t("purchase.proposes"), " ", row["proposal"], size="2", color=rx.color("amber", 11)),
            spacing="1",
            flex="1",
        ),
        rx.hstack(
            rx.button(
                rx.icon("check", size=16),
                t("purchase.accept_proposal"),
                color_scheme="grass",
                on_click=Order.decide_proposal(row["id"], True),
                id="accept-" + row["line_no"],
            ),
            rx.button(
                rx.icon("x", size=16),
                t("purchase.decline_proposal"),
                variant="soft",
                color_scheme="red",
                on_click=Order.decide_proposal(row["id"], False),
                id="decline-" + row["line_no"],
            ),
            spacing="2",
        ),
        direction=rx.breakpoints(initial="column", md="row"),
        gap="0.75rem",
        align=rx.breakpoints(initial="start", md="center"),
        width="100%",
        padding_y="0.75rem",
        border_top=f"1px solid {rx.color('gray', 4)}",
        custom_attrs={"data-proposal-line": row["line_no"]},
    )


def _answers_section() -> rx.Component:
    return rx.fragment(
        rx.cond(
            Order.answer_rows.length() > 0,
            section(
                t("purchase.answer_title"),
                rx.text(t("purchase.answer_hint"), size="2", color_scheme="gray"),
                rx.vstack(rx.foreach(Order.answer_rows, _answer_row), spacing="0", width="100%"),
                id="answer-section",
            ),
        ),
        rx.cond(
            Order.decision_rows.length() > 0,
            section(
                t("purchase.proposals_title"),
                rx.vstack(rx.foreach(Order.decision_rows, _decision_row), spacing="0", width="100%"),
                id="proposals-section",
            ),
        ),
    )


def _line_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(row["line_no"]),
        rx.table.cell(
            rx.vstack(
                rx.code(row["sku"], variant="ghost", size="2", white_space="nowrap"),
                rx.text(row["part"], size="1", color_scheme="gray"),
                spacing="0",
            ),
            min_width="12rem",
        ),
        number_cell(row["quantity"]),
        number_cell(row["price"]),
        rx.table.cell(row["requested"], white_space="nowrap"),
        rx.table.cell(row["promised"], white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                state_badge(row["status_label"], row["colour"]),
                rx.cond(
                    row["reject_reason"] != "", rx.text(row["reject_reason"], size="1", color_scheme="red")
                ),
                rx.cond(
                    row["proposal"] != "", rx.text(row["proposal"], size="1", color=rx.color("amber", 11))
                ),
                spacing="1",
            )
        ),
        number_cell(row["shipped"]),
        rx.table.cell(
            rx.hstack(
                rx.text(row["accepted"]),
                rx.cond(
                    row["rejected_any"] == "yes",
                    rx.badge("−" + row["rejected"], color_scheme="red", variant="soft"),
                ),
                spacing="1",
                justify="end",
            ),
            text_align="right",
        ),
        custom_attrs={"data-line": row["line_no"]},
    )


def _lines_section() -> rx.Component:
    return section(
        t("purchase.lines_title"),
        scroll_table(
            rx.table.header(
                rx.table.row(
                    header_cell("purchase.line"),
                    header_cell("stock.item"),
                    header_cell("purchase.quantity", "right"),
                    header_cell("purchase.unit_price", "right"),
                    header_cell("purchase.requested"),
                    header_cell("purchase.promised"),
                    header_cell("purchase.status"),
                    header_cell("purchase.shipped", "right"),
                    header_cell("purchase.received", "right"),
                )
            ),
            rx.table.body(rx.foreach(Order.line_rows, _line_row)),
            id="lines-table",
            size="1",
            min_width="54rem",
        ),
        id="lines-section",
    )


def _ship_form() -> rx.Component:
    error = Order.error
    return rx.form(
        rx.vstack(
            rx.grid(
                labelled(
                    "purchase.carrier",
                    rx.input(name="carrier", id="ship-carrier", max_length=80),
                    error["carrier"],
                    "error-ship-carrier",
                ),
                labelled(
                    "purchase.tracking",
                    rx.input(name="tracking_number", id="ship-tracking", max_length=80),
                    error["tracking_number"],
                    "error-ship-tracking",
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
                        Order.ship_rows,
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
                                        max_length=60,
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
                    on_click=Order.toggle_ship,
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
        on_submit=Order.ship,
        reset_on_submit=False,
        width="100%",
    )


def _shipments_section() -> rx.Component:
    return section(
        t("purchase.shipments"),
        rx.cond(
            Order.shipped_rows.length() > 0,
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
                        Order.shipped_rows,
                        lambda row: rx.table.row(
                            rx.table.cell(
                                rx.vstack(
                                    rx.text(row["notice"], weight="medium", white_space="nowrap"),
                                    rx.text(row["status"], size="1", color_scheme="gray"),
                                    rx.cond(
                                        row["can_receive"] == "yes",
                                        rx.button(
                                            rx.icon("package-check", size=14),
                                            t("purchase.receive"),
                                            size="1",
                                            on_click=Order.open_receipt(row["notice_id"]),
                                            custom_attrs={"data-receive": row["notice"]},
                                        ),
                                    ),
                                    spacing="1",
                                )
                            ),
                            rx.table.cell(row["shipped"], white_space="nowrap"),
                            rx.table.cell(row["carrier"]),
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
        rx.cond(Order.receive_notice_id != 0, _receive_form()),
        id="shipments-section",
    )


def _receive_form() -> rx.Component:
    return rx.card(
        rx.form(
            rx.vstack(
                rx.heading(t("purchase.receive_title") + " " + Order.receive_number, size="3"),
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
                            Order.receive_rows,
                            lambda row: rx.table.row(
                                rx.table.cell(row["line_no"]),
                                rx.table.cell(rx.code(row["sku"], variant="ghost", size="2")),
                                rx.table.cell(rx.code(row["lot"], size="2")),
                                number_cell(row["open_text"]),
                                cell_input(row["error_accepted"], name="acc_" + row["id"],
                                           default_value=row["open"], width="6rem",
                                           input_mode="numeric", aria_label=t("purchase.accepted")),
                                cell_input(row["error_rejected"], name="rej_" + row["id"],
                                           default_value="0", width="6rem",
                                           input_mode="numeric", aria_label=t("purchase.rejected")),
                                cell_input(row["error_reason"], name="why_" + row["id"],
                                           width="14rem", max_length=500,
                                           aria_label=t("purchase.reject_reason")),
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
                        on_click=Order.close_receipt,
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
            on_submit=Order.receive,
            reset_on_submit=False,
            width="100%",
        ),
        width="100%",
        variant="surface",
        id="receive-form",
    )


def _receipts_section() -> rx.Component:
    return section(
        t("purchase.receipts"),
        rx.cond(
            Order.received_rows.length() > 0,
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
                        Order.received_rows,
                        lambda row: rx.table.row(
                            rx.table.cell(row["receipt"], weight="medium", white_space="nowrap"),
                            rx.table.cell(row["received"], white_space="nowrap"),
                            rx.table.cell(row["line_no"]),
                            rx.table.cell(rx.code(row["sku"], variant="ghost", size="2")),
                            rx.table.cell(rx.code(row["lot"], size="2"), white_space="nowrap"),
                            number_cell(row["accepted"]),
                            rx.table.cell(
                                rx.cond(
                                    row["rejected_any"] == "yes",
                                    rx.badge(row["rejected"], color_scheme="red", variant="soft"),
                                    rx.text(row["rejected"]),
                                ),
                                text_align="right",
                            ),
                            rx.table.cell(row["reason"]),
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


def _incidents_section() -> rx.Component:
    return rx.cond(
        Order.incident_rows.length() > 0,
        section(
            t("incident.title"),
            rx.vstack(
                rx.foreach(
                    Order.incident_rows,
                    lambda row: rx.hstack(
                        rx.link(row["number"], href=row["href"], weight="medium"),
                        state_badge(row["status"], row["colour"]),
                        rx.text(row["title"], size="2"),
                        rx.spacer(),
                        rx.text(row["opened"], size="1", color_scheme="gray"),
                        align="center",
                        spacing="3",
                        width="100%",
                        wrap="wrap",
                    ),
                ),
                spacing="2",
                width="100%",
                id="order-incidents",
            ),
        ),
    )


def _dialog() -> rx.Component:
    error = Order.error
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(Order.dialog_title),
            rx.form(
                rx.vstack(
                    rx.match(
                        Order.dialog_mode,
                        (
                            "propose",
                            rx.vstack(
                                rx.text(t("purchase.propose_hint"), size="2", color_scheme="gray"),
                                labelled(
                                    "purchase.proposed_quantity",
                                    rx.input(name="quantity", id="dialog-quantity", input_mode="numeric"),
                                    error["dialog.quantity"],
                                    "error-dialog-quantity",
                                ),
                                labelled(
                                    "purchase.proposed_date",
                                    rx.input(name="promised_date", type="date", id="dialog-date"),
                                    error["dialog.promised_date"],
                                    "error-dialog-date",
                                ),
                                labelled(
                                    "purchase.note",
                                    rx.text_area(name="note", id="dialog-note", max_length=500),
                                    error["dialog.note"],
                                ),
                                spacing="3",
                                width="100%",
                            ),
                        ),
                        rx.vstack(
                            labelled(
                                "purchase.reason",
                                rx.text_area(name="reason", id="dialog-reason", max_length=500),
                                error["dialog.reason"],
                                "error-dialog-reason",
                            ),
                            spacing="3",
                            width="100%",
                        ),
                    ),
                    field_error(error["dialog.form"]),
                    dialog_actions("common.save", "dialog-submit"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=Order.submit_dialog,
                reset_on_submit=False,
            ),
            max_width="30rem",
        ),
        open=Order.dialog_mode != "",
        on_open_change=Order.set_dialog_open,
    )


def _order_actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            Order.can_ship,
            rx.button(
                rx.icon("truck", size=16),
                t("purchase.ship"),
                on_click=Order.toggle_ship,
                id="ship-open",
                variant=rx.cond(Order.ship_open, "soft", "solid"),
            ),
        ),
        rx.cond(
            Order.can_close,
            rx.button(
                rx.icon("archive", size=16),
                t("purchase.close"),
                variant="soft",
                on_click=Order.close_order,
                id="close-order",
            ),
        ),
        rx.cond(
            Order.can_cancel,
            rx.button(
                rx.icon("ban", size=16),
                t("purchase.cancel_order"),
                variant="soft",
                color_scheme="red",
                on_click=Order.open_dialog("cancel", "0"),
                id="cancel-order",
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def _order_body() -> rx.Component:
    head = Order.header
    return rx.vstack(
        back_link(Order.list_href, "purchase.back"),
        rx.flex(
            rx.hstack(
                rx.heading(head["number"], size=rx.breakpoints(initial="6", md="7"), id="page-title"),
                state_badge(head["status_label"], head["colour"], size="2", id="order-status"),
                align="center",
                spacing="3",
            ),
            rx.spacer(),
            _order_actions(),
            direction=rx.breakpoints(initial="column", sm="row"),
            gap="0.75rem",
            width="100%",
            align=rx.breakpoints(initial="start", sm="center"),
        ),
        callout(head["poor_warning"], "triangle-alert", "amber", "poor-warning"),
        callout(head["cancel_reason"], "ban", "red"),
        rx.card(
            facts(
                fact(
                    "catalogue.supplier",
                    rx.cond(
                        Order.is_manager,
                        rx.link(head["supplier"], href=head["supplier_href"], size="2"),
                        rx.text(head["supplier"], size="2"),
                    ),
                ),
                fact("purchase.ship_to", head["ship_to"]),
                fact("purchase.issued", head["issued"]),
                fact("purchase.total", head["total"], "order-total"),
                fact("purchase.status_changed", head["changed"]),
                fact(
                    "purchase.notes",
                    rx.cond(
                        head["notes"] != "",
                        rx.text(head["notes"], size="2"),
                        rx.text("—", size="2", color_scheme="gray"),
                    ),
                ),
            ),
            width="100%",
        ),
        rx.cond(
            Order.ship_open & Order.can_ship, section(t("purchase.ship_title"), _ship_form(), id="ship-form")
        ),
        _answers_section(),
        _lines_section(),
        _shipments_section(),
        _receipts_section(),
        _incidents_section(),
        section(t("timeline.title"), timeline(Order.timeline)),
        _dialog(),
        spacing="4",
        width="100%",
    )


def _order_page() -> rx.Component:
    return rx.cond(
        Order.loading,
        rx.center(rx.spinner(size="3"), width="100%", min_height="40vh"),
        rx.cond(
            Order.missing,
            rx.vstack(
                back_link(Order.list_href, "purchase.back"), missing_notice("purchase.not_found"), spacing="3"
            ),
            _order_body(),
        ),
    )


@framed_page(routes.SUPPLIER_ORDER, on_load=Order.load)
def supplier_order() -> rx.Component:
    return _order_page()


@framed_page(routes.MANAGER_ORDER, on_load=Order.load)
def manager_order() -> rx.Component:
    return _order_page()


# --------------------------------------------------------------------------- issuing


def _line_field(row, index, field: str, id_part: str, label, **input_props) -> rx.Component:
    """One labelled input of a purchase-order line, with its error under it."""
    return rx.vstack(
        rx.text(label, size="1", weight="medium"),
        rx.input(
            value=row[field],
            width="100%",
            id="line-" + id_part + "-" + row["number"],
            on_change=lambda value: IssueOrderState.set_line_field(index, field, value),
            **input_props,
        ),
        field_error(row["error_" + field], "error-line-" + id_part + "-" + row["number"]),
        spacing="1",
        width="100%",
    )


def _issue_line(row, index) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.text(t("purchase.line"), " ", row["number"], weight="medium", size="2"),
                rx.spacer(),
                rx.cond(
                    IssueOrderState.lines.length() > 1,
                    rx.icon_button(
                        rx.icon("trash-2", size=14),
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        type="button",
                        on_click=IssueOrderState.remove_line(index),
                        aria_label=t("purchase.remove_line"),
                    ),
                ),
                width="100%",
                align="center",
            ),
            rx.grid(
                rx.vstack(
                    rx.text(t("stock.item"), size="1", weight="medium"),
                    rx.select.root(
                        rx.select.trigger(
                            placeholder=t("admin.choose"), width="100%", id="line-part-" + row["number"]
                        ),
                        rx.select.content(
                            rx.foreach(
                                IssueOrderState.part_options,
                                lambda option: rx.select.item(option["label"], value=option["value"]),
                            )
                        ),
                        value=row["part_id"],
                        on_change=lambda value: IssueOrderState.set_line_field(index, "part_id", value),
                    ),
                    field_error(row["error_part_id"], "error-line-part-" + row["number"]),
                    spacing="1",
                    width="100%",
                    grid_column=rx.breakpoints(initial="span 1", md="span 2"),
                ),
                _line_field(row, index, "quantity", "quantity", t("purchase.quantity"), input_mode="numeric"),
                _line_field(row, index, "unit_price", "price",
                            t("purchase.unit_price") + " (" + IssueOrderState.currency + ")",
                            input_mode="decimal"),
                _line_field(row, index, "requested_date", "date", t("purchase.requested"), type="date"),
                columns=rx.breakpoints(initial="1", sm="2", md="5"),
                spacing="3",
                width="100%",
            ),
            rx.cond(
                row["amount"] != "",
                rx.text(t("purchase.amount"), ": ", row["amount"], size="1", color_scheme="gray"),
            ),
            spacing="2",
            width="100%",
        ),
        width="100%",
        variant="surface",
        custom_attrs={"data-issue-line": row["number"]},
    )


@framed_page(routes.MANAGER_ORDER_NEW, on_load=IssueOrderState.load)
def manager_new_order() -> rx.Component:
    supplier, error = IssueOrderState.supplier, IssueOrderState.error
    return rx.vstack(
        back_link(routes.MANAGER_ORDERS, "purchase.back"),
        page_heading("purchase.new_title", "purchase.new_subtitle"),
        section(
            t("catalogue.supplier"),
            rx.grid(
                labelled(
                    "purchase.find_supplier",
                    rx.input(
                        rx.input.slot(rx.icon("search", size=16)),
                        value=IssueOrderState.supplier_search,
                        on_change=IssueOrderState.set_supplier_search.debounce(250),
                        max_length=100,
                        id="supplier-search",
                        placeholder=t("common.search"),
                    ),
                ),
                labelled(
                    "catalogue.supplier",
                    choice_select(
                        IssueOrderState.supplier_id,
                        IssueOrderState.supplier_options,
                        IssueOrderState.choose_supplier,
                        "supplier-select",
                        width="100%",
                        placeholder=t("admin.choose"),
                    ),
                    error["supplier_id"],
                    "error-supplier",
                ),
                labelled(
                    "purchase.ship_to",
                    choice_select(
                        IssueOrderState.ship_to,
                        IssueOrderState.warehouse_options,
                        IssueOrderState.set_ship_to,
                        "ship-to-select",
                        width="100%",
                    ),
                    error["ship_to_location_id"],
                    "error-ship-to",
                ),
                columns=rx.breakpoints(initial="1", md="3"),
                spacing="4",
                width="100%",
            ),
            rx.cond(
                supplier.contains("name"),
                rx.hstack(
                    rx.text(t("purchase.standing_now"), size="2", color_scheme="gray"),
                    state_badge(supplier["standing"], supplier["colour"], id="supplier-standing"),
                    rx.text(supplier["score"], size="2", weight="medium"),
                    align="center",
                    spacing="2",
                ),
            ),
            callout(supplier["poor_message"], "triangle-alert", "amber", "poor-message"),
            callout(supplier["blocked_message"], "ban", "red", "blocked-message"),
        ),
        rx.cond(
            IssueOrderState.supplier_id != "",
            section(
                t("purchase.lines_title"),
                rx.foreach(IssueOrderState.line_rows, _issue_line),
                rx.hstack(
                    rx.button(
                        rx.icon("plus", size=16),
                        t("purchase.add_line"),
                        variant="soft",
                        on_click=IssueOrderState.add_line,
                        type="button",
                        id="add-line",
                    ),
                    rx.spacer(),
                    rx.text(IssueOrderState.total_text, weight="bold", id="issue-total"),
                    width="100%",
                    align="center",
                ),
                labelled(
                    "purchase.notes",
                    rx.text_area(
                        value=IssueOrderState.notes,
                        max_length=1000,
                        on_change=IssueOrderState.set_notes.debounce(300),
                        id="order-notes",
                    ),
                ),
                field_error(error["form"], "error-issue-form"),
                field_error(error["lines"], "error-issue-lines"),
                rx.hstack(
                    rx.button(
                        rx.icon("send", size=16),
                        t("purchase.issue"),
                        size="3",
                        on_click=IssueOrderState.submit,
                        id="issue-submit",
                    ),
                    justify="end",
                    width="100%",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
