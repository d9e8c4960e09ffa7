"""Twelve months of purchase-order history for every supplier already in the database.

`seed_supply_history(session, rng_seed=2026)` plays a year of business against the seeded OEM,
its warehouses, suppliers and parts: orders issued each month, answered by the supplier, shipped
with notices (some in two waves, some never completed), received with rejects now and then,
quality incidents answered quickly or slowly, old orders closed. Each supplier gets a profile
(excellent, good, watch or poor) that drives its delays, partial shipments, reject rates,
response times and prices, so the scorecards spread out the way real ones do. Whatever would
happen after `now` has not happened yet: recent orders wait for an answer, are in transit or late.

The first demo supplier (the one `supplier@demo.test` works for) always has something on every
screen: an order awaiting its answer, one due this week, one in transit, a late line and an
incident waiting for its acknowledgement.

Deterministic for a given `rng_seed` and `now`; rows are written in bulk (COPY on PostgreSQL,
executemany on SQLite) with ids assigned here, in the caller's transaction, which is committed;
then the scorecards are recomputed. Runs once: when any purchase order exists it does nothing.
Stock levels are not touched: the demo stock already stands for today, after this history.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import func, text
from sqlmodel import Session, select

from models import (
    GoodsReceipt,
    GoodsReceiptLine,
    Location,
    LocationKind,
    Organisation,
    OrganisationKind,
    Part,
    PurchaseOrder,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    QualityIncident,
    QualityIncidentEvent,
    Role,
    ShippingNotice,
    ShippingNoticeLine,
    User,
)
from models.supply import IncidentSource, IncidentStatus, ShippingNoticeStatus
from models.supply import PurchaseOrderLineStatus as LineStatus
from models.supply import PurchaseOrderStatus as Status
from models.types import CENTS, utcnow
from services.seed.bulk import BulkWriter
from services.supply import scorecards
from services.supply.incident_titles import RECEIPT_REJECT
from services.supply.numbers import asn_number, receipt_number

DEMO_SUPPLIER_EMAIL = "supplier@demo.test"


@dataclass(frozen=True)
class Profile:
    name: str
    late_share: float  # share of deliveries that arrive after the promised date
    late_days: tuple[int, int]
    partial_share: float  # share of orders shipped in two waves
    never_share: float  # of those, the share whose second wave never comes (short-closed)
    reject_share: float  # share of receipt lines with rejects
    reject_rate: tuple[float, float]  # rejected fraction of such a line
    response_hours: tuple[float, float]
    price_factor: tuple[float, float]  # unit price / list price


PROFILES = (
    Profile("excellent", 0.03, (1, 2), 0.04, 0.0, 0.02, (0.002, 0.008), (0.2, 1.5), (0.93, 1.00)),
    Profile("good", 0.18, (1, 8), 0.08, 0.1, 0.08, (0.004, 0.02), (1.0, 10.0), (0.98, 1.06)),
    Profile("watch", 0.30, (2, 12), 0.15, 0.3, 0.12, (0.01, 0.05), (6.0, 30.0), (1.00, 1.10)),
    Profile("poor", 0.55, (4, 25), 0.25, 0.5, 0.30, (0.03, 0.12), (20.0, 90.0), (1.05, 1.18)),
)
PROFILE_WEIGHTS = (30, 35, 20, 15)
QUANTITIES = (20, 50, 100, 100, 200, 250, 500, 1000)
CARRIERS = (
    ("DHL", "JD"),
    ("SF Express", "SF"),
    ("DB Schenker", "DBS"),
    ("Kuehne+Nagel", "KN"),
    ("COSCO Logistics", "CSL"),
    ("JD Logistics", "JDL"),
)
REJECT_REASONS = (
    "dimension out of tolerance",
    "surface scratches",
    "wrong part label",
    "corrosion on arrival",
    "damaged packaging",
    "missing certificate of conformity",
    "hardness below specification",
    "connector pins bent",
)
CONTAINMENT = (
    "100% inspection of stock at the plant and in transit",
    "suspect lots quarantined and sorted",
    "replacement parts shipped by air",
    "extra final inspection station added",
)
ROOT_CAUSES = (
    "worn stamping die",
    "final inspection step skipped on night shift",
    "sub-supplier material batch out of specification",
    "packaging not to specification",
    "measuring machine calibration drift",
)
EVIDENCE = (
    "8D report and inspection records of the next three lots",
    "corrective action report with capability study (Cpk 1.67)",
    "photos of the new packaging and a signed work instruction",
)


@dataclass
class _Ids:
    """Next free id per table, so related rows can be written together in bulk."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


