"""The manager's new purchase order (/manager/purchase-orders/new): pick a supplier (its standing shows, a
Poor one with a warning, a blocked one with the block's reason), its parts line by line with
quantity, price and requested date, and the warehouse to ship to.

Every line is checked with the same readers the service uses, so all bad fields are named at once
beside themselves; the service checks everything again (role, block, part ownership, dates).
"""

from __future__ import annotations

from datetime import timedelta

import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import place_label, row_name
from services.platform.errors import DomainError, PermissionDenied, ValidationFailed, field_path
from services.platform.fields import (
    calendar_date,
    not_in_past,
    text_value,
    today_in,
    unit_price,
    whole_quantity,
)
from services.pricing.prices import issue_purchase_order_at_prices_in_force, prices_in_force
from services.supply import choices as purchase_choices
from services.supply import purchasing, quote
from state.shared import routes
from state.shared.auth import AuthState
from state.supply.view import (
    STANDING_COLOURS,
    colour,
    error_entries,
    error_entry,
    fmt_decimal,
    fmt_money,
    label,
    messages,
    plain,
)

MAX_LINES = 50
SEARCH_LIMIT = 100
MAX_INPUT = 40
MAX_TYPED = 20_000
LEAD_DAYS = 14


def _blank_line(requested: str) -> dict[str, str]:
    return {"part_id": "", "quantity": "", "unit_price": "", "requested_date": requested}


