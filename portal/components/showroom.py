"""The showroom's trim cards and filters (the customer's showroom and the dealer's home)."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import empty_state, t
from state.ordering.cart import CartState
from state.ordering.vehicle_order import VehicleOrderState
from state.shared.auth import AuthState
from state.showroom.browse import ShowroomState
from state.showroom.compare import CompareState


def _buy_button(card) -> rx.Component:
    """A dealer puts the vehicle in its cart; a customer orders it with a deposit."""
    return rx.match(
        AuthState.role,
        (
            "dealer",
            rx.button(
                rx.icon("shopping-cart", size=15),
                t("cart.add"),
                variant="soft",
                size="2",
                on_click=CartState.add_item("trim", card["code"]),
                class_name="add-to-cart",
            ),
        ),
        (
            "customer",
            rx.button(
                rx.icon("badge-check", size=15),
                t("vehicle_order.open"),
                size="2",
                on_click=VehicleOrderState.open_for(card["code"]),
                class_name="order-with-deposit",
            ),
        ),
        rx.fragment(),
    )


def _compare_toggle(card) -> rx.Component:
    picked = CompareState.picked_ids.contains(card["id"])
    return rx.button(
        rx.cond(picked, rx.icon("check", size=15), rx.icon("columns-3", size=15)),
        rx.cond(picked, t("showroom.compare_remove"), t("showroom.compare_add")),
        variant=rx.cond(picked, "solid", "soft"),
        color_scheme="gray",
        size="2",
        on_click=CompareState.toggle(card["id"]),
        class_name="compare-toggle",
        custom_attrs={"aria-pressed": rx.cond(picked, "true", "false")},
    )


def compare_tray() -> rx.Component:
    """The picked trims' count and the way to the compare page (hidden while none is picked)."""
    count = CompareState.picked_ids.length()
    return rx.cond(
        count > 0,
        rx.callout.root(
            rx.flex(
                rx.text(
                    t("showroom.compare_tray"),
                    " ",
                    rx.text.strong(count.to_string(), id="compare-count"),
                    " / 3",
                    size="2",
                ),
                rx.spacer(),
                rx.button(
                    t("showroom.compare_clear"), variant="ghost", size="2", on_click=CompareState.clear
                ),
                rx.link(
                    rx.button(rx.icon("columns-3", size=15), t("showroom.compare_open"), size="2"),
                    href=CompareState.compare_href,
                    id="compare-open",
                ),
                align="center",
                gap="3",
                wrap="wrap",
                width="100%",
            ),
            variant="surface",
            width="100%",
            id="compare-tray",
        ),
    )


def _trim_card(card) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.inset(
                rx.center(
                    rx.image(
                        src=card["image"],
                        alt=card["model"],
                        height="9rem",
                        width="100%",
                        object_fit="contain",
                        loading="lazy",
                    ),
                    background=rx.color("accent", 2),
                    padding="0.75rem",
                    width="100%",
                ),
                side="top",
                pb="current",
                # Stretched across the card (a column's items shrink to their content otherwise),
                # so the picture's panel fills the card's top edge to edge.
                align_self="stretch",
                class_name="trim-card-picture",
            ),
            rx.hstack(
                rx.vstack(
                    rx.text(card["model"], size="2", color_scheme="gray", weight="medium"),
                    rx.heading(card["name"], size="4"),
                    spacing="0",
                ),
                rx.spacer(),
                rx.cond(
                    card["stock"] != "",
                    rx.badge(
                        card["stock"],
                        color_scheme=rx.cond(card["in_stock"], "grass", "gray"),
                        variant="soft",
                        class_name="trim-stock",
                    ),
                ),
                width="100%",
                align="start",
            ),
            rx.flex(
                rx.badge(card["body"], variant="outline"),
                rx.badge(card["powertrain"], variant="soft", color_scheme="teal"),
                gap="2",
                wrap="wrap",
            ),
            rx.hstack(
                rx.cond(
                    card["efficiency"] != "",
                    rx.hstack(
                        rx.icon("gauge", size=15),
                        rx.text(card["efficiency"], size="2"),
                        align="center",
                        spacing="1",
                    ),
                ),
                rx.hstack(
                    rx.icon("zap", size=15), rx.text(card["power"], size="2"), align="center", spacing="1"
                ),
                spacing="4",
                color=rx.color("gray", 11),
                wrap="wrap",
            ),
            rx.hstack(
                rx.text(card["price"], size="5", weight="bold", class_name="trim-price"),
                rx.spacer(),
                _buy_button(card),
                align="center",
                width="100%",
                wrap="wrap",
                spacing="2",
            ),
            rx.hstack(
                rx.link(
                    rx.button(rx.icon("info", size=15), t("showroom.details"), variant="outline", size="2"),
                    href=card["href"],
                    class_name="trim-details",
                ),
                _compare_toggle(card),
                spacing="2",
                wrap="wrap",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        custom_attrs={"data-trim": card["code"]},
    )


def _filter(label_key: str, value, options, on_change, element_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t(label_key), size="1", color_scheme="gray", weight="medium"),
        rx.select.root(
            rx.select.trigger(id=element_id, min_width="10rem"),
            rx.select.content(
                rx.foreach(options, lambda option: rx.select.item(option["label"], value=option["value"]))
            ),
            value=value,
            on_change=on_change,
        ),
        spacing="1",
    )


def showroom_filters() -> rx.Component:
    return rx.flex(
        _filter(
            "showroom.body",
            ShowroomState.body,
            ShowroomState.body_options,
            ShowroomState.set_body,
            "filter-body",
        ),
        _filter(
            "showroom.powertrain",
            ShowroomState.powertrain,
            ShowroomState.powertrain_options,
            ShowroomState.set_powertrain,
            "filter-powertrain",
        ),
        gap="3",
        wrap="wrap",
    )


def trim_grid() -> rx.Component:
    skeleton_cards = [rx.skeleton(rx.card(rx.box(height="18rem")), loading=True) for _ in range(3)]
    return rx.cond(
        ShowroomState.loading & (ShowroomState.cards.length() == 0),
        rx.grid(
            *skeleton_cards, columns=rx.breakpoints(initial="1", sm="2", lg="3"), spacing="4", width="100%"
        ),
        rx.cond(
            ShowroomState.cards.length() == 0,
            empty_state("car", t("showroom.empty")),
            rx.grid(
                rx.foreach(ShowroomState.cards, _trim_card),
                columns=rx.breakpoints(initial="1", sm="2", lg="3"),
                spacing="4",
                width="100%",
                id="trim-grid",
            ),
        ),
    )
