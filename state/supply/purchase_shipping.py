"""Shipping on the order page: the supplier's shipping-notice form (carrier, tracking, quantity and
lot per acknowledged line) and the notices already sent, lot by lot.

The form sends what was typed; the service checks it and names every bad field at once
(`lines[2].quantity` lands beside that line's quantity)."""

from __future__ import annotations

import reflex as rx

from models import Role
from services.i18n.names import row_name
from services.supply import purchasing
from services.supply.states import RECEIVABLE_STATUSES, SHIPPABLE_STATUSES
from state.supply.purchase_order import PurchaseOrderState
from state.supply.purchase_rows import ShippedRow, ShipRow
from state.supply.view import fmt_int, label, messages

MAX_FIELD = 100


class ShipmentState(PurchaseOrderState):
    """The open shipping form and the order's shipping notices."""

    ship_open: bool = False

    @rx.event
    def reset_view(self):
        self.ship_open = False

    @rx.var
    def can_ship(self) -> bool:
        order = self._order
        return (
            bool(order)
            and self.role == Role.SUPPLIER
            and order["status"] in SHIPPABLE_STATUSES
            and any(line["open_to_ship"] > 0 for line in order["lines"])
        )

    @rx.var
    def ship_rows(self) -> list[ShipRow]:
        order, language, errors = self._order, self.language, messages(self._errors, self.language)
        if not order:
            return []
        return [
            ShipRow(
                id=str(line["id"]),
                line_no=str(line["line_no"]),
                sku=line["sku"],
                part=row_name(line, "part_name", self.language),
                open=str(line["open_to_ship"]),
                open_text=fmt_int(line["open_to_ship"], language),
                error_qty=errors.get(f"qty.{line['id']}", ""),
                error_lot=errors.get(f"lot.{line['id']}", ""),
            )
            for line in order["lines"]
            if line["open_to_ship"] > 0
        ]

    @rx.var
    def shipped_rows(self) -> list[ShippedRow]:
        """Every lot shipped on the order, notice by notice, with what has been received of it."""
        order, language = self._order, self.language
        if not order:
            return []
        receivable = self.role == Role.MANAGER and order["status"] in RECEIVABLE_STATUSES
        rows = []
        for notice in order["notices"]:
            open_lines = sum(line["open_quantity"] for line in notice["lines"])
            for index, line in enumerate(notice["lines"]):
                first = index == 0
                rows.append(
                    ShippedRow(
                        notice_id=str(notice["id"]),
                        notice=notice["number"] if first else "",
                        shipped=self.fmt_time(notice["shipped_at"]) if first else "",
                        carrier=f"{notice['carrier']} · {notice['tracking_number']}" if first else "",
                        status=label("asn.status", notice["status"], language) if first else "",
                        line_no=str(line["line_no"]),
                        sku=line["sku"],
                        lot=line["lot_number"],
                        quantity=fmt_int(line["quantity"], language),
                        received=fmt_int(line["received_quantity"], language),
                        can_receive=receivable and first and open_lines > 0,
                    )
                )
        return rows

    @rx.event
    def toggle_ship(self):
        self.ship_open = not self.ship_open
        self._errors = {}

    @rx.event
    def ship(self, form_data: dict):
        """Send a shipping notice for the lines given a quantity; every bad field is named."""
        lines = []
        for line in self._order.get("lines", []):
            if line["open_to_ship"] <= 0:
                continue
            raw = str(form_data.get(f"qty_{line['id']}") or "").strip()[:20]
            if raw in ("", "0"):
                continue
            lot = str(form_data.get(f"lot_{line['id']}") or "")[:MAX_FIELD]
            lines.append({"line_id": line["id"], "quantity": raw, "lot_number": lot})
        carrier = str(form_data.get("carrier") or "")[:MAX_FIELD]
        tracking = str(form_data.get("tracking_number") or "")[:MAX_FIELD]
        order_id = self._order.get("id", 0)
        result, refusal = self._act(
            Role.SUPPLIER,
            lambda session, principal: purchasing.create_shipping_notice(
                session, principal, order_id, carrier=carrier, tracking_number=tracking, lines=lines
            ),
        )
        if result is None:
            self._map_line_errors(
                lines,
                "line_id",
                {"quantity": "qty", "lot_number": "lot"},
                shown=("carrier", "tracking_number", "qty.", "lot."),
                fallback="form",
            )
            return refusal
        self.ship_open = False
        return rx.toast.success(self.t("purchase.shipped_toast", number=result["number"]))
