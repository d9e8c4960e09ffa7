"""The manager's new purchase order (/manager/purchase-orders/new)."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    back_link,
    callout,
    choice_select,
    counted_text,
    field_error,
    labelled,
    page_heading,
    section,
    state_badge,
    t,
)
from services.supply import purchasing
from state.shared import routes
from state.supply.purchase_issue import IssueOrderState


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
                _line_field(
                    row,
                    index,
                    "unit_price",
                    "price",
                    t("purchase.unit_price") + " (" + IssueOrderState.currency + ")",
                    input_mode="decimal",
                ),
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
                    counted_text(
                        purchasing.MAX_NOTES_LENGTH,
                        element_id="order-notes",
                        value=IssueOrderState.notes,
                        on_change=IssueOrderState.set_notes.debounce(300),
                        error=error["notes"],
                        error_id="error-order-notes",
                    ),
                ),
                field_error(error["form"], "error-issue-form"),
                field_error(error["lines"], "error-issue-lines"),
                rx.hstack(
                    rx.cond(
                        IssueOrderState.issue_blocked != "",
                        rx.text(
                            IssueOrderState.issue_blocked,
                            size="2",
                            color=rx.color("red", 11),
                            role="status",
                            id="issue-blocked",
                        ),
                    ),
                    rx.button(
                        rx.icon("send", size=16),
                        t("purchase.issue"),
                        size="3",
                        on_click=IssueOrderState.submit,
                        disabled=IssueOrderState.issue_blocked != "",
                        id="issue-submit",
                    ),
                    justify="end",
                    align="center",
                    spacing="3",
                    width="100%",
                    wrap="wrap",
                ),
            ),
        ),
        spacing="4",
        width="100%",
    )
