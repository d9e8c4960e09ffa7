"""Approving a replenishment proposal on PostgreSQL from two sessions at once (two tabs, a retried
request): one set of purchase orders, and the supplier's inbox lists them."""

from __future__ import annotations

import threading

from sqlalchemy import func
from sqlmodel import Session, select

from models import PurchaseOrder
from models.db import get_engine
from services.catalog.lists import Page
from services.planning import proposals
from services.supply import purchasing
from tests.planning_world import add_flat_forecast, build_planning_world


def test_two_concurrent_approvals_issue_one_set_of_orders(pg_url: str):
    engine = get_engine()
    with Session(engine, expire_on_commit=False) as session:
        world = build_planning_world(session, parts=3, on_hand=5)
        add_flat_forecast(session, world)
        session.commit()
        proposal_id = proposals.build_proposal(session, world.planner)
    start = threading.Barrier(2)
    results: list[dict] = []
    errors: list[BaseException] = []

    def approve() -> None:
        with Session(engine, expire_on_commit=False) as session:
            try:
                start.wait()
                results.append(proposals.approve(session, world.planner, proposal_id))
            except BaseException as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(result["created"] for result in results) == [False, True]
    assert results[0]["purchase_order_ids"] == results[1]["purchase_order_ids"]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(PurchaseOrder)).one() == 1
        inbox, total = purchasing.list_purchase_orders(session, world.supplier, page=Page(), status="issued")
    assert total == 1
    assert [row["id"] for row in inbox] == results[0]["purchase_order_ids"]