class IssueOrderState(AuthState):
    _suppliers: list[dict] = []  # the suppliers matching the search
    _chosen: dict = {}  # the chosen supplier's facts
    _parts: list[dict] = []
    _warehouses: list[dict] = []
    supplier_search: str = ""
    supplier_id: str = ""
    ship_to: str = ""
    notes: str = ""
    lines: list[dict[str, str]] = []
    _errors: dict[str, list] = {}
    loading: bool = True
    submitting: bool = False

    # --- display -----------------------------------------------------------------------

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def supplier_options(self) -> list[dict[str, str]]:
        options = [
            {"value": str(supplier["id"]), "label": row_name(supplier, "name", self.language)}
            for supplier in self._suppliers
        ]
        if self._chosen and all(option["value"] != self.supplier_id for option in options):
            options.insert(
                0, {"value": self.supplier_id, "label": row_name(self._chosen, "name", self.language)}
            )
        return options

    @rx.var
    def supplier(self) -> dict[str, str]:
        """The chosen supplier's facts as the form shows them (empty before a choice)."""
        found = self._chosen
        if not found:
            return {}
        language = self.language
        standing = found["standing"]
        return {
            "name": row_name(found, "name", language),
            "country": found["country"],
            "standing": label("scorecard.standing", standing, language)
            if standing
            else self.t("scorecard.standing.none"),
            "colour": colour(STANDING_COLOURS, standing),
            "score": fmt_decimal(found["score"], language),
            "blocked_message": self.t(
                "purchase.supplier_blocked",
                supplier=row_name(found, "name", language),
                reason=found["blocked_reason"],
            )
            if found["blocked"]
            else "",
            "poor_message": self.t(
                "purchase.poor_warning",
                supplier=row_name(found, "name", language),
                score=fmt_decimal(found["score"], language),
            )
            if standing == "poor"
            else "",
        }

    @rx.var
    def issue_blocked(self) -> str:
        """Why "Issue" cannot act now (empty when it can): no supplier chosen yet, or the chosen
        one is blocked (the service would refuse). The button is disabled and says this."""
        if not self._chosen:
            return self.t("purchase.issue_blocked_no_supplier")
        if self._chosen["blocked"]:
            return self.t("purchase.issue_blocked_supplier", supplier=self._chosen["name"])
        return ""

    @rx.var
    def part_options(self) -> list[dict[str, str]]:
        language = self.language
        return [
            {
                "value": str(part["id"]),
                "label": f"{part['sku']} · {row_name(part, 'name', language)} "
                f"({fmt_money(part['price'], part['currency'], language)})",
            }
            for part in self._parts
        ]

    @rx.var
    def warehouse_options(self) -> list[dict[str, str]]:
        return [{"value": str(w["id"]), "label": place_label(w, self.language)} for w in self._warehouses]

    @rx.var
    def currency(self) -> str:
        return self._parts[0]["currency"] if self._parts else ""

    @rx.var
    def line_rows(self) -> list[dict[str, str]]:
        errors, language = self.error, self.language
        amounts = quote.quote_draft(self.lines).amounts
        rows = []
        for index, line in enumerate(self.lines):
            amount = fmt_money(amounts[index], self.currency, language) if amounts[index] is not None else ""
            rows.append(
                {
                    **line,
                    "index": str(index),
                    "number": str(index + 1),
                    "amount": amount,
                    **{
                        f"error_{name}": errors.get(field_path("lines", index, name), "")
                        for name in ("part_id", "quantity", "unit_price", "requested_date")
                    },
                }
            )
        return rows

    @rx.var
    def total_text(self) -> str:
        """The quote's total: what the issued order will carry."""
        total = quote.quote_draft(self.lines).total
        return fmt_money(total, self.currency, self.language) if total is not None and self.currency else ""

    # --- loading and editing ---------------------------------------------------------------

    def _default_date(self) -> str:
        return (today_in(self.time_zone) + timedelta(days=LEAD_DAYS)).isoformat()

    @rx.event
    def load(self):
        self.loading, self._errors, self.supplier_search, self.notes = True, {}, "", ""
        self.supplier_id, self._parts, self.lines, self._chosen = "", [], [], {}
        yield
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            self.loading = False
            return
        with session_scope() as session:
            self._suppliers = plain(purchase_choices.supplier_choices(session, principal, limit=SEARCH_LIMIT))
            self._warehouses = plain(purchase_choices.ship_to_warehouses(session, principal))
        self.ship_to = str(self._warehouses[0]["id"]) if self._warehouses else ""
        wanted = self.router.url.query_parameters.get("supplier", "")
        self.loading = False
        if wanted.isdigit():
            yield IssueOrderState.choose_supplier(wanted)

    @rx.event
    def set_supplier_search(self, text: str):
        """Narrow the supplier list to the names matching `text` (searched in the database, so
        every one of thousands of suppliers can be found)."""
        self.supplier_search = text[:100]
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                self._suppliers = plain(
                    purchase_choices.supplier_choices(
                        session, principal, text=self.supplier_search, limit=SEARCH_LIMIT
                    )
                )
        except DomainError as error:
            return self._denied(error)
        return None

    @rx.event
    def choose_supplier(self, supplier_id: str):
        if not str(supplier_id).isdigit():
            return None
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                found = purchase_choices.supplier_choices(
                    session, principal, supplier_id=int(supplier_id), limit=1
                )
                if not found:
                    return None
                parts = purchase_choices.supplier_parts(session, principal, int(supplier_id))
                # each part at the price in force from this supplier today (its agreement's, else
                # its list price): what the line starts at and what the order is issued at
                in_force = prices_in_force(
                    session, int(supplier_id), [part["id"] for part in parts], today_in(principal.time_zone)
                )
                self._parts = plain(
                    [part | {"price": in_force.get(part["id"], part["list_price"])} for part in parts]
                )
        except DomainError as error:
            return self._denied(error)
        self._chosen = plain(found[0])
        self.supplier_id = str(supplier_id)
        self.lines = [_blank_line(self._default_date())]
        self._errors = {}
        return None

    @rx.event
    def set_ship_to(self, value: str):
        self.ship_to = value

    @rx.event
    def set_notes(self, value: str):
        # Kept as typed (the field counts it and the service refuses more than its limit); the
        # cap only bounds what a misbehaving client can park in the state.
        self.notes = value[:MAX_TYPED]
        self._errors = {key: entry for key, entry in self._errors.items() if key != "notes"}

    @rx.event
    def set_line_field(self, index: int, name: str, value: str):
        index = int(index)
        if not 0 <= index < len(self.lines) or name not in (
            "part_id",
            "quantity",
            "unit_price",
            "requested_date",
        ):
            return
        lines = [dict(line) for line in self.lines]
        lines[index][name] = str(value)[:MAX_INPUT]
        if name == "part_id":
            part = next((p for p in self._parts if str(p["id"]) == value), None)
            if part is not None:
                lines[index]["unit_price"] = part["price"]
        self.lines = lines
        edited = field_path("lines", index, name)
        self._errors = {key: entry for key, entry in self._errors.items() if key != edited}

    @rx.event
    def add_line(self):
        if len(self.lines) < MAX_LINES:
            self.lines = [
                *self.lines,
                _blank_line(self.lines[-1]["requested_date"] if self.lines else self._default_date()),
            ]

    @rx.event
    def remove_line(self, index: int):
        index = int(index)
        if len(self.lines) > 1 and 0 <= index < len(self.lines):
            self.lines = [line for number, line in enumerate(self.lines) if number != index]
            self._errors = {}

    # --- issuing -----------------------------------------------------------------------

    def _check(self) -> dict[str, list]:
        errors: dict[str, list] = {}
        if not self.supplier_id:
            errors["supplier_id"] = ["supplier.required", {}]
        if not self.ship_to:
            errors["ship_to_location_id"] = ["purchase.ship_to_invalid", {}]
        try:
            text_value(self.notes, "notes", max_length=purchasing.MAX_NOTES_LENGTH)
        except ValidationFailed as error:
            errors["notes"] = error_entry(error)
        today = today_in(self.time_zone)
        for index, line in enumerate(self.lines):
            prefix = field_path("lines", index) + "."
            if not line["part_id"]:
                errors[prefix + "part_id"] = ["purchase.part_required", {}]
            checks = (
                ("quantity", lambda v: whole_quantity(v, "quantity")),
                ("unit_price", lambda v: unit_price(v, "unit_price")),
                (
                    "requested_date",
                    lambda v: not_in_past(calendar_date(v, "requested_date"), today, "requested_date"),
                ),
            )
            for name, check in checks:
                try:
                    check(line[name])
                except ValidationFailed as error:
                    errors[prefix + name] = error_entry(error)
        return errors

    @rx.event
    def submit(self):
        errors = self._check()
        if errors:
            self._errors = errors
            return None
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                order = issue_purchase_order_at_prices_in_force(
                    session,
                    principal,
                    supplier_id=int(self.supplier_id),
                    ship_to_location_id=int(self.ship_to),
                    notes=self.notes,
                    lines=[
                        {
                            "part_id": int(line["part_id"]),
                            "quantity": line["quantity"],
                            "unit_price": line["unit_price"],
                            "requested_date": line["requested_date"],
                        }
                        for line in self.lines
                    ],
                )
        except ValidationFailed as error:
            self._errors = error_entries(error)
            return None
        except DomainError as error:
            return self._denied(error)
        self._errors = {}
        events = [
            rx.redirect(routes.purchase_order(Role.MANAGER, order["id"])),
            rx.toast.success(self.t("purchase.issued_toast", number=order["number"])),
        ]
        for warning in order.get("warnings", []):
            events.append(rx.toast.warning(self.t(warning["code"], **warning["params"]), duration=10000))
        return events