@dataclass
class _Rows:
    orders: list[tuple] = field(default_factory=list)
    lines: list[tuple] = field(default_factory=list)
    events: list[tuple] = field(default_factory=list)
    notices: list[tuple] = field(default_factory=list)
    notice_lines: list[tuple] = field(default_factory=list)
    receipts: list[tuple] = field(default_factory=list)
    receipt_lines: list[tuple] = field(default_factory=list)
    incidents: list[tuple] = field(default_factory=list)
    incident_events: list[tuple] = field(default_factory=list)


_ORDER_COLUMNS = (
    "id",
    "supplier_id",
    "buyer_organisation_id",
    "ship_to_location_id",
    "currency",
    "status",
    "issued_at",
    "issued_by_user_id",
    "status_changed_at",
    "notes",
    "standing_at_issue",
    "cancel_reason",
)
_LINE_COLUMNS = (
    "id",
    "purchase_order_id",
    "line_no",
    "part_id",
    "quantity",
    "unit_price",
    "requested_date",
    "status",
    "promised_date",
    "answered_at",
    "reject_reason",
    "proposed_quantity",
    "proposed_date",
    "proposal_note",
    "shipped_quantity",
    "accepted_quantity",
    "rejected_quantity",
    "received_complete_on",
)
_EVENT_COLUMNS = (
    "purchase_order_id",
    "at",
    "actor_user_id",
    "actor_organisation_id",
    "kind",
    "from_status",
    "to_status",
    "line_id",
    "details",
)
_NOTICE_COLUMNS = (
    "id",
    "purchase_order_id",
    "supplier_id",
    "carrier",
    "tracking_number",
    "shipped_at",
    "created_by_user_id",
    "status",
)
_NOTICE_LINE_COLUMNS = ("id", "notice_id", "po_line_id", "quantity", "lot_number", "received_quantity")
_RECEIPT_COLUMNS = (
    "id",
    "purchase_order_id",
    "notice_id",
    "supplier_id",
    "location_id",
    "received_at",
    "received_on",
    "received_by_user_id",
)
_RECEIPT_LINE_COLUMNS = (
    "id",
    "receipt_id",
    "po_line_id",
    "notice_line_id",
    "part_id",
    "lot_number",
    "accepted_quantity",
    "rejected_quantity",
    "reject_reason",
)
_INCIDENT_COLUMNS = (
    "id",
    "supplier_id",
    "part_id",
    "lot_number",
    "purchase_order_id",
    "po_line_id",
    "receipt_line_id",
    "source",
    "status",
    "title",
    "title_key",
    "title_params",
    "description",
    "quantity_affected",
    "opened_at",
    "opened_by_user_id",
    "acknowledged_at",
    "response_minutes",
    "containment_action",
    "root_cause",
    "evidence",
    "resolved_at",
    "closed_at",
    "reopened_count",
    "status_changed_at",
)
_INCIDENT_EVENT_COLUMNS = (
    "incident_id",
    "at",
    "actor_user_id",
    "actor_organisation_id",
    "kind",
    "from_status",
    "to_status",
    "note",
)


@dataclass
class _World:
    oem_id: int
    manager_id: int | None
    warehouses: list[tuple[int, ZoneInfo]]
    suppliers: list[tuple[int, str]]  # (id, currency)
    parts: dict[
        int, list[tuple[int, Decimal, str, str]]
    ]  # supplier -> [(part id, list price, currency, sku)]
    supplier_users: dict[int, int]
    demo_supplier_id: int | None


