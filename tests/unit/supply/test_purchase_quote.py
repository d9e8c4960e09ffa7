"""The purchase-order quote: the total a manager sees while typing the new order is the total the
stored order carries, on its page and in the lists, to the cent and as a Decimal."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session

from models.db import get_engine
from services.catalog.lists import Page
from services.supply import purchasing, quote
from tests.supply_world import NOW, TODAY, build_world


@pytest.fixture
def session(sqlite_url):
    with Session(get_engine(), expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(session):
    return build_world(session)


def test_the_draft_quote_is_the_total_the_issued_order_stores_and_lists(session, world):
    typed = [
        {"quantity": "3", "unit_price": "0.10"},
        {"quantity": "7", "unit_price": "0.70"},
        {"quantity": "33", "unit_price": "19.99"},
    ]
    draft = quote.quote_draft(typed)
    order = purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=world.first.organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=[
            {"part_id": part.id, "requested_date": (TODAY + timedelta(days=9)).isoformat(), **line}
            for part, line in zip(world.first.parts, typed, strict=False)
        ],
        now=NOW,
    )
    listed, _ = purchasing.list_purchase_orders(session, world.manager, page=Page())

    assert draft.amounts == [Decimal("0.30"), Decimal("4.90"), Decimal("659.67")]
    assert draft.total == Decimal("664.87")
    assert [line["amount"] for line in order["lines"]] == draft.amounts
    assert order["total"] == draft.total
    assert [row["total"] for row in listed if row["id"] == order["id"]] == [draft.total]
    assert all(isinstance(row["total"], Decimal) for row in listed)


def test_a_rejected_line_leaves_the_total_on_the_page_and_in_the_list(session, world):
    order = purchasing.issue_purchase_order(
        session,
        world.manager,
        supplier_id=world.first.organisation.id,
        ship_to_location_id=world.warehouse.id,
        lines=[
            {
                "part_id": part.id,
                "quantity": 10,
                "unit_price": price,
                "requested_date": (TODAY + timedelta(days=9)).isoformat(),
            }
            for part, price in zip(world.first.parts, ["1.25", "2.50"], strict=False)
        ],
        now=NOW,
    )
    purchasing.reject_line(
        session, world.first.principal, order["lines"][1]["id"], reason="discontinued", now=NOW
    )
    page = purchasing.get_purchase_order(session, world.manager, order["id"])
    listed, _ = purchasing.list_purchase_orders(session, world.manager, page=Page())

    assert page["total"] == Decimal("12.50") == quote.order_total(page["lines"])
    assert [row["total"] for row in listed if row["id"] == order["id"]] == [Decimal("12.50")]


def test_a_draft_with_an_unreadable_line_has_no_total_but_keeps_the_readable_amounts():
    draft = quote.quote_draft(
        [
            {"quantity": "2", "unit_price": "5.00"},
            {"quantity": "2.5", "unit_price": "1"},
            {"quantity": "", "unit_price": "3"},
        ]
    )
    assert draft.amounts == [Decimal("10.00"), None, None]
    assert draft.total is None
    assert quote.quote_draft([{"quantity": "", "unit_price": ""}]).total is None
