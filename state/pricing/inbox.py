"""/supplier/price-changes: the supplier's inbox of proposed changes to its own prices. A row opens the
change with its index terms; the supplier accepts it or counters with a price and a reason
(services/pricing/approvals.py `supplier_respond`). It sees only its own agreements' changes, and
neither our stock cover nor competitors' quotes (services/pricing/queue.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import category_label, localized_name
from services.platform.errors import DomainError, PermissionDenied
from services.pricing import approvals, queue
from state.pricing.queue import ExplanationLine, pricing_error
from state.pricing.view import OPEN_STATUSES, STATUS_COLOURS, explanation_lines, signed_pct, status_label
from state.shared.auth import AuthState
from state.supply.view import fmt_date, fmt_money, messages, plain

FILTERS = ("all", "open", "decided")
_DECIDED = ("approved", "applied", "rejected")
# A superseded proposal was never a change to answer: the inbox leaves it out.
_STATUSES = {"all": (*OPEN_STATUSES, *_DECIDED), "open": OPEN_STATUSES, "decided": _DECIDED}


class InboxRow(TypedDict):
    id: str
    sku: str
    part: str
    current: str
    proposed: str
    change: str
    rising: bool
    effective: str
    status: str
    status_colour: str
    answer: str
    price_now: str  # the agreed price once approved or applied, else ''


class PriceChangesState(AuthState):
    loading: bool = True
    status_filter: str = "all"
    open_id: str = ""
    counter_price: str = ""
    counter_reason: str = ""
    field_errors: dict[str, str] = {}
    _rows: list[dict] = []

    @rx.var
    def filter_options(self) -> list[dict[str, str]]:
        return [{"value": key, "label": self.t(f"pricing.filter.{key}")} for key in FILTERS]

    @rx.var
    def rows(self) -> list[InboxRow]:
        language = self.language
        return [self._row(row, language) for row in self._rows]

    @rx.var
    def dialog_open(self) -> bool:
        return self.open_id != ""

    @rx.var
    def detail(self) -> dict[str, str]:
        row = self._open_row()
        if row is None:
            return dict.fromkeys(("title", "prices", "status", "status_colour", "effective", "answer"), "")
        shown = self._row(row, self.language)
        return {
            "title": f"{shown['sku']} · {shown['part']}",
            "prices": f"{shown['current']} → {shown['proposed']} ({shown['change']})",
            "status": shown["status"],
            "status_colour": shown["status_colour"],
            "effective": shown["effective"],
            "answer": shown["answer"],
        }

    @rx.var
    def can_answer(self) -> bool:
        row = self._open_row()
        return row is not None and row["status"] in OPEN_STATUSES and not row.get("supplier_response")

    @rx.var
    def detail_lines(self) -> list[ExplanationLine]:
        row = self._open_row()
        if row is None:
            return []
        return explanation_lines(
            row["explanation"], row["proposed_price"], row["current_price"], self.language
        )

    def _open_row(self) -> dict | None:
        return next((row for row in self._rows if str(row["id"]) == self.open_id), None)

    def _row(self, row: dict, language: str) -> InboxRow:
        currency = row["currency"]
        answer = row.get("supplier_response")
        settled = row["status"] in ("approved", "applied")
        return {
            "id": str(row["id"]),
            "sku": row["sku"] or "",
            "part": localized_name(row["part_name"], row.get("part_name_zh"), language)
            or category_label(row.get("category"), language),
            "current": fmt_money(row["current_price"], currency, language),
            "proposed": fmt_money(row["proposed_price"], currency, language),
            "change": signed_pct(row["change_pct"], language, places=2),
            "rising": Decimal(str(row["change_pct"])) > 0,
            "effective": fmt_date(row["effective_date"], language),
            "status": status_label(row["status"], language),
            "status_colour": STATUS_COLOURS.get(row["status"], "gray"),
            "answer": self.t(f"pricing.inbox.answer.{answer}")
            if answer
            else self.t("pricing.inbox.answer.none"),
            "price_now": fmt_money(row["agreed_price"], currency, language)
            if settled and row["agreed_price"]
            else "",
        }

    def _reload(self, principal) -> None:
        with session_scope() as session:
            result = queue.suggestion_queue(session, principal, statuses=_STATUSES[self.status_filter])
        self._rows = plain(result["rows"])

    def _load_rows(self):
        try:
            principal = self._principal(Role.SUPPLIER)
        except PermissionDenied:
            return
        self.loading = True
        yield
        try:
            self._reload(principal)
        except DomainError as error:
            self.loading = False
            yield self._denied(error)
            return
        self.loading = False

    @rx.event
    def load(self):
        self.open_id = ""
        yield from self._load_rows()

    @rx.event
    def set_status_filter(self, value: str):
        if value in FILTERS:
            self.status_filter = value
            yield from self._load_rows()

    @rx.event
    def open_change(self, suggestion_id: str):
        self.open_id, self.counter_price, self.counter_reason, self.field_errors = suggestion_id, "", "", {}

    @rx.event
    def set_dialog(self, is_open: bool):
        if not is_open:
            self.open_id = ""

    @rx.event
    def set_counter_price(self, value: str):
        self.counter_price = value
        self.field_errors = {key: text for key, text in self.field_errors.items() if key != "counter_price"}

    @rx.event
    def set_counter_reason(self, value: str):
        self.counter_reason = value
        self.field_errors = {key: text for key, text in self.field_errors.items() if key != "reason"}

    def _respond(self, accept: bool):
        if not self.open_id:
            return None
        try:
            principal = self._principal(Role.SUPPLIER)
            with session_scope() as session:
                result = approvals.supplier_respond(
                    session,
                    principal,
                    int(self.open_id),
                    accept=accept,
                    counter_price=None if accept else self.counter_price,
                    reason="" if accept else self.counter_reason,
                )
            self._reload(principal)
        except DomainError as error:
            if error.field in ("counter_price", "reason"):
                self.field_errors = messages(
                    {error.field: [error.code, plain(dict(error.params))]}, self.language
                )
                return None
            return pricing_error(self, error)
        self.open_id = ""
        key = "pricing.inbox.accepted_toast" if accept else "pricing.inbox.countered_toast"
        return rx.toast.success(self.t(key, sku=result["sku"]))

    @rx.event
    def accept(self):
        return self._respond(True)

    @rx.event
    def counter(self):
        return self._respond(False)