@dataclass
class _Wave:
    ship_at: datetime
    arrive_at: datetime
    quantities: dict[int, int]  # line index -> units


@dataclass
class _OrderPlan:
    issued_at: datetime
    answer_at: datetime
    lines: list[tuple[int, int, Decimal, str]]  # (part id, quantity, unit price, sku)
    requested: date
    promised: date
    rejected_lines: set[int]
    waves: list[_Wave]
    warehouse: tuple[int, ZoneInfo]
    currency: str
    profile: Profile  # drives what happens at receipt (rejects) and to incidents (response)


def seed_supply_history(
    session: Session,
    rng_seed: int = 2026,
    *,
    months: int = 12,
    orders_per_month: tuple[int, int] = (2, 4),
    now: datetime | None = None,
    supplier_ids: list[int] | None = None,
    recompute: bool = True,
    progress=None,
) -> dict:
    """Write `months` months of purchase-order history for every supplier (or `supplier_ids`),
    `orders_per_month` orders each month, in the caller's session, and commit; then recompute
    the scorecards. Returns the counts written ({"already_seeded": True} when purchase orders
    already exist; {"skipped": reason} when there is no OEM, warehouse or supplier with parts)."""
    started = time.perf_counter()
    now = (now or utcnow()).astimezone(UTC)
    say = progress or (lambda _line: None)
    if session.exec(select(PurchaseOrder.id).limit(1)).first() is not None:
        return {"already_seeded": True}
    world = _load_world(session, supplier_ids)
    if isinstance(world, str):
        return {"skipped": world}
    rng = random.Random(rng_seed)
    ids = _Ids(
        {
            name: _next_id(session, model)
            for name, model in (
                ("order", PurchaseOrder),
                ("line", PurchaseOrderLine),
                ("notice", ShippingNotice),
                ("notice_line", ShippingNoticeLine),
                ("receipt", GoodsReceipt),
                ("receipt_line", GoodsReceiptLine),
                ("incident", QualityIncident),
            )
        }
    )
    rows = _Rows()
    first_month = _month_start(now, -(months - 1))
    profiles: dict[str, int] = defaultdict(int)
    for supplier_id, currency in world.suppliers:
        parts = world.parts.get(supplier_id)
        if not parts:
            continue
        supplier_rng = random.Random(rng.randrange(2**32))
        profile = (
            PROFILES[1]
            if supplier_id == world.demo_supplier_id
            else supplier_rng.choices(PROFILES, weights=PROFILE_WEIGHTS)[0]
        )
        profiles[profile.name] += 1
        plans = []
        for month_index in range(months):
            month_start = _month_start(first_month, month_index)
            month_end = min(_month_start(first_month, month_index + 1), now)
            for _ in range(supplier_rng.randint(*orders_per_month)):
                issued_at = month_start + timedelta(
                    seconds=supplier_rng.randrange(max(1, int((month_end - month_start).total_seconds())))
                )
                plans.append(_plan_order(supplier_rng, profile, parts, world, issued_at, currency))
        if supplier_id == world.demo_supplier_id:
            plans += _demo_scenarios(supplier_rng, profile, parts, world, now, currency)
        plans.sort(key=lambda plan: plan.issued_at)
        for plan in plans:
            _write_order(rows, ids, supplier_rng, world, supplier_id, plan, now)
    say(f"{time.perf_counter() - started:6.1f}s  {len(rows.orders)} orders planned")
    counts = _flush(session, rows)
    say(f"{time.perf_counter() - started:6.1f}s  history written")
    session.commit()
    result = {"already_seeded": False, **counts, "profiles": dict(profiles)}
    if recompute:
        result["scorecards"] = scorecards.recompute_scorecards(
            session,
            period_from=scorecards.month_of(first_month.date()),
            period_to=scorecards.month_of(now.date()),
            as_of=now,
        )["rows"]
    result["seconds"] = round(time.perf_counter() - started, 1)
    return result


# ---------------------------------------------------------------- loading what exists


