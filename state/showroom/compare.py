"""The trims a visitor puts side by side: at most three, kept in the browser (LocalStorage), so
the showroom's cards and the compare page agree; the compare page itself reads `?trims=`."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models.db import session_scope
from services.i18n.names import row_name
from services.platform.formatting import format_money, format_number
from services.showroom.trim_offers import parse_trim_id, trims_by_ids
from state.shared import routes
from state.shared.auth import AuthState

LIMIT = routes.COMPARE_LIMIT


def parse_ids(raw: str) -> list[str]:
    """The trim ids of "1,2,3" as text, unique and in order; anything that is no id is dropped."""
    found: list[str] = []
    for part in (raw or "").split(","):
        trim_id = parse_trim_id(part)
        if trim_id is not None and str(trim_id) not in found:
            found.append(str(trim_id))
    return found


def toggled(ids: list[str], trim_id: str) -> tuple[list[str], bool]:
    """`ids` with `trim_id` added or removed; False when adding it would pass the limit."""
    if trim_id in ids:
        return [item for item in ids if item != trim_id], True
    if len(ids) >= LIMIT:
        return ids, False
    return [*ids, trim_id], True


class CompareRow(TypedDict):
    label: str
    values: list[str]
    differs: bool


class CompareState(AuthState):
    # The picked trim ids, "4,7": the cards' add/remove buttons and the compare tray read it.
    picked: str = rx.LocalStorage("", name="portal_compare", sync=True)
    _trims: list[dict] = []
    loading: bool = True

    @rx.var
    def picked_ids(self) -> list[str]:
        return parse_ids(self.picked)

    @rx.var
    def compare_href(self) -> str:
        return routes.trim_compare(parse_ids(self.picked))

    @rx.var
    def columns(self) -> list[dict[str, str]]:
        """One column per compared trim: its name, photo, page and the link without it."""
        ids = [str(trim["id"]) for trim in self._trims]
        return [
            {
                "id": str(trim["id"]),
                "model": row_name(trim, "model", self.language),
                "name": row_name(trim, "name", self.language),
                "image": f"/vehicles/{trim['model_code']}.svg",
                "href": routes.trim_page(trim["id"]),
                "without": routes.trim_compare([item for item in ids if item != str(trim["id"])]),
            }
            for trim in self._trims
        ]

    @rx.var
    def rows(self) -> list[CompareRow]:
        """The specs aligned in rows; `differs` marks a row whose values are not all alike."""
        language = self.language

        def number(value) -> str:
            return format_number(value, language) if value not in (None, "") else "–"

        specs = [
            ("showroom.compare_price", lambda trim: format_money(trim["price"], trim["currency"], language)),
            ("showroom.body", lambda trim: self.t(f"body.{trim['body']}")),
            ("showroom.powertrain", lambda trim: self.t(f"powertrain.{trim['powertrain']}")),
            ("showroom.compare_power", lambda trim: self.t("showroom.power", kw=number(trim["power_kw"]))),
            (
                "showroom.compare_range",
                lambda trim: (
                    self.t("showroom.range", km=number(trim["range_km"])) if trim["range_km"] else "–"
                ),
            ),
            (
                "showroom.compare_consumption",
                lambda trim: (
                    self.t("showroom.consumption", litres=number(Decimal(trim["consumption"])))
                    if trim["consumption"]
                    else "–"
                ),
            ),
        ]
        rows: list[CompareRow] = []
        for key, show in specs:
            values = [show(trim) for trim in self._trims]
            rows.append({"label": self.t(key), "values": values, "differs": len(set(values)) > 1})
        return rows

    @rx.event
    def toggle(self, trim_id: str):
        """Add a trim to the comparison or take it out; a fourth is refused with a message."""
        ids, accepted = toggled(parse_ids(self.picked), str(trim_id))
        if not accepted:
            return rx.toast.error(self.t("showroom.compare_full", limit=LIMIT), id="compare-full")
        self.picked = ",".join(ids)
        return None

    @rx.event
    def clear(self):
        self.picked = ""

    @rx.event
    def load(self):
        """on_load of /showroom/compare: the trims of `?trims=` (more than three: the first three,
        and a message); the picked set follows the address."""
        self.loading = True
        yield
        ids = parse_ids(self.router.url.query_parameters.get("trims", ""))
        events = []
        if len(ids) > LIMIT:
            ids = ids[:LIMIT]
            events.append(rx.toast.error(self.t("showroom.compare_full", limit=LIMIT), id="compare-full"))
        with session_scope() as session:
            self._trims = trims_by_ids(session, [int(item) for item in ids])
        self.picked = ",".join(str(trim["id"]) for trim in self._trims)
        self.loading = False
        yield from events
