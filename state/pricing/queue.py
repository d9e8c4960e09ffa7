"""/manager/prices: the managers' queue of price suggestions, largest money at stake first. A row opens
its explanation (term by term) with approve and reject; the rows inside the automatic or
single-approval band can be ticked and approved together. Every rule (who may approve, four eyes,
the band) is the service's: a refusal comes back as its message in a toast."""

from __future__ import annotations

from decimal import Decimal
from typing import TypedDict

import reflex as rx

from models import Role
from models.db import session_scope
from services.i18n.names import category_label, localized_name
from services.platform.errors import DomainError, PermissionDenied
from services.pricing import approvals, queue
from state.pricing.view import (
    OPEN_STATUSES,
    STATUS_COLOURS,
    approvals_label,
    explanation_lines,
    signed_pct,
    status_label,
)
from state.shared import routes
from state.shared.auth import AuthState
from state.supply.view import fmt_date, fmt_money, plain

FILTERS = ("open", "approved", "applied", "rejected", "all")
_STATUSES = {
    "open": OPEN_STATUSES,
    "approved": ("approved",),
    "applied": ("applied",),
    "rejected": ("rejected",),
    "all": None,
}


DETAIL_KEYS = (
    "title",
    "supplier",
    "prices",
    "money",
    "approvals",
    "status",
    "status_colour",
    "effective",
    "counter",
    "agreement_href",
)


class QueueRow(TypedDict):
    id: str
    sku: str
    part: str
    supplier: str
    current: str
    proposed: str
    change: str
    rising: bool
    money: str
    money_reporting: str
    approvals: str
    status: str
    status_colour: str
    selectable: bool  # open, inside the band a bulk approval may take, not yet approved by this viewer
    selected: bool
    agreement_href: str


class ExplanationLine(TypedDict):
    text: str
    kind: str


def pricing_error(state: AuthState, error: DomainError):
    """A refusal as a toast, a suggestion's status among its words in the viewer's language."""
    params = plain(dict(error.params))
    if isinstance(params.get("status"), str):
        params["status"] = status_label(params["status"], state.language)
    return rx.toast.error(state.t(error.code, **params))


