"""Quality incidents: the list (a supplier's own; the manager's of every supplier, with the field
complaint form), one incident with its timeline and the next move of the viewer's side, and the
lot lookup (every order, notice, receipt and incident a lot touched).

Supplier: acknowledge (the response time stops), record containment and root cause, resolve with
evidence. Manager: accept the resolution (closed) or reopen it with a reason; report a field
complaint. Each handler re-reads the principal with its role; the service checks it again.
"""

from __future__ import annotations

import contextlib

import reflex as rx

from models import Role
from models.db import session_scope
from models.supply import IncidentStatus
from services.catalog.lists import Page
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.supply import quality
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.supply.purchasing import orders_base
from state.supply.view import INCIDENT_STATUS_COLOURS, colour, error_entry, fmt_int, label, messages, plain

READERS = (Role.MANAGER, Role.SUPPLIER)
ALL = "__all__"
AWAITING = "__awaiting__"
STATUS_FILTERS = (ALL, AWAITING, *[status.value for status in IncidentStatus])
MAX_TEXT = 4000


def incidents_base(role: str) -> str:
    return "/manager/incidents" if role == Role.MANAGER else "/supplier/incidents"


def _response_text(minutes: int | None, translate) -> str:
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    return translate("incident.response_time", hours=hours, minutes=rest)


class IncidentListState(PagedMixin, AuthState):
    _incidents: list[dict] = []
    status_filter: str = ALL
    _errors: dict[str, list] = {}
    complaint_open: bool = False

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def status_options(self) -> list[dict[str, str]]:
        names = {ALL: self.t("common.all"), AWAITING: self.t("incident.filter_awaiting")}
        return [
            {"value": value, "label": names.get(value) or self.t(f"incident.status.{value}")}
            for value in STATUS_FILTERS
        ]

    @rx.var
    def rows(self) -> list[dict[str, str]]:
        language, base = self.language, incidents_base(self.role)
        return [
            {
                "id": str(row["id"]),
                "number": row["number"],
                "href": f"{base}/{row['id']}",
                "title": row["title"],
                "supplier": row["supplier_name"],
                "sku": row["sku"],
                "lot": row["lot_number"],
                "order": row["purchase_order_number"] or "",
                "order_href": f"{orders_base(self.role)}/{row['purchase_order_id']}"
                if row["purchase_order_id"]
                else "",
                "source": label("incident.source", row["source"], language),
                "status": label("incident.status", row["status"], language),
                "colour": colour(INCIDENT_STATUS_COLOURS, row["status"]),
                "opened": self.fmt_time(row["opened_at"]),
                "quantity": fmt_int(row["quantity_affected"], language),
                "response": _response_text(row["response_minutes"], self.t),
                "awaiting": "yes" if row["awaiting_supplier"] else "",
            }
            for row in self._incidents
        ]

    def _fetch(self) -> None:
        principal = self._principal(*READERS)
        status = None if self.status_filter in (ALL, AWAITING) else self.status_filter
        with session_scope() as session:
            rows, self.total = quality.list_incidents(
                session,
                principal,
                page=Page(self.page, PAGE_SIZE),
                status=status,
                awaiting_supplier=self.status_filter == AWAITING,
            )
        self._incidents = plain(rows)

    def _empty(self) -> None:
        self._incidents, self.total = [], 0

    @rx.event
    def load(self):
        self.page, self.search, self._errors, self.complaint_open = 1, "", {}, False
        query = self.router.url.query_parameters.get("status", "")
        self.status_filter = (
            query if query in STATUS_FILTERS else (AWAITING if self.role == Role.SUPPLIER else ALL)
        )
        yield from self._reload()

    @rx.event
    def set_status_filter(self, value: str):
        self.status_filter = value if value in STATUS_FILTERS else ALL
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_complaint_open(self, is_open: bool):
        self.complaint_open = bool(is_open)
        self._errors = {}

    @rx.event
    def report_complaint(self, form_data: dict):
        """A manager opens an incident for a problem found in the field."""
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                incident = quality.report_field_complaint(
                    session,
                    principal,
                    sku=str(form_data.get("sku") or "")[:60],
                    lot=str(form_data.get("lot_number") or "")[:80],
                    description=str(form_data.get("description") or "")[:2001],
                    quantity_affected=str(form_data.get("quantity_affected") or "0").strip()[:20],
                    title=str(form_data.get("title") or "")[:201],
                )
        except ValidationFailed as error:
            self._errors = {error.field or "form": error_entry(error)}
            return None
        except DomainError as error:
            return self._denied(error)
        self._errors, self.complaint_open = {}, False
        return [
            rx.toast.success(self.t("incident.reported_toast", number=incident["number"])),
            rx.redirect(f"/manager/incidents/{incident['id']}"),
        ]


