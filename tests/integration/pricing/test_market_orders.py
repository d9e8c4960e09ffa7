"""Orders priced from the buyer's market list, on SQLite and PostgreSQL: a Shanghai dealer and an Oslo
dealer each place one order mixing a JPY-costed part, a CNY-costed part and a trim, each in its own
currency; an order placed before a list change keeps its prices."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import delete
from sqlmodel import Session, select

from models import MarketPrice, SalesOrder, SalesOrderLine
from models.db import get_engine
from services.ordering import placement
from services.platform.errors import ValidationFailed
from services.pricing import market_lists
from tests.market_world import build_market_world, mixed_lines
from tests.ordering_world import new_key


@pytest.fixture
def session(any_db_url: str):
    with Session(get_engine()) as session:
        yield session


@pytest.fixture
def world(session):
    return build_market_world(session)


def place(session, principal, store, lines):
    return placement.place_order(
        session, principal, lines=lines, buyer_location_id=store, idempotency_key=new_key()
    ).order


def test_each_dealer_mixes_parts_and_a_trim_in_one_order_in_its_own_currency(session, world):
    shanghai = place(session, world.shanghai, world.shanghai_store, mixed_lines(world))
    oslo = place(session, world.oslo, world.oslo_store, mixed_lines(world))

    assert shanghai.currency == "CNY"
    assert [(line.unit_price, line.currency) for line in shanghai.lines] == [
        (D("672.00"), "CNY"),
        (D("140.00"), "CNY"),
        (D("200000.00"), "CNY"),
    ]
    assert shanghai.total == D("200812.00")
    assert oslo.currency == "NOK"
    assert [(line.unit_price, line.currency) for line in oslo.lines] == [
        (D("1090.99"), "NOK"),
        (D("227.99"), "NOK"),
        (D("333333.99"), "NOK"),
    ]
    assert oslo.total == D("334652.97")
    stored = session.exec(select(SalesOrder.currency, SalesOrder.total).order_by(SalesOrder.id)).all()
    assert [(c, D(t)) for c, t in stored] == [("CNY", D("200812.00")), ("NOK", D("334652.97"))]
    session.commit()


def test_an_order_placed_before_a_list_change_keeps_its_prices(session, world):
    before = place(session, world.shanghai, world.shanghai_store, mixed_lines(world))
    world.jpy_part.list_price = D("11000")  # +10 %: four eyes
    session.add(world.jpy_part)
    session.commit()
    market_lists.reprice_markets(session)
    change = session.exec(
        select(MarketPrice.id).where(
            MarketPrice.market_id == world.cn.id,
            MarketPrice.part_id == world.jpy_part.id,
            MarketPrice.status == "pending",
        )
    ).one()
    session.commit()
    market_lists.approve_change(session, world.manager, change)
    market_lists.approve_change(session, world.second_manager, change)

    after = place(session, world.shanghai, world.shanghai_store, mixed_lines(world))
    assert after.lines[0].unit_price == D("740.00")
    kept = session.exec(
        select(SalesOrderLine.unit_price)
        .where(SalesOrderLine.order_id == before.id)
        .order_by(SalesOrderLine.line_no)
    ).all()
    assert [D(p) for p in kept] == [D("672.00"), D("140.00"), D("200000.00")]
    assert placement.get_order(session, world.shanghai, before.id).total == D("200812.00")
    session.commit()


def test_an_item_missing_from_the_buyers_list_is_refused_and_nothing_is_written(session, world):
    session.execute(
        delete(MarketPrice).where(MarketPrice.market_id == world.no.id, MarketPrice.trim_id == world.trim.id)
    )
    session.commit()
    with pytest.raises(ValidationFailed) as refused:
        place(session, world.oslo, world.oslo_store, mixed_lines(world))
    assert refused.value.code == "order.item_no_market_price" and refused.value.field == "lines[2]"
    assert refused.value.params["item"] == world.trim.code
    assert session.exec(select(SalesOrder.id)).all() == []
    session.commit()


def test_the_dealer_tier_applies_at_its_quantity_on_both_databases(session, world):
    order = place(session, world.shanghai, world.shanghai_store, mixed_lines(world, quantity=10))
    assert [line.unit_price for line in order.lines[:2]] == [D("651.84"), D("135.80")]  # 3 % off
    assert order.lines[2].unit_price == D("200000.00")  # one car: below every tier
    session.commit()
