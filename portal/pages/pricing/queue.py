"""/manager/prices: the queue of price suggestions sorted by money at stake; a row opens its explanation
with approve and reject; ticked rows inside the band are approved together."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    PHONE_ONLY,
    WIDE_ONLY,
    choice_select,
    data_table,
    empty_state,
    field_error,
    header_cell,
    page_heading,
    section,
    state_badge,
    t,
)
from portal.pages.pricing.explanation import explanation_list
from state.pricing.queue import QueueRow
from state.pricing.queue import SuggestionQueueState as Queue
from state.shared import routes

# A row's SKU opens its explanation: a button that reads as a link (an <a href="#"> would navigate).
_LINK_BUTTON = {"padding": "0", "height": "auto", "margin": "0", "cursor": "pointer"}


def _row(row: QueueRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.checkbox(
                checked=row["selected"],
                disabled=~row["selectable"],
                on_change=lambda ticked: Queue.toggle(row["id"], ticked),
                aria_label=row["sku"],
                class_name="select-suggestion",
            ),
            width="2.25rem",
        ),
        rx.table.cell(
            rx.vstack(
                rx.button(
                    row["sku"],
                    on_click=Queue.open_explanation(row["id"]),
                    variant="ghost",
                    size="2",
                    white_space="nowrap",
                    style=_LINK_BUTTON,
                    class_name="open-suggestion",
                ),
                rx.text(row["part"], size="1", color_scheme="gray"),
                rx.text(row["supplier"], size="1", color_scheme="gray", style=PHONE_ONLY),
                spacing="0",
            ),
            min_width=rx.breakpoints(initial="0", md="11rem"),
        ),
        rx.table.cell(row["supplier"], style=WIDE_ONLY, min_width="8rem"),
        rx.table.cell(
            # Two short lines rather than one long one: the queue fits a laptop's width.
            rx.vstack(
                rx.text(row["current"], size="1", color_scheme="gray", white_space="nowrap"),
                rx.text("→ ", row["proposed"], white_space="nowrap", weight="medium"),
                spacing="0",
            ),
            style=WIDE_ONLY,
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(
                    row["change"],
                    color=rx.cond(row["rising"], rx.color("red", 11), rx.color("grass", 11)),
                    white_space="nowrap",
                    weight="medium",
                ),
                rx.text(row["money"], size="1", white_space="nowrap", style=PHONE_ONLY),
                rx.text(
                    row["approvals"], size="1", color_scheme="gray", white_space="nowrap", style=PHONE_ONLY
                ),
                spacing="0",
                align="end",
            ),
            text_align="right",
            style={"font-variant-numeric": "tabular-nums"},
        ),
        rx.table.cell(
            rx.vstack(
                rx.text(row["money"], white_space="nowrap"),
                rx.cond(
                    row["money_reporting"] != "",
                    rx.text(row["money_reporting"], size="1", color_scheme="gray", white_space="nowrap"),
                ),
                spacing="0",
                align="end",
            ),
            text_align="right",
            style={"font-variant-numeric": "tabular-nums", **WIDE_ONLY},
        ),
        rx.table.cell(
            rx.vstack(
                state_badge(row["status"], row["status_colour"]),
                rx.text(row["approvals"], size="1", color_scheme="gray"),
                spacing="1",
            ),
            style=WIDE_ONLY,
            class_name="approvals",
        ),
        custom_attrs={"data-suggestion": row["id"], "data-sku": row["sku"]},
    )


def _headers() -> list[rx.Component]:
    return [
        rx.table.column_header_cell(""),
        header_cell("pricing.col.part"),
        header_cell("pricing.col.supplier", wide_only=True),
        header_cell("pricing.col.current_proposed", wide_only=True),
        header_cell("pricing.col.change", "right"),
        header_cell("pricing.col.money", "right", wide_only=True),
        header_cell("pricing.col.status", wide_only=True),
    ]


def _dialog() -> rx.Component:
    detail = Queue.detail
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(detail["title"]),
            rx.dialog.description(detail["supplier"], size="2", color_scheme="gray"),
            rx.vstack(
                rx.flex(
                    rx.text(detail["prices"], weight="medium", id="explanation-prices"),
                    state_badge(detail["status"], detail["status_colour"], id="explanation-status"),
                    rx.text(detail["approvals"], size="2", color_scheme="gray", id="explanation-approvals"),
                    gap="0.75rem",
                    wrap="wrap",
                    align="center",
                ),
                rx.text(
                    t("pricing.queue.effective"), " ", detail["effective"], size="1", color_scheme="gray"
                ),
                rx.cond(
                    detail["counter"] != "",
                    rx.callout(detail["counter"], icon="reply", color_scheme="orange"),
                ),
                explanation_list(Queue.detail_lines, "explanation"),
                rx.link(
                    t("pricing.queue.open_agreement"),
                    href=detail["agreement_href"],
                    size="2",
                    id="open-agreement",
                ),
                rx.cond(
                    Queue.detail_open_for_decision,
                    rx.vstack(
                        rx.input(
                            value=Queue.reject_reason,
                            on_change=Queue.set_reject_reason,
                            placeholder=t("pricing.queue.reject_reason"),
                            id="reject-reason",
                            width="100%",
                        ),
                        field_error(Queue.reject_error, "reject-reason-error"),
                        rx.flex(
                            rx.dialog.close(
                                rx.button(
                                    t("common.cancel"), variant="soft", color_scheme="gray", type="button"
                                )
                            ),
                            rx.spacer(),
                            rx.button(
                                rx.icon("x", size=16),
                                t("pricing.queue.reject"),
                                color_scheme="red",
                                variant="soft",
                                on_click=Queue.reject_open,
                                id="reject-suggestion",
                            ),
                            rx.button(
                                rx.icon("check", size=16),
                                t("pricing.queue.approve"),
                                on_click=Queue.approve_open,
                                id="approve-suggestion",
                            ),
                            gap="0.75rem",
                            width="100%",
                            wrap="wrap",
                        ),
                        spacing="2",
                        width="100%",
                    ),
                    rx.flex(
                        rx.spacer(),
                        rx.dialog.close(rx.button(t("pricing.close"), variant="soft", color_scheme="gray")),
                        width="100%",
                    ),
                ),
                spacing="3",
                width="100%",
                margin_top="0.75rem",
            ),
            max_width="40rem",
            id="explanation-dialog",
        ),
        open=Queue.dialog_open,
        on_open_change=Queue.set_dialog,
    )


@framed_page(routes.MANAGER_PRICES, on_load=Queue.load)
def price_queue() -> rx.Component:
    return rx.vstack(
        page_heading(
            "pricing.queue.title",
            "pricing.queue.subtitle",
            rx.flex(
                rx.link(
                    rx.button(rx.icon("file-up", size=16), t("pricing.nav.indices"), variant="soft"),
                    href=routes.MANAGER_PRICE_INDICES,
                ),
                rx.link(
                    rx.button(rx.icon("piggy-bank", size=16), t("pricing.nav.savings"), variant="soft"),
                    href=routes.MANAGER_PRICE_SAVINGS,
                ),
                gap="0.5rem",
                wrap="wrap",
            ),
        ),
        section(
            t("pricing.queue.section"),
            rx.cond(Queue.shown_label != "", rx.text(Queue.shown_label, size="1", color_scheme="gray")),
            data_table(
                _headers(),
                Queue.rows,
                _row,
                table_id="suggestions-table",
                loading=Queue.loading,
                empty=empty_state("circle-check", t("pricing.queue.empty"), t("pricing.queue.empty_hint")),
                min_width="52rem",
                phone_min_width="0",
                size="2",
            ),
            actions=rx.flex(
                choice_select(
                    Queue.status_filter, Queue.filter_options, Queue.set_status_filter, "suggestion-filter"
                ),
                rx.button(
                    rx.icon("check-check", size=16),
                    Queue.bulk_label,
                    on_click=Queue.approve_selected,
                    disabled=Queue.selected_count == 0,
                    id="approve-selected",
                ),
                gap="0.5rem",
                wrap="wrap",
                align="center",
            ),
        ),
        _dialog(),
        spacing="4",
        width="100%",
    )
