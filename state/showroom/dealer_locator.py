"""/dealers: test-drive stores nearest first from a city, a postcode (the offline gazetteer) or the
browser's position, with today's and the week's hours in each store's own zone, an open-now
badge, and the offline map with the chosen (else the nearest) store highlighted."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TypedDict
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import reflex as rx

from models.db import session_scope
from models.types import utcnow
from services.i18n.names import city_label, row_name
from services.platform.errors import DomainError
from services.platform.formatting import format_number
from services.showroom import places
from services.showroom.locator import nearest_dealers, resolve_origin
from services.showroom.stores import WEEKDAYS
from services.showroom.trim_offers import demo_trims_at
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.geo import MapPoint, MapView, geo_figure
from state.showroom.trim_page import origin_for

# The browser's position as "lat,lon", or "error:<reason>" (denied, unavailable, unsupported).
LOCATE_SCRIPT = """new Promise((resolve) => {
  if (!navigator.geolocation) { resolve("error:unsupported"); return; }
  navigator.geolocation.getCurrentPosition(
    (p) => resolve(p.coords.latitude.toFixed(5) + "," + p.coords.longitude.toFixed(5)),
    (e) => resolve(e && e.code === 1 ? "error:denied" : "error:unavailable"),
    {timeout: 10000, maximumAge: 600000});
})"""
LOCATE_ERRORS = {"denied", "unavailable", "unsupported"}


def today_key(time_zone: str, now: datetime) -> str:
    """The weekday ("mon".."sun") it is now in `time_zone`."""
    return WEEKDAYS[now.astimezone(ZoneInfo(time_zone)).weekday()]


class WeekDay(TypedDict):
    day: str
    hours: str
    today: bool


class DealerRow(TypedDict):
    location_id: str
    name: str
    city: str
    distance: str
    open_now: bool
    local_time: str
    zone: str
    today: str
    week: list[WeekDay]
    trims: list[dict[str, str]]
    highlighted: bool


class DealerLocatorState(AuthState):
    place: str = ""
    origin_label: str = ""
    error: str = ""
    suggestions: list[str] = []
    chosen_id: str = ""
    locating: bool = False
    loading: bool = False
    searched: bool = False
    _dealers: list[dict] = []
    _trims: dict[str, list[dict]] = {}
    _near: str = ""

    @rx.var
    def dealers(self) -> list[DealerRow]:
        language = self.language
        now = utcnow()
        highlighted = self.chosen_id or (str(self._dealers[0]["location_id"]) if self._dealers else "")
        rows: list[DealerRow] = []
        for dealer in self._dealers:
            today = today_key(dealer["time_zone"], now)
            hours = dealer["opening_hours"]
            location_id = str(dealer["location_id"])
            rows.append(
                {
                    "location_id": location_id,
                    "name": row_name(dealer, "name", language),
                    "city": city_label(dealer["city"], language),
                    "distance": self.t(
                        "showroom.distance", km=format_number(Decimal(str(dealer["distance_km"])), language)
                    ),
                    "open_now": dealer["open_now"],
                    "local_time": self.t("showroom.local_time", time=dealer["local_time"]),
                    "zone": dealer["time_zone"],
                    "today": self.t("showroom.hours_today", hours=hours[today], zone=dealer["time_zone"])
                    if hours.get(today)
                    else self.t("showroom.closed_today", zone=dealer["time_zone"]),
                    "week": [
                        {
                            "day": self.t(f"showroom.weekday_{day}"),
                            "hours": hours[day] or self.t("showroom.closed"),
                            "today": day == today,
                        }
                        for day in WEEKDAYS
                    ],
                    "trims": [
                        {
                            "name": row_name(trim, "name", language),
                            "href": routes.trim_page(trim["id"], location_id),
                            "book": routes.test_drive_booking(trim["id"], location_id),
                        }
                        for trim in self._trims.get(location_id, [])
                    ],
                    "highlighted": location_id == highlighted,
                }
            )
        return rows

    @rx.var
    def figure(self) -> go.Figure:
        highlighted = self.chosen_id or (str(self._dealers[0]["location_id"]) if self._dealers else "")
        return geo_figure(
            MapView(
                points=[
                    MapPoint(
                        lat=dealer["latitude"],
                        lon=dealer["longitude"],
                        label=f"{dealer['name']} · {dealer['city']}",
                        highlighted=str(dealer["location_id"]) == highlighted,
                    )
                    for dealer in self._dealers
                ]
            ),
            height=420,
        )

    def _search(self, *, near: str = "") -> None:
        self.error, self.suggestions, self.chosen_id = "", [], ""
        try:
            origin = origin_for(self.place, near) if (near or self.place.strip()) else None
        except DomainError as error:
            self.error = self.t(error.code, **error.params)
            self.suggestions = places.suggestions(self.place)
            self._dealers, self._trims, self.searched = [], {}, True
            return
        with session_scope() as session:
            if origin is None:
                # No place yet: every store, measured from the first demo city, so the map shows them.
                origin = resolve_origin(city=places.PLACES[0].city)
                self.origin_label = ""
            else:
                self.origin_label = self.t("showroom.your_location") if near else origin.label
            found = nearest_dealers(session, origin, limit=20)
            self._trims = {
                str(location_id): trims
                for location_id, trims in demo_trims_at(
                    session, [dealer.location_id for dealer in found]
                ).items()
            }
        self._dealers = [dealer.as_dict() for dealer in found]
        self.searched = bool(self.origin_label)

    @rx.event
    def load(self):
        self.loading = True
        self.place = self.router.url.query_parameters.get("place", "")[:100]
        yield
        self._search()
        self.loading = False

    @rx.event
    def set_place(self, value: str):
        self.place = value[:100]

    @rx.event
    def search(self, _form: dict | None = None):
        if not self.place.strip():
            self.error = self.t("showroom.place_required")
            self.suggestions = []
            return
        self.loading = True
        yield
        self._search()
        self.loading = False

    @rx.event
    def pick_suggestion(self, place: str):
        self.place = place
        yield from self.search()

    @rx.event
    def choose(self, location_id: str):
        """Highlight one store on the map."""
        self.chosen_id = str(location_id)

    @rx.event
    def locate(self):
        """Ask the browser for its position (the visitor may refuse)."""
        self.locating = True
        return rx.call_script(LOCATE_SCRIPT, callback=DealerLocatorState.located)

    @rx.event
    def located(self, answer: str):
        """The browser's answer: "lat,lon" sorts the stores from there; a refusal gets a message."""
        self.locating = False
        answer = str(answer or "")
        if answer.startswith("error:") or not answer:
            reason = answer.removeprefix("error:")
            reason = reason if reason in LOCATE_ERRORS else "unavailable"
            self.error = self.t(f"showroom.locate_{reason}")
            self.suggestions = []
            return rx.toast.error(self.error, id="locate-error")
        self.place = ""
        self._search(near=answer[:60])
        return None
