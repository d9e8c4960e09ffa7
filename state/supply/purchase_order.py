"""One purchase order as both sides see it (/supplier/purchase-orders/<id> and
/manager/purchase-orders/<id>): its lines, shipping notices, receipts, incidents and the shared
timeline, with the actions of the viewer's side.

Supplier: acknowledge a line with a promised date, reject it with a reason, propose another
quantity or date; ship acknowledged lines with a shipping notice (quantity and lot per line).
Manager: accept or decline a proposal, record the goods receipt of a notice (accepted and
rejected per lot, a reason for rejects), cancel an order nothing of which has shipped, close it.

Every handler re-reads the principal with the role its action needs, and the service checks the
role and the order's owner again; a refusal names the field and the message shows beside it.

`PurchaseOrderState` reads the order and shows it (header, lines, answers, incidents, timeline);
its substates hold the forms: `ShipmentState` (purchase_shipping.py), `ReceiptState`
(purchase_receiving.py) and `OrderDialogState` (purchase_dialogs.py). What may be done next (cancel,
close, ship, receive) is asked of the transition table, not decided here.
"""

from __future__ import annotations

import contextlib
import re

import reflex as rx

from models import Role
from models.db import session_scope
from models.supply import PurchaseOrderLineStatus as LineStatus
from models.supply import PurchaseOrderStatus as Status
from services.i18n.names import row_name, unit_label
from services.platform.errors import DomainError, FieldErrors, NotFound, PermissionDenied, ValidationFailed
from services.supply import purchasing
from services.supply import states as po_states
from services.supply.incident_titles import localized_title
from state.shared import routes
from state.shared.auth import AuthState
from state.shared.timeline import TimelineRow, actor_label, timeline_row
from state.supply.purchase_rows import HeaderView, IncidentRow, LineRow
from state.supply.purchase_timeline import timeline_detail
from state.supply.view import (
    INCIDENT_STATUS_COLOURS,
    LINE_STATUS_COLOURS,
    PO_STATUS_COLOURS,
    colour,
    error_entry,
    fmt_date,
    fmt_int,
    fmt_money,
    label,
    messages,
    plain,
)

MAX_TEXT = 500


def _route_id(path: str) -> str:
    return path.rstrip("/").rsplit("/", 1)[-1]


def _answer_field(field: str, line_ids: list[str], own_dates: dict[str, str]) -> str:
    """Where a bulk answer's error is shown: answers[1].promised_date is the second open line's;
    beside that line when it had a date of its own, else beside the one date for all lines."""
    match = re.fullmatch(r"answers\[(\d+)\]\.promised_date", field)
    if match and int(match.group(1)) < len(line_ids):
        line_id = line_ids[int(match.group(1))]
        return f"{line_id}.promised_date" if own_dates.get(line_id) else "all.promised_date"
    return field


