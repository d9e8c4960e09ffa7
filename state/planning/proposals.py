"""/manager/planning/proposals and /manager/planning/proposals/<id>: the planner's replenishment
proposals (services/planning/proposals.py): the list with the "propose replenishment" button, one
proposal's lines with the planner's quantities, and its approval."""

from __future__ import annotations

from typing import TypedDict

import reflex as rx

from models import Location, Organisation, Role
from models.db import session_scope
from services.i18n.names import localized_name
from services.planning import proposals
from services.platform.errors import DomainError, NotFound, PermissionDenied
from services.platform.formatting import format_money, format_rate
from services.supply.numbers import po_number
from state.shared import routes
from state.shared.auth import AuthState


class ProposalRow(TypedDict):
    id: int
    href: str
    created_day: str
    created_time: str
    lines: str
    status: str
    level: str


class LineRow(TypedDict):
    id: str
    sku: str
    part: str
    kind: str
    route: str
    suggested: str
    quantity: str
    need_by: str
    reason: str
    state: str
    state_label: str
    can_ship: bool


class Choice(TypedDict):
    value: str
    label: str


SERVICE_LEVELS = ("0.90", "0.95", "0.98", "0.99")


def _reference(path: str) -> int | None:
    reference = path.rstrip("/").rsplit("/", 1)[-1]
    return int(reference) if reference.isdigit() and len(reference) < 10 else None


