"""The order page's dialogs: the supplier rejects a line or proposes another quantity or date;
the manager cancels the order with a reason."""

from __future__ import annotations

import reflex as rx

from models import Role
from services.supply import purchasing
from state.supply.purchase_order import MAX_TEXT, PurchaseOrderState

MODES = ("reject", "propose", "cancel")


class OrderDialogState(PurchaseOrderState):
    """Which dialog is open ("reject" | "propose" | "cancel" | "") and for which line."""

    dialog_mode: str = ""
    dialog_line_id: int = 0

    @rx.event
    def reset_view(self):
        self.dialog_mode, self.dialog_line_id = "", 0

    @rx.var
    def dialog_title(self) -> str:
        if self.dialog_mode == "cancel":
            return self.t("purchase.cancel_title", number=self._order.get("number", ""))
        line = next(
            (line for line in self._order.get("lines", []) if line["id"] == self.dialog_line_id), None
        )
        if line is None:
            return ""
        key = "purchase.reject_title" if self.dialog_mode == "reject" else "purchase.propose_title"
        return self.t(key, line=line["line_no"], sku=line["sku"])

    @rx.event
    def open_dialog(self, mode: str, line_id: str):
        self.dialog_mode = mode if mode in MODES else ""
        self.dialog_line_id = int(line_id) if str(line_id).isdigit() else 0
        self._errors = {}

    @rx.event
    def set_dialog_open(self, is_open: bool):
        if not is_open:
            self.dialog_mode, self.dialog_line_id = "", 0
            self._errors = {
                key: value for key, value in self._errors.items() if not key.startswith("dialog.")
            }

    def _submit(self, mode: str, line_id: int, form_data: dict):
        """(result, refusal, success message key) of the open dialog's action."""
        text = str(form_data.get("reason") or "")[: MAX_TEXT + 1]
        if mode == "reject":
            action = (
                Role.SUPPLIER,
                lambda session, principal: purchasing.reject_line(session, principal, line_id, reason=text),
            )
            success = "purchase.line_rejected_toast"
        elif mode == "propose":
            quantity = str(form_data.get("quantity") or "").strip()[:20]
            promised = str(form_data.get("promised_date") or "").strip()[:20]
            note = str(form_data.get("note") or "")[: MAX_TEXT + 1]
            action = (
                Role.SUPPLIER,
                lambda session, principal: purchasing.propose_line_change(
                    session,
                    principal,
                    line_id,
                    quantity=quantity or None,
                    promised_date=promised or None,
                    note=note,
                ),
            )
            success = "purchase.proposal_sent_toast"
        else:
            order_id = self._order.get("id", 0)
            action = (
                Role.MANAGER,
                lambda session, principal: purchasing.cancel_purchase_order(
                    session, principal, order_id, reason=text
                ),
            )
            success = "purchase.cancelled_toast"
        result, refusal = self._act(*action, error_prefix="dialog.")
        return result, refusal, success

    @rx.event
    def submit_dialog(self, form_data: dict):
        mode, line_id = self.dialog_mode, self.dialog_line_id
        if mode not in MODES:
            return None
        result, refusal, success = self._submit(mode, line_id, form_data)
        if result is not None or refusal is not None:
            self.dialog_mode, self.dialog_line_id = "", 0
        return self._done(result, refusal, success)
