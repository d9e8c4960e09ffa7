"""The quality incident lists (/supplier/incidents, /manager/incidents) and the managers' complaint form."""

from __future__ import annotations

import reflex as rx

from models import Role
from models.db import session_scope
from services.catalog.lists import Page
from services.i18n.names import row_name
from services.platform.errors import DomainError, ValidationFailed
from services.supply import quality
from services.supply.incident_titles import localized_title
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.supply.quality.common import (
    ALL,
    AWAITING,
    READERS,
    STATUS_FILTERS,
    IncidentRow,
    response_text,
)
from state.supply.view import INCIDENT_STATUS_COLOURS, colour, error_entries, fmt_int, label, messages, plain


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
    def rows(self) -> list[IncidentRow]:
        language, base = self.language, routes.incidents(self.role)
        return [
            {
                "id": str(row["id"]),
                "number": row["number"],
                "href": f"{base}/{row['id']}",
                "title": localized_title(row, self.language),
                "supplier": row_name(row, "supplier_name", self.language),
                "sku": row["sku"],
                "lot": row["lot_number"],
                "order": row["purchase_order_number"] or "",
                "order_href": routes.purchase_order(self.role, row["purchase_order_id"])
                if row["purchase_order_id"]
                else "",
                "source": label("incident.source", row["source"], language),
                "status": label("incident.status", row["status"], language),
                "colour": colour(INCIDENT_STATUS_COLOURS, row["status"]),
                "opened": self.fmt_time(row["opened_at"]),
                "opened_day": self.fmt_time_parts(row["opened_at"])[0],
                "opened_time": self.fmt_time_parts(row["opened_at"])[1],
                "quantity": fmt_int(row["quantity_affected"], language),
                "response": response_text(row["response_minutes"], self.t),
                "awaiting": bool(row["awaiting_supplier"]),
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
                    description=str(form_data.get("description") or "")[: quality.MAX_DESCRIPTION_LENGTH + 1],
                    quantity_affected=str(form_data.get("quantity_affected") or "0").strip()[:20],
                    title=str(form_data.get("title") or "")[: quality.MAX_TITLE_LENGTH + 1],
                )
        except ValidationFailed as error:
            self._errors = error_entries(error)
            return None
        except DomainError as error:
            return self._denied(error)
        self._errors, self.complaint_open = {}, False
        return [
            rx.toast.success(self.t("incident.reported_toast", number=incident["number"])),
            rx.redirect(routes.incident(Role.MANAGER, incident["id"])),
        ]
