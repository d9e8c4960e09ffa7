"""/showroom/trims/[trim_id]/configure (public; ordering needs a customer's sign-in): colour
swatches, option packs with their rules, the live price and deposit, the store to order at and
whether a car in that configuration stands there, and "Order this configuration"."""

from __future__ import annotations

import reflex as rx

from portal.components.public_frame import showroom_page
from portal.components.ui import back_link, choice_select, empty_state, field_error, section, t
from state.shared import routes
from state.showroom.configurator import ConfiguratorState


def _swatch(colour) -> rx.Component:
    return rx.button(
        rx.cond(
            colour["selected"],
            rx.icon("check", size=18, color="white", style={"mix_blend_mode": "difference"}),
        ),
        on_click=ConfiguratorState.choose_colour(colour["key"]),
        background=colour["hex"],
        width="2.75rem",
        height="2.75rem",
        padding="0",
        border_radius="9999px",
        border=rx.cond(
            colour["selected"], f"3px solid {rx.color('accent', 9)}", f"1px solid {rx.color('gray', 7)}"
        ),
        cursor="pointer",
        title=colour["label"],
        aria_label=colour["label"],
        aria_pressed=rx.cond(colour["selected"], "true", "false"),
        id="colour-" + colour["key"],
        class_name="colour-swatch",
    )


def _colours() -> rx.Component:
    return section(
        t("configurator.colour"),
        rx.flex(
            rx.foreach(ConfiguratorState.colours, _swatch), gap="0.75rem", wrap="wrap", id="colour-swatches"
        ),
        rx.hstack(
            rx.text(ConfiguratorState.colour_label, size="3", weight="medium", id="colour-chosen"),
            rx.foreach(
                ConfiguratorState.colours,
                lambda colour: rx.cond(
                    colour["selected"], rx.text(colour["price"], size="2", color_scheme="gray")
                ),
            ),
            spacing="2",
            align="baseline",
        ),
    )


def _pack(pack) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.checkbox(
                checked=pack["checked"],
                disabled=~pack["enabled"],
                on_change=lambda _checked: ConfiguratorState.toggle_pack(pack["code"]),
                size="3",
                id="pack-" + pack["code"],
                aria_label=pack["name"],
            ),
            rx.vstack(
                rx.text(pack["name"], size="3", weight="medium"),
                rx.cond(
                    pack["reason"] != "",
                    rx.text(
                        rx.cond(
                            pack["enabled"], rx.fragment(), rx.icon("lock", size=12, margin_right="0.25rem")
                        ),
                        pack["reason"],
                        size="1",
                        color=rx.cond(pack["enabled"], rx.color("gray", 11), rx.color("amber", 11)),
                        class_name="pack-reason",
                    ),
                ),
                spacing="0",
                flex="1",
                min_width="0",
            ),
            rx.text(pack["price"], size="2", weight="medium", white_space="nowrap"),
            align="center",
            gap="0.75rem",
            width="100%",
        ),
        width="100%",
        opacity=rx.cond(pack["enabled"], "1", "0.6"),
        custom_attrs={"data-pack": pack["code"]},
        class_name="config-pack",
    )


def _packs() -> rx.Component:
    return section(
        t("configurator.packs"),
        rx.vstack(
            rx.foreach(ConfiguratorState.pack_rows, _pack), spacing="2", width="100%", id="config-packs"
        ),
    )


def _line(label_key: str, value, element_id: str, size: str = "3", weight: str = "regular") -> rx.Component:
    return rx.flex(
        rx.text(t(label_key), size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(value, size=size, weight=weight, id=element_id),
        align="baseline",
        width="100%",
        gap="2",
    )


def _order_action() -> rx.Component:
    return rx.cond(
        ConfiguratorState.is_customer,
        rx.button(
            rx.cond(ConfiguratorState.placing, rx.spinner(size="2"), rx.icon("shopping-cart", size=16)),
            t("configurator.order"),
            size="3",
            width="100%",
            disabled=ConfiguratorState.placing
            | (ConfiguratorState.total == "")
            | (ConfiguratorState.store_id == ""),
            on_click=ConfiguratorState.order,
            id="config-order",
        ),
        rx.callout.root(
            rx.callout.icon(rx.icon("log-in", size=16)),
            rx.callout.text(
                t("configurator.sign_in"),
                " ",
                rx.link(t("configurator.sign_in_link"), href=routes.LOGIN, id="config-sign-in"),
            ),
            width="100%",
        ),
    )


def _summary() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("configurator.summary"), size="4"),
            _line("configurator.base_price", ConfiguratorState.base_price_text, "config-base"),
            rx.divider(),
            _line("configurator.total", ConfiguratorState.total_text, "config-total", "6", "bold"),
            _line("configurator.deposit", ConfiguratorState.deposit_text, "config-deposit", "4", "medium"),
            field_error(ConfiguratorState.choice_error, "config-choice-error"),
            rx.cond(
                ConfiguratorState.stores.length() == 0,
                rx.text(t("configurator.no_stores"), size="2", color_scheme="gray", id="config-no-stores"),
                choice_select(
                    ConfiguratorState.store_id,
                    ConfiguratorState.store_options,
                    ConfiguratorState.choose_store,
                    "config-store",
                    "configurator.store",
                    width="100%",
                ),
            ),
            rx.cond(
                ConfiguratorState.delivery != "",
                rx.badge(
                    rx.cond(
                        ConfiguratorState.delivery_from_stock,
                        rx.icon("warehouse", size=14),
                        rx.icon("factory", size=14),
                    ),
                    ConfiguratorState.delivery,
                    color_scheme=rx.cond(ConfiguratorState.delivery_from_stock, "grass", "indigo"),
                    size="2",
                    white_space="normal",
                    id="config-delivery",
                ),
            ),
            _order_action(),
            field_error(ConfiguratorState.order_error, "config-order-error"),
            spacing="3",
            width="100%",
        ),
        size="3",
        width="100%",
        position=rx.breakpoints(initial="static", md="sticky"),
        top="5rem",
    )


@showroom_page(routes.TRIM_CONFIGURATOR, on_load=ConfiguratorState.load)
def configurator_page() -> rx.Component:
    return rx.cond(
        ConfiguratorState.missing,
        empty_state(
            "car",
            t("configurator.trim_not_found"),
            rx.link(t("showroom.back_to_showroom"), href=routes.SHOWROOM),
            id="config-missing",
        ),
        rx.cond(
            ConfiguratorState.loading & (ConfiguratorState.colours.length() == 0),
            rx.skeleton(rx.box(height="24rem", width="100%"), loading=True),
            rx.vstack(
                back_link(ConfiguratorState.trim_href, "configurator.back_to_trim"),
                rx.vstack(
                    rx.heading(
                        ConfiguratorState.trim_label,
                        size=rx.breakpoints(initial="6", md="8"),
                        as_="h1",
                        id="config-trim-name",
                    ),
                    rx.text(t("configurator.subtitle"), size="2", color_scheme="gray"),
                    spacing="1",
                ),
                rx.flex(
                    rx.vstack(_colours(), _packs(), spacing="4", flex="2 1 22rem", min_width="0"),
                    rx.box(_summary(), flex="1 1 18rem", min_width="0", align_self="flex-start"),
                    gap="1rem",
                    wrap="wrap",
                    width="100%",
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )
