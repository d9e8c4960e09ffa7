"""The re-pricing task and its route: a burst of index imports makes one re-pricing run."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

import workers.tasks as tasks
from models import OutboxMessage, PriceSuggestion
from models.db import get_engine
from services.pricing import indices
from services.pricing.indices import INDEX_VALUES_CHANGED
from tests.pricing_world import build_world
from workers.schedule import REVIEW_PRICES, beat_schedule

pytestmark = pytest.mark.usefixtures("sqlite_url")


class _Recorder:
    def __init__(self) -> None:
        self.calls = 0

    def delay(self, *args, **kwargs) -> None:
        self.calls += 1


def test_a_burst_of_index_imports_is_relayed_as_one_re_pricing_run(monkeypatch):
    world = build_world()
    with Session(get_engine()) as session:
        for month, value in (("2026-05", "9000"), ("2026-06", "9100"), ("2026-07", "9200")):
            indices.import_index_values(
                session,
                world.manager,
                [{"index": "CU", "period": month, "value": value}],
                now=datetime(2026, 8, 2, tzinfo=UTC),
            )
    recorder = _Recorder()
    monkeypatch.setattr(tasks, "reprice_agreements_task", recorder)
    result = tasks.relay_outbox([INDEX_VALUES_CHANGED])
    assert result == {"relayed": 3, "deliveries": {INDEX_VALUES_CHANGED: 1}}
    assert recorder.calls == 1
    with Session(get_engine()) as session:
        assert session.exec(select(OutboxMessage).where(OutboxMessage.dispatched_at.is_(None))).all() == []


def test_the_re_pricing_task_suggests_once_however_often_it_runs(monkeypatch):
    build_world()
    monkeypatch.setattr(
        "services.pricing.suggestions.utcnow", lambda: datetime(2026, 5, 14, 2, 0, tzinfo=UTC)
    )
    first = tasks.reprice_agreements_task.run()
    again = tasks.reprice_agreements_task.run()
    assert (first["suggested"], again["suggested"], again["unchanged"]) == (1, 0, 1)
    with Session(get_engine()) as session:
        assert len(session.exec(select(PriceSuggestion)).all()) == 1


def test_the_periodic_price_review_is_on_the_beat_schedule():
    from models.settings import get_settings

    entries = {entry["task"] for entry in beat_schedule(get_settings()).values()}
    assert REVIEW_PRICES in entries


def test_repricing_requests_are_relayed_as_one_market_run_and_the_run_is_idempotent(monkeypatch):
    from models.settings import get_settings
    from services.pricing import market_lists
    from tests.market_world import build_market_world
    from workers.schedule import REPRICE_MARKETS

    with Session(get_engine()) as session:
        world = build_market_world(session)
        for _ in range(3):
            market_lists.request_repricing(session, world.manager)
    recorder = _Recorder()
    monkeypatch.setattr(tasks, "reprice_markets_task", recorder)
    result = tasks.relay_outbox([market_lists.MARKET_LISTS_CHANGED])
    assert result["deliveries"] == {market_lists.MARKET_LISTS_CHANGED: 1} and recorder.calls == 1
    monkeypatch.undo()
    assert tasks.reprice_markets_task.run()["unchanged"] == 6  # the lists are already built
    entries = {entry["task"] for entry in beat_schedule(get_settings()).values()}
    assert REPRICE_MARKETS in entries
