"""Incremental facts equal a full rebuild, whatever sequence of writes came before (a property test,
few examples: each is a small world on SQLite)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlmodel import Session

from models import (
    Payment,
    Refund,
    SalesOrder,
    SalesOrderLine,
    Shipment,
    ShipmentEvent,
)
from models.db import get_engine
from models.types import utcnow
from services.analytics import facts
from tests.analytics_world import add_order, add_rates, build_parties, local

_place = st.tuples(
    st.just("place"),
    st.integers(0, 40),  # days after 1 March 2026
    st.sampled_from([0, 7, 16, 23]),  # Shanghai hours: both sides of UTC midnight
    st.sampled_from(["a", "b"]),
    st.sampled_from(["CNY", "EUR"]),
    st.sampled_from(["pending_payment", "paid", "allocated", "cancelled"]),
    st.integers(1, 3),
)
_change = st.tuples(st.sampled_from(["cancel", "refund", "allocate", "deliver"]), st.integers(0, 20))
_refresh = st.sampled_from(["changed", "days"])


@pytest.fixture
def parties(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_parties(session)
        add_rates(session)
        session.commit()
    return world


def _facts(session: Session) -> list[tuple]:
    rows = []
    for table in facts.FACT_TABLES:
        columns = [c for c in table.__table__.columns if c.name != "id"]
        rows += sorted(
            (table.__tablename__, *(str(value) for value in row))
            for row in session.execute(select(*columns)).all()
        )
    return rows


def _apply(session: Session, world, step: tuple, orders: list[int]) -> set:
    """Make one write; return the (day, dealer id) pairs it touched."""
    kind = step[0]
    if kind == "place":
        _, days, hour, dealer, currency, status, quantity = step
        created = local(2026, 3, 1, hour) + timedelta(days=days)
        paid = status in ("paid", "allocated")
        order = add_order(
            session,
            world,
            dealer=dealer,
            created_at=created,
            status=status,
            currency=currency,
            lines=[(world.stock_brake, quantity, "10.00"), (world.stock_filter, 1, "3.33")],
            paid_after=timedelta(minutes=7) if paid else None,
        )
        orders.append(order.id)
    else:
        if not orders:
            return set()
        order = session.get(SalesOrder, orders[step[1] % len(orders)])
        payment = session.execute(select(Payment).where(Payment.order_id == order.id)).scalar_one_or_none()
        if kind == "cancel" and order.status == "pending_payment":
            order.status = "cancelled"
        elif kind == "allocate" and order.status == "paid":
            order.status = "allocated"
        elif kind == "refund" and payment is not None and payment.status == "captured":
            payment.status = "refunded"
            session.add(
                Refund(payment_id=payment.id, amount=order.total, currency=order.currency, reason="t")
            )
        elif (
            kind == "deliver"
            and order.status == "allocated"
            and session.execute(select(Shipment.id).where(Shipment.order_id == order.id)).first() is None
        ):
            shipment = Shipment(
                order_id=order.id,
                from_location_id=order.source_location_id,
                to_location_id=order.buyer_location_id,
            )
            session.add(shipment)
            session.flush()
            session.add(
                ShipmentEvent(
                    shipment_id=shipment.id,
                    status="delivered",
                    carrier="dhl",
                    raw_code="ok",
                    occurred_at=utcnow(),
                    source="carrier_poll",
                    dedupe_key=f"p-{shipment.id}",
                )
            )
        else:
            return set()
        order.updated_at = utcnow()
        session.add(order)
    session.flush()
    dealer_id = (
        order.buyer_organisation_id if order.kind == "dealer_purchase" else order.seller_organisation_id
    )
    return {(facts.local_day(order.created_at), dealer_id)}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.one_of(_place, _change), _refresh), min_size=1, max_size=8))
def test_incremental_refreshes_give_the_facts_a_full_rebuild_gives(parties, steps):
    with Session(get_engine(), expire_on_commit=False) as session:
        for table in (
            *facts.FACT_TABLES,
            ShipmentEvent,
            Shipment,
            Refund,
            Payment,
            SalesOrderLine,
            SalesOrder,
        ):
            session.execute(delete(table))
        session.execute(delete(facts.FactsRefresh))
        facts.rebuild(session)  # the marker's first refresh: later ones are incremental
        session.commit()
        orders: list[int] = []
        for step, how in steps:
            touched = _apply(session, parties, step, orders)
            session.commit()
            if how == "changed":
                facts.refresh_changed(session)
            else:
                for day, dealer_id in touched:
                    facts.refresh_days(session, {day}, dealer_ids=[dealer_id])
            session.commit()
        incremental = _facts(session)
        facts.rebuild(session)
        session.commit()
        assert incremental == _facts(session)


@pytest.fixture
def pg_parties(pg_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_parties(session)
        add_rates(session)
        session.commit()
    return world


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=_place.filter(lambda step: step[5] != "pending_payment"),
    steps=st.lists(_place | _change, max_size=10),
)
def test_postgresql_derives_in_sql_the_facts_python_derives(pg_parties, first, steps, monkeypatch):
    """The set-based SQL of a PostgreSQL rebuild (facts_sql) writes exactly the rows the Python
    derivation writes, whatever mix of placed, paid, allocated, cancelled, refunded and delivered."""
    with Session(get_engine(), expire_on_commit=False) as session:
        orders: list[int] = []
        for step in (first, *steps):
            _apply(session, pg_parties, step, orders)
        session.commit()
        facts.rebuild(session)
        session.commit()
        in_sql = _facts(session)
        with monkeypatch.context() as patch:
            patch.setattr(facts, "_in_sql", lambda _session: False)
            facts.rebuild(session)
            session.commit()
        assert in_sql == _facts(session)
        assert in_sql, "the world has facts to compare"
