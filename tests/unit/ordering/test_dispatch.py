"""workers/dispatch.py: the web process's "relay now" after a placement, on SQLite (no broker needed:
the delivery to the worker is recorded instead of sent)."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import Session, select

from models import OutboxMessage
from models.db import get_engine
from services.ordering import payments
from services.ordering import placement as ordering
from services.ordering.placement import ORDER_CHANGED, ORDER_PLACED
from services.platform import outbox
from tests.ordering_world import build_world, new_key, part_line
from workers import dispatch


@pytest.fixture
def delivered(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict]]:
    sent: list[tuple[str, dict]] = []
    lock = threading.Lock()

    def record(topic: str):
        def deliver(payload: dict) -> None:
            with lock:
                sent.append((topic, payload))

        return deliver

    monkeypatch.setitem(dispatch._DELIVER, ORDER_PLACED, record(ORDER_PLACED))
    monkeypatch.setitem(dispatch._DELIVER, ORDER_CHANGED, record(ORDER_CHANGED))
    return sent


def _undispatched(topic: str) -> int:
    with Session(get_engine()) as session:
        rows = session.exec(
            select(OutboxMessage.id).where(
                OutboxMessage.topic == topic, OutboxMessage.dispatched_at.is_(None)
            )
        ).all()
        session.commit()
    return len(rows)


def test_every_placed_order_is_handed_to_the_worker_exactly_once_under_concurrent_kicks(delivered):
    """Kicks racing each other (one relay at a time per process) lose none and double none."""
    with Session(get_engine()) as session:
        world = build_world(session, part_on_hand=1000)
    part_id, store_id, dealer = world.parts[0].id, world.store.id, world.dealer
    placed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(12)

    def buyer() -> None:
        start.wait()
        for _ in range(3):
            with Session(get_engine()) as session:
                order = ordering.place_order(
                    session,
                    dealer,
                    lines=[part_line(part_id, 1)],
                    buyer_location_id=store_id,
                    idempotency_key=new_key(),
                ).order
            with lock:
                placed.append(order.id)
            dispatch.kick_relay()

    threads = [threading.Thread(target=buyer) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    handed = sorted(payload["order_id"] for topic, payload in delivered if topic == ORDER_PLACED)
    assert handed == sorted(placed)
    assert len(placed) == 36
    assert _undispatched(ORDER_PLACED) == 0
    # The stock summary stays on beat's rhythm: those messages wait for the worker's relay.
    assert _undispatched("stock.changed") == 36


def test_a_failing_delivery_leaves_the_message_for_the_beat_relay_and_never_raises(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
):
    def broker_down(payload: dict) -> None:
        raise ConnectionError("broker unreachable")

    monkeypatch.setitem(dispatch._DELIVER, ORDER_PLACED, broker_down)
    with Session(get_engine()) as session:
        world = build_world(session)
        ordering.place_order(
            session,
            world.dealer,
            lines=[part_line(world.parts[0], 1)],
            buyer_location_id=world.store.id,
            idempotency_key=new_key(),
        )

    dispatch.kick_relay()

    assert _undispatched(ORDER_PLACED) == 1


def test_only_the_fast_path_topics_are_relayed(delivered):
    with Session(get_engine()) as session:
        world = build_world(session)
        ordering.place_order(
            session,
            world.dealer,
            lines=[part_line(world.parts[0], 1)],
            buyer_location_id=world.store.id,
            idempotency_key=new_key(),
        )

    dispatch.kick_relay(("stock.changed", "no.such.topic"))

    assert delivered == []
    assert _undispatched(ORDER_PLACED) == 1


class RecordingBroker:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[str, list, dict]] = []
        self.fail = fail

    def send_task(self, name: str, args=(), kwargs=None, **options) -> None:
        if self.fail:
            raise ConnectionError("broker unreachable")
        self.sent.append((name, list(args), kwargs or {}))


@pytest.fixture
def broker(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> RecordingBroker:
    recording = RecordingBroker()
    monkeypatch.setattr(dispatch, "_client", lambda broker_url: recording)
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session)
        recording.cart = {"principal": world.dealer, "part_id": world.parts[0].id, "store_id": world.store.id}
    return recording


def _place_once(broker: RecordingBroker, key: str) -> ordering.PlacedOrder:
    cart = broker.cart
    with Session(get_engine()) as session:
        return ordering.place_order(
            session,
            cart["principal"],
            lines=[part_line(cart["part_id"], 1)],
            buyer_location_id=cart["store_id"],
            idempotency_key=key,
        )


def test_start_processing_sends_the_order_with_its_message_and_a_replay_sends_nothing(broker):
    placed = _place_once(broker, "checkout-1")
    dispatch.start_processing(placed)
    dispatch.start_processing(_place_once(broker, "checkout-1"))  # the same key again: a replay

    assert broker.sent == [
        ("workers.tasks.process_order", [placed.order.id], {"message_id": placed.message_id})
    ]
    with Session(get_engine()) as session:
        message = session.get(OutboxMessage, placed.message_id)
    assert (message.topic, message.payload["order_id"]) == (ORDER_PLACED, placed.order.id)


def test_a_failed_hand_off_never_raises_and_the_relay_sends_the_order_after_the_grace(broker):
    broker.fail = True
    placed = _place_once(broker, "checkout-2")

    dispatch.start_processing(placed)  # logged, not raised

    sent: list[int] = []
    with Session(get_engine()) as session:
        assert (
            outbox.relay(
                session, lambda m: sent.append(m.id), topics=[ORDER_PLACED], hold_back={ORDER_PLACED: 60}
            )
            == 0
        )
        assert (
            outbox.relay(
                session, lambda m: sent.append(m.id), topics=[ORDER_PLACED], hold_back={ORDER_PLACED: 0}
            )
            == 1
        )
    assert sent == [placed.message_id]


def test_the_worker_marks_the_message_of_the_order_it_was_handed_as_sent(broker):
    placed = _place_once(broker, "checkout-3")

    with Session(get_engine()) as session:
        outcome = payments.process_order(session, placed.order.id, message_id=placed.message_id)

    assert outcome.action == "completed"
    assert _undispatched(ORDER_PLACED) == 0
    with Session(get_engine()) as session:  # nothing left for the relay, however old
        assert (
            outbox.relay(
                session,
                lambda m: pytest.fail("sent twice"),
                topics=[ORDER_PLACED],
                hold_back={ORDER_PLACED: 0},
            )
            == 0
        )
