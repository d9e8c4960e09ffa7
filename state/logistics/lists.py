"""/shipments (the shipments a dealer receives, or the whole network for managers, filtered and
paged) and /manager/exceptions (the managers' queue: services/logistics/exceptions.py)."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from models.logistics import TrackingStatus
from models.settings import get_settings
from services.catalog.lists import Page
from services.logistics import exceptions, views
from services.platform.errors import DomainError, ValidationFailed
from state.logistics.shipment import TrackingFormatMixin
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.paging import PAGE_SIZE, PagedMixin

ALL = "all"
LATE_CHOICES = ("all", "late", "on_time")


class ShipmentRow(TypedDict):
    id: int
    href: str
    tracking_number: str
    order_number: str
    vin: str
    carrier: str
    status: str
    reason: str
    eta: str
    promised: str
    late: bool
    at_risk: bool


class ShipmentListState(PagedMixin, TrackingFormatMixin, AuthState):
    status: str = ALL
    carrier: str = ALL
    late: str = ALL
    _shipments: list[dict] = []

    @rx.var
    def rows(self) -> list[ShipmentRow]:
        return [
            {
                "id": row["id"],
                "href": routes.shipment(row["id"]),
                "tracking_number": row["tracking_number"] or "",
                "order_number": row["order_number"] or "",
                "vin": row["vin"] or "",
                "carrier": (row["carrier"] or "").upper(),
                "status": self._status_label(row["status"]),
                "reason": self._label(f"shipment.reason.{row['exception_reason']}")
                if row["exception_reason"]
                else "",
                "eta": self._date(row["eta"]),
                "promised": self._date(row["promised_at"]),
                "late": row["late"],
                "at_risk": row["promise_at_risk"],
            }
            for row in self._shipments
        ]

    @rx.var
    def status_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("shipments.any_status")}] + [
            {"value": status.value, "label": self._status_label(status.value)} for status in TrackingStatus
        ]

    @rx.var
    def carrier_options(self) -> list[dict[str, str]]:
        return [{"value": ALL, "label": self.t("shipments.any_carrier")}] + [
            {"value": name, "label": name.upper()} for name in sorted(get_settings().carriers)
        ]

    @rx.var
    def late_options(self) -> list[dict[str, str]]:
        return [{"value": choice, "label": self.t(f"shipments.late.{choice}")} for choice in LATE_CHOICES]

    def _fetch(self) -> None:
        principal = self._principal(Role.DEALER, Role.MANAGER, Role.ADMIN, Role.CUSTOMER)
        with session_scope() as session:
            items, self.total = views.list_shipments(
                session,
                principal,
                Page(self.page, PAGE_SIZE),
                carrier=None if self.carrier == ALL else self.carrier,
                status=None if self.status == ALL else self.status,
                late=None if self.late == ALL else self.late == "late",
                query=self.search.strip() or None,
            )
        self._shipments = [
            {
                "id": item.id,
                "tracking_number": item.tracking_number,
                "order_number": item.order_number,
                "vin": item.vin,
                "carrier": item.carrier,
                "status": item.status,
                "exception_reason": item.exception_reason,
                "eta": item.eta.isoformat() if item.eta else None,
                "promised_at": item.promised_at.isoformat() if item.promised_at else None,
                "late": item.late,
                "promise_at_risk": item.promise_at_risk,
            }
            for item in items
        ]

    def _empty(self) -> None:
        self._shipments, self.total = [], 0

    def _refilter(self):
        self.page = 1
        yield from self._reload()

    @rx.event
    def load(self):
        self.page = 1
        yield from self._reload()

    @rx.event
    def set_status(self, value: str):
        self.status = value
        yield from self._refilter()

    @rx.event
    def set_carrier(self, value: str):
        self.carrier = value
        yield from self._refilter()

    @rx.event
    def set_late(self, value: str):
        self.late = value if value in LATE_CHOICES else ALL
        yield from self._refilter()


class QueueRow(TypedDict):
    shipment_id: int
    href: str
    tracking_number: str
    order_number: str
    carrier: str
    lane: str
    kind: str
    kind_key: str
    status: str
    actor: str
    since: str
    promised: str
    eta: str
    acknowledged: str


class ExceptionsState(TrackingFormatMixin, AuthState):
    loading: bool = True
    ack_shipment_id: int = 0
    ack_label: str = ""
    ack_open: bool = False
    note_error: str = ""
    _entries: list[dict] = []

    @rx.var
    def rows(self) -> list[QueueRow]:
        return [
            {
                "shipment_id": entry["shipment_id"],
                "href": routes.shipment(entry["shipment_id"]),
                "tracking_number": entry["tracking_number"] or "",
                "order_number": entry["order_number"] or "",
                "carrier": (entry["carrier"] or "").upper(),
                "lane": entry["lane"] or "",
                "kind": self.t(f"exceptions.kind.{entry['kind']}")
                + (f" · {self._label('shipment.reason.' + entry['reason'])}" if entry["reason"] else ""),
                "kind_key": entry["kind"],
                "status": self._status_label(entry["status"]),
                "actor": self.t(f"exceptions.actor.{entry['actor']}"),
                "since": self.fmt_time(entry["since"]),
                "promised": self._date(entry["promised_at"]),
                "eta": self._date(entry["eta"]),
                "acknowledged": self.t(
                    "exceptions.acknowledged",
                    who=entry["acknowledged_by"],
                    when=self.fmt_time(entry["acknowledged_at"]),
                    note=entry["acknowledged_note"],
                )
                if entry["acknowledged_by"]
                else "",
            }
            for entry in self._entries
        ]

    @rx.var
    def count_label(self) -> str:
        return self.t("exceptions.count", count=len(self._entries), total=self.fmt_number(len(self._entries)))

    def _fetch(self) -> None:
        principal = self._principal(Role.MANAGER, Role.ADMIN)
        with session_scope() as session:
            entries = exceptions.exceptions_queue(session, principal)
        self._entries = [
            {
                "shipment_id": entry.shipment_id,
                "tracking_number": entry.tracking_number,
                "order_number": entry.order_number,
                "carrier": entry.carrier,
                "lane": entry.lane,
                "kind": entry.kind,
                "reason": entry.reason,
                "status": entry.status,
                "actor": entry.actor,
                "since": entry.since.isoformat(),
                "promised_at": entry.promised_at.isoformat() if entry.promised_at else None,
                "eta": entry.eta.isoformat() if entry.eta else None,
                "acknowledged_by": entry.acknowledged_by,
                "acknowledged_at": entry.acknowledged_at.isoformat() if entry.acknowledged_at else None,
                "acknowledged_note": entry.acknowledged_note,
            }
            for entry in entries
        ]

    @rx.event
    def load(self):
        self.loading = True
        yield
        try:
            self._fetch()
        except DomainError as error:
            self._entries = []
            yield self._denied(error)
        self.loading = False

    @rx.event
    def open_acknowledge(self, shipment_id: int, label: str):
        self.ack_shipment_id, self.ack_label, self.note_error, self.ack_open = (
            int(shipment_id),
            label,
            "",
            True,
        )

    @rx.event
    def set_ack_open(self, is_open: bool):
        self.ack_open = is_open

    @rx.event
    def acknowledge(self, form_data: dict):
        try:
            principal = self._principal(Role.MANAGER, Role.ADMIN)
            with session_scope() as session:
                exceptions.acknowledge(
                    session, principal, self.ack_shipment_id, str(form_data.get("note", ""))
                )
        except ValidationFailed as error:
            self.note_error = self.t(error.code, **error.params)
            return
        except DomainError as error:
            yield self._denied(error)
            return
        self.ack_open = False
        yield rx.toast.success(self.t("exceptions.taken", shipment=self.ack_label))
        self._fetch()
