"""Replenishment proposals: what to buy and move, built from the newest finished forecast run and the
day's stock, which a planner (a manager of the carmaker) reviews, edits and approves.

Order-up-to level of a part at a location = forecast demand over the protection period (supplier lead
time + review period) + z * sd of that demand, z = the normal quantile of the service level. The
forecast's per-period sd is read off its stored central interval (runs.py stores the pipeline's 80 %
interval); periods are taken as independent, so the sd grows with the square root of the periods.
Needed = target - (on hand - reserved + on order); a purchase is rounded up to the part's MOQ and
pack size (models.PartReplenishment). A dealer store under its target gets a transfer from the
warehouse, as far as the warehouse's free stock goes.

Approval issues one purchase order per (supplier, warehouse) through services/pricing/prices.py (the
manager's PO page's rules, prices and audit) and reserves the transferred units at the warehouse
(services/ordering/reservations.py), all in one transaction claimed by a status guard
(draft -> approved), so a second approve creates nothing. A draft may be discarded instead (the same
guard, draft -> discarded). An approved transfer is carried out by `ship_transfer`: its reserved
units leave the warehouse and arrive at the store, once (guard: the line's `shipped_at`).

The target computation (`item_target`) is shared with the policy simulation (comparison.py).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from scipy.stats import norm
from sqlalchemy import func, update
from sqlmodel import Session, select

from models import Location, LocationKind, Part, PurchaseOrder, PurchaseOrderLine, Role, StockLevel, User
from models.planning import (
    ForecastPoint,
    ForecastRun,
    ForecastRunStatus,
    ForecastSeries,
    PartReplenishment,
    ProposalLineKind,
    ProposalStatus,
    ReplenishmentProposal,
    ReplenishmentProposalLine,
    SeriesStatus,
)
from models.supply import PurchaseOrderLineStatus
from models.types import utcnow
from services.identity.access import require_role
from services.identity.auth import Principal
from services.ordering import reservations
from services.platform import audit, outbox
from services.platform.errors import DomainError, NotFound, ValidationFailed, field_path
from services.platform.fields import record_id, today_in, whole_quantity
from services.pricing.prices import issue_purchase_order_at_prices_in_force, prices_in_force
from services.supply import purchasing
from services.supply import states as po_states

DEFAULT_SERVICE_LEVEL = 0.95
REVIEW_DAYS = 7
DEFAULT_LEAD_TIME_DAYS = 14
STORED_INTERVAL_LEVEL = 0.8  # services/planning/forecast/pipeline.py's default, what runs.py stores
PERIOD_DAYS = {"month": 365.25 / 12, "week": 7.0}
STORE_HAUL_DAYS = 7  # warehouse -> dealer store: a store's lead time, and a transfer's need-by
LIVE_LINE = (
    PurchaseOrderLineStatus.OPEN,
    PurchaseOrderLineStatus.PROPOSED,
    PurchaseOrderLineStatus.ACKNOWLEDGED,
)


def planner(principal: Principal | None) -> Principal:
    """The principal, if a manager (the carmaker's planner); PermissionDenied otherwise."""
    return require_role(principal, Role.MANAGER)


# --- numbers ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    demand: float  # forecast mean over the protection period
    sd: float  # its standard deviation
    z: float
    level: float  # demand + z * sd


def order_up_to(
    means: list[float], sds: list[float], periods: float, service_level: float = DEFAULT_SERVICE_LEVEL
) -> Target:
    """The order-up-to level over `periods` (fractional) forecast periods: the sum of the first periods'
    means (the last one pro rata), sd = sqrt(sum of their variances, same weighting)."""
    if not 0.0 < service_level < 1.0:
        raise ValidationFailed("replenish.service_level.invalid", field="service_level")
    demand = variance = 0.0
    left = periods
    for mean, sd in zip(means, sds, strict=True):
        if left <= 0:
            break
        share = min(1.0, left)
        demand += share * mean
        variance += share * sd * sd
        left -= share
    if left > 0 and means:  # beyond the horizon: the last period again
        demand += left * means[-1]
        variance += left * sds[-1] ** 2
    sd = math.sqrt(variance)
    z = float(norm.ppf(service_level))
    return Target(demand=demand, sd=sd, z=z, level=demand + z * sd)


def interval_sd(lo: float, hi: float, level: float = STORED_INTERVAL_LEVEL) -> float:
    """The sd of a normal whose central `level` interval is lo .. hi."""
    return max(0.0, hi - lo) / (2 * float(norm.ppf(0.5 + level / 2)))


def rounded_quantity(needed: float, moq: int = 1, pack_size: int = 1) -> int:
    """Whole units to order for a need: 0 for none, else at least the MOQ, in whole packs."""
    if needed <= 0:
        return 0
    units = max(math.ceil(needed - 1e-9), moq)
    return math.ceil(units / pack_size) * pack_size


# --- building --------------------------------------------------------------------------------------


def latest_finished_run(session: Session) -> ForecastRun | None:
    return session.exec(
        select(ForecastRun)
        .where(ForecastRun.status == ForecastRunStatus.FINISHED.value)
        .order_by(ForecastRun.finished_at.desc(), ForecastRun.id.desc())
    ).first()


def _on_order(session: Session, part_ids: list[int]) -> dict[tuple[int, int], int]:
    rows = session.exec(
        select(
            PurchaseOrderLine.part_id,
            PurchaseOrder.ship_to_location_id,
            func.sum(PurchaseOrderLine.quantity - PurchaseOrderLine.accepted_quantity),
        )
        .join(PurchaseOrder, PurchaseOrder.id == PurchaseOrderLine.purchase_order_id)
        .where(
            PurchaseOrder.status.in_(list(po_states.OPEN_STATUSES)),
            PurchaseOrderLine.status.in_([s.value for s in LIVE_LINE]),
            PurchaseOrderLine.part_id.in_(part_ids),
        )
        .group_by(PurchaseOrderLine.part_id, PurchaseOrder.ship_to_location_id)
    ).all()
    return {(part, location): max(0, int(quantity or 0)) for part, location, quantity in rows}


@dataclass(frozen=True)
class ItemTarget:
    """The order-up-to target of one part at one location and the days it protects."""

    target: Target
    lead_days: int  # supplier lead time (warehouse) or the store haul
    protection_days: int  # lead days + review days
    moq: int
    pack_size: int


def run_series(session: Session, principal: Principal, run: ForecastRun) -> list[tuple]:
    """(series, location, part) of a run's forecast series at the planner's warehouses and at the dealer
    stores they serve, by series id."""
    rows = session.exec(
        select(ForecastSeries, Location, Part)
        .join(Location, Location.id == ForecastSeries.location_id)
        .join(Part, Part.id == ForecastSeries.part_id)
        .where(ForecastSeries.run_id == run.id, ForecastSeries.status == SeriesStatus.DONE.value)
        .order_by(ForecastSeries.id)
    ).all()
    return [
        row
        for row in rows
        if row[1].kind == LocationKind.STORE or row[1].organisation_id == principal.organisation_id
    ]


def forecast_points(session: Session, series_ids: list[int]) -> dict[int, list[ForecastPoint]]:
    """The forecast points of the series, by series id, in period order."""
    points: dict[int, list[ForecastPoint]] = defaultdict(list)
    for start in range(0, len(series_ids), 500):
        for point in session.exec(
            select(ForecastPoint)
            .where(ForecastPoint.series_id.in_(series_ids[start : start + 500]))
            .order_by(ForecastPoint.series_id, ForecastPoint.period)
        ):
            points[point.series_id].append(point)
    return points


def ordering_rules(session: Session, part_ids: list[int]) -> dict[int, PartReplenishment]:
    return {
        rule.part_id: rule
        for rule in session.exec(select(PartReplenishment).where(PartReplenishment.part_id.in_(part_ids)))
    }


def item_target(
    forecast: list[ForecastPoint],
    *,
    is_store: bool,
    rule: PartReplenishment | None,
    period_days: float,
    service_level: float,
    review_days: int = REVIEW_DAYS,
) -> ItemTarget:
    """The order-up-to target of a part at a location from its forecast points: a store is protected
    for the review period plus a week's haul from the warehouse, a warehouse for the review period
    plus the part's supplier lead time."""
    moq, pack = (rule.moq, rule.pack_size) if rule else (1, 1)
    lead_days = STORE_HAUL_DAYS if is_store else (rule.lead_time_days if rule else DEFAULT_LEAD_TIME_DAYS)
    protection_days = lead_days + review_days
    target = order_up_to(
        [p.yhat for p in forecast],
        [interval_sd(p.lo, p.hi) for p in forecast],
        protection_days / period_days,
        service_level,
    )
    return ItemTarget(target, lead_days, protection_days, moq, pack)


def build_proposal(
    session: Session,
    principal: Principal,
    *,
    service_level: float = DEFAULT_SERVICE_LEVEL,
    review_days: int = REVIEW_DAYS,
    now: datetime | None = None,
) -> int:
    """A draft proposal from the newest finished forecast run (DomainError `proposal.no_run` without
    one) and today's stock; commits and returns its id. Lines whose quantity rounds to 0 are left out."""
    principal = planner(principal)
    if not 0.0 < service_level < 1.0:
        raise ValidationFailed("replenish.service_level.invalid", field="service_level")
    now = now or utcnow()
    today = today_in(principal.time_zone, now)
    run = latest_finished_run(session)
    if run is None:
        raise DomainError("proposal.no_run")
    period_days = PERIOD_DAYS[run.frequency]
    series = run_series(session, principal, run)
    points = forecast_points(session, [row[0].id for row in series])
    part_ids = sorted({row[2].id for row in series})
    rules = ordering_rules(session, part_ids)
    stock_rows = session.exec(
        select(StockLevel, Location.kind, Location.organisation_id)
        .join(Location, Location.id == StockLevel.location_id)
        .where(StockLevel.part_id.in_(part_ids))
    ).all()
    stock = {(level.part_id, level.location_id): level for level, _kind, _owner in stock_rows}
    on_order = _on_order(session, part_ids)
    proposal = ReplenishmentProposal(
        run_id=run.id, service_level=service_level, created_by_user_id=principal.user_id, created_at=now
    )
    session.add(proposal)
    session.flush()
    warehouses = [row for row in series if row[1].kind == LocationKind.WAREHOUSE]
    stores = [row for row in series if row[1].kind == LocationKind.STORE]
    # The warehouse a store is served from: the carmaker's warehouse holding the part (the first by id).
    free_at_warehouse: dict[int, dict[int, int]] = defaultdict(dict)
    for level, kind, owner in stock_rows:
        if kind == LocationKind.WAREHOUSE and owner == principal.organisation_id:
            free_at_warehouse[level.part_id][level.location_id] = level.on_hand - level.reserved
    for item, location, part in stores + warehouses:
        forecast = points.get(item.id, [])
        if not forecast:
            continue
        is_store = location.kind == LocationKind.STORE
        found = item_target(
            forecast,
            is_store=is_store,
            rule=rules.get(part.id),
            period_days=period_days,
            service_level=service_level,
            review_days=review_days,
        )
        target, moq, pack, lead_days = found.target, found.moq, found.pack_size, found.lead_days
        protection_days = found.protection_days
        level = stock.get((part.id, location.id))
        on_hand = level.on_hand if level else 0
        reserved = level.reserved if level else 0
        incoming = on_order.get((part.id, location.id), 0)
        needed = target.level - (on_hand - reserved + incoming)
        reason = {
            "forecast_demand": round(target.demand, 3),
            "forecast_sd": round(target.sd, 3),
            "protection_days": protection_days,
            "lead_time_days": lead_days,
            "review_days": review_days,
            "service_level": service_level,
            "z": round(target.z, 4),
            "target_level": round(target.level, 3),
            "on_hand": on_hand,
            "reserved": reserved,
            "on_order": incoming,
            "needed": round(needed, 3),
            "moq": moq,
            "pack_size": pack,
        }
        if is_store:
            sources = free_at_warehouse.get(part.id, {})
            if not sources or needed <= 0:
                continue
            source_id, free = max(sources.items(), key=lambda kv: (kv[1], -kv[0]))
            quantity = min(math.ceil(needed - 1e-9), free)
            if quantity <= 0:
                continue
            sources[source_id] = free - quantity
            reason["warehouse_free"] = free
            line = ReplenishmentProposalLine(
                proposal_id=proposal.id,
                kind=ProposalLineKind.TRANSFER.value,
                part_id=part.id,
                from_location_id=source_id,
                to_location_id=location.id,
                suggested_quantity=quantity,
                quantity=quantity,
                need_by=today + timedelta(days=STORE_HAUL_DAYS),
                reason=reason,
            )
        else:
            # Units promised to stores by this proposal's transfers leave the warehouse too.
            promised = free_at_warehouse.get(part.id, {}).get(location.id)
            if promised is not None and level is not None:
                moved = (on_hand - reserved) - promised
                if moved > 0:
                    reason["transferred_out"] = moved
                    needed += moved
                    reason["needed"] = round(needed, 3)
            quantity = rounded_quantity(needed, moq, pack)
            if quantity <= 0:
                continue
            line = ReplenishmentProposalLine(
                proposal_id=proposal.id,
                kind=ProposalLineKind.PURCHASE.value,
                part_id=part.id,
                supplier_id=part.supplier_id,
                to_location_id=location.id,
                suggested_quantity=quantity,
                quantity=quantity,
                need_by=today + timedelta(days=lead_days),
                reason=reason,
            )
        session.add(line)
    audit.record(
        session,
        action="replenishment_proposal.created",
        entity="replenishment_proposal",
        entity_id=proposal.id,
        actor_user_id=principal.user_id,
        organisation_id=principal.organisation_id,
        after={"run_id": run.id, "service_level": service_level},
    )
    session.commit()
    return int(proposal.id)


# --- reading ---------------------------------------------------------------------------------------


def find_proposal(session: Session, principal: Principal, proposal_id: object) -> ReplenishmentProposal:
    proposal = session.get(ReplenishmentProposal, record_id(proposal_id, "proposal_id"))
    if proposal is None or not _visible(session, principal, proposal):
        raise NotFound("proposal.not_found", field="proposal_id")
    return proposal


def _visible(session: Session, principal: Principal, proposal: ReplenishmentProposal) -> bool:
    creator = session.get(User, proposal.created_by_user_id) if proposal.created_by_user_id else None
    return creator is not None and creator.organisation_id == principal.organisation_id


def lines(session: Session, principal: Principal, proposal_id: object) -> list[ReplenishmentProposalLine]:
    planner(principal)
    proposal = find_proposal(session, principal, proposal_id)
    return list(
        session.exec(
            select(ReplenishmentProposalLine)
            .where(ReplenishmentProposalLine.proposal_id == proposal.id)
            .order_by(ReplenishmentProposalLine.kind, ReplenishmentProposalLine.id)
        )
    )


def get_proposal(session: Session, principal: Principal, proposal_id: object) -> dict:
    """The proposal with its lines (each with part, from, to and the unit price in force for purchases)
    and its value per currency (purchase lines at the planner's quantities, in the part's currency, as
    the purchase order will be)."""
    planner(principal)
    proposal = find_proposal(session, principal, proposal_id)
    today = today_in(principal.time_zone, utcnow())
    rows = []
    values: dict[str, Decimal] = defaultdict(Decimal)
    proposal_lines = lines(session, principal, proposal.id)
    part_ids = {line.part_id for line in proposal_lines}
    parts = {part.id: part for part in session.exec(select(Part).where(Part.id.in_(part_ids)))}
    by_supplier: dict[int, set[int]] = defaultdict(set)
    for line in proposal_lines:
        if line.kind == ProposalLineKind.PURCHASE and line.supplier_id:
            by_supplier[line.supplier_id].add(line.part_id)
    in_force = {  # (supplier, part) -> price: one batched look-up per supplier, not one per line
        (supplier_id, part_id): price
        for supplier_id, ids in by_supplier.items()
        for part_id, price in prices_in_force(session, supplier_id, ids, today).items()
    }
    for line in proposal_lines:
        part = parts.get(line.part_id)
        price = (
            in_force.get((line.supplier_id, line.part_id))
            if line.kind == ProposalLineKind.PURCHASE and line.supplier_id
            else None
        )
        if price is not None:
            values[part.currency] += price * line.quantity
        rows.append({"line": line, "part": part, "unit_price": price})
    return {"proposal": proposal, "lines": rows, "values": dict(sorted(values.items()))}


def list_proposals(session: Session, principal: Principal, limit: int = 50) -> list[dict]:
    """The newest proposals of the planner's organisation: id, created, status, line count."""
    planner(principal)
    found = session.exec(
        select(ReplenishmentProposal, func.count(ReplenishmentProposalLine.id))
        .join(User, User.id == ReplenishmentProposal.created_by_user_id)
        .outerjoin(
            ReplenishmentProposalLine, ReplenishmentProposalLine.proposal_id == ReplenishmentProposal.id
        )
        .where(User.organisation_id == principal.organisation_id)
        .group_by(ReplenishmentProposal.id)
        .order_by(ReplenishmentProposal.id.desc())
        .limit(limit)
    ).all()
    return [{"proposal": proposal, "lines": int(count)} for proposal, count in found]


# --- editing and approving -------------------------------------------------------------------------


def set_quantities(
    session: Session, principal: Principal, proposal_id: object, quantities: Mapping[object, object]
) -> None:
    """The planner's quantities by line id (0 drops a line at approval). Every value is checked first
    (ValidationFailed naming `quantities[<line id>]` for a negative or non-whole one), then all are
    written in one commit; a proposal no longer a draft raises DomainError `proposal.not_draft`."""
    planner(principal)
    proposal = find_proposal(session, principal, proposal_id)
    if proposal.status != ProposalStatus.DRAFT:
        raise DomainError("proposal.not_draft")
    by_id = {line.id: line for line in lines(session, principal, proposal.id)}
    checked: dict[int, int] = {}
    for key, value in quantities.items():
        line_id = record_id(key, "line_id")
        if line_id not in by_id:
            raise NotFound("proposal.line_not_found", field=field_path("quantities", line_id))
        checked[line_id] = whole_quantity(value, field_path("quantities", line_id), allow_zero=True)
    for line_id, quantity in checked.items():
        by_id[line_id].quantity = quantity
        session.add(by_id[line_id])
    session.commit()


def approve(session: Session, principal: Principal, proposal_id: object) -> dict:
    """Approve a draft: one purchase order per (supplier, warehouse) for its purchase lines with a
    quantity, the transfers' units reserved at their warehouse. Exactly once: the draft -> approved
    update is the guard (it holds the row's lock until the commit on PostgreSQL); a proposal already
    approved returns its orders and creates nothing (`created` False). A refused order (a blocked
    supplier, a missing price, stock gone for a transfer) rolls everything back."""
    principal = planner(principal)
    proposal = find_proposal(session, principal, proposal_id)
    proposal_id = int(proposal.id)
    now = utcnow()
    try:
        if not _claim_draft(
            session,
            proposal,
            ProposalStatus.APPROVED,
            approved_by_user_id=principal.user_id,
            approved_at=now,
        ):
            return {"created": False, "purchase_order_ids": list(proposal.purchase_order_ids)}
        wanted = [line for line in lines(session, principal, proposal_id) if line.quantity > 0]
        groups: dict[tuple[int, int], list[ReplenishmentProposalLine]] = defaultdict(list)
        moves: list[ReplenishmentProposalLine] = []
        for line in wanted:
            if line.kind == ProposalLineKind.PURCHASE:
                groups[(int(line.supplier_id), line.to_location_id)].append(line)
            else:
                moves.append(line)
        order_ids: list[int] = []
        # The orders (issued with commit=False) and the approval land in one transaction.
        batches = [
            (key, group[start : start + purchasing.MAX_LINES])
            for key, group in sorted(groups.items())
            for start in range(0, len(group), purchasing.MAX_LINES)
        ]
        for (supplier_id, warehouse_id), group in batches:
            issued = issue_purchase_order_at_prices_in_force(
                session,
                principal,
                supplier_id=supplier_id,
                ship_to_location_id=warehouse_id,
                lines=[
                    {"part_id": line.part_id, "quantity": line.quantity, "requested_date": line.need_by}
                    for line in group
                ],
                notes=f"Replenishment proposal {proposal_id}",
                now=now,
                commit=False,
            )
            order_ids.append(int(issued["id"]))
        _reserve_transfers(session, moves)
        session.exec(
            update(ReplenishmentProposal)
            .where(ReplenishmentProposal.id == proposal_id)
            .values(purchase_order_ids=order_ids)
        )
        audit.record(
            session,
            action="replenishment_proposal.approved",
            entity="replenishment_proposal",
            entity_id=proposal_id,
            actor_user_id=principal.user_id,
            organisation_id=principal.organisation_id,
            after={"purchase_order_ids": order_ids, "transfers": len(moves)},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return {"created": True, "purchase_order_ids": order_ids}


def _claim_draft(session: Session, proposal: ReplenishmentProposal, status: ProposalStatus, **values) -> bool:
    """Move the draft to `status` (with `values`) by a conditional update, the exactly-once guard of
    approval and discard alike. False (rolled back) when it was already in `status`; DomainError
    `proposal.not_draft` when it had left draft another way."""
    claimed = session.exec(
        update(ReplenishmentProposal)
        .where(
            ReplenishmentProposal.id == proposal.id,
            ReplenishmentProposal.status == ProposalStatus.DRAFT.value,
        )
        .values(status=status.value, **values)
    ).rowcount
    if claimed == 1:
        return True
    session.rollback()
    session.refresh(proposal)
    if proposal.status != status:
        raise DomainError("proposal.not_draft")
    return False


def _reserve_transfers(session: Session, moves: list[ReplenishmentProposalLine]) -> None:
    """The transferred units are reserved at the warehouse (they wait there for the haul)."""
    wanted: dict[int, int] = defaultdict(int)
    for line in moves:
        level = session.exec(
            select(StockLevel).where(
                StockLevel.part_id == line.part_id, StockLevel.location_id == line.from_location_id
            )
        ).first()
        if level is None:
            raise DomainError("proposal.transfer_short", part_id=line.part_id)
        wanted[int(level.id)] += line.quantity
    if wanted and reservations.reserve(session, wanted.items()):
        raise DomainError("proposal.transfer_short")


def discard(session: Session, principal: Principal, proposal_id: object) -> dict:
    """Discard a draft (it can then never be approved). Exactly once: the draft -> discarded update is
    the guard, the same as approval's, so of an approval and a discard at once only one wins. A draft
    holds no reservations (approval makes them), so none are left to release. A proposal already
    discarded returns `discarded` False; one approved raises DomainError `proposal.not_draft`."""
    principal = planner(principal)
    proposal = find_proposal(session, principal, proposal_id)
    proposal_id = int(proposal.id)
    try:
        if not _claim_draft(
            session,
            proposal,
            ProposalStatus.DISCARDED,
            discarded_by_user_id=principal.user_id,
            discarded_at=utcnow(),
        ):
            return {"discarded": False}
        audit.record(
            session,
            action="replenishment_proposal.discarded",
            entity="replenishment_proposal",
            entity_id=proposal_id,
            actor_user_id=principal.user_id,
            organisation_id=principal.organisation_id,
            before={"status": ProposalStatus.DRAFT.value},
            after={"status": ProposalStatus.DISCARDED.value},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return {"discarded": True}


def transfer_state(proposal: ReplenishmentProposal, line: ReplenishmentProposalLine) -> str:
    """Where a transfer line stands: `proposed` (a draft's), `dropped` (approved with quantity 0, or the
    proposal discarded), `reserved` (approved, waiting at the warehouse), `shipped` (carried out)."""
    if line.shipped_at is not None:
        return "shipped"
    if proposal.status == ProposalStatus.DRAFT:
        return "proposed"
    if proposal.status == ProposalStatus.APPROVED and line.quantity > 0:
        return "reserved"
    return "dropped"


def ship_transfer(session: Session, principal: Principal, proposal_id: object, line_id: object) -> dict:
    """Carry out an approved transfer line: its reserved units leave the warehouse (on hand and reserved
    both go down) and arrive at the store (its on hand goes up; a store without a row of the part gets
    one), in one transaction with the audit entry and a STOCK_CHANGED message. Exactly once: the line's
    `shipped_at IS NULL -> now` update is the guard (it holds the line's lock until the commit on
    PostgreSQL); a line already shipped returns `shipped` False and moves nothing. DomainError
    `proposal.not_approved` for a draft or discarded proposal, `proposal.transfer_not_reserved` for a
    line approved with quantity 0; NotFound `proposal.line_not_found` for a line not of this proposal
    or not a transfer."""
    principal = planner(principal)
    proposal = find_proposal(session, principal, proposal_id)
    line = session.get(ReplenishmentProposalLine, record_id(line_id, "line_id"))
    if line is None or line.proposal_id != proposal.id or line.kind != ProposalLineKind.TRANSFER:
        raise NotFound("proposal.line_not_found", field="line_id")
    if proposal.status != ProposalStatus.APPROVED:
        raise DomainError("proposal.not_approved")
    if line.quantity <= 0:
        raise DomainError("proposal.transfer_not_reserved")
    line_id, quantity = int(line.id), int(line.quantity)
    source_id, target_id, part_id = int(line.from_location_id), int(line.to_location_id), int(line.part_id)
    try:
        claimed = session.exec(
            update(ReplenishmentProposalLine)
            .where(ReplenishmentProposalLine.id == line_id, ReplenishmentProposalLine.shipped_at.is_(None))
            .values(shipped_at=utcnow(), shipped_by_user_id=principal.user_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            session.rollback()
            return {"shipped": False}
        _move_stock(session, part_id, source_id, target_id, quantity)
        audit.record(
            session,
            action="replenishment_proposal.transfer_shipped",
            entity="replenishment_proposal",
            entity_id=int(proposal.id),
            actor_user_id=principal.user_id,
            organisation_id=principal.organisation_id,
            after={
                "line_id": line_id,
                "part_id": part_id,
                "from_location_id": source_id,
                "to_location_id": target_id,
                "quantity": quantity,
            },
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(line)
    return {"shipped": True}


def _move_stock(session: Session, part_id: int, source_id: int, target_id: int, quantity: int) -> None:
    """The reserved units out of the warehouse's row, into the store's, rows touched in ascending id
    (the lock order of every stock writer, services/ordering/reservations.py)."""
    rows = {
        level.location_id: level
        for level in session.exec(
            select(StockLevel).where(
                StockLevel.part_id == part_id, StockLevel.location_id.in_([source_id, target_id])
            )
        )
    }
    source = rows.get(source_id)
    if source is None:
        raise DomainError("proposal.transfer_short", part_id=part_id)
    target = rows.get(target_id)
    steps = [(int(source.id), "out")] + ([(int(target.id), "in")] if target is not None else [])
    for row_id, direction in sorted(steps):
        if direction == "out":
            reservations.commit(session, [(row_id, quantity)])
        else:
            session.exec(
                update(StockLevel)
                .where(StockLevel.id == row_id)
                .values(on_hand=StockLevel.on_hand + quantity)
                .execution_options(synchronize_session=False)
            )
    if target is None:
        session.add(StockLevel(location_id=target_id, part_id=part_id, on_hand=quantity))
    outbox.enqueue(
        session,
        outbox.STOCK_CHANGED,
        {"location_ids": sorted({source_id, target_id}), "part_ids": [part_id], "cause": "transfer"},
    )
