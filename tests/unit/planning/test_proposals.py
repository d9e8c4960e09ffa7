"""Replenishment proposals (services/planning/proposals.py): the order-up-to target and MOQ / pack
rounding on hand-checked numbers, the reason a line carries, approval issuing exactly the purchase
orders shown, once, and only for the carmaker's planner. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import PurchaseOrder, PurchaseOrderLine, StockLevel
from models.db import get_engine
from models.planning import (
    ForecastPoint,
    ForecastRun,
    ForecastSeries,
    ReplenishmentProposal,
)
from services.identity.auth import principal_for
from services.planning import proposals
from services.platform.errors import DomainError, NotFound, PermissionDenied, ValidationFailed
from services.supply import purchasing
from tests.factories import make_location, make_org, make_stock, make_user
from tests.planning_world import add_flat_forecast, build_planning_world


def test_order_up_to_on_hand_checked_numbers():
    target = proposals.order_up_to([10.0, 10.0], [3.0, 4.0], 2.0, 0.95)
    assert target.demand == pytest.approx(20.0)
    assert target.sd == pytest.approx(5.0)
    assert target.z == pytest.approx(1.644854, abs=1e-6)
    assert target.level == pytest.approx(28.224268, abs=1e-5)
    half = proposals.order_up_to([10.0, 30.0], [2.0, 2.0], 1.5, 0.5)
    assert half.demand == pytest.approx(25.0)
    assert half.sd == pytest.approx(2.0 * 1.5**0.5)
    assert half.level == pytest.approx(25.0)
    # The stored interval is the central 80 %: +-1.28155 sd.
    assert proposals.interval_sd(10.0, 10.0 + 2 * 1.2815516) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("needed", "moq", "pack", "quantity"),
    [(0, 1, 1, 0), (-3, 10, 5, 0), (0.2, 1, 1, 1), (15.7, 1, 1, 16), (15.7, 20, 1, 20), (15.7, 20, 12, 24),
     (25, 20, 12, 36), (24, 1, 12, 24)],
)  # fmt: skip
def test_quantities_round_up_to_moq_and_pack(needed, moq, pack, quantity):
    assert proposals.rounded_quantity(needed, moq, pack) == quantity


@pytest.fixture
def world(any_db_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_planning_world(session, parts=3, on_hand=5)
        add_flat_forecast(session, world)
        session.commit()
        yield session, world


def _lines(session, world, proposal_id):
    return {line.part_id: line for line in proposals.lines(session, world.planner, proposal_id)}


def test_a_proposal_carries_targets_rounding_and_reasons(world):
    session, world = world
    proposal_id = proposals.build_proposal(session, world.planner, service_level=0.95, review_days=7)
    found = _lines(session, world, proposal_id)
    first, second, third = world.parts
    # 21 days of a 30-a-month forecast = 30 * 21 / 30.4375 = 20.698; on hand 0 -> 21 units.
    assert found[first.id].kind == "purchase"
    assert found[first.id].suggested_quantity == 21 == found[first.id].quantity
    assert found[first.id].supplier_id == first.supplier_id
    reason = found[first.id].reason
    assert reason["forecast_demand"] == pytest.approx(20.698, abs=1e-3)
    assert reason["on_hand"] == 0 and reason["on_order"] == 0 and reason["reserved"] == 0
    assert reason["target_level"] == pytest.approx(20.698, abs=1e-3)
    # On hand 5: needs 15.698 -> 16, MOQ 20, packs of 12 -> 24.
    assert found[second.id].suggested_quantity == 24
    assert found[second.id].reason["moq"] == 20 and found[second.id].reason["pack_size"] == 12
    # Spread: sd = 20 / 2.563 per month * sqrt(0.68994) = 6.4814; target 20.698 + 1.6449 * 6.4814 = 31.359;
    # on hand 10 -> 21.359 -> 22.
    assert found[third.id].reason["forecast_sd"] == pytest.approx(6.481, abs=1e-3)
    assert found[third.id].suggested_quantity == 22
    assert found[third.id].need_by > date.today() - timedelta(days=1)


def test_approval_issues_exactly_the_orders_shown_once(world):
    session, world = world
    proposal_id = proposals.build_proposal(session, world.planner)
    found = _lines(session, world, proposal_id)
    first, second, third = world.parts
    proposals.set_quantities(
        session, world.planner, proposal_id, {found[first.id].id: 0, found[second.id].id: "36"}
    )
    done = proposals.approve(session, world.planner, proposal_id)
    assert done["created"] is True and len(done["purchase_order_ids"]) == 1
    again = proposals.approve(session, world.planner, proposal_id)
    assert again == {"created": False, "purchase_order_ids": done["purchase_order_ids"]}
    assert session.exec(select(func.count()).select_from(PurchaseOrder)).one() == 1
    ordered = {line.part_id: line.quantity for line in session.exec(select(PurchaseOrderLine))}
    assert ordered == {second.id: 36, third.id: found[third.id].suggested_quantity}
    order = purchasing.get_purchase_order(session, world.supplier, done["purchase_order_ids"][0])
    assert order["supplier_id"] == second.supplier_id
    shown = proposals.get_proposal(session, world.planner, proposal_id)
    assert shown["proposal"].status == "approved"
    with pytest.raises(DomainError):
        proposals.set_quantities(session, world.planner, proposal_id, {found[third.id].id: 1})


@pytest.mark.parametrize("bad", [-1, "2.5", 1.5, "many"])
def test_bad_quantities_are_refused_and_nothing_is_written(world, bad):
    session, world = world
    proposal_id = proposals.build_proposal(session, world.planner)
    found = _lines(session, world, proposal_id)
    first, second, _ = world.parts
    with pytest.raises(ValidationFailed) as refused:
        proposals.set_quantities(
            session, world.planner, proposal_id, {found[first.id].id: 3, found[second.id].id: bad}
        )
    assert refused.value.field == f"quantities[{found[second.id].id}]"
    session.rollback()
    assert {line.quantity for line in proposals.lines(session, world.planner, proposal_id)} == {
        line.suggested_quantity for line in found.values()
    }


def test_only_the_carmakers_planner_sees_or_approves(world):
    session, world = world
    proposal_id = proposals.build_proposal(session, world.planner)
    for outsider in (world.dealer, world.supplier):
        with pytest.raises(PermissionDenied):
            proposals.build_proposal(session, outsider)
        with pytest.raises(PermissionDenied):
            proposals.approve(session, outsider, proposal_id)
        with pytest.raises(PermissionDenied):
            proposals.list_proposals(session, outsider)
    other_oem = make_org(session, "oem")
    stranger = principal_for(make_user(session, "manager", other_oem), other_oem)
    session.commit()
    with pytest.raises(NotFound):
        proposals.approve(session, stranger, proposal_id)
    assert proposals.list_proposals(session, stranger) == []
    assert session.get(ReplenishmentProposal, proposal_id).status == "draft"


def test_a_store_under_target_gets_a_transfer_reserved_at_approval(world):
    session, world = world
    first = world.parts[2]  # 10 on hand at the warehouse
    store = make_location(session, make_org(session, "dealer"), kind="store")
    make_stock(session, store, first, on_hand=0)
    run = session.exec(select(ForecastRun)).one()
    series = ForecastSeries(run_id=run.id, part_id=first.id, location_id=store.id, chunk=0, status="done")
    session.add(series)
    session.flush()
    session.add(ForecastPoint(series_id=series.id, period=date.today(), yhat=8.0, lo=8.0, hi=8.0))
    session.commit()
    proposal_id = proposals.build_proposal(session, world.planner, review_days=7)
    transfer = [
        line for line in proposals.lines(session, world.planner, proposal_id) if line.kind == "transfer"
    ]
    # 14 days (a week's haul + review) of 8 a month = 3.68 -> 4 units from the warehouse.
    assert len(transfer) == 1 and transfer[0].suggested_quantity == 4
    assert transfer[0].from_location_id == world.warehouse.id and transfer[0].to_location_id == store.id
    proposals.approve(session, world.planner, proposal_id)
    level = session.exec(
        select(StockLevel).where(StockLevel.part_id == first.id, StockLevel.location_id == world.warehouse.id)
    ).one()
    assert level.reserved == 4


def test_no_finished_run_no_proposal(any_db_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_planning_world(session, parts=1)
        session.commit()
        with pytest.raises(DomainError):
            proposals.build_proposal(session, world.planner)
