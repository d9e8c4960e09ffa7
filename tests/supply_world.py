"""A small supply world for the supplier-workspace tests: the OEM with a manager and a warehouse,
two suppliers (each with a user, a plant and parts), and helpers that walk an order through
issue, acknowledgement, shipping and receipt."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session

from models import Location, Organisation, Part
from services.identity.auth import Principal, principal_for
from services.supply import purchasing
from tests.factories import make_location, make_org, make_part, make_user

# A fixed "now" keeps dates in the tests readable: a Monday, mid-morning in Shanghai.
NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
TODAY = date(2026, 3, 2)


@dataclass
class SupplierSide:
    organisation: Organisation
    principal: Principal
    plant: Location
    parts: list[Part] = field(default_factory=list)


@dataclass
class SupplyWorld:
    oem: Organisation
    manager: Principal
    warehouse: Location
    first: SupplierSide
    second: SupplierSide


def build_world(session: Session, parts_per_supplier: int = 3) -> SupplyWorld:
    """Make the world and commit it; principals are plain dataclasses, safe after commit."""
    oem = make_org(session, "oem")
    manager_user = make_user(session, "manager", oem)
    warehouse = make_location(session, oem, kind="warehouse")
    sides = []
    for _ in range(2):
        organisation = make_org(session, "supplier")
        user = make_user(session, "supplier", organisation)
        plant = make_location(session, organisation, kind="plant")
        parts = [make_part(session, organisation, price="10.00") for _ in range(parts_per_supplier)]
        sides.append(SupplierSide(organisation, principal_for(user, organisation), plant, parts))
    world = SupplyWorld(oem, principal_for(manager_user, oem), warehouse, *sides)
    session.commit()
    return world


def issue(
    session: Session,
    world: SupplyWorld,
    quantities: list[int] | None = None,
    *,
    side: SupplierSide | None = None,
    price: str = "10.00",
    requested: date | None = None,
    now: datetime = NOW,
) -> dict:
    """Issue an order of one line per quantity (parts in order) to `side` (default: the first)."""
    side = side or world.first
    quantities = quantities or [100]
    return purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=side.organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=[
            {
                "part_id": side.parts[i].id,
                "quantity": q,
                "unit_price": price,
                "requested_date": (requested or TODAY + timedelta(days=14)).isoformat(),
            }
            for i, q in enumerate(quantities)
        ],
        now=now,
    )


def acknowledge_all(
    session: Session,
    world: SupplyWorld,
    order: dict,
    promised: date | None = None,
    *,
    side: SupplierSide | None = None,
    now: datetime = NOW,
) -> dict:
    side = side or world.first
    return purchasing.respond_to_order(
        session,
        side.principal,
        order["id"],
        [
            {
                "line_id": line["id"],
                "action": "acknowledge",
                "promised_date": (promised or TODAY + timedelta(days=10)).isoformat(),
            }
            for line in order["lines"]
        ],
        now=now,
    )


def ship(
    session: Session,
    world: SupplyWorld,
    order: dict,
    quantities: list[int],
    lot: str = "LOT-A",
    *,
    side: SupplierSide | None = None,
    shipped_at: datetime = NOW,
) -> dict:
    side = side or world.first
    return purchasing.create_shipping_notice(
        session,
        side.principal,
        order["id"],
        carrier="DHL",
        tracking_number="JD0001",
        lines=[
            {"line_id": line["id"], "quantity": q, "lot_number": lot}
            for line, q in zip(order["lines"], quantities, strict=False)
            if q
        ],
        shipped_at=shipped_at,
    )


def receive(
    session: Session,
    world: SupplyWorld,
    notice: dict,
    accepted: list[int],
    rejected: list[int] | None = None,
    *,
    received_at: datetime = NOW,
    reason: str = "scratched housing",
) -> dict:
    rejected = rejected or [0] * len(accepted)
    return purchasing.receive_goods(
        session,
        world.manager,
        notice["id"],
        lines=[
            {
                "notice_line_id": line["id"],
                "accepted_quantity": a,
                "rejected_quantity": r,
                "reject_reason": reason if r else "",
            }
            for line, a, r in zip(notice["lines"], accepted, rejected, strict=False)
        ],
        received_at=received_at,
    )


def hand_checked_month(session: Session, world: SupplyWorld) -> dict:
    """The scorecard example worked by hand in the tests: one March 2026 order to the first supplier,
    four lines of 400, 300, 200 and 100 units at 10.50 against a list price of 10.00, promised for
    10 March, shipped on 5 March in one notice; lines 1-3 arrive on 9 March (1 unit rejected on each
    of lines 1 and 2), line 4 on 12 March (late). The two incidents are acknowledged after 1 h 30
    and 6 h 30."""
    from services.supply import quality

    march_1 = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    order = purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=world.first.organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=[
            {"part_id": part.id, "quantity": quantity, "unit_price": "10.50", "requested_date": "2026-03-10"}
            for part, quantity in zip(world.first.parts, (400, 300, 200, 100), strict=True)
        ],
        now=march_1,
    )
    order = purchasing.respond_to_order(
        session,
        world.first.principal,
        order["id"],
        [
            {"line_id": line["id"], "action": "acknowledge", "promised_date": "2026-03-10"}
            for line in order["lines"]
        ],
        now=march_1 + timedelta(hours=3),
    )
    notice = ship(
        session,
        world,
        order,
        [400, 300, 200, 100],
        lot="L0305",
        shipped_at=datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
    )
    march_9 = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
    receipt = purchasing.receive_goods(
        session,
        world.manager,
        notice["id"],
        lines=[
            {
                "notice_line_id": notice["lines"][0]["id"],
                "accepted_quantity": 399,
                "rejected_quantity": 1,
                "reject_reason": "burr on flange",
            },
            {
                "notice_line_id": notice["lines"][1]["id"],
                "accepted_quantity": 299,
                "rejected_quantity": 1,
                "reject_reason": "wrong label",
            },
            {"notice_line_id": notice["lines"][2]["id"], "accepted_quantity": 200},
        ],
        received_at=march_9,
    )
    late = purchasing.receive_goods(
        session,
        world.manager,
        notice["id"],
        lines=[{"notice_line_id": notice["lines"][3]["id"], "accepted_quantity": 100}],
        received_at=datetime(2026, 3, 12, 2, 0, tzinfo=UTC),
    )
    first_incident, second_incident = receipt["incident_ids"]
    quality.acknowledge_incident(
        session, world.first.principal, first_incident, now=march_9 + timedelta(hours=1, minutes=30)
    )
    quality.acknowledge_incident(
        session, world.first.principal, second_incident, now=march_9 + timedelta(hours=6, minutes=30)
    )
    return {
        "order": order,
        "notice": notice,
        "receipt": receipt,
        "late_receipt": late,
        "incidents": [first_incident, second_incident],
    }
