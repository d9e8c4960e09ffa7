"""/manager/pricing/markets: the market price lists. A market picker (currency, countries); the
list-price changes waiting for managers with approve and reject; the market's list prices,
searched and paged, each settable by hand; a button that rebuilds the lists now."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.stock_table import search_box
from portal.components.ui import (
    WIDE_ONLY,
    data_table,
    empty_state,
    header_cell,
    number_cell,
    page_heading,
    paged_table,
    section,
    t,
)
from state.pricing.markets import ChangeRow, MarketListsState, PriceRow
from state.shared import routes

State = MarketListsState


def _item_cell(row) -> rx.Component:
    return rx.table.cell(
        rx.vstack(
            rx.code(
                row["code"],
                variant="ghost",
                size="2",
                word_break="break-all",
                custom_attrs={"data-verbatim": ""},
            ),
            rx.text(row["name"], size="1", color_scheme="gray"),
            spacing="0",
        ),
        min_width=rx.breakpoints(initial="0", md="9rem"),
    )


def _change_row(row: ChangeRow) -> rx.Component:
    return rx.table.row(
        _item_cell(row),
        number_cell(row["previous"], wide_only=True),
        rx.table.cell(
            rx.vstack(
                rx.text(row["proposed"], size="2", weight="medium", white_space="nowrap"),
                rx.text(row["change"], size="1", color_scheme="gray", white_space="nowrap"),
                spacing="0",
                align="end",
            ),
            text_align="right",
        ),
        rx.table.cell(row["approvals"], white_space="nowrap", style=WIDE_ONLY),
        rx.table.cell(
            rx.flex(
                rx.button(
                    t("market_lists.approve"),
                    size="1",
                    disabled=row["mine"] | State.deciding,
                    on_click=State.approve(row["id"]),
                    class_name="market-change-approve",
                ),
                rx.button(
                    t("market_lists.reject"),
                    size="1",
                    variant="soft",
                    color_scheme="red",
                    disabled=State.deciding,
                    on_click=State.reject(row["id"]),
                    class_name="market-change-reject",
                ),
                gap="2",
                wrap="wrap",
                justify="end",
            ),
            text_align="right",
        ),
        custom_attrs={"data-change": row["id"]},
    )


def _price_row(row: PriceRow) -> rx.Component:
    return rx.table.row(
        _item_cell(row),
        rx.table.cell(row["kind_label"], style=WIDE_ONLY),
        rx.table.cell(
            rx.vstack(
                rx.text(row["price"], size="2", white_space="nowrap"),
                rx.cond(
                    row["manual"],
                    rx.badge(t("market_lists.manual"), color_scheme="amber", size="1"),
                ),
                spacing="1",
                align="end",
            ),
            text_align="right",
        ),
        rx.table.cell(row["effective"], white_space="nowrap", style=WIDE_ONLY),
        rx.table.cell(
            rx.button(
                rx.icon("pencil", size=14),
                rx.text(t("market_lists.set_price"), style=WIDE_ONLY),
                size="1",
                variant="ghost",
                aria_label=t("market_lists.set_price"),
                on_click=State.open_manual(row["kind"], row["item_id"], row["code"], row["raw_price"]),
                class_name="market-price-set",
            ),
            text_align="right",
        ),
        custom_attrs={"data-market-price": row["code"]},
    )


def _manual_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("market_lists.manual_title")),
            rx.dialog.description(State.manual_label, size="2", color_scheme="gray"),
            rx.vstack(
                rx.text(t("market_lists.manual_hint"), size="2", color_scheme="gray"),
                rx.input(
                    value=State.manual_price,
                    on_change=State.set_manual_price,
                    id="manual-price",
                    input_mode="decimal",
                    aria_label=t("market_lists.col.price"),
                    width="100%",
                ),
                rx.cond(
                    State.manual_error != "",
                    rx.text(State.manual_error, color_scheme="red", size="2", id="manual-price-error"),
                ),
                rx.flex(
                    rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("market_lists.save"), on_click=State.save_manual, id="manual-price-save"),
                    gap="2",
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                margin_top="0.75rem",
            ),
            max_width="26rem",
        ),
        open=State.manual_open,
        on_open_change=State.set_manual_open,
    )


def _market_picker() -> rx.Component:
    return rx.flex(
        rx.select.root(
            rx.select.trigger(
                id="market-select",
                aria_label=t("market_lists.market"),
                width=rx.breakpoints(initial="100%", sm="18rem"),
            ),
            rx.select.content(
                rx.foreach(State.market_options, lambda m: rx.select.item(m["label"], value=m["id"]))
            ),
            value=State.market_id,
            on_change=State.choose_market,
        ),
        rx.text(State.market_summary, size="2", color_scheme="gray", id="market-summary"),
        gap="0.75rem",
        align=rx.breakpoints(initial="start", sm="center"),
        direction=rx.breakpoints(initial="column", sm="row"),
        width="100%",
    )


@framed_page(routes.MANAGER_MARKET_PRICES, on_load=State.load)
def market_prices() -> rx.Component:
    return rx.vstack(
        page_heading("market_lists.title", "market_lists.subtitle"),
        _market_picker(),
        section(
            t("market_lists.pending"),
            data_table(
                [
                    header_cell("market_lists.col.item"),
                    header_cell("market_lists.col.current", "right", wide_only=True),
                    header_cell("market_lists.col.proposed", "right"),
                    header_cell("market_lists.col.approvals", wide_only=True),
                    header_cell("market_lists.col.decide", "right"),
                ],
                State.change_rows,
                _change_row,
                table_id="market-changes-table",
                loading=State.loading,
                empty=empty_state("circle-check", t("market_lists.no_pending")),
                min_width="40rem",
                phone_min_width="0",
                size="2",
            ),
        ),
        section(
            t("market_lists.prices"),
            search_box(State.search, State.set_search, "market-prices-search"),
            paged_table(
                State,
                [
                    header_cell("market_lists.col.item"),
                    header_cell("market_lists.col.kind", wide_only=True),
                    header_cell("market_lists.col.price", "right"),
                    header_cell("market_lists.col.since", wide_only=True),
                    header_cell("market_lists.col.set", "right"),
                ],
                _price_row,
                table_id="market-prices-table",
                min_width="40rem",
                phone_min_width="0",
                empty=empty_state("search-x", t("common.no_results")),
                size="2",
            ),
            actions=rx.button(
                rx.icon("refresh-cw", size=16),
                t("market_lists.reprice_now"),
                variant="soft",
                on_click=State.reprice_now,
                id="market-reprice",
            ),
        ),
        _manual_dialog(),
        spacing="4",
        width="100%",
    )
