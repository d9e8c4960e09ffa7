"""Scorecards follow receipts and incidents through the outbox and a REAL Celery worker (services
mode: PostgreSQL, Redis as broker and result backend). The relay is sent to the worker as beat
would send it; the recompute it starts runs in the worker, not here."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from models import OutboxMessage, SupplierScorecard
from models.db import get_engine
from models.types import utcnow
from services.platform import live
from services.supply import purchasing, quality, scorecards
from tests.integration.worker_helpers import run_task, wait_for
from tests.supply_world import SupplyWorld, build_world
from workers import tasks

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

RECOMPUTE_TIMEOUT = 30  # seconds; a bound, not a figure
STALE = scorecards.SCORECARD_STALE


def current_card(supplier_id: int) -> SupplierScorecard | None:
    """The supplier's rolling-12-month card for the current month, read afresh."""
    with Session(get_engine()) as session:
        return session.exec(
            select(SupplierScorecard).where(
                SupplierScorecard.supplier_id == supplier_id,
                SupplierScorecard.period_kind == "rolling12",
                SupplierScorecard.period == scorecards.month_of(utcnow().date()),
            )
        ).first()


def recomputed_after(supplier_id: int, before: SupplierScorecard | None) -> SupplierScorecard:
    """Wait for the worker to write the supplier's card anew (a later `computed_at`)."""
    return wait_for(
        lambda: (
            (card := current_card(supplier_id)) is not None
            and (before is None or card.computed_at > before.computed_at)
            and card
        ),
        timeout=RECOMPUTE_TIMEOUT,
    )


def shipped_order(world: SupplyWorld, quantities: list[int]) -> tuple[dict, dict, object]:
    """An order to the first supplier, acknowledged and shipped in full a day ago; returns
    (order, notice, received_at) with received_at twelve hours ago, so the receipt's local date
    (Shanghai) lies in this UTC month or the last, inside the twelve months scored."""
    now = utcnow()
    with Session(get_engine(), expire_on_commit=False) as session:
        order = purchasing.issue_purchase_order(
            session,
            world.manager,
            supplier_id=world.first.organisation.id,
            ship_to_location_id=world.warehouse.id,
            now=now - timedelta(days=3),
            lines=[
                {
                    "part_id": world.first.parts[index].id,
                    "quantity": quantity,
                    "unit_price": "10.00",
                    "requested_date": (now + timedelta(days=10)).date().isoformat(),
                }
                for index, quantity in enumerate(quantities)
            ],
        )
        order = purchasing.respond_to_order(
            session,
            world.first.principal,
            order["id"],
            [
                {
                    "line_id": line["id"],
                    "action": "acknowledge",
                    "promised_date": (now + timedelta(days=7)).date().isoformat(),
                }
                for line in order["lines"]
            ],
            now=now - timedelta(days=2),
        )
        notice = purchasing.create_shipping_notice(
            session,
            world.first.principal,
            order["id"],
            carrier="DHL",
            tracking_number="JD-W1",
            lines=[
                {"line_id": line["id"], "quantity": line["quantity"], "lot_number": "LOT-W1"}
                for line in order["lines"]
            ],
            shipped_at=now - timedelta(days=1),
        )
    return order, notice, now - timedelta(hours=12)


def receive(world: SupplyWorld, notice: dict, line: int, accepted: int, rejected: int, received_at) -> dict:
    with Session(get_engine(), expire_on_commit=False) as session:
        return purchasing.receive_goods(
            session,
            world.manager,
            notice["id"],
            received_at=received_at,
            lines=[
                {
                    "notice_line_id": notice["lines"][line]["id"],
                    "accepted_quantity": accepted,
                    "rejected_quantity": rejected,
                    "reject_reason": "porosity in casting" if rejected else "",
                }
            ],
        )


def undispatched_stale() -> list[dict]:
    with Session(get_engine()) as session:
        return [
            message.payload
            for message in session.exec(
                select(OutboxMessage)
                .where(OutboxMessage.topic == STALE, OutboxMessage.dispatched_at.is_(None))
                .order_by(OutboxMessage.id)
            )
        ]


