"""Receiving on the order page: the manager's goods-receipt form for one shipping notice
(accepted and rejected units per lot, a reason for rejects) and the receipts already recorded.

The form sends what was typed; the service checks it and names every bad field at once."""

from __future__ import annotations

import reflex as rx

from models import Role
from services.supply import purchasing
from services.supply.numbers import incident_number
from state.shared import routes
from state.supply.purchase_order import MAX_TEXT, PurchaseOrderState
from state.supply.purchase_rows import ReceivedRow, ReceiveRow
from state.supply.view import fmt_int, messages

MAX_QUANTITY_TEXT = 20


class ReceiptState(PurchaseOrderState):
    """The notice being received (0: none) and the order's receipts."""

    receive_notice_id: int = 0

    @rx.event
    def reset_view(self):
        self.receive_notice_id = 0

    def _notice(self) -> dict | None:
        return next(
            (notice for notice in self._order.get("notices", []) if notice["id"] == self.receive_notice_id),
            None,
        )

    @rx.var
    def receive_number(self) -> str:
        notice = self._notice()
        return notice["number"] if notice else ""

    @rx.var
    def receive_rows(self) -> list[ReceiveRow]:
        notice = self._notice()
        if notice is None:
            return []
        errors, language = messages(self._errors, self.language), self.language
        return [
            ReceiveRow(
                id=str(line["id"]),
                line_no=str(line["line_no"]),
                sku=line["sku"],
                lot=line["lot_number"],
                open=str(line["open_quantity"]),
                open_text=fmt_int(line["open_quantity"], language),
                error_accepted=errors.get(f"accepted.{line['id']}", ""),
                error_rejected=errors.get(f"rejected.{line['id']}", ""),
                error_reason=errors.get(f"reason.{line['id']}", ""),
            )
            for line in notice["lines"]
            if line["open_quantity"] > 0
        ]

    @rx.var
    def received_rows(self) -> list[ReceivedRow]:
        order, language = self._order, self.language
        if not order:
            return []
        base = routes.incidents(self.role)
        rows = []
        for receipt in order["receipts"]:
            for index, line in enumerate(receipt["lines"]):
                rows.append(
                    ReceivedRow(
                        receipt=receipt["number"] if index == 0 else "",
                        received=self.fmt_time(receipt["received_at"]) if index == 0 else "",
                        line_no=str(line["line_no"]),
                        sku=line["sku"],
                        lot=line["lot_number"],
                        accepted=fmt_int(line["accepted_quantity"], language),
                        rejected=fmt_int(line["rejected_quantity"], language),
                        rejected_any=bool(line["rejected_quantity"]),
                        reason=line["reject_reason"] or "",
                        incident=incident_number(line["incident_id"]) if line["incident_id"] else "",
                        incident_href=f"{base}/{line['incident_id']}" if line["incident_id"] else "",
                    )
                )
        return rows

    @rx.event
    def open_receipt(self, notice_id: str):
        self.receive_notice_id = int(notice_id) if str(notice_id).isdigit() else 0
        self._errors = {}

    @rx.event
    def close_receipt(self):
        self.receive_notice_id = 0
        self._errors = {}

    @rx.event
    def receive(self, form_data: dict):
        """Record what arrived of the chosen notice: accepted and rejected units per lot."""
        notice = self._notice()
        if notice is None:
            return None
        lines = []
        for line in notice["lines"]:
            if line["open_quantity"] <= 0:
                continue
            key = line["id"]
            accepted = str(form_data.get(f"acc_{key}") or "").strip()[:MAX_QUANTITY_TEXT] or "0"
            rejected = str(form_data.get(f"rej_{key}") or "").strip()[:MAX_QUANTITY_TEXT] or "0"
            if accepted == rejected == "0":
                continue  # a lot left at 0 and 0 is not part of this receipt
            reason = str(form_data.get(f"why_{key}") or "")[: MAX_TEXT + 1]
            lines.append(
                {
                    "notice_line_id": key,
                    "accepted_quantity": accepted,
                    "rejected_quantity": rejected,
                    "reject_reason": reason,
                }
            )
        notice_id = notice["id"]
        result, refusal = self._act(
            Role.MANAGER,
            lambda session, principal: purchasing.receive_goods(session, principal, notice_id, lines=lines),
        )
        if result is None:
            self._map_line_errors(
                lines,
                "notice_line_id",
                {"accepted_quantity": "accepted", "rejected_quantity": "rejected", "reject_reason": "reason"},
                shown=("accepted.", "rejected.", "reason."),
                fallback="receive_form",
            )
            return refusal
        self.receive_notice_id = 0
        toast = self.t("purchase.received_toast", number=result["number"])
        if result["incident_ids"]:
            toast += " " + self.t("purchase.incidents_opened", count=len(result["incident_ids"]))
        return rx.toast.success(toast)
