"""/cart: the dealer's cart, the delivery store, prices from the server, and the checkout."""

from __future__ import annotations

import reflex as rx

from portal.components.frame import framed_page
from portal.components.ui import (
    choice_select,
    empty_state,
    field_error,
    header_cell,
    page_heading,
    scroll_table,
    section,
    t,
)
from state.ordering.cart import CartState
from state.shared import routes


def _quantity_input(row) -> rx.Component:
    return rx.vstack(
        rx.input(
            value=row["quantity"],
            on_change=lambda text: CartState.set_quantity(row["key"], text),
            input_mode="numeric",
            max_length=12,
            width="5.5rem",
            text_align="right",
            aria_label=t("cart.quantity"),
            class_name="cart-quantity",
            color_scheme=rx.cond(row["error"] != "", "red", "gray"),
            debounce_timeout=250,
        ),
        rx.cond(
            row["error"] != "",
            rx.text(
                row["error"],
                size="1",
                color_scheme="red",
                role="alert",
                class_name="cart-line-error",
                max_width="12rem",
            ),
        ),
        rx.cond(
            row["shortage"] != "",
            rx.text(
                row["shortage"],
                size="1",
                color=rx.color("red", 11),
                weight="medium",
                role="alert",
                class_name="cart-line-short",
                max_width="12rem",
            ),
        ),
        spacing="1",
        align="end",
    )


def _line_row(row) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["name"], weight="medium"),
                rx.hstack(
                    rx.code(row["code"], size="1", variant="ghost"),
                    rx.badge(row["kind"], variant="outline", size="1"),
                    spacing="2",
                    align="center",
                ),
                spacing="1",
            )
        ),
        rx.table.cell(_quantity_input(row), text_align="right"),
        rx.table.cell(
            row["unit_price"],
            text_align="right",
            white_space="nowrap",
            style={"font-variant-numeric": "tabular-nums"},
        ),
        rx.table.cell(
            row["line_total"],
            text_align="right",
            white_space="nowrap",
            class_name="cart-line-total",
            style={"font-variant-numeric": "tabular-nums"},
        ),
        rx.table.cell(
            rx.icon_button(
                rx.icon("trash-2", size=16),
                variant="ghost",
                color_scheme="gray",
                on_click=CartState.remove_line(row["key"]),
                aria_label=t("cart.remove"),
                class_name="cart-remove",
            ),
            text_align="center",
        ),
        custom_attrs={"data-line": row["code"]},
        background=rx.cond(row["shortage"] != "", rx.color("red", 2), "transparent"),
    )


def _lines() -> rx.Component:
    return scroll_table(
        rx.table.header(
            rx.table.row(
                header_cell("cart.item"),
                header_cell("cart.quantity", "right"),
                header_cell("cart.unit_price", "right"),
                header_cell("cart.line_total", "right"),
                rx.table.column_header_cell(""),
            )
        ),
        rx.table.body(rx.foreach(CartState.rows, _line_row)),
        id="cart-lines",
        min_width="36rem",
    )


def _checkout() -> rx.Component:
    return rx.vstack(
        rx.vstack(
            choice_select(
                CartState.location_id,
                CartState.location_options,
                CartState.set_location,
                "cart-location",
                "cart.deliver_to",
                min_width="0",
                width="100%",
            ),
            field_error(CartState.location_error, "error-location"),
            rx.text(t("cart.ships_from_hint"), size="1", color_scheme="gray"),
            spacing="1",
            width="100%",
        ),
        rx.divider(),
        rx.vstack(
            rx.text(t("cart.total"), size="2", color_scheme="gray"),
            rx.foreach(
                CartState.total_lines,
                lambda total: rx.text(
                    total,
                    size="6",
                    weight="bold",
                    class_name="cart-total",
                    style={"font-variant-numeric": "tabular-nums"},
                ),
            ),
            rx.cond(
                CartState.mixed_currencies,
                rx.callout(
                    t("cart.mixed_currencies"),
                    icon="triangle-alert",
                    color_scheme="amber",
                    size="1",
                    id="cart-mixed",
                ),
            ),
            spacing="1",
            width="100%",
        ),
        rx.cond(
            CartState.form_error != "",
            rx.callout(
                rx.vstack(
                    rx.text(CartState.form_error),
                    rx.cond(CartState.has_shortages, rx.text(t("cart.nothing_reserved"), size="1")),
                    spacing="1",
                ),
                icon="circle-alert",
                color_scheme="red",
                width="100%",
                id="cart-error",
                role="alert",
            ),
        ),
        rx.button(
            rx.icon("check", size=16),
            t("cart.checkout"),
            size="3",
            width="100%",
            on_click=CartState.checkout,
            loading=CartState.placing,
            disabled=CartState.placing | (CartState.checkout_blocked != ""),
            id="checkout",
            aria_describedby="checkout-blocked",
        ),
        rx.cond(
            CartState.checkout_blocked != "",
            rx.text(
                CartState.checkout_blocked,
                size="2",
                color=rx.color("red", 11),
                role="status",
                id="checkout-blocked",
            ),
            rx.text(t("cart.checkout_hint"), size="1", color_scheme="gray"),
        ),
        spacing="4",
        width="100%",
    )


def _browse_links() -> rx.Component:
    return rx.flex(
        rx.link(
            rx.button(rx.icon("car", size=16), t("cart.browse_vehicles"), variant="soft"),
            href=routes.SHOWROOM,
        ),
        rx.link(
            rx.button(rx.icon("cog", size=16), t("cart.browse_parts"), variant="soft"), href=routes.CATALOGUE
        ),
        gap="0.75rem",
        wrap="wrap",
    )


@framed_page(routes.CART, on_load=CartState.load)
def cart() -> rx.Component:
    return rx.vstack(
        page_heading("cart.title", "cart.subtitle", _browse_links()),
        rx.cond(
            CartState.item_count == 0,
            section(
                t("cart.title"),
                empty_state("shopping-cart", t("cart.empty"), t("cart.empty_hint"), id="cart-empty"),
            ),
            rx.grid(
                section(t("cart.lines"), _lines(), min_width="0"),
                section(t("cart.checkout_title"), _checkout()),
                grid_template_columns=rx.breakpoints(initial="minmax(0, 1fr)", lg="minmax(0, 1fr) 21rem"),
                spacing="4",
                width="100%",
                align="start",
            ),
        ),
        spacing="4",
        width="100%",
    )
