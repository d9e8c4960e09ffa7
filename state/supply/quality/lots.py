"""The lot lookup (/manager/lots, /supplier/lots): what one lot touched."""

from __future__ import annotations

import reflex as rx

from models.db import session_scope
from services.i18n.names import row_name
from services.platform.errors import DomainError, ValidationFailed
from services.supply import quality
from services.supply.incident_titles import localized_title
from state.shared import routes
from state.shared.auth import AuthState
from state.supply.quality.common import (
    READERS,
)
from state.supply.view import INCIDENT_STATUS_COLOURS, colour, error_entry, fmt_int, label, messages, plain


class LotTraceState(AuthState):
    """What one lot touched: order lines, notices, receipts, incidents (a supplier: its own)."""

    lot: str = ""
    _trace: dict = {}
    searched: bool = False
    loading: bool = False
    _errors: dict[str, list] = {}

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def found(self) -> bool:
        return bool(self._trace.get("found"))

    @rx.var
    def order_rows(self) -> list[dict[str, str]]:
        base = routes.purchase_orders(self.role)
        return [
            {
                "number": row["purchase_order_number"],
                "href": f"{base}/{row['purchase_order_id']}",
                "line_no": str(row["line_no"]),
                "sku": row["sku"],
                "supplier": row_name(row, "supplier_name", self.language),
                "quantity": fmt_int(row["quantity"], self.language),
            }
            for row in self._trace.get("purchase_order_lines", [])
        ]

    @rx.var
    def notice_rows(self) -> list[dict[str, str]]:
        return [
            {
                "number": row["notice_number"],
                "sku": row["sku"],
                "quantity": fmt_int(row["quantity"], self.language),
                "received": fmt_int(row["received_quantity"], self.language),
                "carrier": f"{row['carrier']} · {row['tracking_number']}",
                "shipped": self.fmt_time(row["shipped_at"]),
                "supplier": row_name(row, "supplier_name", self.language),
            }
            for row in self._trace.get("shipping_notice_lines", [])
        ]

    @rx.var
    def receipt_rows(self) -> list[dict[str, str]]:
        return [
            {
                "number": row["receipt_number"],
                "sku": row["sku"],
                "location": row_name(row, "location_name", self.language),
                "received": self.fmt_time(row["received_at"]),
                "accepted": fmt_int(row["accepted_quantity"], self.language),
                "rejected": fmt_int(row["rejected_quantity"], self.language),
                "reason": row["reject_reason"] or "",
            }
            for row in self._trace.get("receipt_lines", [])
        ]

    @rx.var
    def incident_rows(self) -> list[dict[str, str]]:
        base = routes.incidents(self.role)
        return [
            {
                "number": row["number"],
                "href": f"{base}/{row['id']}",
                "title": localized_title(row, self.language),
                "status": label("incident.status", row["status"], self.language),
                "colour": colour(INCIDENT_STATUS_COLOURS, row["status"]),
                "opened": self.fmt_time(row["opened_at"]),
            }
            for row in self._trace.get("incidents", [])
        ]

    def _trace_lot(self, lot: str):
        self.lot = lot[:200]  # past the 60 a lot may have: refused by the lookup, not cut
        self._errors, self._trace, self.searched = {}, {}, False
        try:
            principal = self._principal(*READERS)
            with session_scope() as session:
                self._trace = plain(quality.lot_trace(session, principal, self.lot))
        except ValidationFailed as error:
            self._errors = {"lot_number": error_entry(error)}
            return None
        except DomainError as error:
            return self._denied(error)
        self.searched = True
        return None

    @rx.event
    def load(self):
        self._errors, self._trace, self.searched, self.lot = {}, {}, False, ""
        lot = self.router.url.query_parameters.get("lot", "")
        if lot:
            return self._trace_lot(lot)
        return None

    @rx.event
    def set_lot(self, text: str):
        self.lot = text[:200]

    @rx.event
    def search(self, form_data: dict):
        return self._trace_lot(str(form_data.get("lot_number") or ""))
