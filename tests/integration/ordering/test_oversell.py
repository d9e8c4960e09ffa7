"""Many buyers at once, each on its own connection, fighting for the last units: never oversold,
never deadlocked, and every reserved unit belongs to a pending order line.

Runs on the real PostgreSQL server (200 buyers) and on SQLite (50 buyers, writers queue on the
database lock); the buyers are threads released together by a barrier.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from models import SalesOrder, StockLevel
from models.db import engine_for
from services.ordering import placement as ordering
from services.ordering.placement import OutOfStock
from tests.ordering_world import build_world, make_dealer, part_line, reserved_by_pending_orders, stock_of

BUYERS = {"postgres": 200, "sqlite": 50}


@pytest.fixture(params=["postgres", "sqlite"])
def database(request: pytest.FixtureRequest) -> Iterator[tuple[str, Engine]]:
    """(name, an engine with room for many connections at once) on a freshly migrated database."""
    if request.param == "postgres":
        url = request.getfixturevalue("pg_url")
        # Its own pool, well under PostgreSQL's max_connections (100) with the suite's other engines.
        engine = create_engine(url, pool_size=40, max_overflow=0, pool_timeout=120)
        yield request.param, engine
        engine.dispose()
    else:
        url = request.getfixturevalue("sqlite_url")
        yield request.param, engine_for(url)  # the app's own engine: BEGIN IMMEDIATE, WAL


def run_buyers(engine: Engine, attempts: list[Callable[[Session], object]]) -> tuple[list, list, list]:
    """Run every attempt in its own thread and session, all released at once.

    Returns (results, out-of-stock errors, any other exceptions).
    """
    barrier = threading.Barrier(len(attempts))
    results, shortages, errors = [], [], []
    lock = threading.Lock()

    def buyer(attempt):
        barrier.wait()
        try:
            with Session(engine) as session:
                result = attempt(session)
            with lock:
                results.append(result)
        except OutOfStock as short:
            with lock:
                shortages.append(short)
        except Exception as error:  # noqa: BLE001 - a deadlock or lock timeout must be seen by the test
            with lock:
                errors.append(error)

    threads = [threading.Thread(target=buyer, args=(attempt,)) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a buyer hung"
    return results, shortages, errors


class FreeStockWatcher:
    """Samples the smallest `on_hand - reserved` of some stock rows while the buyers run."""

    def __init__(self, engine: Engine, stock_ids: list[int]) -> None:
        self.engine, self.stock_ids = engine, stock_ids
        self.lowest: int | None = None
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch)

    def __enter__(self) -> FreeStockWatcher:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        ids = ", ".join(str(i) for i in self.stock_ids)
        while not self._stop.is_set():
            with self.engine.connect() as conn:
                value = conn.execute(
                    text(f"SELECT min(on_hand - reserved) FROM stock_level WHERE id IN ({ids})")
                ).scalar_one()
                conn.rollback()
            self.lowest = value if self.lowest is None else min(self.lowest, value)
            self.samples += 1
            time.sleep(0.005)


def make_buyers(session: Session, count: int) -> list[tuple]:
    buyers = [make_dealer(session) for _ in range(count)]
    session.commit()
    return [(principal, store.id) for _, principal, store in buyers]


def test_many_buyers_for_the_last_ten_units_make_exactly_ten_orders(database):
    name, engine = database
    with Session(engine) as session:
        world = build_world(session, part_on_hand=25)
        part, stock_id = world.parts[0].id, world.part_stock[0]
        # 15 of the 25 units already promised to an earlier order: 10 are left to fight for.
        ordering.place_order(
            session,
            world.dealer,
            lines=[part_line(part, 15)],
            buyer_location_id=world.store.id,
            idempotency_key="earlier",
        )
        buyers = make_buyers(session, BUYERS[name])

    attempts = [
        (
            lambda session, principal=principal, store_id=store_id: ordering.place_order(
                session,
                principal,
                lines=[part_line(part, 1)],
                buyer_location_id=store_id,
                idempotency_key=f"last-unit-{principal.user_id}",
            )
        )
        for principal, store_id in buyers
    ]
    with FreeStockWatcher(engine, [stock_id]) as watcher:
        placed, shortages, errors = run_buyers(engine, attempts)

    assert errors == []
    assert len(placed) == 10 and len(shortages) == BUYERS[name] - 10
    assert len({p.order.id for p in placed}) == 10
    assert all(s.shortages[0].available == 0 for s in shortages[-5:])  # the last ones were told "none left"
    assert watcher.samples > 0 and watcher.lowest >= 0
    with Session(engine) as session:
        assert stock_of(session, stock_id) == (25, 25)
        assert reserved_by_pending_orders(session, stock_id) == 25
        assert session.exec(select(func.count()).select_from(SalesOrder)).one() == 11


def test_carts_with_the_same_items_in_opposite_order_never_deadlock(database):
    name, engine = database
    with Session(engine) as session:
        world = build_world(session, part_prices=("10.00", "20.00", "30.00"), part_on_hand=10)
        a, b, c = (part.id for part in world.parts)
        buyers = make_buyers(session, BUYERS[name] // 2)

    carts = [
        [part_line(a, 1), part_line(b, 1), part_line(c, 1)],
        [part_line(c, 1), part_line(b, 1), part_line(a, 1)],
        [part_line(b, 1), part_line(a, 1)],
    ]
    attempts = [
        (
            lambda session, principal=principal, store_id=store_id, cart=carts[i % 3]: ordering.place_order(
                session,
                principal,
                lines=cart,
                buyer_location_id=store_id,
                idempotency_key=f"cart-{principal.user_id}",
            )
        )
        for i, (principal, store_id) in enumerate(buyers)
    ]
    with FreeStockWatcher(engine, world.part_stock) as watcher:
        placed, shortages, errors = run_buyers(engine, attempts)

    assert errors == []  # no deadlock, lock timeout or serialization failure reached a buyer
    assert watcher.lowest >= 0
    assert placed and len(placed) + len(shortages) == len(buyers)
    with Session(engine) as session:
        for stock_id in world.part_stock:
            on_hand, reserved = stock_of(session, stock_id)
            assert on_hand == 10 and 0 <= reserved <= 10
            assert reserved == reserved_by_pending_orders(session, stock_id)
        # Part b is in every cart: its 10 units go to exactly 10 carts.
        assert stock_of(session, world.part_stock[1]) == (10, 10)
        assert len(placed) == 10
        shapes = Counter(len(p.order.lines) for p in placed)
        assert sum(shapes.values()) == 10
        rows = session.exec(select(StockLevel.reserved).where(StockLevel.id.in_(world.part_stock))).all()
        assert sum(rows) == sum(shapes[n] * n for n in shapes)
