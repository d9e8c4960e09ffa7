"""Demand history from dealer part orders: per part and stock location, by month and by week, zero
where nothing was ordered, stockout periods marked censored; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import pytest
from sqlmodel import Session

from models import OrderKind, OrderStatus, SalesOrder, SalesOrderLine, StockLevel
from models.db import get_engine
from services.planning.demand_history import demand_history
from tests.ordering_world import World, build_world, new_key

UNTIL = datetime(2026, 4, 15, 12, 0, tzinfo=UTC)


def _order(
    session: Session, world: World, at: datetime, lines: list[tuple[int, int]], status=OrderStatus.PAID
):
    order = SalesOrder(
        kind=OrderKind.DEALER_PURCHASE.value,
        buyer_organisation_id=world.dealer_org.id,
        buyer_user_id=world.dealer.user_id,
        buyer_location_id=world.store.id,
        seller_organisation_id=world.oem.id,
        source_location_id=world.warehouse.id,
        status=status.value,
        currency="CNY",
        total=Decimal("1.00"),
        idempotency_key=new_key(),
        request_fingerprint="f" * 64,
        hold_expires_at=at + timedelta(minutes=15),
        created_at=at,
        updated_at=at,
    )
    session.add(order)
    session.flush()
    for number, (index, quantity) in enumerate(lines, start=1):
        part = world.parts[index]
        session.add(
            SalesOrderLine(
                order_id=order.id,
                line_no=number,
                part_id=part.id,
                stock_level_id=world.part_stock[index],
                item_code=part.sku,
                item_name=part.name,
                quantity=quantity,
                unit_price=Decimal("1.00"),
                currency="CNY",
                line_total=Decimal(quantity),
            )
        )
    session.flush()


@pytest.fixture
def orders(any_db_url: str) -> tuple[Session, World]:
    with Session(get_engine()) as session:
        world = build_world(session)
        _order(session, world, datetime(2026, 1, 10, 9, tzinfo=UTC), [(0, 3)])
        _order(session, world, datetime(2026, 1, 20, 9, tzinfo=UTC), [(0, 2), (1, 1)])
        _order(session, world, datetime(2026, 2, 3, 9, tzinfo=UTC), [(1, 9)], status=OrderStatus.CANCELLED)
        _order(session, world, datetime(2026, 3, 5, 9, tzinfo=UTC), [(0, 4)])
        _order(session, world, datetime(2026, 5, 2, 9, tzinfo=UTC), [(0, 50)])  # after `until`
        stock = session.get(StockLevel, world.part_stock[1])
        stock.reserved = stock.on_hand  # nothing left to sell of part 1 today
        session.commit()
        yield session, world


def _series(history: pd.DataFrame, world: World, index: int) -> pd.DataFrame:
    return history[history["unique_id"] == f"{world.parts[index].id}@{world.warehouse.id}"]


def test_monthly_demand_is_summed_per_part_and_location_with_zero_months_and_cancellations_left_out(orders):
    session, world = orders
    history = demand_history(session, freq="month", until=UNTIL)
    first = _series(history, world, 0)
    assert list(first["ds"]) == list(pd.date_range("2026-01-01", "2026-04-01", freq="MS"))
    assert list(first["y"]) == [5.0, 0.0, 4.0, 0.0]
    second = _series(history, world, 1)
    assert list(second["y"]) == [1.0, 0.0, 0.0, 0.0]  # the cancelled 9 in February is not demand
    assert set(history["location_id"]) == {world.warehouse.id}


def test_stockout_periods_are_marked_censored_not_left_as_plain_zero(orders):
    session, world = orders
    stockouts = [(world.parts[0].id, world.warehouse.id, date(2026, 2, 14))]
    history = demand_history(session, freq="month", until=UNTIL, stockouts=stockouts)
    first = _series(history, world, 0)
    assert list(first["censored"]) == [False, True, False, False]
    second = _series(history, world, 1)
    assert list(second["censored"]) == [False, False, False, True]  # out of stock now: this month


def test_weekly_demand_starts_on_mondays(orders):
    session, world = orders
    history = demand_history(session, freq="week", until=UNTIL)
    first = _series(history, world, 0).set_index("ds")["y"]
    assert (first.index.dayofweek == 0).all()
    assert first[pd.Timestamp("2026-01-05")] == 3.0 and first[pd.Timestamp("2026-01-19")] == 2.0
    assert first[pd.Timestamp("2026-03-02")] == 4.0
    assert first.sum() == 9.0 and first.index.max() == pd.Timestamp("2026-04-13")


def test_unknown_frequency_is_refused_before_any_query() -> None:
    with pytest.raises(ValueError, match="freq must be one of week, month"):
        demand_history(None, freq="day")  # type: ignore[arg-type]
