"""One quality incident (/supplier/incidents/<id>, /manager/incidents/<id>): its story and
each side's actions."""

from __future__ import annotations

import contextlib

import reflex as rx

from models import Role
from models.db import session_scope
from models.supply import IncidentStatus
from services.i18n.names import row_name
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.supply import quality
from services.supply.incident_titles import localized_title
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.timeline import TimelineRow, actor_label, timeline_row
from state.supply.quality.common import (
    MAX_TEXT,
    READERS,
    IncidentActions,
    response_text,
)
from state.supply.view import INCIDENT_STATUS_COLOURS, colour, error_entry, fmt_int, label, messages, plain


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
        return routes.incidents(self.role)

    @rx.var
    def view(self) -> dict[str, str]:
        incident, language = self._incident, self.language
        if not incident:
            return {}
        status = incident["status"]
        manager = self.role == Role.MANAGER
        order_href = (
            routes.purchase_order(self.role, incident["purchase_order_id"])
            if incident["purchase_order_id"]
            else ""
        )
        return {
            "id": str(incident["id"]),
            "number": incident["number"],
            "title": localized_title(incident, self.language),
            "status": status,
            "status_label": label("incident.status", status, language),
            "colour": colour(INCIDENT_STATUS_COLOURS, status),
            "source": label("incident.source", incident["source"], language),
            "supplier": row_name(incident, "supplier_name", self.language),
            "sku": incident["sku"],
            "part": row_name(incident, "part_name", self.language),
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
            "response": response_text(incident["response_minutes"], self.t),
            "description": incident["description"] or "",
            "containment": incident["containment_action"] or "",
            "root_cause": incident["root_cause"] or "",
            "evidence": incident["evidence"] or "",
            "reopened": fmt_int(incident["reopened_count"], language) if incident["reopened_count"] else "",
        }

    @rx.var
    def actions(self) -> IncidentActions:
        """What the viewer may do to the incident now (the buttons shown)."""
        status = (self._incident or {}).get("status")
        supplier, manager = self.role == Role.SUPPLIER, self.role == Role.MANAGER
        return {
            "acknowledge": supplier and status in (IncidentStatus.OPEN, IncidentStatus.REOPENED),
            "analyse": supplier and status in (IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED),
            "resolve": supplier and status in (IncidentStatus.ACKNOWLEDGED, IncidentStatus.REOPENED),
            "accept": manager and status == IncidentStatus.RESOLVED,
            "reopen": manager and status in (IncidentStatus.RESOLVED, IncidentStatus.CLOSED),
        }

    @rx.var
    def timeline(self) -> list[TimelineRow]:
        rows = []
        for event in self._incident.get("timeline", []):
            change = (
                label("incident.status", event["to_status"], self.language)
                if event["to_status"] and event["to_status"] != event["from_status"]
                else ""
            )
            rows.append(
                timeline_row(
                    at=self.fmt_time(event["at"]),
                    title=label("incident.event", event["kind"], self.language),
                    change=change,
                    actor=actor_label(
                        event["actor_name"], row_name(event, "actor_organisation", self.language)
                    ),
                    detail=self._note(event["kind"], event["note"] or ""),
                )
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
