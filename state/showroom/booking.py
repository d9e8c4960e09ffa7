"""The visitor's test-drive booking (/test-drive/book) and manage page (/test-drive/manage): no login.

A signed-in user keeps their frame; a visitor sees the public one. Slots are shown in the dealer's
local time with its zone named, and in the visitor's own zone beside them when the browser's zone
differs. Choosing a slot holds it for `test_drive_hold_minutes`, with a countdown; the form then
confirms the hold (services/showroom/booking.py). The pure helpers at the top are what the unit
tests check: grouping slots by the dealer's local day (DST included) and the countdown's expiry.
"""

from __future__ import annotations

import asyncio
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import TypedDict
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import reflex as rx
from sqlmodel import Session, select

from models import Trim, VehicleModel
from models.db import session_scope
from models.inventory import Location
from models.showroom import DemoCar, Salesperson, ShowroomStore, TestDriveStatus
from models.types import utcnow
from services.platform.errors import DomainError, FieldErrors, PermissionDenied
from services.showroom import availability, booking
from services.showroom.booking import SlotTaken
from services.showroom.manage_links import LinkGone
from services.showroom.stores import StoreRules, store_rules
from state.shared import routes
from state.shared.auth import AuthState

DAYS_AHEAD = 14
VISITOR_FIELDS = ("visitor_name", "phone", "email", "licence_number", "licence_expires_on")


class SlotOption(TypedDict):
    """One free start as a button shows it."""

    starts_at: str  # ISO, UTC
    day: str  # the dealer's local day, YYYY-MM-DD
    label: str  # HH:MM in the dealer's zone
    viewer_label: str  # HH:MM in the visitor's zone, "" when it is the dealer's


class DayOption(TypedDict):
    day: str
    weekday: str
    label: str
    free: int


class Choice(TypedDict):
    value: str
    label: str


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def slot_option(starts_at: datetime, dealer_zone: str, viewer_zone: str | None = None) -> SlotOption:
    """A slot's start in the dealer's local time, and in the visitor's when their zone differs at
    that instant (same offset: nothing beside it)."""
    local = starts_at.astimezone(ZoneInfo(dealer_zone))
    viewer = _zone(viewer_zone)
    viewer_label = ""
    if viewer is not None and viewer_zone != dealer_zone:
        theirs = starts_at.astimezone(viewer)
        if theirs.utcoffset() != local.utcoffset():
            viewer_label = f"{theirs:%H:%M}" + ("" if theirs.date() == local.date() else f" ({theirs:%d.%m})")
    return {
        "starts_at": starts_at.astimezone(UTC).isoformat(),
        "day": local.date().isoformat(),
        "label": f"{local:%H:%M}",
        "viewer_label": viewer_label,
    }


def group_by_day(
    starts: list[datetime], dealer_zone: str, viewer_zone: str | None = None
) -> dict[str, list[SlotOption]]:
    """The starts grouped by the dealer's LOCAL day (not the UTC one), earliest first."""
    days: dict[str, list[SlotOption]] = {}
    for start in sorted(starts):
        option = slot_option(start, dealer_zone, viewer_zone)
        days.setdefault(option["day"], []).append(option)
    return days


def day_range(today: date, count: int = DAYS_AHEAD) -> list[date]:
    return [today + timedelta(days=n) for n in range(count)]


def seconds_left(expires_at: datetime | str | None, now: datetime) -> int:
    """Whole seconds until the hold expires (rounded up), 0 once it has."""
    if not expires_at:
        return 0
    moment = datetime.fromisoformat(expires_at) if isinstance(expires_at, str) else expires_at
    left = (moment - now).total_seconds()
    return 0 if left <= 0 else int(left) + (0 if left == int(left) else 1)