class IncidentState(AuthState):
    """One incident and the forms of the viewer's next move."""

    _incident: dict = {}
    loading: bool = True
    missing: bool = False
    _errors: dict[str, list] = {}

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def list_href(self) -> str:
        return incidents_base(self.role)

    @rx.var
    def view(self) -> dict[str, str]:
        incident, language = self._incident, self.language
        if not incident:
            return {}
        status = incident["status"]
        supplier, manager = self.role == Role.SUPPLIER, self.role == Role.MANAGER
        order_href = (
            f"{orders_base(self.role)}/{incident['purchase_order_id']}"
            if incident["purchase_order_id"]
            else ""
        )
        return {
            "id": str(incident["id"]),
            "number": incident["number"],
            "title": incident["title"],
            "status": status,
            "status_label": label("incident.status", status, language),
            "colour": colour(INCIDENT_STATUS_COLOURS, status),
            "source": label("incident.source", incident["source"], language),
            "supplier": incident["supplier_name"],
            "sku": incident["sku"],
            "part": incident["part_name"],
            "lot": incident["lot_number"],
            "lot_href": f"{'/manager' if manager else '/supplier'}/lots?lot={incident['lot_number']}"
            if incident["lot_number"]
            else "",
            "order": incident["purchase_order_number"] or "",
            "order_href": order_href,
            "receipt": incident["receipt_number"] or "",
            "quantity": fmt_int(incident["quantity_affected"], language),
            "opened": self.fmt_time(incident["opened_at"]),
            "acknowledged": self.fmt_time(incident["acknowledged_at"]) if incident["acknowledged_at"] else "",
            "response": _response_text(incident["response_minutes"], self.t),
            "description": incident["description"] or "",
            "containment": incident["containment_action"] or "",
            "root_cause": incident["root_cause"] or "",
            "evidence": incident["evidence"] or "",
            "reopened": fmt_int(incident["reopened_count"], language) if incident["reopened_count"] else "",
            "can_acknowledge": "yes"
            if supplier and status in (IncidentStatus.OPEN, IncidentStatus.REOPENED)
            else "",
            "can_analyse": "yes"
            if supplier and status in (IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED)
            else "",
            "can_resolve": "yes"
            if supplier and status in (IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED)
            else "",
            "can_accept": "yes" if manager and status == IncidentStatus.RESOLVED else "",
            "can_reopen": "yes"
            if manager and status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED)
            else "",
        }

    @rx.var
    def timeline(self) -> list[dict[str, str]]:
        rows = []
        for event in self._incident.get("timeline", []):
            change = (
                label("incident.status", event["to_status"], self.language)
                if event["to_status"] and event["to_status"] != event["from_status"]
                else ""
            )
            actor = event["actor_name"]
            if event["actor_organisation"]:
                actor = f"{actor} · {event['actor_organisation']}" if actor else event["actor_organisation"]
            rows.append(
                {
                    "at": self.fmt_time(event["at"]),
                    "title": label("incident.event", event["kind"], self.language),
                    "change": change,
                    "actor": actor,
                    "detail": self._note(event["kind"], event["note"] or ""),
                }
            )
        return rows

    def _note(self, kind: str, note: str) -> str:
        """An analysis entry names its fields (`root_cause: ...`); show their labels instead."""
        if kind != "analysis":
            return note
        names = {"containment_action: ": "incident.containment", "root_cause: ": "incident.root_cause"}
        lines = []
        for line in note.split("\n"):
            for prefix, key in names.items():
                if line.startswith(prefix):
                    line = f"{self.t(key)}: {line.removeprefix(prefix)}"
            lines.append(line)
        return "\n".join(lines)

    def _read(self, incident_id: int | str) -> None:
        principal = self._principal(*READERS)
        with session_scope() as session:
            self._incident = plain(quality.get_incident(session, principal, incident_id))
        self.missing = False

    @rx.event
    def load(self):
        self.loading, self.missing, self._incident, self._errors = True, False, {}, {}
        yield
        try:
            self._read(self.router.url.path.rstrip("/").rsplit("/", 1)[-1])
        except PermissionDenied:
            pass
        except (NotFound, ValidationFailed):
            self.missing = True
        self.loading = False

    def _act(self, role: str, action, success_key: str):
        incident_id = self._incident.get("id", 0)
        try:
            principal = self._principal(role)
            with session_scope() as session:
                self._incident = plain(action(session, principal, incident_id))
        except ValidationFailed as error:
            self._errors = {error.field or "form": error_entry(error)}
            return None
        except DomainError as error:
            with contextlib.suppress(DomainError):
                self._read(incident_id)
            return self._denied(error)
        self._errors = {}
        return rx.toast.success(self.t(success_key, number=self._incident["number"]))

    @staticmethod
    def _text(form_data: dict, name: str) -> str:
        return str(form_data.get(name) or "")[: MAX_TEXT + 1]

    @rx.event
    def acknowledge(self, form_data: dict):
        note = self._text(form_data, "note")
        return self._act(
            Role.SUPPLIER,
            lambda session, principal, incident_id: quality.acknowledge_incident(
                session, principal, incident_id, note=note
            ),
            "incident.acknowledged_toast",
        )

    @rx.event
    def save_analysis(self, form_data: dict):
        containment, cause = self._text(form_data, "containment_action"), self._text(form_data, "root_cause")
        return self._act(
            Role.SUPPLIER,
            lambda session, principal, incident_id: quality.record_incident_analysis(
                session,
                principal,
                incident_id,
                containment_action=containment or None,
                root_cause=cause or None,
            ),
            "incident.analysis_saved_toast",
        )

    @rx.event
    def resolve(self, form_data: dict):
        evidence = self._text(form_data, "evidence")
        containment, cause = self._text(form_data, "containment_action"), self._text(form_data, "root_cause")
        return self._act(
            Role.SUPPLIER,
            lambda session, principal, incident_id: quality.resolve_incident(
                session,
                principal,
                incident_id,
                evidence=evidence,
                containment_action=containment or None,
                root_cause=cause or None,
            ),
            "incident.resolved_toast",
        )

    @rx.event
    def accept(self, form_data: dict):
        note = self._text(form_data, "note")
        return self._act(
            Role.MANAGER,
            lambda session, principal, incident_id: quality.accept_resolution(
                session, principal, incident_id, note=note
            ),
            "incident.closed_toast",
        )

    @rx.event
    def reopen(self, form_data: dict):
        reason = self._text(form_data, "reason")
        return self._act(
            Role.MANAGER,
            lambda session, principal, incident_id: quality.reopen_incident(
                session, principal, incident_id, reason=reason
            ),
            "incident.reopened_toast",
        )


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
        base = orders_base(self.role)
        return [
            {
                "number": row["purchase_order_number"],
                "href": f"{base}/{row['purchase_order_id']}",
                "line_no": str(row["line_no"]),
                "sku": row["sku"],
                "supplier": row["supplier_name"],
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
                "supplier": row["supplier_name"],
            }
            for row in self._trace.get("shipping_notice_lines", [])
        ]

    @rx.var
    def receipt_rows(self) -> list[dict[str, str]]:
        return [
            {
                "number": row["receipt_number"],
                "sku": row["sku"],
                "location": row["location_name"],
                "received": self.fmt_time(row["received_at"]),
                "accepted": fmt_int(row["accepted_quantity"], self.language),
                "rejected": fmt_int(row["rejected_quantity"], self.language),
                "reason": row["reject_reason"] or "",
            }
            for row in self._trace.get("receipt_lines", [])
        ]

    @rx.var
    def incident_rows(self) -> list[dict[str, str]]:
        base = incidents_base(self.role)
        return [
            {
                "number": row["number"],
                "href": f"{base}/{row['id']}",
                "title": row["title"],
                "status": label("incident.status", row["status"], self.language),
                "colour": colour(INCIDENT_STATUS_COLOURS, row["status"]),
                "opened": self.fmt_time(row["opened_at"]),
            }
            for row in self._trace.get("incidents", [])
        ]

    def _trace_lot(self, lot: str):
        self.lot = lot[:80]
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
        self.lot = text[:80]

    @rx.event
    def search(self, form_data: dict):
        return self._trace_lot(str(form_data.get("lot_number") or ""))