def _load_world(session: Session, supplier_ids: list[int] | None) -> _World | str:
    oem_id = session.exec(
        select(Organisation.id).where(Organisation.kind == OrganisationKind.OEM).order_by(Organisation.id)
    ).first()
    if oem_id is None:
        return "no OEM organisation"
    warehouses = [
        (location_id, ZoneInfo(zone))
        for location_id, zone in session.exec(
            select(Location.id, Location.time_zone)
            .where(Location.organisation_id == oem_id, Location.kind == LocationKind.WAREHOUSE)
            .order_by(Location.id)
        )
    ]
    if not warehouses:
        return "no OEM warehouse"
    suppliers_query = (
        select(Organisation.id, Organisation.currency)
        .where(Organisation.kind == OrganisationKind.SUPPLIER)
        .order_by(Organisation.id)
    )
    if supplier_ids is not None:
        suppliers_query = suppliers_query.where(Organisation.id.in_(supplier_ids))
    suppliers = list(session.exec(suppliers_query).all())
    if not suppliers:
        return "no supplier"
    wanted = {supplier_id for supplier_id, _ in suppliers}
    parts: dict[int, list] = defaultdict(list)
    for part_id, supplier_id, price, currency, sku in session.exec(
        select(Part.id, Part.supplier_id, Part.list_price, Part.currency, Part.sku).order_by(Part.id)
    ):
        if supplier_id in wanted and len(parts[supplier_id]) < 60:
            parts[supplier_id].append((part_id, Decimal(price), currency, sku))
    manager_id = session.exec(
        select(User.id).where(User.organisation_id == oem_id, User.role == Role.MANAGER).order_by(User.id)
    ).first()
    supplier_users = dict(
        session.exec(
            select(User.organisation_id, func.min(User.id))
            .where(User.role == Role.SUPPLIER)
            .group_by(User.organisation_id)
        ).all()
    )
    demo_supplier_id = session.exec(
        select(User.organisation_id).where(User.email_normalized == DEMO_SUPPLIER_EMAIL)
    ).first()
    return _World(oem_id, manager_id, warehouses, suppliers, parts, supplier_users, demo_supplier_id)


def _next_id(session: Session, model) -> int:
    return (session.exec(select(func.max(model.id))).one() or 0) + 1


def _month_start(moment: datetime, offset: int) -> datetime:
    index = moment.year * 12 + moment.month - 1 + offset
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


# ---------------------------------------------------------------- planning one order


def _plan_order(
    rng: random.Random,
    profile: Profile,
    parts: list,
    world: _World,
    issued_at: datetime,
    currency: str,
    *,
    delay: int | None = None,
    partial: bool | None = None,
    never: bool | None = None,
    lead_days: int | None = None,
    answer_hours: float | None = None,
    transit_days: int | None = None,
    promise_shift: int | None = None,
) -> _OrderPlan:
    chosen = rng.sample(parts, k=min(len(parts), rng.choice((1, 1, 2, 2, 3, 4))))
    lines = []
    for part_id, list_price, part_currency, sku in chosen:
        factor = Decimal(str(round(rng.uniform(*profile.price_factor), 3)))
        price = max((list_price * factor).quantize(CENTS), CENTS) if part_currency == currency else list_price
        lines.append((part_id, rng.choice(QUANTITIES), price, sku))
    requested = issued_at.date() + timedelta(days=lead_days if lead_days is not None else rng.randint(10, 30))
    if promise_shift is None:
        promise_shift = rng.randint(2, 6) if rng.random() < 0.1 else 0
    promised = requested + timedelta(days=promise_shift)
    answer_at = issued_at + timedelta(hours=answer_hours if answer_hours is not None else rng.uniform(1, 40))
    rejected_lines = {index for index in range(len(lines)) if len(lines) > 1 and rng.random() < 0.02}
    if delay is None:
        delay = rng.randint(*profile.late_days) if rng.random() < profile.late_share else -rng.randint(0, 3)
    warehouse = world.warehouses[rng.randrange(len(world.warehouses))]
    zone = warehouse[1]
    arrive_at = _local_time(promised + timedelta(days=delay), rng, zone)
    ship_at = arrive_at - timedelta(
        days=transit_days if transit_days is not None else rng.randint(1, 4), hours=rng.randint(0, 12)
    )
    active = [index for index in range(len(lines)) if index not in rejected_lines]
    partial = rng.random() < profile.partial_share if partial is None else partial
    never = (rng.random() < profile.never_share) if never is None else never
    if partial and active:
        first = {index: max(1, int(lines[index][1] * rng.uniform(0.5, 0.9))) for index in active}
        waves = [_Wave(ship_at, arrive_at, first)]
        rest = {index: lines[index][1] - units for index, units in first.items() if lines[index][1] > units}
        if rest and not never:
            later = timedelta(days=rng.randint(3, 15))
            waves.append(_Wave(ship_at + later, arrive_at + later, rest))
    else:
        waves = [_Wave(ship_at, arrive_at, {index: lines[index][1] for index in active})]
    return _OrderPlan(
        issued_at, answer_at, lines, requested, promised, rejected_lines, waves, warehouse, currency, profile
    )


