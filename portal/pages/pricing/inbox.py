"""/supplier/price-changes: proposed changes to the supplier's own prices; accept, or counter with a
price and a reason."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    PHONE_ONLY,
    WIDE_ONLY,
    choice_select,
    data_table,
    empty_state,
    header_cell,
    labelled,
    page_heading,
    section,
    state_badge,
    t,
)
from portal.pages.pricing.explanation import explanation_list
from state.pricing.inbox import InboxRow
from state.pricing.inbox import PriceChangesState as Inbox
from state.shared import routes


def _row(row: InboxRow) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.button(
                    row["sku"],
                    on_click=Inbox.open_change(row["id"]),
                    variant="ghost",
                    size="2",
                    white_space="nowrap",
                    style={"padding": "0", "height": "auto", "margin": "0", "cursor": "pointer"},
                    class_name="open-change",
                ),
                rx.text(row["part"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(rx.text(row["current"], " → ", row["proposed"], white_space="nowrap"), style=WIDE_ONLY),
        rx.table.cell(
            rx.text(
                row["change"],
                color=rx.cond(row["rising"], rx.color("grass", 11), rx.color("red", 11)),
                white_space="nowrap",
                weight="medium",
            ),
            text_align="right",
        ),
        rx.table.cell(row["effective"], style=WIDE_ONLY, white_space="nowrap"),
        rx.table.cell(
            rx.vstack(
                state_badge(row["status"], row["status_colour"]),
                rx.cond(
                    row["price_now"] != "",
                    rx.text(
                        row["price_now"], size="1", weight="medium", white_space="nowrap", style=PHONE_ONLY
                    ),
                ),
                spacing="1",
            )
        ),
        rx.table.cell(row["answer"], style=WIDE_ONLY),
        rx.table.cell(
            rx.text(row["price_now"], weight="medium", white_space="nowrap", class_name="price-now"),
            text_align="right",
            style=WIDE_ONLY,
        ),
        custom_attrs={"data-suggestion": row["id"], "data-sku": row["sku"]},
    )


def _headers() -> list[rx.Component]:
    return [
        header_cell("pricing.col.part"),
        header_cell("pricing.col.current_proposed", wide_only=True),
        header_cell("pricing.col.change", "right"),
        header_cell("pricing.col.effective", wide_only=True),
        header_cell("pricing.col.status"),
        header_cell("pricing.col.your_answer", wide_only=True),
        header_cell("pricing.col.price_now", "right", wide_only=True),
    ]


def _answer_form() -> rx.Component:
    return rx.vstack(
        rx.grid(
            labelled(
                "pricing.inbox.counter_price",
                rx.input(
                    value=Inbox.counter_price,
                    on_change=Inbox.set_counter_price,
                    input_mode="decimal",
                    id="counter-price",
                ),
                Inbox.field_errors.get("counter_price", ""),
                "counter-price-error",
            ),
            labelled(
                "pricing.inbox.counter_reason",
                rx.input(value=Inbox.counter_reason, on_change=Inbox.set_counter_reason, id="counter-reason"),
                Inbox.field_errors.get("reason", ""),
                "counter-reason-error",
            ),
            columns=rx.breakpoints(initial="1", sm="2"),
            gap="0.75rem",
            width="100%",
        ),
        rx.flex(
            rx.dialog.close(
                rx.button(t("common.cancel"), variant="soft", color_scheme="gray", type="button")
            ),
            rx.spacer(),
            rx.button(
                rx.icon("reply", size=16),
                t("pricing.inbox.counter"),
                variant="soft",
                on_click=Inbox.counter,
                id="counter-change",
            ),
            rx.button(
                rx.icon("check", size=16),
                t("pricing.inbox.accept"),
                on_click=Inbox.accept,
                id="accept-change",
            ),
            gap="0.75rem",
            wrap="wrap",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _dialog() -> rx.Component:
    detail = Inbox.detail
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(detail["title"]),
            rx.vstack(
                rx.flex(
                    rx.text(detail["prices"], weight="medium"),
                    state_badge(detail["status"], detail["status_colour"]),
                    gap="0.75rem",
                    wrap="wrap",
                    align="center",
                ),
                rx.text(
                    t("pricing.queue.effective"), " ", detail["effective"], size="1", color_scheme="gray"
                ),
                rx.text(detail["answer"], size="2", color_scheme="gray"),
                explanation_list(Inbox.detail_lines, "change-explanation"),
                rx.cond(
                    Inbox.can_answer,
                    _answer_form(),
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
            id="change-dialog",
        ),
        open=Inbox.dialog_open,
        on_open_change=Inbox.set_dialog,
    )


@framed_page(routes.SUPPLIER_PRICE_CHANGES, on_load=Inbox.load)
def supplier_price_changes() -> rx.Component:
    return rx.vstack(
        page_heading("pricing.inbox.title", "pricing.inbox.subtitle"),
        section(
            t("pricing.inbox.section"),
            data_table(
                _headers(),
                Inbox.rows,
                _row,
                table_id="price-changes-table",
                loading=Inbox.loading,
                empty=empty_state("inbox", t("pricing.inbox.empty"), t("pricing.inbox.empty_hint")),
                min_width="46rem",
                phone_min_width="0",
                size="2",
            ),
            actions=choice_select(
                Inbox.status_filter, Inbox.filter_options, Inbox.set_status_filter, "change-filter"
            ),
        ),
        _dialog(),
        spacing="4",
        width="100%",
    )