def test_a_receipt_with_a_reject_reaches_the_suppliers_scorecard_through_the_relay(services_celery):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session, parts_per_supplier=2)
    supplier_id = world.first.organisation.id
    _order, notice, received_at = shipped_order(world, [600, 400])

    receive(world, notice, 0, 600, 0, received_at)
    first_relay = run_task(services_celery, tasks.relay_outbox)
    clean = recomputed_after(supplier_id, None)

    assert first_relay["deliveries"][STALE] == 1
    assert (clean.quantity_received, clean.quantity_rejected) == (600, 0)
    assert clean.score_quality == Decimal("100.0")
    assert clean.incidents_opened == 0

    receipt = receive(world, notice, 1, 399, 1, received_at)
    assert undispatched_stale() == [{"supplier_id": supplier_id, "reason": "receipt"}]
    run_task(services_celery, tasks.relay_outbox)
    rejected = recomputed_after(supplier_id, clean)

    # 1 rejected of 1,000 received is 1,000 ppm: 100 - 1000 * 100 / 5000 = 80.
    assert (rejected.quantity_received, rejected.quantity_rejected) == (1000, 1)
    assert (rejected.rejected_ppm, rejected.score_quality) == (Decimal("1000.0"), Decimal("80.0"))
    assert rejected.incidents_opened == 1
    assert rejected.score != clean.score
    assert undispatched_stale() == []

    # The supplier acknowledges the incident three hours after it opened: the response criterion
    # moves to those three hours once the worker has recomputed.
    incident_id = receipt["incident_ids"][0]
    with Session(get_engine(), expire_on_commit=False) as session:
        quality.acknowledge_incident(
            session, world.first.principal, incident_id, now=received_at + timedelta(hours=3)
        )
    run_task(services_celery, tasks.relay_outbox)
    answered = recomputed_after(supplier_id, rejected)
    assert answered.response_hours == Decimal("3.00")

    # Closing it asks for a recompute too.
    with Session(get_engine(), expire_on_commit=False) as session:
        quality.resolve_incident(
            session,
            world.first.principal,
            incident_id,
            evidence="8D report",
            containment_action="lot quarantined",
            root_cause="mould temperature",
        )
        quality.accept_resolution(session, world.manager, incident_id)
    assert undispatched_stale() == [{"supplier_id": supplier_id, "reason": "incident"}]


def test_stale_messages_coalesce_to_one_recompute_per_supplier_and_a_full_one_covers_the_rest(
    services_celery,
):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session, parts_per_supplier=1)
        first, second = world.first.organisation.id, world.second.organisation.id
        for supplier_id in (first, first, second, first, second):
            scorecards.mark_stale(session, supplier_id, reason="receipt")
        session.commit()

    # Only the stale topic: the recomputes' own "scorecards.changed" notices are not counted here.
    relayed = run_task(services_celery, tasks.relay_outbox, [STALE])

    assert relayed == {"relayed": 5, "deliveries": {STALE: 2}}
    assert undispatched_stale() == []

    with Session(get_engine(), expire_on_commit=False) as session:
        for supplier_id in (first, None, second, first):
            scorecards.mark_stale(session, supplier_id, reason="settings")
        session.commit()
    # The first supplier's message, then one full recompute that serves the two after it.
    assert run_task(services_celery, tasks.relay_outbox, [STALE]) == {"relayed": 4, "deliveries": {STALE: 2}}


def test_the_recompute_task_is_idempotent(services_celery):
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session, parts_per_supplier=2)
    _order, notice, received_at = shipped_order(world, [300, 200])
    receive(world, notice, 0, 290, 10, received_at)

    first = run_task(services_celery, tasks.recompute_scorecards_task, world.first.organisation.id)
    card = current_card(world.first.organisation.id)
    second = run_task(services_celery, tasks.recompute_scorecards_task, world.first.organisation.id)
    again = current_card(world.first.organisation.id)
    everyone = run_task(services_celery, tasks.recompute_scorecards_task)

    # Only the first supplier has figures, so the full run writes the same rows as its own.
    assert first["rows"] == second["rows"] == everyone["rows"] > 0
    assert second["computed_at"] > first["computed_at"]
    assert again.computed_at > card.computed_at
    columns = ("quantity_received", "quantity_rejected", "rejected_ppm", "score_quality", "score", "standing")
    assert [getattr(again, column) for column in columns] == [getattr(card, column) for column in columns]
    assert (card.quantity_rejected, card.rejected_ppm) == (10, Decimal("33333.3"))


def test_an_open_scorecard_page_hears_when_the_workers_recompute_finishes(services_celery):
    """The recompute task's "scorecards.changed" notice reaches a running live listener (the web
    process's one) over Redis: what makes the open scorecard pages reload."""
    with Session(get_engine(), expire_on_commit=False) as session:
        world = build_world(session, parts_per_supplier=1)
    supplier_id = world.first.organisation.id

    async def scenario() -> dict:
        events: asyncio.Queue[dict] = asyncio.Queue()
        listening = live.listen()

        async def pump() -> None:
            async for event in listening:
                await events.put(event)

        task = asyncio.create_task(pump())
        try:
            # The listener subscribes first: a notice is heard once it is subscribed, so ask
            # for recomputes until one is heard (the first normally is).
            while True:
                await asyncio.to_thread(
                    run_task, services_celery, tasks.recompute_scorecards_task, supplier_id
                )
                with contextlib.suppress(TimeoutError):
                    while True:
                        event = await asyncio.wait_for(events.get(), RECOMPUTE_TIMEOUT / 3)
                        if event.get("topic") == scorecards.SCORECARDS_CHANGED:
                            return event
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await listening.aclose()

    event = asyncio.run(asyncio.wait_for(scenario(), RECOMPUTE_TIMEOUT * 2))
    assert event["supplier_ids"] == [supplier_id]
    with Session(get_engine()) as session:
        assert event["period_to"] == scorecards.current_month(session)
