"""One purchase order as both sides see it (/supplier/purchase-orders/<id> and
/manager/purchase-orders/<id>): its lines, shipping notices, receipts, incidents and the shared
timeline, with the actions of the viewer's side.

Supplier: acknowledge a line with a promised date, reject it with a reason, propose another
quantity or date; ship acknowledged lines with a shipping notice (quantity and lot per line).
Manager: accept or decline a proposal, record the goods receipt of a notice (accepted and
rejected per lot, a reason for rejects), cancel an order nothing of which has shipped, close it.

Every handler re-reads the principal with the role its action needs, and the service checks the
role and the order's owner again; a refusal names the field and the message shows beside it.
"""

from __future__ import annotations

import contextlib

import reflex as rx

from models import Role
from models.db import session_scope
from models.supply import PurchaseOrderLineStatus as LineStatus
from models.supply import PurchaseOrderStatus as Status
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.platform.fields import lot_number, text_value, whole_quantity
from services.supply import purchasing
from services.supply.numbers import incident_number
from services.supply.states import RECEIVABLE_STATUSES, SHIPPABLE_STATUSES
from state.shared.auth import AuthState
from state.supply.purchasing import orders_base
from state.supply.view import (
    INCIDENT_STATUS_COLOURS,
    LINE_STATUS_COLOURS,
    PO_STATUS_COLOURS,
    colour,
    error_entry,
    fmt_date,
    fmt_int,
    fmt_money,
    label,
    messages,
    plain,
)

MAX_TEXT = 500


