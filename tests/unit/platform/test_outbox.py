"""The transactional outbox: a message exists exactly when its transaction commits, and the relay
hands messages on in order, once, keeping a message whose sending failed for the next relay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models import OutboxMessage
from models.db import get_engine, session_scope
from models.types import utcnow
from services.platform import outbox


class BrokerDown(Exception):
    pass


def _enqueue_committed(*topics: str) -> list[int]:
    with session_scope() as session:
        messages = [outbox.enqueue(session, topic, {"n": n}) for n, topic in enumerate(topics)]
        session.flush()
        return [message.id for message in messages]


def _messages() -> list[OutboxMessage]:
    with Session(get_engine()) as session:
        return session.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def _relay(send, **options) -> int:
    with Session(get_engine()) as session:
        return outbox.relay(session, send, **options)


def test_a_message_enqueued_in_a_rolled_back_transaction_never_exists(any_db_url):
    with pytest.raises(RuntimeError), session_scope() as session:
        outbox.enqueue(session, outbox.STOCK_CHANGED, {"stock_level_id": 1})
        session.flush()
        raise RuntimeError("the stock change failed")

    assert _messages() == []
    assert _relay(lambda message: pytest.fail("nothing may be sent")) == 0


def test_relay_sends_in_id_order_and_marks_each_dispatched_once(any_db_url):
    ids = _enqueue_committed(outbox.STOCK_CHANGED, "order.placed", outbox.STOCK_CHANGED)
    sent: list[tuple[int, str, dict]] = []

    assert _relay(lambda message: sent.append((message.id, message.topic, message.payload))) == 3

    assert sent == [
        (ids[0], outbox.STOCK_CHANGED, {"n": 0}),
        (ids[1], "order.placed", {"n": 1}),
        (ids[2], outbox.STOCK_CHANGED, {"n": 2}),
    ]
    stored = _messages()
    assert all(message.dispatched_at is not None for message in stored)
    assert all(message.dispatched_at.utcoffset().total_seconds() == 0 for message in stored)
    assert _relay(lambda message: sent.append(message.id)) == 0
    assert len(sent) == 3


def test_a_failed_send_keeps_that_message_and_the_later_ones_for_the_next_relay(any_db_url):
    ids = _enqueue_committed("a", "b", "c")
    sent: list[int] = []

    def send_until_b(message: OutboxMessage) -> None:
        if message.topic == "b":
            raise BrokerDown("broker unreachable")
        sent.append(message.id)

    with pytest.raises(BrokerDown):
        _relay(send_until_b)

    assert sent == [ids[0]]
    assert [message.dispatched_at is not None for message in _messages()] == [True, False, False]
    assert _relay(lambda message: sent.append(message.id)) == 2
    assert sent == ids


def test_relay_claims_only_the_topics_it_is_given(any_db_url):
    ids = _enqueue_committed("known", "unknown", "known")
    sent: list[int] = []

    assert _relay(lambda message: sent.append(message.id), topics=("known",)) == 2

    assert sent == [ids[0], ids[2]]
    assert [message.dispatched_at is None for message in _messages()] == [False, True, False]


def test_relay_honours_its_batch_size(any_db_url):
    ids = _enqueue_committed("a", "b", "c")
    sent: list[int] = []

    assert _relay(lambda message: sent.append(message.id), batch=2) == 2
    assert _relay(lambda message: sent.append(message.id), batch=2) == 1
    assert sent == ids


def test_two_relays_at_once_never_send_the_same_message(pg_url):
    ids = _enqueue_committed("a", "b")
    sent_by_second: list[int] = []
    sent_by_first: list[int] = []

    def send_while_another_relay_runs(message: OutboxMessage) -> None:
        # The first relay holds its rows locked; a second one skips them instead of sending them.
        if not sent_by_first:
            assert _relay(lambda other: sent_by_second.append(other.id)) == 0
        sent_by_first.append(message.id)

    assert _relay(send_while_another_relay_runs) == 2
    assert sent_by_first == ids
    assert sent_by_second == []


def test_prune_deletes_only_messages_sent_longer_ago_than_the_retention_oldest_first(any_db_url):
    now = utcnow()
    with session_scope() as session:

        def sent(topic: str, days_ago: float) -> OutboxMessage:
            at = now - timedelta(days=days_ago)
            return OutboxMessage(topic=topic, created_at=at, dispatched_at=at)

        rows = [
            sent("a", 12),
            sent("b", 10),
            sent("c", 1),
            OutboxMessage(topic="d", created_at=now - timedelta(days=30)),
        ]  # never sent: kept
        session.add_all(rows)
        session.flush()

    with Session(get_engine()) as session:
        assert outbox.prune(session, older_than=timedelta(days=7), now=now, batch=1) == 1
        assert [m.topic for m in _messages()] == ["b", "c", "d"]
        assert outbox.prune(session, older_than=timedelta(days=7), now=now) == 1
        assert outbox.prune(session, older_than=timedelta(days=7), now=now) == 0

    assert [m.topic for m in _messages()] == ["c", "d"]
