"""The order page's dialog: reject a line, propose a change, or cancel the order."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import dialog_actions, field_error, labelled, t
from state.supply.purchase_dialogs import OrderDialogState as Dialog
from state.supply.purchase_order import PurchaseOrderState as Order


def order_dialog() -> rx.Component:
    error = Order.error
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(Dialog.dialog_title),
            rx.form(
                rx.vstack(
                    rx.match(
                        Dialog.dialog_mode,
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
                on_submit=Dialog.submit_dialog,
                reset_on_submit=False,
            ),
            max_width="30rem",
        ),
        open=Dialog.dialog_mode != "",
        on_open_change=Dialog.set_dialog_open,
    )
