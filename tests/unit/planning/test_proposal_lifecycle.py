"""After a replenishment proposal is built (services/planning/proposals.py): discarding a draft, the
service level the planner chose moving the targets, and a transfer carried out (the reserved units
leave the warehouse and arrive at the store), each exactly once. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import AuditLog, OutboxMessage, PurchaseOrder, StockLevel
from models.db import get_engine
from models.planning import ReplenishmentProposal
from services.identity.auth import principal_for
from services.planning import proposals
from services.platform.errors import DomainError, NotFound, PermissionDenied
from tests.factories import make_org, make_user
from tests.planning_world import add_flat_forecast, add_store_forecast, build_planning_world


@pytest.fixture
def world(any_db_url: str):
    """Three parts with 0, 5 and 10 at the warehouse, forecast 30 a month there and at an empty store."""
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_planning_world(session, parts=3, on_hand=5)
        add_flat_forecast(session, world)
        store = add_store_forecast(session, world)
        session.commit()
        yield session, world, store


def _lines(session, world, proposal_id):
    return proposals.lines(session, world.planner, proposal_id)


def _transfers(session, world, proposal_id):
    return {line.part_id: line for line in _lines(session, world, proposal_id) if line.kind == "transfer"}


def _stock(session, location_id, part_id):
    session.expire_all()
    return session.exec(
        select(StockLevel).where(StockLevel.location_id == location_id, StockLevel.part_id == part_id)
    ).first()


def _audits(session, action):
    return session.exec(select(func.count()).select_from(AuditLog).where(AuditLog.action == action)).one()


def test_a_draft_is_discarded_once_and_then_cannot_be_approved(world):
    session, world, _store = world
    proposal_id = proposals.build_proposal(session, world.planner)
    assert proposals.discard(session, world.planner, proposal_id) == {"discarded": True}
    assert proposals.discard(session, world.planner, proposal_id) == {"discarded": False}
    with pytest.raises(DomainError) as refused:
        proposals.approve(session, world.planner, proposal_id)
    assert refused.value.code == "proposal.not_draft"
    with pytest.raises(DomainError):
        proposals.set_quantities(session, world.planner, proposal_id, {})
    shown = proposals.get_proposal(session, world.planner, proposal_id)["proposal"]
    assert shown.status == "discarded" and shown.discarded_by_user_id == world.planner.user_id
    assert shown.purchase_order_ids == []
    assert session.exec(select(func.count()).select_from(PurchaseOrder)).one() == 0
    assert _audits(session, "replenishment_proposal.discarded") == 1
    # A draft reserved nothing: the warehouse's stock is as it was.
    assert {_stock(session, world.warehouse.id, part.id).reserved for part in world.parts} == {0}


def test_an_approved_proposal_cannot_be_discarded(world):
    session, world, _store = world
    proposal_id = proposals.build_proposal(session, world.planner)
    proposals.approve(session, world.planner, proposal_id)
    with pytest.raises(DomainError) as refused:
        proposals.discard(session, world.planner, proposal_id)
    assert refused.value.code == "proposal.not_draft"
    assert session.get(ReplenishmentProposal, proposal_id).status == "approved"


def test_only_the_planners_organisation_discards(world):
    session, world, _store = world
    proposal_id = proposals.build_proposal(session, world.planner)
    with pytest.raises(PermissionDenied):
        proposals.discard(session, world.dealer, proposal_id)
    other_oem = make_org(session, "oem")
    stranger = principal_for(make_user(session, "manager", other_oem), other_oem)
    session.commit()
    with pytest.raises(NotFound):
        proposals.discard(session, stranger, proposal_id)
    assert session.get(ReplenishmentProposal, proposal_id).status == "draft"


def test_a_higher_service_level_raises_the_targets(world):
    """The third part's forecast has an interval (sd 6.48 over the warehouse's 21 days), so its target
    is 20.698 + z x 6.481: z = 1.2816 at 0.90 -> 29.00, z = 2.3263 at 0.99 -> 35.78."""
    session, world, _store = world
    low = proposals.build_proposal(session, world.planner, service_level=0.90)
    high = proposals.build_proposal(session, world.planner, service_level=0.99)
    assert session.get(ReplenishmentProposal, low).service_level == 0.90
    assert session.get(ReplenishmentProposal, high).service_level == 0.99
    third = world.parts[2].id

    def purchase(proposal_id):
        return next(
            line
            for line in _lines(session, world, proposal_id)
            if line.part_id == third and line.kind == "purchase"
        )

    at_low, at_high = purchase(low), purchase(high)
    assert at_low.reason["z"] == pytest.approx(1.2816, abs=1e-4)
    assert at_high.reason["z"] == pytest.approx(2.3263, abs=1e-4)
    assert at_low.reason["target_level"] == pytest.approx(29.00, abs=0.01)
    assert at_high.reason["target_level"] == pytest.approx(35.78, abs=0.01)
    assert at_high.suggested_quantity > at_low.suggested_quantity


def test_a_transfer_carried_out_moves_the_reserved_units_once(world):
    session, world, store = world
    proposal_id = proposals.build_proposal(session, world.planner)
    transfers = _transfers(session, world, proposal_id)
    second, third = world.parts[1].id, world.parts[2].id
    # The store needs 14 (30 a month over its 14 days); the warehouse has 5 and 10 free.
    assert {part: line.quantity for part, line in transfers.items()} == {second: 5, third: 10}
    line = transfers[third]
    assert proposals.transfer_state(session.get(ReplenishmentProposal, proposal_id), line) == "proposed"
    with pytest.raises(DomainError) as refused:
        proposals.ship_transfer(session, world.planner, proposal_id, line.id)
    assert refused.value.code == "proposal.not_approved"
    proposals.approve(session, world.planner, proposal_id)
    assert _stock(session, world.warehouse.id, third).reserved == 10
    messages = session.exec(select(func.count()).select_from(OutboxMessage)).one()

    assert proposals.ship_transfer(session, world.planner, proposal_id, line.id) == {"shipped": True}
    warehouse, at_store = _stock(session, world.warehouse.id, third), _stock(session, store.id, third)
    assert (warehouse.on_hand, warehouse.reserved) == (0, 0)
    assert at_store.on_hand == 10 and at_store.reserved == 0
    assert proposals.ship_transfer(session, world.planner, proposal_id, line.id) == {"shipped": False}
    warehouse, at_store = _stock(session, world.warehouse.id, third), _stock(session, store.id, third)
    assert (warehouse.on_hand, warehouse.reserved, at_store.on_hand) == (0, 0, 10)
    assert _audits(session, "replenishment_proposal.transfer_shipped") == 1
    assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == messages + 1
    proposal = session.get(ReplenishmentProposal, proposal_id)
    session.refresh(line)
    assert line.shipped_by_user_id == world.planner.user_id
    assert proposals.transfer_state(proposal, line) == "shipped"
    # The other transfer still waits at the warehouse, reserved.
    assert proposals.transfer_state(proposal, transfers[second]) == "reserved"
    assert _stock(session, world.warehouse.id, second).reserved == 5


def test_a_transfer_into_a_store_row_that_exists_adds_to_it(world):
    session, world, store = world
    second = world.parts[1]
    from tests.factories import make_stock

    make_stock(session, store, second, on_hand=2)
    session.commit()
    proposal_id = proposals.build_proposal(session, world.planner)
    line = _transfers(session, world, proposal_id)[second.id]
    assert line.quantity == 5  # the store needs 14 - 2 = 12; the warehouse has 5
    proposals.approve(session, world.planner, proposal_id)
    proposals.ship_transfer(session, world.planner, proposal_id, line.id)
    assert _stock(session, store.id, second.id).on_hand == 7
    assert _stock(session, world.warehouse.id, second.id).on_hand == 0


def test_what_cannot_be_shipped(world):
    session, world, _store = world
    proposal_id = proposals.build_proposal(session, world.planner)
    transfers = _transfers(session, world, proposal_id)
    purchase = next(line for line in _lines(session, world, proposal_id) if line.kind == "purchase")
    dropped = transfers[world.parts[1].id]
    proposals.set_quantities(session, world.planner, proposal_id, {dropped.id: 0})
    proposals.approve(session, world.planner, proposal_id)
    with pytest.raises(NotFound) as refused:
        proposals.ship_transfer(session, world.planner, proposal_id, purchase.id)
    assert refused.value.field == "line_id"
    with pytest.raises(DomainError) as refused:
        proposals.ship_transfer(session, world.planner, proposal_id, dropped.id)
    assert refused.value.code == "proposal.transfer_not_reserved"
    other_oem = make_org(session, "oem")
    stranger = principal_for(make_user(session, "manager", other_oem), other_oem)
    session.commit()
    line = transfers[world.parts[2].id]
    with pytest.raises(NotFound):
        proposals.ship_transfer(session, stranger, proposal_id, line.id)
    with pytest.raises(PermissionDenied):
        proposals.ship_transfer(session, world.dealer, proposal_id, line.id)
    assert _stock(session, world.warehouse.id, world.parts[2].id).on_hand == 10
