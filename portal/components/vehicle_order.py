"""The customer's "Order with deposit" dialog: a dealer store, the deposit, and the order button."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import t
from state.ordering.vehicle_order import VehicleOrderState


def _figure(label_key: str, value, element_id: str, strong: bool = False) -> rx.Component:
    return rx.hstack(
        rx.text(t(label_key), size="2", color_scheme="gray"),
        rx.spacer(),
        rx.text(
            value,
            size="4" if strong else "3",
            weight="bold" if strong else "medium",
            id=element_id,
            style={"font-variant-numeric": "tabular-nums"},
        ),
        align="baseline",
        width="100%",
    )


def _store_select() -> rx.Component:
    return rx.vstack(
        rx.text(t("vehicle_order.store"), size="2", weight="medium"),
        rx.select.root(
            rx.select.trigger(placeholder=t("vehicle_order.choose_store"), id="deposit-store", width="100%"),
            rx.select.content(
                rx.foreach(
                    VehicleOrderState.store_options,
                    lambda option: rx.select.item(option["label"], value=option["value"]),
                )
            ),
            value=VehicleOrderState.store_id,
            on_change=VehicleOrderState.set_store,
        ),
        rx.cond(
            VehicleOrderState.store_error != "",
            rx.text(
                VehicleOrderState.store_error, size="1", color_scheme="red", role="alert", id="error-store"
            ),
            rx.cond(
                VehicleOrderState.store_available,
                rx.text(t("vehicle_order.in_stock"), size="1", color=rx.color("grass", 11)),
                rx.text(t("vehicle_order.store_hint"), size="1", color_scheme="gray"),
            ),
        ),
        spacing="1",
        width="100%",
    )


def vehicle_order_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("vehicle_order.title")),
            rx.dialog.description(VehicleOrderState.trim_label, size="3", weight="medium", id="deposit-trim"),
            rx.vstack(
                _store_select(),
                rx.card(
                    rx.vstack(
                        _figure("vehicle_order.price", VehicleOrderState.price_text, "deposit-price"),
                        _figure(
                            "vehicle_order.deposit_now",
                            VehicleOrderState.deposit_text,
                            "deposit-amount",
                            strong=True,
                        ),
                        _figure("vehicle_order.balance", VehicleOrderState.balance_text, "deposit-balance"),
                        spacing="2",
                        width="100%",
                    ),
                    variant="surface",
                    width="100%",
                ),
                rx.text(t("vehicle_order.hint"), size="1", color_scheme="gray"),
                rx.cond(
                    VehicleOrderState.form_error != "",
                    rx.callout(
                        VehicleOrderState.form_error,
                        icon="circle-alert",
                        color_scheme="red",
                        size="1",
                        width="100%",
                        id="deposit-error",
                    ),
                ),
                rx.flex(
                    rx.dialog.close(rx.button(t("common.cancel"), variant="soft", color_scheme="gray")),
                    rx.button(
                        rx.icon("badge-check", size=16),
                        t("vehicle_order.place"),
                        on_click=VehicleOrderState.place,
                        loading=VehicleOrderState.placing,
                        disabled=VehicleOrderState.placing | (VehicleOrderState.place_blocked != ""),
                        id="place-deposit-order",
                        aria_describedby="deposit-blocked",
                    ),
                    justify="end",
                    gap="0.75rem",
                    width="100%",
                    wrap="wrap",
                ),
                rx.cond(
                    VehicleOrderState.place_blocked != "",
                    rx.text(
                        VehicleOrderState.place_blocked,
                        size="2",
                        color=rx.color("red", 11),
                        role="status",
                        text_align="right",
                        width="100%",
                        id="deposit-blocked",
                    ),
                ),
                spacing="4",
                width="100%",
                margin_top="1rem",
            ),
            max_width="32rem",
        ),
        open=VehicleOrderState.dialog_open,
        on_open_change=VehicleOrderState.set_open,
    )