def countdown_label(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _first_name(full_name: str) -> str:
    return full_name.split()[0] if full_name.strip() else ""


def _int(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _trim_label(model: str, trim: str) -> str:
    """ "Aurora Long Range AWD", not "Aurora Aurora Long Range AWD" when the trim names its model."""
    return trim if trim.startswith(model) else f"{model} {trim}"


def _trim_choices(session: Session) -> list[Choice]:
    """Trims that some test-drive store has an active demo car of."""
    rows = session.exec(
        select(Trim, VehicleModel)
        .join(VehicleModel, VehicleModel.id == Trim.model_id)
        .where(Trim.id.in_(select(DemoCar.trim_id).where(DemoCar.active)))
        .order_by(VehicleModel.name, Trim.price)
    ).all()
    return [{"value": str(trim.id), "label": _trim_label(model.name, trim.name)} for trim, model in rows]


def _dealer_choices(session: Session, trim_id: int | None) -> list[Choice]:
    """Stores with an active demo car of the trim."""
    if trim_id is None:
        return []
    rows = session.exec(
        select(Location)
        .join(ShowroomStore, ShowroomStore.location_id == Location.id)
        .where(Location.id.in_(select(DemoCar.location_id).where(DemoCar.trim_id == trim_id, DemoCar.active)))
        .order_by(Location.city, Location.name)
    ).all()
    return [{"value": str(location.id), "label": f"{location.name} · {location.city}"} for location in rows]


def _car_label(session: Session, trim_id: int) -> str:
    row = session.exec(
        select(Trim, VehicleModel)
        .join(VehicleModel, VehicleModel.id == Trim.model_id)
        .where(Trim.id == trim_id)
    ).first()
    return _trim_label(row[1].name, row[0].name) if row else ""


def _address(session: Session, location_id: int) -> str:
    location = session.get(Location, location_id)
    return f"{location.name}, {location.address}, {location.city}" if location else ""


class _PublicState(AuthState):
    """Who is looking (a signed-in user keeps their frame), never sending anyone away."""

    checked: bool = False
    viewer_zone: str = ""

    def _identify(self) -> None:
        with session_scope() as session:
            principal = self._resolve(session)
        if principal is None:
            self._forget()
        else:
            self._remember(principal)
            self.allowed = True
        self.checked = True

    def _error_text(self, error: DomainError) -> str:
        params = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in error.params.items()}
        return self.t(error.code, **params)

    def _show_days(self, starts: list[datetime], days: list[date], zone: str) -> None:
        """The free `starts` as the page's day strip over `days` (in the dealer's `zone`); the
        chosen day moves to the first one with a free slot when it has none. The subclass holds
        `_starts`, `days` and `day`."""
        self._starts = [start.isoformat() for start in starts]
        grouped = group_by_day(starts, zone)
        self.days = [
            {
                "day": day.isoformat(),
                "weekday": self.t(f"test_drive.weekday.{day.weekday()}"),
                "label": f"{day:%d.%m}",
                "free": len(grouped.get(day.isoformat(), [])),
            }
            for day in days
        ]
        if self.day not in grouped:
            self.day = next((d["day"] for d in self.days if d["free"]), days[0].isoformat())


class BookingState(_PublicState):
    trim_id: str = ""
    dealer_id: str = ""
    trims: list[Choice] = []
    dealers: list[Choice] = []
    car: str = ""
    dealer_name: str = ""
    dealer_address: str = ""
    dealer_zone: str = ""
    _starts: list[str] = []
    days: list[DayOption] = []
    day: str = ""
    loading: bool = True
    missing: str = ""  # a not-found trim or dealer, as a message
    # The hold.
    held_start: str = ""
    held_label: str = ""
    hold_seconds: int = 0
    hold_expired: bool = False
    holding: bool = False
    _hold_id: int = 0
    _hold_token: str = ""
    _hold_expires: str = ""
    _visitor_token: str = ""
    _idempotency_key: str = ""
    # The form and its outcome.
    errors: dict[str, str] = {}
    form_error: str = ""
    taken_message: str = ""
    alternatives: list[SlotOption] = []
    submitting: bool = False
    confirmed: dict[str, str] = {}

    @rx.var
    def shows_viewer_zone(self) -> bool:
        return bool(self.viewer_zone) and self.viewer_zone != self.dealer_zone

    @rx.var
    def day_slots(self) -> list[SlotOption]:
        zone = self.dealer_zone
        if not zone:
            return []
        starts = [datetime.fromisoformat(start) for start in self._starts]
        return group_by_day(starts, zone, self.viewer_zone).get(self.day, [])

    @rx.var
    def countdown(self) -> str:
        return countdown_label(self.hold_seconds)

    @rx.var
    def has_hold(self) -> bool:
        return self._hold_id > 0 and not self.hold_expired

    @rx.event
    def load(self):
        """on_load: who is looking, the trim and dealer from the address, their free slots; and the
        browser's time zone."""
        self.reset()
        self._identify()
        query = self.router.url.query_parameters
        self.trim_id = str(query.get("trim", "") or "")
        self.dealer_id = str(query.get("dealer", "") or "")
        self._visitor_token = secrets.token_urlsafe(24)
        self._load_choices()
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=BookingState.set_viewer_zone
        )

    @rx.event
    def set_viewer_zone(self, zone: str):
        self.viewer_zone = zone if isinstance(zone, str) and _zone(zone) is not None else ""

    def _load_choices(self) -> None:
        self.loading = True
        self.missing = ""
        trim_id, dealer_id = _int(self.trim_id), _int(self.dealer_id)
        with session_scope() as session:
            self.trims = _trim_choices(session)
            if trim_id is not None and session.get(Trim, trim_id) is None:
                self.missing = self.t("showroom.trim_not_found")
                trim_id = None
            self.dealers = _dealer_choices(session, trim_id)
            if dealer_id is not None and str(dealer_id) not in {d["value"] for d in self.dealers}:
                if self.trim_id and trim_id is not None:
                    self.missing = self.t("showroom.dealer_not_found")
                dealer_id = None
            self._starts, self.days = [], []
            if trim_id is not None and dealer_id is not None:
                rules = store_rules(session, dealer_id)
                self._load_slots(session, rules, trim_id)
                self.car = _car_label(session, trim_id)
                self.dealer_name = rules.name
                self.dealer_address = _address(session, dealer_id)
            else:
                self.car = self.dealer_name = self.dealer_address = ""
        self.loading = False

    def _load_slots(self, session: Session, rules: StoreRules, trim_id: int) -> None:
        trim = session.get(Trim, trim_id)
        today = rules.local_day(utcnow())
        days = day_range(today)
        slots = availability.free_slots(session, rules, trim, days[0], days[-1])
        self.dealer_zone = rules.zone.key
        self._show_days([slot.starts_at for slot in slots], days, rules.zone.key)

    @rx.event
    def choose_trim(self, value: str):
        self.trim_id = value
        self.dealer_id = ""
        self._load_choices()
        if len(self.dealers) == 1:
            self.dealer_id = self.dealers[0]["value"]
            self._load_choices()

    @rx.event
    def choose_dealer(self, value: str):
        self.dealer_id = value
        self._load_choices()

    @rx.event
    def choose_day(self, day: str):
        self.day = day

    @rx.event
    def hold(self, starts_at: str):
        """Hold the slot for the visitor (their earlier hold is released) and start the countdown."""
        trim_id, dealer_id = _int(self.trim_id), _int(self.dealer_id)
        if trim_id is None or dealer_id is None:
            return None
        self.taken_message = ""
        self.alternatives = []
        self.form_error = ""
        self.holding = True
        try:
            with session_scope() as session:
                trim = session.get(Trim, trim_id)
                held = booking.hold_slot(
                    session,
                    trim=trim.code if trim else None,
                    dealer=dealer_id,
                    starts_at=starts_at,
                    visitor_token=self._visitor_token,
                )
        except SlotTaken as taken:
            self.holding = False
            return self._show_taken(taken)
        except DomainError as error:
            self.holding = False
            return rx.toast.error(self._error_text(error))
        self.holding = False
        self._hold_id = held.hold_id
        self._hold_token = held.hold_token
        self._hold_expires = held.expires_at.isoformat()
        self._idempotency_key = secrets.token_urlsafe(24)
        self.held_start = held.slot.starts_at.isoformat()
        option = slot_option(held.slot.starts_at, held.slot.time_zone, self.viewer_zone)
        local = held.slot.local_start
        self.held_label = f"{local:%a %d.%m.%Y %H:%M} {local.tzname()} ({held.slot.time_zone})" + (
            f" · {option['viewer_label']} {self.viewer_zone}" if option["viewer_label"] else ""
        )
        self.hold_expired = False
        self.hold_seconds = seconds_left(held.expires_at, utcnow())
        self.errors = {}
        return BookingState.run_countdown

    @rx.event(background=True)
    async def run_countdown(self):
        """Tick the hold's countdown each second; at zero the visitor is told (the service treats
        an expired hold as released: it blocks no one)."""
        async with self:
            hold_id = self._hold_id
        while True:
            await asyncio.sleep(1)
            async with self:
                if self._hold_id != hold_id or not self._hold_id or self.confirmed:
                    return
                self.hold_seconds = seconds_left(self._hold_expires, utcnow())
                if self.hold_seconds == 0:
                    self._expire_hold()
                    return

    def _expire_hold(self) -> None:
        self.hold_expired = True
        self._hold_id = 0
        self._hold_token = ""
        self.held_start = ""
        self.form_error = self.t("test_drive.hold_expired")
        with session_scope() as session:
            rules = store_rules(session, int(self.dealer_id))
            self._load_slots(session, rules, int(self.trim_id))

    def _show_taken(self, taken: SlotTaken):
        self.taken_message = self.t("test_drive.just_taken")
        self.alternatives = [
            slot_option(slot.starts_at, slot.time_zone, self.viewer_zone) for slot in taken.next_slots
        ]
        self._hold_id = 0
        self.held_start = ""
        with session_scope() as session:
            rules = store_rules(session, int(self.dealer_id))
            self._load_slots(session, rules, int(self.trim_id))
        return rx.toast.error(self.taken_message, id="just-taken")

    @rx.event
    def release(self):
        """Give the held slot back and choose another."""
        self._hold_id = 0
        self._hold_token = ""
        self.held_start = ""
        self.hold_seconds = 0

    @rx.event
    def confirm(self, form: dict):
        """Book the held slot with the visitor's details; errors go under their fields."""
        self.errors = {}
        self.form_error = ""
        if not self._hold_id:
            self.form_error = self.t("test_drive.hold_expired")
            return None
        if seconds_left(self._hold_expires, utcnow()) == 0:
            self._expire_hold()
            return None
        visitor = {name: str(form.get(name, "") or "") for name in VISITOR_FIELDS}
        self.submitting = True
        try:
            with session_scope() as session:
                booked = booking.book(
                    session,
                    idempotency_key=self._idempotency_key,
                    visitor=visitor,
                    hold_id=self._hold_id,
                    hold_token=self._hold_token,
                )
                self.confirmed = _confirmation(session, booked)
        except SlotTaken as taken:
            self.submitting = False
            return self._show_taken(taken)
        except LinkGone:
            self.submitting = False
            self._expire_hold()
            return None
        except FieldErrors as refused:  # every bad field of the visitor's details at once
            self.submitting = False
            self.errors = {
                item.field: self.t(item.code, **item.params)
                for item in refused.errors
                if item.field in VISITOR_FIELDS
            }
            others = [item for item in refused.errors if item.field not in VISITOR_FIELDS]
            self.form_error = self.t(others[0].code, **others[0].params) if others else ""
            return None
        except DomainError as error:
            self.submitting = False
            if error.field in VISITOR_FIELDS:
                self.errors = {error.field: self._error_text(error)}
            else:
                self.form_error = self._error_text(error)
            return None
        self.submitting = False
        self._hold_id = 0
        return rx.toast.success(self.t("test_drive.booked_toast"))


