"""The dealer's test-drive desk: the calendar of one of its stores (day or week; a row per demo car
and per salesperson, time across in the store's zone), the drive panel with its actions
(check-in, check-out, no-show, move) and walk-ins. Kept live by portal/live_updates.py through
state/showroom/desk_watchers.py. Every read and action goes through services/showroom, which
scopes it to the dealer's own stores."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo

import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import row_name
from services.platform.errors import DomainError, FieldErrors, NotFound, PermissionDenied
from services.platform.formatting import format_day_range, format_weekday_date, format_weekday_short
from services.showroom import dealer_desk, desk_calendar
from services.showroom.booking import SlotTaken
from state.shared.auth import AuthState
from state.showroom.desk_watchers import WATCHERS

DEFAULT_WINDOW = (8, 20)  # the calendar's local hours each day, when the store names none
STATUS_COLOURS = {
    "booked": "blue",
    "checked_in": "amber",
    "completed": "grass",
    "no_show": "red",
    "cancelled": "gray",
}


class Block(TypedDict):
    id: str
    kind: str  # drive | buffer | hold
    left: str
    width: str
    colour: str
    label: str


class CalendarRow(TypedDict):
    key: str
    kind: str
    label: str
    blocks: list[Block]


class Tick(TypedDict):
    left: str
    label: str


class ListItem(TypedDict):
    id: str
    time: str
    label: str
    detail: str
    status: str
    status_label: str
    colour: str


def _number(text: str) -> int | str:
    text = (text or "").strip()
    return int(text) if text.isdigit() else text


class DeskState(AuthState):
    """/dealer/test-drives."""

    stores: list[dict[str, str]] = []
    store_id: str = ""
    view: str = "day"
    day: str = ""
    _data: dict = {}
    loading: bool = True
    selected_id: int = 0
    panel_open: bool = False
    licence_seen: bool = False
    odometer_out: str = ""
    energy_out: str = ""
    odometer_in: str = ""
    energy_in: str = ""
    notes: str = ""
    move_car: str = ""
    move_person: str = ""
    errors: dict[str, str] = {}
    walk_in_open: bool = False
    walk_in_trim: str = ""
    walk_in: dict[str, str] = {}

    # --- display -------------------------------------------------------------------------

    def _zone(self) -> ZoneInfo:
        return ZoneInfo(self._data.get("store", {}).get("zone") or "UTC")

    def _window(self) -> tuple[int, int]:
        window = self._data.get("window") or DEFAULT_WINDOW
        return int(window[0]), int(window[1])

    def _days(self) -> int:
        return 7 if self.view == "week" else 1

    @rx.var
    def zone_label(self) -> str:
        zone = self._data.get("store", {}).get("zone")
        return self.t("desk.times_in", zone=zone) if zone else ""

    @rx.var
    def range_label(self) -> str:
        if not self.day:
            return ""
        first = date.fromisoformat(self.day)
        if self.view == "day":
            return format_weekday_date(first, self.language)
        return format_day_range(first, first + timedelta(days=6), self.language)

    @rx.var
    def store_options(self) -> list[dict[str, str]]:
        return [{"value": s["id"], "label": row_name(s, "name", self.language)} for s in self.stores]

    @rx.var
    def store_name(self) -> str:
        """The name of the store the calendar shows (and a walk-in is booked at)."""
        return next((row_name(s, "name", self.language) for s in self.stores if s["id"] == self.store_id), "")

    @rx.var
    def view_options(self) -> list[dict[str, str]]:
        return [{"value": v, "label": self.t(f"desk.view.{v}")} for v in ("day", "week")]

    def _position(self, start: datetime, end: datetime) -> tuple[float, float] | None:
        if not self.day:
            return None
        zone, first = self._zone(), date.fromisoformat(self.day)
        first_hour, last_hour = self._window()
        span = (last_hour - first_hour) * 60
        total = span * self._days()

        def minute(moment: datetime) -> float:
            local = moment.astimezone(zone)
            index = (local.date() - first).days
            inside = (local.hour - first_hour) * 60 + local.minute
            return index * span + min(max(inside, 0), span)

        left, right = minute(start), minute(end)
        if right <= left or right <= 0 or left >= total:
            return None
        return left / total * 100, (right - left) / total * 100

    def _block(self, kind: str, ident: str, start: str, end: str, colour: str, label: str) -> Block | None:
        place = self._position(datetime.fromisoformat(start), datetime.fromisoformat(end))
        if place is None:
            return None
        return {
            "id": ident,
            "kind": kind,
            "left": f"{place[0]:.3f}%",
            "width": f"{place[1]:.3f}%",
            "colour": colour,
            "label": label,
        }

    def _blocks(self, field: str, resource_id: int) -> list[Block]:
        blocks: list[Block] = []
        for drive in self._data.get("drives", []):
            if drive[field] != resource_id or drive["status"] == "cancelled":
                continue
            colour = STATUS_COLOURS.get(drive["status"], "gray")
            ident = str(drive["id"])
            label = f"{drive['visitor_name']} · {drive['trim']}"
            for block in (
                self._block("drive", ident, drive["starts_at"], drive["drive_ends_at"], colour, label),
                self._block("buffer", ident, drive["drive_ends_at"], drive["ends_at"], colour, ""),
            ):
                if block is not None:
                    blocks.append(block)
        for hold in self._data.get("holds", []):
            if hold[field] == resource_id:
                block = self._block(
                    "hold", "", hold["starts_at"], hold["ends_at"], "gray", self.t("desk.held")
                )
                if block is not None:
                    blocks.append(block)
        return blocks

    @rx.var
    def rows(self) -> list[CalendarRow]:
        rows: list[CalendarRow] = []
        for car in self._data.get("cars", []):
            rows.append(
                {
                    "key": f"car-{car['id']}",
                    "kind": self.t("desk.car"),
                    "label": f"{car['plate']} · {car['trim']}",
                    "blocks": self._blocks("car_id", car["id"]),
                }
            )
        for person in self._data.get("salespeople", []):
            rows.append(
                {
                    "key": f"person-{person['id']}",
                    "kind": self.t("desk.salesperson"),
                    "label": person["name"],
                    "blocks": self._blocks("salesperson_id", person["id"]),
                }
            )
        return rows

    @rx.var
    def grid_lines(self) -> str:
        """The timeline's vertical lines: one per day (week) or per two hours (day)."""
        first_hour, last_hour = self._window()
        parts = 7 if self.view == "week" else max(1, (last_hour - first_hour) / 2)
        cell = f"calc(100% / {parts})"
        return (
            f"repeating-linear-gradient(90deg, transparent 0 calc({cell} - 1px), "
            f"var(--gray-4) calc({cell} - 1px) {cell})"
        )

    @rx.var
    def ticks(self) -> list[Tick]:
        if not self.day:
            return []
        first_hour, last_hour = self._window()
        days, span = self._days(), last_hour - first_hour
        first = date.fromisoformat(self.day)
        if days == 1:
            return [
                {"left": f"{(h - first_hour) / span * 100:.3f}%", "label": f"{h:02d}:00"}
                for h in range(first_hour, last_hour, 2)
            ]
        return [
            {
                "left": f"{d / days * 100:.3f}%",
                "label": format_weekday_short(first + timedelta(days=d), self.language),
            }
            for d in range(days)
        ]

    def _local(self, iso: str, with_day: bool = False) -> str:
        local = datetime.fromisoformat(iso).astimezone(self._zone())
        clock = local.strftime("%H:%M")
        return f"{format_weekday_short(local.date(), self.language)} {clock}" if with_day else clock

    @rx.var
    def list_items(self) -> list[ListItem]:
        week = self.view == "week"
        return [
            {
                "id": str(d["id"]),
                "time": f"{self._local(d['starts_at'], week)}–{self._local(d['drive_ends_at'])}",
                "label": f"{d['visitor_name']} · {row_name(d, 'trim_name', self.language)}",
                "detail": f"{d['car']} · {d['salesperson']}",
                "status": d["status"],
                "status_label": self.t(f"desk.status.{d['status']}"),
                "colour": STATUS_COLOURS.get(d["status"], "gray"),
            }
            for d in self._data.get("drives", [])
        ]

    def _selected(self) -> dict:
        return next((d for d in self._data.get("drives", []) if d["id"] == self.selected_id), {})

    @rx.var
    def selected(self) -> dict[str, str]:
        drive = self._selected()
        if not drive:
            return {}
        return {
            "id": str(drive["id"]),
            "visitor": drive["visitor_name"],
            "contact": f"{drive['visitor_phone']} · {drive['visitor_email']}",
            "trim": row_name(drive, "trim_name", self.language),
            "car": drive["car"],
            "salesperson": drive["salesperson"],
            "time": f"{self._local(drive['starts_at'], True)}–{self._local(drive['drive_ends_at'])}",
            "status": drive["status"],
            "status_label": self.t(f"desk.status.{drive['status']}"),
            "colour": STATUS_COLOURS.get(drive["status"], "gray"),
            "notes": drive["notes"] or "",
        }

    @rx.var
    def car_options(self) -> list[dict[str, str]]:
        drive = self._selected()
        return [
            {"value": str(c["id"]), "label": f"{c['plate']} · {c['trim']}"}
            for c in self._data.get("cars", [])
            if drive and c["trim"] == drive["trim"] and c["id"] != drive["car_id"]
        ]

    @rx.var
    def person_options(self) -> list[dict[str, str]]:
        drive = self._selected()
        return [
            {"value": str(p["id"]), "label": p["name"]}
            for p in self._data.get("salespeople", [])
            if drive and p["id"] != drive["salesperson_id"]
        ]

    @rx.var
    def trim_options(self) -> list[dict[str, str]]:
        codes = sorted({c["trim"] for c in self._data.get("cars", [])})
        return [{"value": code, "label": code} for code in codes]

    # --- loading -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the calendar (blocking; also called by the live push under this tab's lock)."""
        if not self.store_id.isdigit() or not self.day:
            return
        with session_scope() as session:
            principal = self._principal(Role.DEALER)
            self._data = desk_calendar.calendar_view(
                session, principal, int(self.store_id), date.fromisoformat(self.day), self._days()
            )

    @rx.event
    def load(self):
        self.loading = True
        yield
        try:
            with session_scope() as session:
                principal = self._principal(Role.DEALER)
                self.stores = [
                    {"id": str(s["id"]), "name": s["name"], "name_zh": s["name_zh"]}
                    for s in desk_calendar.own_stores(session, principal)
                ]
            if self.store_id not in {s["id"] for s in self.stores}:
                self.store_id = self.stores[0]["id"] if self.stores else ""
            if not self.day:
                self.day = datetime.now(ZoneInfo(self.time_zone or "UTC")).date().isoformat()
            self.refresh()
            if self.store_id:
                WATCHERS.watch(self.router.session.client_token, int(self.store_id))
        except (PermissionDenied, NotFound):
            self._data = {}
        self.loading = False

    @rx.event
    def leave(self):
        WATCHERS.forget(self.router.session.client_token)

    @rx.event
    def set_store(self, store_id: str):
        self.store_id = store_id
        yield from self.load()

    @rx.event
    def set_view(self, view: str):
        self.view = "week" if view == "week" else "day"
        yield from self.load()

    @rx.event
    def shift(self, steps: int):
        base = date.fromisoformat(self.day) if self.day else date.today()
        self.day = (base + timedelta(days=steps * self._days())).isoformat()
        yield from self.load()

    @rx.event
    def today(self):
        self.day = ""
        yield from self.load()

    # --- the drive panel -----------------------------------------------------------------

    @rx.event
    def open_drive(self, drive_id: str):
        if not drive_id.isdigit():
            return
        self.selected_id = int(drive_id)
        drive = self._selected()
        self.licence_seen = False
        self.odometer_out = str(drive.get("odometer_out_km") or "")
        self.energy_out = self.odometer_in = self.energy_in = self.notes = ""
        self.move_car = self.move_person = ""
        self.errors = {}
        self.panel_open = True

    @rx.event
    def set_panel_open(self, open_: bool):
        self.panel_open = open_

    @rx.event
    def set_licence_seen(self, value: bool):
        self.licence_seen = value

    @rx.event
    def set_field(self, name: str, value: str):
        if name in (
            "odometer_out",
            "energy_out",
            "odometer_in",
            "energy_in",
            "notes",
            "move_car",
            "move_person",
        ):
            setattr(self, name, value[:20_000])  # kept as typed; the service refuses past its limits

    def _act(self, action, success_key: str):
        self.errors = {}
        try:
            with session_scope() as session:
                principal = self._principal(Role.DEALER)
                action(session, principal)
        except DomainError as error:
            message = self.t(error.code, **{k: str(v) for k, v in error.params.items()})
            if error.field:
                self.errors = {error.field: message}
            return rx.toast.error(message)
        self.refresh()
        self.panel_open = False
        return rx.toast.success(self.t(success_key))

    @rx.event
    def check_in(self):
        return self._act(
            lambda session, p: dealer_desk.check_in(
                session,
                p,
                self.selected_id,
                licence_seen=self.licence_seen,
                odometer_out_km=_number(self.odometer_out),
                energy_out_percent=_number(self.energy_out),
            ),
            "desk.checked_in",
        )

    @rx.event
    def check_out(self):
        return self._act(
            lambda session, p: dealer_desk.check_out(
                session,
                p,
                self.selected_id,
                odometer_in_km=_number(self.odometer_in),
                energy_in_percent=_number(self.energy_in),
                notes=self.notes,
            ),
            "desk.checked_out",
        )

    @rx.event
    def no_show(self):
        return self._act(
            lambda session, p: dealer_desk.mark_no_show(session, p, self.selected_id), "desk.no_show"
        )

    @rx.event
    def move(self):
        car = int(self.move_car) if self.move_car.isdigit() else None
        person = int(self.move_person) if self.move_person.isdigit() else None
        if car is None and person is None:
            self.errors = {"car_id": self.t("desk.move_pick")}
            return rx.toast.error(self.t("desk.move_pick"))
        return self._act(
            lambda session, p: dealer_desk.move(
                session, p, self.selected_id, car_id=car, salesperson_id=person
            ),
            "desk.moved",
        )

    # --- walk-ins ------------------------------------------------------------------------

    @rx.event
    def open_walk_in(self):
        self.walk_in = {}
        self.walk_in_trim = self.trim_options[0]["value"] if self.trim_options else ""
        self.errors = {}
        self.walk_in_open = True

    @rx.event
    def set_walk_in_open(self, open_: bool):
        self.walk_in_open = open_

    @rx.event
    def set_walk_in_trim(self, code: str):
        self.walk_in_trim = code

    @rx.event
    def set_walk_in_field(self, name: str, value: str):
        self.walk_in = {**self.walk_in, name: value[:254]}

    @rx.event
    def book_walk_in(self):
        self.errors = {}
        try:
            with session_scope() as session:
                principal = self._principal(Role.DEALER)
                dealer_desk.walk_in(
                    session,
                    principal,
                    trim=self.walk_in_trim,
                    visitor=dict(self.walk_in),
                    store=self.store_id,  # the store the calendar shows
                )
        except SlotTaken:
            self.errors = {"starts_at": self.t("desk.walk_in_none_free")}
            return rx.toast.error(self.t("desk.walk_in_none_free"))
        except DomainError as error:
            refused = error.errors if isinstance(error, FieldErrors) else [error]
            messages = {}
            for item in refused:  # every bad field of the visitor at once, each under its field
                messages.setdefault(
                    item.field or "form", self.t(item.code, **{k: str(v) for k, v in item.params.items()})
                )
            self.errors = messages
            return rx.toast.error(next(iter(messages.values())))
        self.walk_in_open = False
        self.refresh()
        return rx.toast.success(self.t("desk.walk_in_booked"))