class ProposalsState(AuthState):
    loading: bool = True
    busy: bool = False
    shipping: str = ""  # the transfer line being shipped
    service_level: str = "0.95"
    proposal_id: int = 0
    status: str = ""
    value: str = ""
    quantities: dict[str, str] = {}
    orders: list[dict[str, str]] = []
    _list: list[dict] = []
    _lines: list[dict] = []

    @rx.var
    def proposal_rows(self) -> list[ProposalRow]:
        return [
            {
                "id": row["id"],
                "href": routes.proposal(row["id"]),
                "created_day": self.fmt_time_parts(row["created_at"])[0],
                "created_time": self.fmt_time_parts(row["created_at"])[1],
                "lines": self.fmt_number(row["lines"]),
                "status": self.t(f"proposals.status.{row['status']}"),
                "level": format_rate(row["service_level"], self.language),
            }
            for row in self._list
        ]

    @rx.var
    def service_level_options(self) -> list[Choice]:
        return [
            {"value": level, "label": format_rate(float(level), self.language)} for level in SERVICE_LEVELS
        ]

    @rx.var
    def line_rows(self) -> list[LineRow]:
        return [
            {
                "id": str(row["id"]),
                "sku": row["sku"],
                "part": localized_name(row["part"], row["part_zh"], self.language),
                "kind": self.t(f"proposals.kind.{row['kind']}"),
                "route": row["source"] + " → " + row["target"],
                "suggested": self.fmt_number(row["suggested"]),
                "quantity": self.quantities.get(str(row["id"]), str(row["quantity"])),
                "need_by": row["need_by"],
                "reason": self.t(
                    "proposals.reason",
                    level=format_rate(row["reason"].get("service_level", 0.95), self.language),
                    z=self.fmt_number(round(row["reason"].get("z", 0), 3)),
                    demand=self.fmt_number(row["reason"].get("forecast_demand", 0)),
                    days=row["reason"].get("protection_days", 0),
                    target=self.fmt_number(row["reason"].get("target_level", 0)),
                    on_hand=row["reason"].get("on_hand", 0),
                    reserved=row["reason"].get("reserved", 0),
                    on_order=row["reason"].get("on_order", 0),
                    moq=row["reason"].get("moq", 1),
                    pack=row["reason"].get("pack_size", 1),
                ),
                "state": row["state"],
                "state_label": self.t(f"proposals.transfer.{row['state']}") if row["state"] else "",
                "can_ship": row["state"] == "reserved",
            }
            for row in self._lines
        ]

    @rx.var
    def simulation_href(self) -> str:
        return routes.simulation(self.proposal_id)

    @rx.var
    def is_draft(self) -> bool:
        return self.status == "draft"

    @rx.var
    def status_label(self) -> str:
        return self.t(f"proposals.status.{self.status}") if self.status else ""

    # --- list ----------------------------------------------------------------------------------

    def _fetch_list(self) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            self._list = [
                {
                    "id": row["proposal"].id,
                    "created_at": row["proposal"].created_at.isoformat(),
                    "lines": row["lines"],
                    "status": row["proposal"].status,
                    "service_level": row["proposal"].service_level,
                }
                for row in proposals.list_proposals(session, principal)
            ]

    @rx.event
    def load_list(self):
        self.loading = True
        yield
        try:
            self._fetch_list()
        except DomainError as error:
            self.loading = False
            yield self._denied(error)
            return
        self.loading = False

    @rx.event
    def set_service_level(self, value: str):
        if value in SERVICE_LEVELS:
            self.service_level = value

    @rx.event
    def propose(self):
        if self.busy:
            return
        self.busy = True
        yield
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                proposal_id = proposals.build_proposal(
                    session, principal, service_level=float(self.service_level)
                )
            self._fetch_list()
        except DomainError as error:
            self.busy = False
            yield rx.toast.error(self.t(error.code, **error.params))
            return
        self.busy = False
        yield rx.toast.success(self.t("proposals.created", id=proposal_id))
        yield rx.redirect(routes.proposal(proposal_id))

    # --- one proposal --------------------------------------------------------------------------

    def _fetch_one(self, proposal_id: int) -> None:
        principal = self._principal(Role.MANAGER)
        with session_scope() as session:
            shown = proposals.get_proposal(session, principal, proposal_id)
            proposal = shown["proposal"]
            names: dict[int, str] = {}

            def where(location_id: int | None) -> str:
                if location_id is None:
                    return ""
                if location_id not in names:
                    names[location_id] = session.get(Location, location_id).code
                return names[location_id]

            rows = []
            for item in shown["lines"]:
                line, part = item["line"], item["part"]
                if line.kind == "purchase":
                    supplier = session.get(Organisation, line.supplier_id)
                    source = localized_name(supplier.name, supplier.name_zh, self.language)
                else:
                    source = where(line.from_location_id)
                rows.append(
                    {
                        "id": line.id,
                        "sku": part.sku,
                        "part": part.name,
                        "part_zh": part.name_zh,
                        "kind": line.kind,
                        "source": source,
                        "target": where(line.to_location_id),
                        "suggested": line.suggested_quantity,
                        "quantity": line.quantity,
                        "need_by": line.need_by.isoformat(),
                        "reason": dict(line.reason),
                        "state": proposals.transfer_state(proposal, line) if line.kind == "transfer" else "",
                    }
                )
            self.value = (
                " · ".join(
                    format_money(amount, currency, self.language)
                    for currency, amount in shown["values"].items()
                )
                or "—"
            )  # no purchase line with a price
            self.status = proposal.status
            self.orders = [
                {"number": po_number(order_id), "href": routes.purchase_order(Role.MANAGER, order_id)}
                for order_id in proposal.purchase_order_ids
            ]
        self._lines = rows
        self.quantities = {str(row["id"]): str(row["quantity"]) for row in rows}

    @rx.event
    def load_one(self):
        proposal_id = _reference(self.router.url.path)
        if proposal_id != self.proposal_id:
            self._lines, self.status, self.orders, self.loading = [], "", [], True
        self.proposal_id = proposal_id or 0
        try:
            self._principal(Role.MANAGER)
        except PermissionDenied:
            return
        try:
            if proposal_id is None:
                raise NotFound("proposal.not_found", field="proposal_id")
            self._fetch_one(proposal_id)
        except (NotFound, PermissionDenied):
            self._lines, self.status = [], ""
        self.loading = False

    @rx.event
    def set_quantity(self, line_id: str, value: str):
        self.quantities[line_id] = value.strip()

    @rx.event
    def approve(self):
        if self.busy or not self.is_draft:
            return
        self.busy = True
        yield
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                proposals.set_quantities(session, principal, self.proposal_id, self.quantities)
            with session_scope() as session:
                done = proposals.approve(session, principal, self.proposal_id)
            self._fetch_one(self.proposal_id)
        except DomainError as error:
            self.busy = False
            yield rx.toast.error(self.t(error.code, **error.params))
            return
        self.busy = False
        yield rx.toast.success(self.t("proposals.approved", count=len(done["purchase_order_ids"])))

    @rx.event
    def discard(self):
        if self.busy or not self.is_draft:
            return
        self.busy = True
        yield
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                done = proposals.discard(session, principal, self.proposal_id)
            self._fetch_one(self.proposal_id)
        except DomainError as error:
            self.busy = False
            yield rx.toast.error(self.t(error.code, **error.params))
            return
        self.busy = False
        if done["discarded"]:
            yield rx.toast.success(self.t("proposals.discarded"))
        else:
            yield rx.toast.info(self.t("proposals.already_discarded"))

    @rx.event
    def ship(self, line_id: str):
        if self.shipping:
            return
        self.shipping = line_id
        yield
        try:
            principal = self._principal(Role.MANAGER)
            with session_scope() as session:
                done = proposals.ship_transfer(session, principal, self.proposal_id, line_id)
            self._fetch_one(self.proposal_id)
        except DomainError as error:
            self.shipping = ""
            yield rx.toast.error(self.t(error.code, **error.params))
            return
        self.shipping = ""
        if done["shipped"]:
            yield rx.toast.success(self.t("proposals.transfer_shipped"))
        else:
            yield rx.toast.info(self.t("proposals.transfer_already_shipped"))
