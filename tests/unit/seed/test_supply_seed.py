"""The 12-month purchase-order history of the demo: deterministic, consistent with the state machine,
spread across standings, and something on every box of the demo supplier's dashboard."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    GoodsReceiptLine,
    Organisation,
    PurchaseOrder,
    PurchaseOrderLine,
    QualityIncident,
    SupplierScorecard,
    User,
)
from models.db import get_engine
from models.migrate import upgrade
from services.identity.auth import principal_for
from services.seed import seed
from services.seed.supply import seed_supply_history
from services.supply import scorecards
from services.supply import states as po_states
from tests.conftest import configure

NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


@pytest.fixture
def seeded(sqlite_url):
    seed(get_engine(), "demo", supply_history=False, pricing=False, sales_history=False, planning=False)
    with Session(get_engine(), expire_on_commit=False) as session:
        counts = seed_supply_history(session, rng_seed=2026, now=NOW)
        yield session, counts


def _fingerprint(session: Session) -> list[tuple]:
    return session.exec(
        select(
            PurchaseOrder.supplier_id,
            PurchaseOrder.status,
            PurchaseOrder.issued_at,
            func.sum(PurchaseOrderLine.quantity),
            func.sum(PurchaseOrderLine.accepted_quantity),
            func.sum(PurchaseOrderLine.rejected_quantity),
        )
        .join(PurchaseOrderLine, PurchaseOrderLine.purchase_order_id == PurchaseOrder.id)
        .group_by(PurchaseOrder.id)
        .order_by(PurchaseOrder.id)
    ).all()


def test_the_history_covers_every_supplier_for_twelve_months_and_runs_once(seeded):
    session, counts = seeded
    assert counts["already_seeded"] is False
    assert counts["purchase_order"] > 40 * 12 and counts["quality_incident"] > 0
    month = func.strftime("%Y-%m", PurchaseOrder.issued_at)
    months = session.exec(select(func.count(func.distinct(month)))).one()
    assert months == 12
    suppliers = session.exec(select(func.count(func.distinct(PurchaseOrder.supplier_id)))).one()
    assert suppliers == 40
    assert seed_supply_history(session, rng_seed=2026, now=NOW) == {"already_seeded": True}


def test_the_same_seed_gives_the_same_history(seeded, tmp_path, monkeypatch):
    session, _counts = seeded
    first = _fingerprint(session)
    other = f"sqlite:///{tmp_path / 'other.db'}"
    upgrade(other)
    configure(monkeypatch, database_url=other)
    seed(get_engine(), "demo", supply_history=False, pricing=False, sales_history=False, planning=False)
    with Session(get_engine()) as second:
        seed_supply_history(second, rng_seed=2026, now=NOW)
        assert _fingerprint(second) == first


def test_orders_agree_with_the_state_machine_and_rejects_open_incidents(seeded):
    session, _counts = seeded
    lines_by_order = defaultdict(list)
    for line in session.exec(select(PurchaseOrderLine)):
        lines_by_order[line.purchase_order_id].append(line)
    for order in session.exec(select(PurchaseOrder)):
        lines = lines_by_order[order.id]
        if order.status == "issued":
            assert all(line.status == "open" and line.shipped_quantity == 0 for line in lines)
        elif order.status != "closed":
            assert order.status == po_states.status_from_lines(lines), order.id
    rejected_lines = session.exec(
        select(func.count()).select_from(GoodsReceiptLine).where(GoodsReceiptLine.rejected_quantity > 0)
    ).one()
    incidents = session.exec(select(func.count()).select_from(QualityIncident)).one()
    assert rejected_lines == incidents > 0


def test_suppliers_spread_from_excellent_to_poor(seeded):
    session, counts = seeded
    assert counts["scorecards"] > 0
    standings = dict(
        session.exec(
            select(SupplierScorecard.standing, func.count())
            .where(SupplierScorecard.period_kind == "rolling12", SupplierScorecard.period == "2026-11")
            .group_by(SupplierScorecard.standing)
        ).all()
    )
    assert standings.get("excellent", 0) >= 5 and standings.get("poor", 0) >= 3
    assert sum(standings.values()) == 40


def test_the_demo_supplier_has_something_in_every_box(seeded):
    session, _counts = seeded
    user = session.exec(select(User).where(User.email_normalized == "supplier@demo.test")).one()
    principal = principal_for(user, session.get(Organisation, user.organisation_id))
    board = scorecards.supplier_dashboard(session, principal, today=NOW.date())
    assert board["awaiting_answer"] >= 1 and board["due_this_week"] >= 1 and board["late"] >= 1
    assert board["orders_by_status"]["partly_shipped"] >= 1
    assert board["incidents_awaiting"] >= 1
    assert board["standing"] in ("good", "excellent") and len(board["trend"]) == 12