def _local_time(day: date, rng: random.Random, zone: ZoneInfo) -> datetime:
    local = datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59), tzinfo=zone)
    return local.astimezone(UTC)


def _demo_scenarios(
    rng: random.Random, profile: Profile, parts: list, world: _World, now: datetime, currency: str
) -> list[_OrderPlan]:
    """Orders that give the demo supplier's screens something in every box."""
    today = now.date()
    return [
        # Awaiting the supplier's answer.
        _plan_order(
            rng,
            profile,
            parts,
            world,
            now - timedelta(hours=5),
            currency,
            lead_days=21,
            answer_hours=48,
            delay=0,
            partial=False,
            promise_shift=0,
        ),
        # Acknowledged, due in four days, not shipped yet.
        _plan_order(
            rng,
            profile,
            parts,
            world,
            now - timedelta(days=10),
            currency,
            lead_days=14,
            answer_hours=6,
            delay=0,
            partial=False,
            transit_days=2,
            promise_shift=0,
        ),
        # Shipped in part; the first wave is on its way.
        _plan_order(
            rng,
            profile,
            parts,
            world,
            now - timedelta(days=12),
            currency,
            lead_days=14,
            answer_hours=3,
            delay=1,
            partial=True,
            never=False,
            transit_days=5,
            promise_shift=0,
        ),
        # Late: promised three days ago, nothing has arrived.
        _plan_order(
            rng,
            profile,
            parts,
            world,
            datetime.combine(today - timedelta(days=17), datetime.min.time(), tzinfo=UTC),
            currency,
            lead_days=14,
            answer_hours=4,
            delay=9,
            partial=False,
            transit_days=2,
            promise_shift=0,
        ),
        # Received yesterday with rejects: an incident waits for its acknowledgement.
        _plan_order(
            rng,
            Profile("reject", 0, (0, 0), 0, 0, 1.0, (0.004, 0.004), (48.0, 48.0), (1, 1)),
            parts,
            world,
            now - timedelta(days=16),
            currency,
            lead_days=15,
            answer_hours=2,
            delay=0,
            partial=False,
            transit_days=2,
            promise_shift=0,
        ),
    ]


# ---------------------------------------------------------------- playing it forward to `now`


