"""Which page a live notice reaches: the push of its topic (portal/live_updates.py PUSHES)."""

from __future__ import annotations

import asyncio

from portal import live_updates
from services.platform import live


def test_a_notice_without_a_topic_is_an_order_change():
    assert live.topic_of({"order_id": 3, "status": "paid"}) == "order.changed"
    assert live.topic_of({"topic": "shipment.changed", "shipment_id": 9}) == "shipment.changed"


def test_each_notice_goes_to_the_push_of_its_topic_and_an_unknown_topic_to_none(monkeypatch):
    seen: list[tuple[str, dict]] = []

    async def push(name):
        async def record(app, event):
            seen.append((name, event))
            return 1

        return record

    pushes = {
        "order.changed": asyncio.run(push("orders")),
        "scorecards.changed": asyncio.run(push("scorecards")),
    }
    monkeypatch.setattr(live_updates, "PUSHES", pushes)
    assert asyncio.run(live_updates.dispatch(None, {"order_id": 1})) == 1
    assert asyncio.run(live_updates.dispatch(None, {"topic": "scorecards.changed", "supplier_ids": [2]})) == 1
    assert asyncio.run(live_updates.dispatch(None, {"topic": "order.placed", "order_id": 1})) == 0
    assert [name for name, _ in seen] == ["orders", "scorecards"]
