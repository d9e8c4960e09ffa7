"""/dealer/leads: every booker of the dealer's stores with their drives (filters, paging), and the
one click that turns a completed drive into a vehicle order (services/showroom/drive_orders.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from models.showroom import TestDriveStatus
from services.i18n.names import row_name
from services.platform.errors import DomainError
from services.showroom import drive_orders
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin
from state.showroom.desk import STATUS_COLOURS
from workers.dispatch import start_processing

ALL = "__all__"


class LeadDrive(TypedDict):
    id: str
    status: str
    status_label: str
    colour: str
    trim: str
    date: str
    order_number: str
    order_href: str
    can_order: bool


class LeadRow(TypedDict):
    email: str
    name: str
    phone: str
    drives: list[LeadDrive]


class LeadsState(PagedMixin, AuthState):
    _leads: list[dict] = []
    status: str = ALL
    ordering: int = 0

    @rx.var
    def status_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("desk.all_statuses")}] + [
            {"value": s.value, "label": self.t(f"desk.status.{s.value}")} for s in TestDriveStatus
        ]

    @rx.var
    def rows(self) -> list[LeadRow]:
        return [
            {
                "email": lead["email"],
                "name": lead["name"],
                "phone": lead["phone"],
                "drives": [
                    {
                        "id": str(d["id"]),
                        "status": d["status"],
                        "status_label": self.t(f"desk.status.{d['status']}"),
                        "colour": STATUS_COLOURS.get(d["status"], "gray"),
                        "trim": row_name(d, "trim_name", self.language),
                        "date": self.fmt_time(datetime.fromisoformat(d["starts_at"])),
                        "order_number": d["order_number"] or "",
                        "order_href": routes.order_page(d["order_id"]) if d["order_id"] else "",
                        "can_order": d["status"] == "completed" and not d["order_id"],
                    }
                    for d in lead["drives"]
                ],
            }
            for lead in self._leads
        ]

    def _fetch(self) -> None:
        with session_scope() as session:
            principal = self._principal(Role.DEALER)
            found = drive_orders.list_leads(
                session,
                principal,
                search=self.search,
                status="" if self.status == ALL else self.status,
                page=self.page,
                page_size=PAGE_SIZE,
            )
        self._leads, self.total = found["leads"], found["total"]

    def _empty(self) -> None:
        self._leads, self.total = [], 0

    @rx.event
    def load(self):
        yield from self._reload()

    @rx.event
    def set_status(self, status: str):
        self.status = status
        self.page = 1
        yield from self._reload()

    @rx.event
    def order(self, drive_id: str):
        if not drive_id.isdigit() or self.ordering:
            return
        self.ordering = int(drive_id)
        yield
        try:
            with session_scope() as session:
                principal = self._principal(Role.DEALER)
                placed = drive_orders.order_from_drive(session, principal, int(drive_id))
            start_processing(placed)
        except drive_orders.AlreadyOrdered as error:
            self.ordering = 0
            self._fetch()
            yield rx.toast.error(self.t(error.code, number=str(error.params.get("number", ""))))
            return
        except DomainError as error:
            self.ordering = 0
            yield self._denied(error)
            return
        self.ordering = 0
        self._fetch()
        yield rx.toast.success(self.t("desk.order_placed", number=placed.order.number))
