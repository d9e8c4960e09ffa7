"""Trim page views are counted on the server: one upsert per view, exact under concurrency."""

from __future__ import annotations

import threading
from datetime import date

from sqlmodel import Session, select

from models import Trim
from models.db import get_engine
from models.showroom import NO_STORE, TrimView
from services.showroom import funnel
from tests.factories import make_trim, make_vehicle_model

THREADS = 8
VIEWS_EACH = 25


def _trim() -> int:
    with Session(get_engine()) as session:
        trim = session.exec(select(Trim)).first() or make_trim(session, make_vehicle_model(session))
        session.commit()
        return trim.id


def test_concurrent_views_are_all_counted_per_store_and_day(any_db_url: str):
    trim_id = _trim()
    start = threading.Barrier(THREADS)

    def viewer(number: int) -> None:
        start.wait()
        for _ in range(VIEWS_EACH):
            with Session(get_engine()) as session:  # a connection of its own, like a web request
                funnel.record_trim_view(session, trim_id, 7 if number % 2 else None, day=date(2026, 12, 1))

    threads = [threading.Thread(target=viewer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with Session(get_engine()) as session:
        rows = {row.location_id: row.views for row in session.exec(select(TrimView)).all()}
        assert rows == {7: THREADS // 2 * VIEWS_EACH, NO_STORE: THREADS // 2 * VIEWS_EACH}
        assert funnel.trim_views(session, trim_id) == THREADS * VIEWS_EACH
        assert funnel.trim_views(session, trim_id, location_id=7) == THREADS // 2 * VIEWS_EACH


def test_each_day_has_its_own_count(any_db_url: str):
    trim_id = _trim()
    with Session(get_engine()) as session:
        funnel.record_trim_view(session, trim_id, None, day=date(2026, 11, 30))
        funnel.record_trim_view(session, trim_id, None, day=date(2026, 12, 1))
        funnel.record_trim_view(session, trim_id, None, day=date(2026, 12, 1))
        days = {row.day: row.views for row in session.exec(select(TrimView)).all()}
    assert days == {date(2026, 11, 30): 1, date(2026, 12, 1): 2}