def _route_id(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def timeline_detail(kind: str, details: dict, translate, language: str) -> str:
    """One line of plain words for a timeline entry's details (tolerant of missing keys)."""
    line = details.get("line_no")
    if kind == "line_acknowledged":
        return translate(
            "purchase.detail.acknowledged", line=line, date=fmt_date(details.get("promised_date"), language)
        )
    if kind == "line_rejected":
        return translate("purchase.detail.rejected", line=line, reason=details.get("reason") or "")
    if kind in ("line_proposed", "proposal_accepted", "proposal_declined"):
        parts = []
        if details.get("quantity") is not None:
            parts.append(
                translate("purchase.detail.quantity", quantity=fmt_int(details["quantity"], language))
            )
        if details.get("promised_date"):
            parts.append(translate("purchase.detail.date", date=fmt_date(details["promised_date"], language)))
        note = details.get("note") or details.get("reason") or ""
        text = translate("purchase.detail.line", line=line) + " " + ", ".join(parts)
        return f"{text} — {note}" if note else text
    if kind == "asn_created":
        shipped = "; ".join(
            translate(
                "purchase.detail.shipped_line",
                line=item.get("line_no"),
                quantity=fmt_int(item.get("quantity"), language),
                lot=item.get("lot_number", ""),
            )
            for item in details.get("lines", [])
        )
        head = " · ".join(
            value
            for value in (details.get("number"), details.get("carrier"), details.get("tracking_number"))
            if value
        )
        return f"{head} — {shipped}" if shipped else head
    if kind == "goods_received":
        text = details.get("number") or ""
        if "accepted" in details:
            text += " — " + translate(
                "purchase.detail.received",
                accepted=fmt_int(details.get("accepted"), language),
                rejected=fmt_int(details.get("rejected"), language),
            )
        return text
    if kind == "issued":
        return (
            translate("purchase.detail.lines", count=int(details["lines"]),
                      lines=fmt_int(details["lines"], language))
            if details.get("lines")
            else ""
        )
    if details.get("reason") and details["reason"] != "all_lines_rejected":
        return str(details["reason"])
    if details.get("short_quantity"):
        return translate("purchase.detail.short", quantity=fmt_int(details["short_quantity"], language))
    return str(details.get("note") or "")


class PurchaseOrderState(AuthState):
    """The order on screen (plain data) and the open forms' errors."""

    _order: dict = {}
    loading: bool = True
    missing: bool = False

    # {field: [message key, params]}: lines' answers ("<line id>.promised_date"), the answer
    # dialog ("dialog.<field>"), the shipping notice ("carrier", "qty.<line id>", ...), the receipt
    # ("accepted.<notice line id>", ...) and the cancel dialog.
    _errors: dict[str, list] = {}
    dialog_mode: str = ""  # "reject" | "propose" | "cancel" | ""
    dialog_line_id: int = 0
    ship_open: bool = False
    receive_notice_id: int = 0
    busy: bool = False

    # --- display -----------------------------------------------------------------------

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def is_supplier(self) -> bool:
        return self.role == Role.SUPPLIER

    @rx.var
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @rx.var
    def list_href(self) -> str:
        return orders_base(self.role)

    @rx.var
    def header(self) -> dict[str, str]:
        order, language = self._order, self.language
        if not order:
            return {}
        return {
            "number": order["number"],
            "status": order["status"],
            "status_label": label("purchase.status", order["status"], language),
            "colour": colour(PO_STATUS_COLOURS, order["status"]),
            "supplier": order["supplier_name"],
            "supplier_href": f"/manager/suppliers/{order['supplier_id']}",
            "ship_to": order["ship_to_name"],
            "issued": self.fmt_time(order["issued_at"]),
            "changed": self.fmt_time(order["status_changed_at"]),
            "total": fmt_money(order["total"], order["currency"], language),
            "currency": order["currency"],
            "notes": order["notes"] or "",
            "cancel_reason": order["cancel_reason"] or "",
            "poor_warning": self.t("purchase.issued_in_poor", supplier=order["supplier_name"])
            if order.get("standing_at_issue") == "poor"
            else "",
        }

    @rx.var
    def line_rows(self) -> list[dict[str, str]]:
        order, language, errors = self._order, self.language, self.error
        if not order:
            return []
        answering = self.role == Role.SUPPLIER and order["status"] == Status.ISSUED
        deciding = self.role == Role.MANAGER
        rows = []
        for line in order["lines"]:
            key = str(line["id"])
            proposal = ""
            if line["status"] == LineStatus.PROPOSED:
                parts = []
                if line["proposed_quantity"] is not None:
                    parts.append(
                        self.t(
                            "purchase.detail.quantity", quantity=fmt_int(line["proposed_quantity"], language)
                        )
                    )
                if line["proposed_date"]:
                    parts.append(
                        self.t("purchase.detail.date", date=fmt_date(line["proposed_date"], language))
                    )
                proposal = ", ".join(parts) + (f" — {line['proposal_note']}" if line["proposal_note"] else "")
            rows.append(
                {
                    "id": key,
                    "line_no": str(line["line_no"]),
                    "sku": line["sku"],
                    "part": line["part_name"],
                    "quantity": fmt_int(line["quantity"], language),
                    "price": fmt_money(line["unit_price"], order["currency"], language),
                    "amount": fmt_money(line["amount"], order["currency"], language),
                    "requested": fmt_date(line["requested_date"], language),
                    "requested_iso": line["requested_date"] or "",
                    "promised": fmt_date(line["promised_date"], language),
                    "status": line["status"],
                    "status_label": label("purchase.line_status", line["status"], language),
                    "colour": colour(LINE_STATUS_COLOURS, line["status"]),
                    "reject_reason": line["reject_reason"] or "",
                    "proposal": proposal,
                    "shipped": fmt_int(line["shipped_quantity"], language),
                    "accepted": fmt_int(line["accepted_quantity"], language),
                    "rejected": fmt_int(line["rejected_quantity"], language),
                    "rejected_any": "yes" if line["rejected_quantity"] else "",
                    "can_answer": "yes" if answering and line["status"] == LineStatus.OPEN else "",
                    "can_decide": "yes" if deciding and line["status"] == LineStatus.PROPOSED else "",
                    "error_date": errors.get(f"{key}.promised_date", ""),
                    "request": self.t(
                        "purchase.line_request",
                        quantity=fmt_int(line["quantity"], language),
                        unit=line["unit"],
                        date=fmt_date(line["requested_date"], language),
                    ),
                }
            )
        return rows

    @rx.var
    def answer_rows(self) -> list[dict[str, str]]:
        """The lines waiting for the supplier's answer (suppliers only)."""
        return [row for row in self.line_rows if row["can_answer"] == "yes"]

    @rx.var
    def decision_rows(self) -> list[dict[str, str]]:
        """The lines carrying a proposal for the manager to decide."""
        return [row for row in self.line_rows if row["can_decide"] == "yes"]

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
    def ship_rows(self) -> list[dict[str, str]]:
        order, language, errors = self._order, self.language, self.error
        if not order:
            return []
        return [
            {
                "id": str(line["id"]),
                "line_no": str(line["line_no"]),
                "sku": line["sku"],
                "part": line["part_name"],
                "open": str(line["open_to_ship"]),
                "open_text": fmt_int(line["open_to_ship"], language),
                "error_qty": errors.get(f"qty.{line['id']}", ""),
                "error_lot": errors.get(f"lot.{line['id']}", ""),
            }
            for line in order["lines"]
            if line["open_to_ship"] > 0
        ]

    @rx.var
    def shipped_rows(self) -> list[dict[str, str]]:
        """Every lot shipped on the order, notice by notice, with what has been received of it."""
        order, language = self._order, self.language
        if not order:
            return []
        receivable = self.role == Role.MANAGER and order["status"] in RECEIVABLE_STATUSES
        rows = []
        for notice in order["notices"]:
            open_lines = sum(line["open_quantity"] for line in notice["lines"])
            for index, line in enumerate(notice["lines"]):
                rows.append(
                    {
                        "notice_id": str(notice["id"]),
                        "notice": notice["number"] if index == 0 else "",
                        "shipped": self.fmt_time(notice["shipped_at"]) if index == 0 else "",
                        "carrier": f"{notice['carrier']} · {notice['tracking_number']}" if index == 0 else "",
                        "status": label("asn.status", notice["status"], language) if index == 0 else "",
                        "line_no": str(line["line_no"]),
                        "sku": line["sku"],
                        "lot": line["lot_number"],
                        "quantity": fmt_int(line["quantity"], language),
                        "received": fmt_int(line["received_quantity"], language),
                        "can_receive": "yes" if receivable and index == 0 and open_lines > 0 else "",
                    }
                )
        return rows

    @rx.var
    def receive_number(self) -> str:
        for notice in self._order.get("notices", []):
            if notice["id"] == self.receive_notice_id:
                return notice["number"]
        return ""

    @rx.var
    def receive_rows(self) -> list[dict[str, str]]:
        errors = self.error
        for notice in self._order.get("notices", []):
            if notice["id"] == self.receive_notice_id:
                return [
                    {
                        "id": str(line["id"]),
                        "line_no": str(line["line_no"]),
                        "sku": line["sku"],
                        "lot": line["lot_number"],
                        "open": str(line["open_quantity"]),
                        "open_text": fmt_int(line["open_quantity"], self.language),
                        "error_accepted": errors.get(f"accepted.{line['id']}", ""),
                        "error_rejected": errors.get(f"rejected.{line['id']}", ""),
                        "error_reason": errors.get(f"reason.{line['id']}", ""),
                    }
                    for line in notice["lines"]
                    if line["open_quantity"] > 0
                ]
        return []

    @rx.var
    def received_rows(self) -> list[dict[str, str]]:
        order, language = self._order, self.language
        if not order:
            return []
        base = "/manager/incidents" if self.role == Role.MANAGER else "/supplier/incidents"
        rows = []
        for receipt in order["receipts"]:
            for index, line in enumerate(receipt["lines"]):
                rows.append(
                    {
                        "receipt": receipt["number"] if index == 0 else "",
                        "received": self.fmt_time(receipt["received_at"]) if index == 0 else "",
                        "line_no": str(line["line_no"]),
                        "sku": line["sku"],
                        "lot": line["lot_number"],
                        "accepted": fmt_int(line["accepted_quantity"], language),
                        "rejected": fmt_int(line["rejected_quantity"], language),
                        "rejected_any": "yes" if line["rejected_quantity"] else "",
                        "reason": line["reject_reason"] or "",
                        "incident": incident_number(line['incident_id']) if line["incident_id"] else "",
                        "incident_href": f"{base}/{line['incident_id']}" if line["incident_id"] else "",
                    }
                )
        return rows

    @rx.var
    def incident_rows(self) -> list[dict[str, str]]:
        base = "/manager/incidents" if self.role == Role.MANAGER else "/supplier/incidents"
        return [
            {
                "number": incident["number"],
                "href": f"{base}/{incident['id']}",
                "title": incident["title"],
                "lot": incident["lot_number"],
                "status": label("incident.status", incident["status"], self.language),
                "colour": colour(INCIDENT_STATUS_COLOURS, incident["status"]),
                "opened": self.fmt_time(incident["opened_at"]),
            }
            for incident in self._order.get("incidents", [])
        ]

    @rx.var
    def timeline(self) -> list[dict[str, str]]:
        language = self.language
        rows = []
        for event in self._order.get("timeline", []):
            change = ""
            if event["to_status"]:
                change = label("purchase.status", event["to_status"], language)
                if event["from_status"]:
                    change = f"{label('purchase.status', event['from_status'], language)} → {change}"
            actor = event["actor_name"]
            if event["actor_organisation"]:
                actor = f"{actor} · {event['actor_organisation']}" if actor else event["actor_organisation"]
            rows.append(
                {
                    "at": self.fmt_time(event["at"]),
                    "title": label("purchase.event", event["kind"], language),
                    "change": change,
                    "actor": actor,
                    "detail": timeline_detail(event["kind"], event["details"] or {}, self.t, language),
                }
            )
        return rows

    @rx.var
    def can_cancel(self) -> bool:
        return self.role == Role.MANAGER and self._order.get("status") in (Status.ISSUED, Status.ACKNOWLEDGED)

    @rx.var
    def can_close(self) -> bool:
        return self.role == Role.MANAGER and self._order.get("status") in (
            Status.PARTLY_RECEIVED,
            Status.RECEIVED,
        )

    @rx.var
    def dialog_title(self) -> str:
        line = next(
            (line for line in self._order.get("lines", []) if line["id"] == self.dialog_line_id), None
        )
        if self.dialog_mode == "cancel":
            return self.t("purchase.cancel_title", number=self._order.get("number", ""))
        if line is None:
            return ""
        key = "purchase.reject_title" if self.dialog_mode == "reject" else "purchase.propose_title"
        return self.t(key, line=line["line_no"], sku=line["sku"])

    # --- loading -----------------------------------------------------------------------

    def _read(self, order_id: int | str) -> None:
        principal = self._principal(Role.MANAGER, Role.SUPPLIER)
        with session_scope() as session:
            self._order = plain(purchasing.get_purchase_order(session, principal, order_id))
        self.missing = False

    @rx.event
    def load(self):
        self.loading, self.missing, self._order, self._errors = True, False, {}, {}
        self.dialog_mode, self.dialog_line_id, self.ship_open, self.receive_notice_id = "", 0, False, 0
        yield
        try:
            self._read(_route_id(self.router.url.path))
        except PermissionDenied:
            pass
        except (NotFound, ValidationFailed):
            self.missing = True
        self.loading = False

    def _refresh(self) -> None:
        if self._order:
            self._read(self._order["id"])

    def _act(self, role: str, action, error_prefix: str = ""):
        """Run `action(session, principal)` and reload the order. Returns (result, None) on
        success; (None, toast or None) when refused: a validation error lands beside its field
        (under `error_prefix`), anything else becomes a toast."""
        try:
            principal = self._principal(role)
            with session_scope() as session:
                result = action(session, principal)
        except ValidationFailed as error:
            self._errors = {f"{error_prefix}{error.field or 'form'}": error_entry(error)}
            return None, None
        except DomainError as error:
            self._refresh_quietly()
            return None, self._denied(error)
        self._errors = {}
        self._refresh()
        return result, None

    def _done(self, result, refusal, success_key: str, **params):
        return rx.toast.success(self.t(success_key, **params)) if result is not None else refusal

    def _refresh_quietly(self) -> None:
        with contextlib.suppress(DomainError):
            self._refresh()

    # --- the supplier's answers ----------------------------------------------------------

    @rx.event
    def acknowledge_line(self, form_data: dict):
        line_id = str(form_data.get("line_id") or "")
        promised = str(form_data.get("promised_date") or "")[:20]
        result, refusal = self._act(
            Role.SUPPLIER,
            lambda session, principal: purchasing.acknowledge_line(
                session, principal, line_id, promised_date=promised
            ),
            error_prefix=f"{line_id}.",
        )
        return self._done(result, refusal, "purchase.line_acknowledged_toast")

    @rx.event
    def open_dialog(self, mode: str, line_id: str):
        self.dialog_mode = mode if mode in ("reject", "propose", "cancel") else ""
        self.dialog_line_id = int(line_id) if str(line_id).isdigit() else 0
        self._errors = {}

    @rx.event
    def set_dialog_open(self, is_open: bool):
        if not is_open:
            self.dialog_mode, self.dialog_line_id = "", 0
            self._errors = {
                key: value for key, value in self._errors.items() if not key.startswith("dialog.")
            }

    @rx.event
    def submit_dialog(self, form_data: dict):
        mode, line_id = self.dialog_mode, self.dialog_line_id
        if mode == "reject":
            reason = str(form_data.get("reason") or "")[: MAX_TEXT + 1]
            result, refusal = self._act(
                Role.SUPPLIER,
                lambda session, principal: purchasing.reject_line(session, principal, line_id, reason=reason),
                error_prefix="dialog.",
            )
            success = "purchase.line_rejected_toast"
        elif mode == "propose":
            quantity = str(form_data.get("quantity") or "").strip()[:20]
            promised = str(form_data.get("promised_date") or "").strip()[:20]
            note = str(form_data.get("note") or "")[: MAX_TEXT + 1]
            result, refusal = self._act(
                Role.SUPPLIER,
                lambda session, principal: purchasing.propose_line_change(
                    session,
                    principal,
                    line_id,
                    quantity=quantity or None,
                    promised_date=promised or None,
                    note=note,
                ),
                error_prefix="dialog.",
            )
            success = "purchase.proposal_sent_toast"
        elif mode == "cancel":
            reason = str(form_data.get("reason") or "")[: MAX_TEXT + 1]
            order_id = self._order.get("id", 0)
            result, refusal = self._act(
                Role.MANAGER,
                lambda session, principal: purchasing.cancel_purchase_order(
                    session, principal, order_id, reason=reason
                ),
                error_prefix="dialog.",
            )
            success = "purchase.cancelled_toast"
        else:
            return None
        if result is not None or refusal is not None:
            self.dialog_mode, self.dialog_line_id = "", 0
        return self._done(result, refusal, success)

    # --- the manager's decisions ---------------------------------------------------------

    @rx.event
    def decide_proposal(self, line_id: str, accept: bool):
        result, refusal = self._act(
            Role.MANAGER,
            lambda session, principal: purchasing.decide_proposal(
                session, principal, line_id, accept=bool(accept)
            ),
        )
        return self._done(
            result,
            refusal,
            "purchase.proposal_accepted_toast" if accept else "purchase.proposal_declined_toast",
        )

    @rx.event
    def close_order(self):
        order_id = self._order.get("id", 0)
        result, refusal = self._act(
            Role.MANAGER,
            lambda session, principal: purchasing.close_purchase_order(session, principal, order_id),
        )
        return self._done(result, refusal, "purchase.closed_toast")

    # --- shipping ----------------------------------------------------------------------

    @rx.event
    def toggle_ship(self):
        self.ship_open = not self.ship_open
        self._errors = {}

    @rx.event
    def ship(self, form_data: dict):
        """Send a shipping notice for the lines given a quantity; every bad field is named."""
        errors: dict[str, list] = {}
        try:
            carrier = text_value(form_data.get("carrier"), "carrier", max_length=80, required=True)
        except ValidationFailed as error:
            errors["carrier"] = error_entry(error)
        try:
            tracking = text_value(
                form_data.get("tracking_number"), "tracking_number", max_length=80, required=True
            )
        except ValidationFailed as error:
            errors["tracking_number"] = error_entry(error)
        lines = []
        for line in self._order.get("lines", []):
            if line["open_to_ship"] <= 0:
                continue
            raw = str(form_data.get(f"qty_{line['id']}") or "").strip()[:20]
            if raw in ("", "0"):
                continue
            try:
                quantity = whole_quantity(raw, "quantity")
                if quantity > line["open_to_ship"]:
                    raise ValidationFailed(
                        "purchase.ship_more_than_open",
                        field="quantity",
                        line=line["line_no"],
                        open=line["open_to_ship"],
                    )
            except ValidationFailed as error:
                errors[f"qty.{line['id']}"] = error_entry(error)
                quantity = 0
            try:
                lot = lot_number(form_data.get(f"lot_{line['id']}"), "lot_number")
            except ValidationFailed as error:
                errors[f"lot.{line['id']}"] = error_entry(error)
                lot = ""
            lines.append({"line_id": line["id"], "quantity": quantity, "lot_number": lot})
        if not lines and not errors:
            errors["form"] = ["purchase.ship_nothing", {}]
        if errors:
            self._errors = errors
            return None
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

    def _map_line_errors(
        self, lines: list[dict], id_key: str, names: dict[str, str], *, shown: tuple[str, ...], fallback: str
    ) -> None:
        """Move a service error on `lines.<index>.<field>` onto that line's own field; one the
        form has no place for goes under `fallback`."""
        remapped = {}
        for field, entry in self._errors.items():
            parts = field.split(".")
            if len(parts) == 3 and parts[0] == "lines" and parts[1].isdigit() and int(parts[1]) < len(lines):
                field = f"{names.get(parts[2], parts[2])}.{lines[int(parts[1])][id_key]}"
            if not any(field == name or (name.endswith(".") and field.startswith(name)) for name in shown):
                field = fallback
            remapped[field] = entry
        self._errors = remapped

    # --- receiving ---------------------------------------------------------------------

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
        notice = next(
            (notice for notice in self._order.get("notices", []) if notice["id"] == self.receive_notice_id),
            None,
        )
        if notice is None:
            return None
        errors: dict[str, list] = {}
        lines = []
        for line in notice["lines"]:
            if line["open_quantity"] <= 0:
                continue
            key = line["id"]
            raw_accepted = str(form_data.get(f"acc_{key}") or "").strip()[:20] or "0"
            raw_rejected = str(form_data.get(f"rej_{key}") or "").strip()[:20] or "0"
            reason = str(form_data.get(f"why_{key}") or "")[: MAX_TEXT + 1]
            try:
                accepted = whole_quantity(raw_accepted, "accepted", allow_zero=True)
            except ValidationFailed as error:
                errors[f"accepted.{key}"] = error_entry(error)
                accepted = None
            try:
                rejected = whole_quantity(raw_rejected, "rejected", allow_zero=True)
            except ValidationFailed as error:
                errors[f"rejected.{key}"] = error_entry(error)
                rejected = None
            if accepted is None or rejected is None:
                continue
            if accepted + rejected == 0:
                continue
            if accepted + rejected > line["open_quantity"]:
                errors[f"accepted.{key}"] = [
                    "purchase.receive_more_than_shipped",
                    {"lot": line["lot_number"], "open": line["open_quantity"]},
                ]
            try:
                reason = text_value(reason, "reason", max_length=MAX_TEXT, required=rejected > 0)
            except ValidationFailed as error:
                errors[f"reason.{key}"] = error_entry(error)
            lines.append(
                {
                    "notice_line_id": key,
                    "accepted_quantity": accepted,
                    "rejected_quantity": rejected,
                    "reject_reason": reason if rejected else "",
                }
            )
        if not lines and not errors:
            errors["receive_form"] = ["purchase.receive_nothing", {}]
        if errors:
            self._errors = errors
            return None
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