def _write_order(
    rows: _Rows,
    ids: _Ids,
    rng: random.Random,
    world: _World,
    supplier_id: int,
    plan: _OrderPlan,
    now: datetime,
) -> None:
    order_id = ids.take("order")
    manager, supplier_user = world.manager_id, world.supplier_users.get(supplier_id)
    oem = world.oem_id
    line_ids = [ids.take("line") for _ in plan.lines]
    answered = plan.answer_at <= now
    status = Status.ISSUED
    status_at = plan.issued_at

    def event(
        at: datetime,
        actor: int | None,
        organisation: int,
        kind: str,
        from_status=None,
        to_status=None,
        line_id=None,
        details=None,
    ) -> None:
        rows.events.append(
            (order_id, at, actor, organisation, kind, from_status, to_status, line_id, details or {})
        )

    event(plan.issued_at, manager, oem, "issued", None, Status.ISSUED, details={"lines": len(plan.lines)})
    shipped = [0] * len(plan.lines)
    accepted = [0] * len(plan.lines)
    rejected = [0] * len(plan.lines)
    complete_on: list[date | None] = [None] * len(plan.lines)
    line_status = [LineStatus.OPEN] * len(plan.lines)
    if answered:
        for index, line_id in enumerate(line_ids):
            if index in plan.rejected_lines:
                line_status[index] = LineStatus.REJECTED
                event(
                    plan.answer_at,
                    supplier_user,
                    supplier_id,
                    "line_rejected",
                    line_id=line_id,
                    details={"line_no": index + 1, "reason": "capacity fully booked"},
                )
            else:
                line_status[index] = LineStatus.ACKNOWLEDGED
                event(
                    plan.answer_at,
                    supplier_user,
                    supplier_id,
                    "line_acknowledged",
                    line_id=line_id,
                    details={"line_no": index + 1, "promised_date": plan.promised.isoformat()},
                )
        event(
            plan.answer_at, supplier_user, supplier_id, "status_changed", Status.ISSUED, Status.ACKNOWLEDGED
        )
        status, status_at = Status.ACKNOWLEDGED, plan.answer_at
        carrier, prefix = CARRIERS[rng.randrange(len(CARRIERS))]
        warehouse_id, zone = plan.warehouse
        ordered = sum(
            plan.lines[index][1] for index in range(len(plan.lines)) if index not in plan.rejected_lines
        )
        last_receipt: datetime | None = None
        for wave_number, wave in enumerate(plan.waves, start=1):
            if wave.ship_at > now or not wave.quantities:
                continue
            notice_id = ids.take("notice")
            notice_lines = []
            for index, units in sorted(wave.quantities.items()):
                notice_line_id = ids.take("notice_line")
                lot = f"L{wave.ship_at:%y%m%d}-{order_id % 100000:05d}-{index + 1}{wave_number}"
                notice_lines.append((notice_line_id, index, units, lot))
                shipped[index] += units
            received = wave.arrive_at <= now
            tracking = f"{prefix}{rng.randrange(10**9, 10**10)}"
            rows.notices.append(
                (
                    notice_id,
                    order_id,
                    supplier_id,
                    carrier,
                    tracking,
                    wave.ship_at,
                    supplier_user,
                    ShippingNoticeStatus.RECEIVED if received else ShippingNoticeStatus.IN_TRANSIT,
                )
            )
            new_status = _status(sum(shipped), sum(accepted) + sum(rejected), ordered)
            event(
                wave.ship_at,
                supplier_user,
                supplier_id,
                "asn_created",
                status if new_status != status else None,
                new_status if new_status != status else None,
                details={"notice_id": notice_id, "number": asn_number(notice_id), "carrier": carrier},
            )
            status, status_at = new_status, wave.ship_at
            for notice_line_id, index, units, lot in notice_lines:
                rows.notice_lines.append(
                    (notice_line_id, notice_id, line_ids[index], units, lot, units if received else 0)
                )
            if not received:
                continue
            receipt_id = ids.take("receipt")
            received_on = wave.arrive_at.astimezone(zone).date()
            rows.receipts.append(
                (
                    receipt_id,
                    order_id,
                    notice_id,
                    supplier_id,
                    warehouse_id,
                    wave.arrive_at,
                    received_on,
                    manager,
                )
            )
            for notice_line_id, index, units, lot in notice_lines:
                bad = 0
                if rng.random() < plan.profile.reject_share:
                    bad = min(units, max(1, round(units * rng.uniform(*plan.profile.reject_rate))))
                receipt_line_id = ids.take("receipt_line")
                reason = REJECT_REASONS[rng.randrange(len(REJECT_REASONS))] if bad else ""
                part_id, _quantity, _price, sku = plan.lines[index]
                rows.receipt_lines.append(
                    (
                        receipt_line_id,
                        receipt_id,
                        line_ids[index],
                        notice_line_id,
                        part_id,
                        lot,
                        units - bad,
                        bad,
                        reason,
                    )
                )
                accepted[index] += units - bad
                rejected[index] += bad
                if complete_on[index] is None and accepted[index] + rejected[index] >= plan.lines[index][1]:
                    complete_on[index] = received_on
                if bad:
                    _write_incident(
                        rows,
                        ids,
                        rng,
                        plan.profile,
                        world,
                        supplier_id,
                        supplier_user,
                        (order_id, line_ids[index], receipt_line_id, part_id, sku, lot, bad, reason),
                        wave.arrive_at,
                        now,
                    )
            new_status = _status(sum(shipped), sum(accepted) + sum(rejected), ordered)
            event(
                wave.arrive_at,
                manager,
                oem,
                "goods_received",
                status if new_status != status else None,
                new_status if new_status != status else None,
                details={"receipt_id": receipt_id, "number": receipt_number(receipt_id)},
            )
            status, status_at = new_status, wave.arrive_at
            last_receipt = wave.arrive_at
        if last_receipt is not None:
            # Received orders are closed a few days later; an order whose rest never shipped is
            # short-closed once every planned wave has arrived.
            close_at = last_receipt + timedelta(days=rng.randint(3, 10))
            all_arrived = all(wave.arrive_at <= now for wave in plan.waves)
            if close_at <= now and (
                status == Status.RECEIVED or status == Status.PARTLY_RECEIVED and all_arrived
            ):
                event(
                    close_at,
                    manager,
                    oem,
                    "status_changed",
                    status,
                    Status.CLOSED,
                    details={"short_quantity": ordered - sum(accepted) - sum(rejected)},
                )
                status, status_at = Status.CLOSED, close_at
    rows.orders.append(
        (
            order_id,
            supplier_id,
            oem,
            plan.warehouse[0],
            plan.currency,
            status,
            plan.issued_at,
            manager,
            status_at,
            "",
            None,
            "",
        )
    )
    for index, (part_id, quantity, price, _sku) in enumerate(plan.lines):
        rows.lines.append(
            (
                line_ids[index],
                order_id,
                index + 1,
                part_id,
                quantity,
                price,
                plan.requested,
                line_status[index],
                plan.promised if line_status[index] == LineStatus.ACKNOWLEDGED else None,
                plan.answer_at if answered else None,
                "capacity fully booked" if line_status[index] == LineStatus.REJECTED else "",
                None,
                None,
                "",
                shipped[index],
                accepted[index],
                rejected[index],
                complete_on[index],
            )
        )


