"""The shipment page (/shipments/[shipment_id], kept live by portal/live_updates.py) and the public
tracking page (/track).

State holds the shipment as plain JSON-ready data (services/logistics/page_view.py); computed vars
format it in the viewer's language and time zone and build the offline map (state/shared/geo.py).
Every read is scoped by services.logistics.views: a customer its own vehicle, a dealer its stores',
managers all; anyone else gets "not found" like a shipment that does not exist.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import reflex as rx
from babel.dates import format_date

from models import Role
from models.db import session_scope
from services.i18n import KEYS
from services.i18n.names import city_label, row_name
from services.logistics import dealer_steps, page_view
from services.logistics.public_limits import take_public_lookup
from services.platform.errors import DomainError, NotFound, PermissionDenied
from services.platform.formatting import locale_for
from state.logistics.shipment_watchers import WATCHERS
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.geo import MapPoint, MapRoute, MapView, geo_figure
from state.shared.timeline import TimelineRow, timeline_row

SHIPMENT_ROLES = (Role.CUSTOMER, Role.DEALER, Role.MANAGER, Role.ADMIN)
STATUS_COLOURS = {
    "pending": "gray",
    "info_received": "gray",
    "in_transit": "blue",
    "at_hub": "indigo",
    "out_for_delivery": "cyan",
    "delivery_failed": "orange",
    "exception": "red",
    "delivered": "grass",
    "handed_over": "green",
    "returned": "orange",
    "unknown": "gray",
}


LOOKUP_TYPED = 200  # what a lookup field keeps as typed (each limit is lower, checked by lookup)


class GoodsRow(TypedDict):
    code: str
    name: str
    kind: str
    quantity: str


class ChecklistRow(TypedDict):
    item: str
    label: str
    checked: bool


def _shipment_id_from_path(path: str) -> int | None:
    reference = path.rstrip("/").rsplit("/", 1)[-1]
    return int(reference) if reference.isdigit() and len(reference) < 10 else None


class TrackingFormatMixin(rx.State, mixin=True):
    """Labels shared by the shipment page and the public page (mixed into AuthState subclasses)."""

    def _label(self, key: str, fallback: str = "") -> str:
        return self.t(key) if key in KEYS else fallback

    def _status_label(self, status: str | None) -> str:
        return self._label(f"shipment.tracking.{status}", status or "")

    def _date(self, moment: str | None) -> str:
        if not moment:
            return ""
        local = datetime.fromisoformat(moment).astimezone(ZoneInfo(self.time_zone or "UTC"))
        return format_date(local.date(), format="medium", locale=locale_for(self.language))

    def _eta(self, shipment: dict) -> dict[str, str]:
        if not shipment:
            return {}
        status = shipment["status"]
        done = status in ("delivered", "handed_over")
        at_risk = bool(shipment.get("promise_at_risk")) and not done
        return {
            "status": status,
            "status_label": self._status_label(status),
            "colour": STATUS_COLOURS.get(status, "gray"),
            "reason": self._label(f"shipment.reason.{shipment['exception_reason']}")
            if shipment.get("exception_reason")
            else "",
            "eta": self._date(shipment.get("eta")),
            "range": self.t(
                "shipment.eta_range",
                earliest=self._date(shipment.get("eta_earliest")),
                latest=self._date(shipment.get("eta_latest")),
            )
            if shipment.get("eta_earliest") and shipment.get("eta_latest") and not done
            else "",
            "eta_label": self.t("shipment.arrived_on" if done else "shipment.eta"),
            "promised": self._date(shipment.get("promised_at")),
            "at_risk": "1" if at_risk else "",
            "tracking_number": shipment.get("tracking_number") or "",
        }

    def _place_text(self, event: dict) -> str:
        locality = city_label(event.get("locality"), self.language)
        return ", ".join(part for part in (locality, event.get("country")) if part)

    def _public_rows(self, events: list[dict]) -> list[TimelineRow]:
        return [
            timeline_row(
                at=self.fmt_time(event["occurred_at"]),
                status=event["status"],
                title=self.t(f"shipment.step.{event['step']}")
                if event.get("step") in dealer_steps.STEPS
                else self._status_label(event["status"]),
                cause=self._place_text(event),
            )
            for event in events
        ]


class ShipmentState(TrackingFormatMixin, AuthState):
    """/shipments/[shipment_id]: one shipment's vehicle or parts, status, ETA, timeline and map, and
    (the receiving dealer) the steps at the store."""

    _view: dict = {}
    loading: bool = True
    recording: bool = False
    checklist: list[str] = []
    signature_name: str = ""
    step_error: str = ""

    @rx.var
    def shipment_id(self) -> int:
        return int(self._view.get("shipment", {}).get("id", 0))

    @rx.var
    def header(self) -> dict[str, str]:
        view = self._view
        if not view:
            return {}
        shipment = view["shipment"]
        vehicle = next((line for line in view["goods"] if line["kind"] == "trim"), None)
        destination = view.get("destination") or {}
        origin = view.get("origin") or {}
        return self._eta(shipment) | {
            "title": row_name(vehicle, "name", self.language) if vehicle else self.t("shipment.parts_title"),
            "vin": shipment.get("vin") or "",
            "trim": vehicle["code"] if vehicle else "",
            "order_number": shipment.get("order_number") or "",
            "order_href": routes.order_page(shipment["order_id"]),
            "from": row_name(origin, "name", self.language),
            "to": row_name(destination, "name", self.language),
            "carrier": (shipment.get("carrier") or "").upper(),
            "last_event": self.fmt_time(shipment.get("last_event_at")),
        }

    @rx.var
    def goods(self) -> list[GoodsRow]:
        return [
            {
                "code": line["code"],
                "name": row_name(line, "name", self.language),
                "kind": self.t(f"cart.kind.{line['kind']}"),
                "quantity": self.fmt_number(line["quantity"]),
            }
            for line in self._view.get("goods", [])
        ]

    @rx.var
    def timeline(self) -> list[TimelineRow]:
        """Oldest first: carrier events with their leg and the carrier's own code and text, the
        OEM's milestones, the dealer's steps."""
        rows = []
        for event in self._view.get("timeline", []):
            if event["source"] == "dealer":
                title = self.t(f"shipment.step.{event['raw_code']}")
                detail = (
                    self.t("shipment.signed_by", name=event["raw_text"])
                    if event["raw_code"] == dealer_steps.HANDED_OVER
                    else self.t("shipment.pdi_checked")
                    if event["raw_code"] == dealer_steps.PDI_DONE
                    else ""
                )
                rows.append(
                    timeline_row(
                        at=self.fmt_time(event["occurred_at"]),
                        status=event["status"],
                        title=title,
                        cause=self.t("shipment.by_dealer"),
                        detail=detail,
                    )
                )
                continue
            leg = event.get("leg_sequence")
            cause = self._place_text(event)
            if event.get("exception_reason"):
                reason = self._label(f"shipment.reason.{event['exception_reason']}")
                cause = " · ".join(part for part in (reason, cause) if part)
            rows.append(
                timeline_row(
                    at=self.fmt_time(event["occurred_at"]),
                    status=event["status"],
                    title=self._status_label(event["status"]),
                    change=self.t("shipment.leg", sequence=leg) if leg else "",
                    cause=cause,
                    detail=event.get("raw_text") or "",
                    code=f"{event['carrier'].upper()} {event['raw_code']}",
                )
            )
        return rows

    @rx.var
    def has_position(self) -> bool:
        return any(event.get("latitude") is not None for event in self._view.get("timeline", []))

    @rx.var
    def map_figure(self) -> go.Figure:
        """The route: origin, every located event in time order, then (dashed) on to the store;
        the last known position highlighted."""
        view = self._view
        if not view:
            return geo_figure(MapView())
        origin, destination = view.get("origin"), view.get("destination")
        located = [event for event in view["timeline"] if event.get("latitude") is not None]
        travelled = [(origin["latitude"], origin["longitude"])] if origin else []
        travelled += [(event["latitude"], event["longitude"]) for event in located]
        points = []
        if origin:
            points.append(
                MapPoint(origin["latitude"], origin["longitude"], row_name(origin, "name", self.language))
            )
        if destination:
            points.append(
                MapPoint(
                    destination["latitude"],
                    destination["longitude"],
                    row_name(destination, "name", self.language),
                )
            )
        routes_ = [MapRoute(travelled, self.t("shipment.travelled"))]
        if destination and travelled:
            routes_.append(
                MapRoute([travelled[-1], (destination["latitude"], destination["longitude"])], dashed=True)
            )
        if located:
            last = located[-1]
            label = f"{self._status_label(last['status'])} · {self._place_text(last)}"
            points.append(MapPoint(last["latitude"], last["longitude"], label, highlighted=True))
        elif origin:
            points.append(
                MapPoint(
                    origin["latitude"],
                    origin["longitude"],
                    row_name(origin, "name", self.language),
                    highlighted=True,
                )
            )
        return geo_figure(MapView(points=points, routes=routes_), height=360)

    # --- dealer steps -------------------------------------------------------------------

    @rx.var
    def next_step(self) -> str:
        if not self._view.get("records_steps"):
            return ""
        return self._view.get("next_step") or ""

    @rx.var
    def next_step_label(self) -> str:
        step = self.next_step
        return self.t(f"shipment.do.{step}") if step else ""

    @rx.var
    def steps_done_label(self) -> str:
        done = self._view.get("steps_done", [])
        return " → ".join(self.t(f"shipment.step.{step}") for step in done)

    @rx.var
    def checklist_rows(self) -> list[ChecklistRow]:
        return [
            {"item": item, "label": self.t(f"shipment.pdi.{item}"), "checked": item in self.checklist}
            for item in dealer_steps.PDI_CHECKLIST
        ]

    @rx.event
    def toggle_check(self, item: str, checked: bool):
        if item not in dealer_steps.PDI_CHECKLIST:
            return
        chosen = set(self.checklist) - {item}
        if checked:
            chosen.add(item)
        self.checklist = [entry for entry in dealer_steps.PDI_CHECKLIST if entry in chosen]
        self.step_error = ""

    @rx.event
    def set_signature_name(self, name: str):
        self.signature_name = name[: dealer_steps.SIGNATURE_MAX + 10]
        self.step_error = ""

    @rx.event
    def record_next_step(self):
        step = self.next_step
        if self.recording or not step or not self.shipment_id:
            return
        self.recording = True
        yield
        try:
            principal = self._principal(Role.DEALER)
            with session_scope() as session:
                dealer_steps.record_step(
                    session,
                    principal,
                    self.shipment_id,
                    step,
                    checklist=list(self.checklist),
                    signature_name=self.signature_name,
                )
                view = page_view.shipment_page(session, principal, self.shipment_id)
        except DomainError as error:
            self.recording = False
            self.step_error = self.t(error.code, **{k: str(v) for k, v in error.params.items()})
            yield rx.toast.error(self.step_error, id="step-error")
            return
        self.recording, self.step_error = False, ""
        self.checklist, self.signature_name = [], ""
        self.show(view)
        yield rx.toast.success(self.t("shipment.step_recorded", step=self.t(f"shipment.step.{step}")))

    # --- loading, and the live push ---------------------------------------------------

    def show(self, view: dict) -> None:
        """Show `view` (page_view.shipment_page); portal/live_updates.py calls `reload` instead."""
        self._view = view
        self.loading = False

    def reload(self) -> bool:
        """Read the shown shipment again with this viewer's scoping (the live push); False when
        the viewer may no longer see it. Blocking: run in a thread."""
        if not self.shipment_id:
            return False
        try:
            principal = self._principal(*SHIPMENT_ROLES)
            with session_scope() as session:
                self.show(page_view.shipment_page(session, principal, self.shipment_id))
        except (NotFound, PermissionDenied):
            return False
        return True

    @rx.event
    def load(self):
        """on_load: the shipment named in the address, if the viewer may see it; else a 404 page."""
        token = self.router.session.client_token
        shipment_id = _shipment_id_from_path(self.router.url.path)
        if shipment_id != self.shipment_id:
            self._view, self.loading = {}, True
            self.checklist, self.signature_name, self.step_error = [], "", ""
        try:
            principal = self._principal(*SHIPMENT_ROLES)
        except PermissionDenied:
            return None  # the access guard has already sent the viewer away
        try:
            if shipment_id is None:
                raise NotFound("shipment.not_found", field="shipment_id")
            with session_scope() as session:
                view = page_view.shipment_page(session, principal, shipment_id)
        except (NotFound, PermissionDenied):
            WATCHERS.forget(token)
            self._view, self.loading = {}, False
            return None
        self.show(view)
        WATCHERS.watch(token, shipment_id)
        return None

    @rx.event
    def stop_watching(self):
        WATCHERS.forget(self.router.session.client_token)


class TrackState(TrackingFormatMixin, AuthState):
    """/track: anyone with a tracking number AND either the delivery postcode or the order's last
    name sees the public timeline."""

    _result: dict = {}
    tracking_number: str = ""
    by: str = "postcode"  # which second field the visitor answers: "postcode" or "last_name"
    postcode: str = ""
    last_name: str = ""
    searching: bool = False
    message: str = ""
    errors: dict[str, str] = {}

    @rx.var
    def found(self) -> bool:
        return bool(self._result)

    @rx.var
    def summary(self) -> dict[str, str]:
        return self._eta(self._result)

    @rx.var
    def rows(self) -> list[TimelineRow]:
        return self._public_rows(self._result.get("timeline", []))

    @rx.event
    def set_tracking_number(self, value: str):
        self.tracking_number = value[:LOOKUP_TYPED]  # past the limit: refused by lookup, not cut
        self.errors = {}

    @rx.event
    def set_by(self, value: str | list[str]):
        chosen = value[0] if isinstance(value, list) and value else value
        self.by = "last_name" if chosen == "last_name" else "postcode"
        self.errors = {}

    @rx.event
    def set_postcode(self, value: str):
        self.postcode = value[:LOOKUP_TYPED]
        self.errors = {}

    @rx.event
    def set_last_name(self, value: str):
        self.last_name = value[:LOOKUP_TYPED]
        self.errors = {}

    @rx.event
    def lookup(self, form: dict | None = None):
        form = form or {}
        number = str(form.get("tracking_number", self.tracking_number)).strip()
        self.tracking_number = number
        errors = {}
        if not 4 <= len(number) <= 80 or not number.replace("-", "").isalnum():
            errors["tracking_number"] = self.t("track.number_required")
        postcode = last_name = None
        if self.by == "last_name":
            last_name = self.last_name = str(form.get("last_name", self.last_name)).strip()
            if not 1 <= len(last_name) <= 100:
                errors["last_name"] = self.t("track.last_name_required")
        else:
            postcode = self.postcode = str(form.get("postcode", self.postcode)).strip()
            if not 2 <= len(postcode) <= 20:
                errors["postcode"] = self.t("track.postcode_required")
        self.errors = errors
        if errors:
            return
        self.searching, self.message = True, ""
        yield
        try:
            take_public_lookup(self.router.session.client_ip or "")
            with session_scope() as session:
                self._result = page_view.public_page(session, number, postcode, last_name=last_name)
        except DomainError as error:
            self._result = {}
            self.message = self.t(error.code, **{k: str(v) for k, v in error.params.items()})
        self.searching = False
