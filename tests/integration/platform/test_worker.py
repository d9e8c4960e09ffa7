"""A real Celery worker process runs the portal's tasks: on PostgreSQL with Redis as broker, result
backend and cache (services mode), and on SQLite with kombu's SQLAlchemy broker (embedded mode)."""

from __future__ import annotations

from sqlmodel import Session, select

from models import CacheEntry, OutboxMessage, StockLevel
from models.db import get_engine, session_scope
from models.settings import PROJECT_ROOT, get_settings
from services.catalog.summary import CACHE_KEY
from services.platform import cache, outbox
from tests.factories import make_location, make_org, make_part, make_stock
from tests.integration.worker_helpers import run_task, wait_for
from workers import tasks


def _stock_a_warehouse() -> dict:
    """An OEM warehouse with two parts: 40 (5 reserved) at 12.50 and 7 at 3.20 CNY; returns ids."""
    with Session(get_engine(), expire_on_commit=False) as session:
        supplier = make_org(session, "supplier")
        oem = make_org(session, "oem")
        warehouse = make_location(session, oem, "warehouse")
        pads = make_stock(session, warehouse, make_part(session, supplier, price="12.50"), 40, reserved=5)
        make_stock(session, warehouse, make_part(session, supplier, price="3.20"), 7)
        session.commit()
        return {"oem": oem.id, "pads": pads.id}


def _change_stock(stock_id: int, on_hand: int, messages: int = 1) -> None:
    """Set a stock level and enqueue STOCK_CHANGED `messages` times, in one committed transaction."""
    with session_scope() as session:
        stock = session.get(StockLevel, stock_id)
        stock.on_hand = on_hand
        session.add(stock)
        for _ in range(messages):
            outbox.enqueue(session, outbox.STOCK_CHANGED, {"stock_level_id": stock_id})


def _cached_part_units() -> int | None:
    summary = cache.get(CACHE_KEY)
    return summary and summary["network"]["part_units_on_hand"]


def _undispatched() -> list[OutboxMessage]:
    with Session(get_engine()) as session:
        return session.exec(select(OutboxMessage).where(OutboxMessage.dispatched_at.is_(None))).all()


def test_worker_refreshes_the_summary_into_redis_with_the_exact_figures(services_celery):
    ids = _stock_a_warehouse()

    result = run_task(services_celery, tasks.refresh_summary)

    summary = cache.get(CACHE_KEY)
    assert result == {"computed_at": summary["computed_at"], "parts": 2}
    assert summary["catalogue"]["parts"] == 2
    expected = {
        "locations": 1,
        "part_units_on_hand": 47,
        "part_units_reserved": 5,
        "vehicle_units_on_hand": 0,
        "vehicle_units_reserved": 0,
        # 35 of the pads are available (above the threshold of 10); 7 of the other part are not.
        "low_stock_items": 1,
        "stock_value": {"CNY": "522.40"},
    }
    assert summary["network"] == expected
    assert summary["by_organisation"][str(ids["oem"])] == expected


def test_a_stock_change_reaches_the_cache_through_the_outbox_once(services_celery):
    ids = _stock_a_warehouse()
    run_task(services_celery, tasks.refresh_summary)
    assert _cached_part_units() == 47

    _change_stock(ids["pads"], on_hand=90, messages=3)
    relayed = run_task(services_celery, tasks.relay_outbox)

    # Three messages of one coalescing topic in a batch start one refresh.
    assert relayed == {"relayed": 3, "deliveries": {outbox.STOCK_CHANGED: 1}}
    assert _undispatched() == []
    assert wait_for(lambda: _cached_part_units() == 97, timeout=30)
    assert run_task(services_celery, tasks.relay_outbox) == {"relayed": 0, "deliveries": {}}


def test_running_the_tasks_again_changes_nothing(services_celery):
    ids = _stock_a_warehouse()
    first = run_task(services_celery, tasks.refresh_summary)
    first_summary = cache.get(CACHE_KEY)
    second = run_task(services_celery, tasks.refresh_summary)
    second_summary = cache.get(CACHE_KEY)

    assert first["parts"] == second["parts"] == 2
    assert second["computed_at"] >= first["computed_at"]
    assert {**second_summary, "computed_at": None} == {**first_summary, "computed_at": None}

    _change_stock(ids["pads"], on_hand=41)
    assert run_task(services_celery, tasks.relay_outbox)["relayed"] == 1
    wait_for(lambda: _cached_part_units() == 48, timeout=30)
    refreshed_at = cache.get(CACHE_KEY)["computed_at"]
    # A redelivered relay finds the message dispatched: no second refresh is started.
    assert run_task(services_celery, tasks.relay_outbox) == {"relayed": 0, "deliveries": {}}
    assert run_task(services_celery, tasks.relay_outbox) == {"relayed": 0, "deliveries": {}}
    assert cache.get(CACHE_KEY)["computed_at"] == refreshed_at


def test_a_message_of_a_topic_the_worker_does_not_know_waits_undispatched(services_celery):
    with session_scope() as session:
        outbox.enqueue(session, "order.placed.v9", {"order_id": 1})

    assert run_task(services_celery, tasks.relay_outbox) == {"relayed": 0, "deliveries": {}}
    assert [message.topic for message in _undispatched()] == ["order.placed.v9"]


def test_embedded_worker_on_the_sqlite_broker_keeps_the_summary_in_the_cache_table(embedded_celery):
    ids = _stock_a_warehouse()

    result = run_task(embedded_celery, tasks.refresh_summary)

    with Session(get_engine()) as session:
        entry = session.get(CacheEntry, CACHE_KEY)
    assert entry is not None
    assert result == {"computed_at": entry.value["computed_at"], "parts": 2}
    assert entry.value["network"]["part_units_on_hand"] == 47
    assert entry.value["network"]["stock_value"] == {"CNY": "522.40"}

    _change_stock(ids["pads"], on_hand=10, messages=2)
    assert run_task(embedded_celery, tasks.relay_outbox) == {
        "relayed": 2,
        "deliveries": {outbox.STOCK_CHANGED: 1},
    }
    assert wait_for(lambda: _cached_part_units() == 17, timeout=30)
    assert _undispatched() == []
    assert run_task(embedded_celery, tasks.relay_outbox)["relayed"] == 0


def test_beat_relays_a_stock_change_to_the_cache_with_no_task_sent_by_hand(embedded_worker_and_beat):
    _, beat = embedded_worker_and_beat
    ids = _stock_a_warehouse()

    _change_stock(ids["pads"], on_hand=60)

    assert wait_for(lambda: _cached_part_units() == 67, timeout=30)
    assert _undispatched() == []
    # Beat keeps its schedule state under VAR_DIR, not in the working directory.
    assert list((get_settings().var_dir).glob("celerybeat-schedule*"))
    assert not list(PROJECT_ROOT.glob("celerybeat-schedule*"))
    assert "Sending due task relay-outbox" in beat.log()