def _status(shipped: int, received: int, ordered: int) -> str:
    if received:
        return Status.RECEIVED if received >= ordered else Status.PARTLY_RECEIVED
    if shipped:
        return Status.SHIPPED if shipped >= ordered else Status.PARTLY_SHIPPED
    return Status.ACKNOWLEDGED


def _write_incident(
    rows: _Rows,
    ids: _Ids,
    rng: random.Random,
    profile: Profile,
    world: _World,
    supplier_id: int,
    supplier_user: int | None,
    link: tuple,
    opened_at: datetime,
    now: datetime,
) -> None:
    order_id, po_line_id, receipt_line_id, part_id, sku, lot, quantity, reason = link
    incident_id = ids.take("incident")
    manager, oem = world.manager_id, world.oem_id
    status, status_at = IncidentStatus.OPEN, opened_at
    events = [(incident_id, opened_at, manager, oem, "opened", None, IncidentStatus.OPEN, reason)]
    acknowledged_at = resolved_at = closed_at = None
    response_minutes = None
    containment = root_cause = evidence = ""
    ack = opened_at + timedelta(hours=rng.uniform(*profile.response_hours))
    if ack <= now:
        acknowledged_at, status, status_at = ack, IncidentStatus.ACKNOWLEDGED, ack
        response_minutes = max(0, round((ack - opened_at).total_seconds() / 60))
        events.append(
            (
                incident_id,
                ack,
                supplier_user,
                supplier_id,
                "acknowledged",
                IncidentStatus.OPEN,
                IncidentStatus.ACKNOWLEDGED,
                "",
            )
        )
        analysed = ack + timedelta(hours=rng.uniform(2, 48))
        if analysed <= now:
            containment = CONTAINMENT[rng.randrange(len(CONTAINMENT))]
            root_cause = ROOT_CAUSES[rng.randrange(len(ROOT_CAUSES))]
            events.append(
                (
                    incident_id,
                    analysed,
                    supplier_user,
                    supplier_id,
                    "analysis",
                    IncidentStatus.ACKNOWLEDGED,
                    IncidentStatus.ACKNOWLEDGED,
                    f"containment_action: {containment}\nroot_cause: {root_cause}",
                )
            )
            resolved = analysed + timedelta(days=rng.uniform(1, 8))
            if resolved <= now:
                evidence = EVIDENCE[rng.randrange(len(EVIDENCE))]
                resolved_at, status, status_at = resolved, IncidentStatus.RESOLVED, resolved
                events.append(
                    (
                        incident_id,
                        resolved,
                        supplier_user,
                        supplier_id,
                        "resolved",
                        IncidentStatus.ACKNOWLEDGED,
                        IncidentStatus.RESOLVED,
                        evidence,
                    )
                )
                closed = resolved + timedelta(days=rng.uniform(0.5, 4))
                if closed <= now:
                    closed_at, status, status_at = closed, IncidentStatus.CLOSED, closed
                    events.append(
                        (
                            incident_id,
                            closed,
                            manager,
                            oem,
                            "closed",
                            IncidentStatus.RESOLVED,
                            IncidentStatus.CLOSED,
                            "",
                        )
                    )
    rows.incidents.append(
        (
            incident_id,
            supplier_id,
            part_id,
            lot,
            order_id,
            po_line_id,
            receipt_line_id,
            IncidentSource.RECEIPT_REJECT,
            status,
            "",  # the system's title: a key and its arguments, translated when shown
            RECEIPT_REJECT,
            {"sku": sku, "count": quantity},
            reason,
            quantity,
            opened_at,
            manager,
            acknowledged_at,
            response_minutes,
            containment,
            root_cause,
            evidence,
            resolved_at,
            closed_at,
            0,
            status_at,
        )
    )
    rows.incident_events.extend(events)