class PurchaseOrderState(AuthState):
    """The order on screen (plain data), the forms' errors, and the supplier's and manager's
    one-click answers (acknowledge a line, decide a proposal, close the order)."""

    _order: dict = {}
    loading: bool = True
    missing: bool = False

    # {field: [message key, params]}: lines' answers ("<line id>.promised_date"), the answer
    # dialog ("dialog.<field>"), the shipping notice ("carrier", "qty.<line id>", ...), the receipt
    # ("accepted.<notice line id>", ...) and the cancel dialog.
    _errors: dict[str, list] = {}
    # The promised dates a supplier typed on single lines ({line id: ISO date}); "acknowledge all"
    # uses them for those lines and its one date for the rest.
    _ack_overrides: dict[str, str] = {}

    # --- display -----------------------------------------------------------------------

    @rx.var
    def error(self) -> dict[str, str]:
        return messages(self._errors, self.language)

    @rx.var
    def is_supplier(self) -> bool:
        return self.role == Role.SUPPLIER

    @rx.var
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER

    @rx.var
    def list_href(self) -> str:
        return routes.purchase_orders(self.role)

    @rx.var
    def header(self) -> HeaderView:
        order, language = self._order, self.language
        if not order:
            return HeaderView(**dict.fromkeys(HeaderView.__annotations__, ""))
        return HeaderView(
            number=order["number"],
            status=order["status"],
            status_label=label("purchase.status", order["status"], language),
            colour=colour(PO_STATUS_COLOURS, order["status"]),
            supplier=row_name(order, "supplier_name", self.language),
            supplier_href=routes.supplier_card(order["supplier_id"]),
            ship_to=row_name(order, "ship_to_name", self.language),
            issued=self.fmt_time(order["issued_at"]),
            changed=self.fmt_time(order["status_changed_at"]),
            total=fmt_money(order["total"], order["currency"], language),
            currency=order["currency"],
            notes=order["notes"] or "",
            cancel_reason=order["cancel_reason"] or "",
            poor_warning=self.t(
                "purchase.issued_in_poor", supplier=row_name(order, "supplier_name", self.language)
            )
            if order.get("standing_at_issue") == "poor"
            else "",
        )

    def _proposal_text(self, line: dict) -> str:
        if line["status"] != LineStatus.PROPOSED:
            return ""
        language, parts = self.language, []
        if line["proposed_quantity"] is not None:
            parts.append(
                self.t("purchase.detail.quantity", quantity=fmt_int(line["proposed_quantity"], language))
            )
        if line["proposed_date"]:
            parts.append(self.t("purchase.detail.date", date=fmt_date(line["proposed_date"], language)))
        return ", ".join(parts) + (f" — {line['proposal_note']}" if line["proposal_note"] else "")

    @rx.var
    def line_rows(self) -> list[LineRow]:
        order, language, errors = self._order, self.language, messages(self._errors, self.language)
        if not order:
            return []
        answering = self.role == Role.SUPPLIER and order["status"] == Status.ISSUED
        deciding = self.role == Role.MANAGER
        return [
            LineRow(
                id=str(line["id"]),
                line_no=str(line["line_no"]),
                sku=line["sku"],
                part=row_name(line, "part_name", self.language),
                quantity=fmt_int(line["quantity"], language),
                price=fmt_money(line["unit_price"], order["currency"], language),
                amount=fmt_money(line["amount"], order["currency"], language),
                requested=fmt_date(line["requested_date"], language),
                requested_iso=line["requested_date"] or "",
                promised=fmt_date(line["promised_date"], language),
                status=line["status"],
                status_label=label("purchase.line_status", line["status"], language),
                colour=colour(LINE_STATUS_COLOURS, line["status"]),
                reject_reason=line["reject_reason"] or "",
                proposal=self._proposal_text(line),
                shipped=fmt_int(line["shipped_quantity"], language),
                accepted=fmt_int(line["accepted_quantity"], language),
                rejected=fmt_int(line["rejected_quantity"], language),
                rejected_any=bool(line["rejected_quantity"]),
                can_answer=answering and line["status"] == LineStatus.OPEN,
                can_decide=deciding and line["status"] == LineStatus.PROPOSED,
                error_date=errors.get(f"{line['id']}.promised_date", ""),
                request=self.t(
                    "purchase.line_request",
                    quantity=fmt_int(line["quantity"], language),
                    unit=unit_label(line["unit"], self.language),
                    date=fmt_date(line["requested_date"], language),
                ),
            )
            for line in order["lines"]
        ]

    @rx.var
    def answer_rows(self) -> list[LineRow]:
        """The lines waiting for the supplier's answer (suppliers only)."""
        return [row for row in self.line_rows if row["can_answer"]]

    @rx.var
    def acknowledge_all_date(self) -> str:
        """The bulk answer's default date: the latest date requested on an open line."""
        return max((row["requested_iso"] for row in self.answer_rows if row["requested_iso"]), default="")

    @rx.var
    def acknowledge_all_label(self) -> str:
        return self.t("purchase.acknowledge_all", count=len(self.answer_rows))

    @rx.var
    def decision_rows(self) -> list[LineRow]:
        """The lines carrying a proposal for the manager to decide."""
        return [row for row in self.line_rows if row["can_decide"]]

    @rx.var
    def incident_rows(self) -> list[IncidentRow]:
        base = routes.incidents(self.role)
        return [
            {
                "number": incident["number"],
                "href": f"{base}/{incident['id']}",
                "title": localized_title(incident, self.language),
                "lot": incident["lot_number"],
                "status": label("incident.status", incident["status"], self.language),
                "colour": colour(INCIDENT_STATUS_COLOURS, incident["status"]),
                "opened": self.fmt_time(incident["opened_at"]),
            }
            for incident in self._order.get("incidents", [])
        ]

    @rx.var
    def timeline(self) -> list[TimelineRow]:
        language = self.language
        rows = []
        for event in self._order.get("timeline", []):
            change = ""
            if event["to_status"]:
                change = label("purchase.status", event["to_status"], language)
                if event["from_status"]:
                    change = f"{label('purchase.status', event['from_status'], language)} → {change}"
            rows.append(
                timeline_row(
                    at=self.fmt_time(event["at"]),
                    title=label("purchase.event", event["kind"], language),
                    change=change,
                    actor=actor_label(
                        event["actor_name"], row_name(event, "actor_organisation", self.language)
                    ),
                    detail=timeline_detail(event["kind"], event["details"] or {}, self.t, language),
                )
            )
        return rows

    @rx.var
    def can_cancel(self) -> bool:
        return self.role == Role.MANAGER and po_states.may_cancel(self._order.get("status"))

    @rx.var
    def can_close(self) -> bool:
        return self.role == Role.MANAGER and po_states.may_close(self._order.get("status"))

    # --- loading -----------------------------------------------------------------------

    def _read(self, order_id: int | str) -> None:
        principal = self._principal(Role.MANAGER, Role.SUPPLIER)
        with session_scope() as session:
            self._order = plain(purchasing.get_purchase_order(session, principal, order_id))
        self.missing = False
        still_open = {str(line["id"]) for line in self._order["lines"] if line["status"] == LineStatus.OPEN}
        self._ack_overrides = {key: value for key, value in self._ack_overrides.items() if key in still_open}

    @rx.event
    def load(self):
        self.loading, self.missing, self._order, self._errors = True, False, {}, {}
        yield
        try:
            self._read(_route_id(self.router.url.path))
        except PermissionDenied:
            pass
        except (NotFound, ValidationFailed):
            self.missing = True
        self.loading = False

    def _refresh(self) -> None:
        if self._order:
            self._read(self._order["id"])

    def _act(self, role: str, action, error_prefix: str = ""):
        """Run `action(session, principal)` and reload the order. Returns (result, None) on
        success; (None, toast or None) when refused: each field error lands beside its field
        (under `error_prefix`), anything else becomes a toast."""
        try:
            principal = self._principal(role)
            with session_scope() as session:
                result = action(session, principal)
        except FieldErrors as error:
            errors: dict[str, list] = {}
            for item in error.errors:  # the first error of a field is the one shown
                errors.setdefault(f"{error_prefix}{item.field or 'form'}", [item.code, plain(item.params)])
            self._errors = errors
            return None, None
        except ValidationFailed as error:
            self._errors = {f"{error_prefix}{error.field or 'form'}": error_entry(error)}
            return None, None
        except DomainError as error:
            self._refresh_quietly()
            return None, self._denied(error)
        self._errors = {}
        self._refresh()
        return result, None

    def _done(self, result, refusal, success_key: str, **params):
        return rx.toast.success(self.t(success_key, **params)) if result is not None else refusal

    def _refresh_quietly(self) -> None:
        with contextlib.suppress(DomainError):
            self._refresh()

    def _map_line_errors(
        self, lines: list[dict], id_key: str, names: dict[str, str], *, shown: tuple[str, ...], fallback: str
    ) -> None:
        """Move each service error on `lines[<index>].<field>` onto that line's own form field; one
        the form has no place for goes under `fallback`."""
        remapped = {}
        for field, entry in self._errors.items():
            head, _, name = field.partition("].")
            index = head.removeprefix("lines[")
            if head.startswith("lines[") and index.isdigit() and int(index) < len(lines):
                field = f"{names.get(name, name)}.{lines[int(index)][id_key]}"
            if not any(
                field == known or (known.endswith(".") and field.startswith(known)) for known in shown
            ):
                field = fallback
            remapped.setdefault(field, entry)
        self._errors = remapped

    # --- the supplier's answers and the manager's decisions ---------------------------------

    @rx.event
    def acknowledge_line(self, form_data: dict):
        line_id = str(form_data.get("line_id") or "")
        promised = str(form_data.get("promised_date") or "")[:20]
        result, refusal = self._act(
            Role.SUPPLIER,
            lambda session, principal: purchasing.acknowledge_line(
                session, principal, line_id, promised_date=promised
            ),
            error_prefix=f"{line_id}.",
        )
        return self._done(result, refusal, "purchase.line_acknowledged_toast")

    @rx.event
    def set_ack_date(self, line_id: str, value: str):
        self._ack_overrides = {**self._ack_overrides, str(line_id): str(value or "")[:20]}

    @rx.event
    def acknowledge_all(self, form_data: dict):
        """Every open line acknowledged at once: with its own typed date, else the one date."""
        order_id = self._order.get("id", 0)
        open_ids = [
            str(line["id"]) for line in self._order.get("lines", []) if line["status"] == LineStatus.OPEN
        ]
        promised = str(form_data.get("promised_date") or "")[:20]
        result, refusal = self._act(
            Role.SUPPLIER,
            lambda session, principal: purchasing.acknowledge_open_lines(
                session, principal, order_id, promised_date=promised, per_line=dict(self._ack_overrides)
            ),
        )
        if result is None:  # answers[i] is the i-th open line
            own = dict(self._ack_overrides)
            self._errors = {
                _answer_field(field, open_ids, own): entry for field, entry in self._errors.items()
            }
        return self._done(result, refusal, "purchase.all_acknowledged_toast", count=len(open_ids))

    @rx.event
    def decide_proposal(self, line_id: str, accept: bool):
        result, refusal = self._act(
            Role.MANAGER,
            lambda session, principal: purchasing.decide_proposal(
                session, principal, line_id, accept=bool(accept)
            ),
        )
        return self._done(
            result,
            refusal,
            "purchase.proposal_accepted_toast" if accept else "purchase.proposal_declined_toast",
        )

    @rx.event
    def close_order(self):
        order_id = self._order.get("id", 0)
        result, refusal = self._act(
            Role.MANAGER,
            lambda session, principal: purchasing.close_purchase_order(session, principal, order_id),
        )
        return self._done(result, refusal, "purchase.closed_toast")