class SuggestionQueueState(AuthState):
    loading: bool = True
    status_filter: str = "open"
    total: int = 0
    reporting_currency: str = ""
    selected: list[str] = []
    open_id: str = ""  # the suggestion whose explanation is open
    reject_reason: str = ""
    reject_error: str = ""
    working: bool = False
    _rows: list[dict] = []

    # --- what the page reads -------------------------------------------------------------

    @rx.var
    def filter_options(self) -> list[dict[str, str]]:
        return [{"value": key, "label": self.t(f"pricing.filter.{key}")} for key in FILTERS]

    @rx.var
    def rows(self) -> list[QueueRow]:
        language, selected = self.language, set(self.selected)
        return [self._row(row, language, selected) for row in self._rows]

    @rx.var
    def shown_label(self) -> str:
        if self.total <= len(self._rows):
            return ""
        return self.t(
            "pricing.queue.shown", shown=self.fmt_number(len(self._rows)), total=self.fmt_number(self.total)
        )

    @rx.var
    def selected_count(self) -> int:
        return len(self.selected)

    @rx.var
    def bulk_label(self) -> str:
        return self.t("pricing.queue.approve_selected", count=len(self.selected))

    @rx.var
    def dialog_open(self) -> bool:
        return self.open_id != ""

    @rx.var
    def detail(self) -> dict[str, str]:
        row = self._open_row()
        if row is None:
            return dict.fromkeys(DETAIL_KEYS, "")
        language = self.language
        shown = self._row(row, language, set())
        return {
            "title": f"{row['sku']} · {shown['part']}",
            "supplier": shown["supplier"],
            "prices": f"{shown['current']} → {shown['proposed']} ({shown['change']})",
            "money": shown["money"],
            "approvals": shown["approvals"],
            "status": shown["status"],
            "status_colour": shown["status_colour"],
            "effective": fmt_date(row["effective_date"], language),
            "counter": self.t(
                "pricing.queue.countered",
                price=fmt_money(row["counter_price"], row["currency"], language),
                reason=row["counter_reason"],
            )
            if row.get("counter_price")
            else "",
            "agreement_href": shown["agreement_href"],
        }

    @rx.var
    def has_counter(self) -> bool:
        row = self._open_row()
        return row is not None and bool(row.get("counter_price"))

    @rx.var
    def detail_open_for_decision(self) -> bool:
        row = self._open_row()
        return row is not None and row["status"] in OPEN_STATUSES

    @rx.var
    def detail_lines(self) -> list[ExplanationLine]:
        row = self._open_row()
        if row is None:
            return []
        return explanation_lines(
            row["explanation"], row["proposed_price"], row["current_price"], self.language
        )

    # --- helpers -----------------------------------------------------------------------

    def _open_row(self) -> dict | None:
        return next((row for row in self._rows if str(row["id"]) == self.open_id), None)

    def _row(self, row: dict, language: str, selected: set[str]) -> QueueRow:
        currency = row["currency"]
        money_reporting = row.get("money_reporting")
        open_now = row["status"] in OPEN_STATUSES
        return {
            "id": str(row["id"]),
            "sku": row["sku"] or "",
            "part": localized_name(row["part_name"], row.get("part_name_zh"), language)
            or category_label(row.get("category"), language),
            "supplier": localized_name(row["supplier_name"], row.get("supplier_name_zh"), language),
            "current": fmt_money(row["current_price"], currency, language),
            "proposed": fmt_money(row["counter_price"] or row["proposed_price"], currency, language),
            "change": signed_pct(row["change_pct"], language, places=2),
            "rising": Decimal(str(row["change_pct"])) > 0,
            "money": fmt_money(row["money_next_quarter"], currency, language),
            "money_reporting": fmt_money(money_reporting, self.reporting_currency, language)
            if money_reporting is not None and currency != self.reporting_currency
            else "",
            "approvals": approvals_label(row, language),
            "status": status_label(row["status"], language),
            "status_colour": STATUS_COLOURS.get(row["status"], "gray"),
            "selectable": open_now
            and int(row["required_approvals"]) <= 1
            and self.user_id not in row["approvals"],
            "selected": str(row["id"]) in selected,
            "agreement_href": routes.price_agreement(row["agreement_id"]),
        }

    def _reload(self, principal) -> None:
        with session_scope() as session:
            result = queue.suggestion_queue(session, principal, statuses=_STATUSES[self.status_filter])
        self._rows = plain(result["rows"])
        self.total = result["total"]
        self.reporting_currency = result["reporting_currency"]
        shown = {str(row["id"]) for row in self._rows}
        self.selected = [item for item in self.selected if item in shown]

    # --- events ------------------------------------------------------------------------

    @rx.event
    def load(self):
        self.open_id, self.selected = "", []
        yield from self._load_rows()

    def _load_rows(self):
        try:
            principal = self._principal(Role.MANAGER)
        except PermissionDenied:
            return None
        self.loading = True
        yield
        try:
            self._reload(principal)
        except DomainError as error:
            self.loading = False
            yield self._denied(error)
            return None
        self.loading = False
        return None

    @rx.event
    def set_status_filter(self, value: str):
        if value in FILTERS:
            self.status_filter = value
            self.selected = []
            yield from self._load_rows()

    @rx.event
    def toggle(self, suggestion_id: str, ticked: bool):
        chosen = [item for item in self.selected if item != suggestion_id]
        self.selected = [*chosen, suggestion_id] if ticked else chosen

    @rx.event
    def open_explanation(self, suggestion_id: str):
        self.open_id, self.reject_reason, self.reject_error = suggestion_id, "", ""

    @rx.event
    def set_dialog(self, is_open: bool):
        if not is_open:
            self.open_id = ""

    @rx.event
    def set_reject_reason(self, value: str):
        self.reject_reason, self.reject_error = value, ""

    @rx.event
    def approve_open(self):
        """This manager's approval of the open suggestion (the second one of a four-eyes change
        completes it; the same manager twice is refused by the service)."""
        if not self.open_id:
            return None
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                result = approvals.approve(session, principal, int(self.open_id))
            self._reload(principal)
        except DomainError as error:
            return pricing_error(self, error)
        self.open_id = ""
        done = result["status"] in ("approved", "applied")
        return rx.toast.success(
            self.t(
                "pricing.queue.approved_toast" if done else "pricing.queue.approval_recorded_toast",
                sku=result["sku"],
                given=len(result["approvals"]),
                needed=result["required_approvals"],
            )
        )

    @rx.event
    def reject_open(self):
        if not self.open_id:
            return None
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                result = approvals.reject(session, principal, int(self.open_id), reason=self.reject_reason)
            self._reload(principal)
        except DomainError as error:
            if error.field == "reason":
                self.reject_error = self.t(error.code, **plain(dict(error.params)))
                return None
            return pricing_error(self, error)
        self.open_id = ""
        return rx.toast.success(self.t("pricing.queue.rejected_toast", sku=result["sku"]))

    @rx.event
    def approve_selected(self):
        """Approve every ticked suggestion in one go (the service refuses the whole batch when one
        of them needs two managers, and approves nothing)."""
        if not self.selected:
            return None
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                done = approvals.approve_within_band(
                    session, principal, [int(item) for item in self.selected]
                )
            self.selected = []
            self._reload(principal)
        except DomainError as error:
            return pricing_error(self, error)
        return rx.toast.success(self.t("pricing.queue.bulk_toast", count=len(done)))
