"""A replenishment proposal's steps raced from two sessions on PostgreSQL (two tabs, a retried request,
a planner and the warehouse at once): a transfer carried out twice moves its stock once; an approval
and a discard of the same draft leave exactly one of them done."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func
from sqlmodel import Session, select

from models import AuditLog, PurchaseOrder, StockLevel
from models.db import get_engine
from models.planning import ReplenishmentProposal
from services.planning import proposals
from services.platform.errors import DomainError
from tests.planning_world import add_flat_forecast, add_store_forecast, build_planning_world


def _race(*actions: Callable[[Session], object]) -> tuple[list[object], list[BaseException]]:
    """Run each action in its own session and thread, released together."""
    engine = get_engine()
    start = threading.Barrier(len(actions))
    results: list[object] = []
    errors: list[BaseException] = []

    def run(action) -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                start.wait()
                results.append(action(session))
            except BaseException as error:  # noqa: BLE001 - reported by the caller's assertions
                errors.append(error)

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def _world(session: Session):
    world = build_planning_world(session, parts=3, on_hand=5)
    add_flat_forecast(session, world)
    store = add_store_forecast(session, world)
    session.commit()
    return world, store


def test_a_transfer_shipped_from_two_sessions_at_once_moves_its_stock_once(pg_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world, store = _world(session)
        proposal_id = proposals.build_proposal(session, world.planner)
        proposals.approve(session, world.planner, proposal_id)
        line = next(
            line
            for line in proposals.lines(session, world.planner, proposal_id)
            if line.kind == "transfer" and line.part_id == world.parts[2].id
        )
    ship = lambda session: proposals.ship_transfer(session, world.planner, proposal_id, line.id)  # noqa: E731
    results, errors = _race(ship, ship)
    assert errors == []
    assert sorted(result["shipped"] for result in results) == [False, True]
    with Session(get_engine()) as session:
        levels = {
            level.location_id: (level.on_hand, level.reserved)
            for level in session.exec(select(StockLevel).where(StockLevel.part_id == world.parts[2].id))
        }
        shipped = session.exec(
            select(func.count()).select_from(AuditLog).where(AuditLog.action.like("%transfer_shipped"))
        ).one()
    assert levels == {world.warehouse.id: (0, 0), store.id: (10, 0)}
    assert shipped == 1


def test_an_approval_and_a_discard_at_once_leave_one_of_them_done(pg_url: str):
    with Session(get_engine(), expire_on_commit=False) as session:
        world, _store = _world(session)
        proposal_id = proposals.build_proposal(session, world.planner)
    results, errors = _race(
        lambda session: proposals.approve(session, world.planner, proposal_id),
        lambda session: proposals.discard(session, world.planner, proposal_id),
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], DomainError) and errors[0].code == "proposal.not_draft"
    with Session(get_engine()) as session:
        status = session.get(ReplenishmentProposal, proposal_id).status
        orders = session.exec(select(func.count()).select_from(PurchaseOrder)).one()
        reserved = session.exec(
            select(func.sum(StockLevel.reserved)).where(StockLevel.location_id == world.warehouse.id)
        ).one()
    if status == "approved":
        assert results[0]["created"] is True and orders == 1 and reserved == 15
    else:
        assert status == "discarded" and results[0] == {"discarded": True}
        assert orders == 0 and reserved == 0
