"""Which dealer and store an order counts for: the store it was ordered at, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from models import OrderFactDaily
from models.db import get_engine
from services.analytics import facts
from tests.analytics_world import add_order, add_rates, build_parties, local


def test_a_customers_car_built_at_the_plant_counts_for_the_dealer_store_that_sold_it(any_db_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_parties(session)
        add_rates(session)
        order = add_order(
            session,
            world,
            dealer="a",
            customer=True,
            created_at=local(2026, 3, 5, 11),
            status="paid",
            lines=[(world.stock_trim, 1, "200000.00")],
            paid_after=timedelta(minutes=3),
        )
        # A plant build: the carmaker's warehouse sells and ships it, to the customer at store A.
        order.seller_organisation_id, order.source_location_id = world.oem.id, world.warehouse.id
        session.add(order)
        session.commit()
        facts.rebuild(session)
        session.commit()
        rows = session.execute(
            select(
                OrderFactDaily.dealer_organisation_id, OrderFactDaily.store_location_id, OrderFactDaily.orders
            )
        ).all()
    assert rows == [(world.dealer_a.id, world.store_a.id, 1)]
