"""The order page's dialog: reject a line, propose a change, or cancel the order."""

from __future__ import annotations

import reflex as rx

from portal.components.ui import counted_text, dialog_actions, field_error, labelled, t
from services.supply import purchasing
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
                                    counted_text(
                                        purchasing.MAX_NOTE_LENGTH,
                                        name="note",
                                        element_id="dialog-note",
                                        error=error["dialog.note"],
                                        error_id="error-dialog-note",
                                    ),
                                ),
                                spacing="3",
                                width="100%",
                            ),
                        ),
                        rx.vstack(
                            labelled(
                                "purchase.reason",
                                counted_text(
                                    purchasing.MAX_REASON_LENGTH,
                                    name="reason",
                                    element_id="dialog-reason",
                                    error=error["dialog.reason"],
                                    error_id="error-dialog-reason",
                                ),
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
