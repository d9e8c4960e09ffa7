"""The trim view counter loses no increment when many threads count at once, on PostgreSQL."""

from __future__ import annotations

import threading

from sqlmodel import Session, create_engine, select

from models.db import get_engine
from models.showroom import TrimViewCount
from services.showroom import funnel
from tests.showroom_world import make_world


def test_forty_threads_counting_the_same_trim_give_the_exact_total(pg_url):
    with Session(get_engine()) as session:
        world = make_world(session)
    engine = create_engine(pg_url, pool_size=8, max_overflow=0, pool_timeout=120)
    threads_count, each = 40, 5
    barrier = threading.Barrier(threads_count)
    errors: list[Exception] = []

    def run() -> None:
        with Session(engine) as session:
            barrier.wait()
            try:
                for _ in range(each):
                    funnel.record_trim_view(session, world.trim_id, world.store_id)
            except Exception as error:  # noqa: BLE001 - the test reports it
                errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert errors == []
    with Session(get_engine()) as session:
        rows = session.exec(select(TrimViewCount)).all()
    assert [(r.location_id, r.views) for r in rows] == [(world.store_id, threads_count * each)]