def _confirmation(session: Session, booked: booking.BookedDrive) -> dict[str, str]:
    drive = booked.drive
    person = session.get(Salesperson, drive.salesperson_id)
    local = drive.starts_at.astimezone(booked.rules.zone)
    return {
        "when": f"{local:%a %d.%m.%Y %H:%M} {local.tzname()} ({booked.rules.zone.key})",
        "dealer": _address(session, drive.location_id),
        "car": _car_label(session, drive.trim_id),
        "salesperson": _first_name(person.full_name) if person else "",
        "manage_link": routes.test_drive_manage(booked.manage_token),
        "invite_link": routes.test_drive_invite(booked.manage_token),
        "status": str(drive.status),
    }


class ManageState(_PublicState):
    """The manage link's page: the drive, reschedule and cancel until the cutoff."""

    token: str = ""
    link_problem: str = ""  # "invalid" (403) or "expired" (410)
    drive: dict[str, str] = {}
    open: bool = False  # before the cutoff and still booked
    cutoff_reason: str = ""
    loading: bool = True
    dealer_zone: str = ""
    _starts: list[str] = []
    days: list[DayOption] = []
    day: str = ""
    picking: bool = False
    taken_message: str = ""
    alternatives: list[SlotOption] = []

    @rx.var
    def day_slots(self) -> list[SlotOption]:
        if not self.dealer_zone:
            return []
        starts = [datetime.fromisoformat(start) for start in self._starts]
        return group_by_day(starts, self.dealer_zone, self.viewer_zone).get(self.day, [])

    @rx.var
    def shows_viewer_zone(self) -> bool:
        return bool(self.viewer_zone) and self.viewer_zone != self.dealer_zone

    @rx.event
    def load(self):
        self.reset()
        self._identify()
        self.token = str(self.router.url.query_parameters.get("token", "") or "")
        self._refresh()
        return rx.call_script(
            "Intl.DateTimeFormat().resolvedOptions().timeZone", callback=ManageState.set_viewer_zone
        )

    @rx.event
    def set_viewer_zone(self, zone: str):
        self.viewer_zone = zone if isinstance(zone, str) and _zone(zone) is not None else ""

    def _refresh(self) -> None:
        self.loading = True
        self.link_problem = ""
        try:
            with session_scope() as session:
                booked = booking.view_by_token(session, self.token)
                self.drive = _confirmation(session, booked)
                rules = booked.rules
                until = booked.drive.starts_at - timedelta(hours=rules.cutoff_hours)
                booked_now = booked.drive.status == TestDriveStatus.BOOKED
                self.open = booked_now and utcnow() < until
                self.cutoff_reason = (
                    ""
                    if self.open or not booked_now
                    else self.t("test_drive.cutoff_passed", hours=rules.cutoff_hours, until=until.isoformat())
                )
                self.drive["status_label"] = self.t(f"test_drive.status.{booked.drive.status}")
                self.drive["cancelled"] = "1" if booked.drive.status == TestDriveStatus.CANCELLED else ""
                self.dealer_zone = rules.zone.key
                if self.open:
                    trim = session.get(Trim, booked.drive.trim_id)
                    days = day_range(rules.local_day(utcnow()))
                    slots = availability.free_slots(
                        session, rules, trim, days[0], days[-1], ignore_drive_id=booked.drive.id
                    )
                    starts = [slot.starts_at for slot in slots if slot.starts_at != booked.drive.starts_at]
                    self._show_days(starts, days, rules.zone.key)
        except LinkGone:
            self.link_problem = "expired"
        except PermissionDenied:
            self.link_problem = "invalid"
        self.loading = False

    @rx.event
    def choose_day(self, day: str):
        self.day = day

    @rx.event
    def toggle_picker(self):
        self.picking = not self.picking

    @rx.event
    def reschedule(self, starts_at: str):
        self.taken_message = ""
        self.alternatives = []
        try:
            with session_scope() as session:
                booked = booking.reschedule(session, token=self.token, starts_at=starts_at)
                token = booked.manage_token
        except SlotTaken as taken:
            self.taken_message = self.t("test_drive.just_taken")
            self.alternatives = [
                slot_option(slot.starts_at, slot.time_zone, self.viewer_zone) for slot in taken.next_slots
            ]
            self._refresh()
            return rx.toast.error(self.taken_message)
        except DomainError as error:
            self._refresh()
            return rx.toast.error(self._error_text(error))
        return [
            rx.toast.success(self.t("test_drive.rescheduled_toast")),
            rx.redirect(routes.test_drive_manage(token)),
        ]

    @rx.event
    def cancel(self):
        try:
            with session_scope() as session:
                booked = booking.cancel(session, token=self.token)
                token = booked.manage_token
        except DomainError as error:
            self._refresh()
            return rx.toast.error(self._error_text(error))
        return [
            rx.toast.success(self.t("test_drive.cancelled_toast")),
            rx.redirect(routes.test_drive_manage(token)),
        ]
