"""One purchase order (/supplier/purchase-orders/<id>, /manager/purchase-orders/<id>): header,
actions, the supplier's answers and the manager's decisions, lines, shipments, receipts,
incidents and the timeline. One page serves both sides; each side sees its own actions."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.timeline import timeline
from portal.components.ui import (
    back_link,
    callout,
    fact,
    facts,
    field_error,
    header_cell,
    missing_notice,
    number_cell,
    scroll_table,
    section,
    state_badge,
    t,
)
from portal.pages.supply.purchasing.dialogs import order_dialog
from portal.pages.supply.purchasing.receiving import receipts_section
from portal.pages.supply.purchasing.shipping import ship_form, shipments_section
from state.shared import routes
from state.supply.purchase_dialogs import OrderDialogState as Dialog
from state.supply.purchase_order import PurchaseOrderState as Order
from state.supply.purchase_receiving import ReceiptState as Receipt
from state.supply.purchase_shipping import ShipmentState as Shipment

# The forms start closed; then the order is read.
ON_LOAD = (Shipment.reset_view, Receipt.reset_view, Dialog.reset_view, Order.load)


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
                        on_change=lambda value: Order.set_ack_date(row["id"], value),
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
                        on_click=Dialog.open_dialog("propose", row["id"]),
                        id="propose-" + row["line_no"],
                    ),
                    rx.button(
                        t("purchase.reject_short"),
                        type="button",
                        variant="soft",
                        color_scheme="red",
                        on_click=Dialog.open_dialog("reject", row["id"]),
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


def _acknowledge_all() -> rx.Component:
    """One promised date for every open line (a line's own typed date wins), one transaction."""
    return rx.form(
        rx.flex(
            rx.vstack(
                rx.text(t("purchase.promised_date_all"), size="2", weight="medium"),
                rx.text(t("purchase.acknowledge_all_hint"), size="1", color_scheme="gray"),
                spacing="1",
                flex="1",
                min_width="12rem",
            ),
            rx.vstack(
                rx.input(
                    type="date",
                    name="promised_date",
                    default_value=Order.acknowledge_all_date,
                    key=Order.acknowledge_all_date,
                    id="ack-all-date",
                    aria_label=t("purchase.promised_date_all"),
                    width="10.5rem",
                ),
                field_error(Order.error["all.promised_date"], "error-ack-all"),
                spacing="1",
            ),
            rx.button(
                rx.icon("check-check", size=16),
                Order.acknowledge_all_label,
                type="submit",
                id="ack-all",
            ),
            gap="0.75rem",
            align="center",
            wrap="wrap",
            width="100%",
        ),
        on_submit=Order.acknowledge_all,
        reset_on_submit=False,
        padding="0.75rem",
        border_radius="var(--radius-3)",
        background=rx.color("accent", 2),
        width="100%",
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
                rx.cond(Order.answer_rows.length() > 1, _acknowledge_all()),
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
                    row["reject_reason"] != "",
                    rx.text(
                        row["reject_reason"],
                        size="1",
                        color_scheme="red",
                        custom_attrs={"data-verbatim": "typed"},
                    ),
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
                    row["rejected_any"],
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


def _order_actions() -> rx.Component:
    return rx.hstack(
        rx.cond(
            Shipment.can_ship,
            rx.button(
                rx.icon("truck", size=16),
                t("purchase.ship"),
                on_click=Shipment.toggle_ship,
                id="ship-open",
                variant=rx.cond(Shipment.ship_open, "soft", "solid"),
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
                on_click=Dialog.open_dialog("cancel", "0"),
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
            Shipment.ship_open & Shipment.can_ship,
            section(t("purchase.ship_title"), ship_form(), id="ship-form"),
        ),
        _answers_section(),
        _lines_section(),
        shipments_section(),
        receipts_section(),
        _incidents_section(),
        section(t("timeline.title"), timeline(Order.timeline)),
        order_dialog(),
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


@framed_page(routes.SUPPLIER_ORDER, on_load=ON_LOAD)
def supplier_order() -> rx.Component:
    return _order_page()


@framed_page(routes.MANAGER_ORDER, on_load=ON_LOAD)
def manager_order() -> rx.Component:
    return _order_page()


# --------------------------------------------------------------------------- issuing
