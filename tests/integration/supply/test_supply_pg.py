"""The supplier workspace on the real PostgreSQL server: the set-based recompute gives the figures
worked out by hand and the same scores as on SQLite, a 50,000-row inventory file is applied in
one transaction, and two concurrent shipping notices cannot ship more than is open."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from models import (
    Location,
    Organisation,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    ShippingNotice,
    StockLevel,
    SupplierScorecard,
    User,
)
from models.db import engine_for, get_engine
from models.migrate import upgrade
from services.identity.auth import principal_for
from services.platform.errors import ValidationFailed
from services.seed import seed
from services.seed.bulk import BulkWriter
from services.seed.supply import seed_supply_history
from services.supply import purchasing, scorecards
from services.supply.inventory_sync import apply_stock_csv, preview_stock_csv, sync_stock
from tests.supply_world import acknowledge_all, build_world, hand_checked_month, issue

pytestmark = pytest.mark.postgres

AS_OF = datetime(2026, 4, 10, 2, 0, tzinfo=UTC)
SEED_NOW = datetime(2026, 11, 20, 6, 0, tzinfo=UTC)


def test_the_set_based_recompute_on_postgresql_matches_the_hand_checked_month(pg_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session, parts_per_supplier=4)
        hand_checked_month(session, world)
        result = scorecards.recompute_scorecards(session, "2026-01", "2026-04", as_of=AS_OF)
        assert result["rows"] == 3
        card = session.exec(
            select(SupplierScorecard).where(
                SupplierScorecard.supplier_id == world.first.organisation.id,
                SupplierScorecard.period_kind == "month",
                SupplierScorecard.period == "2026-03",
            )
        ).one()
        figures = (
            card.on_time_pct,
            card.fill_rate_pct,
            card.rejected_ppm,
            card.response_hours,
            card.cost_index,
        )
        assert figures == (
            Decimal("75.00"),
            Decimal("99.80"),
            Decimal("2000.0"),
            Decimal("4.00"),
            Decimal("1.0500"),
        )
        assert (
            card.score_on_time,
            card.score_fill_rate,
            card.score_quality,
            card.score_response,
            card.score_cost,
        ) == (Decimal("75.0"), Decimal("99.8"), Decimal("60.0"), Decimal("92.6"), Decimal("50.0"))
        assert (card.score, card.standing) == (Decimal("74.2"), "good")


def _scores(url: str) -> dict[tuple, tuple]:
    with Session(engine_for(url)) as session:
        rows = session.exec(
            select(
                Organisation.slug,
                SupplierScorecard.period_kind,
                SupplierScorecard.period,
                SupplierScorecard.lines_due,
                SupplierScorecard.lines_on_time,
                SupplierScorecard.quantity_received,
                SupplierScorecard.quantity_rejected,
                SupplierScorecard.score_on_time,
                SupplierScorecard.score_fill_rate,
                SupplierScorecard.score_quality,
                SupplierScorecard.score_response,
                SupplierScorecard.score_cost,
                SupplierScorecard.score,
                SupplierScorecard.standing,
            ).join(Organisation, Organisation.id == SupplierScorecard.supplier_id)
        ).all()
    return {row[:3]: row[3:] for row in rows}


def test_the_seeded_year_scores_the_same_on_postgresql_and_sqlite(pg_url, tmp_path):
    sqlite = f"sqlite:///{tmp_path / 'same.db'}"
    upgrade(sqlite)
    for url in (pg_url, sqlite):
        seed(
            engine_for(url), "demo", supply_history=False, pricing=False, sales_history=False, planning=False
        )
        with Session(engine_for(url), expire_on_commit=False) as session:
            counts = seed_supply_history(session, rng_seed=2026, now=SEED_NOW)
        assert counts["scorecards"] == 960  # 40 suppliers x 12 months x (month + rolling 12)
    on_postgres, on_sqlite = _scores(pg_url), _scores(sqlite)
    assert len(on_postgres) == 960 and on_postgres == on_sqlite
    # An order issued afterwards gets the next id: the sequences were moved past the seeded ids.
    with Session(get_engine(), expire_on_commit=False) as session:
        manager = session.exec(select(User).where(User.email_normalized == "manager@demo.test")).one()
        principal = principal_for(manager, session.get(Organisation, manager.organisation_id))
        warehouse = session.exec(
            select(Location).where(
                Location.organisation_id == manager.organisation_id, Location.kind == "warehouse"
            )
        ).first()
        part = session.exec(select(Part).order_by(Part.id)).first()
        highest = session.exec(select(func.max(PurchaseOrder.id))).one()
        order = purchasing.issue_purchase_order(
            session,
            principal,
            supplier_id=part.supplier_id,
            ship_to_location_id=warehouse.id,
            lines=[{"part_id": part.id, "quantity": 5, "unit_price": "9.99", "requested_date": "2026-12-10"}],
            now=SEED_NOW,
        )
        assert order["id"] == highest + 1 and len(order["timeline"]) == 1


def _supplier_with_parts(session: Session, count: int):
    world = build_world(session, parts_per_supplier=1)
    supplier_id = world.first.organisation.id
    writer = BulkWriter(session.connection())
    columns = ("sku", "name", "category", "unit", "list_price", "currency", "supplier_id")
    writer.insert(
        Part.__table__,
        columns,
        (
            (f"BULK-{n:06d}", f"Bulk part {n}", "Fasteners", "pc", Decimal("1.00"), "CNY", supplier_id)
            for n in range(count)
        ),
    )
    session.commit()
    return world


def test_a_50000_row_file_is_applied_in_one_transaction(pg_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = _supplier_with_parts(session, 50_000)
        rows = "\n".join(f"BULK-{n:06d},{n % 997}" for n in range(50_000))
        data = f"sku,available\n{rows}\n".encode()
        preview = preview_stock_csv(session, world.first.principal, data)
        assert (preview["valid_rows"], preview["error_count"]) == (50_000, 0)
        assert (
            session.exec(
                select(func.count())
                .select_from(StockLevel)
                .where(StockLevel.location_id == world.first.plant.id)
            ).one()
            == 0
        )
        result = apply_stock_csv(session, world.first.principal, data)
        expected_changes = sum(1 for n in range(50_000) if n % 997)
        assert (result["applied"], result["changed"]) == (50_000, expected_changes)
        total = session.exec(
            select(func.sum(StockLevel.on_hand)).where(StockLevel.location_id == world.first.plant.id)
        ).one()
        assert total == sum(n % 997 for n in range(50_000))
        # The same figures again through the API's bulk sync: nothing changes.
        items = [{"sku": f"BULK-{n:06d}", "available": n % 997} for n in range(50_000)]
        assert sync_stock(session, world.first.principal, items)["changed"] == 0
        # One bad item in 50,000 and the API writes nothing.
        items[-1]["available"] = -1
        items[0]["available"] = 5000
        with pytest.raises(ValidationFailed) as raised:
            sync_stock(session, world.first.principal, items)
        assert raised.value.field == "items.49999.available"
        first = session.exec(
            select(StockLevel.on_hand)
            .join(Part, Part.id == StockLevel.part_id)
            .where(Part.sku == "BULK-000000")
        ).first()
        assert first is None  # 0 units: never written


def test_two_concurrent_notices_cannot_ship_more_than_is_open(pg_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        order = acknowledge_all(session, world, issue(session, world, [100]))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def ship_sixty() -> None:
        with Session(get_engine(), expire_on_commit=False) as own:
            barrier.wait()
            try:
                purchasing.create_shipping_notice(
                    own,
                    world.first.principal,
                    order["id"],
                    carrier="DHL",
                    tracking_number="T",
                    lines=[{"line_id": order["lines"][0]["id"], "quantity": 60, "lot_number": "L1"}],
                )
                outcomes.append("shipped")
            except ValidationFailed as error:
                outcomes.append(error.code)

    threads = [threading.Thread(target=ship_sixty) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["purchase.ship_more_than_open", "shipped"]
    with Session(get_engine()) as session:
        line = session.get(PurchaseOrderLine, order["lines"][0]["id"])
        assert line.shipped_quantity == 60
        assert session.exec(select(func.count()).select_from(ShippingNotice)).one() == 1
