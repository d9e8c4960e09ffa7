"""Pricing from the buyer's market list costs placement no round trip: the market price is read in
the same statement as the items. The statements per placement are what they were before the market
lists (the placement module of the commit before them, 45d3ea3, run in the same sequence on the same
world, makes exactly as many on each database)."""

from __future__ import annotations

import pytest
from sqlalchemy import event
from sqlmodel import Session

from models.db import get_engine
from services.ordering import placement
from tests.ordering_world import build_world, new_key, part_line

# (one-part cart, a part and a trim) -> statements, after a first placement has warmed the caches
STATEMENTS = {"postgresql": (4, 8), "sqlite": (11, 14)}


@pytest.fixture
def session(any_db_url: str):
    with Session(get_engine()) as session:
        yield session


def _statements(session: Session, world, lines: list[dict]) -> int:
    engine = get_engine()
    count = [0]

    def counted(*_args, **_kwargs) -> None:
        count[0] += 1

    event.listen(engine, "before_cursor_execute", counted)
    try:
        placement.place_order(
            session, world.dealer, lines=lines, buyer_location_id=world.store.id, idempotency_key=new_key()
        )
    finally:
        event.remove(engine, "before_cursor_execute", counted)
    return count[0]


def test_market_pricing_adds_no_statement_to_placement(session):
    world = build_world(session)
    trim_line = {"item_kind": "trim", "item_id": world.trim.id, "quantity": 1}
    _statements(session, world, [part_line(world.parts[0], 1)])  # warm-up
    one_part = _statements(session, world, [part_line(world.parts[0], 1)])
    part_and_trim = _statements(session, world, [part_line(world.parts[1], 1), trim_line])
    assert (one_part, part_and_trim) == STATEMENTS[get_engine().dialect.name]