# ---------------------------------------------------------------- writing


def _flush(session: Session, rows: _Rows) -> dict:
    connection = session.connection()
    writer = BulkWriter(connection)
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        from psycopg.types.json import Jsonb

        events = [(*row[:-1], Jsonb(row[-1])) for row in rows.events]
        params_at = _INCIDENT_COLUMNS.index("title_params")
        incidents = [
            (*row[:params_at], Jsonb(row[params_at]), *row[params_at + 1 :]) for row in rows.incidents
        ]
    else:
        events, incidents = rows.events, rows.incidents
    plan = (
        (PurchaseOrder, _ORDER_COLUMNS, rows.orders),
        (PurchaseOrderLine, _LINE_COLUMNS, rows.lines),
        (PurchaseOrderEvent, _EVENT_COLUMNS, events),
        (ShippingNotice, _NOTICE_COLUMNS, rows.notices),
        (ShippingNoticeLine, _NOTICE_LINE_COLUMNS, rows.notice_lines),
        (GoodsReceipt, _RECEIPT_COLUMNS, rows.receipts),
        (GoodsReceiptLine, _RECEIPT_LINE_COLUMNS, rows.receipt_lines),
        (QualityIncident, _INCIDENT_COLUMNS, incidents),
        (QualityIncidentEvent, _INCIDENT_EVENT_COLUMNS, rows.incident_events),
    )
    counts = {}
    for model, columns, table_rows in plan:
        counts[model.__tablename__] = writer.insert(model.__table__, columns, table_rows)
    if postgres:
        for model, _columns, _rows in plan:
            name = model.__tablename__
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
                )
            )
        writer.analyze(model.__table__ for model, _columns, _rows in plan)
    return counts
